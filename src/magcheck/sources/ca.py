"""Canada's Consolidated Autonomous Sanctions List (`sema-lmes.xml`): SEMA and JVCFOA designations.

The file is a flat `<data-set>/<record>` list with no record id and no publication date. `Country` names the
*regime* (not a nationality), names come split into given name and surname (individuals) or whole
(`EntityOrShip`), and every other name sits in one free-text `Aliases` field whose separators vary. Since
Aug 2026 the live file names its elements bilingually (`Country-Pays`); both forms are read alike.

Choices made on the real data:
- uid = regime code + schedule code + item ("china-p1-5", "jvcfor-1", "russia-1p1-123"): nothing else is stable.
- `EntityOrShip` with an IMO number or a ship type in `TitleOrShip` is a vessel; its
  `DateOfBirthOrShipBuildDate` is a build year and goes to the remarks ("Vessel type: Oil Tanker; Built:
  2002"), never to `dobs`. For a person `TitleOrShip` is a title ("Title: Brigadier"), also kept in
  English as a position. Since 2026 titles and ship types come in both languages ("General Cargo | Cargo
  classique"): the English half is kept.
- `ShipIMONumber` is an IMO number only when it is one (7 digits, right check digit); a name written there
  is another name of the ship, never digits to make an IMO of (see `read_imo_column`).
- An entity name written "English/French" gives the English one as primary and the French as an alias; an
  "(also known as ...)" inside the name becomes aliases.
- A person's one-word alias (a first name, a nickname) is weak; everything else is strong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii
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
from magcheck.sources._common import (
    clean,
    imo_number,
    iter_children,
    local_tag,
    month_from_word,
    parse_dmy_date,
    parse_xml,
    partial_date,
    read_checked,
)
from magcheck.sources.base import Layout, Source, SourceFile

CODE = "ca"
FILE = "sema-lmes.xml"
TITLE = "Canada - Consolidated Autonomous Sanctions List (SEMA and JVCFOA)"
URL = (
    "https://www.international.gc.ca/world-monde/assets/office_docs/"
    "international_relations-relations_internationales/sanctions/sema-lmes.xml"
)
LANDING_PAGE = (
    "https://www.international.gc.ca/world-monde/international_relations-relations_internationales/"
    "sanctions/consolidated-consolide.aspx?lang=eng"
)
# The Magnitsky law: Justice for Victims of Corrupt Foreign Officials Act and its Regulations.
JVCFOR = "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)"


# ---------------------------------------------------------------------------------------------------------
# Document and record level


@gc_paused()
def parse_files(files: Mapping[str, Path]) -> SanctionsList:
    """The `Layout` parser: read `sema-lmes.xml` whole and parse it, or raise `ListFileError`."""
    path = files.get(FILE)
    if path is None:
        raise ListFileError(CODE, FILE, "file not found")
    return parse_bytes(read_checked(CODE, path), FILE)


def parse_bytes(data: bytes, file: str = FILE) -> SanctionsList:
    """Parse the file's bytes; never returns a partial list."""
    root = _parse_document(data, file)
    entries: list[Entry] = []
    seen: set[str] = set()
    for index, element in enumerate(_iter_records(root), start=1):
        entry = parse_record(_record_fields(element), index, file)
        if entry.uid in seen:  # regime+schedule+item repeated: keep both, mark the later one (never in real data)
            entry.uid = f"{entry.uid}~{index}"
        seen.add(entry.uid)
        entries.append(entry)
    if not entries:
        raise ListFileError(CODE, file, "no <record> elements found (schema changed?)")
    # The file states no publication date; SanctionsList.latest_listing gives the newest DateOfListing.
    return SanctionsList(code=CODE, title=TITLE, date=None, files=(FILE,), entries=entries)


def _parse_document(data: bytes, file: str) -> etree._Element:
    """Safe XML parse; the root must be `data-set` (or a bilingual `data-set-...`), so that another list's
    XML saved under this name is refused rather than read as zero records."""
    return parse_xml(CODE, file, data, "data-set", root_matches=_is_data_set)


def _is_data_set(root_name: str) -> bool:
    return re.sub(r"[^a-z]", "", root_name.lower()).startswith("dataset")


def _iter_records(root: etree._Element) -> Iterable[etree._Element]:
    """`record` elements, also under a bilingual name such as `record-enregistrement`."""
    for child in iter_children(root):
        if _field_key(child.tag) == "record":
            yield child


# Bilingual names that do not keep the English part unchanged (seen in the live file since 2026).
_FIELD_SYNONYMS = {"titleorshiptype": "titleorship"}


@lru_cache(maxsize=256)
def _field_key(tag: str) -> str:
    """`Country-Pays` and `Country` are the same field: the part before the first hyphen, lower-cased
    (namespace, if any, dropped)."""
    key = local_tag(tag).split("-", 1)[0].strip().lower()
    return _FIELD_SYNONYMS.get(key, key)


def _record_fields(record: etree._Element) -> dict[str, str]:
    """The record's non-empty element texts by field key (raw: `Aliases` needs its line breaks)."""
    fields: dict[str, str] = {}
    for child in record:
        text = child.text
        if text and isinstance(child.tag, str) and not text.isspace():
            fields[_field_key(child.tag)] = text
    return fields


def parse_record(fields: Mapping[str, str], index: int, file: str = FILE) -> Entry:
    """One `<record>` (fields keyed by `_field_key`) as an `Entry`; `index` is its 1-based position."""
    for required in ("country", "item"):  # regime and item make the uid: without them nothing is reliable
        if required not in fields:
            raise ListFileError(CODE, file, f"record {index} has no {required.title()} (schema changed?)")
    programme = programme_tag(fields["country"])
    entry_type = _entry_type(fields)
    imo, ship_name = read_imo_column(fields.get("shipimonumber"))
    name, other_names = _names(fields, entry_type, ship_name)
    if not name.text:
        raise ListFileError(CODE, file, f"record {index} has no name (schema changed?)")
    dobs: tuple[PartialDate, ...] = ()
    dob_texts: tuple[str, ...] = ()
    if entry_type is not EntryType.VESSEL:  # for ships the field is a build date, kept in the remarks
        dobs, dob_text = parse_dob(fields.get("dateofbirthorshipbuilddate"))
        dob_texts = (dob_text,) if dob_text else ()
    return Entry(
        list=CODE,
        uid=make_uid(programme, fields.get("schedule"), fields["item"]),
        type=entry_type,
        name=name,
        other_names=other_names,
        programs=(programme,),
        dobs=dobs,
        dob_texts=dob_texts,
        identifiers=(imo,) if imo else (),
        listed=parse_listing_date(fields.get("dateoflisting")),
        remarks=_remarks(fields, entry_type),
        raw=RawRef(file, f"record {index}"),
        positions=_positions(fields, entry_type),
    )


# ---------------------------------------------------------------------------------------------------------
# Regime, uid and Magnitsky scope


@lru_cache(maxsize=256)
def programme_tag(country: str) -> str:
    """The English half of the bilingual `Country` value, whitespace-normalised: "China / Chine" -> "China"."""
    english = country.split(" / ", 1)[0]
    return clean(english) or clean(country) or country


def is_jvcfoa(entry: Entry) -> bool:
    """Listed under Canada's Magnitsky law (Justice for Victims of Corrupt Foreign Officials Act)."""
    return JVCFOR in entry.programs


@lru_cache(maxsize=256)
def regime_code(programme: str) -> str:
    """The acronym in parentheses when there is one ("... (JVCFOR)" -> "jvcfor"), else the slug of the name
    without its parenthesised part ("Myanmar (Burma)" -> "myanmar", "Sri Lanka" -> "sri-lanka")."""
    acronym = re.search(r"\(([A-Z]{2,})\)", programme)
    if acronym:
        return acronym.group(1).lower()
    return _slug(re.sub(r"\([^)]*\)", " ", programme))


@lru_cache(maxsize=256)
def schedule_code(schedule: str | None) -> str:
    """"1, Part 1" -> "1p1", "Part 2" -> "p2", "1.1" -> "1.1"; empty when there is no schedule."""
    if not schedule:
        return ""
    return re.sub(r"[^0-9a-z.]", "", schedule.lower().replace("part", "p"))


def make_uid(programme: str, schedule: str | None, item: str) -> str:
    """Regime + schedule + item: the only thing that identifies a Canadian record ("china-p1-5")."""
    item_code = "".join(item.split()).lower()
    return "-".join(part for part in (regime_code(programme), schedule_code(schedule), item_code) if part)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# ---------------------------------------------------------------------------------------------------------
# Type, primary name and the other record facts


def _entry_type(fields: Mapping[str, str]) -> EntryType:
    """`EntityOrShip` holds entities and ships; a ship has an IMO number and its type in `TitleOrShip`."""
    if clean(fields.get("entityorship")) is None:
        return EntryType.INDIVIDUAL
    if clean(fields.get("shipimonumber")) or clean(fields.get("titleorship")):
        return EntryType.VESSEL
    return EntryType.ENTITY


def _names(fields: Mapping[str, str], entry_type: EntryType,
           ship_name: str | None = None) -> tuple[Name, tuple[Name, ...]]:
    """The primary name and the other names; `ship_name` is a name found in the IMO column."""
    individual = entry_type is EntryType.INDIVIDUAL
    extra: list[tuple[str, str | None]] = [(ship_name, None)] if ship_name else []
    if individual:
        given, surname = clean(fields.get("givenname")), clean(fields.get("lastname"))
        text = " ".join(part for part in (given, surname) if part)
        primary = Name(text=text, given=given, surname=surname)
    elif entry_type is EntryType.VESSEL:
        primary = Name(text=_unwrap(fields["entityorship"]))  # "M/V Maria": never split a ship's name
    else:
        texts, aka_text = _split_entity_name(_unwrap(fields["entityorship"]))
        primary = Name(text=texts[0])
        extra.extend((text, None) for text in texts[1:])
        if aka_text:
            extra.extend(split_aliases(aka_text, individual=False))
    if fields.get("aliases"):
        surname = primary.surname if individual else None
        extra.extend(split_aliases(fields["aliases"], individual=individual, surname=surname))
    return primary, _other_names(primary, extra, individual)


def _other_names(primary: Name, found: list[tuple[str, str | None]], individual: bool) -> tuple[Name, ...]:
    """Each distinct alias once, not repeating the primary name."""
    seen = {primary.text.casefold()}
    names: list[Name] = []
    for text, label in found:
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        names.append(_alias_name(text, label, individual))
    return tuple(names)


def _alias_name(text: str, label: str | None, individual: bool) -> Name:
    """Non-Latin names keep their language (from a `Russian:` prefix) or detected script; a lone word for a
    person (a first name, a nickname) is too vague to match on and is weak."""
    script = dominant_script(text)
    weak = individual and len(text.split()) == 1
    return Name(
        text=text,
        kind=NameKind.ALIAS if script is None else NameKind.NON_LATIN,
        strength=Strength.WEAK if weak else Strength.STRONG,
        script=label or script,
    )


_IMO_WORD = re.compile(r"^IMO\b\W*", re.IGNORECASE)


def read_imo_column(text: str | None) -> tuple[Identifier | None, str | None]:
    """`ShipIMONumber` as (identifier, ship name): a 7-digit number with a valid check digit (optionally
    written "IMO ...") is the IMO number; a few live records hold a name there instead (one in its own
    script), which is another name of the ship, never digits to make an IMO of; a number that is no valid
    IMO number is kept, as an `other` identifier."""
    value = clean(text)
    if not value:
        return None, None
    imo = imo_number(value)
    if imo:
        return Identifier(IdKind.IMO, imo), None
    if _LETTER.search(_IMO_WORD.sub("", value)):
        return None, value
    return Identifier(IdKind.OTHER, value, note="ShipIMONumber, not a valid IMO number"), None


# The live file writes a title or a ship type in both languages since 2026, "General Cargo | Cargo classique"
# (spaces on either side or none); the 2025 file writes ranks "Major General/major-général".
_BILINGUAL_BAR = re.compile(r"\s*\|\s*")
_FRENCH_AFTER_SLASH = re.compile(r"\s*/\s*(?=[a-zà-ÿ])")


def english_half(text: str | None) -> str | None:
    """The English half of a bilingual title or ship type ("General Cargo | Cargo classique" -> "General
    Cargo"); a value in one language comes back whole."""
    cleaned = clean(text)
    if not cleaned:
        return None
    return clean(_BILINGUAL_BAR.split(cleaned, 1)[0]) or cleaned


def _positions(fields: Mapping[str, str], entry_type: EntryType) -> tuple[str, ...]:
    """A person's `TitleOrShip` (a rank: "Brigadier", "Major General/major-général"), in English."""
    if entry_type is not EntryType.INDIVIDUAL:
        return ()
    title = english_half(fields.get("titleorship"))
    if not title:
        return ()
    return (clean(_FRENCH_AFTER_SLASH.split(title, 1)[0]) or title,)


def _remarks(fields: Mapping[str, str], entry_type: EntryType) -> str | None:
    """`TitleOrShip` is a person's title or a ship's type; a ship's build date is not a date of birth."""
    title = english_half(fields.get("titleorship"))
    parts: list[str] = []
    if entry_type is EntryType.VESSEL:
        if title:
            parts.append(f"Vessel type: {title}")
        built = clean(fields.get("dateofbirthorshipbuilddate"))
        if built:
            parts.append(f"Built: {built}")
    elif title:
        parts.append(f"Title: {title}")
    return "; ".join(parts) or None


# ---------------------------------------------------------------------------------------------------------
# Dates


def parse_listing_date(text: str | None) -> date | None:
    """`DateOfListing` is ISO `yyyy-mm-dd`; anything else is dropped rather than guessed."""
    cleaned = clean(text)
    if not cleaned:
        return None
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        return parse_dmy_date(cleaned)


_OR = re.compile(r"\s+or\s+", re.IGNORECASE)
_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?[-\s](\d{2}|\d{4})$")  # "Sep-99" (Excel), "Sep 1999"
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[-\s]([A-Za-z]{3,9})\.?[-\s](\d{4})$")
_MAX_RANGE_YEARS = 10


def parse_dob(text: str | None) -> tuple[tuple[PartialDate, ...], str | None]:
    """Dates of birth as written (`1965-04-29`, `1972`, `1955-11`, `1960 or 1961`, `1963-1964`, `Sep-99`),
    and the whole text verbatim when some part is not a date (`born in the early 1970s`)."""
    cleaned = clean(text)
    if not cleaned:
        return (), None
    dates: list[PartialDate] = []
    complete = True
    for part in _OR.split(cleaned):
        parsed = _parse_date_part(part.strip())
        complete = complete and bool(parsed)
        for found in parsed:
            if found not in dates:
                dates.append(found)
    return tuple(dates), (None if complete else cleaned)


def _parse_date_part(text: str) -> list[PartialDate]:
    if m := _ISO_PARTIAL.match(text):
        month, day = (int(g) if g else None for g in m.groups()[1:])
        parsed = partial_date(int(m.group(1)), month, day)
        return [parsed] if parsed else []
    if m := _YEAR_RANGE.match(text):  # "1963-1964": born in one of these years
        first, last = int(m.group(1)), int(m.group(2))
        if not 0 < last - first <= _MAX_RANGE_YEARS:
            return []
        return [d for d in (partial_date(y) for y in range(first, last + 1)) if d]
    if m := _MONTH_YEAR.match(text):
        month, year = month_from_word(m.group(1)), _full_year(m.group(2))
        parsed = partial_date(year, month) if month else None
        return [parsed] if parsed else []
    if m := _DAY_MONTH_YEAR.match(text):
        month = month_from_word(m.group(2))
        parsed = partial_date(int(m.group(3)), month, int(m.group(1))) if month else None
        return [parsed] if parsed else []
    return []


def _full_year(digits: str) -> int:
    """Two-digit years as Excel reads them (00-29 -> 2000s, 30-99 -> 1900s): "Sep-99" is Sept 1999."""
    if len(digits) == 4:
        return int(digits)
    year = int(digits)
    return 2000 + year if year < 30 else 1900 + year


# ---------------------------------------------------------------------------------------------------------
# Scripts


_SCRIPT_NAMES = {"CJK": "Han"}
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")


@lru_cache(maxsize=1024)
def _char_script(char: str) -> str:
    first = unicodedata.name(char, "LATIN").split(" ", 1)[0]
    return _SCRIPT_NAMES.get(first, first.title())


def dominant_script(text: str) -> str | None:
    """The script of a name written mostly outside the Latin alphabet ("Cyrillic", "Arabic", "Hebrew",
    "Han"...), named after its first non-Latin letter; None for a Latin name.

    By majority, because Cyrillic names in the file carry stray Latin look-alikes ("Cергей", "Миланa")."""
    if text.isascii():
        return None
    non_latin = _NON_LATIN_LETTER.search(text)
    if non_latin is None or 2 * len(_LATIN_LETTER.findall(text)) >= len(_LETTER.findall(text)):
        return None
    return _char_script(non_latin.group())


# ---------------------------------------------------------------------------------------------------------
# Splitting the free-text Aliases field
#
# The field is one string per record with every separator the editors ever used: ";" and "," (lists),
# " or " and "/" (alternatives, sometimes of one word only), " and " (lists, but also inside names),
# line breaks (either separators or mere wrapping), and language labels ("Belarusian: ..., Russian: ...").
# The rule, checked on every alias in the real file:
#   1. a language label starts a new segment; its language becomes the script of the names that follow;
#   2. a line break separates only where the script changes across it (otherwise it is wrapping);
#   3. ";" separates, outside matched parentheses ("(ЦНИИМаш, АО)");
#   4. "," separates too, except that a piece made only of legal-form words ("LLC", "Ltd.", "АО", "ООО")
#      belongs to its neighbour ("Завод "Дагдизель", АО", "Foshan ... Co., Ltd."), a piece starting with a
#      lower-case word continues the name ("Министерство образования, науки и молодежи"), and a person's
#      "Surname, Given Patronymic" is one name when the lone word is the record's surname transliterated;
#   5. " or " (also ", or ") separates; for a person a lone word is a variant of one word of the full
#      name next to it ("Katsiaryna or Katerina Smuschkovich", "... Карниенко or Карниенка");
#   6. " and " separates for a person, for non-Latin text, or when both sides carry a legal form
#      ("GSK Advance Co. Ltd. and GSK for Advanced Business Co. Ltd."), never in plain Latin entity names
#      ("Myanma Investment and Commercial Bank");
#   7. "/" separates outside parentheses; lone words before a longer name share its tail
#      ("Alexander /Alexandr Vladimirovich Karnienko", "Victory/Pobeda Political Bloc").


_LANGUAGES = (
    "Russian", "Belarusian", "Belarussian", "Ukrainian", "Arabic", "Persian", "Farsi", "Hebrew", "Chinese",
    "Armenian", "Georgian", "Burmese", "Korean", "Serbian", "Kazakh", "Kyrgyz", "Tajik", "Uzbek", "Romanian",
)
_LANGUAGE_LABEL = re.compile(rf"(?<!\w)({'|'.join(_LANGUAGES)})\s*:\s*", re.IGNORECASE)
_LANGUAGE_SPELLING = {"belarussian": "Belarusian"}

_ANY_SEPARATOR = re.compile(r"[;,/\n\r:()\u202f\u200b\u2028\u2029]|\s(?:or|and)\s", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"[;,]")
_SEMICOLON = re.compile(r";")
_COMMA_OR = re.compile(r",\s*or\s+", re.IGNORECASE)
_COMMA = re.compile(r",")
_NOT_CONTINUATION = re.compile(r"^(?:(?:or|and|the|et)\b|[ld]['’])")
_OR_SEPARATOR = re.compile(r"\s+or\s+|^or\s+", re.IGNORECASE)
_AND_SEPARATOR = re.compile(r"\s+and\s+", re.IGNORECASE)
_SLASH = re.compile(r"\s*/\s*")

_LEGAL_WORDS = frozenset((
    "llc", "ltd", "limited", "liability", "inc", "co", "corp", "corporation", "company", "jsc", "ojsc", "pjsc",
    "cjsc", "oao", "zao", "ooo", "pao", "ao", "sc", "fsue", "fzco", "fze", "dmcc", "gmbh", "sa", "plc", "llp",
    "lp", "pte", "tov", "sarl", "bv", "nv", "ag", "public", "joint", "stock", "joint-stock", "open", "closed",
    "ао", "оао", "зао", "ооо", "пао", "сао", "нао", "фгуп", "фгбу", "мк", "тов", "уп", "одо", "чуп",
    "акционерное", "общество", "открытое", "закрытое", "публичное", "некоммерческое", "партнерство", "с",
    "ограниченной", "ответственностью",
))
# Latin letters typed by mistake inside Cyrillic words ("Общество c oграниченной ..."), read as Cyrillic.
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LOOKALIKES_TO_CYRILLIC = str.maketrans("aceopxyABCEHKMOPTX", "асеорхуАВСЕНКМОРТХ")
_WORD_BREAK = re.compile(r"[\s,.()'’\"“”«»„]+")
_HYPHEN_AT_LINE_END = re.compile(r"-[ \t]*\n\s*")
_LONGEST_LEGAL_FORM = 60  # "Общество с ограниченной ответственностью (ООО)"
_QUOTES = "\"“”«»„"
_NOISE_PREFIX = re.compile(r"^(?:or|and|also|aka|a\.k\.a\.?|also known as)\s+", re.IGNORECASE)
_NOISE_SUFFIX = re.compile(r"\s+(?:aka|a\.k\.a\.?)$", re.IGNORECASE)
# Text that needs more than whitespace clean-up: separators or brackets at an end, "also"/"AKA" words.
_UNTIDY = re.compile(
    r"^[\s,;:/\-–—(\"“”«»„]|[\s,;:/\-–—)\"“”«»„]$|\s\s|^(?:or|and|also|aka|a\.k\.a)\b|\b(?:aka|a\.k\.a\.?)$",
    re.IGNORECASE,
)
_BRACKETS_OR_QUOTES = re.compile(r"[()\"“”«»„]")
_AKA_IN_NAME = re.compile(r"\(?\s*\b(?:also\s+known\s+as|a\.k\.a\.?)\s+", re.IGNORECASE)


def split_aliases(
    raw: str, *, individual: bool, surname: str | None = None
) -> list[tuple[str, str | None]]:
    """The names in an `Aliases` value, each with the language label it came under (or None).

    `surname` (a person's) lets "Баранов, Олег Анатольевич" be read as one name written surname first."""
    if not _ANY_SEPARATOR.search(raw):  # most values are a single name: no separator of any kind
        name = _tidy(raw.replace("\u00a0", " "))
        return [(name, None)] if name and not _is_legal_form_only(name) else []
    text = _prepare(raw)
    names: list[tuple[str, str | None]] = []
    for label, segment in _language_segments(text):
        for chunk in _unwrap_lines(segment):
            names.extend((name, label) for name in _split_list(chunk, individual, surname))
    return names


def _prepare(raw: str) -> str:
    text = raw.replace("\r", "").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u200b", "")
    text = _HYPHEN_AT_LINE_END.sub("-", text)  # "Almaz-\nAntey": a hyphen at a line end joins the word
    return _COMMA_OR.sub(" or ", text)  # "Alexander, or Alexandr Valerievich Kalinin": one alternative


def _unwrap(text: str) -> str:
    """A name field wrapped over several lines, as one line."""
    return clean(_prepare(text)) or ""


def _language_segments(text: str) -> list[tuple[str | None, str]]:
    pieces = _LANGUAGE_LABEL.split(text)
    segments: list[tuple[str | None, str]] = [(None, pieces[0])]
    for i in range(1, len(pieces), 2):
        language = pieces[i].lower()
        segments.append((_LANGUAGE_SPELLING.get(language, language.title()), pieces[i + 1]))
    return segments


def _unwrap_lines(segment: str) -> list[str]:
    """Join wrapped lines; a line break where the script changes ("Nilforushan\\n عباس") separates names."""
    chunks: list[str] = []
    for line in segment.split("\n"):
        if not line.strip():
            continue
        if chunks:
            before = _line_script(_LIST_SEPARATOR.split(chunks[-1])[-1])
            after = _line_script(_LIST_SEPARATOR.split(line, 1)[0])
            if before is None or after is None or before == after:
                chunks[-1] = f"{chunks[-1]} {line}"
                continue
        chunks.append(line)
    return chunks


def _line_script(text: str) -> str | None:
    """"Latin", a script name, or None when there are no letters or as many Latin letters as others."""
    letters = len(_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if not letters or 2 * latin == letters:
        return None
    return "Latin" if 2 * latin > letters else dominant_script(text)


def _split_list(text: str, individual: bool, surname: str | None = None) -> list[str]:
    names: list[str] = []
    for item in _split_top_level(text, _SEMICOLON):
        pieces = _glue_legal_forms(_join_lowercase_continuations(_split_top_level(item, _COMMA)))
        for piece in _surname_first(pieces, surname):
            for alternative in _split_or(piece, individual):
                for part in _split_and(alternative, individual):
                    names.extend(_split_slash(part, individual))
    tidy = (_tidy(name) for name in names)
    return [name for name in tidy if name and not _is_legal_form_only(name)]


def _surname_first(pieces: list[str], surname: str | None) -> list[str]:
    """"Баранов, Олег Анатольевич": one name, surname first, when the lone word is the record's surname in
    any script (compared transliterated); otherwise the pieces are separate names ("Sergei, Serhii ...")."""
    if surname is None or len(pieces) != 2:
        return pieces
    first, rest = pieces[0].split(), pieces[1].split()
    if len(first) == 1 and len(rest) >= 2 and _translit(first[0]) == _translit(surname):
        return [" ".join([*rest, first[0]])]
    return pieces


def _translit(text: str) -> str:
    return re.sub(r"[^a-z]", "", anyascii(text).lower())


def _join_lowercase_continuations(pieces: list[str]) -> list[str]:
    """A comma before a lower-case word is inside a name, not between names: "Министерство образования,
    науки и молодежи", "Université Shahid Beheshti, faculté de génie" (but not "..., the Basij",
    "..., l'Armée des Gardiens", "..., or Alexandr")."""
    joined: list[str] = []
    for piece in pieces:
        head = piece.lstrip()
        if joined and head[:1].islower() and not _NOT_CONTINUATION.match(head):
            joined[-1] = f"{joined[-1]},{piece}"
        else:
            joined.append(piece)
    return joined


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans inside matched parentheses; stray unmatched ones (common in the file) protect nothing."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for pos, char in enumerate(text):
        if char == "(":
            stack.append(pos)
        elif char == ")" and stack:
            start = stack.pop()
            if not stack:
                spans.append((start, pos))
    return spans


def _split_top_level(text: str, separator: re.Pattern[str]) -> list[str]:
    spans = _protected(text) if "(" in text else []
    parts: list[str] = []
    start = 0
    for match in separator.finditer(text):
        if any(lo < match.start() < hi for lo, hi in spans):
            continue
        parts.append(text[start:match.start()])
        start = match.end()
    parts.append(text[start:])
    return parts


def _legal_words(text: str) -> list[str]:
    return [w for w in _WORD_BREAK.split(text.lower()) if w]


def _is_legal_word(word: str, cyrillic_context: bool) -> bool:
    if word in _LEGAL_WORDS:
        return True
    return cyrillic_context and word.translate(_LOOKALIKES_TO_CYRILLIC) in _LEGAL_WORDS


def _is_legal_form_only(text: str) -> bool:
    """Only legal-form words ("ООО", "Co., Ltd."), which name no one on their own."""
    if len(text) > _LONGEST_LEGAL_FORM:
        return False
    words = _legal_words(text)
    cyrillic = _CYRILLIC.search(text) is not None
    return bool(words) and all(_is_legal_word(w, cyrillic) for w in words)


def _has_legal_form(text: str) -> bool:
    return any(w in _LEGAL_WORDS for w in _legal_words(text))


def _glue_legal_forms(pieces: list[str]) -> list[str]:
    """Re-attach a comma piece that is only a legal form to its name: "Банк Зенит, ПАО", "ОАО, БЭТО"."""
    glued: list[str] = []
    pending_prefix = ""
    for piece in pieces:
        if _is_legal_form_only(piece):
            if glued:
                glued[-1] = f"{glued[-1]},{piece}"
            else:
                pending_prefix = f"{pending_prefix}{piece},"
            continue
        glued.append(pending_prefix + piece)
        pending_prefix = ""
    if pending_prefix:
        glued.append(pending_prefix.rstrip(","))
    return glued


def _split_or(text: str, individual: bool) -> list[str]:
    parts = [p.strip() for p in _split_top_level(text, _OR_SEPARATOR)]
    parts = [p for p in parts if p]
    return _share_words(parts) if individual else parts


def _share_words(parts: list[str]) -> list[str]:
    """Lone words next to a full name are variants of one of its words: before it, of the first word
    ("Katsiaryna or Katerina Smuschkovich"); after it, of the last ("... Карниенко or Карниенка")."""
    if len(parts) < 2:
        return parts
    words = [p.split() for p in parts]
    out: list[str] = []
    for i, part_words in enumerate(words):
        if len(part_words) != 1:
            out.append(parts[i])
            continue
        before = next((w for w in reversed(words[:i]) if len(w) > 1), None)
        after = next((w for w in words[i + 1:] if len(w) > 1), None)
        if before is not None:
            out.append(" ".join([*before[:-1], part_words[0]]))
        elif after is not None:
            out.append(" ".join([part_words[0], *after[1:]]))
        else:
            out.append(parts[i])
    return out


def _split_and(text: str, individual: bool) -> list[str]:
    parts = [p.strip() for p in _split_top_level(text, _AND_SEPARATOR)]
    if len(parts) == 1:
        return parts
    if individual:
        return _share_words([p for p in parts if p])
    # An entity: split only where both sides are clearly separate names.
    merged = [parts[0]]
    for part in parts[1:]:
        left = merged[-1]
        both_non_latin = dominant_script(left) is not None and dominant_script(part) is not None
        if both_non_latin or (_has_legal_form(left) and _has_legal_form(part)):
            merged.append(part)
        else:
            merged[-1] = f"{left} and {part}"
    return merged


def _split_slash(text: str, individual: bool) -> list[str]:
    parts = [p.strip() for p in _split_top_level(text, _SLASH)]
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return parts
    words = [p.split() for p in parts]
    last = words[-1]
    if len(last) > 1 and all(len(w) == 1 for w in words[:-1]):  # "Victory/Pobeda Political Bloc"
        return [" ".join([w[0], *last[1:]]) for w in words[:-1]] + [parts[-1]]
    return parts


def _tidy(text: str) -> str:
    """Strip leftover separators, stray parentheses and quotes, and words such as "also" or "AKA"."""
    if not _UNTIDY.search(text) and not _BRACKETS_OR_QUOTES.search(text):
        return " ".join(text.split()) if _LETTER.search(text) else ""
    previous = None
    while previous != text:
        previous = text
        text = text.lstrip(" \t\n,;:/-–—)").rstrip(" \t\n,;:/-–—(")
        text = _NOISE_PREFIX.sub("", text)
        text = _NOISE_SUFFIX.sub("", text)
        if text.startswith("(") and text.count("(") > text.count(")"):
            text = text[1:]
        if text.endswith(")") and text.count(")") > text.count("("):
            text = text[:-1]
        if text.startswith("(") and text.endswith(")") and len(_protected(text)) == 1:
            text = text[1:-1]
        quotes = sum(text.count(q) for q in _QUOTES)
        if text[:1] in _QUOTES and text[-1:] in _QUOTES and quotes == 2:
            text = text[1:-1]
        elif text[:1] in _QUOTES and quotes % 2:
            text = text[1:]
        elif text[-1:] in _QUOTES and quotes % 2:
            text = text[:-1]
    text = " ".join(text.split())
    return text if _LETTER.search(text) else ""


def _split_entity_name(text: str) -> tuple[list[str], str | None]:
    """An entity's `EntityOrShip`: its English/French halves ("Iranian Army/Armée iranienne") and any
    "(also known as ...)" list it carries. The first name is the primary one."""
    aka_text: str | None = None
    match = _AKA_IN_NAME.search(text)
    if match and match.start() > 0:
        aka_text = text[match.end():].strip()
        if aka_text.endswith(")") and aka_text.count(")") > aka_text.count("("):
            aka_text = aka_text[:-1]
        text = text[:match.start()]
    names = [_tidy(part) for part in _split_slash(text, individual=False)]
    names = [name for name in names if name] or [_tidy(text) or text.strip()]
    return names, aka_text


SOURCE = Source(
    code=CODE,
    title=TITLE,
    government="Canada",
    layouts=(Layout((SourceFile(FILE, URL),), parse_files),),
    magnitsky_programs=frozenset({JVCFOR}),
    landing_page=LANDING_PAGE,
    bundled=True,
    order=30,
    expected_fields={"programs": 0.95, "listed": 0.95},  # every real record has a regime and a listing date
    un_listings_elsewhere=True,
)
