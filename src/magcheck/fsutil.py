"""The one way magcheck writes a file: atomically where that is safe, in place where it is not.

A cron job mailing a report, a reader of the cache or of the run history must see the old file or the new one,
never half of it: the bytes go to a temporary sibling (same file system), are flushed to disk, and replace the
target in one rename, which is then made durable. A rename only makes sense over a regular file (or a new
path): over a device, a FIFO or a socket (`/dev/null`, `/dev/full`, a named pipe, `/dev/stdout`) it would
replace the special file with a regular one, so those are written to in place instead.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def is_special_file(path: Path) -> bool:
    """A device, FIFO or socket (following symlinks): never replaced, only written to."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


_STREAM_ALIASES = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/")


def _is_stream_alias(path: Path) -> bool:
    """`/dev/stdout`, `/dev/fd/3`: a name for an open stream, whatever it points at, is written through."""
    text = str(path)
    return text in _STREAM_ALIASES[:2] or text.startswith(_STREAM_ALIASES[2:])


def fsync_directory(folder: Path) -> None:
    """Make a rename durable where the platform allows it (not on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomically(path: str | os.PathLike[str], data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write `data` to `path`: one atomic replace for a regular or new file, in place for a special file.

    Returns the path written (a symlink's target; the link itself is kept). A new file gets the usual
    permissions (0666 less the umask), an existing one keeps its own. Text is written as given (no newline
    translation: CSV keeps its CRLF). Raises OSError (IsADirectoryError, FileNotFoundError for a missing
    folder, ...) for the caller to turn into its own one-line error; a failed write leaves the target untouched
    and no temporary file behind.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    target = Path(path)
    if is_special_file(target) or _is_stream_alias(target):  # checked before resolving: /dev/stdout -> a pipe
        with open(target, "wb") as stream:
            stream.write(payload)
        return target
    if target.is_symlink():
        target = target.resolve()
    if is_special_file(target):
        with open(target, "wb") as stream:  # a device or pipe: write through, nothing to rename over
            stream.write(payload)
        return target
    if target.is_dir():
        raise IsADirectoryError(f"{path} is a directory")
    folder = target.parent
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_current_umask()
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_directory(folder)
    return target
