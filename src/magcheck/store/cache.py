"""The on-disk cache of downloaded lists: the current good copy of each list, a few dated previous ones.

Layout under the cache root (platformdirs' user cache dir, or --cache-dir / MAGCHECK_CACHE_DIR):

    .lock                              held while a run downloads and installs (two cron runs at once)
    us/000007-20261128T040000Z/        one complete, validated copy: the official files + meta.json
    us/000006-20261127T040000Z/        previous copies, newest first, `keep` of them kept
    us/.staging-*/                     a download in progress; never read, removed when it fails

A copy becomes visible in one atomic directory rename, and only after its files were parsed and checked,
so a reader never sees half a copy and a bad download never replaces the last good one. The newest
numbered directory holding a readable meta.json is the current copy.
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import filelock
import platformdirs

from magcheck.errors import CacheError
from magcheck.fsutil import fsync_directory, write_atomically
from magcheck.model import Origin, OriginKind, SanctionsList

META_FILE = "meta.json"
LOCK_FILE = ".lock"
STAGING_PREFIX = ".staging-"
DAMAGED_PREFIX = ".damaged-"  # a copy found damaged, renamed aside: kept for inspection, never read
KEEP_PREVIOUS = 5
DEFAULT_LOCK_TIMEOUT = 300.0  # seconds a second run waits for the first before giving up
_VERSION_NAME = re.compile(r"^(\d{6,})-(\d{8}T\d{6}Z)$")


def default_cache_root() -> Path:
    return platformdirs.user_cache_path("magcheck", appauthor=False)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime | None:
    """`2026-11-28T04:00:00Z` as an aware datetime; None when it is not in that form."""
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def human_utc(text: str) -> str:
    """`2026-11-28T04:00:00Z` as `2026-11-28 04:00 UTC`, the way origins are shown."""
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return text
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class FileMeta:
    """One downloaded file: enough to send a conditional request and to prove what was read."""

    name: str
    url: str
    fetched_at: str  # when these bytes were downloaded (ISO 8601, UTC)
    sha256: str
    size: int
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class CopyMeta:
    """One cached copy of a list: its files and the facts `lists` shows without re-reading the cache."""

    list: str
    title: str
    fetched_at: str  # when the newest of its files was downloaded
    checked_at: str  # when the server last confirmed it is current (a 304 updates only this)
    files: dict[str, FileMeta]
    layout_files: builtins.list[str]  # every file name of the layout, downloaded or not (optional ones may be absent)
    entries: int
    list_date: str | None = None  # ISO date the list states, or the server's Last-Modified (see date_note)
    date_note: str | None = None
    names: int | None = None  # names of all entries (primary and others): half an alias file shows here

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> CopyMeta:
        """Read a meta.json; ValueError for anything that is not what `to_json` writes (a damaged or
        hand-edited file must be refused, never half trusted). Unknown keys of other versions are ignored."""
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
            raise ValueError("meta.json is not a copy description")
        files = {name: _file_meta(name, info) for name, info in data["files"].items()}
        meta = cls(files=files, **{k: data[k] for k in _COPY_FIELDS if k in data})
        _check_types(meta, _COPY_TYPES)
        return meta


def _file_meta(name: object, info: object) -> FileMeta:
    if not isinstance(name, str) or not isinstance(info, dict):
        raise ValueError("meta.json: malformed file entry")
    meta = FileMeta(**{k: info[k] for k in _FILE_FIELDS if k in info})
    _check_types(meta, _FILE_TYPES)
    return meta


def _check_types(meta: object, expected: dict[str, tuple[type, ...]]) -> None:
    for name, kinds in expected.items():
        value = getattr(meta, name)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise ValueError(f"meta.json: {name} has the wrong type ({type(value).__name__})")


_FILE_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,), "url": (str,), "fetched_at": (str,), "sha256": (str,), "size": (int,),
    "etag": (str, type(None)), "last_modified": (str, type(None))}
_FILE_FIELDS = tuple(_FILE_TYPES)
_COPY_TYPES: dict[str, tuple[type, ...]] = {
    "list": (str,), "title": (str,), "fetched_at": (str,), "checked_at": (str,), "layout_files": (list,),
    "entries": (int,), "list_date": (str, type(None)), "date_note": (str, type(None)), "names": (int, type(None))}
_COPY_FIELDS = tuple(_COPY_TYPES)


@dataclass(frozen=True)
class CachedCopy:
    """A complete copy of one list in the cache."""

    code: str
    directory: Path
    meta: CopyMeta

    @property
    def files(self) -> dict[str, Path]:
        return {name: self.directory / name for name in self.meta.files}

    @property
    def origin(self) -> Origin:
        return Origin(OriginKind.CACHE, str(self.directory), parse_utc(self.meta.fetched_at),
                      parse_utc(self.meta.checked_at))

    def describe(self) -> str:
        """`fetched 2026-11-28 04:00 UTC, list of 2026-11-27`: how old the copy is, for messages."""
        stated = f", list of {self.meta.list_date}" if self.meta.list_date else ""
        return f"fetched {human_utc(self.meta.fetched_at)}{stated}"

    def apply_to(self, parsed: SanctionsList, *, fresh: bool = False) -> SanctionsList:
        """The parsed list, saying it came from this copy (downloaded by this very run when `fresh`), dated
        from the server when the file states none."""
        origin = self.origin
        if fresh:
            origin = replace(origin, kind=OriginKind.FETCHED)
        result = replace(parsed, origin=origin)
        if result.date is None and self.meta.list_date:
            stated = date.fromisoformat(self.meta.list_date)
            result = replace(result, date=stated, date_note=self.meta.date_note)
        return result


class Cache:
    """Read and update the cache; every write goes through `locked()` and raises CacheError on failure."""

    def __init__(self, root: Path | None = None, *, lock_timeout: float | None = None,
                 keep: int = KEEP_PREVIOUS) -> None:
        self.root = Path(root) if root is not None else default_cache_root()
        self.lock_timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        self.keep = keep

    # -- reading (no lock needed: copies appear and disappear atomically) --------------------------------

    def copies(self, code: str) -> list[CachedCopy]:
        """Every readable copy of a list, newest first; the first is the current one."""
        return list(self._iter_copies(code))

    def current(self, code: str) -> CachedCopy | None:
        return next(self._iter_copies(code), None)

    def _iter_copies(self, code: str) -> Iterator[CachedCopy]:
        folder = self.root / code
        try:
            names = sorted((p.name for p in folder.iterdir() if _VERSION_NAME.match(p.name)), reverse=True)
        except OSError:
            return
        for name in names:
            copy = self._read_copy(code, folder / name)
            if copy is not None:
                yield copy

    def previous(self, code: str) -> list[CachedCopy]:
        """The dated older copies kept for "what changed" reports, newest first."""
        return self.copies(code)[1:]

    @staticmethod
    def _read_copy(code: str, directory: Path) -> CachedCopy | None:
        return None if Cache.damage(directory) else CachedCopy(
            code, directory, CopyMeta.from_json((directory / META_FILE).read_text(encoding="utf-8")))

    @staticmethod
    def damage(directory: Path) -> str | None:
        """Why a copy folder cannot be trusted (its meta.json unreadable or not what magcheck writes, a file it
        names missing), or None."""
        try:
            meta = CopyMeta.from_json((directory / META_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return f"{META_FILE} is missing"
        except OSError as exc:
            return f"{META_FILE} cannot be read ({exc.strerror or exc})"
        except (ValueError, TypeError, KeyError) as exc:
            return f"{META_FILE} is damaged ({' '.join(str(exc).split())[:120]})"
        missing = [name for name in meta.files if not (directory / name).is_file()]
        return f"{', '.join(missing)} missing" if missing else None

    def damaged_copies(self, code: str) -> list[tuple[Path, str]]:
        """Copy folders of a list that cannot be trusted, with why: to be reported and set aside."""
        folder = self.root / code
        try:
            folders = sorted(p for p in folder.iterdir() if _VERSION_NAME.match(p.name))
        except OSError:
            return []
        return [(path, reason) for path in folders if (reason := self.damage(path)) is not None]

    def set_aside(self, directory: Path) -> Path | None:
        """Rename a damaged copy out of the way (`.damaged-<name>`, kept for inspection, never read again) so the
        next run rebuilds it; None when it cannot be moved (a read-only cache: it is simply skipped)."""
        target = directory.with_name(f"{DAMAGED_PREFIX}{directory.name}")
        try:
            os.replace(directory, target)
        except OSError:
            return None
        return target

    # -- writing ------------------------------------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cache lock; a second run waits up to `lock_timeout` seconds, then fails clearly."""
        with self.writing():
            self.root.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(self.root / LOCK_FILE, timeout=self.lock_timeout)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise CacheError(f"another magcheck run is updating the cache at {self.root} "
                             f"(waited {self.lock_timeout:g} s); try again later") from None
        except OSError as exc:
            raise self._error(exc) from None
        try:
            yield
        finally:
            lock.release()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Turn any OSError (read-only, disk full, a file where a folder should be) into a CacheError."""
        try:
            yield
        except OSError as exc:
            raise self._error(exc) from None

    def _error(self, exc: OSError) -> CacheError:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ENOSPC:
            reason = "disk full (no space left on device)"
        elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            reason = f"not writable ({reason})"
        return CacheError(f"cannot write the cache at {self.root}: {reason} "
                          "(use --cache-dir or MAGCHECK_CACHE_DIR to choose another place)")

    @contextmanager
    def staging(self, code: str) -> Iterator[Path]:
        """A fresh temporary folder next to the copies (same file system, so installing is a rename).

        Removed on exit unless `install` moved it into place. Call under `locked()`.
        """
        folder = self.root / code
        with self.writing():
            folder.mkdir(parents=True, exist_ok=True)
            self._remove_stale_staging(folder)
            path = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    @staticmethod
    def _remove_stale_staging(folder: Path) -> None:
        """Left-overs of a run that was killed; safe to delete because we hold the lock."""
        for leftover in folder.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(leftover, ignore_errors=True)

    def reuse_file(self, source: Path, staging: Path) -> None:
        """Put an unchanged file of the current copy into the new one: a hard link, or a copy."""
        target = staging / source.name
        with self.writing():
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)

    def install(self, code: str, staging: Path, meta: CopyMeta) -> CachedCopy:
        """Write the metadata and move the validated staging folder into place in one rename."""
        folder = self.root / code
        with self.writing():
            write_atomically(staging / META_FILE, meta.to_json())
            target = folder / f"{self._next_number(folder):06d}-{_stamp(meta.fetched_at)}"
            os.replace(staging, target)
            fsync_directory(folder)
        self._prune(folder)
        return CachedCopy(code, target, meta)

    def update_meta(self, copy: CachedCopy, meta: CopyMeta) -> CachedCopy:
        """Record a 304 (checked_at, fresh validators) on the current copy without touching its files."""
        with self.writing():
            write_atomically(copy.directory / META_FILE, meta.to_json())
        return CachedCopy(copy.code, copy.directory, meta)

    @staticmethod
    def _next_number(folder: Path) -> int:
        numbers = [int(m.group(1)) for p in folder.iterdir() if (m := _VERSION_NAME.match(p.name))]
        return max(numbers, default=0) + 1

    def _prune(self, folder: Path) -> None:
        """Keep the current copy and `keep` previous ones; a failure here costs only disk space."""
        names = sorted((p.name for p in folder.iterdir() if _VERSION_NAME.match(p.name)), reverse=True)
        for old in names[self.keep + 1:]:
            shutil.rmtree(folder / old, ignore_errors=True)


def _stamp(iso: str) -> str:
    return iso.replace("-", "").replace(":", "")
