"""Where the lists come from on a given run: a user's data directory, the cache, or the bundled snapshot.

`StoreLoader.load` is what every reading command uses, for the lists that command needs and no others. With
a data dir it reads only there. Otherwise each list comes from the cache; a list missing from the cache is
fetched first (unless offline); a list that can be neither read nor fetched falls back to the snapshot bundled
in the package, with a notice that the data is degraded. A list that has no copy anywhere is returned as
absent with the reason: the command leaves it out with a note or, when it cannot do without it, ends the run
(exit 3). Nothing here refreshes a list that is already cached: that is `magcheck fetch`'s job (from cron).

Every list is read through the loader's `ListPreparer` (`store.prepared`): given a prepared copy of the very
same files, it skips parsing them (the application's keeps those copies in the cache).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from magcheck.errors import ListFileError
from magcheck.model import Origin, OriginKind, SanctionsList
from magcheck.notices import Notice, Severity, degraded, warning
from magcheck.sources import Layout, Source, get_source
from magcheck.store.bundled import bundled_request, snapshot_info, with_snapshot_date
from magcheck.store.cache import Cache, CachedCopy
from magcheck.store.fetch import DEFAULT_REFRESH_TIMEOUT, FetchReport, ListOutcome, Outcome, fetch_lists
from magcheck.store.http import HttpSettings, Reporter
from magcheck.store.locate import expected_files, find_layout_files, has_any_file
from magcheck.store.prepared import ListPreparer, ParseEach, PrepareRequest, digests_source, files_source
from magcheck.store.validate import drop_reasons, missing_fields, sanitized


@dataclass
class LoadedLists:
    """The lists a run asked for that could be read, what to tell the user about them, and the ones left out."""

    lists: dict[str, SanctionsList]
    notices: list[Notice] = field(default_factory=list)
    absent: dict[str, str] = field(default_factory=dict)  # list code -> why it is not in this run

    @property
    def degraded(self) -> bool:
        return any(n.severity is Severity.DEGRADED for n in self.notices)


def load_from_dir(directory: Path, code: str) -> SanctionsList:
    """Parse one list from a folder of official files; ListFileError when its files are missing or bad, or
    when its records lack a field they should all carry (the schema changed)."""
    return dir_origin(dir_request(directory, code).parse(), directory)


def dir_request(directory: Path, code: str) -> PrepareRequest:
    """A data dir's list, known by its files' SHA-256; ListFileError when its required files are not there."""
    source = get_source(code)
    layout, files = find_layout_files(directory, source)
    try:
        identity, size = files_source(files)
    except OSError:
        identity, size = "", 0  # unreadable: nothing prepared can stand for it (the parser says what is wrong)
    return PrepareRequest(code, identity, lambda: _parse_checked(source, layout, files), size)


def _parse_checked(source: Source, layout: Layout, files: dict[str, Path]) -> SanctionsList:
    parsed = sanitized(layout.parse(files))
    missing = missing_fields(source, parsed)
    if missing:
        raise ListFileError(source.code, ", ".join(files), missing[0])
    return parsed


def dir_origin(parsed: SanctionsList, directory: Path) -> SanctionsList:
    return replace(parsed, origin=Origin(OriginKind.DATA_DIR, str(directory)))


def smaller_than_the_snapshot(lst: SanctionsList) -> str | None:
    """Why a list given in a data dir looks cut short: much smaller than the snapshot bundled with magcheck
    (a real list grows over time). There is no last good copy to refuse it against, so this is a warning."""
    info = snapshot_info(lst.code)
    if info is None or info.entries is None:
        return None
    reasons = drop_reasons(lst, info.entries, info.names, baseline=f"the bundled snapshot of {info.date}")
    return f"{lst.code}: the list read from the data dir has {reasons[0]}: it may be cut short" if reasons else None


def load_from_cache(copy: CachedCopy) -> SanctionsList:
    """Parse a cached copy with whichever layout its files are in; ListFileError if it no longer parses."""
    return copy.apply_to(copy_request(copy).parse())


def copy_request(copy: CachedCopy) -> PrepareRequest:
    """A cached copy, known by the SHA-256 its meta.json records for each file (checked when it was fetched)
    while every file still has the size recorded; ListFileError when a file of its layout is missing."""
    layout, files = find_layout_files(copy.directory, get_source(copy.code))
    recorded = copy.meta.files
    try:
        intact = set(files) == set(recorded) and all(path.stat().st_size == recorded[name].size
                                                      for name, path in files.items())
    except OSError:
        intact = False
    identity = digests_source({name: meta.sha256 for name, meta in recorded.items()}) if intact else ""
    return PrepareRequest(copy.code, identity, lambda: sanitized(layout.parse(files)),
                          sum(meta.size for meta in recorded.values()))


def parser_notices(lst: SanctionsList) -> list[Notice]:
    return [warning(f"{lst.code}: {text}", lst.code) for text in lst.warnings]


class StoreLoader:
    """Reads lists for a run from the data dir, the cache, a download or the bundled snapshot."""

    def __init__(self, *, data_dir: Path | None = None, cache: Cache | None = None, offline: bool = False,
                 mirror: str | None = None, http: HttpSettings | None = None, reporter: Reporter | None = None,
                 stale_days: int = 7, now: datetime | None = None,
                 refresh_timeout: float = DEFAULT_REFRESH_TIMEOUT, preparer: ListPreparer | None = None) -> None:
        self.data_dir = data_dir
        self.cache = cache or Cache()
        self.offline = offline
        self.mirror = mirror
        self.http = http or HttpSettings()
        self.reporter = reporter
        self.stale_days = stale_days
        self.now = now
        self.refresh_timeout = refresh_timeout
        self.preparer: ListPreparer = preparer or ParseEach()

    def load(self, codes: Sequence[str]) -> LoadedLists:
        """Every list of `codes` that can be had, and why the others cannot (the caller decides whether the
        run can do without them); ListFileError for a bad --data-dir file, CacheError when a needed download
        cannot be written."""
        codes = tuple(dict.fromkeys(codes))
        result = self._from_data_dir(codes) if self.data_dir is not None else self._from_store(codes)
        result.notices[:0] = self.preparer.take_notices()
        for lst in result.lists.values():
            result.notices.extend(parser_notices(lst))
        return result

    def fetch(self, codes: Iterable[str], *, force: bool = False) -> FetchReport:
        """Refresh the cache (`magcheck fetch`), then prepare every current copy fetched or confirmed, so that
        the runs after it start prepared."""
        report = self._fetch(codes, force=force)
        requests = [self._fetched_request(outcome) for outcome in report.outcomes if outcome.ok]
        self.preparer.load([request for request in requests if request is not None])
        self.preparer.take_notices()  # the next reading run meets the same problems and tells them
        return report

    def _fetch(self, codes: Iterable[str], *, force: bool = False) -> FetchReport:
        return fetch_lists(codes, cache=self.cache, mirror=self.mirror, force=force, reporter=self.reporter,
                           http=self.http, refresh_timeout=self.refresh_timeout)

    @staticmethod
    def _fetched_request(outcome: ListOutcome) -> PrepareRequest | None:
        """A copy now current in the cache: the list this run validated (freshly downloaded), else its files."""
        if outcome.copy is None:
            return None
        try:
            request = copy_request(outcome.copy)
        except ListFileError:
            return None
        validated = outcome.validated
        if outcome.outcome is Outcome.FRESH and validated is not None:
            return replace(request, parse=lambda: validated)
        return request

    # -- a data dir: only there ------------------------------------------------------------------------------

    def _from_data_dir(self, codes: tuple[str, ...]) -> LoadedLists:
        directory = self.data_dir
        assert directory is not None
        result = LoadedLists({})
        requests: list[PrepareRequest] = []
        unfound: ListFileError | None = None  # a list whose files are there, but not all it needs: an error
        for code in codes:
            source = get_source(code)
            if not has_any_file(directory, source):
                result.absent[code] = (f"its files ({expected_files(source)}) are not in {directory} "
                                       f"or {directory / code}")
                continue
            try:
                requests.append(dir_request(directory, code))
            except ListFileError as exc:
                unfound = exc
                break  # the lists before it are read first: the first bad list in order is the one reported
        for request, loaded in zip(requests, self.preparer.load(requests), strict=True):
            if isinstance(loaded, ListFileError):
                raise loaded  # files there but bad: an error
            lst = result.lists[request.code] = dir_origin(loaded, directory)
            cut = smaller_than_the_snapshot(lst)
            if cut is not None:
                result.notices.append(degraded(cut, request.code))
        if unfound is not None:
            raise unfound
        return result

    # -- the cache, a download, the snapshot -------------------------------------------------------------------

    def _from_store(self, codes: tuple[str, ...]) -> LoadedLists:
        result = LoadedLists({})
        reasons: dict[str, str] = {}  # why a list still has no copy
        found = self._read_cached(codes, reasons, result)
        missing = [code for code in codes if code not in found]
        if missing and not self.offline:
            report = self._fetch(missing)
            for outcome in report.outcomes:
                if outcome.parsed is None:
                    reasons[outcome.code] = f"download failed: {outcome.reason}"
            found.update(self._prepared_downloads([o for o in report.outcomes if o.parsed is not None]))
        found.update(self._snapshots([code for code in codes if code not in found], reasons, result))
        result.lists = {code: found[code] for code in codes if code in found}
        return result

    def _read_cached(self, codes: Sequence[str], reasons: dict[str, str],
                     result: LoadedLists) -> dict[str, SanctionsList]:
        """For each list, the newest cached copy that still parses; a damaged one is reported, set aside and
        passed over (an older copy, a download or the snapshot takes its place); say when the copy has not been
        confirmed current for too long (the nightly fetch may be failing). The newest copies are read together
        (prepared, or parsed side by side), older ones only when a newer fails."""
        said: dict[str, list[Notice]] = {code: [] for code in codes}
        copies: dict[str, list[CachedCopy]] = {}
        for code in codes:
            for directory, why in self.cache.damaged_copies(code):
                said[code].append(warning(f"{code}: cached copy {directory.name} is damaged ({why}); "
                                          f"{self._moved(directory)}", code))
            copies[code] = self.cache.copies(code)
        newest = [found[0] for found in copies.values() if found]
        first = dict(zip((copy.code for copy in newest), self._load_copies(newest), strict=True))
        lists: dict[str, SanctionsList] = {}
        for code in codes:
            for copy in copies[code]:
                loaded = first[code] if copy is copies[code][0] else self._load_copies([copy])[0]
                if isinstance(loaded, ListFileError):
                    reasons[code] = f"cached copy unreadable: {loaded.file}: {loaded.reason}"
                    said[code].append(warning(f"{code}: the cached copy ({copy.describe()}) is unreadable: "
                                              f"{loaded.file}: {loaded.reason}; {self._moved(copy.directory)}",
                                              code))
                    continue
                lists[code] = parsed = copy.apply_to(loaded)
                self._check_freshness(code, parsed.origin, said[code])
                break
            result.notices.extend(said[code])
        return lists

    def _load_copies(self, copies: Sequence[CachedCopy]) -> list[SanctionsList | ListFileError]:
        requests: list[PrepareRequest | ListFileError] = []
        for copy in copies:
            try:
                requests.append(copy_request(copy))
            except ListFileError as exc:
                requests.append(exc)
        loaded = iter(self.preparer.load([r for r in requests if isinstance(r, PrepareRequest)]))
        return [next(loaded) if isinstance(r, PrepareRequest) else r for r in requests]

    def _prepared_downloads(self, outcomes: Sequence[ListOutcome]) -> dict[str, SanctionsList]:
        """The lists this run downloaded, as this run validated them (with what the download added to them:
        its origin, a server date, warnings), kept prepared on the way."""
        requests = {o.code: request for o in outcomes if (request := self._fetched_request(o)) is not None}
        loaded = dict(zip(requests, self.preparer.load(list(requests.values())), strict=True))
        found: dict[str, SanctionsList] = {}
        for outcome in outcomes:
            parsed = outcome.parsed
            assert parsed is not None
            prepared = loaded.get(outcome.code)
            found[outcome.code] = parsed if prepared is None or isinstance(prepared, ListFileError) else replace(
                prepared, origin=parsed.origin, date=parsed.date, date_note=parsed.date_note,
                warnings=parsed.warnings)
        return found

    def _snapshots(self, codes: Sequence[str], reasons: dict[str, str],
                   result: LoadedLists) -> dict[str, SanctionsList]:
        """The bundled snapshot of each list that has no other copy, said to be degraded data; a list magcheck
        bundles no snapshot of is absent, with the reason."""
        bundled = [code for code in codes if get_source(code).bundled and snapshot_info(code) is not None]
        requests = [bundled_request(code) for code in bundled]
        loaded = dict(zip(bundled, self.preparer.load(requests), strict=True))
        found: dict[str, SanctionsList] = {}
        for code in codes:
            reason = reasons.get(code) or "offline and nothing in the cache"
            snapshot = loaded.get(code)
            if snapshot is None:
                result.absent[code] = f"{reason}, and magcheck bundles no snapshot of this list"
                continue
            if isinstance(snapshot, ListFileError):
                raise snapshot  # a damaged install
            lst = found[code] = with_snapshot_date(snapshot, code)
            when = lst.date.isoformat() if lst.date else "unknown date"
            result.notices.append(degraded(f"{code}: using the bundled snapshot of {when} ({reason})", code))
        return found

    def _moved(self, directory: Path) -> str:
        moved = self.cache.set_aside(directory)
        return f"set aside as {moved.name}" if moved is not None else "skipped (it could not be moved aside)"

    def _check_freshness(self, code: str, origin: Origin | None, notices: list[Notice]) -> None:
        checked = origin.checked_at if origin is not None else None
        if checked is None:
            return
        days = ((self.now or datetime.now(UTC)) - checked).days
        if days > self.stale_days:
            notices.append(degraded(
                f"{code}: the cached copy was last confirmed current {days} days ago ({checked:%Y-%m-%d}); "
                "run 'magcheck fetch' (is the nightly fetch failing?)", code))
