"""The US OFAC Specially Designated Nationals (SDN) list, read from its CSV family.

`SDN.CSV` holds one row per designation; `ALT.CSV` the strong aliases; the optional `ADD.CSV` addresses and
`SDN_COMMENTS.CSV` the continuation of remarks cut at 1,000 characters. The files have no header (copies
re-saved by other tools sometimes add one), are Windows-1252 text, write an empty cell as `-0-`, and end
with a line holding only the byte 0x1A. Most facts (dates of birth, nationality, passports, IMO numbers,
weak aliases) exist only as free text in the remarks column and are extracted here. The CSV files state no
publication date and no listing dates; the optional enhanced XML export of the same list (`SDN_ENHANCED.ZIP`,
or `SDN_ENHANCED.XML` in a data directory) gives each entity number its "SDN List" publication date, which
becomes `Entry.listed` (what that date means: tests/fixtures/us/README.md). A broken enhanced file costs
the dates, never the list: it becomes one line in `SanctionsList.warnings`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TypeVar

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
from magcheck.sources._common import clean, decode_text, month_number, partial_date, read_checked
from magcheck.sources._ofac_enhanced import read_enhanced
from magcheck.sources.base import Layout, Source, SourceFile

CODE = "us"
TITLE = "United States - OFAC Specially Designated Nationals (SDN) List"
SDN_FILE = "SDN.CSV"
ALT_FILE = "ALT.CSV"
ADD_FILE = "ADD.CSV"
COMMENTS_FILE = "SDN_COMMENTS.CSV"
ENHANCED_ZIP = "SDN_ENHANCED.ZIP"  # the enhanced XML export, zipped as OFAC publishes it (downloaded)
ENHANCED_XML = "SDN_ENHANCED.XML"  # the same unzipped: read from a data directory, never downloaded
EXPORTS_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
DETAILS_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"
LANDING_PAGE = "https://ofac.treasury.gov/sanctions-list-service"

# Columns per file; rows are checked against these so that another CSV saved under the name is refused.
_WIDTHS = {SDN_FILE: 12, ALT_FILE: 5, ADD_FILE: 6, COMMENTS_FILE: 2}
# The official files are Windows-1252. UTF-8 is tried first because real Windows-1252 text with accents
# practically never decodes as UTF-8, while a UTF-8 re-save would be garbled by cp1252; latin-1 never fails
# and catches bytes cp1252 leaves undefined (0x81, 0x8D, ...).
_ENCODINGS = ("utf-8", "cp1252", "latin-1")
_EMPTY = "-0-"
_END_MARKER = "\x1a"
# SDN.CSV cuts the remarks cell at this many characters; SDN_COMMENTS.CSV holds the rest.
_REMARKS_LIMIT = 1000

_TYPES = {"individual": EntryType.INDIVIDUAL, "vessel": EntryType.VESSEL, "aircraft": EntryType.AIRCRAFT}
_ALIAS_KINDS = {"aka": NameKind.ALIAS, "nka": NameKind.ALIAS, "fka": NameKind.FORMER}
_T = TypeVar("_T")


# ---------------------------------------------------------------------------------------------------------
# Files and rows


def parse_files(files: Mapping[str, Path]) -> SanctionsList:
    """The `Layout` parser: SDN.CSV and ALT.CSV, plus ADD.CSV, SDN_COMMENTS.CSV and the enhanced export
    (for listing dates) when present."""
    with gc_paused():
        return _parse_files(files)


def _parse_files(files: Mapping[str, Path]) -> SanctionsList:
    sdn_rows = read_rows(_require(files, SDN_FILE), SDN_FILE)
    alt_rows = read_rows(_require(files, ALT_FILE), ALT_FILE)
    add_rows = _read_optional(files, ADD_FILE)
    comment_rows = _read_optional(files, COMMENTS_FILE)
    entries = build_entries(
        sdn_rows,
        aliases=_aliases_by_entity(alt_rows),
        countries=_address_countries(add_rows),
        overflow=_remark_overflow(comment_rows),
    )
    read = [name for name in (SDN_FILE, ALT_FILE, ADD_FILE, COMMENTS_FILE) if name in files]
    warnings: list[str] = []
    enhanced = _enhanced_file(files)
    if enhanced is not None:
        read.append(enhanced)
        _add_listing_dates(entries, files[enhanced], enhanced, warnings)
    return SanctionsList(code=CODE, title=TITLE, date=None, files=tuple(read), entries=entries, warnings=warnings)


def _enhanced_file(files: Mapping[str, Path]) -> str | None:
    """The enhanced export to read: the ZIP (what `fetch` keeps current) when both forms are present."""
    return next((name for name in (ENHANCED_ZIP, ENHANCED_XML) if name in files), None)


def _add_listing_dates(entries: list[Entry], path: Path, file: str, warnings: list[str]) -> None:
    """Set `listed` from the enhanced export's "SDN List" dates; entities not in SDN.CSV are ignored.

    The export is an optional companion: when it cannot be read the list stays as SDN.CSV gives it (no
    dates) and the reason becomes one warning, instead of the whole US list failing."""
    try:
        dates = read_enhanced(path, file=file)
    except ListFileError as exc:
        warnings.append(f"{CODE}: {exc.file}: {exc.reason}; US listing dates not available")
        return
    listed = dates.sdn_listed
    for entry in entries:
        entry.listed = listed.get(entry.uid)


def _require(files: Mapping[str, Path], name: str) -> Path:
    path = files.get(name)
    if path is None:
        raise ListFileError(CODE, name, "file not found")
    return path


def _read_optional(files: Mapping[str, Path], name: str) -> list[Row]:
    """An optional file's rows: none when it is absent or holds no rows at all (only line breaks or the
    0x1A line); otherwise it is checked like the required ones (HTML, truncation, columns)."""
    path = files.get(name)
    if path is None or _holds_nothing(path):
        return []
    return read_rows(path, name)


def _holds_nothing(path: Path) -> bool:
    try:
        return not path.read_bytes().strip(b" \t\r\n" + _END_MARKER.encode())
    except OSError:
        return False  # read_rows reports it


Row = tuple[int, list[str]]  # (line number where the record starts, its cells)


def read_rows(path: Path, file: str) -> list[Row]:
    """Read one OFAC CSV whole and return its checked rows; `ListFileError` for anything untrustworthy."""
    text = decode_text(CODE, file, read_checked(CODE, path), _ENCODINGS)
    return parse_rows(text, file)


def parse_rows(text: str, file: str) -> list[Row]:
    """Split decoded text into rows of the file's width, without the 0x1A end line or a header row.

    A file cut short shows up as a last line without a line break (or, inside a quoted cell, as a CSV
    error): both are refused rather than read as a shorter list.
    """
    body = _without_end_marker(text)
    if body.strip() and not body.endswith("\n"):
        raise ListFileError(CODE, file, "the last line is incomplete: the file looks truncated")
    width = _WIDTHS[file]
    reader = csv.reader(io.StringIO(body, newline=""), strict=True)
    rows: list[Row] = []
    previous_line = 0
    try:
        for cells in reader:
            line, previous_line = previous_line + 1, reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line
            if not rows and _is_header(cells):
                continue
            rows.append((line, _fit_width(cells, width, file, line)))
    except csv.Error as exc:
        raise ListFileError(
            CODE, file, f"malformed CSV at line {reader.line_num} ({exc}): truncated or not an OFAC file?"
        ) from None
    return rows


def _without_end_marker(text: str) -> str:
    """Drop the final line holding only 0x1A (re-saved copies pad it with commas: `\\x1a,,,,`)."""
    at = text.rfind(_END_MARKER)
    if at == -1 or text[at:].strip(_END_MARKER + ", \t\r\n"):
        return text
    if at and text[at - 1] != "\n":
        return text  # 0x1A inside a line is data (or damage) for the CSV reader to judge
    return text[:at]


def _is_header(cells: list[str]) -> bool:
    """Copies re-saved by other tools start with `ent_num,alt_num,...`; the official files have no header."""
    return cells[0].strip().lower() == "ent_num"


def _fit_width(cells: list[str], width: int, file: str, line: int) -> list[str]:
    """Exactly `width` cells; trailing empty cells added by spreadsheets are tolerated."""
    if len(cells) == width:
        return cells
    if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
        return cells[:width]
    raise ListFileError(
        CODE, file, f"line {line} has {len(cells)} columns, expected {width} (not an OFAC {file} file?)"
    )


def _ent_num(cell: str, file: str, line: int) -> str:
    value = cell.strip()
    if not value.isdigit():
        raise ListFileError(CODE, file, f"line {line}: entity number {value[:40]!r} is not a number")
    return value


def _value(cell: str) -> str | None:
    """A cell's text with whitespace collapsed; `-0-` (OFAC's empty marker) becomes None.

    Called for every cell of the full list, hence the fast path for text with no runs of whitespace."""
    text = cell.strip()
    if not text or text == _EMPTY:
        return None
    if "  " in text or "\t" in text or "\n" in text or "\r" in text:
        text = " ".join(text.split())
    return text


# ---------------------------------------------------------------------------------------------------------
# Companion files: aliases, addresses, remark overflow


def _aliases_by_entity(rows: Iterable[Row]) -> dict[str, list[tuple[NameKind, str]]]:
    """ALT.CSV (ent_num, alt_num, type, name, remarks) grouped by entity number, in file order."""
    found: dict[str, list[tuple[NameKind, str]]] = {}
    for line, cells in rows:
        ent = _ent_num(cells[0], ALT_FILE, line)
        name = _value(cells[3])
        if name is None:
            continue
        alias_type = cells[2].strip().lower()
        kind = _ALIAS_KINDS.get(alias_type) or _ALIAS_KINDS.get(alias_type.replace(".", ""), NameKind.ALIAS)
        found.setdefault(ent, []).append((kind, name))
    return found


def _address_countries(rows: Iterable[Row]) -> dict[str, list[str]]:
    """ADD.CSV (ent_num, add_num, address, city/state/postal code, country, remarks): the countries."""
    found: dict[str, list[str]] = {}
    for line, cells in rows:
        ent = _ent_num(cells[0], ADD_FILE, line)
        country = _value(cells[4])
        if country and country.lower() != "undetermined":
            found.setdefault(ent, []).append(country)
    return found


def _remark_overflow(rows: Iterable[Row]) -> dict[str, str]:
    """SDN_COMMENTS.CSV (ent_num, remarks_extended): the text that continues a cut remarks cell."""
    return {_ent_num(cells[0], COMMENTS_FILE, line): cells[1] for line, cells in rows if cells[1].strip()}


# ---------------------------------------------------------------------------------------------------------
# Entries


def build_entries(rows: Iterable[Row], aliases: Mapping[str, list[tuple[NameKind, str]]],
                  countries: Mapping[str, list[str]], overflow: Mapping[str, str]) -> list[Entry]:
    """One `Entry` per SDN.CSV row; companion rows for entity numbers not in SDN.CSV are ignored."""
    entries: list[Entry] = []
    seen: set[str] = set()
    for line, cells in rows:
        entry = build_entry(line, cells, aliases, countries, overflow)
        if entry.uid in seen:
            raise ListFileError(CODE, SDN_FILE, f"line {line}: entity number {entry.uid} appears twice")
        seen.add(entry.uid)
        entries.append(entry)
    if not entries:
        raise ListFileError(CODE, SDN_FILE, "no entries found")
    return entries


def build_entry(line: int, cells: list[str], aliases: Mapping[str, list[tuple[NameKind, str]]],
                countries: Mapping[str, list[str]], overflow: Mapping[str, str]) -> Entry:
    """One SDN.CSV row (ent_num, name, type, programmes, title, call sign, vessel type, tonnage, GRT, flag,
    owner, remarks) with its aliases, address countries and remark overflow."""
    ent = _ent_num(cells[0], SDN_FILE, line)
    values = [None if cell == "-0- " else _value(cell) for cell in cells[:11]]  # "-0- ": most cells
    name_text = values[1]
    if name_text is None:
        raise ListFileError(CODE, SDN_FILE, f"line {line}: entity {ent} has no name")
    entry_type = _entry_type(values[2], line)
    person = entry_type is EntryType.INDIVIDUAL
    remarks_text, cut = _full_remarks(cells[11], overflow.get(ent))
    facts = parse_remarks(remarks_text, person=person, last_segment_cut=cut) if remarks_text else _NO_FACTS
    strong = [_make_name(text, kind, Strength.STRONG, person) for kind, text in aliases.get(ent, ())]
    flag, call_sign = values[9], values[5]
    identifiers = [Identifier(IdKind.OTHER, call_sign, note="call sign")] if call_sign else []
    if facts.identifiers:
        identifiers += (_identifier_for(entry_type, i) for i in facts.identifiers)
    return Entry(
        list=CODE,
        uid=ent,
        type=entry_type,
        name=_make_name(name_text, NameKind.PRIMARY, Strength.STRONG, person),
        other_names=_unique_names(name_text, [*strong, *facts.names]),
        programs=split_programs(values[3]),
        dobs=tuple(facts.dobs),
        dob_texts=tuple(facts.dob_texts),
        nationalities=_unique(facts.nationalities),
        citizenships=_unique(facts.citizenships),
        countries=_unique([*countries.get(ent, ()), *facts.countries, *([flag] if flag else [])]),
        gender=facts.gender,
        identifiers=_unique(identifiers),
        listed=None,
        remarks=_entry_remarks(values, remarks_text),
        raw=RawRef(SDN_FILE, f"line {line}", url=DETAILS_URL.format(ent)),
        positions=split_titles(values[4]),
    )


def _entry_type(text: str | None, line: int) -> EntryType:
    if text is None:
        return EntryType.ENTITY
    entry_type = _TYPES.get(text.lower())
    if entry_type is None:
        raise ListFileError(CODE, SDN_FILE, f"line {line}: unknown SDN type {text[:40]!r} (schema changed?)")
    return entry_type


_PROGRAM_SEPARATOR = re.compile(r"\]\s*\[")


def split_programs(text: str | None) -> tuple[str, ...]:
    """`SDGT] [SYRIA` is two tags: the cell is a bracketed list with its outer brackets missing."""
    if text is None:
        return ()
    if "]" not in text and "[" not in text:
        return (text,)
    tags = (tag.strip(" []") for tag in _PROGRAM_SEPARATOR.split(text))
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def _full_remarks(cell: str, overflow: str | None) -> tuple[str | None, bool]:
    """The remarks with their SDN_COMMENTS.CSV continuation, and whether they are still cut short.

    The continuation starts mid-word, so it is joined without a separator, and only to a cell cut at the
    limit: for a shorter cell it comes from another edition of the list and would only add noise.
    """
    at_limit = len(cell) >= _REMARKS_LIMIT
    if at_limit and overflow:
        return clean(cell + overflow), False
    return _value(cell), at_limit


def split_titles(text: str | None) -> tuple[str, ...]:
    """The title cell as positions: OFAC separates several with `; ` (`Brigadier General; Major General`)."""
    if text is None:
        return ()
    return tuple(dict.fromkeys(title for part in text.split(";") if (title := part.strip())))


_DETAIL_COLUMNS = (("Title", 4), ("Vessel type", 6), ("Tonnage", 7), ("GRT", 8), ("Flag", 9), ("Owner", 10),
                   ("Call sign", 5))


def _entry_remarks(values: list[str | None], remarks: str | None) -> str | None:
    """The published remarks, after the title and vessel details that have no field of their own."""
    if not any(values[4:11]):
        return remarks
    parts = [f"{label}: {value}" for label, index in _DETAIL_COLUMNS if (value := values[index])]
    if remarks:
        parts.append(remarks)
    return "; ".join(parts) or None


# ---------------------------------------------------------------------------------------------------------
# Names


def _make_name(text: str, kind: NameKind, strength: Strength, person: bool) -> Name:
    given, surname = split_person_name(text) if person else (None, None)
    return Name(text, kind=kind, strength=strength, given=given, surname=surname)


def split_person_name(text: str) -> tuple[str | None, str | None]:
    """OFAC writes people as `SURNAME, Given names` (a third part is a suffix: `DELOS REYES, Feliciano
    Semborio, Jr.`). Returns (given, surname); (None, None) when there is no comma."""
    if "," not in text:
        return None, None
    surname, rest = text.split(",", 1)
    given = rest.split(",", 1)[0]
    return given.strip() or None, surname.strip() or None


def _unique_names(primary: str, names: list[Name]) -> tuple[Name, ...]:
    """Other names without repeats; a weak alias repeating a strong name is dropped (strong ones come first)."""
    if not names:
        return ()
    seen = {primary.casefold()}
    kept: list[Name] = []
    for name in names:
        key = name.text.casefold()
        if key not in seen:
            seen.add(key)
            kept.append(name)
    return tuple(kept)


def _unique(items: list[_T]) -> tuple[_T, ...]:
    return tuple(items) if len(items) < 2 else tuple(dict.fromkeys(items))


# ---------------------------------------------------------------------------------------------------------
# Remarks: the facts written as text


class RemarkFacts:
    """What `parse_remarks` found; identifiers carry their label as written in `note`.

    A plain slotted class: one is made per entry, and a dataclass with list factories costs three times
    as much to create."""

    __slots__ = ("citizenships", "countries", "dob_texts", "dobs", "gender", "identifiers", "names",
                 "nationalities")

    def __init__(self) -> None:
        self.names: list[Name] = []
        self.dobs: list[PartialDate] = []
        self.dob_texts: list[str] = []
        self.nationalities: list[str] = []
        self.citizenships: list[str] = []
        self.countries: list[str] = []
        self.gender: str | None = None
        self.identifiers: list[Identifier] = []


_FACT_LABELS = {
    "DOB": "dob",
    "POB": "pob",
    "nationality": "nationality",
    "citizen": "citizen",
    "Gender": "gender",
    "Nationality of Registration": "country",  # a vessel's or aircraft's flag
    "Other Vessel Flag": "country",
    "Registration Country": "country",  # where a company is registered
}
_ID_LABELS: dict[str, IdKind] = {
    **dict.fromkeys(("Passport", "Diplomatic Passport", "Passport Booklet", "Travel Document Number"),
                    IdKind.PASSPORT),
    **dict.fromkeys((
        "National ID No.", "National Foreign ID Number", "Cedula No.", "C.U.R.P.", "D.N.I.",
        "Identification Number", "Personal ID Card", "Turkish Identification Number", "SSN",
        "Credencial electoral", "C.U.I.", "C.U.I.P.", "Numero de Identidad", "Birth Certificate Number",
        "Electoral Registry No.", "Residency Number", "I.F.E.", "Citizen's Card Number", "Kenyan ID No.",
        "Tazkira National ID Card", "Refugee ID Card", "UAE Identification", "LE Number",
        "Cartilla de Servicio Militar Nacional",
    ), IdKind.NATIONAL_ID),
    **dict.fromkeys((
        "Registration Number", "Registration ID", "Business Registration Number",
        "Business Registration Document", "Government Gazette Number", "Folio Mercantil No.",
        "Commercial Registry Number", "Company Number", "UK Company Number",
        "Unified Social Credit Code (USCC)", "United Social Credit Code Certificate (USCCC)",
        "Legal Entity Number", "C.R. No.", "Economic Register Number (CBLS)", "Trade License No.",
        "Matricula Mercantil No", "Chamber of Commerce Number", "Central Registration System Number",
        "Istanbul Chamber of Comm. No.", "Enterprise Number", "Business Number",
        "Certificate of Incorporation Number", "Public Registration Number", "Registered Charity No.",
        "Dubai Chamber of Commerce Membership No.", "Branch Unit Number", "Romanian C.R.",
        "Registration Certificate Number", "Aircraft Tail Number", "Vessel Registration Identification",
    ), IdKind.REGISTRATION),
    **dict.fromkeys((
        "Tax ID No.", "R.F.C.", "RFC", "NIT", "RUC", "RIF", "V.A.T. Number", "Italian Fiscal Code", "US FEIN",
        "C.U.I.T.", "RTN", "C.I.F.",
    ), IdKind.TAX),
    **dict.fromkeys((
        "MMSI", "SWIFT/BIC", "D-U-N-S Number", "Aircraft Manufacturer's Serial Number (MSN)",
        "Aircraft Serial Identification", "Driver's License No.",
    ), IdKind.OTHER),
}


def _fact_pattern(labels: Iterable[str]) -> re.Pattern[str]:
    """One pattern finding every fact segment of a remarks cell, so that the ~60,000 segments of the full
    list that are not facts (`Linked To: ...`, addresses of digital wallets) cost no Python code.

    The text is searched with a `;` put in front, so that every segment starts with `;` and the regex
    engine can skip ahead to the next `;` instead of trying the pattern at every character. A segment is
    a weak alias (`a.k.a. 'NAME'`, apostrophes inside the quotes allowed) or a label, optionally after
    `alt.`, followed by its value up to the next `;`.
    Longest labels first, so that `Passport Booklet` is not read as `Passport` with value `Booklet ...`.
    """
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(
        r";\s*(?:"
        r"(?P<aka>[afn])\.k\.a\.,?\s*'(?P<name>[^;]*)'\s*\.?\s*(?=;|$)"
        r"|(?:[Aa]lt\.\s*)?(?P<label>" + alternatives + r")(?=[\s:#])[\s:#]*(?P<value>[^;]*)"
        r")"
    )


_FACT = _fact_pattern([*_FACT_LABELS, *_ID_LABELS])
_NO_FACTS = RemarkFacts()


def parse_remarks(text: str, *, person: bool, last_segment_cut: bool = False) -> RemarkFacts:
    """Facts from a remarks cell: `DOB 31 Aug 1960; alt. DOB 1953; POB ...; nationality Iran; Gender Male;
    Passport 042833 (Lebanon); a.k.a. 'NAME'; ...`. Segments that are not facts stay in the remarks only.

    With `last_segment_cut` the final segment is ignored: a cell cut at 1,000 characters ends mid-fact.
    """
    facts = RemarkFacts()
    if last_segment_cut:
        text = text[: max(text.rfind(";"), 0)]
    for aka, name, label, value in _FACT.findall(";" + text):
        if aka:
            facts.names.append(_weak_alias(aka, name, person))
            continue
        value = value.rstrip(" .")
        kind = _FACT_LABELS.get(label)
        if not value:
            continue
        if kind is None:
            identifier = parse_identifier(label, value)
            if identifier is not None:
                facts.identifiers.append(identifier)
        elif kind == "dob":
            _add_dob(facts, value)
        elif kind == "nationality":
            facts.nationalities.append(value)
        elif kind == "gender":
            facts.gender = facts.gender or value.capitalize()
        elif kind == "pob":
            country = birth_country(value)
            if country:
                facts.countries.append(country)
        elif kind == "citizen":
            facts.citizenships.append(value)
        else:  # a flag
            facts.countries.append(value)
    return facts


def _add_dob(facts: RemarkFacts, value: str) -> None:
    dates, unparsed = parse_dob(value)
    facts.dobs.extend(d for d in dates if d not in facts.dobs)
    if unparsed and unparsed not in facts.dob_texts:
        facts.dob_texts.append(unparsed)


def _weak_alias(kind: str, text: str, person: bool) -> Name:
    """`a.k.a. 'NAME'` in the remarks is a low-quality alias (`f.k.a.` a former one). Apostrophes inside
    the quotes are part of the name (`'ABU 'AMMAR'`); a name quoted twice (`''FUPI''`) loses one pair."""
    text = text.replace("', '", ", ")
    if len(text) > 2 and text[0] == "'" and text[-1] == "'":
        text = text[1:-1]
    name_kind = NameKind.FORMER if kind == "f" else NameKind.ALIAS
    return _make_name(clean(text) or text, name_kind, Strength.WEAK, person)


# Dates of birth: `31 Aug 1960`, `Aug 1960`, `1955`, `circa 1955`, `10 October 1969`, and ranges
# `1958 to 1960`, `01 Jan 1961 to 31 Dec 1962`, `Mar 1962 to Feb 1963`, `circa 1979-1982`.
_DATE = re.compile(r"^(?:(\d{1,2})\s+)?(?:([A-Za-z]{3,9})\.?\s+)?(\d{4})$")
_CIRCA = re.compile(r"^(?:circa|approximately|approx\.|about)\s+", re.IGNORECASE)
_DATE_RANGE = re.compile(r"^(.+?)\s*(?:\s+to\s+|-|–)\s*(.+)$")
_MONTH_WORDS = frozenset((
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december",
))
_MAX_RANGE_YEARS = 10


def parse_dob(text: str) -> tuple[tuple[PartialDate, ...], str | None]:
    """The dates a DOB value stands for, and the value itself when it is not (wholly) a date.

    A range stands for every year in it (at year precision), so that a list giving one year of the range
    agrees with it instead of conflicting.
    """
    value = _CIRCA.sub("", text.strip())
    single = parse_ofac_date(value)
    if single is not None:
        return (single,), None
    m = _DATE_RANGE.match(value)
    if m:
        first, last = parse_ofac_date(m.group(1)), parse_ofac_date(m.group(2))
        if first is not None and last is not None:
            dates = _range_dates(first, last)
            if dates:
                return dates, None
    return (), clean(text)


def parse_ofac_date(text: str) -> PartialDate | None:
    """`31 Aug 1960`, `Aug 1960` or `1960` (full month names too); None for anything else."""
    m = _DATE.match(text.strip())
    if not m:
        return None
    day_text, month_text, year_text = m.groups()
    month = None
    if month_text is not None:
        if month_text.lower() not in _MONTH_WORDS:
            return None
        month = month_number(month_text)
    elif day_text is not None:
        return None  # a day without a month
    return partial_date(int(year_text), month, int(day_text) if day_text else None)


def _range_dates(first: PartialDate, last: PartialDate) -> tuple[PartialDate, ...]:
    if first == last:
        return (first,)
    if first.year == last.year and first.month is not None and first.month == last.month:
        return (PartialDate(first.year, first.month),)
    if not 0 <= last.year - first.year <= _MAX_RANGE_YEARS:
        return ()
    return tuple(PartialDate(year) for year in range(first.year, last.year + 1))


# Country names OFAC writes inverted, so that their last comma-separated part is not a country on its own.
_INVERTED_TAILS = frozenset((
    "north", "south", "the", "democratic republic of the", "republic of the", "british", "u.s.", "isle of",
    "federated states of", "the republic of", "islamic republic of",
))


def birth_country(place: str) -> str | None:
    """The country of a place of birth: its last part (`Pingyu, Henan, China`), keeping OFAC's inverted
    names whole (`Pyongyang, Korea, North` gives `Korea, North`)."""
    parts = [p for p in (part.strip() for part in place.split(",")) if p]
    if not parts:
        return None
    if len(parts) >= 2 and parts[-1].lower() in _INVERTED_TAILS:
        return f"{parts[-2]}, {parts[-1]}"
    return parts[-1]


_ID_DATES = re.compile(r"[\s,]+(?:issued|expires|Issue Date|Expire Date)\b.*$", re.IGNORECASE | re.DOTALL)
_ID_NUMBER_WORD = re.compile(r"^(?:No\.|No\b|Number\b|#)\s*:?\s*", re.IGNORECASE)  # "Passport No.: 0310857"
_NUMBER_COMMA_COUNTRY = re.compile(r"^([^\s,]+),\s*([A-Z][^,]*)$")  # "0310857, Eritrea"
_IMO_VALUE = re.compile(r"^IMO\s*(\d{7})\b", re.IGNORECASE)
_SEVEN_DIGITS = re.compile(r"^\d{7}$")


def parse_identifier(label: str, value: str) -> Identifier | None:
    """`Passport 042833 (Lebanon) issued ... expires ...` as Identifier(passport, "042833", "Lebanon",
    note="Passport"); `IMO 9187629` after any label is an IMO number."""
    rest = value
    if "ssue" in rest or "xpire" in rest:
        rest = _ID_DATES.sub("", rest)
    if rest[:1] in "N#":
        rest = _ID_NUMBER_WORD.sub("", rest)
    rest, country = _split_trailing_country(rest.rstrip(" ,"))
    if country is None and (m := _NUMBER_COMMA_COUNTRY.match(rest)):
        rest, country = m.group(1), m.group(2)
    number = clean(rest)
    if not number or not any(ch.isalnum() for ch in number):
        return None
    if m := _IMO_VALUE.match(number):
        return Identifier(IdKind.IMO, m.group(1), country, note=label)
    if label == "Vessel Registration Identification" and is_imo_number(number):
        return Identifier(IdKind.IMO, number, country, note=label)
    return Identifier(_ID_LABELS[label], number, country, note=label)


def _split_trailing_country(text: str) -> tuple[str, str | None]:
    """`HRA 738077 (Stuttgart) (Germany)` gives (`HRA 738077`, `Germany`): the last bracket is the country."""
    country = None
    while text.endswith(")"):
        start = text.rfind("(")
        if start < 0:
            break
        country = country or text[start + 1 : -1].strip() or None
        text = text[:start].rstrip()
    return text, country


def is_imo_number(digits: str) -> bool:
    """IMO check digit: the first six digits weighted 7..2, summed; the last digit of the sum is the 7th."""
    if not _SEVEN_DIGITS.match(digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(digits[6])


def _identifier_for(entry_type: EntryType, identifier: Identifier) -> Identifier:
    """An IMO number on a company is the IMO company number, not a ship's: say so in the note."""
    if identifier.kind is IdKind.IMO and entry_type is not EntryType.VESSEL:
        return Identifier(IdKind.IMO, identifier.value, identifier.country, note="IMO company number")
    return identifier


SOURCE = Source(
    code=CODE,
    title=TITLE,
    government="United States",
    layouts=(
        Layout(
            files=(
                SourceFile(SDN_FILE, EXPORTS_URL + SDN_FILE),
                SourceFile(ALT_FILE, EXPORTS_URL + ALT_FILE),
                SourceFile(ADD_FILE, EXPORTS_URL + ADD_FILE, required=False),
                SourceFile(COMMENTS_FILE, EXPORTS_URL + COMMENTS_FILE, required=False),
                SourceFile(ENHANCED_ZIP, EXPORTS_URL + ENHANCED_ZIP, required=False),
                SourceFile(ENHANCED_XML, None, required=False),
            ),
            parse=parse_files,
        ),
    ),
    magnitsky_programs=frozenset({"GLOMAG", "MAGNIT", "UHRPA"}),
    landing_page=LANDING_PAGE,
    bundled=True,
    order=10,
)
