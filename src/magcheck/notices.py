"""What a run has to tell its user besides its result: structured notices with a severity.

Every layer that meets something worth saying (a list read from the bundled snapshot, an optional file that is
broken, a list left out) returns a `Notice` instead of printing; the command line prints them under one
verbosity policy (`should_show`), so that `--quiet` can hide chatter but never that the data is degraded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Severity(IntEnum):
    INFO = 10  # progress and facts (-v)
    WARNING = 20  # something the user should know; hidden by --quiet
    DEGRADED = 30  # the result rests on stale or fallback data: always shown, even with --quiet
    ERROR = 40  # something failed (a list with no usable copy); always shown


@dataclass(frozen=True, slots=True)
class Notice:
    severity: Severity
    text: str  # one line, without the "magcheck: warning:" prefix
    list: str | None = None  # the list code it is about, when it is about one

    @property
    def prefix(self) -> str:
        if self.severity is Severity.ERROR:
            return "magcheck: error: "
        return "magcheck: warning: " if self.severity >= Severity.WARNING else "magcheck: "

    def line(self) -> str:
        return self.prefix + self.text


def should_show(notice: Notice, *, quiet: bool, verbose: int) -> bool:
    """The one verbosity policy: -v adds INFO, --quiet drops WARNING, nothing drops DEGRADED or ERROR."""
    if notice.severity >= Severity.DEGRADED:
        return True
    if quiet:
        return False
    return notice.severity >= Severity.WARNING or verbose > 0


def info(text: str, code: str | None = None) -> Notice:
    return Notice(Severity.INFO, text, code)


def warning(text: str, code: str | None = None) -> Notice:
    return Notice(Severity.WARNING, text, code)


def degraded(text: str, code: str | None = None) -> Notice:
    return Notice(Severity.DEGRADED, text, code)


def error(text: str, code: str | None = None) -> Notice:
    return Notice(Severity.ERROR, text, code)
