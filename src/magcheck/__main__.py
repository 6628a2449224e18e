"""`magcheck` / `python -m magcheck`: the command-line entry point.

The cyclic garbage collector is switched off before anything is imported: a run is a short batch that
builds hundreds of thousands of long-lived, acyclic objects (list entries, names, indexes), which the
collector would rescan again and again for nothing (about a tenth of a run's time). Reference counting
still frees everything as usual, and the process ends within seconds.

Ctrl-C and SIGTERM (what cron and systemd send) end a run with one line and exit 130 / 143 at any moment,
even while modules are still being imported; temporary files are removed as the stack unwinds.
"""

from __future__ import annotations

import gc
import signal
import sys


class _Terminated(BaseException):
    """Raised by the SIGTERM handler before magcheck.errors (with its own Terminated) is imported."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    try:
        from magcheck.errors import Terminated
    except BaseException:
        raise _Terminated from None
    raise Terminated


def main() -> None:
    gc.disable()
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        from magcheck.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("magcheck: interrupted\n")
        sys.exit(130)
    except _Terminated:
        sys.stderr.write("magcheck: terminated\n")
        sys.exit(143)
    except BaseException as exc:
        if type(exc).__name__ == "Terminated":
            sys.stderr.write("magcheck: terminated\n")
            sys.exit(143)
        raise


if __name__ == "__main__":
    main()
