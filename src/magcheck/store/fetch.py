"""Refresh the cached lists: download, validate with the parsers, sanity-check, install atomically.

One list's failure never touches its last good copy and never stops the other lists; each list ends with an
outcome the CLI turns into one line and, all together, into the documented exit code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from magcheck.errors import ExitStatus, FetchError, ListFileError, UsageError
from magcheck.model import SanctionsList
from magcheck.sources import Source, SourceFile, get_source
from magcheck.store.cache import Cache, CachedCopy, CopyMeta, FileMeta, iso_utc, utc_now
from magcheck.store.http import Download, Downloader, HttpSettings, MissingFile, Reporter, Validators

SHRINK_LIMIT = 0.5  # a new copy with fewer than half the entries of the last one is refused without --force
LAST_MODIFIED_NOTE = "server Last-Modified"


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
    """The new copy lost more than half its entries: more likely a broken export than real delistings."""


def file_url(source: Source, file: SourceFile, mirror: str | None) -> str | None:
    """The official URL, or BASE/<list>/<official file name> on a mirror."""
    if mirror:
        return f"{mirror.rstrip('/')}/{source.code}/{file.name}"
    return file.url


def fetch_lists(codes: Iterable[str], *, cache: Cache, mirror: str | None = None, force: bool = False,
                reporter: Reporter | None = None, http: HttpSettings | None = None,
                downloader: Downloader | None = None) -> FetchReport:
    """Refresh each list under the cache lock. CacheError (disk full, read-only, locked) propagates."""
    sources = [get_source(code) for code in codes]
    if mirror and urlsplit(mirror).scheme not in ("http", "https"):
        raise UsageError(f"--mirror must be an http:// or https:// address, not {mirror!r}")
    own = downloader is None
    downloader = downloader or Downloader(http or HttpSettings(), reporter)
    try:
        with cache.locked():
            return FetchReport([fetch_list(s, cache=cache, downloader=downloader, mirror=mirror, force=force)
                                for s in sources])
    finally:
        if own:
            downloader.close()


def fetch_list(source: Source, *, cache: Cache, downloader: Downloader, mirror: str | None = None,
               force: bool = False) -> ListOutcome:
    """Refresh one list; any download or validation failure keeps the previous copy. Call under the lock."""
    previous = cache.current(source.code)
    try:
        with cache.staging(source.code) as staging:
            with cache.writing():  # a full disk while downloading is a cache error, not a bad list
                files = _download_layout(source, staging, previous, cache, downloader, mirror)
            if previous is not None and _nothing_changed(files, previous):
                return ListOutcome(source.code, Outcome.UNCHANGED, _record_check(cache, previous, files))
            parsed = _validate(source, staging, files)
            _check_not_shrunk(source.code, parsed, previous, force)
            meta = _copy_meta(source, parsed, files)
            copy = cache.install(source.code, staging, meta)
            return ListOutcome(source.code, Outcome.FRESH, copy, parsed=copy.apply_to(parsed, fresh=True))
    except FetchError as exc:
        outcome = Outcome.KEPT if previous is not None else Outcome.FAILED
        return ListOutcome(source.code, outcome, previous, reason=str(exc))


@dataclass(frozen=True)
class _Fetched:
    """One file of the new copy: downloaded now, or carried over after a 304."""

    meta: FileMeta
    changed: bool  # False after a 304, or when the server resent the very same bytes


def _download_layout(source: Source, staging: Path, previous: CachedCopy | None, cache: Cache,
                     downloader: Downloader, mirror: str | None) -> dict[str, _Fetched]:
    """Every file of the live layout into `staging`; optional files the server does not have are skipped."""
    fetched: dict[str, _Fetched] = {}
    for file in source.live.files:
        url = file_url(source, file, mirror)
        if url is None:
            continue
        old = previous.meta.files.get(file.name) if previous is not None else None
        if old is not None and old.url != url:  # another mirror: its validators mean nothing here
            old = None
        validators = Validators(old.etag, old.last_modified) if old is not None else Validators()
        try:
            result = downloader.fetch(url, staging / file.name, validators)
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
        return source.live.parse({name: staging / name for name in files})
    except ListFileError as exc:
        raise FetchError(f"downloaded {exc.file} is not a valid list: {exc.reason}") from None
    except Exception as exc:  # a parser bug on odd content must not crash a cron run or lose the old copy
        raise FetchError(f"downloaded files could not be read ({type(exc).__name__}: {exc})") from None


def _check_not_shrunk(code: str, parsed: SanctionsList, previous: CachedCopy | None, force: bool) -> None:
    if previous is None or force or previous.meta.entries <= 0:
        return
    before, after = previous.meta.entries, len(parsed.entries)
    if after < before * SHRINK_LIMIT:
        drop = round(100 * (before - after) / before)
        raise ShrunkError(f"the new copy has {after:,} entries, the previous one {before:,} "
                          f"(shrank by {drop}%); refusing it as a probably broken download "
                          "(rerun with --force to accept it)")


def _copy_meta(source: Source, parsed: SanctionsList, files: dict[str, _Fetched]) -> CopyMeta:
    list_date, note = _list_date(source, parsed, files)
    newest = max((f.meta.fetched_at for f in files.values()), default=iso_utc(utc_now()))
    return CopyMeta(
        list=source.code, title=parsed.title, fetched_at=newest, checked_at=iso_utc(utc_now()),
        files={name: f.meta for name, f in files.items()}, layout_files=[f.name for f in source.live.files],
        entries=len(parsed.entries), list_date=list_date.isoformat() if list_date else None, date_note=note,
    )


def _list_date(source: Source, parsed: SanctionsList,
               files: dict[str, _Fetched]) -> tuple[date | None, str | None]:
    """The date the list states; else the main file's Last-Modified (OFAC's SDN.CSV and Canada state none)."""
    if parsed.date is not None:
        return parsed.date, parsed.date_note
    main = files.get(source.live.files[0].name)
    if main is not None and main.meta.last_modified:
        modified = http_date(main.meta.last_modified)
        if modified is not None:
            return modified, LAST_MODIFIED_NOTE
    return None, None


def http_date(value: str) -> date | None:
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None
