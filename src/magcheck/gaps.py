"""Coverage per jurisdiction: which targets of a reference list the other governments have not listed.

A target counts as covered by a government if that government lists it under ANY of its programmes
(Canada mirrored the 2021 Xinjiang designations under its China regulations, not its Magnitsky law), so
the reference side is filtered by scope while the other lists are always searched whole.

Each government's answer for a target is a `Cell`, computed here once so that every format (and the HTML page)
reads the same figures: covered (through its own list, or only through the UN listing for a government that
implements UN listings outside its list), a gap with a near-miss to review, or a gap; the lag behind the
reference (covered) or the gap's age (not covered), in days, null when a date is unknown; the measures its
listing imposes where the list states them. With `--measures asset-freeze` a listing that states its measures
and imposes no asset freeze (a UK travel ban or director disqualification only) does not count as a cover.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from magcheck.matching.align import Matcher
from magcheck.matching.countries import country_code, country_name, resolve_country
from magcheck.matching.coverage import Counterpart, Coverage
from magcheck.matching.normalize import normalize_name
from magcheck.matching.overrides import Overrides
from magcheck.model import Entry, EntryType, SanctionsList
from magcheck.sources import all_sources, get_source

COVERED, REVIEW, GAP = "covered", "review", "gap"  # a cell's status (review: a gap with a near-miss to check)
VIA_LIST, VIA_UN = "list", "un"  # how a cover is known: the government's own list, or only the UN listing
UN = "un"  # the code of the UN Security Council Consolidated List (sources/un.py)
ANY_MEASURES, ASSET_FREEZE = "any", "asset-freeze"
MEASURES = (ANY_MEASURES, ASSET_FREEZE)  # --measures
SORTS = ("age", "name", "listed")  # --sort; "age": oldest gap first, undated last
DAYS_PER_YEAR = 365.25  # "older than N years": more than N * 365.25 days


@dataclass(frozen=True)
class Scope:
    """Which entries of the reference list are the yardstick, and who is checked against it."""

    reference: str = "us"
    against: tuple[str, ...] = ("uk", "ca")
    scope: str = "magnitsky"  # per reference list: its Magnitsky-style programmes; or "all"
    programs: tuple[str, ...] = ()  # raw programme / regime names; when given they replace `scope`
    types: tuple[str, ...] = ()
    country: str | None = None
    name: str | None = None
    measures: str = ANY_MEASURES  # ASSET_FREEZE: only listings with an asset freeze count as covers

    def key(self) -> str:
        """Stable identifier of the scope, so a run is compared only with earlier runs of the same scope
        (a run that counts only asset freezes is another scope; every other run keeps its earlier key)."""
        parts: list[object] = [self.reference, sorted(self.against), self.scope,
                               sorted(p.casefold() for p in self.programs), sorted(self.types),
                               (self.country or "").casefold(), (self.name or "").casefold()]
        if self.measures != ANY_MEASURES:
            parts.append(self.measures)
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]

    def describe(self) -> str:
        parts = [f"programmes {', '.join(self.programs)}" if self.programs else f"scope {self.scope}"]
        if self.types:
            parts.append(f"type {', '.join(self.types)}")
        if self.country:
            parts.append(f"country {self.country}")
        if self.name:
            parts.append(f"name contains {self.name!r}")
        if self.measures == ASSET_FREEZE:
            parts.append("covers: listings with an asset freeze only")
        return "; ".join(parts)


def scope_programs(code: str, scope: Scope) -> frozenset[str] | None:
    """The programme tags that put an entry of list `code` in scope (None: every programme)."""
    if scope.programs:
        return frozenset(p.casefold() for p in scope.programs)
    if scope.scope == "magnitsky":
        return frozenset(p.casefold() for p in get_source(code).magnitsky_programs)
    return None


def _mentions_country(entry: Entry, wanted_code: str, wanted_word: re.Pattern[str]) -> bool:
    places = (*entry.nationalities, *entry.citizenships, *entry.countries)
    if any(country_code(place) == wanted_code for place in places):
        return True
    return entry.remarks is not None and wanted_word.search(entry.remarks) is not None


def _name_matches(entry: Entry, wanted: tuple[str, ...], wanted_text: str) -> bool:
    for name in entry.names:
        if wanted_text in name.text.casefold():
            return True
        form = normalize_name(name.text, organisation=entry.type is not EntryType.INDIVIDUAL)
        if wanted and set(wanted) <= set(form.tokens):
            return True
    return False


def select_targets(entries: Iterable[Entry], code: str, scope: Scope) -> list[Entry]:
    """The entries of list `code` that the scope's programme, type, country and name filters keep."""
    programs = scope_programs(code, scope)
    types = {t.casefold() for t in scope.types}
    country = None
    if scope.country:  # one country however it is written (PRC = China): its code, and its name in remarks
        resolved = resolve_country(scope.country)  # as a whole word: `China` is not in `Chinandega, Nicaragua`
        code = resolved or country_code(scope.country)
        named = country_name(resolved) if resolved else scope.country.strip()
        country = (code, re.compile(rf"\b{re.escape(named)}\b", re.IGNORECASE))
    name = None
    if scope.name:
        name = (normalize_name(scope.name, organisation=False).tokens, scope.name.casefold())
    selected = []
    for entry in entries:
        if programs is not None and not programs & {p.casefold() for p in entry.programs}:
            continue
        if types and entry.type.value not in types:
            continue
        if country and not _mentions_country(entry, *country):
            continue
        if name and not _name_matches(entry, *name):
            continue
        selected.append(entry)
    return selected


# --- each government's answer for one target: covered or not, since when, with which measures ---------------


@dataclass(frozen=True)
class Cell:
    """One government's answer for one reference target: what every format shows in that government's column."""

    status: str  # COVERED, REVIEW or GAP
    counterparts: tuple[Counterpart, ...] = ()  # its own list's entries that cover the target (via VIA_LIST)
    via: str | None = None  # VIA_LIST, VIA_UN (only through the UN listing), None for a gap
    un_listing: Counterpart | None = None  # the UN list's entry of the target (via VIA_UN)
    listed: date | None = None  # the government's earliest listing of the target, where its list dates it
    lag_days: int | None = None  # covered: its listing date minus the reference's (negative: it acted first)
    gap_age_days: int | None = None  # a gap: its list's "as of" date minus the reference's listing date
    measures: tuple[str, ...] = ()  # what its listings impose, where the list says (UK: "Asset freeze", ...)
    not_counted: tuple[Counterpart, ...] = ()  # its entries of the target that --measures left out

    @property
    def covered(self) -> bool:
        return self.status == COVERED

    @property
    def un_ref(self) -> str | None:
        if self.un_listing is None:
            return None
        return self.un_listing.entry.un_ref or self.un_listing.entry.uid


def has_asset_freeze(entry: Entry) -> bool:
    """Whether a listing freezes assets, as far as its list says: a list that states no measures (OFAC, whose
    SDN listings block property; Canada, whose listings ban dealings; the UN) is taken at its listing."""
    return not entry.measures or any("asset freeze" in m.casefold() for m in entry.measures)


def counts_as_cover(entry: Entry, measures: str) -> bool:
    return measures != ASSET_FREEZE or has_asset_freeze(entry)


def as_of(lst: SanctionsList) -> date | None:
    """The date a list shows the world as of: the date it states, else the server's (HTTP Last-Modified, never
    in the future) or the snapshot's; None when none is known (a data-dir file that states none)."""
    return lst.date


def days_between(earlier: date | None, later: date | None) -> int | None:
    return (later - earlier).days if earlier is not None and later is not None else None


def earliest(entries: Iterable[Entry]) -> date | None:
    dates = [e.listed for e in entries if e.listed is not None]
    return min(dates) if dates else None


def plain_measures(entries: Iterable[Entry]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m for e in entries for m in e.measures))


def government_cell(reference: Entry, coverage: Coverage, checked: SanctionsList | None, *,
                    measures: str = ANY_MEASURES, un_listing: Counterpart | None = None) -> Cell:
    """The cell of one government: `un_listing` is the target's UN listing when that government's UN listings
    count as covers (its source keeps them outside its list) and the run has the UN list."""
    counted = tuple(c for c in coverage.matches if counts_as_cover(c.entry, measures))
    left_out = tuple(c for c in coverage.matches if not counts_as_cover(c.entry, measures))
    if counted:
        listed = earliest(c.entry for c in counted)
        return Cell(COVERED, counted, VIA_LIST, listed=listed, lag_days=days_between(reference.listed, listed),
                    measures=plain_measures(c.entry for c in counted), not_counted=left_out)
    if un_listing is not None:
        return Cell(COVERED, via=VIA_UN, un_listing=un_listing, measures=un_listing.entry.measures,
                    not_counted=left_out)
    status = REVIEW if coverage.review else GAP
    age = days_between(reference.listed, as_of(checked)) if checked is not None else None
    return Cell(status, gap_age_days=age, not_counted=left_out)


def un_rule_lists(against: Iterable[str]) -> tuple[str, ...]:
    """The governments checked whose UN listings live outside their list (their source says so)."""
    sources = all_sources()
    return tuple(code for code in against if code in sources and sources[code].un_listings_elsewhere)


def _un_key(ref: str) -> str:
    return ref.strip().casefold()


@dataclass
class UnListings:
    """The UN list of the run, to find each target's UN listing: the target itself (the UN list is the
    reference), its own UN reference (the UK gives one), else the matcher's counterpart on the UN list."""

    lst: SanctionsList
    by_ref: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def of(cls, lst: SanctionsList) -> UnListings:
        return cls(lst, {_un_key(e.un_ref or e.uid): e for e in lst.entries})

    def find(self, entry: Entry, coverage: Coverage | None) -> Counterpart | None:
        if entry.list == self.lst.code:
            return Counterpart(entry, 1.0, None)
        if entry.un_ref and _un_key(entry.un_ref) in self.by_ref:
            return Counterpart(self.by_ref[_un_key(entry.un_ref)], 1.0, None)
        return coverage.matches[0] if coverage is not None and coverage.matches else None


@dataclass
class Target:
    entry: Entry
    coverage: dict[str, Coverage]  # other list code -> its counterparts and near-misses (the matcher's answer)
    cells: dict[str, Cell] = field(default_factory=dict)  # other list code -> the answer every format shows
    _missing: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """A target built without some cells (a test's) gets them from its coverage alone. The cells do not change
        once the target is assessed: which governments have not covered it is worked out once (every format and
        the summary ask for it)."""
        for code, coverage in self.coverage.items():
            if code not in self.cells:
                self.cells[code] = government_cell(self.entry, coverage, None)
        self._missing = tuple(code for code in self.coverage if not self.cells[code].covered)

    def cell(self, code: str) -> Cell:
        """The government's cell (an empty one for a list the target was not aligned against)."""
        found = self.cells.get(code)
        return found if found is not None else government_cell(self.entry, Coverage(), None)

    @property
    def missing_from(self) -> list[str]:
        """The governments that have not covered the target."""
        return list(self._missing)

    def is_missing_from(self, code: str) -> bool:
        return code in self._missing

    def oldest_gap(self) -> int | None:
        ages = [self.cells[code].gap_age_days for code in self._missing]
        known = [age for age in ages if age is not None]
        return max(known) if known else None


@dataclass(frozen=True)
class UnRule:
    """Whether covers through the UN listing were counted on this run, for which governments, and if not why."""

    lists: tuple[str, ...] = ()  # the governments checked whose UN listings live outside their list
    applied: bool = False
    reason: str | None = None  # why not, when `lists` is not empty and the rule is off


@dataclass(frozen=True)
class Timing:
    """A government's dates over the report: how fast it followed the reference, and how old its gaps are."""

    lags: tuple[int, ...]  # days, covers through its own list where both dates are known
    ages: tuple[int, ...]  # days, gaps whose reference listing date and list date are known
    undated_gaps: int  # gaps without an age

    @property
    def median_lag(self) -> float | None:
        return statistics.median(self.lags) if self.lags else None

    @property
    def longest_lag(self) -> int | None:
        return max(self.lags) if self.lags else None

    @property
    def acted_first(self) -> int:
        return sum(1 for lag in self.lags if lag < 0)

    def older_than(self, years: int) -> int:
        return sum(1 for age in self.ages if age > years * DAYS_PER_YEAR)

    @property
    def oldest_gap(self) -> int | None:
        return max(self.ages) if self.ages else None


@dataclass
class GapReport:
    generated: datetime
    lists: dict[str, SanctionsList]  # every list involved, reference first, then those checked (then the UN)
    scope: Scope
    targets: list[Target]
    sort: str = "age"
    un_rule: UnRule = field(default_factory=UnRule)
    _gaps: dict[tuple[str, str, int], list[Target]] = field(default_factory=dict, init=False, repr=False,
                                                          compare=False)
    _columns: dict[tuple[str, int], list[Cell]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def gaps(self, code: str) -> list[Target]:
        """The targets government `code` has not covered, in the report's order (by default its oldest first).
        Every format and the summary ask for them: sorted once per government and order."""
        memo = (code, self.sort, len(self.targets))
        if memo not in self._gaps:
            found = [t for t in self.targets if t.is_missing_from(code)]
            if self.sort == "age":
                found.sort(key=lambda t: age_key(t.cells[code].gap_age_days, t.entry))
            else:
                found.sort(key=lambda t: target_order(t, self.sort))
            self._gaps[memo] = found
        return list(self._gaps[memo])

    def column(self, code: str) -> list[Cell]:
        """Government `code`'s cell of every target, in the report's order (the summary reads each column thrice:
        gathered once)."""
        memo = (code, len(self.targets))
        if memo not in self._columns:
            self._columns[memo] = [t.cells[code] if code in t.cells else t.cell(code) for t in self.targets]
        return self._columns[memo]

    def timing(self, code: str) -> Timing:
        cells = self.column(code)
        lags = tuple(c.lag_days for c in cells if c.status == COVERED and c.lag_days is not None)
        gaps = [c for c in cells if c.status != COVERED]
        ages = tuple(c.gap_age_days for c in gaps if c.gap_age_days is not None)
        return Timing(lags, ages, len(gaps) - len(ages))

    def covered_via_un(self, code: str) -> list[Target]:
        return [t for t, c in zip(self.targets, self.column(code), strict=True) if c.via == VIA_UN]

    def not_counted(self, code: str) -> list[Target]:
        """Targets the government lists only with measures --measures does not count (e.g. a travel ban)."""
        return [t for t, c in zip(self.targets, self.column(code), strict=True)
                if c.status != COVERED and c.not_counted]

    @property
    def summary(self) -> dict[str, object]:
        return {
            "targets": len(self.targets),
            "gaps": {code: len(self.gaps(code)) for code in self.scope.against},
            "covered_by_all": sum(1 for t in self.targets if not t.missing_from),
            "missing_from_all": sum(1 for t in self.targets if len(t.missing_from) == len(self.scope.against)),
        }


def name_key(entry: Entry) -> tuple[str, str]:
    return entry.name.text.casefold(), entry.uid


def age_key(age: int | None, entry: Entry) -> tuple[bool, int, tuple[str, str]]:
    """Oldest gap first, undated last, then by name."""
    return age is None, -(age or 0), name_key(entry)


def listed_key(entry: Entry) -> tuple[bool, date, tuple[str, str]]:
    """Earliest reference listing first, undated last, then by name."""
    return entry.listed is None, entry.listed or date.min, name_key(entry)


def target_order(target: Target, sort: str) -> tuple[object, ...]:
    if sort == "name":
        return name_key(target.entry)
    if sort == "listed":
        return listed_key(target.entry)
    has_gap = bool(target.missing_from)
    return (not has_gap, *age_key(target.oldest_gap(), target.entry))  # no gap at all: after every gap


def sort_targets(targets: Iterable[Target], sort: str) -> list[Target]:
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r} (expected one of {', '.join(SORTS)})")
    return sorted(targets, key=lambda t: target_order(t, sort))


def _check_lists(lists: Mapping[str, SanctionsList], codes: Iterable[str]) -> None:
    missing = [code for code in codes if code not in lists]
    if missing:
        raise KeyError(f"lists not loaded: {', '.join(missing)}")


def build_matcher(lists: Mapping[str, SanctionsList], *, overrides: Overrides | None = None,
                  workers: int = 0) -> Matcher:
    """One matcher over whole lists, so a pair scores the same whatever the scope of the run."""
    return Matcher({code: lst.entries for code, lst in lists.items()}, overrides=overrides, workers=workers)


def decide_un_rule(lists: Mapping[str, SanctionsList], scope: Scope, matcher: Matcher) -> UnRule:
    rule_lists = un_rule_lists(scope.against)
    if not rule_lists:
        return UnRule()
    if UN not in lists or (UN not in matcher.lists and scope.reference != UN):
        return UnRule(rule_lists, False, "the UN list is not part of this run")
    return UnRule(rule_lists, True)


def assess(lists: Mapping[str, SanctionsList], entries: Sequence[Entry], scope: Scope, matcher: Matcher,
           un_rule: UnRule) -> list[Target]:
    """Align `entries` of the reference list against every list checked (and the UN list for the UN rule) and
    give each government's cell."""
    un = UnListings.of(lists[UN]) if un_rule.applied else None
    others = tuple(scope.against)
    if un is not None and UN not in others and scope.reference != UN:
        others = (*others, UN)
    alignment = matcher.align(entries, others)
    targets = []
    for entry in entries:
        coverage = {code: alignment.coverage[entry.key][code] for code in scope.against}
        un_listing = un.find(entry, alignment.coverage[entry.key].get(UN)) if un is not None else None
        cells = {code: government_cell(entry, coverage[code], lists[code], measures=scope.measures,
                                       un_listing=un_listing if code in un_rule.lists else None)
                 for code in scope.against}
        targets.append(Target(entry, coverage, cells))
    return targets


def compute_gaps(lists: Mapping[str, SanctionsList], scope: Scope, matcher: Matcher, *,
                 now: datetime | None = None, sort: str = "age") -> GapReport:
    """Align the reference list's targets in scope against the whole of every other list.

    When a government checked keeps its UN listings outside its list (Canada: the UN Act regulations) and the
    UN list is in `lists` (and in the matcher), a target on the UN list counts as covered by it through that
    listing."""
    _check_lists(lists, (scope.reference, *scope.against))
    un_rule = decide_un_rule(lists, scope, matcher)
    entries = select_targets(lists[scope.reference].entries, scope.reference, scope)
    targets = sort_targets(assess(lists, entries, scope, matcher, un_rule), sort)
    ordered = {code: lists[code] for code in (scope.reference, *scope.against)}
    if un_rule.applied and UN not in ordered:
        ordered[UN] = lists[UN]
    return GapReport(now or datetime.now(UTC), ordered, scope, targets, sort, un_rule)


# --- the matrix: every target of every list in scope, one row per real-world target ---------------------


@dataclass
class MatrixRow:
    entries: dict[str, list[Entry]] = field(default_factory=dict)  # list code -> its entries of this target

    @property
    def label(self) -> Entry:
        """The entry that names the row: from the first list that has one."""
        return next(iter(self.entries.values()))[0]


@dataclass
class MatrixReport:
    generated: datetime
    lists: dict[str, SanctionsList]
    scope: Scope
    rows: list[MatrixRow]


class _Components:
    """Union-find over entry keys: entries matched across lists become one real-world target."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def compute_matrix(lists: Mapping[str, SanctionsList], codes: Sequence[str], scope: Scope, matcher: Matcher, *,
                   now: datetime | None = None) -> MatrixReport:
    """Each list's targets in scope, aligned against every other list whole, joined into rows."""
    _check_lists(lists, codes)
    by_key = {e.key: e for code in codes for e in lists[code].entries}
    components = _Components()
    seeds: list[str] = []
    for code in codes:
        targets = select_targets(lists[code].entries, code, scope)
        alignment = matcher.align(targets, [other for other in codes if other != code])
        for entry in targets:
            seeds.append(entry.key)
            components.find(entry.key)
            for coverage in alignment.coverage[entry.key].values():
                for counterpart in coverage.matches:
                    components.union(entry.key, counterpart.entry.key)
    rows: dict[str, MatrixRow] = {}
    order = {code: i for i, code in enumerate(codes)}
    members: dict[str, list[str]] = {}
    for key in components.parent:
        members.setdefault(components.find(key), []).append(key)
    for seed in seeds:
        root = components.find(seed)
        if root in rows:
            continue
        row = MatrixRow()
        for key in sorted(members[root], key=lambda k: (order[by_key[k].list], k)):
            row.entries.setdefault(by_key[key].list, []).append(by_key[key])
        rows[root] = row
    ordered = {code: lists[code] for code in codes}
    return MatrixReport(now or datetime.now(UTC), ordered, scope, list(rows.values()))
