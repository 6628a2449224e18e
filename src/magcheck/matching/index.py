"""Names of a list normalised once, and the sparse index that proposes candidate pairs.

Comparing every name with every name is what the naive baseline does. Instead every token falls into a
*class*: itself when short (short Chinese and Korean given names must agree exactly), its consonant
skeleton without the Arabic article when long (`lukashenko`/`lukashenka`, `alotaibi`/`otaibi`). Two
tokens can only be judged alike when their classes agree, so each name becomes a sparse vector over
classes weighted by rarity, and one sparse matrix product yields, for every pair of names sharing a class,
the weight they share. From that weight an upper bound of the name score is computed for all pairs at
once; only pairs whose bound reaches the review band are scored token by token.

The sparse rows are plain numpy arrays (`SparseRows`), and a product is computed in numpy when it is small (a
Magnitsky-scope run), through scipy.sparse when it is large (a whole list against another): importing scipy
takes longer than the small products, and both give the same pairs, in the same order, with the same sums.
"""

from __future__ import annotations

import math
import re
from abc import abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar, overload

import numpy as np

from magcheck.matching.evidence import comparable_id, copied_dobs
from magcheck.matching.formula import (
    QUALIFIER_WEIGHT,
    SINGLE_TOKEN_CAP,
    at_most_one,
    information_factor,
    person_name_score,
)
from magcheck.matching.normalize import NameForm, name_variants, normalize_name, skeleton, strip_particle
from magcheck.model import Entry, EntryType, IdKind, Name, Strength

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


def remember_form(text: str, organisation: bool, form: NameForm) -> None:
    """Keep the form of a name normalised elsewhere (a prepared list's), as if normalised here."""
    if len(_FORMS) < _FORMS_LIMIT:
        _FORMS.setdefault((text, organisation), form)


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


T = TypeVar("T")


class Picked(Sequence[T]):
    """Some items of a sequence, in a given order, read through when asked for (a table's rows for some of its
    entries: nothing is decoded or copied until used)."""

    __slots__ = ("_items", "_rows")

    def __init__(self, items: Sequence[T], rows: Sequence[int]) -> None:
        self._items = items
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return [self._items[r] for r in self._rows[index]]
        return self._items[self._rows[index]]

    def __iter__(self) -> Iterator[T]:
        items = self._items
        return (items[r] for r in self._rows)


@dataclass
class EntryKinds:
    """Per entry of a table: what the score bound needs to know about it beyond its names."""

    person: np.ndarray  # bool: an individual
    dated: np.ndarray  # bool: gives a date of birth (evidence that may add to a name score)
    national: np.ndarray  # bool: gives a nationality or citizenship

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> EntryKinds:
        count = len(entries)
        return cls(np.fromiter((e.type is EntryType.INDIVIDUAL for e in entries), dtype=bool, count=count),
                   np.fromiter((bool(e.dobs) for e in entries), dtype=bool, count=count),
                   np.fromiter((bool(e.nationalities or e.citizenships) for e in entries), dtype=bool, count=count))

    def rows(self, indices: np.ndarray) -> EntryKinds:
        return EntryKinds(self.person[indices], self.dated[indices], self.national[indices])


@dataclass
class NameTable:
    """One row per distinct name of each entry of a list.

    `forms` and `names` may be read lazily (a prepared list decodes a row's form, and an entry, only when a
    candidate pair needs them): index them, never assume a list."""

    entries: Sequence[Entry]
    row_entry: np.ndarray  # entry index of each row
    forms: Sequence[NameForm]
    names: Sequence[Name]
    weak: np.ndarray  # bool: the row is a weak alias (exact matches only)
    kinds: EntryKinds | None = None  # per entry (computed from the entries when not given)

    def __len__(self) -> int:
        return len(self.row_entry)

    def entry_kinds(self) -> EntryKinds:
        if self.kinds is None:
            self.kinds = EntryKinds.of(self.entries)
        return self.kinds

    def subset(self, indices: Sequence[int]) -> tuple[NameTable, np.ndarray]:
        """The rows of some entries, renumbered in the order given (no name is normalised again), and
        which rows of this table they are."""
        wanted = np.asarray(indices, dtype=np.int64)
        position = np.full(len(self.entries), -1, dtype=np.int64)
        position[wanted] = np.arange(len(indices))
        new_entry = position[self.row_entry]
        rows = np.flatnonzero(new_entry >= 0)
        rows = rows[np.argsort(new_entry[rows], kind="stable")]
        picked = rows.tolist()
        kinds = self.kinds.rows(wanted) if self.kinds is not None else None
        table = NameTable([self.entries[i] for i in indices], new_entry[rows], Picked(self.forms, picked),
                          Picked(self.names, picked), self.weak[rows], kinds)
        return table, rows

    def entry_rows(self, index: int) -> range:
        """The rows of one entry (rows are stored entry by entry)."""
        start = int(np.searchsorted(self.row_entry, index, side="left"))
        stop = int(np.searchsorted(self.row_entry, index, side="right"))
        return range(start, stop)


def build_name_table(entries: Sequence[Entry]) -> NameTable:
    row_entry, forms, names, weak = name_rows(entries)
    return NameTable(entries, np.asarray(row_entry, dtype=np.int64), forms, names, np.asarray(weak, dtype=bool))


def name_rows(entries: Sequence[Entry]) -> tuple[list[int], list[NameForm], list[Name], list[bool]]:
    """The rows of `build_name_table`: (entry index, form, name, weak) of every distinct name of each entry."""
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
    return row_entry, forms, names, weak


@dataclass
class TokenLayout:
    """Every token of a table's names, flattened: its class id and what kind of token it is."""

    classes: np.ndarray  # class id per token (-1: a class the vocabulary does not know)
    lengths: np.ndarray  # tokens per row
    missing: np.ndarray  # bool per token: may be missing in another list (patronymic, initial)
    qualifier: np.ndarray  # bool per token: an `of ...` qualifier or generic word
    _cells: ClassCells | None = field(default=None, repr=False)

    @property
    def token_rows(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.lengths)), self.lengths)

    def cells(self) -> ClassCells:
        """The (row, class) cells of the known classes (the same under every vocabulary: computed once)."""
        if self._cells is None:
            known = self.classes >= 0
            self._cells = ClassCells.of(self.token_rows[known], self.classes[known], len(self.lengths))
        return self._cells

    def renumbered(self, ids: np.ndarray) -> TokenLayout:
        """The same tokens with class `i` numbered `ids[i]`."""
        return TokenLayout(ids[self.classes], self.lengths, self.missing, self.qualifier)


_FACTS: dict[str, tuple[str, bool]] = {}  # token -> (class, may be missing)


def _token_facts(token: str) -> tuple[str, bool]:
    facts = _FACTS.get(token)
    if facts is None:
        if len(_FACTS) >= _FORMS_LIMIT:
            _FACTS.clear()
        facts = _FACTS[token] = (token_class(token), may_be_missing(token))
    return facts


def _token_layout(table: NameTable, ids: dict[str, int], grow: bool) -> TokenLayout:
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
    return TokenLayout(np.asarray(classes, dtype=np.int64), np.asarray(lengths, dtype=np.int64),
                        np.asarray(missing, dtype=bool), np.asarray(qualifier, dtype=bool))


def document_frequency(table: NameTable, layout: TokenLayout, size: int) -> np.ndarray:
    """Entries of the table carrying each of `size` classes (a class repeated within an entry counts once)."""
    documents = np.repeat(table.row_entry, layout.lengths).astype(np.int64)
    present = np.unique(documents * size + layout.classes)
    return np.bincount(present % size if size else present, minlength=size).astype(np.float64)


_JOINING_IDS = (IdKind.IMO, IdKind.PASSPORT, IdKind.NATIONAL_ID, IdKind.REGISTRATION)
IdentifierKey = tuple[IdKind, str]


def identifier_keys(entry: Entry) -> set[IdentifierKey]:
    """The identifiers that join two entries whatever their names (IMO, passport, national id, registration)."""
    return {(i.kind, value) for i in entry.identifiers if i.kind in _JOINING_IDS and (value := comparable_id(i))}


class IndexedEntries(Sequence[Entry]):
    """The entries of a list that carry their own `ListIndex` (a prepared list): a Matcher uses it as it is
    instead of normalising and indexing the names again."""

    __slots__ = ()

    @property
    @abstractmethod
    def name_index(self) -> ListIndex: ...


@dataclass
class ListIndex:
    """What matching needs of one list, computed once from its entries alone (`build_list_index`): its name
    table, every token's class numbered within the list in the order classes first occur, how many entries
    carry each class, the identifiers that join entries, and the people whose date of birth may be copied.
    A Matcher numbers the classes of all its lists together (`Lexicon`); a prepared list stores this as is."""

    table: NameTable
    classes: Sequence[str]  # the list's classes, by their number within the list
    layout: TokenLayout  # class numbers within the list
    frequency: np.ndarray  # entries carrying each class
    identifiers: Mapping[IdentifierKey, list[int]]  # joining identifier -> entry indices
    doubtful: Mapping[str, str]  # entry key -> why its date of birth may be another's (`evidence.copied_dobs`)
    keys: Sequence[str] | None = None  # entry keys in order (taken from the entries when not given)
    _positions: dict[str, int] | None = field(default=None, repr=False)

    @property
    def positions(self) -> dict[str, int]:
        """Entry key -> index."""
        if self._positions is None:
            keys = self.keys if self.keys is not None else [e.key for e in self.table.entries]
            self._positions = {key: i for i, key in enumerate(keys)}
        return self._positions


def build_list_index(entries: Sequence[Entry]) -> ListIndex:
    table = build_name_table(entries)
    numbers: dict[str, int] = {}
    layout = _token_layout(table, numbers, grow=True)
    identifiers: dict[IdentifierKey, list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        for key in identifier_keys(entry):
            identifiers[key].append(index)
    return ListIndex(table, list(numbers), layout, document_frequency(table, layout, len(numbers)),
                     dict(identifiers), copied_dobs(entries))


def list_index(entries: Sequence[Entry]) -> ListIndex:
    """The entries' own index when they carry one, else one built now."""
    return entries.name_index if isinstance(entries, IndexedEntries) else build_list_index(entries)


class Lexicon:
    """Every token class of the loaded lists, and in how many entries of each list each class occurs.

    Classes are numbered in the order they first occur over the lists in order (each list's own numbering,
    `ListIndex`, merged). Rarity is counted over the lists a comparison involves (`vocabulary`), never over
    whatever else a run happens to have loaded: a US-UK pair scores the same in `gaps --against uk` (US and UK
    loaded) as in a run over every list, and the same with either list as the reference.
    """

    def __init__(self, indexes: Mapping[str, ListIndex]) -> None:
        self.ids: dict[str, int] = {}
        self.tables = {code: index.table for code, index in indexes.items()}
        ids = self.ids
        numbers = {code: np.fromiter((ids.setdefault(c, len(ids)) for c in index.classes), dtype=np.int64,
                                     count=len(index.classes)) for code, index in indexes.items()}
        self.layouts = {id(index.table): index.layout.renumbered(numbers[code]) for code, index in indexes.items()}
        self.frequency: dict[str, np.ndarray] = {}
        for code, index in indexes.items():
            frequency = self.frequency[code] = np.zeros(len(ids))
            frequency[numbers[code]] = index.frequency
        self._vocabularies: dict[frozenset[str], Vocabulary] = {}

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
                 layouts: dict[int, TokenLayout], codes: frozenset[str] = frozenset()) -> None:
        self.ids = ids
        self.codes = codes  # the lists whose entries were counted
        self._layouts = layouts
        self.weights = np.log((entries + 1) / (frequency + 1)) + 1.0
        self.default = math.log(entries + 1) + 1.0  # a class no list has is as rare as can be
        self._token_weights: dict[tuple[str, ...], tuple[float, ...]] = {}
        # name scores, with the token alignment and notes behind each (score._scored_names)
        self.memo: dict[tuple[tuple[str, ...], frozenset[str], tuple[str, ...], frozenset[str], bool],
                        tuple[float, list[tuple[int, int, float]], tuple[str, ...]]] = {}

    def layout(self, table: NameTable) -> TokenLayout:
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
class SparseRows:
    """Rows of (column, value) pairs in CSR form, columns ascending within each row."""

    indptr: np.ndarray  # int64: where each row starts in `indices` and `data` (one more: the end)
    indices: np.ndarray  # int64 columns
    data: np.ndarray  # float64 values
    width: int  # columns

    @property
    def height(self) -> int:
        return len(self.indptr) - 1

    def lengths(self) -> np.ndarray:
        return np.diff(self.indptr)

    def row_of_each(self) -> np.ndarray:
        """The row of every stored value."""
        return np.repeat(np.arange(self.height), self.lengths())

    def take(self, selected: np.ndarray | slice) -> SparseRows:
        """These rows (an index array, or a slice of consecutive rows), in the order given."""
        if isinstance(selected, slice):
            start, stop, step = selected.indices(self.height)
            if step == 1:
                stop = max(start, stop)
                begin, end = self.indptr[start], self.indptr[stop]
                return SparseRows(self.indptr[start:stop + 1] - begin, self.indices[begin:end], self.data[begin:end],
                                  self.width)
            selected = np.arange(start, stop, step)
        lengths = self.lengths()[selected]
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        positions = np.repeat(self.indptr[selected], lengths) + _ranges(lengths)
        return SparseRows(indptr, self.indices[positions], self.data[positions], self.width)


# Above this many (row, row, shared column) contributions a product goes through scipy.sparse (about ten times
# faster per contribution, once its import has been paid): a whole list against another.
SCIPY_MIN_CONTRIBUTIONS = 2_000_000
_BLOCK = 1 << 18  # cells of the table that finds repeated pairs, per block of rows of `a` (1 MiB: in cache)


def shared_product(a: SparseRows, b: SparseRows) -> SparseRows:
    """`a @ presence(b).T` with scipy.sparse's result: for each row of `a`, every row of `b` sharing a column
    with it and the sum of `a`'s values on the shared columns (added in column order, from 0.0), the rows of `b`
    in the order scipy's `csr_matmat` lists them (the reverse of the order it first meets them, going through
    `a`'s columns in order and each column's rows of `b` in order)."""
    count = np.bincount(b.indices, minlength=b.width)
    per = count[a.indices]  # the rows of `b` each stored value of `a` meets
    if int(per.sum()) >= SCIPY_MIN_CONTRIBUTIONS:
        return _product_scipy(a, b)
    return _product_numpy(a, b, count, per)


def _product_scipy(a: SparseRows, b: SparseRows) -> SparseRows:
    from scipy import sparse  # here: a large product pays its import (about 80 ms) back many times

    left = sparse.csr_matrix((a.data, a.indices, a.indptr), shape=(a.height, a.width))
    presence = sparse.csr_matrix((np.ones(len(b.indices)), b.indices, b.indptr), shape=(b.height, b.width))
    product = (left @ presence.T).tocsr()
    return SparseRows(product.indptr.astype(np.int64), product.indices.astype(np.int64), product.data, b.height)


def _product_numpy(a: SparseRows, b: SparseRows, count: np.ndarray, per: np.ndarray) -> SparseRows:
    order = np.argsort(b.indices, kind="stable")  # each column's rows of `b`, in order
    postings = b.row_of_each()[order]
    starts = np.cumsum(count) - count
    source = np.repeat(np.arange(len(a.indices)), per)  # every contribution, in scipy's order of meeting
    other = postings[np.repeat(starts[a.indices], per) + _ranges(per)]
    row = a.row_of_each()[source]
    values = a.data[source]
    first, sums = _first_and_sums(row, other, values, a.height, b.height)
    rows, others = row[first], other[first]
    lengths = np.bincount(rows, minlength=a.height)
    indptr = np.zeros(a.height + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    backwards = np.repeat(indptr[1:] - 1, lengths) - _ranges(lengths)  # each row's pairs, last met first
    return SparseRows(indptr, others[backwards], sums[backwards], b.height)


def _first_and_sums(row: np.ndarray, other: np.ndarray, values: np.ndarray, height: int,
                    width: int) -> tuple[np.ndarray, np.ndarray]:
    """Where each (row, other) pair first occurs among the contributions (ordered by row), and the sum of its
    values in the order they come (from 0.0, as scipy adds them), a block of rows at a time."""
    block = max(1, _BLOCK // max(width, 1))
    owner = np.empty(min(block, max(height, 1)) * max(width, 1), dtype=np.int32)
    edges = np.searchsorted(row, np.arange(0, height + block, block))
    firsts: list[np.ndarray] = []
    sums: list[np.ndarray] = []
    for number, (low, high) in enumerate(zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True)):
        if low == high:
            continue
        cells = (row[low:high] - number * block) * width + other[low:high]
        where = np.arange(high - low, dtype=np.int32)
        owner[cells[::-1]] = where[::-1]  # of repeated cells, the first contribution is written last and stays
        group = owner[cells]
        found = np.flatnonzero(group == where)
        firsts.append(found + low)
        sums.append(np.bincount(group, weights=values[low:high], minlength=high - low)[found])
    if not firsts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(firsts), np.concatenate(sums)


@dataclass
class ClassMatrix:
    """A table's names as weighted class vectors, with the per-row figures the score bound needs."""

    matrix: SparseRows  # rows x classes, value = class weight
    repeats: SparseRows  # the weight of further words of a class already in the name (count - 1)
    mass: np.ndarray  # total token weight of each name
    patronymic: np.ndarray  # weight of its tokens that may be missing elsewhere (patronymics, initials)
    qualifier: np.ndarray  # weight of its `of ...` qualifiers and generic words (count for little when missing)
    tokens: np.ndarray  # number of tokens
    person: np.ndarray  # bool: the row's entry is an individual
    dated: np.ndarray  # bool: the row's entry gives a date of birth (evidence that may add to a name score)
    national: np.ndarray  # bool: the row's entry gives a nationality

    def rows(self, selected: np.ndarray | slice) -> ClassMatrix:
        return ClassMatrix(self.matrix.take(selected), self.repeats.take(selected), self.mass[selected],
                           self.patronymic[selected], self.qualifier[selected], self.tokens[selected],
                           self.person[selected], self.dated[selected], self.national[selected])


def class_matrix(table: NameTable, vocabulary: Vocabulary) -> ClassMatrix:
    layout = vocabulary.layout(table)
    size = len(table)
    known = layout.classes >= 0
    weights = np.where(known, vocabulary.weights[np.where(known, layout.classes, 0)], vocabulary.default)
    rows = layout.token_rows
    # Two words of one name may share a class (`Aleksandr Aleksandrovich`, `al-Walid ... Walad`): the
    # first counts in `matrix`, the others in `repeats`, so that the shared weight bounds what a
    # one-to-one alignment of the words can find without counting a repeat against a single word.
    matrix, repeats = _class_rows(layout.cells(), vocabulary.weights, len(vocabulary.ids))
    kinds = table.entry_kinds()
    return ClassMatrix(
        matrix,
        repeats,
        np.bincount(rows, weights=weights, minlength=size),
        np.bincount(rows, weights=weights * layout.missing, minlength=size),
        np.bincount(rows, weights=weights * layout.qualifier, minlength=size),
        layout.lengths,
        kinds.person[table.row_entry],
        kinds.dated[table.row_entry],
        kinds.national[table.row_entry],
    )


@dataclass
class ClassCells:
    """The distinct (row, class) cells of a table's tokens, row by row, classes ascending, and how many of the
    row's tokens fall in each."""

    row: np.ndarray
    column: np.ndarray
    times: np.ndarray
    indptr: np.ndarray  # where each row's cells start
    repeated: np.ndarray  # the cells met more than once
    repeated_indptr: np.ndarray

    @classmethod
    def of(cls, rows: np.ndarray, classes: np.ndarray, height: int) -> ClassCells:
        width = int(classes.max()) + 1 if len(classes) else 1
        order = np.argsort(rows * width + classes, kind="stable")  # rows come in order: nearly sorted already
        rows, classes = rows[order], classes[order]
        new = np.ones(len(rows), dtype=bool)
        new[1:] = (rows[1:] != rows[:-1]) | (classes[1:] != classes[:-1])
        starts = np.flatnonzero(new)
        row = rows[starts]
        times = np.diff(np.append(starts, len(rows)))
        repeated = np.flatnonzero(times > 1)
        return cls(row, classes[starts].astype(np.int64), times, _indptr(row, height), repeated,
                   _indptr(row[repeated], height))


def _class_rows(cells: ClassCells, weights: np.ndarray, width: int) -> tuple[SparseRows, SparseRows]:
    """The class vectors of the rows (each class once, at its weight) and their repeats (a class met `n` times in
    a row: its weight added up `n` times, one by one, less the weight once; rows without a repeat hold none)."""
    weight = weights[cells.column]
    matrix = SparseRows(cells.indptr, cells.column, weight, width)
    times, repeated = cells.times[cells.repeated], weight[cells.repeated]
    added = repeated.copy()
    for time in range(1, int(times.max()) if len(times) else 1):
        more = times > time
        added[more] += repeated[more]
    return matrix, SparseRows(cells.repeated_indptr, cells.column[cells.repeated], added - repeated, width)


def _indptr(row: np.ndarray, height: int) -> np.ndarray:
    indptr = np.zeros(height + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=height), out=indptr[1:])
    return indptr


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
    shared = shared_product(ref.matrix.take(ref_rows), other.matrix.take(other_rows))
    rows = shared.row_of_each()
    _add_repeats(ref, other, ref_rows, other_rows, shared)
    return ref_rows[rows], other_rows[shared.indices], shared.data


def _add_repeats(ref: ClassMatrix, other: ClassMatrix, ref_rows: np.ndarray, other_rows: np.ndarray,
                 shared: SparseRows) -> None:
    """Add to the shared weights what the second words of a class in both names share. Few names repeat a class
    (`Aleksandr Aleksandrovich`), and a pair sharing a repeat shares its class, so its entry is already in
    `shared`: only those names' pairs are computed, and looked up among their rows' entries."""
    with_r = np.flatnonzero(ref.repeats.lengths()[ref_rows] > 0)
    with_o = np.flatnonzero(other.repeats.lengths()[other_rows] > 0)
    if not with_r.size or not with_o.size:
        return
    extra = shared_product(ref.repeats.take(ref_rows[with_r]), other.repeats.take(other_rows[with_o]))
    if not len(extra.data):
        return
    row, column = with_r[extra.row_of_each()], with_o[extra.indices]  # in the numbering of `shared`
    lengths = shared.lengths()[with_r]
    positions = np.repeat(shared.indptr[with_r], lengths) + _ranges(lengths)  # the entries of those rows
    width = shared.width
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
