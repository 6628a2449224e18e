"""The United Nations Security Council Consolidated List (`consolidated.xml`): every UN sanctions committee's list.

`<CONSOLIDATED_LIST dateGenerated="2025-11-18T23:00:09.174Z">` holds `<INDIVIDUALS>` and `<ENTITIES>`; each
record has its permanent UN reference (`REFERENCE_NUMBER`, "QDi.001": committee, i/e, number), its name in up
to four parts (FIRST_NAME ... FOURTH_NAME; an entity's whole name is its FIRST_NAME) and the committee's list
(`UN_LIST_TYPE`: "Al-Qaida", "DPRK", "Taliban", ...), which becomes its programme. The reference is both the uid
and `Entry.un_ref`, so lists that cite it (Australia, the UK) can be joined to it exactly.

Choices made on the real data:
- aliases: QUALITY "Good" is a strong alias, "Low" a weak one; entities write "a.k.a." / "f.k.a." instead
  (f.k.a. is a former name). One ALIAS_NAME may hold several names separated by ";" (the Iran list does);
- dates of birth: EXACT with DATE (day) or YEAR, APPROXIMATELY with YEAR (taken as that year), BETWEEN with
  FROM_YEAR/TO_YEAR (every year of the range, as the US parser does), an alias's own DATE_OF_BIRTH; a date given
  only in NOTE ("Nov. 1973", "Between Aug. and Sep. 1977") is read when it can be, else kept as text;
- documents with a NUMBER become identifiers (passport or national id by their type, in English, French or
  Spanish); those without one (the number is inside a sentence) are left out;
- DESIGNATION and TITLE values are the positions; COMMENTS1 is the remark;
- no per-entry page: the UN publishes narrative summaries for some committees only, under addresses that are not
  derived from the reference, so `RawRef.url` stays None.

The UN has no Magnitsky-style regime: `magnitsky_programs` is empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import NamedTuple

from lxml import etree

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
from magcheck.sources._common import clean, iter_children, local_name, parse_xml, partial_date, read_checked
from magcheck.sources.base import Layout, Source, SourceFile
from magcheck.sources.ca import dominant_script
from magcheck.sources.us import parse_dob as parse_english_dob

CODE = "un"
FILE = "consolidated.xml"
TITLE = "United Nations - Security Council Consolidated List"
URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
LANDING_PAGE = "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list"

_RECORDS = {"INDIVIDUALS": ("INDIVIDUAL", EntryType.INDIVIDUAL), "ENTITIES": ("ENTITY", EntryType.ENTITY)}
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_MAX_RANGE_YEARS = 10  # a wider BETWEEN range says too little to compare (the US parser's limit)
_NO_VALUE = frozenset(("na", "n/a", "unknown"))  # SDi.001's nationality is "na"


# ---------------------------------------------------------------------------------------------------------
# Document


@gc_paused()
def parse_files(files: Mapping[str, Path]) -> SanctionsList:
    """The `Layout` parser: read `consolidated.xml` whole and parse it, or raise `ListFileError`."""
    path = files.get(FILE)
    if path is None:
        raise ListFileError(CODE, FILE, "file not found")
    return parse_bytes(read_checked(CODE, path), FILE)


def parse_bytes(data: bytes, file: str = FILE) -> SanctionsList:
    """Parse the file's bytes (about 2 MB: one safe whole-document parse); never returns a partial list."""
    root = parse_xml(CODE, file, data, "CONSOLIDATED_LIST")
    entries: list[Entry] = []
    seen: set[str] = set()
    containers = 0
    for container in iter_children(root):
        record_tag, entry_type = _RECORDS.get(local_name(container), ("", EntryType.ENTITY))
        if not record_tag:
            continue
        containers += 1
        for position, record in enumerate(iter_children(container), start=1):
            if local_name(record) != record_tag:
                continue
            entry = parse_record(record, entry_type, position, file)
            if entry.uid in seen:  # never in the real file; keep both rather than lose one
                entry.uid = f"{entry.uid}~{position}"
            seen.add(entry.uid)
            entries.append(entry)
    if not containers:
        raise ListFileError(CODE, file, "no <INDIVIDUALS> or <ENTITIES> (schema changed?)")
    if not entries:
        raise ListFileError(CODE, file, "no <INDIVIDUAL> or <ENTITY> records (schema changed?)")
    return SanctionsList(code=CODE, title=TITLE, date=_iso_date(root.get("dateGenerated")), files=(file,),
                         entries=entries)


def _iso_date(text: str | None) -> date | None:
    """`2025-11-18T23:00:09.174Z`, `2012-12-31`, `2015-04-07-04:00` (a time-zone suffix): the date part."""
    if not text or len(text.strip()) < 10:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------------------
# Record


class _Record(NamedTuple):
    """What one INDIVIDUAL or ENTITY says, gathered in one pass over its children."""

    texts: dict[str, str]  # single-valued children: REFERENCE_NUMBER, FIRST_NAME, UN_LIST_TYPE, ...
    values: dict[str, list[str]]  # NATIONALITY, DESIGNATION, TITLE: their <VALUE>s
    aliases: list[dict[str, str]]
    dobs: list[dict[str, str]]
    countries: list[str]  # of addresses and places of birth
    documents: list[dict[str, str]]


_MULTI_VALUED = frozenset(("NATIONALITY", "DESIGNATION", "TITLE"))


def _read_record(record: etree._Element) -> _Record:
    found = _Record({}, {}, [], [], [], [])
    for child in iter_children(record):
        tag = local_name(child)
        if tag in _MULTI_VALUED:
            found.values[tag] = [v for v in (clean(e.text) for e in iter_children(child)) if v]
        elif tag.endswith("_ALIAS"):
            found.aliases.append(_fields(child))
        elif tag == "INDIVIDUAL_DATE_OF_BIRTH":
            found.dobs.append(_fields(child))
        elif tag.endswith(("_ADDRESS", "_PLACE_OF_BIRTH")):
            country = clean(_fields(child).get("COUNTRY"))
            if country:
                found.countries.append(country)
        elif tag == "INDIVIDUAL_DOCUMENT":
            found.documents.append(_fields(child))
        elif len(child) == 0 and child.text:
            found.texts[tag] = child.text
    return found


def _fields(element: etree._Element) -> dict[str, str]:
    """Child element texts by tag (text as written; empty children left out)."""
    return {local_name(child): child.text for child in iter_children(element) if child.text and child.text.strip()}


def parse_record(record: etree._Element, entry_type: EntryType, position: int, file: str = FILE) -> Entry:
    """One `<INDIVIDUAL>` or `<ENTITY>` as an `Entry`; `position` (1-based) names it in errors."""
    found = _read_record(record)
    reference = clean(found.texts.get("REFERENCE_NUMBER"))
    if not reference:
        raise ListFileError(CODE, file, f"{local_name(record)} #{position} has no REFERENCE_NUMBER (schema changed?)")
    name_text = clean(" ".join(found.texts.get(part, "") for part in _NAME_PARTS))
    if not name_text:
        raise ListFileError(CODE, file, f"{reference} has no FIRST_NAME (schema changed?)")
    name = Name(name_text, NameKind.PRIMARY, script=dominant_script(name_text))
    dobs, dob_texts = _dates_of_birth(found.dobs, found.aliases)
    values = found.values
    return Entry(
        list=CODE,
        uid=reference,
        type=entry_type,
        name=name,
        other_names=_other_names(name, found),
        programs=tuple(p for p in (clean(found.texts.get("UN_LIST_TYPE")),) if p),
        dobs=dobs,
        dob_texts=dob_texts,
        nationalities=tuple(dict.fromkeys(v for v in values.get("NATIONALITY", ()) if v.casefold() not in _NO_VALUE)),
        countries=tuple(dict.fromkeys(found.countries)),
        gender=clean(found.texts.get("GENDER")),
        identifiers=tuple(dict.fromkeys(i for i in map(_identifier, found.documents) if i)),
        listed=_iso_date(found.texts.get("LISTED_ON")),
        remarks=clean(found.texts.get("COMMENTS1")),
        raw=RawRef(file, f"REFERENCE_NUMBER {reference}"),
        positions=tuple(dict.fromkeys([*values.get("DESIGNATION", ()), *values.get("TITLE", ())])),
        un_ref=reference,
    )


# ---------------------------------------------------------------------------------------------------------
# Names


_QUALITIES = {
    "good": (NameKind.ALIAS, Strength.STRONG),
    "low": (NameKind.ALIAS, Strength.WEAK),
    "a.k.a.": (NameKind.ALIAS, Strength.STRONG),
    "f.k.a.": (NameKind.FORMER, Strength.STRONG),
}


def _other_names(primary: Name, found: _Record) -> tuple[Name, ...]:
    """The original-script name, then the aliases in file order, each once and none equal to the primary."""
    names: dict[str, Name] = {}
    original = clean(found.texts.get("NAME_ORIGINAL_SCRIPT"))
    if original:
        names[original] = Name(original, NameKind.NON_LATIN, script=dominant_script(original))
    for alias in found.aliases:
        kind, strength = _QUALITIES.get((clean(alias.get("QUALITY")) or "").casefold(), (NameKind.ALIAS,
                                                                                        Strength.STRONG))
        for text in alias_names(alias.get("ALIAS_NAME") or ""):
            if text not in names:
                script = dominant_script(text)
                names[text] = Name(text, NameKind.NON_LATIN if script else kind, strength, script=script)
    names.pop(primary.text, None)
    return tuple(names.values())


_BRACKETED = re.compile(r"^(.+?)\s*\(([^()]+)\)$")
_ORIGINAL_SCRIPT_LABEL = re.compile(r"^\s*original script\s*:\s*", re.IGNORECASE)  # "(original script: Абубакар)"


def alias_names(text: str) -> list[str]:
    """The names in one ALIAS_NAME: split on ";" outside brackets, and a name followed by its other-script form
    in brackets split in two: "Jin Tiesan (金铁三)", "حسن غول (Hassan Ghul; Hassan Gul; Hasan Gul)",
    "Abubakar (original script: Абубакар)"."""
    found: list[str] = []
    for part in _split_outside_brackets(text):
        part = part.strip(" ,;")
        match = _BRACKETED.match(part)
        inner = _ORIGINAL_SCRIPT_LABEL.sub("", match.group(2)) if match else ""
        if match and bool(dominant_script(match.group(1))) != bool(dominant_script(inner)):
            found += [match.group(1), *_split_outside_brackets(inner)]
        else:
            found.append(part)
    return [name for name in (clean(f) for f in found) if name]


def _split_outside_brackets(text: str) -> list[str]:
    parts: list[str] = []
    depth = start = 0
    for pos, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == ";" and depth == 0:
            parts.append(text[start:pos])
            start = pos + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


# ---------------------------------------------------------------------------------------------------------
# Dates of birth and documents


def _dates_of_birth(dobs: Iterable[dict[str, str]], aliases: Iterable[dict[str, str]]
                    ) -> tuple[tuple[PartialDate, ...], tuple[str, ...]]:
    found: dict[PartialDate, None] = {}
    unread: dict[str, None] = {}
    for fields in dobs:
        dates, text = _date_of_birth(fields)
        found.update(dict.fromkeys(dates))
        if text:
            unread[text] = None
    for alias in aliases:  # "Jang Hyon U", born 1958-02-22: a date the person is also known by
        dates, text = _date_of_birth({"TYPE_OF_DATE": "EXACT", "DATE": alias.get("DATE_OF_BIRTH", "")})
        found.update(dict.fromkeys(dates))
    return tuple(found), tuple(unread)


def _date_of_birth(fields: Mapping[str, str]) -> tuple[list[PartialDate], str | None]:
    """One INDIVIDUAL_DATE_OF_BIRTH: its dates, and its NOTE when that is all it gives and is not a date."""
    exact = _iso_partial(fields.get("DATE"))
    if exact is not None:
        return [exact], None
    year = _year(fields.get("YEAR"))
    if year is not None:
        return [year], None
    first, last = _year(fields.get("FROM_YEAR")), _year(fields.get("TO_YEAR"))
    if first is not None and last is not None and 0 <= last.year - first.year <= _MAX_RANGE_YEARS:
        return [PartialDate(y) for y in range(first.year, last.year + 1)], None
    note = clean(fields.get("NOTE"))
    if not note:
        return [], None
    dates, unread = parse_english_dob(note.replace("Between ", "").replace(" and ", " to "))
    return (list(dates), None) if dates and unread is None else ([], note)


def _iso_partial(text: str | None) -> PartialDate | None:
    parsed = _iso_date(text)
    return partial_date(parsed.year, parsed.month, parsed.day) if parsed else None


def _year(text: str | None) -> PartialDate | None:
    text = (text or "").strip()
    return partial_date(int(text)) if text.isdigit() and len(text) == 4 else None


def _identifier(fields: Mapping[str, str]) -> Identifier | None:
    """A passport or national identity document with its NUMBER; None when it has no number of its own."""
    number = clean(fields.get("NUMBER"))
    if not number:
        return None
    kind_text = " ".join(clean(fields.get(f)) or "" for f in ("TYPE_OF_DOCUMENT", "TYPE_OF_DOCUMENT2")).casefold()
    if "pass" in kind_text or "pasaporte" in kind_text:  # "Passport", "Numéro de passeport", "Número de pasaporte"
        kind = IdKind.PASSPORT
    elif "ident" in kind_text or "national" in kind_text:
        kind = IdKind.NATIONAL_ID
    else:
        kind = IdKind.OTHER
    country = clean(fields.get("ISSUING_COUNTRY")) or clean(fields.get("COUNTRY_OF_ISSUE"))
    issued = " ".join(f"{label} {value}" for label, value in (("issued", clean(fields.get("DATE_OF_ISSUE"))),
                                                              ("in", clean(fields.get("CITY_OF_ISSUE")))) if value)
    notes = [clean(fields.get("TYPE_OF_DOCUMENT2")), issued, clean(fields.get("NOTE"))]
    return Identifier(kind, number, country, "; ".join(n for n in notes if n) or None)


SOURCE = Source(
    code=CODE,
    title=TITLE,
    government="United Nations Security Council",
    layouts=(Layout((SourceFile(FILE, URL),), parse_files),),
    magnitsky_programs=frozenset(),
    landing_page=LANDING_PAGE,
    bundled=True,
    order=60,
    # Every record has its committee's list and LISTED_ON; 93% of the people a date of birth (Nov 2025).
    expected_fields={"programs": 0.95, "listed": 0.95, "dobs": 0.85},
)
