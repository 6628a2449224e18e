"""`magcheck` / `python -m magcheck`: the command-line entry point.

The cyclic garbage collector is switched off before anything is imported: a run is a short batch that
builds hundreds of thousands of long-lived, acyclic objects (list entries, names, indexes), which the
collector would rescan again and again for nothing (about a tenth of a run's time). Reference counting
still frees everything as usual, and the process ends within seconds.
"""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    from magcheck.cli import main as run

    run()


if __name__ == "__main__":
    main()
