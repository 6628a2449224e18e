"""What the prepared lists and the pair scores share as folders of derived files under the cache dir.

Both keep files that can always be made again: a file that cannot be read is removed and made again with a
warning, a folder that cannot be written is said once per run (the run goes on without it), and only the newest
few files of each kind are kept.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from magcheck.notices import Notice, warning


class CacheFolder:
    """A folder of derived files (`suffix`), with the notices a run has to be told about it."""

    def __init__(self, root: Path, suffix: str, unwritable: str) -> None:
        self.root = root
        self.suffix = suffix
        self.unwritable = unwritable  # what a folder that cannot be written costs: "{root}", "{why}" filled in
        self._notices: list[Notice] = []
        self._unwritable = False  # said once per run

    def take_notices(self) -> list[Notice]:
        """What the folder has to tell the user since it was last asked."""
        notices, self._notices = self._notices, []
        return notices

    def damaged(self, path: Path, message: str, code: str | None = None) -> None:
        """Remove a file that cannot be trusted and say so (`message`: what was damaged and what happens now)."""
        self.remove(path)
        self._notices.append(warning(message, code))

    def cannot_write(self, exc: OSError) -> None:
        """Say once per run that nothing can be kept here, and what that costs."""
        if not self._unwritable:
            self._unwritable = True
            self._notices.append(warning(self.unwritable.format(root=self.root, why=exc.strerror or exc)))

    def writable(self) -> bool:
        """Whether files can be written here (the folder made if need be); said once when not."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.cannot_write(exc)
            return False
        return True

    def read(self, path: Path, damaged: str, code: str | None = None) -> bytes | None:
        """A file's bytes; None when there is none, or when it cannot be read (then removed, with the warning
        `damaged`, where "{why}" is filled in)."""
        try:
            return path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):  # none kept (or no cache dir to keep one in)
            return None
        except OSError as exc:
            self.damaged(path, damaged.format(why=f"unreadable: {exc.strerror or exc}"), code)
            return None

    @staticmethod
    def remove(path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()

    @staticmethod
    def used(path: Path) -> None:
        """Mark a file recently used: kept when older ones are pruned."""
        with contextlib.suppress(OSError):
            os.utime(path)

    def prune(self, prefix: str, kept: Path, keep: int) -> None:
        """Keep the newest `keep` files named `<prefix>-<key><suffix>` (the one just written among them)."""
        others = [p for p in self.root.glob(f"{prefix}-*{self.suffix}") if p != kept and len(p.name) == len(kept.name)]
        with contextlib.suppress(OSError):
            others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in others[keep - 1:]:
            self.remove(old)
