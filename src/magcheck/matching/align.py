"""For each entry of a reference list, its counterparts in every other list.

A counterpart scoring at least `match` is the same target; one in the `possible` band is shown for human
review. A list may hold one target more than once (Canada lists some people under two regimes), so an
entry may have several counterparts. Claims that share an entry are decided by `claims`, the same way
whichever list is the reference: a pair clearly outranked by another pair of one of its entries, going to
another target, is shown for review, flagged.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Protocol

import numpy as np
import orjson

from magcheck.errors import CacheError
from magcheck.gcpause import gc_paused
from magcheck.matching import evidence
from magcheck.matching.claims import Claim, judge
from magcheck.matching.coverage import Counterpart, Coverage, Thresholds
from magcheck.matching.evidence import Evidence
from magcheck.matching.index import (
    ClassMatrix,
    Facts,
    IdentifierKey,
    IndexedEntries,
    Lexicon,
    ListIndex,
    NameTable,
    Vocabulary,
    build_list_index,
    build_name_table,
    candidate_pairs,
    class_matrix,
    identifier_keys,
    list_index,
    names_to_normalise,
    normalise,
    primary_form,
    remember_forms,
    token_class,
)
from magcheck.matching.normalize import NameForm
from magcheck.matching.overrides import Overrides
from magcheck.matching.programmes import programmes
from magcheck.matching.score import NameMatch, NamePair, PairScore, name_score, score_entries
from magcheck.model import Entry, EntryType, Name


@dataclass
class Alignment:
    reference: Sequence[Entry]
    others: tuple[str, ...]
    coverage: dict[str, dict[str, Coverage]]  # reference key -> other list code -> coverage

    def of(self, entry: Entry, other: str) -> Coverage:
        return self.coverage[entry.key][other]


@dataclass
class Prepared:
    """One list made ready for matching under one vocabulary: its name table, class vectors and identifier
    index."""

    table: NameTable
    matrix: ClassMatrix
    positions: dict[str, int]  # entry key -> index
    identifiers: Mapping[IdentifierKey, list[int]]


@dataclass
class _Job:
    """The reference entries as aligned against one other list: their rows and class vectors under the
    vocabulary of the two lists."""

    ref: NameTable
    matrix: ClassMatrix
    vocabulary: Vocabulary
    whole: bool  # the reference is the whole of a loaded list, in order
    source: str | None = None  # the loaded list the entries are taken from, if they all are
    indices: Sequence[int] | None = None  # their places in that list (None: the whole list, or no list)


Groups = dict[tuple[int, int], list[tuple[int, int, float]]]  # (ref entry, other entry) -> candidate rows
Scored = list[tuple[int, int, PairScore]]  # (ref entry, other entry, score) of each pair kept
MemoSection = np.ndarray | bytes  # a numeric column, or JSON text


class ScoreMemo(Protocol):
    """Where a Matcher keeps, from one run to the next, the entry pairs of an alignment that scored at least its
    floor, with their scores whole (`memo_sections`): a run aligning the same entries against the same list
    again takes them as they are, proposing and scoring nothing.

    The matcher names what an alignment depends on (the lists' identities, the entries aligned, the floor and
    thresholds) in `key`; the memo adds what the matcher cannot know (the code that scores, its version) and
    owns the storage. `label` names the pair of lists (for file names and for keeping a few per pair)."""

    def identity(self, entries: Sequence[Entry]) -> str | None:
        """What a list's entries are made from, exactly (a prepared list's key); None: not memoised."""
        ...

    def get(self, label: str, key: str) -> Mapping[str, MemoSection] | None: ...

    def put(self, label: str, key: str, sections: Mapping[str, MemoSection]) -> None: ...

    def discard(self, label: str, key: str, why: str) -> None:
        """What `get` gave does not fit the lists (damaged): drop it, and say so."""
        ...


MEMO_FORMAT = 1  # bump when what the matcher stores in a memo changes


class Matcher:
    """Matching over a fixed set of lists: every name is normalised and indexed once per run, or not at all for
    a list that carries its index (`IndexedEntries`: a prepared list)."""

    def __init__(self, lists: Mapping[str, Sequence[Entry]], *, thresholds: Thresholds | None = None,
                 overrides: Overrides | None = None, workers: int = 0) -> None:
        self.lists = dict(lists)
        self.thresholds = thresholds or Thresholds()
        self.overrides = overrides
        self.workers = workers  # processes for large alignments; 0: one per CPU
        with gc_paused():
            built: dict[str, ListIndex] = {}
            to_build = {code: entries for code, entries in self.lists.items()
                        if not isinstance(entries, IndexedEntries)}
            with _others_normalised(to_build, _workers(workers)) as first:
                for code in first:
                    built[code] = build_list_index(self.lists[code])
            self.indexes = {code: built[code] if code in built else list_index(entries)
                            for code, entries in self.lists.items()}
            self.doubtful = {key: why for index in self.indexes.values() for key, why in index.doubtful.items()}
            self.tables = {code: index.table for code, index in self.indexes.items()}
            self.lexicon = Lexicon(self.indexes)
        self._prepared: dict[tuple[str, frozenset[str]], Prepared] = {}
        self._same: dict[tuple[frozenset[str], str, str], bool] = {}  # (vocabulary, key, key) -> one target?
        self._identifiers_of: dict[str, tuple[Entry, set[IdentifierKey]]] = {}  # entry key -> (entry, its ids)
        self.memo: ScoreMemo | None = None  # kept pair scores of earlier runs (set by the application)

    @property
    def vocabulary(self) -> Vocabulary:
        """Rarity over every loaded list: for free-text search, which compares a name with no list."""
        return self.lexicon.vocabulary(self.tables)

    def vocabulary_for(self, codes: Iterable[str]) -> Vocabulary:
        """Rarity over these lists only: what a pair of lists scores never depends on what else is loaded."""
        return self.lexicon.vocabulary(codes)

    def prepared(self, code: str, vocabulary: Vocabulary | None = None) -> Prepared:
        vocabulary = vocabulary or self.vocabulary
        key = (code, vocabulary.codes)
        if key not in self._prepared:
            index = self.indexes[code]
            self._prepared[key] = Prepared(index.table, class_matrix(index.table, vocabulary), index.positions,
                                           index.identifiers)
        return self._prepared[key]

    def pair_vocabulary(self, reference: Sequence[Entry], code: str) -> Vocabulary:
        """The vocabulary of the reference entries' list(s) and list `code`."""
        return self.vocabulary_for({*(e.list for e in reference), code})

    def candidate_entry_pairs(self, reference: Sequence[Entry], code: str) -> set[tuple[str, str]]:
        """(reference key, other key) of every entry pair the index proposes for scoring: what the index can
        find at all (the benchmarks measure its recall)."""
        job = self._job(reference, code)
        other = self.prepared(code, job.vocabulary)
        groups = self.candidate_groups(job.ref, job.matrix, other, range(len(job.ref.entries)))
        return {(job.ref.entries[r].key, other.table.entries[o].key) for r, o in groups}

    def _job(self, entries: Sequence[Entry], code: str) -> _Job:
        """Rows for the reference entries, taken from their list's index when they come from one."""
        vocabulary = self.pair_vocabulary(entries, code)
        codes = {e.list for e in entries}
        if len(codes) == 1 and (own := next(iter(codes))) in self.lists:
            prepared = self.prepared(own, vocabulary)
            if len(entries) == len(prepared.table.entries) and all(
                    a is b for a, b in zip(entries, prepared.table.entries, strict=True)):
                return _Job(prepared.table, prepared.matrix, vocabulary, True, own)  # the whole list, in order
            indices = [prepared.positions.get(e.key, -1) for e in entries]
            if all(i >= 0 and prepared.table.entries[i] is e for i, e in zip(indices, entries, strict=True)):
                table, rows = prepared.table.subset(indices)
                return _Job(table, prepared.matrix.rows(rows), vocabulary, False, own, indices)
        table = build_name_table(entries)
        return _Job(table, class_matrix(table, vocabulary), vocabulary, False)

    def candidate_groups(self, ref: NameTable, ref_matrix: ClassMatrix, other: Prepared, part: range, *,
                         floor: float | None = None) -> Groups:
        """Candidate name-row pairs (reference row, other row, the most their names could score) grouped by
        (reference entry, other entry), for the reference entries in `part`, that could score `floor`
        (default: the review band)."""
        floor = self.thresholds.possible if floor is None else floor
        first_row, end_row = np.searchsorted(ref.row_entry, [part.start, part.stop])
        pairs = candidate_pairs(
            ref_matrix.rows(slice(first_row, end_row)), other.matrix, floor,
            dob_bonus=evidence.DOB_DAY, nationality_bonus=evidence.NATIONALITY_SHARED)
        ref_rows = (pairs.ref_rows + first_row).tolist()
        other_rows = pairs.other_rows.tolist()
        ref_entries = ref.row_entry[ref_rows].tolist()
        other_entries = other.table.row_entry[other_rows].tolist()
        # a weak row's exact-match score is not bounded by its words' weight: it is never ruled out early
        weak = ref.weak[ref_rows] | other.table.weak[other_rows]
        bounds = np.where(weak, UNBOUNDED, pairs.bound).tolist()
        groups: Groups = defaultdict(list)
        for ref_entry, other_entry, ref_row, other_row, bound in zip(ref_entries, other_entries, ref_rows,
                                                                     other_rows, bounds, strict=True):
            groups[(ref_entry, other_entry)].append((ref_row, other_row, bound))
        self._add_identifier_pairs(ref, other, groups, part)
        return groups

    def _add_identifier_pairs(self, ref: NameTable, other: Prepared, groups: Groups, part: range) -> None:
        """Entries sharing an IMO, passport or registration number are compared whatever their names."""
        for ref_index in part:
            for key in self._identifier_keys(ref.entries[ref_index]):
                for other_index in other.identifiers.get(key, ()):
                    pair = (ref_index, other_index)
                    if pair not in groups:
                        groups[pair] = [(r, o, UNBOUNDED) for r in ref.entry_rows(ref_index)
                                        for o in other.table.entry_rows(other_index)]

    def _identifier_keys(self, entry: Entry) -> set[IdentifierKey]:
        """The entry's joining identifiers, worked out once (a reference entry is met once per list)."""
        found = self._identifiers_of.get(entry.key)
        if found is None or found[0] is not entry:
            found = self._identifiers_of[entry.key] = (entry, identifier_keys(entry))
        return found[1]

    def score_group(self, ref: NameTable, other: NameTable, pair: tuple[int, int],
                    rows: list[tuple[int, int, float]], *, floor: float | None = None,
                    vocabulary: Vocabulary | None = None) -> PairScore | None:
        """The entry pair's score from its candidate name rows, the most promising first (see `score_entries`)."""
        if len(rows) > 1:
            rows = sorted(rows, key=lambda row: -row[2])
        name_pairs: list[NamePair] = [
            (ref.names[r], ref.forms[r], bool(ref.weak[r]), other.names[o], other.forms[o], bool(other.weak[o]))
            for r, o, _ in rows
        ]
        return score_entries(ref.entries[pair[0]], other.entries[pair[1]], name_pairs, vocabulary or self.vocabulary,
                             self.thresholds.possible if floor is None else floor, self.doubtful,
                             bounds=[bound for _, _, bound in rows])

    def _scored_pairs(self, job: _Job, code: str, part: range, floor: float) -> tuple[Scored, int]:
        """(reference index, other index, score) for every pair scoring at least `floor`, among the
        reference entries in `part`, and how many entry pairs were scored."""
        other = self.prepared(code, job.vocabulary)
        groups = self.candidate_groups(job.ref, job.matrix, other, part, floor=floor)
        kept = []
        for pair, rows in groups.items():
            result = self.score_group(job.ref, other.table, pair, rows, floor=floor, vocabulary=job.vocabulary)
            if result is not None and result.score >= floor:
                kept.append((pair[0], pair[1], result))
        return kept, len(groups)

    def _scored_pairs_per_list(self, jobs: dict[str, _Job], floor: float) -> dict[str, tuple[Scored, int]]:
        """Score each list, or take its scores from the memo: what an earlier run over the same lists and
        entries kept (nothing is proposed or scored then); what is scored is kept in the memo."""
        for code, job in jobs.items():
            self.prepared(code, job.vocabulary)
        keys = {code: self._memo_key(job, code, floor) for code, job in jobs.items()}
        scored = {code: found for code, job in jobs.items()
                  if (found := self._remembered(job, code, keys[code])) is not None}
        fresh = self._scored_afresh({code: job for code, job in jobs.items() if code not in scored}, floor)
        for code, (kept, count) in fresh.items():
            scored[code] = (kept, count)
            if (key := keys[code]) is not None:
                self._remember(jobs[code], code, key, kept, count)
        return {code: scored[code] for code in jobs}

    def _scored_afresh(self, jobs: dict[str, _Job], floor: float) -> dict[str, tuple[Scored, int]]:
        """Score each list from its candidates. A large run is cut into one task per list and worker, run in
        forked processes (the indexes are inherited, not copied); the results are merged per list."""
        workers = _workers(self.workers)
        size = max((len(job.ref.entries) for job in jobs.values()), default=0)
        if size < PARALLEL_MIN_ENTRIES or workers < 2:
            return {code: self._scored_pairs(job, code, range(len(job.ref.entries)), floor)
                    for code, job in jobs.items()}
        bounds = np.linspace(0, size, workers + 1).astype(int)
        tasks = [(code, range(int(lo), int(hi)), floor) for code in jobs for lo, hi in pairwise(bounds)]
        global _FORK_JOB
        _FORK_JOB = (self, jobs)
        try:
            with multiprocessing.get_context("fork").Pool(workers, initializer=quiet_child) as pool:
                results = pool.map(_scored_pairs_in_child, tasks)
        finally:
            _FORK_JOB = None
        merged: dict[str, tuple[Scored, int]] = {code: ([], 0) for code in jobs}
        for (code, _, _), (kept, count) in zip(tasks, results, strict=True):
            merged[code] = (merged[code][0] + kept, merged[code][1] + count)
        return merged

    # --- the memo of pairs kept -----------------------------------------------------------------------------

    def _memo_key(self, job: _Job, code: str, floor: float) -> tuple[str, str] | None:
        """(label, key) of what aligning `job` against list `code` depends on, when both lists are known to the
        memo (the reference entries come from a loaded list): None when not memoised."""
        if self.memo is None or job.source is None:
            return None
        ref_identity = self.memo.identity(self.lists[job.source])
        other_identity = self.memo.identity(self.lists[code])
        if ref_identity is None or other_identity is None:
            return None
        if job.indices is None:
            entries = "whole"
        else:
            entries = hashlib.sha256(np.asarray(job.indices, dtype="<i8").tobytes()).hexdigest()
        key = "\n".join((f"pair scores {MEMO_FORMAT}", ref_identity, other_identity, entries,
                          f"{len(job.ref.entries)} entries, {len(job.ref)} rows",
                          ",".join(sorted(job.vocabulary.codes)), repr(floor), repr(self.thresholds)))
        return f"{job.source}-{code}", key

    def _remembered(self, job: _Job, code: str, memo_key: tuple[str, str] | None) -> tuple[Scored, int] | None:
        """The pairs an earlier run kept, with their scores, in its order, and how many it scored in all; None
        when the memo has none (or none that fits these lists: discarded, with a warning)."""
        if memo_key is None or self.memo is None:
            return None
        sections = self.memo.get(*memo_key)
        if sections is None:
            return None
        try:
            return memo_scores(sections, job.ref, self.prepared(code, job.vocabulary).table)
        except ValueError as exc:
            self.memo.discard(*memo_key, str(exc))
            return None

    def _remember(self, job: _Job, code: str, memo_key: tuple[str, str], kept: Scored, count: int) -> None:
        assert self.memo is not None
        sections = memo_sections(kept, count, job.ref, self.prepared(code, job.vocabulary).table)
        if sections is not None:
            self.memo.put(*memo_key, sections)

    @gc_paused()
    def align(self, reference: Sequence[Entry], against: Iterable[str], *,
              thresholds: Thresholds | None = None) -> Alignment:
        """Counterparts of each `reference` entry in each list of `against` (searched whole)."""
        thresholds = thresholds or self.thresholds
        against = tuple(against)
        keys = [e.key for e in reference]
        coverage: dict[str, dict[str, Coverage]] = {key: {} for key in keys}
        jobs = {code: self._job(reference, code) for code in against}
        scored = self._scored_pairs_per_list(jobs, thresholds.possible)
        for code, (kept, _scored_count) in scored.items():
            job = jobs[code]
            other_entries = self.prepared(code, job.vocabulary).table.entries
            found: dict[int, list[Counterpart]] = defaultdict(list)
            for ref_index, other_index, result in kept:
                found[ref_index].append(Counterpart(other_entries[other_index], result.score, result))
            per_ref: dict[str, Coverage] = {key: Coverage() for key in keys}
            for index, counterparts in found.items():
                ranked = sorted(counterparts, key=lambda c: (-c.score, c.entry.uid))
                per_ref[keys[index]] = Coverage([c for c in ranked if c.score >= thresholds.match],
                                                [c for c in ranked if c.score < thresholds.match])
            if self.overrides is not None:
                self.overrides.apply(per_ref, reference, other_entries, code)
            self._resolve_claims(per_ref, dict(zip(keys, reference, strict=True)), job, thresholds)
            for key, cov in per_ref.items():
                del cov.review[thresholds.review_per_list:]
                coverage[key][code] = cov
        return Alignment(reference, against, coverage)

    # --- claims on one entry from several ------------------------------------------------------------------

    def _resolve_claims(self, per_ref: dict[str, Coverage], by_key: dict[str, Entry], job: _Job,
                        thresholds: Thresholds) -> None:
        """Decide the match-level pairs that share an entry, the same way whichever list is the reference
        (`claims`): every claim on the counterparts found is gathered from the whole reference list."""
        claims = [Claim(key, c.entry.key, c.score) for key, cov in per_ref.items() for c in cov.matches
                  if c.override is None]
        if not claims:
            return
        others = {c.entry.key: c.entry for cov in per_ref.values() for c in cov.matches}
        ref_codes = {e.list for e in by_key.values()}
        if not job.whole and len(ref_codes) == 1 and (ref_code := next(iter(ref_codes))) in self.lists:
            claims += self._claims_on(list(others.values()), ref_code, job.vocabulary, thresholds, by_key)
        supports: dict[tuple[str, str], tuple[bool, float]] = {}

        def support(claim: Claim) -> tuple[bool, float]:
            pair = (claim.a, claim.b)
            if pair not in supports:
                supports[pair] = _support(by_key[claim.a], others[claim.b], job.vocabulary)
            return supports[pair]

        verdict = judge(claims, lambda x, y: self._same_target(by_key, x, y, job.vocabulary),
                        lambda x, y: self._same_target(others, x, y, job.vocabulary), support,
                        certain=thresholds.shared_certain, margin=thresholds.tie_margin,
                        close=thresholds.close_margin)
        for key, cov in per_ref.items():
            outranked = []
            for counterpart in cov.matches:
                if counterpart.override is not None:
                    continue
                pair = (key, counterpart.entry.key)
                counterpart.shared_with = verdict.shared_with.get(pair, ())
                if not verdict.stands(*pair):
                    counterpart.outranked_by = verdict.outranked_by[pair]
                    counterpart.outranked_why = verdict.why[pair]
                    outranked.append(counterpart)
            if outranked:
                cov.matches = [c for c in cov.matches if c not in outranked]
                cov.review = sorted([*outranked, *cov.review], key=lambda c: (-c.score, c.entry.uid))

    def _claims_on(self, counterparts: list[Entry], ref_code: str, vocabulary: Vocabulary, thresholds: Thresholds,
                   known: dict[str, Entry]) -> list[Claim]:
        """Match-level claims on these entries from the whole reference list (for a partial reference)."""
        other = self.prepared(ref_code, vocabulary)
        job = self._job(counterparts, ref_code)
        groups = self.candidate_groups(job.ref, job.matrix, other, range(len(job.ref.entries)),
                                       floor=thresholds.match)
        found = []
        for pair, rows in groups.items():
            claimant, claimed = other.table.entries[pair[1]], job.ref.entries[pair[0]]
            if self.overrides is not None and self.overrides.ruled_out(claimant.key, claimed.key):
                continue
            result = self.score_group(job.ref, other.table, pair, rows, floor=thresholds.match,
                                      vocabulary=job.vocabulary)
            if result is not None and result.score >= thresholds.match:
                found.append(Claim(claimant.key, claimed.key, result.score))
                known.setdefault(claimant.key, claimant)
        return found

    def _same_target(self, entries: Mapping[str, Entry], x: str, y: str, vocabulary: Vocabulary) -> bool:
        """Two entries of one list that may be one target listed twice (see `_one_target`)."""
        first, second = min(x, y), max(x, y)
        key = (vocabulary.codes, first, second)
        if key not in self._same:
            a, b = entries[first], entries[second]
            self._same[key] = not _apart(a, b) and self._one_target(a, b, vocabulary)
        return self._same[key]

    def _one_target(self, a: Entry, b: Entry, vocabulary: Vocabulary) -> bool:
        ta, tb = build_name_table([a]), build_name_table([b])
        pairs: list[NamePair] = [(ta.names[i], ta.forms[i], bool(ta.weak[i]), tb.names[j], tb.forms[j],
                                  bool(tb.weak[j])) for i in range(len(ta)) for j in range(len(tb))
                                 if _one_inside(ta.forms[i].tokens, tb.forms[j].tokens)]
        result = score_entries(a, b, pairs, vocabulary, doubtful=self.doubtful) if pairs else None
        return result is not None and _one_target(result, a.type is EntryType.INDIVIDUAL)


UNBOUNDED = 2.0  # the bound of a name pair the index cannot bound (weak aliases, shared identifiers)
# Evidence this strong against two entries of one list being one target (a date, a patronymic, a country, the
# primary names) rules it out.
SAME_TARGET_CONFLICT = -0.1


def _support(a: Entry, b: Entry, vocabulary: Vocabulary) -> tuple[bool, float]:
    """What supports a pair beyond its score (`claims`): programmes of one family, and how alike the primary
    names are."""
    corroborated = bool(programmes(a.programs).families & programmes(b.programs).families)
    return corroborated, name_score(primary_form(a), primary_form(b), vocabulary, person=a.type is EntryType.INDIVIDUAL)


def _apart(a: Entry, b: Entry) -> bool:
    """Two targets whatever their names: dates of birth or genders that conflict (checked first: it is cheap)."""
    dob = evidence.compare_dobs(a, b)
    return (dob is not None and dob.delta <= SAME_TARGET_CONFLICT) or evidence.compare_genders(a, b) is not None


def _one_inside(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether the words of one name may all be words of the other (their classes are: `_one_target` then
    checks the words themselves)."""
    classes_a, classes_b = set(map(token_class, a)), set(map(token_class, b))
    return classes_a <= classes_b or classes_b <= classes_a


def _one_target(result: PairScore, person: bool) -> bool:
    """Two entries of one list that may be one target listed twice: a name of one found whole in a name of the
    other (`Almaz-Antey` / `Almaz-Antey Air and Space Defence Corporation`; two words at least for a person),
    and nothing against it (no date, patronymic, country or primary-name conflict). Brothers sharing a birthday
    (`Jamal` / `Kamal Mustafa Sultan al-Tikriti`) each have a word the other lacks."""
    name = result.name
    if name.unmatched_a and name.unmatched_b:
        return False
    if person and len(name.pairs) < 2:
        return False
    return all(e.delta > SAME_TARGET_CONFLICT for e in result.evidence)


# Aligning a whole list against others is worth several processes (it takes seconds on one core); a
# Magnitsky-scope run of a few hundred entries is not.
PARALLEL_MIN_ENTRIES = 2000
_FORK_JOB: tuple[Matcher, dict[str, _Job]] | None = None


@contextmanager
def _others_normalised(lists: Mapping[str, Sequence[Entry]], workers: int) -> Iterator[list[str]]:
    """Normalising every name is the largest part of building a Matcher, and names are independent of one
    another: on a large run a forked process normalises the names of every list but the largest, while the
    block builds the tables of the lists it is given (the largest)."""
    sizes = {code: sum(1 + len(e.other_names) for e in entries) for code, entries in lists.items()}
    largest = max(sizes, key=lambda code: sizes[code], default="")
    if workers < 2 or len(lists) < 2 or sum(sizes.values()) < PARALLEL_MIN_NAMES:
        yield []
        return
    global _FORK_LISTS
    _FORK_LISTS = [entries for code, entries in lists.items() if code != largest]
    try:
        with multiprocessing.get_context("fork").Pool(1, initializer=quiet_child) as pool:
            theirs = pool.apply_async(_normalise_in_child)
            yield [largest]
            remember_forms(*theirs.get())
    finally:
        _FORK_LISTS = []


PARALLEL_MIN_NAMES = 20_000
_FORK_LISTS: list[Sequence[Entry]] = []


def _normalise_in_child() -> tuple[list[tuple[str, bool]], list[NameForm], Facts]:
    texts = names_to_normalise(_FORK_LISTS)
    return (texts, *normalise(texts))


def quiet_child() -> None:
    """A forked worker leaves Ctrl-C and SIGTERM to the main process (which reports them in one line and ends the
    pool): otherwise each worker would print a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _workers(configured: int) -> int:
    """Processes to use: as configured (MAGCHECK_WORKERS), else the CPUs; 1 where fork is unavailable or unsafe
    (not Linux)."""
    if not sys.platform.startswith("linux"):
        return 1
    return configured if configured > 0 else (os.cpu_count() or 1)


def _scored_pairs_in_child(task: tuple[str, range, float]) -> tuple[Scored, int]:
    assert _FORK_JOB is not None  # set by the parent before forking
    matcher, jobs = _FORK_JOB
    code, part, floor = task
    return matcher._scored_pairs(jobs[code], code, part, floor)


# What a memo holds of each PairScore, NameMatch and Evidence (a test checks these are all their fields).
MEMO_FIELDS = {"PairScore": ("score", "name_a", "name_b", "name", "evidence"),
               "NameMatch": ("score", "pairs", "unmatched_a", "unmatched_b", "notes"),
               "Evidence": ("label", "delta", "detail")}


def _row_of(table: NameTable, entry: int, name: Name) -> int | None:
    """The row of the entry that is this name: the very object, or its equal (a score computed in a worker
    process names a copy)."""
    rows = table.entry_rows(entry)
    found = next((row for row in rows if table.names[row] is name), None)
    return found if found is not None else next((row for row in rows if table.names[row] == name), None)


def _texts_only(values: object) -> bool:
    return isinstance(values, tuple) and all(type(v) is str for v in values)


def memo_sections(kept: Scored, count: int, ref: NameTable, other: NameTable) -> dict[str, MemoSection] | None:
    """The pairs kept, in order, each with its score whole: its names as the rows they are, the rest as JSON.
    None when a score holds something JSON would not give back exactly (then nothing is memoised)."""
    ref_rows, other_rows, details = [], [], []
    for ref_entry, other_entry, result in kept:
        ref_row, other_row = _row_of(ref, ref_entry, result.name_a), _row_of(other, other_entry, result.name_b)
        match = result.name
        if (ref_row is None or other_row is None or type(result.score) is not float
                or type(match.score) is not float
                or not all(type(a) is str and type(b) is str and type(x) is float for a, b, x in match.pairs)
                or not all(map(_texts_only, (match.unmatched_a, match.unmatched_b, match.notes)))
                or not all(type(e.label) is str and type(e.delta) is float and type(e.detail) is str
                           for e in result.evidence)):
            return None
        ref_rows.append(ref_row)
        other_rows.append(other_row)
        details.append([match.score, match.pairs, match.unmatched_a, match.unmatched_b, match.notes,
                        [(e.label, e.delta, e.detail) for e in result.evidence]])
    try:
        text = orjson.dumps(details)
    except orjson.JSONEncodeError:  # a lone surrogate, say
        return None
    return {
        "count": np.asarray([count], dtype=np.int64),
        "ref_entry": np.asarray([r for r, _, _ in kept], dtype=np.int64),
        "other_entry": np.asarray([o for _, o, _ in kept], dtype=np.int64),
        "ref_row": np.asarray(ref_rows, dtype=np.int64),
        "other_row": np.asarray(other_rows, dtype=np.int64),
        "score": np.asarray([result.score for _, _, result in kept], dtype=np.float64),
        "details": text,
    }


def _float(value: object) -> float:
    if type(value) is not float:
        raise ValueError("a score that is not a number")
    return value


def _strings(values: object) -> tuple[str, ...]:
    if not (isinstance(values, list) and all(type(v) is str for v in values)):
        raise ValueError("words that are not text")
    return tuple(values)


def memo_scores(sections: Mapping[str, MemoSection], ref: NameTable, other: NameTable) -> tuple[Scored, int]:
    """The pairs and scores `memo_sections` stored, checked against the tables (ValueError when they do not
    fit)."""
    try:
        count, ref_entry, other_entry, ref_row, other_row, score = (_array(sections[name]) for name in (
            "count", "ref_entry", "other_entry", "ref_row", "other_row", "score"))
        text = sections["details"]
        if not isinstance(text, bytes):
            raise ValueError("details that are not text")
        details = orjson.loads(text)
    except KeyError as exc:
        raise ValueError(f"no {exc.args[0]} section") from None
    except orjson.JSONDecodeError:
        raise ValueError("details that are not JSON") from None
    pairs = len(ref_entry)
    if not (len(count) == 1 and all(len(a) == pairs for a in (other_entry, ref_row, other_row, score))
            and isinstance(details, list) and len(details) == pairs):
        raise ValueError("sections of unequal lengths")
    if int(count[0]) < pairs:
        raise ValueError("fewer pairs scored than kept")
    for what, values, limit in (("reference entries", ref_entry, len(ref.entries)),
                                ("other entries", other_entry, len(other.entries)),
                                ("reference rows", ref_row, len(ref)), ("other rows", other_row, len(other))):
        if pairs and (int(values.min()) < 0 or int(values.max()) >= limit):
            raise ValueError(f"{what} out of range")
    if bool(np.any(ref.row_entry[ref_row] != ref_entry)) or bool(np.any(other.row_entry[other_row] != other_entry)):
        raise ValueError("a name of another entry")
    if len(set(zip(ref_entry.tolist(), other_entry.tolist(), strict=True))) != pairs:
        raise ValueError("a pair kept twice")
    if not all(isinstance(detail, list) and len(detail) == DETAIL_FIELDS for detail in details):
        raise ValueError("malformed details")
    kept: Scored = [(r, o, StoredPairScore(value, ref.names[rr], other.names[orow], detail))
                    for r, o, rr, orow, value, detail in zip(ref_entry.tolist(), other_entry.tolist(),
                                                             ref_row.tolist(), other_row.tolist(), score.tolist(),
                                                             details, strict=True)]
    return kept, int(count[0])


DETAIL_FIELDS = 6  # what `memo_sections` writes of a score besides its value and names


def decoded_detail(detail: list[object]) -> tuple[NameMatch, tuple[Evidence, ...]]:
    """The name match and evidence `memo_sections` wrote; ValueError for anything else."""
    try:
        name_score_, aligned, unmatched_a, unmatched_b, notes, found = detail
        if not (isinstance(aligned, list) and isinstance(found, list)):
            raise ValueError("malformed details")
        match = NameMatch(_float(name_score_), tuple((a, b, _float(x)) for a, b, x in aligned),
                          _strings(unmatched_a), _strings(unmatched_b), _strings(notes))
        if not all(type(a) is str and type(b) is str for a, b, _ in match.pairs):
            raise ValueError("words that are not text")
        evidence = []
        for label, delta, why in found:
            if not (type(label) is str and type(why) is str):
                raise ValueError("evidence that is not text")
            evidence.append(Evidence(label, _float(delta), why))
    except (TypeError, ValueError) as exc:  # a detail of another shape: unpacking fails
        raise ValueError(f"malformed details ({exc})") from None
    return match, tuple(evidence)


class StoredPairScore(PairScore):
    """A remembered score: its value and names at once, its name match and evidence decoded when first read.
    Most reports (JSON, CSV, the gaps tables) show scores only: a warm run then builds none of the explanations
    (a tenth of a second over a full alignment). The memo file was checked whole (its checksum) when it was
    read; a detail that still does not decode (a forged file) ends the run in one line (CacheError)."""

    __slots__ = ("_decoded", "_detail")
    _decoded: tuple[NameMatch, tuple[Evidence, ...]] | None
    _detail: list[object]

    def __init__(self, score: float, name_a: Name, name_b: Name, detail: list[object]) -> None:
        for field_name, value in (("score", score), ("name_a", name_a), ("name_b", name_b), ("_detail", detail),
                                  ("_decoded", None)):
            object.__setattr__(self, field_name, value)

    def _parts(self) -> tuple[NameMatch, tuple[Evidence, ...]]:
        decoded = self._decoded
        if decoded is None:
            try:
                decoded = decoded_detail(self._detail)
            except ValueError as exc:
                raise CacheError(f"a remembered score of {self.name_a.text!r} and {self.name_b.text!r} does not "
                                 f"decode ({exc}): delete the cache's scores folder and run again") from None
            object.__setattr__(self, "_decoded", decoded)
        return decoded

    @property
    def name(self) -> NameMatch:
        return self._parts()[0]

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return self._parts()[1]

    def _fields(self) -> tuple[object, ...]:
        return self.score, self.name_a, self.name_b, self.name, self.evidence

    def __eq__(self, other: object) -> bool:
        """Equal to the score it was remembered from (a PairScore's own equality only knows its own class)."""
        if not isinstance(other, PairScore):
            return NotImplemented
        return self._fields() == (other.score, other.name_a, other.name_b, other.name, other.evidence)

    def __hash__(self) -> int:
        return hash(self._fields())  # as PairScore's: equal scores hash alike


def _array(section: MemoSection) -> np.ndarray:
    if not isinstance(section, np.ndarray):
        raise ValueError("a column that is not numeric")
    return section


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
    wider = replace(current, possible=min(current.possible, EXPLAIN_FLOOR), review_per_list=near_misses)
    return matcher.align([entry], [code for code in codes if code != entry.list], thresholds=wider)
