"""The prepared-list file: a parsed list and its name index in one binary file that is read without parsing.

    magic line | header length (4 bytes, little-endian) | header (JSON) | padding | body

The header says what the file was made from (format, magcheck version, code fingerprint, source identity) and
where each section of the body lies; the body holds the sections, each 8-byte aligned: numeric columns as raw
little-endian arrays (read with `numpy.frombuffer`, never unpickled), texts as JSON (orjson). Nothing in the file
is code: a damaged or hostile file can only fail the checks below, or decode into wrong data. The body's CRC-32
is checked on every read, so damage (a bit flip, a cut file) is found before anything is used.

Entries are decoded one at a time, when first used (`PreparedEntries`): a run that scores a few thousand pairs
never builds the other tens of thousands of entries. So is each name row's normalised form (`FormColumn`).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

import numpy as np
import orjson

from magcheck.errors import ListFileError
from magcheck.gcpause import gc_paused
from magcheck.matching.index import (
    EntryKinds,
    IdentifierKey,
    IndexedEntries,
    ListIndex,
    NameTable,
    TokenLayout,
    remember_form,
)
from magcheck.matching.normalize import NameForm
from magcheck.model import (
    Entry,
    EntryType,
    Identifier,
    IdKind,
    Name,
    NameKind,
    PartialDate,
    RawRef,
    SanctionsList,
    Strength,
)

MAGIC = b"magcheck prepared list\n"
FORMAT = 1  # bump when the layout of the file or of any section changes
_LENGTH = struct.Struct("<I")
_ALIGN = 8
_DTYPES: dict[str, np.dtype[Any]] = {"i8": np.dtype("<i8"), "i4": np.dtype("<i4"), "b1": np.dtype("|b1"),
                                     "f8": np.dtype("<f8")}
# The fields the entry codec writes, in order: a test checks they are all of Entry's (a new field must be added).
ENTRY_FIELDS = ("list", "uid", "type", "name", "other_names", "programs", "dobs", "dob_texts", "nationalities",
                "citizenships", "countries", "gender", "identifiers", "listed", "remarks", "raw", "positions",
                "measures", "un_ref")


class Inconsistent(ValueError):
    """The file is not a prepared list this version wrote, or its parts do not agree: it must be rebuilt."""


# --- the container --------------------------------------------------------------------------------------------


Section = bytes | np.ndarray


def pack(header: dict[str, Any], sections: Mapping[str, Section], *, magic: bytes = MAGIC) -> bytes:
    """The file's bytes: `header` (JSON-ready) with the sections' places and the body's CRC added. (`magic`:
    another kind of file in the same container, `score_memo`.)"""
    places: dict[str, list[Any]] = {}
    parts: list[bytes] = []
    offset = 0
    for name, section in sections.items():
        if isinstance(section, np.ndarray):
            kind = f"{section.dtype.kind}{section.dtype.itemsize}"
            if kind not in _DTYPES:
                raise ValueError(f"section {name}: no column type for {section.dtype}")
            data = np.ascontiguousarray(section, dtype=_DTYPES[kind]).tobytes()
            places[name] = [offset, len(data), kind, int(section.size)]
        else:
            data = section
            places[name] = [offset, len(data), "bytes", len(data)]
        parts.append(data)
        parts.append(b"\0" * (-len(data) % _ALIGN))
        offset += len(data) + (-len(data) % _ALIGN)
    body = b"".join(parts)
    head = orjson.dumps({**header, "sections": places, "body": len(body), "crc32": zlib.crc32(body)})
    start = len(magic) + _LENGTH.size + len(head)
    return b"".join((magic, _LENGTH.pack(len(head)), head, b"\0" * (-start % _ALIGN), body))


@dataclass
class Unpacked:
    header: dict[str, Any]
    body: memoryview

    def bytes(self, name: str) -> memoryview:
        offset, length, _, _ = self._place(name, "bytes")
        return self.body[offset:offset + length]

    def array(self, name: str, kind: str, count: int | None = None) -> np.ndarray:
        """A numeric section, read-only, of the expected type (and length, when given)."""
        offset, length, _, size = self._place(name, kind)
        dtype = _DTYPES[kind]
        if size * dtype.itemsize != length or (count is not None and size != count):
            raise Inconsistent(f"section {name} holds {size} values where {count} were expected")
        found: np.ndarray = np.frombuffer(self.body, dtype=dtype, count=size, offset=offset)
        return found

    def json(self, name: str) -> Any:
        try:
            return orjson.loads(self.bytes(name))
        except orjson.JSONDecodeError as exc:
            raise Inconsistent(f"section {name} is not JSON ({exc})") from None

    def _place(self, name: str, kind: str) -> tuple[int, int, str, int]:
        place = self.header["sections"].get(name)
        if not (isinstance(place, list) and len(place) == 4 and place[2] == kind and all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (place[0], place[1], place[3]))):
            raise Inconsistent(f"section {name} is missing or malformed")
        offset, length, _, size = place
        if offset % _ALIGN or offset + length > len(self.body):
            raise Inconsistent(f"section {name} lies outside the file")
        return offset, length, kind, size


def unpack(data: bytes, *, magic: bytes = MAGIC, version: int = FORMAT) -> Unpacked:
    """The header and body of a prepared file (or another kind of file `pack` wrote with `magic`, of format
    `version`); Inconsistent unless the file is whole and of this format."""
    if not data.startswith(magic) or len(data) < len(magic) + _LENGTH.size:
        raise Inconsistent("not a prepared list" if magic == MAGIC else "not a file of this kind")
    (length,) = _LENGTH.unpack_from(data, len(magic))
    start = len(magic) + _LENGTH.size
    try:
        header = orjson.loads(data[start:start + length])
    except orjson.JSONDecodeError:
        raise Inconsistent("its header is not JSON") from None
    if not isinstance(header, dict) or header.get("format") != version:
        raise Inconsistent("another format")
    if not isinstance(header.get("sections"), dict):
        raise Inconsistent("its header is malformed")
    begin = start + length + (-(start + length) % _ALIGN)
    body = memoryview(data)[begin:]
    if header.get("body") != len(body):
        raise Inconsistent(f"its body is {len(body):,} bytes where {header.get('body')} were written (cut short?)")
    if header.get("crc32") != zlib.crc32(body):
        raise Inconsistent("its checksum does not match (damaged)")
    return Unpacked(header, body)


# --- entries --------------------------------------------------------------------------------------------------


def _name_row(name: Name) -> list[Any]:
    return [name.text, name.kind.value, name.strength.value, name.given, name.surname, name.script]


def entry_row(entry: Entry) -> list[Any]:
    """One entry as a JSON array (its list is the file's)."""
    return [entry.uid, entry.type.value, _name_row(entry.name), [_name_row(n) for n in entry.other_names],
            entry.programs, [[d.year, d.month, d.day] for d in entry.dobs], entry.dob_texts, entry.nationalities,
            entry.citizenships, entry.countries, entry.gender,
            [[i.kind.value, i.value, i.country, i.note] for i in entry.identifiers],
            entry.listed.isoformat() if entry.listed else None, entry.remarks,
            [entry.raw.file, entry.raw.locator, entry.raw.url] if entry.raw else None, entry.positions,
            entry.measures, entry.un_ref]


_TYPES = {t.value: t for t in EntryType}
_KINDS = {k.value: k for k in NameKind}
_STRENGTHS = {s.value: s for s in Strength}
_ID_KINDS = {k.value: k for k in IdKind}


def _name(row: list[Any]) -> Name:
    return Name(row[0], _KINDS[row[1]], _STRENGTHS[row[2]], row[3], row[4], row[5])


def _texts(values: list[str]) -> tuple[str, ...]:
    return tuple(values) if values else ()


def entry_values(code: str, row: list[Any]) -> tuple[Any, ...]:
    """The fields of the entry `entry_row` wrote, in ENTRY_FIELDS order (KeyError, IndexError, TypeError or
    ValueError for anything else)."""
    dobs = tuple(PartialDate(*d) for d in row[5]) if row[5] else ()
    identifiers = tuple(Identifier(_ID_KINDS[i[0]], i[1], i[2], i[3]) for i in row[11]) if row[11] else ()
    return (code, row[0], _TYPES[row[1]], _name(row[2]), tuple(map(_name, row[3])) if row[3] else (),
            _texts(row[4]), dobs, _texts(row[6]), _texts(row[7]), _texts(row[8]), _texts(row[9]), row[10],
            identifiers, date.fromisoformat(row[12]) if row[12] else None, row[13],
            RawRef(*row[14]) if row[14] else None, _texts(row[15]), _texts(row[16]), row[17])


def decode_entry(code: str, row: list[Any]) -> Entry:
    """The entry `entry_row` wrote."""
    return Entry(*entry_values(code, row))


_HEAD = ("list", "uid", "type", "programs")  # what a LazyEntry is made with: a run selects its targets by these
_SLOTS = {name: Entry.__dict__[name] for name in ENTRY_FIELDS}  # the slot descriptors, to set fields directly
_REST = tuple((position, _SLOTS[name]) for position, name in enumerate(ENTRY_FIELDS) if name not in _HEAD)


class LazyEntry(Entry):
    """An entry of a prepared list made from its list, id, type and programmes only: the rest is decoded the
    first time any other field is read or set (a run that selects a few hundred targets out of 15,000 entries
    reads those four of every entry and the rest of a few). It equals the Entry with the same fields."""

    __slots__ = ("_source",)  # (entries, index) until the rest is decoded; None after

    def __getattr__(self, name: str) -> Any:
        """Called only for a field not set yet: decode them all."""
        if name not in _SLOTS or not self._fill():
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SLOTS:
            self._fill()  # first, or decoding would overwrite what is set now
        object.__setattr__(self, name, value)

    def _fill(self) -> bool:
        """Decode the fields not set yet; False when there is nothing to decode."""
        try:
            source = object.__getattribute__(self, "_source")
        except AttributeError:  # made by Entry's own __init__ (dataclasses.replace, copy): whole already
            return False
        if source is None:
            return False
        entries, index = source
        values = entries.values_of(index)
        for position, slot in _REST:
            slot.__set__(self, values[position])
        object.__setattr__(self, "_source", None)
        return True

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entry):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in ENTRY_FIELDS)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "Entry(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in ENTRY_FIELDS) + ")"

    def __reduce__(self) -> tuple[type[Entry], tuple[Any, ...]]:
        """Pickled (to another process) as the plain Entry it equals."""
        return Entry, tuple(getattr(self, name) for name in ENTRY_FIELDS)


_LIST_SLOT, _UID_SLOT, _TYPE_SLOT, _PROGRAMS_SLOT = (_SLOTS[name] for name in _HEAD)
_SOURCE_SLOT = LazyEntry.__dict__["_source"]


def _blob(rows: Sequence[bytes]) -> tuple[bytes, np.ndarray]:
    """Rows one after the other, and where each starts (one more offset: the end)."""
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=offsets[1:])
    return b"".join(rows), offsets


def _checked_offsets(offsets: np.ndarray, size: int, what: str) -> list[int]:
    if not len(offsets) or offsets[0] != 0 or offsets[-1] != size or bool(np.any(np.diff(offsets) < 0)):
        raise Inconsistent(f"the {what} offsets do not fit their data")
    return offsets.tolist()  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ListFacts:
    """What a report asks of a whole list, counted when it was prepared (without decoding every entry)."""

    names: int
    latest_listing: date | None
    by_type: Mapping[str, int]


class PreparedEntries(IndexedEntries):
    """A prepared list's entries: a sequence of `LazyEntry` made on first use (from the id, type and programmes
    of every entry, read at once), each then kept (the same object every time), carrying the list's name index.

    A part that cannot be decoded (which the checksum makes all but impossible short of a forged file) ends the
    run in one line, a ListFileError, after `forget` (which removes the file, so the next run rebuilds it)."""

    __slots__ = ("_blob", "_entries", "_forget", "_heads", "_offsets", "_unpacked", "code", "facts", "where")

    def __init__(self, code: str, unpacked: Unpacked, facts: ListFacts, where: str,
                 forget: Callable[[], None] = lambda: None) -> None:
        self.code = code
        self.facts = facts
        self.where = where  # the file, for messages
        self._forget = forget
        self._unpacked = unpacked
        self._blob = unpacked.bytes("entries")
        self._offsets = _checked_offsets(unpacked.array("entry_offsets", "i8"), len(self._blob), "entry")
        self._entries: list[Entry | None] = [None] * (len(self._offsets) - 1)
        self._heads: list[Any] | None = None

    @property
    def name_count(self) -> int:
        return self.facts.names

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        found = self._entries[index]
        if found is None:
            self._make(range(index % len(self._entries), index % len(self._entries) + 1))
            found = self._entries[index]
            assert found is not None
        return found

    def __iter__(self) -> Iterator[Entry]:
        entries = self._entries
        if None in entries:
            self._make(range(len(entries)))
        return iter(entries)  # type: ignore[arg-type]  # all made now

    @gc_paused()  # a few objects per entry, all long-lived: nothing for the collector to find
    def _make(self, indices: range) -> None:
        heads = self._heads if self._heads is not None else self._read_heads()
        entries, code = self._entries, self.code
        for index in indices:
            if entries[index] is None:
                uid, kind, programs = heads[index]
                entry = LazyEntry.__new__(LazyEntry)
                _LIST_SLOT.__set__(entry, code)
                _UID_SLOT.__set__(entry, uid)
                _TYPE_SLOT.__set__(entry, _TYPES[kind])
                _PROGRAMS_SLOT.__set__(entry, tuple(programs) if programs else ())
                _SOURCE_SLOT.__set__(entry, (self, index))
                entries[index] = entry

    def _read_heads(self) -> list[Any]:
        heads = self._unpacked.json("heads")
        if not (isinstance(heads, list) and len(heads) == len(self._entries) and all(
                isinstance(h, list) and len(h) == 3 and isinstance(h[0], str) and h[1] in _TYPES
                and isinstance(h[2], list) for h in heads)):
            raise self.damaged("malformed entry heads")
        self._heads = heads
        return heads

    def values_of(self, index: int) -> tuple[Any, ...]:
        """Every field of entry `index`, decoded (ENTRY_FIELDS order)."""
        start, end = self._offsets[index], self._offsets[index + 1]
        try:
            return entry_values(self.code, orjson.loads(self._blob[start:end]))
        except (orjson.JSONDecodeError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise self.damaged(f"entry {index} cannot be decoded ({type(exc).__name__})") from None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} prepared entries of {self.code}>"

    def damaged(self, reason: str) -> ListFileError:
        """The error that ends the run when a part of the file turns out not to decode (the file is removed)."""
        self._forget()
        return ListFileError(self.code, self.where, f"prepared copy is inconsistent ({reason}); it was removed: "
                                                    "run again to rebuild it")

    @property
    def name_index(self) -> ListIndex:
        """The list's name index, decoded anew on each call (a Matcher asks once): kept here, it would hold these
        entries in a reference cycle, which only a full collection over everything they hold can free."""
        try:
            return decode_index(self._unpacked, self)
        except Inconsistent as exc:
            raise self.damaged(str(exc)) from None


class PreparedList(SanctionsList):
    """A list read from a prepared file: it answers the questions about the whole list from the facts counted
    when it was prepared, so that a report does not decode every entry. (Entries replaced by others, e.g.
    `dataclasses.replace(lst, entries=...)`, are counted the usual way.)"""

    __slots__ = ()

    @property
    def latest_listing(self) -> date | None:
        entries = self.entries
        if isinstance(entries, PreparedEntries):
            return entries.facts.latest_listing
        dates = [e.listed for e in entries if e.listed]
        return max(dates) if dates else None

    def count_by_type(self) -> dict[str, int]:
        entries = self.entries
        if isinstance(entries, PreparedEntries):
            return dict(entries.facts.by_type)
        return SanctionsList.count_by_type(self)


# --- the name index -------------------------------------------------------------------------------------------


def _form_row(form: NameForm) -> list[Any]:
    return [form.tokens, sorted(form.legal), sorted(form.qualifiers), sorted(form.places), sorted(form.initials),
            form.literal]


_EMPTY: frozenset[str] = frozenset()


def _set(values: list[str]) -> frozenset[str]:
    return frozenset(values) if values else _EMPTY


class FormColumn(Sequence[NameForm]):
    """The normalised form of every name row, decoded on first use. The form of a row that is a name's whole
    text is also the form of that name (`index.remember_form`): scoring, which normalises a candidate's names
    again (patronymics, initials, primary names), finds them ready."""

    __slots__ = ("_blob", "_decoded", "_entries", "_names", "_offsets", "_organisation", "_whole")

    def __init__(self, blob: memoryview, offsets: list[int], entries: PreparedEntries, names: NameColumn,
                 whole: list[bool], organisation: list[bool]) -> None:
        self._entries = entries  # where damage is reported
        self._blob = blob
        self._offsets = offsets
        self._names = names
        self._whole = whole
        self._organisation = organisation
        self._decoded: list[NameForm | None] = [None] * (len(offsets) - 1)

    def __len__(self) -> int:
        return len(self._decoded)

    @overload
    def __getitem__(self, index: int) -> NameForm: ...

    @overload
    def __getitem__(self, index: slice) -> list[NameForm]: ...

    def __getitem__(self, index: int | slice) -> NameForm | list[NameForm]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        found = self._decoded[index]
        if found is None:
            index %= len(self._decoded)
            start, end = self._offsets[index], self._offsets[index + 1]
            try:
                row = orjson.loads(self._blob[start:end])
                found = NameForm(tuple(row[0]), _set(row[1]), _set(row[2]), _set(row[3]), _set(row[4]),
                                 tuple(row[5]))
            except (orjson.JSONDecodeError, IndexError, TypeError) as exc:
                raise self._entries.damaged(f"name row {index} cannot be decoded ({type(exc).__name__})") from None
            self._decoded[index] = found
            if self._whole[index]:
                remember_form(self._names[index].text, self._organisation[index], found)
        return found

    def __iter__(self) -> Iterator[NameForm]:
        for index in range(len(self._decoded)):
            yield self[index]


class NameColumn(Sequence[Name]):
    """The name of every row: the entry's own Name object (its primary name, or one of its others)."""

    __slots__ = ("_entries", "_row_entry", "_row_name")

    def __init__(self, entries: PreparedEntries, row_entry: list[int], row_name: list[int]) -> None:
        self._entries = entries
        self._row_entry = row_entry
        self._row_name = row_name

    def __len__(self) -> int:
        return len(self._row_entry)

    @overload
    def __getitem__(self, index: int) -> Name: ...

    @overload
    def __getitem__(self, index: slice) -> list[Name]: ...

    def __getitem__(self, index: int | slice) -> Name | list[Name]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        entry = self._entries[self._row_entry[index]]
        which = self._row_name[index]
        try:
            return entry.name if which == 0 else entry.other_names[which - 1]
        except IndexError:
            raise self._entries.damaged(f"name row {index} names a name its entry lacks") from None

    def __iter__(self) -> Iterator[Name]:
        for index in range(len(self._row_entry)):
            yield self[index]


def _name_positions(entries: Sequence[Entry], table: NameTable) -> list[int]:
    """For each row, which of its entry's names it is (0: the primary name)."""
    found: list[int] = []
    for row, name in zip(table.row_entry.tolist(), table.names, strict=True):
        entry = entries[row]
        found.append(next(i for i, own in enumerate(entry.names) if own is name))
    return found


def index_sections(entries: Sequence[Entry], index: ListIndex) -> dict[str, Section]:
    table, layout = index.table, index.layout
    forms, form_offsets = _blob([orjson.dumps(_form_row(form)) for form in table.forms])
    kinds = table.entry_kinds()
    return {
        "row_entry": table.row_entry.astype(np.int64),
        "row_name": np.asarray(_name_positions(entries, table), dtype=np.int64),
        "weak": table.weak.astype(bool),
        "whole": np.fromiter(("(" not in name.text for name in table.names), dtype=bool, count=len(table)),
        "forms": forms,
        "form_offsets": form_offsets,
        "classes": orjson.dumps(list(index.classes)),
        "token_class": layout.classes.astype(np.int64),
        "token_missing": layout.missing.astype(bool),
        "token_qualifier": layout.qualifier.astype(bool),
        "row_tokens": layout.lengths.astype(np.int64),
        "frequency": index.frequency.astype(np.float64),
        "person": kinds.person.astype(bool),
        "dated": kinds.dated.astype(bool),
        "national": kinds.national.astype(bool),
        "identifiers": orjson.dumps([[kind.value, value, rows] for (kind, value), rows in index.identifiers.items()]),
        "doubtful": orjson.dumps(dict(index.doubtful)),
        "uids": orjson.dumps([e.uid for e in entries]),
    }


def _bounded(values: np.ndarray, limit: int, what: str) -> None:
    if len(values) and (int(values.min()) < 0 or int(values.max()) >= limit):
        raise Inconsistent(f"{what} out of range")


def decode_index(unpacked: Unpacked, entries: PreparedEntries) -> ListIndex:
    """The ListIndex `index_sections` wrote, checked for consistency with the entries (Inconsistent if not)."""
    size = len(entries)
    counts = unpacked.header.get("index")
    if not isinstance(counts, dict):
        raise Inconsistent("no index counts")
    rows, tokens, classes_count = (counts.get(k) for k in ("rows", "tokens", "classes"))
    if not all(isinstance(v, int) for v in (rows, tokens, classes_count)):
        raise Inconsistent("malformed index counts")
    assert isinstance(rows, int) and isinstance(tokens, int) and isinstance(classes_count, int)
    row_entry = unpacked.array("row_entry", "i8", rows)
    if len(row_entry) and bool(np.any(np.diff(row_entry) < 0)):
        raise Inconsistent("name rows out of order")
    _bounded(row_entry, size, "row entries")
    row_name = unpacked.array("row_name", "i8", rows)
    _bounded(row_name, 1 << 30, "row names")
    lengths = unpacked.array("row_tokens", "i8", rows)
    if int(lengths.sum()) != tokens or (len(lengths) and int(lengths.min()) < 0):
        raise Inconsistent("token counts do not add up")
    token_classes = unpacked.array("token_class", "i8", tokens)
    _bounded(token_classes, classes_count, "token classes")
    forms_blob = unpacked.bytes("forms")
    form_offsets = _checked_offsets(unpacked.array("form_offsets", "i8", rows + 1), len(forms_blob), "form")
    classes = unpacked.json("classes")
    uids = unpacked.json("uids")
    identifiers_rows = unpacked.json("identifiers")
    doubtful = unpacked.json("doubtful")
    if not (isinstance(classes, list) and len(classes) == classes_count and all(isinstance(c, str) for c in classes)):
        raise Inconsistent("malformed classes")
    if not (isinstance(uids, list) and len(uids) == size and all(isinstance(u, str) for u in uids)):
        raise Inconsistent("malformed entry ids")
    if not (isinstance(doubtful, dict) and all(isinstance(v, str) for v in doubtful.values())):
        raise Inconsistent("malformed dates of birth")
    identifiers: dict[IdentifierKey, list[int]] = {}
    try:
        for kind, value, found in identifiers_rows:
            if not (isinstance(value, str) and isinstance(found, list)
                    and all(isinstance(i, int) and 0 <= i < size for i in found)):
                raise Inconsistent("malformed identifiers")
            identifiers[(_ID_KINDS[kind], value)] = found
    except (TypeError, ValueError, KeyError):
        raise Inconsistent("malformed identifiers") from None
    kinds = EntryKinds(unpacked.array("person", "b1", size), unpacked.array("dated", "b1", size),
                       unpacked.array("national", "b1", size))
    entry_list, name_list = row_entry.tolist(), row_name.tolist()
    names = NameColumn(entries, entry_list, name_list)
    organisation = (~kinds.person[row_entry]).tolist()
    forms = FormColumn(forms_blob, form_offsets, entries, names, unpacked.array("whole", "b1", rows).tolist(),
                       organisation)
    table = NameTable(entries, row_entry, forms, names, unpacked.array("weak", "b1", rows), kinds)
    layout = TokenLayout(token_classes, lengths, unpacked.array("token_missing", "b1", tokens),
                         unpacked.array("token_qualifier", "b1", tokens))
    return ListIndex(table, classes, layout, unpacked.array("frequency", "f8", classes_count), identifiers,
                     doubtful, [f"{entries.code}:{uid}" for uid in uids])


# --- a whole list -----------------------------------------------------------------------------------------------


_LIST_FIELDS = ("title", "date", "files", "date_note", "warnings")


def encode_list(lst: SanctionsList, index: ListIndex, header: Mapping[str, Any]) -> bytes:
    """A parsed list (before a run gives it an origin) and its index as a prepared file."""
    entries = lst.entries
    if any(e.list != lst.code for e in entries):
        raise ValueError(f"{lst.code}: an entry of another list")
    rows, offsets = _blob([orjson.dumps(entry_row(e)) for e in entries])
    latest = lst.latest_listing
    head = {
        **header, "format": FORMAT, "list": lst.code, "title": lst.title,
        "date": lst.date.isoformat() if lst.date else None, "files": list(lst.files), "date_note": lst.date_note,
        "warnings": list(lst.warnings),
        "facts": {"entries": len(entries), "names": sum(1 + len(e.other_names) for e in entries),
                  "latest_listing": latest.isoformat() if latest else None, "by_type": lst.count_by_type()},
        "index": {"rows": len(index.table), "tokens": len(index.layout.classes), "classes": len(index.classes)},
    }
    heads = orjson.dumps([[e.uid, e.type.value, e.programs] for e in entries])
    return pack(head, {"entries": rows, "entry_offsets": offsets, "heads": heads, **index_sections(entries, index)})


def decode_list(unpacked: Unpacked, where: str, forget: Callable[[], None] = lambda: None) -> PreparedList:
    """The list of a prepared file (entries and index decoded when first used); Inconsistent if it does not
    hold together."""
    header = unpacked.header
    try:
        code, title, stated, files, note, warnings = (header[k] for k in ("list", *_LIST_FIELDS))
        facts = header["facts"]
        latest = facts["latest_listing"]
        by_type = facts["by_type"]
        if not (isinstance(code, str) and isinstance(title, str) and isinstance(files, list)
                and all(isinstance(f, str) for f in files) and isinstance(warnings, list)
                and all(isinstance(w, str) for w in warnings) and isinstance(note, str | None)
                and isinstance(facts["names"], int) and isinstance(by_type, dict)
                and all(isinstance(v, int) for v in by_type.values())):
            raise Inconsistent("malformed list description")
        list_facts = ListFacts(facts["names"], date.fromisoformat(latest) if latest else None, by_type)
        day = date.fromisoformat(stated) if stated else None
    except (KeyError, TypeError, ValueError) as exc:
        raise Inconsistent(f"malformed list description ({exc})") from None
    entries = PreparedEntries(code, unpacked, list_facts, where, forget)
    if len(entries) != facts.get("entries"):
        raise Inconsistent("entry count does not match")
    return PreparedList(code, title, day, tuple(files), entries,  # type: ignore[arg-type]  # a lazy sequence
                        None, note, list(warnings))
