"""Write a rendered report where `--output` asked: atomically, so a reader (or a cron job mailing the file)
never sees half of it; in place for a device or pipe (`/dev/stdout`, a FIFO), never replacing it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from magcheck.errors import ExitStatus, MagcheckError
from magcheck.fsutil import write_atomically as _write


class OutputError(MagcheckError):
    """The report cannot be written where `--output` asked (missing directory, no permission, a directory
    in the way): exit status 2 (USAGE), like other bad arguments: the user named the path and can fix it. A
    full disk is exit 4, like every other disk failure."""

    exit_status = ExitStatus.USAGE


def write_atomically(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` (see `fsutil.write_atomically`); any failure is one OutputError line."""
    target = Path(path)
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {path}: directory {target.parent} does not exist")
    try:
        payload = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise OutputError(f"cannot write {path}: the report cannot be encoded as {encoding}: {exc.reason}") from None
    try:
        return _write(target, payload)
    except IsADirectoryError:
        raise OutputError(f"cannot write {path}: it is a directory") from None
    except OSError as exc:
        error = OutputError(f"cannot write {path}: {_reason(exc)}")
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            error.exit_status = ExitStatus.CACHE
        raise error from None


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disk full (no space left on device)"
    return exc.strerror or str(exc)
