"""European Union: the Consolidated Financial Sanctions List of the EU Financial Sanctions Files (FSF).

The file is the XML export `xmlFullSanctionsList_1_1` (namespace `http://eu.europa.ec/fpi/fsd/export`): an
`<export generationDate=...>` root holding one `<sanctionEntity>` per target, whose facts are all attributes
of child elements (`regulation`, `subjectType`, `nameAlias`, `birthdate`, `citizenship`, `identification`,
`address`). It is about 25-30 MB, so it is read as a stream: one entity at a time, each cleared once read.

Choices made on real exports (tests/fixtures/eu, files of 2018, 2020 and 2024):
- uid = `logicalId`, not `euReferenceNumber`. The logicalId is on every entity and has not changed since
  2016 at least (Saddam Hussein is 13 and Robert Mugabe 1 in the older FSD export of 2016, as in the 2018, 2020 and
  2024 files); the EU reference number is missing on some entities (logicalId 13 has `EU.27.28` in April 2020
  and none in December 2024), so keying on it when present would change a target's uid between two files.
  The reference number, when given, is kept in the RawRef locator ("logicalId 13 (EU.27.28)").
- listed = the earliest of the entity's `designationDate` and the dates (entry into force, publication) of a
  `regulation` of type "regulation", the act that listed the target. Amending and repealing acts are not
  designation dates: logicalId 5295 was designated on 2008-07-03 but its only regulation is the 2019 amendment
  2019/555; logicalId 191 (Khalid Shaikh Mohammed) has no designationDate and only the 2020 amendment 2020/19,
  so its listing date stays unknown rather than wrong.
- the primary name is the strong, language-neutral `nameAlias` with the lowest logicalId: the oldest name of
  the record, the one the EU first listed (file order is not meaningful: the April 2020 file gives Saddam
  Hussein's French alias "Abou Ali" first, and for logicalId 5295 its UN name "Amor Mohamed Ghedeir", 6721,
  comes after a newer alias 16353). Other names keep `strong` as their strength and `nameLanguage` as their
  script ("French"); a name mostly outside the Latin alphabet is NON_LATIN.
- `subjectType` "person" is an individual and "enterprise" an entity; the file marks no vessels or aircraft.
  Any other code means the schema changed and the whole file is refused.
- a `birthdate` gives a full date, or year / month / day parts; `circa="true"` keeps the stated date (the
  matcher already treats dates a year apart as near); `yearRangeFrom`-`yearRangeTo` becomes each year of the
  span (up to ten), a wider or half-open span stays text ("from 1953", "up to 1980").
- countries are the EU's own name ("Iraq") when it is a plain name, else its ISO code ("CD" for "CONGO,
  Democratic Republic of (was Zaire)"), so every country stays recognisable to the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

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
from magcheck.sources._common import check_not_empty_or_html, clean, partial_date
from magcheck.sources.base import Layout, Source, SourceFile
from magcheck.sources.ca import dominant_script

CODE = "eu"
FILE = "xmlFullSanctionsList_1_1.xml"
TITLE = "European Union - Consolidated Financial Sanctions List (FSF)"
# The public download link with the EU's public token (base64 of "token-2017"), as the Commission's own FSF
# RSS feed lists it (https://webgate.ec.europa.eu/fsd/fsf/public/rss, item "XML - v1.1") and as open parsers
# use it (opensanctions/opensanctions datasets/eu/fsf/eu_fsf.yml `data.url`).
# Downloading it needs patience: the file is generated on request, can take over a minute before the first
# byte and answers HTTP 500 in bursts, so it needs a long read timeout (3 minutes) and more retries than the
# default (5 or 6, several seconds apart). A 2026 report says the Commission began sending automated clients
# to an EU Login page: that arrives as HTML and is refused as such.
URL = "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw"
LANDING_PAGE = (
    "https://data.europa.eu/data/datasets/"
    "consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions?locale=en"
)
# The EU Global Human Rights Sanctions Regime (Regulation (EU) 2020/1998), programme code "HR" in the FSF.
# The EU has no global anti-corruption regime in the FSF: its 2023 proposal had not been adopted in the
# sources checked, and no programme code for one appears in the FSF programme list or in OpenSanctions'
# 43 EU programmes (July 2026). Add its code here once the file carries one.
HUMAN_RIGHTS = "HR"
MAGNITSKY_PROGRAMS = frozenset({HUMAN_RIGHTS})

NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
# Real exports hold 15-30 elements per entity at about 200 bytes each: some 130,000-150,000 elements in 25-30 MB,
# and the largest entity a few hundred (one element per name, date, document, plus its regulationSummary). Far
# above that a file is an attack or a broken export, not a sanctions list; reading stops there.
MAX_ELEMENTS = 1_000_000
MAX_ELEMENTS_PER_ENTITY = 20_000
_HEAD_BYTES = 4096
_DOCTYPE = b"<!DOCTYPE"
_EXPANSION_ERRORS = re.compile(r"amplification|entity reference loop", re.IGNORECASE)
_DOCTYPE_REFUSED = "has a DOCTYPE, which the FSF export never has (entity declarations are refused)"


def _tag(local: str) -> str:
    return f"{{{NAMESPACE}}}{local}"


_ROOT = _tag("export")
_ENTITY = _tag("sanctionEntity")
_REGULATION = _tag("regulation")
_SUBJECT_TYPE = _tag("subjectType")
_NAME_ALIAS = _tag("nameAlias")
_BIRTHDATE = _tag("birthdate")
_CITIZENSHIP = _tag("citizenship")
_IDENTIFICATION = _tag("identification")
_ADDRESS = _tag("address")
_REMARK = _tag("remark")


# ---------------------------------------------------------------------------------------------------------
# Document level


def parse_files(files: Mapping[str, Path]) -> SanctionsList:
    """The `Layout` parser: stream `xmlFullSanctionsList_1_1.xml`, or raise `ListFileError`."""
    path = files.get(FILE)
    if path is None:
        raise ListFileError(CODE, FILE, "file not found")
    return parse_path(path, FILE)


@gc_paused()
def parse_path(path: Path, file: str = FILE) -> SanctionsList:
    """Parse one FSF export; never returns a partial list."""
    _check_head(path, file)
    stream = _EntityStream(path, file)
    entries: list[Entry] = []
    seen: set[str] = set()
    for position, element in enumerate(stream, start=1):
        entry = parse_entity(element, position, file)
        if entry.uid in seen:  # a logicalId twice: keep both, mark the later one (never seen in real files)
            entry.uid = f"{entry.uid}~{position}"
        seen.add(entry.uid)
        entries.append(entry)
    if not entries:
        raise ListFileError(CODE, file, "no <sanctionEntity> elements (schema changed?)")
    return SanctionsList(code=CODE, title=TITLE, date=stream.generated, files=(file,), entries=entries)


def _check_head(path: Path, file: str) -> None:
    """Refuse a missing, unreadable, empty or HTML file before parsing (an EU Login page arrives as 200)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise ListFileError(CODE, file, "file not found") from None
    except OSError as exc:
        raise ListFileError(CODE, file, f"cannot read ({exc.strerror or exc})") from None
    check_not_empty_or_html(CODE, file, head)
    if _DOCTYPE in head:  # refused before libxml2 reads its declarations; `_check_root` catches a later one
        raise ListFileError(CODE, file, _DOCTYPE_REFUSED)


@dataclass
class _EntityStream:
    """The `<sanctionEntity>` elements of a file, one at a time, each freed once the next is read.

    Safe for a file from the network: no DTD, no entity expansion, no network access, libxml2's depth and
    text-size limits (huge_tree off), and counts of elements overall and per entity, so neither a billion
    laughs nor millions of empty elements can exhaust memory.
    """

    path: Path
    file: str
    generated: date | None = None
    elements: int = field(default=0, init=False)

    def __iter__(self) -> Iterator[etree._Element]:
        try:
            yield from self._entities()
        except etree.XMLSyntaxError as exc:
            message = _one_line(exc.msg)
            if _EXPANSION_ERRORS.search(message):  # libxml2's own guard against entity bombs
                raise ListFileError(CODE, self.file, f"entity expansion refused ({message})") from None
            raise ListFileError(CODE, self.file, f"truncated or malformed XML ({message})") from None
        except OSError as exc:  # the file vanished or became unreadable after its first bytes were checked
            raise ListFileError(CODE, self.file, f"cannot read ({exc.strerror or exc})") from None

    def _entities(self) -> Iterator[etree._Element]:
        events = etree.iterparse(
            str(self.path), events=("end",), resolve_entities=False, no_network=True, load_dtd=False,
            huge_tree=False, remove_comments=True, remove_pis=True,
        )
        root: etree._Element | None = None
        inside = 0  # elements read inside the current top-level element
        for _, element in events:
            if root is None:
                root = self._check_root(element)
            if element is root:
                break
            self.elements += 1
            if self.elements > MAX_ELEMENTS:
                raise ListFileError(CODE, self.file, f"more than {MAX_ELEMENTS:,} XML elements: not an FSF export")
            if element.getparent() is not root:
                inside += 1
                if inside > MAX_ELEMENTS_PER_ENTITY:
                    raise ListFileError(CODE, self.file, f"a <{_top_level_name(element, root)}> holds more than "
                                        f"{MAX_ELEMENTS_PER_ENTITY:,} elements: not an FSF export")
                continue
            inside = 0
            if element.tag == _ENTITY:
                yield element
            element.clear()
            while element.getprevious() is not None:
                del root[0]

    def _check_root(self, first: etree._Element) -> etree._Element:
        """Checked at the first element read: no DOCTYPE, and the FSF root in its namespace."""
        tree = first.getroottree()
        if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
            raise ListFileError(CODE, self.file, _DOCTYPE_REFUSED)
        root = tree.getroot()
        name = etree.QName(root)
        if root.tag != _ROOT:
            where = f"namespace {name.namespace}" if name.namespace else "no namespace"
            raise ListFileError(CODE, self.file, f"unexpected XML root <{name.localname}> in {where}, expected "
                                f"<export> in {NAMESPACE} (not the FSF XML 1.1 export?)")
        self.generated = _iso_date(root.get("generationDate"))
        return root


def _top_level_name(element: etree._Element, root: etree._Element) -> str:
    """The local name of the child of the root that `element` sits in."""
    while (parent := element.getparent()) is not None and parent is not root:
        element = parent
    return etree.QName(element).localname


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split()) or "unreadable"


# ---------------------------------------------------------------------------------------------------------
# Entity level


@dataclass(slots=True)
class _Facts:
    """What one `<sanctionEntity>` says, as written, gathered in one pass over its children."""

    subject_type: str = ""
    programmes: list[str] = field(default_factory=list)
    listing_dates: list[date] = field(default_factory=list)
    names: list[_RawName] = field(default_factory=list)
    dobs: list[PartialDate] = field(default_factory=list)
    dob_texts: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class _RawName:
    logical_id: int
    text: str
    given: str | None
    surname: str | None
    strong: bool
    language: str | None
    function: str | None
    title: str | None
    gender: str | None


def parse_entity(entity: etree._Element, position: int, file: str = FILE) -> Entry:
    """One `<sanctionEntity>` as an `Entry`; `position` is its 1-based place in the file, for messages."""
    logical_id = clean(entity.get("logicalId"))
    if logical_id is None:
        raise ListFileError(CODE, file, f"sanctionEntity #{position} has no logicalId (schema changed?)")
    facts = _read_facts(entity)
    entry_type = _entry_type(facts.subject_type, logical_id, file)
    individual = entry_type is EntryType.INDIVIDUAL
    if not facts.names:
        raise ListFileError(CODE, file, f"sanctionEntity logicalId {logical_id} has no name (schema changed?)")
    primary, others = _names(facts.names, individual)
    designated = _iso_date(entity.get("designationDate"))
    listed = min([*facts.listing_dates, *([designated] if designated else [])], default=None)
    reference = clean(entity.get("euReferenceNumber"))
    return Entry(
        list=CODE,
        uid=logical_id,
        type=entry_type,
        name=primary,
        other_names=others,
        programs=tuple(sorted(_unique(facts.programmes))),
        dobs=tuple(dict.fromkeys(facts.dobs)),
        dob_texts=tuple(_unique(facts.dob_texts)),
        citizenships=tuple(_unique(facts.citizenships)),
        countries=tuple(_unique(facts.countries)),
        gender=next((n.gender for n in facts.names if n.gender), None),
        identifiers=tuple(dict.fromkeys(facts.identifiers)),
        listed=listed,
        remarks=_remarks(entity, facts, individual),
        raw=RawRef(file, f"logicalId {logical_id}" + (f" ({reference})" if reference else "")),
        positions=tuple(_unique(n.function for n in facts.names)) if individual else (),
        un_ref=clean(entity.get("unitedNationId")),
    )


def _read_facts(entity: etree._Element) -> _Facts:
    facts = _Facts()
    for child in entity:
        tag = child.tag
        if tag == _NAME_ALIAS:
            _read_name(child, facts)
        elif tag == _REGULATION:
            _read_regulation(child, facts)
        elif tag == _SUBJECT_TYPE:
            facts.subject_type = (child.get("code") or child.get("classificationCode") or "").strip().lower()
        elif tag == _BIRTHDATE:
            _read_birthdate(child, facts)
        elif tag == _CITIZENSHIP:
            facts.citizenships.extend(_country(child))
        elif tag == _ADDRESS:
            facts.countries.extend(_country(child))
            facts.remarks.extend(_child_remarks(child))
        elif tag == _IDENTIFICATION:
            facts.identifiers.extend(_identifiers(child))
        elif tag == _REMARK:
            facts.remarks.extend(_texts([child.text]))
    return facts


_TYPES = {"person": EntryType.INDIVIDUAL, "p": EntryType.INDIVIDUAL, "enterprise": EntryType.ENTITY,
          "e": EntryType.ENTITY}


def _entry_type(code: str, logical_id: str, file: str) -> EntryType:
    if code not in _TYPES:
        shown = f"unknown subjectType {code!r}" if code else "no subjectType"
        raise ListFileError(CODE, file, f"sanctionEntity logicalId {logical_id}: {shown} (schema changed?)")
    return _TYPES[code]


def _read_regulation(regulation: etree._Element, facts: _Facts) -> None:
    """Its programme, and its dates when it is the act that listed the target (not an amendment)."""
    programme = clean(regulation.get("programme"))
    if programme:
        facts.programmes.append(programme)
    if (regulation.get("regulationType") or "").strip().lower() == "regulation":
        for attribute in ("entryIntoForceDate", "publicationDate"):
            found = _iso_date(regulation.get(attribute))
            if found:
                facts.listing_dates.append(found)


def _remarks(entity: etree._Element, facts: _Facts, individual: bool) -> str | None:
    """The entity's remarks, then those on its names and addresses, titles, and an entity's functions."""
    parts = list(facts.remarks)
    parts += _texts([entity.get("designationDetails")])
    parts += [f"Title: {t}" for t in _unique(n.title for n in facts.names)]
    if not individual:  # for an organisation `function` describes it ("Front organisation of ...")
        parts += _unique(n.function for n in facts.names)
    return "; ".join(_unique(parts)) or None


def _child_remarks(element: etree._Element) -> list[str]:
    return _texts(child.text for child in element if child.tag == _REMARK)


def _texts(values: Iterable[str | None]) -> list[str]:
    return [text for value in values if (text := clean(value))]


def _unique(values: Iterable[str | None]) -> list[str]:
    """Cleaned, non-empty, first occurrence kept; trailing separators dropped ("Military," -> "Military")."""
    found: dict[str, None] = {}
    for value in values:
        text = clean(value)
        if text and (text := text.strip(" ,;")):
            found[text] = None
    return list(found)


# ---------------------------------------------------------------------------------------------------------
# Names


# The nameLanguage codes are ISO 639-1; the EU writes its 24 official languages and a few others.
_LANGUAGES = {
    "BG": "Bulgarian", "CS": "Czech", "DA": "Danish", "DE": "German", "EL": "Greek", "EN": "English",
    "ES": "Spanish", "ET": "Estonian", "FI": "Finnish", "FR": "French", "GA": "Irish", "HR": "Croatian",
    "HU": "Hungarian", "IT": "Italian", "LT": "Lithuanian", "LV": "Latvian", "MT": "Maltese", "NL": "Dutch",
    "PL": "Polish", "PT": "Portuguese", "RO": "Romanian", "SK": "Slovak", "SL": "Slovenian", "SV": "Swedish",
    "RU": "Russian", "UK": "Ukrainian", "BE": "Belarusian", "AR": "Arabic", "FA": "Persian", "ZH": "Chinese",
    "KO": "Korean", "KA": "Georgian", "HY": "Armenian", "SR": "Serbian", "TR": "Turkish", "HE": "Hebrew",
}
_GENDERS = {"M": "Male", "F": "Female"}


# A name's remark sometimes grades it ("Low quality alias", "Good quality a.k.a."), as OpenSanctions found in the
# real file: a low-quality name is weak whatever its `strong` says, and the grade itself is no remark.
_QUALITY = re.compile(r"\b(?:low|lo|good|god|high)\s+quality\b", re.IGNORECASE)
_LOW_QUALITY = re.compile(r"\blow?\s+quality\b", re.IGNORECASE)


def _read_name(alias: etree._Element, facts: _Facts) -> None:
    """A `nameAlias` and its remarks; a name-grading remark only makes the name weak."""
    remarks = _child_remarks(alias)
    name = _raw_name(alias.attrib, low_quality=any(_LOW_QUALITY.search(r) for r in remarks))
    if name is not None:
        facts.names.append(name)
        facts.remarks.extend(r for r in remarks if not _QUALITY.search(r))


def _raw_name(attributes: etree._Attrib, low_quality: bool) -> _RawName | None:
    """A `nameAlias` as written; None when it carries no name at all."""
    first, middle, last = (_attribute(attributes, a) for a in ("firstName", "middleName", "lastName"))
    text = _attribute(attributes, "wholeName") or clean(" ".join(p for p in (first, middle, last) if p))
    if not text:
        return None
    language = _attribute(attributes, "nameLanguage")
    gender = _attribute(attributes, "gender")
    return _RawName(
        logical_id=_int_or_max(attributes.get("logicalId")),
        text=text,
        given=" ".join(p for p in (first, middle) if p) or None,
        surname=last,
        strong=attributes.get("strong", "").strip().lower() != "false" and not low_quality,
        language=_LANGUAGES.get(language.upper(), language) if language else None,
        function=_attribute(attributes, "function"),
        title=_attribute(attributes, "title"),
        gender=_GENDERS.get(gender.upper(), gender.capitalize()) if gender else None,
    )


def _attribute(attributes: etree._Attrib, name: str) -> str | None:
    """An attribute's cleaned text; most are present and empty, so the empty case is the fast one."""
    value = attributes.get(name)
    return clean(value) if value else None


def _int_or_max(text: str | None) -> int:
    """A logicalId for ordering; a missing or odd one sorts last."""
    value = (text or "").strip()
    return int(value) if value.isdigit() else 2**63


def _names(raw: list[_RawName], individual: bool) -> tuple[Name, tuple[Name, ...]]:
    """The primary name (see the module docstring) and every other distinct name, strong ones first seen."""
    ordered = sorted(enumerate(raw), key=lambda item: (item[1].logical_id, item[0]))
    candidates = [n for _, n in ordered]
    chosen = next((n for n in candidates if n.strong and n.language is None), None)
    chosen = chosen or next((n for n in candidates if n.strong), None) or candidates[0]
    primary = Name(
        text=chosen.text,
        kind=NameKind.PRIMARY,
        strength=Strength.STRONG,
        given=chosen.given if individual else None,
        surname=chosen.surname if individual else None,
    )
    others: dict[str, Name] = {}
    for name in raw:
        key = name.text.casefold()
        if key == primary.text.casefold():
            continue
        known = others.get(key)
        if known is None or (known.strength is Strength.WEAK and name.strong):
            others[key] = _other_name(name, individual)
    return primary, tuple(others.values())


def _other_name(name: _RawName, individual: bool) -> Name:
    script = dominant_script(name.text)
    return Name(
        text=name.text,
        kind=NameKind.ALIAS if script is None else NameKind.NON_LATIN,
        strength=Strength.STRONG if name.strong else Strength.WEAK,
        given=name.given if individual and script is None else None,
        surname=name.surname if individual and script is None else None,
        script=name.language or script,
    )


# ---------------------------------------------------------------------------------------------------------
# Dates of birth, countries, identifiers

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MAX_RANGE_YEARS = 10


def _iso_date(text: str | None) -> date | None:
    """`2020-04-15`, also the date part of `2020-04-15T15:29:22.497+02:00`; None when absent or not a date."""
    m = _ISO_DATE.match((text or "").strip())
    if not m:
        return None
    parsed = partial_date(int(m[1]), int(m[2]), int(m[3]))
    return date(parsed.year, parsed.month, parsed.day) if parsed and parsed.month and parsed.day else None


def _read_birthdate(birth: etree._Element, facts: _Facts) -> None:
    """A date, year/month/day parts or a span of years; a birth country goes to the record's countries."""
    facts.countries.extend(_country(birth))
    full = _iso_date(birth.get("birthdate"))
    if full:
        facts.dobs.append(PartialDate(full.year, full.month, full.day))
        return
    year, month, day = (_number(birth.get(a)) for a in ("year", "monthOfYear", "dayOfMonth"))
    if year is not None:
        parsed = partial_date(year, month, day if month else None)
        if parsed:
            facts.dobs.append(parsed)
        else:
            facts.dob_texts.append("-".join(str(p) for p in (year, month, day) if p is not None))
        return
    written = clean(birth.get("birthdate"))
    if written:
        facts.dob_texts.append(written)
    _read_year_range(_number(birth.get("yearRangeFrom")), _number(birth.get("yearRangeTo")), facts)


def _read_year_range(first: int | None, last: int | None, facts: _Facts) -> None:
    if first is not None and last is not None and 0 <= last - first <= _MAX_RANGE_YEARS:
        facts.dobs.extend(d for d in (partial_date(y) for y in range(first, last + 1)) if d)
    elif first is not None and last is not None:
        facts.dob_texts.append(f"{first}-{last}")
    elif first is not None:
        facts.dob_texts.append(f"from {first}")
    elif last is not None:
        facts.dob_texts.append(f"up to {last}")


def _number(text: str | None) -> int | None:
    value = (text or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


_PLAIN_COUNTRY = re.compile(r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$")  # letters, spaces, - ' . only
_ISO2 = re.compile(r"^[A-Z]{2}$")


def _country(element: etree._Element) -> list[str]:
    """The country an element names: its plain EU name ("IRAQ" -> "Iraq"), else its ISO code; none for the
    EU's "00" / "UNKNOWN" placeholder."""
    description = clean(element.get("countryDescription"))
    code = (element.get("countryIso2Code") or "").strip().upper()
    if description and description.upper() != "UNKNOWN" and _PLAIN_COUNTRY.match(description):
        return [description.title() if description.isupper() else description]
    if _ISO2.match(code):
        return [code]
    if description and description.upper() != "UNKNOWN":
        return [description]
    return []


_ID_KINDS = {
    "passport": IdKind.PASSPORT,
    "id": IdKind.NATIONAL_ID,
    "nationcert": IdKind.NATIONAL_ID,
    "nrn": IdKind.NATIONAL_ID,
    "regnumber": IdKind.REGISTRATION,
    "fiscalcode": IdKind.TAX,
    "imo": IdKind.IMO,
}
_ID_FLAGS = (("knownFalse", "known false"), ("knownExpired", "known expired"), ("reportedLost", "reported lost"),
             ("revokedByIssuer", "revoked by issuer"), ("diplomatic", "diplomatic"))


def _identifiers(element: etree._Element) -> list[Identifier]:
    """An identification document by `identificationTypeCode`; other codes (tradelic, swiftbic...) are OTHER.

    `number` and a different `latinNumber` (the number in Latin letters) are both kept."""
    kind = _ID_KINDS.get((element.get("identificationTypeCode") or "").strip().lower(), IdKind.OTHER)
    countries = _country(element)
    notes = _texts([element.get("identificationTypeDescription")])
    notes += [label for attribute, label in _ID_FLAGS if (element.get(attribute) or "").strip().lower() == "true"]
    notes += _texts([f"issued by {issuer}" if (issuer := clean(element.get("issuedBy"))) else None])
    notes += _child_remarks(element)
    note = "; ".join(_unique(notes)) or None
    numbers = _unique([element.get("number"), element.get("latinNumber")])
    return [Identifier(kind, number, countries[0] if countries else None, note) for number in numbers]


# The file is built on request: the first byte can take minutes (the retries for its bursts of HTTP 500 are the
# run's, MAGCHECK_RETRIES). About 25-30 MB today; the cap leaves room for growth.
SOURCE_FILE = SourceFile(FILE, URL, read_timeout=300.0, max_bytes=512 * 1024 * 1024)

SOURCE = Source(
    code=CODE,
    title=TITLE,
    government="European Union",
    layouts=(Layout((SOURCE_FILE,), parse_files),),
    magnitsky_programs=MAGNITSKY_PROGRAMS,
    landing_page=LANDING_PAGE,
    bundled=False,  # about 25-30 MB and changed several times a week: never shipped, always downloaded
    order=40,
)
