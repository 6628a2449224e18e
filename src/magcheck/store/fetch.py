"""Refresh the cached lists: download, validate with the parsers, sanity-check, install atomically.

Lists are fetched in parallel and independently, within one overall time limit: one list's stalled or broken
server never holds up or fails another. One list's failure never touches its last good copy; each list ends
with an outcome the CLI turns into one line and, all together, into the documented exit code. A new copy is
installed only when it parses, carries the fields its records should, is not much smaller than the last good
copy, is not older than it, and is not dated in the future (see `validate`).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from magcheck.errors import ExitStatus, FetchError, ListFileError, UsageError
from magcheck.model import SanctionsList
from magcheck.sources import Source, SourceFile, get_source
from magcheck.store.bundled import snapshot_info
from magcheck.store.cache import Cache, CachedCopy, CopyMeta, FileMeta, iso_utc, utc_now
from magcheck.store.http import CANCELLED, Download, HttpSettings, MissingFile, Reporter, Validators
from magcheck.store.validate import drop_reasons, in_the_future, missing_fields, name_count, newest_marker, sanitized

if TYPE_CHECKING:
    from magcheck.store.download import Downloader

LAST_MODIFIED_NOTE = "server Last-Modified"
DEFAULT_REFRESH_TIMEOUT = 900.0  # seconds for a whole refresh of every list (MAGCHECK_REFRESH_TIMEOUT)
# A server date this long after the bundled snapshot, on a file holding nothing newer than the snapshot, is not
# believed (a list can go a few weeks without a new designation; not months).
SNAPSHOT_MARGIN = timedelta(days=90)
CANCEL_GRACE = 2.0  # seconds the fetching threads get to clean up after Ctrl-C or SIGTERM


class Outcome(StrEnum):
    FRESH = "fresh"  # a new copy was downloaded, validated and installed
    UNCHANGED = "unchanged"  # the server said nothing changed (304); the cached copy is current
    KEPT = "kept previous copy"  # the refresh failed; the last good copy stays in use
    FAILED = "failed"  # the refresh failed and there is no good copy at all


@dataclass
class ListOutcome:
    code: str
    outcome: Outcome
    copy: CachedCopy | None = None  # the copy in the cache after this run (new, unchanged or kept)
    reason: str | None = None  # why the refresh failed
    parsed: SanctionsList | None = None  # the freshly validated list (FRESH only): no need to re-read it
    # The same list as its files alone give it (FRESH only): without what this download added (its origin,
    # a server date, warnings about that date), which a later read of the cached copy would not add.
    validated: SanctionsList | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.FRESH, Outcome.UNCHANGED)

    def summary(self) -> str:
        """One line for a successful refresh: what is in the cache now."""
        assert self.copy is not None
        meta = self.copy.meta
        dated = f"list date {meta.list_date}" if meta.list_date else "list date not stated"
        if meta.list_date and meta.date_note:
            dated += f" ({meta.date_note})"
        verb = "updated" if self.outcome is Outcome.FRESH else "unchanged"
        return f"{self.code}: {verb}: {meta.entries:,} entries, {dated}"

    def problem(self) -> str:
        """One line for a failed refresh: why, and what magcheck will use instead."""
        if self.copy is not None:
            kept = f"kept the previous copy ({self.copy.describe()})"
            return f"{self.code}: could not refresh: {self.reason}; {kept}"
        return f"{self.code}: could not fetch: {self.reason}; no usable copy in the cache"


@dataclass
class FetchReport:
    outcomes: list[ListOutcome]

    @property
    def status(self) -> ExitStatus:
        """0 all current, 1 some list kept an older copy, 3 some list has no usable copy."""
        kinds = {o.outcome for o in self.outcomes}
        if Outcome.FAILED in kinds:
            return ExitStatus.NO_DATA
        if Outcome.KEPT in kinds:
            return ExitStatus.STALE
        return ExitStatus.OK


class ShrunkError(FetchError):
    """The new copy lost many entries or names at once: more likely a broken export than real delistings."""


class RollbackError(FetchError):
    """The new copy states an older date than the cached one: an old file served again."""


def file_url(source: Source, file: SourceFile, mirror: str | None) -> str | None:
    """The official URL, or BASE/<list>/<official file name> on a mirror."""
    if mirror:
        return f"{mirror.rstrip('/')}/{source.code}/{file.name}"
    return file.url


def fetch_lists(codes: Iterable[str], *, cache: Cache, mirror: str | None = None, force: bool = False,
                reporter: Reporter | None = None, http: HttpSettings | None = None,
                refresh_timeout: float = DEFAULT_REFRESH_TIMEOUT) -> FetchReport:
    """Refresh each list under the cache lock, all at once, within `refresh_timeout` seconds.
    CacheError (disk full, read-only, locked) propagates."""
    from magcheck.store.download import Downloader  # here: a run that only reads lists never loads requests

    sources = [get_source(code) for code in codes]
    if mirror and urlsplit(mirror).scheme not in ("http", "https"):
        raise UsageError(f"--mirror must be an http:// or https:// address, not {mirror!r}")
    settings = http or HttpSettings()
    reporter = reporter or Reporter(quiet=True)
    deadline = settings.clock() + refresh_timeout
    unresolved: dict[str, str] = {}  # host names that did not resolve: with no network, every list fails fast
    with cache.locked(), reporter.session():
        return FetchReport(_in_parallel(sources, lambda source: _fetch_one(
            source, cache, Downloader(settings, reporter, unresolved=unresolved), mirror, force, deadline)))


def _fetch_one(source: Source, cache: Cache, downloader: Downloader, mirror: str | None, force: bool,
               deadline: float) -> ListOutcome:
    try:
        return fetch_list(source, cache=cache, downloader=downloader, mirror=mirror, force=force, deadline=deadline)
    finally:
        downloader.close()


def _in_parallel(sources: list[Source], work: Callable[[Source], ListOutcome]) -> list[ListOutcome]:
    """Run `work` for every source in its own thread; results in the sources' order. Exceptions (a CacheError)
    are raised in the caller; Ctrl-C or SIGTERM stops waiting at once (the threads are told to stop)."""
    results: dict[str, ListOutcome] = {}
    errors: list[BaseException] = []

    def run(source: Source) -> None:
        try:
            results[source.code] = work(source)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,), name=f"fetch-{s.code}", daemon=True) for s in sources]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:
        CANCELLED.set()
        for thread in threads:
            thread.join(CANCEL_GRACE / max(1, len(threads)))
        raise
    if errors:
        raise errors[0]
    return [results[s.code] for s in sources]


def fetch_list(source: Source, *, cache: Cache, downloader: Downloader, mirror: str | None = None,
               force: bool = False, deadline: float | None = None) -> ListOutcome:
    """Refresh one list; any download or validation failure keeps the previous copy. Call under the lock."""
    previous = cache.current(source.code)
    try:
        with cache.staging(source.code) as staging:
            with cache.writing():  # a full disk while downloading is a cache error, not a bad list
                files = _download_layout(source, staging, previous, cache, downloader, mirror, deadline)
            if previous is not None and _nothing_changed(files, previous):
                return ListOutcome(source.code, Outcome.UNCHANGED, _record_check(cache, previous, files))
            parsed = _validate(source, staging, files)
            validated = replace(parsed, warnings=list(parsed.warnings))
            _check_complete(source, parsed, previous, force)
            meta = _copy_meta(source, parsed, files)
            _check_not_older(source.code, meta, previous, force)
            copy = cache.install(source.code, staging, meta)
            return ListOutcome(source.code, Outcome.FRESH, copy, parsed=copy.apply_to(parsed, fresh=True),
                               validated=validated)
    except FetchError as exc:
        outcome = Outcome.KEPT if previous is not None else Outcome.FAILED
        return ListOutcome(source.code, outcome, previous, reason=str(exc))


@dataclass(frozen=True)
class _Fetched:
    """One file of the new copy: downloaded now, or carried over after a 304."""

    meta: FileMeta
    changed: bool  # False after a 304, or when the server resent the very same bytes


def _download_layout(source: Source, staging: Path, previous: CachedCopy | None, cache: Cache,
                     downloader: Downloader, mirror: str | None, deadline: float | None) -> dict[str, _Fetched]:
    """Every file of the live layout into `staging`; optional files the server does not have are skipped."""
    fetched: dict[str, _Fetched] = {}
    for file in source.live.files:
        url = file_url(source, file, mirror)
        if url is None:
            continue
        old = previous.meta.files.get(file.name) if previous is not None else None
        if old is not None and old.url != url:  # another mirror: its validators mean nothing here
            old = None
        if old is not None and previous is not None and not _intact(previous.directory / file.name, old):
            downloader.reporter.log(f"{source.code}: the cached {file.name} no longer matches its checksum: "
                                    "downloading it again")
            old = None  # a damaged copy must not be confirmed by a 304
        validators = Validators(old.etag, old.last_modified) if old is not None else Validators()
        try:
            result = downloader.fetch(url, staging / file.name, validators, max_bytes=file.max_bytes,
                                      read_timeout=file.read_timeout, deadline=deadline)
        except MissingFile as exc:
            if not file.required:
                continue
            raise FetchError(_missing_hint(source, str(exc))) from None
        if result.not_modified:
            if old is None or previous is None:
                raise FetchError(f"{url} answered 304 Not Modified to an unconditional request")
            cache.reuse_file(previous.directory / file.name, staging)
            fetched[file.name] = _Fetched(_revalidated(old, result), changed=False)
        elif old is not None and old.sha256 == result.sha256:  # a server that ignores conditional requests
            fetched[file.name] = _Fetched(_revalidated(old, result), changed=False)
        else:
            fetched[file.name] = _Fetched(_file_meta(file.name, result), changed=True)
    return fetched


def _intact(path: Path, meta: FileMeta) -> bool:
    """The cached file is still the one downloaded: same size and SHA-256 as recorded."""
    try:
        if path.stat().st_size != meta.size:
            return False
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(block)
    except OSError:
        return False
    return digest.hexdigest() == meta.sha256


def _missing_hint(source: Source, reason: str) -> str:
    if source.landing_page:
        return f"{reason} (the download link may have moved; see {source.landing_page})"
    return reason


def _file_meta(name: str, result: Download) -> FileMeta:
    assert result.sha256 is not None and result.size is not None
    return FileMeta(name=name, url=result.url, fetched_at=iso_utc(utc_now()), sha256=result.sha256,
                    size=result.size, etag=result.etag, last_modified=result.last_modified)


def _revalidated(old: FileMeta, result: Download) -> FileMeta:
    """A 304 may carry fresh validators; keep the old ones where it does not."""
    return replace(old, etag=result.etag or old.etag, last_modified=result.last_modified or old.last_modified)


def _nothing_changed(files: dict[str, _Fetched], previous: CachedCopy) -> bool:
    return not any(f.changed for f in files.values()) and set(files) == set(previous.meta.files)


def _record_check(cache: Cache, previous: CachedCopy, files: dict[str, _Fetched]) -> CachedCopy:
    meta = replace(previous.meta, checked_at=iso_utc(utc_now()), files={n: f.meta for n, f in files.items()})
    return cache.update_meta(previous, meta)


def _validate(source: Source, staging: Path, files: dict[str, _Fetched]) -> SanctionsList:
    """Parse the new files with the list's own parser: HTML pages, truncation, wrong schema all fail here."""
    try:
        return sanitized(source.live.parse({name: staging / name for name in files}))
    except ListFileError as exc:
        raise FetchError(f"downloaded {exc.file} is not a valid list: {exc.reason}") from None
    except Exception as exc:  # a parser bug on odd content must not crash a cron run or lose the old copy
        raise FetchError(f"downloaded files could not be read ({type(exc).__name__}: {exc})") from None


def _check_complete(source: Source, parsed: SanctionsList, previous: CachedCopy | None, force: bool) -> None:
    """The fields every record should carry are there; not much smaller than the last good copy (unless
    --force: a regime really can be lifted)."""
    missing = missing_fields(source, parsed)
    if missing:
        raise FetchError(f"downloaded list refused: {missing[0]}")
    if previous is None or force:
        return
    reasons = drop_reasons(parsed, previous.meta.entries, previous.meta.names)
    if reasons:
        raise ShrunkError(f"the new copy has {reasons[0]}; refusing it (rerun with --force to accept it)")


def _check_not_older(code: str, meta: CopyMeta, previous: CachedCopy | None, force: bool) -> None:
    """A list whose own date is older than the cached copy's is an old file served again (a rollback)."""
    if previous is None or force or not meta.list_date or not previous.meta.list_date:
        return
    if meta.list_date < previous.meta.list_date and meta.date_note != LAST_MODIFIED_NOTE:
        raise RollbackError(f"the new copy is dated {meta.list_date}, older than the cached copy of "
                            f"{previous.meta.list_date}: an old file served again? (rerun with --force to accept "
                            "it)")


def _copy_meta(source: Source, parsed: SanctionsList, files: dict[str, _Fetched]) -> CopyMeta:
    list_date, note = _list_date(source, parsed, files)
    newest = max((f.meta.fetched_at for f in files.values()), default=iso_utc(utc_now()))
    return CopyMeta(
        list=source.code, title=parsed.title, fetched_at=newest, checked_at=iso_utc(utc_now()),
        files={name: f.meta for name, f in files.items()}, layout_files=[f.name for f in source.live.files],
        entries=len(parsed.entries), list_date=list_date.isoformat() if list_date else None, date_note=note,
        names=name_count(parsed),
    )


def _list_date(source: Source, parsed: SanctionsList,
               files: dict[str, _Fetched]) -> tuple[date | None, str | None]:
    """The date the list states; else the main file's Last-Modified (OFAC's SDN.CSV and Canada state none).

    Never a date in the future, and never a Last-Modified later than the content allows: a file whose newest
    record is no newer than the snapshot bundled with magcheck is no newer than that snapshot, whatever the
    server says (a mirror serving a years-old copy)."""
    today = utc_now().date()
    if parsed.date is not None and not in_the_future(parsed.date, today):
        return parsed.date, parsed.date_note
    if parsed.date is not None:
        parsed.warnings.append(f"the file states the date {parsed.date}, which is in the future: not believed")
    main = files.get(source.live.files[0].name)
    modified = http_date(main.meta.last_modified) if main is not None and main.meta.last_modified else None
    if modified is None:
        return None, None
    if in_the_future(modified, today):
        parsed.warnings.append(f"the server's Last-Modified ({modified}) is in the future: the list is left undated")
        return None, None
    ceiling = snapshot_ceiling(source, parsed)
    if ceiling is not None and modified - ceiling > SNAPSHOT_MARGIN:
        parsed.warnings.append(f"the server dates the file {modified}, but it holds nothing newer than the bundled "
                               f"snapshot of {ceiling}: dated {ceiling} (an old copy?)")
        return ceiling, "not newer than the bundled snapshot"
    return modified, LAST_MODIFIED_NOTE


def snapshot_ceiling(source: Source, parsed: SanctionsList) -> date | None:
    """The bundled snapshot's date when the list's newest record is no newer than the snapshot's newest."""
    info = snapshot_info(source.code) if source.bundled else None
    marker = newest_marker(parsed)
    if info is None or info.date is None or marker is None or info.newest is None:
        return None
    kind, value = marker
    known = info.newest.get(kind)
    if known is None:
        return None
    newest = date.fromisoformat(known) if kind == "listing" else int(known)
    return info.date if value <= newest else None  # type: ignore[operator]


def http_date(value: str) -> date | None:
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None
