"""For each entry of a reference list, its counterparts in every other list.

A counterpart scoring at least `match` is the same target; one in the `possible` band is shown for human
review. A list may hold one target more than once (Canada lists some people under two regimes), so an
entry may have several counterparts. Two reference entries claiming the same counterpart is flagged, and
only the stronger claim stands unless both are near-certain.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from magcheck.gcpause import gc_paused
from magcheck.matching import evidence
from magcheck.matching.coverage import Counterpart, Coverage, Thresholds
from magcheck.matching.evidence import comparable_id
from magcheck.matching.index import (
    ClassMatrix,
    NameTable,
    Vocabulary,
    build_name_table,
    candidate_pairs,
    class_matrix,
)
from magcheck.matching.overrides import Overrides
from magcheck.matching.score import NamePair, PairScore, score_entries
from magcheck.model import Entry, EntryType, IdKind, Name


@dataclass
class Alignment:
    reference: Sequence[Entry]
    others: tuple[str, ...]
    coverage: dict[str, dict[str, Coverage]]  # reference key -> other list code -> coverage

    def of(self, entry: Entry, other: str) -> Coverage:
        return self.coverage[entry.key][other]


_JOINING_IDS = (IdKind.IMO, IdKind.PASSPORT, IdKind.NATIONAL_ID, IdKind.REGISTRATION)


def _identifier_keys(entry: Entry) -> set[tuple[IdKind, str]]:
    return {(i.kind, value) for i in entry.identifiers if i.kind in _JOINING_IDS and (value := comparable_id(i))}


@dataclass
class Prepared:
    """One list made ready for matching: its name table, class vectors and identifier index."""

    table: NameTable
    matrix: ClassMatrix
    positions: dict[str, int]  # entry key -> index
    identifiers: dict[tuple[IdKind, str], list[int]]


class Matcher:
    """Matching over a fixed set of lists: every name is normalised and indexed once per run."""

    def __init__(self, lists: Mapping[str, Sequence[Entry]], *, thresholds: Thresholds | None = None,
                 overrides: Overrides | None = None, workers: int = 0) -> None:
        self.lists = dict(lists)
        self.thresholds = thresholds or Thresholds()
        self.overrides = overrides
        self.workers = workers  # processes for large alignments; 0: one per CPU
        with gc_paused():
            self.tables = {code: build_name_table(entries) for code, entries in self.lists.items()}
            self.vocabulary = Vocabulary(list(self.tables.values()))
        self._prepared: dict[str, Prepared] = {}

    def prepared(self, code: str) -> Prepared:
        if code not in self._prepared:
            table = self.tables[code]
            identifiers: dict[tuple[IdKind, str], list[int]] = defaultdict(list)
            for index, entry in enumerate(table.entries):
                for key in _identifier_keys(entry):
                    identifiers[key].append(index)
            self._prepared[code] = Prepared(table, class_matrix(table, self.vocabulary),
                                             {e.key: i for i, e in enumerate(table.entries)}, identifiers)
        return self._prepared[code]

    def candidate_entry_pairs(self, reference: Sequence[Entry], code: str) -> set[tuple[str, str]]:
        """(reference key, other key) of every entry pair the index proposes for scoring: what the index can
        find at all (the benchmarks measure its recall)."""
        ref, ref_matrix = self._reference(reference)
        other = self.prepared(code)
        groups = self.candidate_groups(ref, ref_matrix, other, range(len(ref.entries)))
        return {(ref.entries[r].key, other.table.entries[o].key) for r, o in groups}

    def _reference(self, entries: Sequence[Entry]) -> tuple[NameTable, ClassMatrix]:
        """Rows for the reference entries: taken from their list's index when they come from one."""
        codes = {e.list for e in entries}
        if len(codes) == 1 and (code := next(iter(codes))) in self.lists:
            prepared = self.prepared(code)
            if len(entries) == len(prepared.table.entries) and all(
                    a is b for a, b in zip(entries, prepared.table.entries, strict=True)):
                return prepared.table, prepared.matrix  # the whole list, in order
            indices = [prepared.positions.get(e.key, -1) for e in entries]
            if all(i >= 0 and prepared.table.entries[i] is e for i, e in zip(indices, entries, strict=True)):
                table, rows = prepared.table.subset(indices)
                return table, prepared.matrix.rows(rows)
        table = build_name_table(entries)
        return table, class_matrix(table, self.vocabulary)

    def candidate_groups(self, ref: NameTable, ref_matrix: ClassMatrix, other: Prepared, part: range, *,
                         floor: float | None = None) -> dict[tuple[int, int], list[tuple[int, int]]]:
        """Candidate name-row pairs grouped by (reference entry, other entry), for the reference entries
        in `part`, that could score `floor` (default: the review band)."""
        floor = self.thresholds.possible if floor is None else floor
        first_row, end_row = np.searchsorted(ref.row_entry, [part.start, part.stop])
        pairs = candidate_pairs(
            ref_matrix.rows(slice(first_row, end_row)), other.matrix, floor,
            dob_bonus=evidence.DOB_DAY, nationality_bonus=evidence.NATIONALITY_SHARED)
        ref_rows = (pairs.ref_rows + first_row).tolist()
        other_rows = pairs.other_rows.tolist()
        ref_entries = ref.row_entry[ref_rows].tolist()
        other_entries = other.table.row_entry[other_rows].tolist()
        groups: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for ref_entry, other_entry, ref_row, other_row in zip(ref_entries, other_entries, ref_rows, other_rows,
                                                              strict=True):
            groups[(ref_entry, other_entry)].append((ref_row, other_row))
        self._add_identifier_pairs(ref, other, groups, part)
        return groups

    @staticmethod
    def _add_identifier_pairs(ref: NameTable, other: Prepared, groups: dict[tuple[int, int], list[tuple[int, int]]],
                              part: range) -> None:
        """Entries sharing an IMO, passport or registration number are compared whatever their names."""
        for ref_index in part:
            for key in _identifier_keys(ref.entries[ref_index]):
                for other_index in other.identifiers.get(key, ()):
                    pair = (ref_index, other_index)
                    if pair not in groups:
                        groups[pair] = [(r, o) for r in ref.entry_rows(ref_index)
                                        for o in other.table.entry_rows(other_index)]

    def score_group(self, ref: NameTable, other: NameTable, pair: tuple[int, int], rows: list[tuple[int, int]], *,
               floor: float | None = None) -> PairScore | None:
        name_pairs: list[NamePair] = [
            (ref.names[r], ref.forms[r], bool(ref.weak[r]), other.names[o], other.forms[o], bool(other.weak[o]))
            for r, o in rows
        ]
        return score_entries(ref.entries[pair[0]], other.entries[pair[1]], name_pairs, self.vocabulary,
                             self.thresholds.possible if floor is None else floor)

    def _scored_pairs(self, ref: NameTable, ref_matrix: ClassMatrix, code: str, part: range,
                      floor: float) -> tuple[list[tuple[int, int, PairScore]], int]:
        """(reference index, other index, score) for every pair scoring at least `floor`, among the
        reference entries in `part`, and how many entry pairs were scored."""
        other = self.prepared(code)
        groups = self.candidate_groups(ref, ref_matrix, other, part, floor=floor)
        kept = []
        for pair, rows in groups.items():
            result = self.score_group(ref, other.table, pair, rows, floor=floor)
            if result is not None and result.score >= floor:
                kept.append((pair[0], pair[1], result))
        return kept, len(groups)

    def _scored_pairs_per_list(self, ref: NameTable, ref_matrix: ClassMatrix, codes: tuple[str, ...],
                               floor: float) -> dict[str, tuple[list[tuple[int, int, PairScore]], int]]:
        """Score each list. A large run is cut into one task per list and worker, run in forked processes
        (the indexes are inherited, not copied); the results are merged per list."""
        for code in codes:
            self.prepared(code)
        workers = _workers(self.workers)
        size = len(ref.entries)
        if size < PARALLEL_MIN_ENTRIES or workers < 2:
            return {code: self._scored_pairs(ref, ref_matrix, code, range(size), floor) for code in codes}
        bounds = np.linspace(0, size, workers + 1).astype(int)
        tasks = [(code, range(int(lo), int(hi)), floor) for code in codes for lo, hi in pairwise(bounds)]
        global _FORK_JOB
        _FORK_JOB = (self, ref, ref_matrix)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.map(_scored_pairs_in_child, tasks)
        finally:
            _FORK_JOB = None
        merged: dict[str, tuple[list[tuple[int, int, PairScore]], int]] = {code: ([], 0) for code in codes}
        for (code, _, _), (kept, count) in zip(tasks, results, strict=True):
            merged[code] = (merged[code][0] + kept, merged[code][1] + count)
        return merged

    @gc_paused()
    def align(self, reference: Sequence[Entry], against: Iterable[str], *,
              thresholds: Thresholds | None = None) -> Alignment:
        """Counterparts of each `reference` entry in each list of `against` (searched whole)."""
        thresholds = thresholds or self.thresholds
        ref, ref_matrix = self._reference(reference)
        against = tuple(against)
        coverage: dict[str, dict[str, Coverage]] = {e.key: {} for e in reference}
        scored = self._scored_pairs_per_list(ref, ref_matrix, against, thresholds.possible)
        for code, (kept, _scored_count) in scored.items():
            other_entries = self.prepared(code).table.entries
            found: dict[int, list[Counterpart]] = defaultdict(list)
            for ref_index, other_index, result in kept:
                found[ref_index].append(Counterpart(other_entries[other_index], result.score, result))
            per_ref: dict[str, Coverage] = {}
            for index, entry in enumerate(reference):
                ranked = sorted(found.get(index, ()), key=lambda c: (-c.score, c.entry.uid))
                per_ref[entry.key] = Coverage([c for c in ranked if c.score >= thresholds.match],
                                              [c for c in ranked if c.score < thresholds.match])
            if self.overrides is not None:
                self.overrides.apply(per_ref, reference, other_entries, code)
            _resolve_shared_claims(per_ref, thresholds)
            for key, cov in per_ref.items():
                del cov.review[thresholds.review_per_list:]
                coverage[key][code] = cov
        return Alignment(reference, against, coverage)


# Aligning a whole list against others is worth several processes (it takes seconds on one core); a
# Magnitsky-scope run of a few hundred entries is not.
PARALLEL_MIN_ENTRIES = 2000
_FORK_JOB: tuple[Matcher, NameTable, ClassMatrix] | None = None


def _workers(configured: int) -> int:
    """Processes to use: as configured (MAGCHECK_WORKERS), else the CPUs; 1 where fork is unavailable or unsafe
    (not Linux)."""
    if not sys.platform.startswith("linux"):
        return 1
    return configured if configured > 0 else (os.cpu_count() or 1)


def _scored_pairs_in_child(task: tuple[str, range, float]) -> tuple[list[tuple[int, int, PairScore]], int]:
    assert _FORK_JOB is not None  # set by the parent before forking
    matcher, ref, ref_matrix = _FORK_JOB
    return matcher._scored_pairs(ref, ref_matrix, *task)


def _resolve_shared_claims(per_ref: dict[str, Coverage], thresholds: Thresholds) -> None:
    """One counterpart claimed as a match by several reference entries: say so, keep the strongest."""
    claims: dict[str, list[tuple[str, Counterpart]]] = defaultdict(list)
    for ref_key, coverage in per_ref.items():
        for counterpart in coverage.matches:
            if counterpart.override is None:
                claims[counterpart.entry.key].append((ref_key, counterpart))
    for contenders in claims.values():
        if len(contenders) < 2:
            continue
        contenders.sort(key=lambda kc: -kc[1].score)
        keys = [k for k, _ in contenders]
        top_score = contenders[0][1].score
        for rank, (ref_key, counterpart) in enumerate(contenders):
            counterpart.shared_with = tuple(k for k in keys if k != ref_key)
            certain = min(counterpart.score, top_score) >= thresholds.shared_certain
            if rank > 0 and not certain:
                coverage = per_ref[ref_key]
                coverage.matches.remove(counterpart)
                coverage.review.insert(0, counterpart)


# --- look-ups for one name or one entry --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchHit:
    entry: Entry
    score: float
    detail: PairScore  # the name that matched best and how


def _query_entries(text: str) -> list[Entry]:
    """A name typed by a user could be a person's or an organisation's: try it as both."""
    name = Name(text)
    return [Entry("query", "person", EntryType.INDIVIDUAL, name),
            Entry("query", "organisation", EntryType.ENTITY, name)]


def search(matcher: Matcher, text: str, codes: Iterable[str], *, limit: int = 10,
           floor: float = 0.5) -> dict[str, list[SearchHit]]:
    """The best-scoring entries of each list for a free-text name (name evidence only)."""
    queries = _query_entries(text)
    table = build_name_table(queries)
    ref_matrix = class_matrix(table, matcher.vocabulary)
    found: dict[str, list[SearchHit]] = {}
    for code in codes:
        other = matcher.prepared(code)
        groups = matcher.candidate_groups(table, ref_matrix, other, range(len(queries)), floor=floor)
        best: dict[int, SearchHit] = {}
        for pair, rows in groups.items():
            result = matcher.score_group(table, other.table, pair, rows, floor=floor)
            if result is None or result.score < floor:
                continue
            hit = SearchHit(other.table.entries[pair[1]], result.score, result)
            if pair[1] not in best or hit.score > best[pair[1]].score:
                best[pair[1]] = hit
        found[code] = sorted(best.values(), key=lambda h: (-h.score, h.entry.uid))[:limit]
    return found


EXPLAIN_FLOOR = 0.4  # explanations also show candidates below the review band, marked as such


def explain(matcher: Matcher, entry: Entry, codes: Iterable[str], *, near_misses: int = 5) -> Alignment:
    """An entry's counterparts and near-misses in other lists, each with the evidence behind its score."""
    current = matcher.thresholds
    wider = Thresholds(current.match, min(current.possible, EXPLAIN_FLOOR), near_misses, current.shared_certain)
    return matcher.align([entry], [code for code in codes if code != entry.list], thresholds=wider)
