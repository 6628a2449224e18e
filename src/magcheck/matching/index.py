"""Names of a list normalised once, and the sparse index that proposes candidate pairs.

Comparing every name with every name is what the naive baseline does. Instead every token falls into a
*class*: itself when short (short Chinese and Korean given names must agree exactly), its consonant
skeleton without the Arabic article when long (`lukashenko`/`lukashenka`, `alotaibi`/`otaibi`). Two
tokens can only be judged alike when their classes agree, so each name becomes a sparse vector over
classes weighted by rarity, and one sparse matrix product yields, for every pair of names sharing a class,
the weight they share. From that weight an upper bound of the name score is computed for all pairs at
once; only pairs whose bound reaches the review band are scored token by token.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse

from magcheck.matching.formula import (
    QUALIFIER_WEIGHT,
    SINGLE_TOKEN_CAP,
    at_most_one,
    information_factor,
    person_name_score,
)
from magcheck.matching.normalize import NameForm, name_variants, normalize_name, skeleton, strip_particle
from magcheck.model import Entry, EntryType, Name, Strength

_MIN_FUZZY_TOKEN = 5  # shorter tokens only ever match exactly
CLASS_CONSONANTS = 4  # variants agree on their first consonants (Suleimanovna / Suleimanova)
# Patronymics and Turkic filiation words (canonical spelling) that one list gives and another omits.
PATRONYMIC = re.compile(r"(ovich|evich|ovna|evna|ichna|ogli|oglu|kizi)$")


def may_be_missing(token: str) -> bool:
    """A patronymic, or an initial (`Andrey I.`): one list gives it, another often does not."""
    return len(token) == 1 or PATRONYMIC.search(token) is not None


_VOICED = str.maketrans({"z": "s"})  # Kazimirovich / Kasimirovich


@lru_cache(maxsize=300_000)
def token_class(token: str) -> str:
    """Tokens that may be variants of one another share a class; others never match.

    A long token's class is its first consonants, `z` read as `s`; a word opening with a vowel and `l` loses
    that `l`, which is either an Arabic article (`alotaibi` / `otaibi`) or a sound lists write with another
    vowel (`Aleksandr` / `Oleksandr`, `Eliseev` / `Yeliseyev`).
    """
    if len(token) >= _MIN_FUZZY_TOKEN:
        skel = skeleton(token).translate(_VOICED)
        if token[0] in "aeiou" and skel.startswith("l"):
            skel = skel[1:]
        if len(skel) >= 2:
            return "~" + skel[:CLASS_CONSONANTS]
    return strip_particle(token)


_FORMS: dict[tuple[str, bool], NameForm] = {}  # (name text, organisation) -> form: every name is normalised once
_FORMS_LIMIT = 400_000


def _normalize_cached(text: str, organisation: bool) -> NameForm:
    form = _FORMS.get((text, organisation))
    if form is None:
        if len(_FORMS) >= _FORMS_LIMIT:
            _FORMS.clear()
        form = _FORMS[(text, organisation)] = normalize_name(text, organisation=organisation)
    return form


def names_to_normalise(lists: Iterable[Sequence[Entry]]) -> list[tuple[str, bool]]:
    """(text, organisation) of every name and parenthesised variant of these lists not normalised yet."""
    wanted: dict[tuple[str, bool], None] = {}
    for entries in lists:
        for entry in entries:
            organisation = entry.type is not EntryType.INDIVIDUAL
            for name in (entry.name, *entry.other_names):
                text = name.text
                for variant, _ in name_variants(text) if "(" in text else ((text, False),):
                    if (variant, organisation) not in _FORMS:
                        wanted[(variant, organisation)] = None
    return list(wanted)


Facts = dict[str, tuple[str, bool]]


def normalise(texts: Sequence[tuple[str, bool]]) -> tuple[list[NameForm], Facts]:
    """The forms of these names, and the class facts of their tokens (`_token_facts`): what another process
    sends back when it normalised them (`remember_forms`)."""
    forms = [_normalize_cached(text, organisation) for text, organisation in texts]
    facts: Facts = {}
    for form in forms:
        for token in form.tokens:
            if token not in facts:
                facts[token] = _token_facts(token)
    return forms, facts


def remember_forms(texts: Sequence[tuple[str, bool]], forms: Sequence[NameForm], facts: Facts) -> None:
    """Keep forms another process computed (`normalise`) as if normalised here."""
    _FORMS.update(zip(texts, forms, strict=True))
    _FACTS.update(facts)


def name_form(name: Name, entry_type: EntryType) -> NameForm:
    return _normalize_cached(name.text, entry_type is not EntryType.INDIVIDUAL)


def primary_form(entry: Entry) -> NameForm:
    """The entry's primary name as compared (without its parenthesised parts)."""
    return _normalize_cached(name_variants(entry.name.text)[0][0], entry.type is not EntryType.INDIVIDUAL)


@lru_cache(maxsize=100_000)
def _primary_tokens(text: str, organisation: bool) -> frozenset[str]:
    return frozenset(t for variant, _ in name_variants(text) for t in _normalize_cached(variant, organisation).tokens)


def primary_tokens(entry: Entry) -> frozenset[str]:
    """The tokens of the entry's primary name with its parenthesised parts (`MZKT (MINSK WHEEL TRACTOR PLANT)`)."""
    return _primary_tokens(entry.name.text, entry.type is not EntryType.INDIVIDUAL)


@dataclass
class NameTable:
    """One row per distinct name of each entry of a list."""

    entries: Sequence[Entry]
    row_entry: np.ndarray  # entry index of each row
    forms: list[NameForm]
    names: list[Name]
    weak: np.ndarray  # bool: the row is a weak alias (exact matches only)

    def __len__(self) -> int:
        return len(self.forms)

    def subset(self, indices: Sequence[int]) -> tuple[NameTable, np.ndarray]:
        """The rows of some entries, renumbered in the order given (no name is normalised again), and
        which rows of this table they are."""
        position = np.full(len(self.entries), -1, dtype=np.int64)
        position[np.asarray(indices, dtype=np.int64)] = np.arange(len(indices))
        new_entry = position[self.row_entry]
        rows = np.flatnonzero(new_entry >= 0)
        rows = rows[np.argsort(new_entry[rows], kind="stable")]
        table = NameTable([self.entries[i] for i in indices], new_entry[rows],
                          [self.forms[r] for r in rows], [self.names[r] for r in rows], self.weak[rows])
        return table, rows

    def entry_rows(self, index: int) -> range:
        """The rows of one entry (rows are stored entry by entry)."""
        start = int(np.searchsorted(self.row_entry, index, side="left"))
        stop = int(np.searchsorted(self.row_entry, index, side="right"))
        return range(start, stop)


def build_name_table(entries: Sequence[Entry]) -> NameTable:
    row_entry: list[int] = []
    forms: list[NameForm] = []
    names: list[Name] = []
    weak: list[bool] = []
    individual, weak_strength = EntryType.INDIVIDUAL, Strength.WEAK
    for index, entry in enumerate(entries):
        organisation = entry.type is not individual
        seen: set[tuple[str, ...]] = set()
        for name in (entry.name, *entry.other_names):
            text = name.text
            for variant, derived in name_variants(text) if "(" in text else ((text, False),):
                form = _normalize_cached(variant, organisation)
                if not form.tokens or form.tokens in seen:
                    continue
                seen.add(form.tokens)
                row_entry.append(index)
                forms.append(form)
                names.append(name)
                weak.append(derived or name.strength is weak_strength)
    return NameTable(entries, np.asarray(row_entry, dtype=np.int64), forms, names, np.asarray(weak, dtype=bool))


@dataclass
class _TokenLayout:
    """Every token of a table's names, flattened: its class id and what kind of token it is."""

    classes: np.ndarray  # class id per token (-1: a class the vocabulary does not know)
    lengths: np.ndarray  # tokens per row
    missing: np.ndarray  # bool per token: may be missing in another list (patronymic, initial)
    qualifier: np.ndarray  # bool per token: an `of ...` qualifier or generic word

    @property
    def token_rows(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.lengths)), self.lengths)


_FACTS: dict[str, tuple[str, bool]] = {}  # token -> (class, may be missing)


def _token_facts(token: str) -> tuple[str, bool]:
    facts = _FACTS.get(token)
    if facts is None:
        if len(_FACTS) >= _FORMS_LIMIT:
            _FACTS.clear()
        facts = _FACTS[token] = (token_class(token), may_be_missing(token))
    return facts


def _token_layout(table: NameTable, ids: dict[str, int], grow: bool) -> _TokenLayout:
    """Every token of the table's names, flattened, with its class id: classes are numbered in the order they
    first occur (`grow`), or looked up (-1 for a class `ids` lacks)."""
    classes: list[int] = []
    lengths: list[int] = []
    missing: list[bool] = []
    qualifier: list[bool] = []
    for form in table.forms:
        lengths.append(len(form.tokens))
        qualifiers = form.qualifiers
        for token in form.tokens:
            cls, may_miss = _token_facts(token)
            classes.append(ids.setdefault(cls, len(ids)) if grow else ids.get(cls, -1))
            missing.append(may_miss)
            qualifier.append(bool(qualifiers) and token in qualifiers)
    return _TokenLayout(np.asarray(classes, dtype=np.int64), np.asarray(lengths, dtype=np.int64),
                        np.asarray(missing, dtype=bool), np.asarray(qualifier, dtype=bool))


class Lexicon:
    """Every token class of the loaded lists, and in how many entries of each list each class occurs.

    Rarity is counted over the lists a comparison involves (`vocabulary`), never over whatever else a run
    happens to have loaded: a US-UK pair scores the same in `gaps --against uk` (US and UK loaded) as in a run
    over every list, and the same with either list as the reference.
    """

    def __init__(self, tables: Mapping[str, NameTable]) -> None:
        self.ids: dict[str, int] = {}
        self.tables = dict(tables)
        self.layouts = {id(table): _token_layout(table, self.ids, grow=True) for table in self.tables.values()}
        self.frequency = {code: self._document_frequency(table) for code, table in self.tables.items()}
        self._vocabularies: dict[frozenset[str], Vocabulary] = {}

    def _document_frequency(self, table: NameTable) -> np.ndarray:
        """Entries of the table carrying each class (a class repeated within an entry counts once)."""
        layout = self.layouts[id(table)]
        size = len(self.ids)
        documents = np.repeat(table.row_entry, layout.lengths).astype(np.int64)
        present = np.unique(documents * size + layout.classes)
        return np.bincount(present % size if size else present, minlength=size).astype(np.float64)

    def vocabulary(self, codes: Iterable[str]) -> Vocabulary:
        """Rarity over the entries of the lists `codes` (those of them this lexicon holds)."""
        key = frozenset(code for code in codes if code in self.tables) or frozenset(self.tables)
        found = self._vocabularies.get(key)
        if found is None:
            entries = sum(len(self.tables[code].entries) for code in key)
            frequency = sum((self.frequency[code] for code in key), np.zeros(len(self.ids)))
            found = self._vocabularies[key] = Vocabulary(self.ids, frequency, entries, self.layouts, key)
        return found


class Vocabulary:
    """Rarity of every token class, counted over the entries of some lists (see `Lexicon`).

    Scores use these weights, so build one vocabulary over whole lists and reuse it: a pair then scores
    the same whatever part of a list is in scope.
    """

    def __init__(self, ids: dict[str, int], frequency: np.ndarray, entries: int,
                 layouts: dict[int, _TokenLayout], codes: frozenset[str] = frozenset()) -> None:
        self.ids = ids
        self.codes = codes  # the lists whose entries were counted
        self._layouts = layouts
        self.weights = np.log((entries + 1) / (frequency + 1)) + 1.0
        self.default = math.log(entries + 1) + 1.0  # a class no list has is as rare as can be
        self._token_weights: dict[tuple[str, ...], tuple[float, ...]] = {}
        # name scores, with the token alignment and notes behind each (score._scored_names)
        self.memo: dict[tuple[tuple[str, ...], frozenset[str], tuple[str, ...], frozenset[str], bool],
                        tuple[float, list[tuple[int, int, float]], tuple[str, ...]]] = {}

    def layout(self, table: NameTable) -> _TokenLayout:
        cached = self._layouts.get(id(table))
        return cached if cached is not None else _token_layout(table, self.ids, grow=False)

    def weight(self, token: str) -> float:
        index = self.ids.get(token_class(token))
        return self.default if index is None else float(self.weights[index])

    def token_weights(self, tokens: tuple[str, ...]) -> tuple[float, ...]:
        cached = self._token_weights.get(tokens)
        if cached is None:
            cached = self._token_weights[tokens] = tuple(self.weight(t) for t in tokens)
        return cached


@dataclass
class ClassMatrix:
    """A table's names as weighted class vectors, with the per-row figures the score bound needs."""

    matrix: sparse.csr_matrix  # rows x classes, value = class weight
    repeats: sparse.csr_matrix  # the weight of further words of a class already in the name (count - 1)
    mass: np.ndarray  # total token weight of each name
    patronymic: np.ndarray  # weight of its tokens that may be missing elsewhere (patronymics, initials)
    qualifier: np.ndarray  # weight of its `of ...` qualifiers and generic words (count for little when missing)
    tokens: np.ndarray  # number of tokens
    person: np.ndarray  # bool: the row's entry is an individual
    dated: np.ndarray  # bool: the row's entry gives a date of birth (evidence that may add to a name score)
    national: np.ndarray  # bool: the row's entry gives a nationality

    def rows(self, selected: np.ndarray | slice) -> ClassMatrix:
        return ClassMatrix(self.matrix[selected], self.repeats[selected], self.mass[selected],
                           self.patronymic[selected], self.qualifier[selected], self.tokens[selected],
                           self.person[selected], self.dated[selected], self.national[selected])


def class_matrix(table: NameTable, vocabulary: Vocabulary) -> ClassMatrix:
    layout = vocabulary.layout(table)
    size = len(table)
    known = layout.classes >= 0
    weights = np.where(known, vocabulary.weights[np.where(known, layout.classes, 0)], vocabulary.default)
    rows = layout.token_rows
    summed = sparse.csr_matrix((weights[known], (rows[known], layout.classes[known])),
                               shape=(size, len(vocabulary.ids)))
    summed.sort_indices()
    # Two words of one name may share a class (`Aleksandr Aleksandrovich`, `al-Walid ... Walad`): the
    # first counts in `matrix`, the others in `repeats`, so that the shared weight bounds what a
    # one-to-one alignment of the words can find without counting a repeat against a single word.
    matrix = summed.copy()
    matrix.data = vocabulary.weights[matrix.indices]
    repeats = summed - matrix
    repeats.eliminate_zeros()
    entries = table.entries
    person = np.fromiter((e.type is EntryType.INDIVIDUAL for e in entries), dtype=bool, count=len(entries))
    dated = np.fromiter((bool(e.dobs) for e in entries), dtype=bool, count=len(entries))
    national = np.fromiter((bool(e.nationalities or e.citizenships) for e in entries), dtype=bool,
                           count=len(entries))
    return ClassMatrix(
        matrix,
        repeats,
        np.bincount(rows, weights=weights, minlength=size),
        np.bincount(rows, weights=weights * layout.missing, minlength=size),
        np.bincount(rows, weights=weights * layout.qualifier, minlength=size),
        layout.lengths,
        person[table.row_entry],
        dated[table.row_entry],
        national[table.row_entry],
    )


@dataclass
class CandidatePairs:
    """Name-row pairs (reference row, other row) whose score bound reaches the floor, with the bound."""

    ref_rows: np.ndarray
    other_rows: np.ndarray
    bound: np.ndarray

    def __len__(self) -> int:
        return len(self.ref_rows)


def score_bound(shared: np.ndarray, ref: ClassMatrix, other: ClassMatrix, ref_rows: np.ndarray,
                other_rows: np.ndarray, person: bool) -> np.ndarray:
    """The best name score each pair could reach if every token sharing a class matched perfectly, by the
    formula `score._score_alignment` uses (`formula`): people are scored on how much of the shorter name is
    found (the longer may add a patronymic), organisations on the share of both names found."""
    mass_r, mass_o = ref.mass[ref_rows], other.mass[other_rows]
    if person:
        tokens_r, tokens_o = ref.tokens[ref_rows], other.tokens[other_rows]
        free_r, free_o = mass_r - ref.patronymic[ref_rows], mass_o - other.patronymic[other_rows]
        ref_short = person_name_score(at_most_one(shared / mass_r), at_most_one(shared / np.maximum(free_o, 1e-9)))
        other_short = person_name_score(at_most_one(shared / mass_o), at_most_one(shared / np.maximum(free_r, 1e-9)))
        # names of one length: either may be taken as the shorter (score._person_score), so the higher counts
        bound = np.where(tokens_r < tokens_o, ref_short, np.where(tokens_r > tokens_o, other_short,
                                                                  np.maximum(ref_short, other_short)))
        single = np.minimum(tokens_r, tokens_o) == 1
        bound = np.where(single, np.minimum(bound, SINGLE_TOKEN_CAP), bound)
    else:
        discount = 1 - QUALIFIER_WEIGHT
        lightest = mass_r + mass_o - discount * (ref.qualifier[ref_rows] + other.qualifier[other_rows])
        bound = at_most_one(2 * shared / lightest)
    one_word = False if person else np.minimum(ref.tokens[ref_rows], other.tokens[other_rows]) == 1
    bounded: np.ndarray = bound * information_factor(shared, person, one_word)
    return bounded


def _shared_weight(ref: ClassMatrix, other: ClassMatrix, ref_rows: np.ndarray,
                   other_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(reference row, other row, shared class weight) for the pairs of these rows sharing any class."""
    presence = other.matrix[other_rows]
    presence.data[:] = 1.0  # weight x presence: the product sums the weight of shared classes
    shared = (ref.matrix[ref_rows] @ presence.T).tocsr()
    rows = np.repeat(np.arange(shared.shape[0]), np.diff(shared.indptr))
    _add_repeats(ref, other, ref_rows, other_rows, shared)
    return ref_rows[rows], other_rows[shared.indices], shared.data


def _add_repeats(ref: ClassMatrix, other: ClassMatrix, ref_rows: np.ndarray, other_rows: np.ndarray,
                 shared: sparse.csr_matrix) -> None:
    """Add to the shared weights what the second words of a class in both names share. Few names repeat a class
    (`Aleksandr Aleksandrovich`), and a pair sharing a repeat shares its class, so its entry is already in
    `shared`: only those names' pairs are computed, and looked up among their rows' entries."""
    with_r = np.flatnonzero(np.diff(ref.repeats.indptr)[ref_rows] > 0)
    with_o = np.flatnonzero(np.diff(other.repeats.indptr)[other_rows] > 0)
    if not with_r.size or not with_o.size:
        return
    presence = other.repeats[other_rows[with_o]]
    presence.data[:] = 1.0
    extra = (ref.repeats[ref_rows[with_r]] @ presence.T).tocoo()
    if not extra.nnz:
        return
    row, column = with_r[extra.row], with_o[extra.col]  # in the numbering of `shared`
    lengths = np.diff(shared.indptr)[with_r]
    positions = np.repeat(shared.indptr[with_r], lengths) + _ranges(lengths)  # the entries of those rows
    width = shared.shape[1]
    keys = np.repeat(with_r.astype(np.int64), lengths) * width + shared.indices[positions]
    order = np.argsort(keys, kind="stable")
    found = positions[order[np.searchsorted(keys, row.astype(np.int64) * width + column, sorter=order)]]
    np.add.at(shared.data, found, extra.data)


def _ranges(lengths: np.ndarray) -> np.ndarray:
    """0..n-1 for each n of `lengths`, one after the other."""
    ends = np.cumsum(lengths)
    offsets: np.ndarray = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths, lengths)
    return offsets


def candidate_pairs(ref: ClassMatrix, other: ClassMatrix, floor: float, *, dob_bonus: float,
                    nationality_bonus: float) -> CandidatePairs:
    """Pairs of names of the same kind (people with people) whose score could reach `floor`: their name
    score bound plus the most their dates of birth and nationalities could add, where both give them."""
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for person in (True, False):
        ref_rows, other_rows, shared = _shared_weight(
            ref, other, np.flatnonzero(ref.person == person), np.flatnonzero(other.person == person))
        # A cheap necessary condition first (the shared weight must cover a fair part of one name), so
        # the full bound is computed for a fraction of the pairs.
        lowest = floor - (dob_bonus + nationality_bonus if person else 0.0)
        lighter = np.minimum(ref.mass[ref_rows], other.mass[other_rows])
        plausible = shared >= lowest * lighter * (0.6 if person else 1.0)
        ref_rows, other_rows, shared = ref_rows[plausible], other_rows[plausible], shared[plausible]
        bound = score_bound(shared, ref, other, ref_rows, other_rows, person)
        if person:
            bound = (bound + dob_bonus * (ref.dated[ref_rows] & other.dated[other_rows])
                     + nationality_bonus * (ref.national[ref_rows] & other.national[other_rows]))
        keep = bound >= floor
        found.append((ref_rows[keep], other_rows[keep], bound[keep]))
    return CandidatePairs(*(np.concatenate(parts) for parts in zip(*found, strict=True)))
