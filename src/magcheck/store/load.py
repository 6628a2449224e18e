"""Where the lists come from on a given run: a user's data directory, the cache, or the bundled snapshot.

`load_lists` is the one entry point every reading command uses. With --data-dir it reads only there.
Otherwise each list comes from the cache; a list missing from the cache is fetched first (unless
--offline); a list that can be neither read nor fetched falls back to the snapshot bundled in the package,
with a warning naming the snapshot's date. Nothing here refreshes a list that is already cached: that is
`magcheck fetch`'s job (typically from cron).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from magcheck.errors import ExitStatus, FetchError, ListFileError
from magcheck.model import SanctionsList
from magcheck.sources import get_source
from magcheck.store.bundled import load_bundled
from magcheck.store.cache import Cache, CachedCopy
from magcheck.store.fetch import fetch_lists
from magcheck.store.http import HttpSettings, Reporter
from magcheck.store.locate import find_layout_files


@dataclass
class LoadResult:
    lists: dict[str, SanctionsList]
    warnings: list[str] = field(default_factory=list)  # one line each, for stderr
    status: ExitStatus = ExitStatus.OK  # STALE when a network failure forced the bundled snapshot


def load_from_dir(directory: Path, code: str) -> SanctionsList:
    source = get_source(code)
    layout, files = find_layout_files(directory, source)
    parsed = layout.parse(files)
    return replace(parsed, origin=f"data-dir {directory}")


def load_from_cache(copy: CachedCopy) -> SanctionsList:
    """Parse a cached copy with whichever layout its files are in; ListFileError if it no longer parses."""
    layout, files = find_layout_files(copy.directory, get_source(copy.code))
    return copy.apply_to(layout.parse(files))


def load_lists(codes: Iterable[str], *, data_dir: Path | None = None, cache_dir: Path | None = None,
               offline: bool = False, mirror: str | None = None, force: bool = False,
               reporter: Reporter | None = None, http: HttpSettings | None = None,
               cache: Cache | None = None) -> LoadResult:
    """Parse each requested list from the best place available (see the module docstring).

    Raises ListFileError for an unreadable --data-dir, CacheError when a needed fetch cannot write the
    cache, FetchError when a list has no usable copy anywhere (not even bundled).
    """
    codes = tuple(codes)
    if data_dir is not None:
        return LoadResult({code: load_from_dir(data_dir, code) for code in codes})
    result = LoadResult({})
    cache = cache or Cache(cache_dir)
    found: dict[str, SanctionsList] = {}
    reasons: dict[str, str] = {}  # why a list still has no copy
    for code in codes:
        _read_cached(cache, code, found, reasons, result)
    missing = [code for code in codes if code not in found]
    if missing and not offline:
        report = fetch_lists(missing, cache=cache, mirror=mirror, force=force, reporter=reporter, http=http)
        for outcome in report.outcomes:
            if outcome.parsed is not None:
                found[outcome.code] = outcome.parsed
            else:
                reasons[outcome.code] = f"download failed: {outcome.reason}"
    for code in codes:
        if code not in found:
            reason = reasons.get(code) or "offline and nothing in the cache"
            found[code] = _fall_back_to_snapshot(code, reason, offline, result)
    result.lists = {code: found[code] for code in codes}
    return result


def _read_cached(cache: Cache, code: str, found: dict[str, SanctionsList], reasons: dict[str, str],
                 result: LoadResult) -> None:
    """Use the newest cached copy that still parses; say so when a newer one had to be skipped."""
    for copy in cache.copies(code):
        try:
            found[code] = load_from_cache(copy)
        except ListFileError as exc:
            reasons[code] = f"cached copy unreadable: {exc.file}: {exc.reason}"
            result.warnings.append(f"{code}: the cached copy ({copy.describe()}) is unreadable: "
                                   f"{exc.file}: {exc.reason}")
            continue
        return


def _fall_back_to_snapshot(code: str, reason: str, offline: bool, result: LoadResult) -> SanctionsList:
    snapshot = load_bundled(code)
    if snapshot is None:
        raise FetchError(f"{code}: no usable copy ({reason}) and no bundled snapshot of this list")
    when = snapshot.date.isoformat() if snapshot.date else "unknown date"
    result.warnings.append(f"{code}: using the bundled snapshot of {when} ({reason})")
    if not offline:  # with --offline the user asked for it; otherwise the data is older than it should be
        result.status = max(result.status, ExitStatus.STALE)
    return snapshot
