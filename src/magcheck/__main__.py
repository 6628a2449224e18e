"""`magcheck` / `python -m magcheck`: the command-line entry point.

The cyclic garbage collector is switched off before anything is imported: a run is a short batch that
builds hundreds of thousands of long-lived, acyclic objects (list entries, names, indexes), which the
collector would rescan again and again for nothing (about a tenth of a run's time). Reference counting
still frees everything as usual, and the process ends within seconds.

A run that has said everything ends at once (`_end_now`): freeing those objects one by one as the interpreter
shuts down takes a tenth of a second and more, for a process that is about to disappear (mypy ends the same
way). Every file magcheck writes is complete and closed by then; only the standard streams are flushed.

Ctrl-C and SIGTERM (what cron and systemd send) end a run with one line and exit 130 / 143 at any moment,
even while modules are still being imported; temporary files are removed as the stack unwinds. Both raise
magcheck's own exceptions rather than KeyboardInterrupt, so no library prints anything of its own.
"""

from __future__ import annotations

import gc
import os
import signal
import sys


class _Stopped(BaseException):
    """Raised by a signal handler before magcheck.errors (with Interrupted and Terminated) is imported."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _on_signal(signum: int, _frame: object) -> None:
    try:
        from magcheck.errors import Interrupted, Terminated
    except BaseException:
        raise _Stopped(130 if signum == signal.SIGINT else 143) from None
    raise Interrupted if signum == signal.SIGINT else Terminated


def _end_now(status: int) -> None:
    """Exit with `status` without tearing the interpreter down, once stdout and stderr are flushed; if they cannot
    be (a closed pipe), return and let the usual exit report it."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(status)


def main() -> None:
    gc.disable()
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        from magcheck.cli import main as run

        run()
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            _end_now(done.code or 0)
        raise
    except (KeyboardInterrupt, _Stopped) as exc:
        status = exc.status if isinstance(exc, _Stopped) else 130
        sys.stderr.write("magcheck: interrupted\n" if status == 130 else "magcheck: terminated\n")
        sys.exit(status)
    except BaseException as exc:
        name = type(exc).__name__
        if name in ("Interrupted", "Terminated"):  # raised before cli.main could turn it into its line
            sys.stderr.write("magcheck: interrupted\n" if name == "Interrupted" else "magcheck: terminated\n")
            sys.exit(130 if name == "Interrupted" else 143)
        raise


if __name__ == "__main__":
    main()
