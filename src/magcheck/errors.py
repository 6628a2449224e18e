"""One exception base and the documented exit codes.

Every failure a user can cause or meet is raised as a `MagcheckError`; the CLI turns it into one line on
stderr and its exit code, never a traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    STALE = 1  # stale or fallback data: a list could not be refreshed, or the bundled snapshot was used
    USAGE = 2  # bad flags or arguments
    NO_DATA = 3  # no usable copy of some list (missing, unreadable or invalid file)
    CACHE = 4  # the cache could not be written (read-only, disk full, locked)
    GAPS = 10  # `gaps --exit-code`: there are gaps (or, with --changes, new gaps)
    GAPS_ON_STALE_DATA = 11  # the same alert, computed from stale or fallback data (e.g. the bundled snapshot)
    INTERNAL = 70  # a bug in magcheck (EX_SOFTWARE); MAGCHECK_DEBUG=1 shows the traceback
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    TERMINATED = 143  # SIGTERM, as cron and systemd send it


class MagcheckError(Exception):
    """Base for every error shown to the user as a single line."""

    exit_status: ExitStatus = ExitStatus.NO_DATA


class UsageError(MagcheckError):
    exit_status = ExitStatus.USAGE


class ListFileError(MagcheckError):
    """A list file is missing, empty, truncated, HTML, or not the expected schema."""

    exit_status = ExitStatus.NO_DATA

    def __init__(self, list_code: str, file: str, reason: str) -> None:
        self.list_code = list_code
        self.file = file
        self.reason = reason
        super().__init__(f"{list_code}: {file}: {reason}")


class FetchError(MagcheckError):
    """A download failed (network, HTTP status, invalid content)."""

    exit_status = ExitStatus.NO_DATA


class CacheError(MagcheckError):
    exit_status = ExitStatus.CACHE


class Terminated(BaseException):
    """SIGTERM arrived (cron, systemd, `kill`): unwinds like Ctrl-C so temporary files are cleaned up."""


class Interrupted(BaseException):
    """Ctrl-C (SIGINT), raised instead of KeyboardInterrupt so no library in between prints anything of its own
    (click would print a newline); unwinds the same way."""
