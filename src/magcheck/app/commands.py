"""One function per command: what the command does, given its settings and where to read lists from.

Each `run_*` decides which lists the run needs and loads only those (through a `ListLoader`, so tests can hand
in small real fixtures), does the work with the library below, and returns an `Outcome`: the result for the
report layer to render, the notices for the command line to print, and the exit status. Nothing here prints,
reads the environment or exits.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from platformdirs import user_config_dir

from magcheck.app.outcome import Outcome, exit_status, is_degraded
from magcheck.app.prepared import PREPARED_DIR, PreparedLists
from magcheck.app.score_memo import SCORES_DIR, PairScoreFiles
from magcheck.app.settings import Settings, parse_entry_key
from magcheck.errors import ExitStatus, FetchError, MagcheckError, UsageError
from magcheck.gaps import (
    UN,
    GapReport,
    MatrixReport,
    Scope,
    assess,
    build_matcher,
    compute_gaps,
    compute_matrix,
    decide_un_rule,
    un_rule_lists,
)
from magcheck.history import (
    Changes,
    Previous,
    RunHistory,
    Timeline,
    build_timeline,
    compare_runs,
    remembered,
    run_record,
)
from magcheck.matching.align import Alignment, Matcher, SearchHit, explain, search
from magcheck.matching.overrides import Overrides, load_overrides
from magcheck.model import Entry, SanctionsList
from magcheck.notices import Notice, degraded, error, info, warning
from magcheck.sources import all_sources
from magcheck.store.fetch import FetchReport
from magcheck.store.fetch import Outcome as FetchOutcome
from magcheck.store.load import LoadedLists, StoreLoader
from magcheck.store.prepared import ParseEach


class ListLoader(Protocol):
    """Where a run reads its lists: the store (data dir, cache, download, snapshot), or a test's fixtures.
    It returns the lists it could read and, for the others, why not."""

    def load(self, codes: Sequence[str]) -> LoadedLists: ...


class ListFetcher(Protocol):
    def fetch(self, codes: Iterable[str], *, force: bool = False) -> FetchReport: ...


ListLoaderT = TypeVar("ListLoaderT", bound=ListLoader | ListFetcher)
Steps = Callable[[str], AbstractContextManager[None]]  # shows a step of the run while it lasts (a spinner)


def no_steps(_label: str) -> AbstractContextManager[None]:
    return nullcontext()


def reading(codes: Sequence[str]) -> str:
    return f"reading the lists ({', '.join(c.upper() for c in codes)})"


def prepared_loader(loader: ListLoaderT, settings: Settings) -> ListLoaderT:
    """The store's loader keeps prepared lists in its cache (`app.prepared`: the next run reads them without
    parsing or normalising anything), unless it was given a preparer of its own."""
    if isinstance(loader, StoreLoader) and isinstance(loader.preparer, ParseEach):
        loader.preparer = PreparedLists(loader.cache.root / PREPARED_DIR, workers=settings.workers)
    return loader


def score_memo(loader: ListLoader) -> PairScoreFiles | None:
    """The store's cache also keeps the pair scores of alignments over prepared lists (`app.score_memo`: the
    next run over the same lists scores only the pairs it keeps)."""
    return PairScoreFiles(loader.cache.root / SCORES_DIR) if isinstance(loader, StoreLoader) else None


def load_lists(loader: ListLoader, codes: Sequence[str], required: Collection[str], *,
               consequences: Mapping[str, str] | None = None) -> LoadedLists:
    """The lists of a run: one the run cannot do without ends it (exit 3); any other that is not available
    (no copy, no snapshot, not in the data dir) is left out with a note (saying what that costs the run, from
    `consequences`, where it costs more than its column)."""
    loaded = loader.load(codes)
    for code, reason in loaded.absent.items():
        if code in required:
            raise FetchError(f"{code}: no usable copy of the list ({reason})")
        cost = (consequences or {}).get(code)
        loaded.notices.append(warning(f"{code}: left out of this run: {reason}" + (f"; {cost}" if cost else ""),
                                      code))
    return loaded


# --- lists and fetch ------------------------------------------------------------------------------------------


def requested_lists(settings: Settings) -> tuple[tuple[str, ...], frozenset[str]]:
    """The lists a command reads and those it cannot do without: named ones are required, the default
    (every list magcheck knows) takes what is available."""
    if settings.list_codes:
        return settings.list_codes, frozenset(settings.list_codes)
    return tuple(all_sources()), frozenset()


def run_lists(settings: Settings, loader: ListLoader, *, steps: Steps = no_steps) -> Outcome[list[SanctionsList]]:
    loader = prepared_loader(loader, settings)
    codes, required = requested_lists(settings)
    with steps(reading(codes)):
        loaded = load_lists(loader, codes, required)
    return Outcome.of(list(loaded.lists.values()), loaded.notices, loaded.lists)


def run_fetch(settings: Settings, fetcher: ListFetcher) -> Outcome[FetchReport]:
    """Refresh the cache. Its own exit codes: 0 all current, 1 some list kept an older copy, 3 some list has no
    usable copy (the cache error, 4, is raised)."""
    fetcher = prepared_loader(fetcher, settings)
    codes, _ = requested_lists(settings)
    report = fetcher.fetch(codes, force=settings.force)
    notices: list[Notice] = []
    for outcome in report.outcomes:
        if outcome.parsed is not None:
            notices.extend(warning(f"{outcome.code}: {text}", outcome.code) for text in outcome.parsed.warnings)
        if outcome.outcome is FetchOutcome.KEPT:
            notices.append(degraded(outcome.problem(), outcome.code))
        elif outcome.outcome is FetchOutcome.FAILED:
            notices.append(error(outcome.problem(), outcome.code))
    return Outcome(report, notices, report.status)


# --- gaps -----------------------------------------------------------------------------------------------------


@dataclass
class GapsResult:
    """Either the gaps report (with the changes since the previous run, when asked) or the matrix."""

    report: GapReport | None = None
    matrix: MatrixReport | None = None
    changes: Changes | None = None


def magnitsky_lists() -> tuple[str, ...]:
    """Every list of a government with a Magnitsky-style regime, in display order."""
    return tuple(code for code, source in all_sources().items() if source.magnitsky_programs)


def gaps_lists(settings: Settings) -> tuple[tuple[str, ...], frozenset[str]]:
    """The reference and the lists checked against it; the default (every other Magnitsky-style list)
    takes whichever are available, while lists named with --against are required."""
    reference = settings.reference
    if settings.against:
        return (reference, *settings.against), frozenset((reference, *settings.against))
    others = tuple(code for code in magnitsky_lists() if code != reference)
    return (reference, *others), frozenset({reference})


def un_codes(codes: Sequence[str], notices: list[Notice]) -> tuple[str, ...]:
    """The UN list, when a government checked implements UN listings outside its list (its source says so):
    a target on the UN list then counts as covered by it. When magcheck has no UN list, the rule is off,
    with a note."""
    rule_lists = un_rule_lists(codes[1:])
    if not rule_lists or UN in codes:
        return ()
    if UN not in all_sources():
        notices.append(info(f"{', '.join(rule_lists)}: this version of magcheck has no UN list, so covers through "
                            "UN listings (kept outside those lists) are not counted"))
        return ()
    return (UN,)


def drop_unneeded_un(loaded: LoadedLists, codes: Sequence[str], extra: Sequence[str]) -> None:
    """The UN list was loaded only for the UN rule: when no government it applies to could be read, it is not
    part of the run (nor are its notes)."""
    if not extra or un_rule_lists(codes_in(codes[1:], loaded.lists)):
        return
    loaded.lists.pop(UN, None)
    loaded.absent.pop(UN, None)
    loaded.notices[:] = [n for n in loaded.notices if n.list != UN]


def un_rule_cost(codes: Sequence[str]) -> str:
    return (f"covers through UN listings are not counted for {', '.join(un_rule_lists(codes))}, "
            "so some of their gaps may be UN listings")


def run_scope(settings: Settings, against: tuple[str, ...]) -> Scope:
    return Scope(settings.reference, against, settings.scope, settings.programs, settings.types, settings.country,
                 settings.name, settings.measures)


def run_gaps(settings: Settings, loader: ListLoader, *, now: datetime | None = None,
             steps: Steps = no_steps) -> Outcome[GapsResult]:
    loader = prepared_loader(loader, settings)
    codes, required = gaps_lists(settings)
    notices: list[Notice] = []
    extra = () if settings.matrix else un_codes(codes, notices)
    with steps(reading((*codes, *extra))):
        loaded = load_lists(loader, (*codes, *extra), required, consequences={UN: un_rule_cost(codes[1:])})
    drop_unneeded_un(loaded, codes, extra)
    against = tuple(code for code in codes[1:] if code in loaded.lists)
    if not against:
        raise FetchError(f"no list to check {settings.reference} against is available "
                         f"({'; '.join(loaded.absent.values()) or 'none named'})")
    notices += loaded.notices
    scope = run_scope(settings, against)
    moment = now or datetime.now(UTC)
    with steps(f"matching {settings.reference.upper()} against {', '.join(c.upper() for c in against)}"):
        matcher = run_matcher(settings, loaded.lists, notices)
        matcher.memo = memo = score_memo(loader)
        if settings.matrix:
            matrix = compute_matrix(loaded.lists, codes_in(codes, loaded.lists), scope, matcher, now=moment)
            notices += memo.take_notices() if memo is not None else []
            return Outcome.of(GapsResult(matrix=matrix), notices, loaded.lists)
        report = compute_gaps(loaded.lists, scope, matcher, now=moment, sort=settings.sort)
        notices += memo.take_notices() if memo is not None else []
    changes, problem = (compare_with_history(settings, report, notices) if settings.changes else (None, None))
    alert = settings.exit_code and (bool(changes.new) if changes is not None
                                    else any(t.missing_from for t in report.targets))
    return Outcome.of(GapsResult(report=report, changes=changes), notices, loaded.lists, alert=alert,
                      problem=problem)


def codes_in(codes: Sequence[str], lists: Mapping[str, SanctionsList]) -> tuple[str, ...]:
    return tuple(code for code in codes if code in lists)


def damaged_history_notices(previous: Previous) -> list[Notice]:
    """One line per damaged run record: degraded, since a new gap may then go unreported as new."""
    return [degraded(damaged.line()) for damaged in previous.damaged]


def compare_with_history(settings: Settings, report: GapReport,
                         notices: list[Notice]) -> tuple[Changes, ExitStatus | None]:
    """Compare with the previous run of this scope, then record this one. A damaged record is set aside and
    said (degraded data); with none left to compare with, the changes say they could not compare. A history
    that cannot be written is exit 4 after the report is shown: the next --changes would compare with an
    older run."""
    history = RunHistory(settings.state_dir)
    previous = history.find_previous(report.scope.key())
    notices += damaged_history_notices(previous)
    record = run_record(report, previous.record)
    present = {code: {e.uid for e in lst.entries} for code, lst in report.lists.items()}
    changes = compare_runs(previous.record, record, report.scope.reference, present=present,
                           reason=previous.reason)
    try:
        history.record(record)
    except MagcheckError as exc:
        notices.append(error(str(exc)))
        return changes, exc.exit_status
    return changes, None


# --- history: one target's timeline -------------------------------------------------------------------------


@dataclass
class HistoryResult:
    """One target's timeline, and the lists it was read from."""

    timeline: Timeline
    lists: dict[str, SanctionsList]


def run_history(settings: Settings, loader: ListLoader, key: str, *,
                now: datetime | None = None) -> Outcome[HistoryResult]:
    """The timeline of `LIST:UID`: when the reference listed it and, for every other Magnitsky-style list the run
    has, when that government listed it (and the lag) or for how long it has not (as of its list's date), plus
    the first dates the run history saw each gap and cover. Without run history, the lists alone speak."""
    loader = prepared_loader(loader, settings)
    code, uid = parse_entry_key(key)
    codes, _ = gaps_lists(settings.but(reference=code))
    notices: list[Notice] = []
    extra = un_codes(codes, notices)
    loaded = load_lists(loader, (*codes, *extra), {code}, consequences={UN: un_rule_cost(codes[1:])})
    drop_unneeded_un(loaded, codes, extra)
    notices += loaded.notices
    history = RunHistory(settings.state_dir)
    records, damaged = history.latest_of_every_scope()
    notices += [warning(d.line()) for d in damaged]
    memory = remembered(records, code, uid)
    lst = loaded.lists[code]
    entry = next((e for e in lst.entries if e.uid == uid), None)
    if entry is None and not memory.runs:
        raise UsageError(f"{code} has no entry {uid!r} in the list dated {lst.date or 'not stated'}, and the run "
                         "history does not mention it")
    against = tuple(c for c in codes[1:] if c in loaded.lists)
    report = None
    if entry is not None and against:
        matcher = run_matcher(settings, loaded.lists, notices)
        scope = run_scope(settings.but(reference=code), against)
        un_rule = decide_un_rule(loaded.lists, scope, matcher)
        targets = assess(loaded.lists, [entry], scope, matcher, un_rule)
        ordered = {c: loaded.lists[c] for c in (code, *against, *([UN] if un_rule.applied else []))}
        report = GapReport(now or datetime.now(UTC), ordered, scope, targets, un_rule=un_rule)
    timeline = build_timeline(f"{code}:{uid}", entry, report, memory)
    return Outcome.of(HistoryResult(timeline, loaded.lists), notices, loaded.lists)


# --- matching: overrides --------------------------------------------------------------------------------------


def default_overrides_path() -> Path | None:
    path = Path(user_config_dir("magcheck", appauthor=False)) / "overrides.toml"
    return path if path.is_file() else None


def run_overrides(settings: Settings, lists: dict[str, SanctionsList], notices: list[Notice]) -> Overrides | None:
    """The analyst's decisions, with a warning naming every entry they mention that this run's lists lack."""
    path = settings.overrides or default_overrides_path()
    if path is None:
        return None
    overrides = load_overrides(path)
    keys = {e.key for lst in lists.values() for e in lst.entries}
    unknown = sorted({key for pair in (*overrides.same, *overrides.different) for key in pair
                      if key.split(":", 1)[0] in lists and key not in keys})
    if unknown:
        notices.append(warning(f"overrides file {path} names entries these lists do not hold: {', '.join(unknown)}"))
    return overrides


def run_matcher(settings: Settings, lists: dict[str, SanctionsList], notices: list[Notice]) -> Matcher:
    return build_matcher(lists, overrides=run_overrides(settings, lists, notices), workers=settings.workers)


# --- search and explain ---------------------------------------------------------------------------------------


@dataclass
class SearchResult:
    query: str
    hits: dict[str, list[SearchHit]]
    lists: dict[str, SanctionsList]


def run_search(settings: Settings, loader: ListLoader, query: str, *,
               steps: Steps = no_steps) -> Outcome[SearchResult]:
    loader = prepared_loader(loader, settings)
    if not query.strip():
        raise UsageError("the name to search for is empty")
    codes, required = requested_lists(settings)
    with steps(reading(codes)):
        loaded = load_lists(loader, codes, required)
    with steps("searching"):
        matcher = build_matcher(loaded.lists, workers=settings.workers)
        hits = search(matcher, query, tuple(loaded.lists), limit=settings.limit or 5)
    return Outcome.of(SearchResult(query, hits, loaded.lists), loaded.notices, loaded.lists)


@dataclass
class ExplainResult:
    entry: Entry
    alignment: Alignment
    matcher: Matcher


def run_explain(settings: Settings, loader: ListLoader, key: str, *,
                steps: Steps = no_steps) -> Outcome[ExplainResult]:
    loader = prepared_loader(loader, settings)
    code, uid = parse_entry_key(key)
    codes = (code, *(c for c in all_sources() if c != code))
    with steps(reading(codes)):
        loaded = load_lists(loader, codes, {code})
    lst = loaded.lists[code]
    entry = next((e for e in lst.entries if e.uid == uid), None)
    if entry is None:
        raise UsageError(f"{code} has no entry {uid!r} in the list dated {lst.date or 'not stated'}")
    notices = list(loaded.notices)
    with steps(f"matching {entry.key}"):
        matcher = run_matcher(settings, loaded.lists, notices)
        alignment = explain(matcher, entry, tuple(loaded.lists))
    return Outcome.of(ExplainResult(entry, alignment, matcher), notices, loaded.lists)


__all__ = [
    "ExplainResult", "GapsResult", "HistoryResult", "ListFetcher", "ListLoader", "SearchResult", "exit_status",
    "is_degraded", "run_explain", "run_fetch", "run_gaps", "run_history", "run_lists", "run_search",
]
