"""Coverage per jurisdiction: which targets of a reference list the other governments have not listed.

A target counts as covered by a government if that government lists it under ANY of its programmes
(Canada mirrored the 2021 Xinjiang designations under its China regulations, not its Magnitsky law), so
the reference side is filtered by scope while the other lists are always searched whole.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from magcheck.matching.align import Matcher
from magcheck.matching.countries import country_code
from magcheck.matching.coverage import Coverage
from magcheck.matching.normalize import normalize_name
from magcheck.matching.overrides import Overrides
from magcheck.model import Entry, EntryType, SanctionsList
from magcheck.sources import get_source


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

    def key(self) -> str:
        """Stable identifier of the scope, so a run is compared only with earlier runs of the same scope."""
        text = json.dumps([self.reference, sorted(self.against), self.scope,
                           sorted(p.casefold() for p in self.programs), sorted(self.types),
                           (self.country or "").casefold(), (self.name or "").casefold()])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def describe(self) -> str:
        parts = [f"programmes {', '.join(self.programs)}" if self.programs else f"scope {self.scope}"]
        if self.types:
            parts.append(f"type {', '.join(self.types)}")
        if self.country:
            parts.append(f"country {self.country}")
        if self.name:
            parts.append(f"name contains {self.name!r}")
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
    if scope.country:  # as a whole word: `China` is not in `Chinandega, Nicaragua`
        country = (country_code(scope.country), re.compile(rf"\b{re.escape(scope.country.strip())}\b", re.IGNORECASE))
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


@dataclass
class Target:
    entry: Entry
    coverage: dict[str, Coverage]  # other list code -> its counterparts and near-misses

    @property
    def missing_from(self) -> list[str]:
        return [code for code, cov in self.coverage.items() if not cov.matches]


@dataclass
class GapReport:
    generated: datetime
    lists: dict[str, SanctionsList]  # every list involved, reference first
    scope: Scope
    targets: list[Target]

    def gaps(self, code: str) -> list[Target]:
        return [t for t in self.targets if code in t.missing_from]

    @property
    def summary(self) -> dict[str, object]:
        return {
            "targets": len(self.targets),
            "gaps": {code: len(self.gaps(code)) for code in self.scope.against},
            "covered_by_all": sum(1 for t in self.targets if not t.missing_from),
            "missing_from_all": sum(1 for t in self.targets if len(t.missing_from) == len(self.scope.against)),
        }


def _check_lists(lists: Mapping[str, SanctionsList], codes: Iterable[str]) -> None:
    missing = [code for code in codes if code not in lists]
    if missing:
        raise KeyError(f"lists not loaded: {', '.join(missing)}")


def build_matcher(lists: Mapping[str, SanctionsList], *, overrides: Overrides | None = None,
                  workers: int = 0) -> Matcher:
    """One matcher over whole lists, so a pair scores the same whatever the scope of the run."""
    return Matcher({code: lst.entries for code, lst in lists.items()}, overrides=overrides, workers=workers)


def compute_gaps(lists: Mapping[str, SanctionsList], scope: Scope, matcher: Matcher, *,
                 now: datetime | None = None) -> GapReport:
    """Align the reference list's targets in scope against the whole of every other list."""
    _check_lists(lists, (scope.reference, *scope.against))
    targets = select_targets(lists[scope.reference].entries, scope.reference, scope)
    alignment = matcher.align(targets, scope.against)
    ordered = {code: lists[code] for code in (scope.reference, *scope.against)}
    return GapReport(now or datetime.now(UTC), ordered, scope,
                     [Target(entry, alignment.coverage[entry.key]) for entry in targets])


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
