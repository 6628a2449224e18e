"""Where the lists come from on a given run: a user's data directory, the cache, or the bundled snapshot.

`StoreLoader.load` is what every reading command uses, for the lists that command needs and no others. With
a data dir it reads only there. Otherwise each list comes from the cache; a list missing from the cache is
fetched first (unless offline); a list that can be neither read nor fetched falls back to the snapshot bundled
in the package, with a notice that the data is degraded. A list that has no copy anywhere is returned as
absent with the reason: the command leaves it out with a note or, when it cannot do without it, ends the run
(exit 3). Nothing here refreshes a list that is already cached: that is `magcheck fetch`'s job (from cron).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from magcheck.errors import ListFileError
from magcheck.model import Origin, OriginKind, SanctionsList
from magcheck.notices import Notice, Severity, degraded, warning
from magcheck.sources import Source, get_source
from magcheck.store.bundled import load_bundled, snapshot_info
from magcheck.store.cache import Cache, CachedCopy
from magcheck.store.fetch import DEFAULT_REFRESH_TIMEOUT, FetchReport, fetch_lists
from magcheck.store.http import HttpSettings, Reporter
from magcheck.store.locate import expected_files, find_layout_files, has_any_file
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
    source = get_source(code)
    layout, files = find_layout_files(directory, source)
    parsed = sanitized(layout.parse(files))
    missing = missing_fields(source, parsed)
    if missing:
        raise ListFileError(code, ", ".join(files), missing[0])
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
    layout, files = find_layout_files(copy.directory, get_source(copy.code))
    return copy.apply_to(sanitized(layout.parse(files)))


def parser_notices(lst: SanctionsList) -> list[Notice]:
    return [warning(f"{lst.code}: {text}", lst.code) for text in lst.warnings]


class StoreLoader:
    """Reads lists for a run from the data dir, the cache, a download or the bundled snapshot."""

    def __init__(self, *, data_dir: Path | None = None, cache: Cache | None = None, offline: bool = False,
                 mirror: str | None = None, http: HttpSettings | None = None, reporter: Reporter | None = None,
                 stale_days: int = 7, now: datetime | None = None,
                 refresh_timeout: float = DEFAULT_REFRESH_TIMEOUT) -> None:
        self.data_dir = data_dir
        self.cache = cache or Cache()
        self.offline = offline
        self.mirror = mirror
        self.http = http or HttpSettings()
        self.reporter = reporter
        self.stale_days = stale_days
        self.now = now
        self.refresh_timeout = refresh_timeout

    def load(self, codes: Sequence[str]) -> LoadedLists:
        """Every list of `codes` that can be had, and why the others cannot (the caller decides whether the
        run can do without them); ListFileError for a bad --data-dir file, CacheError when a needed download
        cannot be written."""
        codes = tuple(dict.fromkeys(codes))
        result = self._from_data_dir(codes) if self.data_dir is not None else self._from_store(codes)
        for lst in result.lists.values():
            result.notices.extend(parser_notices(lst))
        return result

    def fetch(self, codes: Iterable[str], *, force: bool = False) -> FetchReport:
        return fetch_lists(codes, cache=self.cache, mirror=self.mirror, force=force, reporter=self.reporter,
                           http=self.http, refresh_timeout=self.refresh_timeout)

    # -- a data dir: only there ------------------------------------------------------------------------------

    def _from_data_dir(self, codes: tuple[str, ...]) -> LoadedLists:
        assert self.data_dir is not None
        result = LoadedLists({})
        for code in codes:
            source = get_source(code)
            if not has_any_file(self.data_dir, source):
                result.absent[code] = (f"its files ({expected_files(source)}) are not in {self.data_dir} "
                                       f"or {self.data_dir / code}")
                continue
            lst = result.lists[code] = load_from_dir(self.data_dir, code)  # files there but bad: an error
            cut = smaller_than_the_snapshot(lst)
            if cut is not None:
                result.notices.append(degraded(cut, code))
        return result

    # -- the cache, a download, the snapshot -------------------------------------------------------------------

    def _from_store(self, codes: tuple[str, ...]) -> LoadedLists:
        result = LoadedLists({})
        reasons: dict[str, str] = {}  # why a list still has no copy
        found: dict[str, SanctionsList] = {}
        for code in codes:
            cached = self._read_cached(code, reasons, result)
            if cached is not None:
                found[code] = cached
        missing = [code for code in codes if code not in found]
        if missing and not self.offline:
            report = self.fetch(missing)
            for outcome in report.outcomes:
                if outcome.parsed is not None:
                    found[outcome.code] = outcome.parsed
                else:
                    reasons[outcome.code] = f"download failed: {outcome.reason}"
        for code in codes:
            if code not in found:
                reason = reasons.get(code) or "offline and nothing in the cache"
                snapshot = self._snapshot(get_source(code), reason, result)
                if snapshot is not None:
                    found[code] = snapshot
        result.lists = {code: found[code] for code in codes if code in found}
        return result

    def _read_cached(self, code: str, reasons: dict[str, str], result: LoadedLists) -> SanctionsList | None:
        """The newest cached copy that still parses; a damaged one is reported, set aside and passed over (an
        older copy, a download or the snapshot takes its place); say when the copy has not been confirmed
        current for too long (the nightly fetch may be failing)."""
        for directory, why in self.cache.damaged_copies(code):
            result.notices.append(warning(f"{code}: cached copy {directory.name} is damaged ({why}); "
                                          f"{self._moved(directory)}", code))
        for copy in self.cache.copies(code):
            try:
                parsed = load_from_cache(copy)
            except ListFileError as exc:
                reasons[code] = f"cached copy unreadable: {exc.file}: {exc.reason}"
                result.notices.append(warning(f"{code}: the cached copy ({copy.describe()}) is unreadable: "
                                              f"{exc.file}: {exc.reason}; {self._moved(copy.directory)}", code))
                continue
            self._check_freshness(code, parsed.origin, result)
            return parsed
        return None

    def _moved(self, directory: Path) -> str:
        moved = self.cache.set_aside(directory)
        return f"set aside as {moved.name}" if moved is not None else "skipped (it could not be moved aside)"

    def _check_freshness(self, code: str, origin: Origin | None, result: LoadedLists) -> None:
        checked = origin.checked_at if origin is not None else None
        if checked is None:
            return
        days = ((self.now or datetime.now(UTC)) - checked).days
        if days > self.stale_days:
            result.notices.append(degraded(
                f"{code}: the cached copy was last confirmed current {days} days ago ({checked:%Y-%m-%d}); "
                "run 'magcheck fetch' (is the nightly fetch failing?)", code))

    def _snapshot(self, source: Source, reason: str, result: LoadedLists) -> SanctionsList | None:
        snapshot = load_bundled(source.code) if source.bundled else None
        if snapshot is None:
            result.absent[source.code] = f"{reason}, and magcheck bundles no snapshot of this list"
            return None
        when = snapshot.date.isoformat() if snapshot.date else "unknown date"
        result.notices.append(degraded(f"{source.code}: using the bundled snapshot of {when} ({reason})",
                                       source.code))
        return snapshot
