"""Write a rendered report to a file atomically: a reader (or a cron job mailing the file) never sees half of it.

The text goes to a temporary file in the target's own directory (so the final rename stays on one file
system), is flushed to disk, then replaces the target in one `os.replace`. On any failure the temporary file
is removed and the previous version of the target, if any, is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from magcheck.errors import ExitStatus, MagcheckError


class OutputError(MagcheckError):
    """The report cannot be written where `--output` asked (missing directory, no permission, a directory
    in the way, disk full).

    Exit status 2 (USAGE), like other bad arguments: the user named the path and can fix it. It is not 3
    (NO_DATA, a list has no usable copy) nor 4 (CACHE, magcheck's own cache failed), which cron wrappers
    read as data problems.
    """

    exit_status = ExitStatus.USAGE


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` in one atomic replace; return the path written (a symlink's target).

    Bytes are written as given: no newline translation, so CSV keeps its CRLF row ends on every platform.
    A new file gets the usual permissions (0666 less the umask); an existing file keeps its own.
    """
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()  # write through the link, keep the link itself
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: directory {folder} does not exist")
    if target.is_dir():
        raise OutputError(f"cannot write {path}: it is a directory")
    try:
        payload = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise OutputError(f"cannot write {path}: the report cannot be encoded as {encoding}: {exc.reason}") from None
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_current_umask()
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return target
