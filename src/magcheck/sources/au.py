"""Australia: DFAT's Consolidated List (UN Security Council and Australian autonomous sanctions), an Excel workbook.

Two published layouts, read into the same model:

- `Australian_Sanctions_Consolidated_List.xlsx`, the live one since November 2025: Reference, Name of
  Individual or Entity, Type, Name Type, Alias Strength, Date of Birth, Place of Birth, Citizenship, Address,
  Additional Information, Listing Information, IMO Number, Committees, Control Date, Instrument of Designation
  and four TRUE/FALSE measures columns (Targeted Financial Sanction, Travel Ban, Arms Embargo, Maritime
  Restriction);
- `regulation8_consolidated.xlsx`, the former one: the same columns without Alias Strength, IMO Number,
  Instrument of Designation and the measures.

One row per name. The primary name's row carries the listing's reference ("2"); every other name of the same
listing carries it with a suffix ("2a", "2b", "1276c1") and repeats the listing's other cells. So one `Entry`
per reference number, its fields read from the primary name's row. The real files are hand-kept: "Primary Name",
"Primary Name ", "primary name"; "Entity " and "individual"; "aka", "Aka ", "Alias"; a listing whose second name
is marked "Primary Name" too, one whose unsuffixed row is marked "Original Script", and (Feb 2026) an alias row
"8495b" whose listing has no other row. Labels are compared case- and space-insensitively, the unsuffixed row
stands in for a missing "Primary Name" row, and a listing left without either is kept with a warning.

Choices made on the real data:
- programmes are the Committees values, short: "Autonomous (Russia)" -> "Russia", "Autonomous (Thematic –
  Corruption)" -> "Thematic - Corruption" (dashes normalised), "1988 (Taliban)" -> "UNSC 1988 (Taliban)";
- the listing date is the first date the Listing Information (or Instrument of Designation) gives after
  "Listed ..." or "Designated ... on" ("Listed by UN 1267 Committee on 25 January 2001 (amended on ...)"), or
  the date it starts with. Autonomous listings mostly name only the instrument ("... Amendment (No. 4)
  Instrument 2022"), so they have none. The Control Date is *not* a listing date: it is the date of the
  record's last change (Mohammad Hassan Akhund, listed by the UN in 2001: Control Date 15 Dec 2014 in the Nov
  2024 file, 5 Feb 2026 in the Feb 2026 one); it is kept in the remarks;
- the file states no publication date (`SanctionsList.date` is None: the store dates it);
- the UN reference that the live file puts at the start of Additional Information ("TAi.002. Title: ...")
  becomes `Entry.un_ref`.

The workbook is read with python-calamine (Rust, from wheels): it reads the real workbooks' rows about five
times faster than openpyxl in read-only mode and imports in a millisecond against openpyxl's 0.1-0.2 s (see
benchmarks/bench_new_sources.py). It is imported inside the parser, so that starting the CLI does not pay for it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from magcheck.errors import ListFileError
from magcheck.gcpause import gc_paused
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
from magcheck.sources._common import (
    clean,
    imo_number,
    is_imo_number,
    month_from_word,
    parse_dmy,
    partial_date,
    read_checked,
)
from magcheck.sources.base import Layout, Source, SourceFile
from magcheck.sources.ca import dominant_script
from magcheck.sources.us import parse_dob as parse_english_dob

CODE = "au"
TITLE = "Australia - DFAT Consolidated List"
CURRENT_FILE = "Australian_Sanctions_Consolidated_List.xlsx"
FORMER_FILE = "regulation8_consolidated.xlsx"
CURRENT_URL = "https://www.dfat.gov.au/sites/default/files/Australian_Sanctions_Consolidated_List.xlsx"
LANDING_PAGE = "https://www.dfat.gov.au/international-relations/security/sanctions/consolidated-list"

HUMAN_RIGHTS = "Thematic - Human Rights"
CORRUPTION = "Thematic - Corruption"
CYBER = "Thematic - Cyber"
# Australia's Magnitsky-style thematic regimes (2021 amendments to the Autonomous Sanctions Act). The cyber
# regime is a separate thematic regime, kept out like the US (CYBER2, not GLOMAG) and the UK (Cyber, not Global
# Human Rights) keep their cyber listings out of their Magnitsky scopes.
MAGNITSKY_PROGRAMS = frozenset({HUMAN_RIGHTS, CORRUPTION})

# Refuse a workbook that would expand beyond this (the real ones expand to under 10 MiB), or any member that
# expands more than _MAX_RATIO times (real members: under 11): a zip bomb would exhaust memory. calamine
# itself refuses a member that inflates beyond its declared size, so the declared sizes can be trusted.
_MAX_EXPANDED = 256 * 1024 * 1024
_MAX_RATIO = 100
_RATIO_FLOOR = 1024 * 1024  # small members may compress better than that (empty XML parts)
_HEADER_SEARCH_ROWS = 10  # DFAT has shipped a title row above the header before


# ---------------------------------------------------------------------------------------------------------
# Columns


class _Col:
    """Header names as compared: case-folded, whitespace collapsed ("Primary Name " = "primary name")."""

    REFERENCE = "reference"
    NAME = "name of individual or entity"
    TYPE = "type"
    NAME_TYPE = "name type"
    ALIAS_STRENGTH = "alias strength"
    DOB = "date of birth"
    POB = "place of birth"
    CITIZENSHIP = "citizenship"
    ADDRESS = "address"
    ADDITIONAL = "additional information"
    LISTING = "listing information"
    IMO = "imo number"
    COMMITTEES = "committees"
    CONTROL_DATE = "control date"
    INSTRUMENT = "instrument of designation"


_REQUIRED = (_Col.REFERENCE, _Col.NAME, _Col.TYPE, _Col.NAME_TYPE, _Col.COMMITTEES)
_MEASURES = ("Targeted Financial Sanction", "Travel Ban", "Arms Embargo", "Maritime Restriction")

Cell = object  # what calamine gives: str, float, int, bool, date, datetime, timedelta


def _key(value: Cell) -> str:
    return " ".join(_text(value).split()).casefold()


def _text(value: Cell) -> str:
    """A cell as text: whole numbers without ".0" (references are numbers in the file), dates as ISO."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Sheet(NamedTuple):
    columns: dict[str, int]  # header key -> column index
    header_row: int  # 0-based position of the header row
    rows: Sequence[Sequence[Cell]]


# ---------------------------------------------------------------------------------------------------------
# The workbook


def parse_current(files: Mapping[str, Path]) -> SanctionsList:
    """The live layout's parser: `Australian_Sanctions_Consolidated_List.xlsx`."""
    return parse_workbook(_required(files, CURRENT_FILE), CURRENT_FILE)


def parse_former(files: Mapping[str, Path]) -> SanctionsList:
    """The former layout's parser: `regulation8_consolidated.xlsx`."""
    return parse_workbook(_required(files, FORMER_FILE), FORMER_FILE)


def _required(files: Mapping[str, Path], name: str) -> Path:
    path = files.get(name)
    if path is None:
        raise ListFileError(CODE, name, "file not found")
    return path


@gc_paused()
def parse_workbook(path: Path, file: str) -> SanctionsList:
    """Read either layout (columns are found by name) or raise `ListFileError`; never a partial list."""
    sheet = _read_sheet(read_checked(CODE, path), file)
    listings = _listings(sheet, file)
    if not listings:
        raise ListFileError(CODE, file, "no listings below the header row")
    warnings: list[str] = []
    entries = [_build_entry(listing, sheet.columns, file, warnings) for listing in listings.values()]
    return SanctionsList(code=CODE, title=TITLE, date=None, files=(file,), entries=entries, warnings=warnings)


def _read_sheet(data: bytes, file: str) -> _Sheet:
    """The first worksheet with the list's header row (the real files have one sheet)."""
    _check_archive(data, file)
    from python_calamine import CalamineError, CalamineWorkbook

    first: Sequence[Sequence[Cell]] | None = None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for index in range(len(workbook.sheet_names)):
            rows = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
            found = _find_header(rows)
            if found is not None:
                return _Sheet(found[1], found[0], rows)
            first = rows if first is None else first
    except CalamineError as exc:
        raise ListFileError(CODE, file, f"unreadable workbook ({_first_line(exc)}): truncated or damaged?") from None
    if first is None:
        raise ListFileError(CODE, file, "the workbook has no worksheet")
    raise ListFileError(CODE, file, _missing_columns_reason(first))


def _check_archive(data: bytes, file: str) -> None:
    """An xlsx is a zip archive holding xl/workbook.xml: refuse anything else before calamine sees it."""
    if not data.startswith(b"PK"):
        raise ListFileError(CODE, file, "not an xlsx workbook (not a zip archive: a CSV or a page saved as it?)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ListFileError(CODE, file, "truncated or damaged xlsx (its zip directory cannot be read)") from None
    expanded = sum(member.file_size for member in members)
    inflated = any(m.file_size > _RATIO_FLOOR and m.file_size > _MAX_RATIO * max(m.compress_size, 1) for m in members)
    if expanded > _MAX_EXPANDED or inflated:
        raise ListFileError(CODE, file, f"refused: the archive would expand to {expanded / 2**20:,.0f} MiB "
                            "or more than 100 times its size (a zip bomb?)")
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise ListFileError(CODE, file, "a zip archive but not an xlsx workbook (no xl/workbook.xml)")


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _find_header(rows: Sequence[Sequence[Cell]]) -> tuple[int, dict[str, int]] | None:
    for position, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for index, cell in enumerate(row):
            columns.setdefault(_key(cell), index)
        if all(name in columns for name in _REQUIRED):
            return position, columns
    return None


def _missing_columns_reason(rows: Sequence[Sequence[Cell]]) -> str:
    if not any(_text(cell).strip() for row in rows[:_HEADER_SEARCH_ROWS] for cell in row):
        return "the worksheet is empty (no header row)"
    first = {_key(cell) for cell in (rows[0] if rows else ())}
    missing = [name for name in _REQUIRED if name not in first]
    return f"the header lacks the columns {', '.join(missing)} (not the DFAT Consolidated List?)"


# ---------------------------------------------------------------------------------------------------------
# Rows grouped into listings


_REFERENCE = re.compile(r"^(\d+)([A-Za-z]{0,3}\d{0,2})$")


class _NameRow(NamedTuple):
    """What every row says about its own name; the listing's other facts are read from its primary row."""

    number: int  # 1-based sheet row
    reference: str  # as written: "2", "2a", "1276c1"
    name: str
    kind: NameKind  # from Name Type
    weak: bool  # Alias Strength "Weak"
    type_text: str
    cells: Sequence[Cell]


class _Listing(NamedTuple):
    reference: str  # the number every row of the listing starts with
    rows: list[_NameRow]  # in file order


def _listings(sheet: _Sheet, file: str) -> dict[str, _Listing]:
    """Rows by listing reference ("2a" and "2b" belong to listing "2"), blank rows skipped."""
    columns = sheet.columns
    ref_col, name_col, type_col = columns[_Col.REFERENCE], columns[_Col.NAME], columns[_Col.TYPE]
    kind_col, strength_col = columns[_Col.NAME_TYPE], columns.get(_Col.ALIAS_STRENGTH)
    listings: dict[str, _Listing] = {}
    for position in range(sheet.header_row + 1, len(sheet.rows)):
        row = sheet.rows[position]
        if _is_blank(row):
            continue
        reference = _cell_text(row, ref_col).strip()
        match = _REFERENCE.match(reference)
        if match is None:
            shown = f"Reference {reference!r}" if reference else "no Reference"
            raise ListFileError(CODE, file, f"row {position + 1} has {shown} (not a DFAT reference; schema changed?)")
        base = match.group(1)
        listing = listings.get(base)
        if listing is None:
            listing = listings[base] = _Listing(base, [])
        weak = strength_col is not None and _cell_text(row, strength_col).strip().casefold() == "weak"
        listing.rows.append(_NameRow(position + 1, reference, _cell_text(row, name_col),
                                     _name_kind(_cell_text(row, kind_col)), weak,
                                     _cell_text(row, type_col).strip(), row))
    return listings


def _cell_text(row: Sequence[Cell], index: int) -> str:
    return _text(row[index]) if index < len(row) else ""


class _Cells:
    """The primary row's cells by column key; absent columns (the former layout's) read as empty."""

    __slots__ = ("columns", "row")

    def __init__(self, row: Sequence[Cell], columns: dict[str, int]) -> None:
        self.row = row
        self.columns = columns

    def raw(self, column: str) -> Cell:
        index = self.columns.get(column)
        return self.row[index] if index is not None and index < len(self.row) else ""

    def text(self, column: str) -> str:
        """The cell's text, whitespace collapsed (non-breaking spaces too)."""
        return clean(self.lines(column)) or ""

    def lines(self, column: str) -> str:
        """The cell's text with its line breaks (they separate addresses), non-breaking spaces as spaces."""
        return _text(self.raw(column)).replace("\u00a0", " ")


def _is_blank(row: Sequence[Cell]) -> bool:
    return not any(cell.strip() if isinstance(cell, str) else cell is not None for cell in row)


# ---------------------------------------------------------------------------------------------------------
# One listing as an Entry


_TYPES = {
    "individual": EntryType.INDIVIDUAL,
    "entity": EntryType.ENTITY,
    "vessel": EntryType.VESSEL,
    "ship": EntryType.VESSEL,
    "aircraft": EntryType.AIRCRAFT,
}


def _build_entry(listing: _Listing, columns: dict[str, int], file: str, warnings: list[str]) -> Entry:
    rows = listing.rows
    primary_at = _primary_row(listing)
    if primary_at is None:
        primary_at = 0
        warnings.append(f"{file}: reference {listing.reference} has no Primary Name row; "
                        f"its first name ({clean(rows[0].name)!r}, {rows[0].reference}) stands in")
    primary = _Cells(rows[primary_at].cells, columns)
    entry_type = _entry_type(listing, primary_at, file)
    name, other_names = _names(listing, primary_at, file)
    additional = primary.text(_Col.ADDITIONAL)
    dobs, dob_texts = parse_dob_cell(primary.raw(_Col.DOB))
    return Entry(
        list=CODE,
        uid=listing.reference,
        type=entry_type,
        name=name,
        other_names=other_names,
        programs=programme_tags(primary.text(_Col.COMMITTEES)),
        dobs=dobs,
        dob_texts=dob_texts,
        citizenships=split_countries(primary.text(_Col.CITIZENSHIP)),
        countries=tuple(dict.fromkeys([*address_countries(primary.lines(_Col.ADDRESS)),
                                       *address_countries(primary.lines(_Col.POB))])),
        gender=_gender(additional),
        identifiers=_identifiers(primary, additional, entry_type),
        listed=listing_date(primary.raw(_Col.LISTING)) or listing_date(primary.raw(_Col.INSTRUMENT)),
        remarks=_remarks(primary, additional),
        raw=RawRef(file, f"Reference {listing.reference}, row {rows[primary_at].number}"),
        positions=positions(additional),
        measures=tuple(m for m in _MEASURES if _is_true(primary.raw(m.casefold()))),
        un_ref=un_reference(additional),
    )


def _primary_row(listing: _Listing) -> int | None:
    """The row marked "Primary Name", else the one carrying the bare reference (marked otherwise by mistake)."""
    for i, row in enumerate(listing.rows):
        if row.kind is NameKind.PRIMARY:
            return i
    for i, row in enumerate(listing.rows):
        if row.reference == listing.reference:
            return i
    return None


def _entry_type(listing: _Listing, primary_at: int, file: str) -> EntryType:
    """The primary row's Type; another row's when that is blank (one real alias row has none)."""
    for row in [listing.rows[primary_at], *listing.rows]:
        if row.type_text:
            found = _TYPES.get(row.type_text.casefold())
            if found is None:
                raise ListFileError(CODE, file, f"reference {listing.reference}: unknown Type {row.type_text!r} "
                                    "(schema changed?)")
            return found
    raise ListFileError(CODE, file, f"reference {listing.reference} has no Type")


# --- Names -----------------------------------------------------------------------------------------------

_FORMER_NOTE = re.compile(
    r"\s*\(\s*(?:previously|formerly)\s+listed\s+as\b[\s.,]*(?:in\s+arabic\s*:\s*(?P<other>[^)]*))?\)\s*$",
    re.IGNORECASE,
)


@lru_cache(maxsize=64)
def _name_kind(name_type: str) -> NameKind:
    """"Primary Name", "aka"/"Alias", "Original Script", "Formerly known as"/"Previously listed as", any casing."""
    kind = " ".join(name_type.split()).casefold()
    if kind.startswith("primary"):
        return NameKind.PRIMARY
    if kind.startswith("original"):
        return NameKind.NON_LATIN
    if kind.startswith(("formerly", "previously", "fka", "f.k.a")):
        return NameKind.FORMER
    return NameKind.ALIAS


def _names(listing: _Listing, primary_at: int, file: str) -> tuple[Name, tuple[Name, ...]]:
    """The primary row's name first; every other row's name after it, in file order, without repeats.

    A second "Primary Name" row becomes a variation; a name written "X (previously listed as)" is a former name
    (with the Arabic spelling some of them carry inside the note); a name in a non-Latin script is NON_LATIN
    whatever its row says, and an "Original Script" row that is in fact Latin is an alias."""
    rows = listing.rows
    primary_text = clean(rows[primary_at].name.replace("\u00a0", " "))
    if not primary_text:
        raise ListFileError(CODE, file, f"reference {listing.reference}: row {rows[primary_at].number} has no name")
    primary = _name(primary_text, NameKind.PRIMARY, weak=False)
    others: dict[str, Name] = {}
    for i, row in enumerate(rows):
        text = clean(row.name.replace("\u00a0", " ")) if i != primary_at else None
        if not text:
            continue
        kind = NameKind.VARIATION if row.kind is NameKind.PRIMARY else row.kind
        note = _FORMER_NOTE.search(text)
        if note:
            text, kind = text[:note.start()].strip(), NameKind.FORMER
            if other := clean(note.group("other")):
                others.setdefault(other, _name(other, NameKind.FORMER, row.weak))
        if text and text != primary.text:
            others.setdefault(text, _name(text, kind, row.weak))
    others.pop(primary.text, None)
    return primary, tuple(others.values())


def _name(text: str, kind: NameKind, weak: bool) -> Name:
    script = dominant_script(text)
    if kind is not NameKind.PRIMARY:
        if script is not None:
            kind = NameKind.NON_LATIN
        elif kind is NameKind.NON_LATIN:
            kind = NameKind.ALIAS
    strength = Strength.WEAK if weak and kind is not NameKind.PRIMARY else Strength.STRONG
    return Name(text, kind, strength, script=script)


# --- Programmes ------------------------------------------------------------------------------------------

_SPACED_DASH = re.compile(r"\s+[-‐‑‒–—]\s*|\s*[‐‑‒–—]\s+")
_AUTONOMOUS = re.compile(r"^Autonomous\s*\((.+)\)$", re.IGNORECASE)
_UN_COMMITTEE = re.compile(r"^(\d{3,4}(?:/\d{3,4})*)\s*(?:Committee\b)?\s*(.*)$", re.IGNORECASE)


@lru_cache(maxsize=256)
def programme_tags(committees: str) -> tuple[str, ...]:
    """Short programme tags from a Committees value; a cell may name two ("1970 (Libya) 1973 (Libya)")."""
    text = clean(_SPACED_DASH.sub(" - ", committees)) or ""
    return tuple(dict.fromkeys(_programme_tag(part) for part in _split_committees(text) if part))


def _split_committees(text: str) -> list[str]:
    """Split before each UN committee number that starts a new value, outside parentheses."""
    parts: list[str] = []
    depth = start = 0
    for pos, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == " " and depth == 0 and re.match(r"\d{3,4}\b", text[pos + 1:pos + 6]):
            parts.append(text[start:pos].strip())
            start = pos + 1
    parts.append(text[start:].strip())
    return parts


def _programme_tag(part: str) -> str:
    autonomous = _AUTONOMOUS.match(part)
    if autonomous:
        return clean(autonomous.group(1)) or part
    committee = _UN_COMMITTEE.match(part)
    if committee:
        return clean(f"UNSC {committee.group(1)} {committee.group(2)}") or part
    return part


# --- Dates of birth --------------------------------------------------------------------------------------

_LETTERED = re.compile(r"(?:^|(?<=[\s;,]))[a-z]\)\s*")  # "a) 1964; b) 1965", "a) 1962;\nb) 1960"
_DOB_SEPARATORS = re.compile(r"[;\n]|,?\s+or\s+|\balt\.?\s+DOB\s*:?", re.IGNORECASE)
_CIRCA = re.compile(r"^(?:approximately|approx\.?|circa|about|around|c\.)\s*", re.IGNORECASE)
_BETWEEN = re.compile(r"^between\s+(.+?)\s+(?:and|to)\s+(.+)$", re.IGNORECASE)
_DMY_SPACED = re.compile(r"^\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}$")
_MONTH_SLASH_YEAR = re.compile(r"^(\d{1,2})\s*/\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),\s*(\d{4})$")  # "March 16, 1972"
_MONTH_COMMA_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?,\s*(\d{4})$")  # "August, 1961"
_DAY_MON_YEAR_DASHED = re.compile(r"^(\d{1,2})-([A-Za-z]{3,9})-(\d{2}|\d{4})$")  # "19-Dec-1992", "23-Apr-68"
_DMY_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")  # "05.09.1990"
_YEAR_OR_YEAR = re.compile(r"^(\d{4})\s*/\s*(\d{4})$")  # "1977/1978"
_DAY_DOT = re.compile(r"^(\d{1,2})\.\s*(?=[A-Za-z])")  # "12. Sep 1974"
_MONTH_DOT_YEAR = re.compile(r"(?<=[A-Za-z])\.(?=\d{4}$)")  # "24 Jan.1973"


def parse_dob_cell(value: Cell) -> tuple[tuple[PartialDate, ...], tuple[str, ...]]:
    """Dates of birth from a Date of Birth cell, and the cell's text when some of it is not a date.

    Excel dates and bare years (numbers) are exact; text is split into its items ("a) 1962; b) 1960",
    "1956, 1961, 12/02/1956", "Approximately 1967, or approximately 1961") and each item read as dd/mm/yyyy,
    mm/yyyy, "25 Sep. 1984", "June 1960", "1963" or a range ("Between 1963 and 1968", "1956-1957",
    "March 1965 to March 1966", every year of it)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        found = partial_date(value.year, value.month, value.day)
        return ((found,), ()) if found else ((), (value.isoformat(),))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = _text(value)
        found = partial_date(int(value)) if float(value).is_integer() else None
        return ((found,), ()) if found else ((), (text,))
    return parse_dob_text(_text(value))


@lru_cache(maxsize=4096)
def parse_dob_text(text: str) -> tuple[tuple[PartialDate, ...], tuple[str, ...]]:
    shown = clean(text.replace("\u00a0", " "))
    if not shown or shown.casefold() in _NO_VALUE:
        return (), ()
    dates: dict[PartialDate, None] = {}
    complete = True
    for chunk in _DOB_SEPARATORS.split(_LETTERED.sub("\n", text.replace("\u00a0", " "))):
        for item in _dob_items(chunk.strip(" \t\r\n,.")):
            parsed = _dob_item(item)
            if parsed is None:
                complete = False
            else:
                dates.update(dict.fromkeys(parsed))
    return tuple(dates), (() if complete and dates else (shown,))


def _dob_items(chunk: str) -> list[str]:
    """A chunk that is not one date may be a list: "1956, 1961, 12/02/1956" or "06/10/1956 20/06/1956"."""
    if not chunk or _dob_item(chunk) is not None:
        return [chunk] if chunk else []
    words = chunk.split()
    if "," in chunk:
        return [item for item in (p.strip(" .") for p in chunk.split(",")) if item]
    return words if _all_dmy(words) else [chunk]


def _all_dmy(words: list[str]) -> bool:
    return len(words) > 1 and all(_DMY_SPACED.match(w) for w in words)


def _dob_item(text: str) -> list[PartialDate] | None:
    """One date or range of dates of birth; None when it is not one."""
    text = _CIRCA.sub("", " ".join(text.split())).strip(" .")
    if text.startswith("(") and text.endswith(")"):  # "g) (Aug. 1961)"
        text = text[1:-1].strip(" .")
    between = _BETWEEN.match(text)
    if between:
        text = f"{between.group(1)} to {between.group(2)}"
    if _DMY_SPACED.match(text):
        return _found(parse_dmy(re.sub(r"\s+", "", text)))
    if m := _DMY_DOTTED.match(text):
        return _found(partial_date(int(m.group(3)), int(m.group(2)), int(m.group(1))))
    if m := _MONTH_SLASH_YEAR.match(text):
        return _found(partial_date(int(m.group(2)), int(m.group(1))))
    if m := _ISO.match(text):
        return _found(partial_date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    if m := _YEAR_OR_YEAR.match(text):
        years = [partial_date(int(m.group(1))), partial_date(int(m.group(2)))]
        return [y for y in years if y] if all(years) else None
    if m := _MONTH_DAY_YEAR.match(text):
        month = month_from_word(m.group(1))
        return _found(partial_date(int(m.group(3)), month, int(m.group(2))) if month else None)
    if m := _DAY_MON_YEAR_DASHED.match(text):
        month, year = month_from_word(m.group(2)), int(m.group(3))
        year = year if year > 99 else (2000 + year if year < 30 else 1900 + year)  # as Excel reads "68"
        return _found(partial_date(year, month, int(m.group(1))) if month else None)
    if m := _MONTH_COMMA_YEAR.match(text):
        text = f"{m.group(1)} {m.group(2)}"
    text = _MONTH_DOT_YEAR.sub(". ", _DAY_DOT.sub(r"\1 ", text))
    dates, unparsed = parse_english_dob(re.sub(r"\s*-\s*", "-", text))
    return list(dates) if dates and unparsed is None else None


def _found(found: PartialDate | None) -> list[PartialDate] | None:
    return [found] if found else None


# --- Listing dates ---------------------------------------------------------------------------------------

_DATE_TEXT = r"(\d{1,2})\s*(?:st|nd|rd|th)?\s*([A-Za-z]{3,9})\.?,?\s*(\d{4})|(\d{1,2})/(\d{1,2})/(\d{4})"
# "Listed"/"Designated", then within 110 characters and before any "amended" or other date, a date. Not "Last
# listed on" (the 1373 listings' renewal) and not "Relisted".
_LISTED_ON = re.compile(rf"(?<!last\s)\b(?:listed|designated)(?:(?!amended|\d{{1,2}}\s*[A-Za-z]{{3,9}}\.?\s*\d{{4}}|"
                        rf"\d{{1,2}}/\d{{1,2}}/\d{{4}}).){{0,110}}?(?:{_DATE_TEXT})", re.IGNORECASE | re.DOTALL)
_STARTS_WITH_DATE = re.compile(rf"^\s*(?:{_DATE_TEXT})")


def listing_date(value: Cell) -> date | None:
    """The first listing date a Listing Information cell states (see the module docstring), or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _listing_date_in(_text(value)) if value else None


@lru_cache(maxsize=2048)  # a few hundred distinct texts (one instrument lists hundreds of people)
def _listing_date_in(text: str) -> date | None:
    match = _STARTS_WITH_DATE.match(text) or _LISTED_ON.search(text)
    return _match_date(match) if match else None


def _match_date(match: re.Match[str]) -> date | None:
    day, month_word, year, dd, mm, yyyy = match.groups()[-6:]
    if dd is not None:
        found = partial_date(int(yyyy), int(mm), int(dd))
    else:
        month = month_from_word(month_word)
        found = partial_date(int(year), month, int(day)) if month else None
    if found is None or found.month is None or found.day is None:
        return None
    return date(found.year, found.month, found.day)


# --- Countries, identifiers, remarks ---------------------------------------------------------------------

# Country names with " and " in them, kept whole when citizenships are split on " and ".
_AND_COUNTRIES = (
    "trinidad and tobago", "bosnia and herzegovina", "antigua and barbuda", "saint kitts and nevis",
    "saint vincent and the grenadines", "sao tome and principe", "são tomé and príncipe", "turks and caicos islands",
    "united kingdom of great britain and northern ireland", "heard island and mcdonald islands",
    "wallis and futuna", "saint pierre and miquelon",
)
_CITIZENSHIP_SEPARATORS = re.compile(r"[,;/\n]|\s+and\s+", re.IGNORECASE)
_NOTE = re.compile(r"\s*\([^()]*\)")  # "Indonesian (as at Dec. 2003)", "USSR (until 1991)"
_NO_VALUE = frozenset(("na", "n/a", "nil", "none", "unknown", "-"))


@lru_cache(maxsize=1024)
def split_countries(text: str) -> tuple[str, ...]:
    """Citizenships as listed: "a) German b) Moroccan", "Russian and Ukrainian", "Russia, Ukraine"."""
    text = _NOTE.sub("", _LETTERED.sub("\n", text.replace("\u00a0", " ")))
    lowered = " ".join(text.split()).casefold().strip(" .;")
    if lowered in _AND_COUNTRIES:
        return (clean(text.strip(" .;")) or text,)
    items = (clean(part.strip(" .")) for part in _CITIZENSHIP_SEPARATORS.split(text))
    return tuple(dict.fromkeys(i for i in items if i and i.casefold() not in _NO_VALUE))


_ADDRESS_SEPARATORS = re.compile(r"[;\n]")
_TRAILING_WORDS = re.compile(r"([^\d]*)$")
_SOVIET_NOTE = re.compile(r"\bU?SSR\s*\(([^()\d]+)\)\s*$")  # "Belarusian SSR (Belarus)"


@lru_cache(maxsize=4096)
def address_countries(text: str) -> tuple[str, ...]:
    """The country of each address or place of birth: its last comma-separated part with letters, after any
    postcode ("Moscow 105005 Russia", "Moscow, Russia, 127018" -> "Russia"), without notes ("... Congo (in
    prison)"), but a Soviet republic's present name ("Dubrovno, Belarusian SSR (Belarus)" -> "Belarus")."""
    countries: dict[str, None] = {}
    for address in _ADDRESS_SEPARATORS.split(_LETTERED.sub("\n", text)):
        for part in reversed(address.split(",")):
            soviet = _SOVIET_NOTE.search(part)
            if soviet:
                candidate = soviet.group(1)
            else:
                tail = _TRAILING_WORDS.search(_NOTE.sub("", part))
                candidate = tail.group(1) if tail else ""
            country = clean(candidate.strip(" .:-()"))
            if country and any(c.isalpha() for c in country):
                if country.casefold() not in _NO_VALUE:
                    countries[country] = None
                break
    return tuple(countries)


_GENDER = re.compile(r"\bGender\s*:\s*(male|female)\b", re.IGNORECASE)
_IMO_IN_TEXT = re.compile(r"\bIMO(?:\s+number)?\s*:?\s*(\d{7})\b", re.IGNORECASE)
_UN_REF = re.compile(r"^\s*([A-Z]{2}[ie]\.\d{3})\b")


def _gender(additional: str) -> str | None:
    match = _GENDER.search(additional)
    return match.group(1).capitalize() if match else None


def un_reference(additional: str) -> str | None:
    """The UN reference the live file writes first in Additional Information ("QDi.037 Passport ...")."""
    match = _UN_REF.match(additional)
    return match.group(1) if match else None


def _identifiers(primary: _Cells, additional: str, entry_type: EntryType) -> tuple[Identifier, ...]:
    """IMO numbers: a ship's from the IMO Number column (only with a valid check digit, as the other lists'
    parsers do), or "IMO number: 5571322" in the text (the former layout), which on a company is its IMO
    company number (said in the note, as the US parser does)."""
    found: list[Identifier] = []
    column = imo_number(primary.text(_Col.IMO))
    if column:
        found.append(Identifier(IdKind.IMO, column))
    for number in _IMO_IN_TEXT.findall(additional):
        if entry_type is EntryType.VESSEL:
            if is_imo_number(number):
                found.append(Identifier(IdKind.IMO, number))
        else:
            found.append(Identifier(IdKind.IMO, number, note="IMO company number"))
    return tuple(dict.fromkeys(found))


_POSITION_LABEL = re.compile(r"\b(?:Designation|Last known position|Position)\s*:\s*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"\.(?:\s+(?=[A-Z(])|\s*$)|\n")


@lru_cache(maxsize=4096)
def positions(additional: str) -> tuple[str, ...]:
    """Positions the text labels ("Designation: a) First Deputy ... b) Governor of ...", "Last known position:
    Captain ..."), each lettered item as one position, up to the end of the sentence."""
    found: dict[str, None] = {}
    for label in _POSITION_LABEL.finditer(additional):
        rest = additional[label.end():]
        end = _SENTENCE_END.search(rest)
        segment = rest[: end.start()] if end else rest
        for item in _LETTERED.split(segment):
            if position := clean(item.strip(" ;,")):
                found[position] = None
    return tuple(found)


def _remarks(primary: _Cells, additional: str) -> str | None:
    """Additional Information, then how and when the listing was made, and the Control Date (last change)."""
    listing = primary.text(_Col.LISTING)
    instrument = primary.text(_Col.INSTRUMENT)
    parts = [additional]
    parts.append(f"Listing information: {listing}" if listing else "")
    parts.append(f"Instrument of designation: {instrument}" if instrument and instrument != listing else "")
    control = primary.raw(_Col.CONTROL_DATE)
    parts.append(f"Control date: {_text(control)}" if _text(control) else "")
    return "; ".join(p for p in parts if p) or None


def _is_true(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    return _key(value) in ("true", "yes", "y", "1")


SOURCE = Source(
    code=CODE,
    title=TITLE,
    government="Australia",
    layouts=(
        Layout((SourceFile(CURRENT_FILE, CURRENT_URL),), parse_current),
        Layout((SourceFile(FORMER_FILE, None),), parse_former),
    ),
    magnitsky_programs=MAGNITSKY_PROGRAMS,
    landing_page=LANDING_PAGE,
    bundled=True,
    order=50,
    # Every listing has a Committees value; 95% of the people a date of birth. Listing dates are not expected:
    # most autonomous listings name only their instrument.
    expected_fields={"programs": 0.95, "dobs": 0.9},
)
