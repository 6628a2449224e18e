"""United Kingdom: the FCDO UK Sanctions List XML and the former OFSI Consolidated List CSV (`ConList.csv`).

Both layouts describe the same designations and are read into the same model, so a snapshot taken in either
format aligns the same way:

- one `Entry` per OFSI group (one person, body or ship). The FCDO file gives a person listed under two regimes
  two `<Designation>`s sharing an `OFSIGroupID`; ConList gives one group whose rows repeat per regime. Both
  become one entry carrying every regime, so the matcher sees each target once;
- `uid` is the UK Sanctions List UniqueID (`GHR0078`): the FCDO `<UniqueID>`, or in ConList the
  `(UK Sanctions List Ref):` inside "Other Information". A group with several is known by the lowest in plain
  string order (regime prefix, then number: "BEL0047" before "GHR0051"), in both layouts and whatever the
  file order, so a reordered file gives the same uids; the others stay in `RawRef.locator` ("UniqueID
  BEL0047, GHR0051"), and the lowest one's Designation gives the primary name. When ConList has no usable
  ref the uid is `OFS<Group ID>`, the form the FCDO snapshot uses for the same groups;
- programmes are the regimes' short names as OFSI wrote them ("Global Human Rights", "Iran (Nuclear)"); the
  FCDO's full regulation titles are shortened by rule, and re-spelt titles ("Isil (Da'esh) and Al-Qaeda",
  2026) get the known spelling (see `regime_short_name`);
- measures (`SanctionsImposed`), positions, the UN reference, registration and tax numbers and a ship's
  flags (as countries) and type (in the remarks) are kept; ConList states no measures.

Both files repeat values (ConList has one row per name x date of birth x address): everything is
de-duplicated, and both layouts feed the same `_Group` record so one function builds every `Entry`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
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
from magcheck.sources._common import (
    clean,
    decode_text,
    imo_number,
    local_tag,
    parse_dmy,
    parse_dmy_date,
    parse_xml,
    partial_date,
    read_checked,
)
from magcheck.sources.base import Layout, Source, SourceFile

LIST_CODE = "uk"
TITLE = "United Kingdom - UK Sanctions List (FCDO)"
XML_FILE = "UK-Sanctions-List.xml"
CSV_FILE = "ConList.csv"
XML_URL = "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml"
LANDING_PAGE = "https://www.gov.uk/government/publications/the-uk-sanctions-list"
MAGNITSKY_PROGRAMS = frozenset({"Global Human Rights", "Global Anti-Corruption"})


# --- Regimes -------------------------------------------------------------------------------------------

_REGIME_MARKERS = re.compile(r"\((?:Sanctions|EU Exit|United Nations Sanctions)\)", re.IGNORECASE)
_REGIME_QUALIFIER = re.compile(r"\(([^()]+?)\s+Sanctions\)", re.IGNORECASE)


# The regimes' short names as OFSI's ConList wrote them (April 2025), and those of later regimes. A title that
# shortens to one of them in another spelling ("Isil (Da'esh) and Al-Qaeda", the live file's since 2026) gets
# this spelling, so a programme tag does not change when the FCDO re-spells a title.
KNOWN_REGIMES = (
    "Afghanistan", "Belarus", "Bosnia and Herzegovina", "Central African Republic", "Chemical Weapons",
    "Counter-Terrorism (Domestic)", "Counter-Terrorism (International)", "Cyber",
    "Democratic People's Republic of Korea", "Democratic Republic of the Congo", "Global Anti-Corruption",
    "Global Human Rights", "Guinea", "Guinea-Bissau", "Haiti", "ISIL (Da'esh) and Al-Qaida", "Iran",
    "Iran (Nuclear)", "Iraq", "Libya", "Mali", "Myanmar", "Nicaragua", "Russia", "Somalia", "South Sudan",
    "Sudan", "Syria", "Venezuela", "Yemen", "Zimbabwe",
    "Global Irregular Migration and Trafficking in Persons",  # 2025, after the ConList snapshot
)
_SPELLING_VARIANTS = (("qaeda", "qaida"),)  # lower-case: the live file's spelling, OFSI's
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def _regime_key(short_name: str) -> str:
    """A short name compared blind to case, punctuation and known spelling variants."""
    key = short_name.casefold()
    for variant, usual in _SPELLING_VARIANTS:
        key = key.replace(variant, usual)
    return _NOT_LETTER_OR_DIGIT.sub("", key)


_KNOWN_BY_KEY = {_regime_key(name): name for name in KNOWN_REGIMES}


@lru_cache(maxsize=256)
def regime_short_name(name: str) -> str:
    """The OFSI short name of a regime, from either that short name or the FCDO regulation title.

    "The Iran (Sanctions) (Nuclear) (EU Exit) Regulations 2019" -> "Iran (Nuclear)": drop "The", the
    "Regulations <year>" tail, the "(Sanctions)", "(EU Exit)" and "(United Nations Sanctions)" markers and a
    trailing "Sanctions"; "(International Sanctions)" -> "(International)"; "Republic of Belarus" -> "Belarus".
    One case no rule reaches: the domestic counter-terrorism regulations have no qualifier in their title,
    OFSI calls them "Counter-Terrorism (Domestic)". Short names pass through unchanged. A result that is a
    known regime in another spelling or casing is given the known spelling (`KNOWN_REGIMES`).
    """
    short = _shortened_title(name)
    return _KNOWN_BY_KEY.get(_regime_key(short), short)


def _shortened_title(name: str) -> str:
    text = clean(name) or ""
    text = re.sub(r"^The\s+", "", text)
    text = re.sub(r"\s+Regulations(?:\s+\d{4})?$", "", text)
    text = _REGIME_MARKERS.sub(" ", text)
    text = _REGIME_QUALIFIER.sub(r"(\1)", text)
    text = re.sub(r"\s+Sanctions$", "", clean(text) or "")
    text = re.sub(r"^Republic of\s+", "", text)
    if text == "Counter-Terrorism":
        return "Counter-Terrorism (Domestic)"
    return text


# --- Values shared by both layouts ---------------------------------------------------------------------

_TYPES = {
    "individual": EntryType.INDIVIDUAL,
    "entity": EntryType.ENTITY,
    "ship": EntryType.VESSEL,
    "vessel": EntryType.VESSEL,
    "aircraft": EntryType.AIRCRAFT,
}

# "(1) Russia (2) Ukraine", "(1) to (6) Algeria (7) Morocco", "(1-3) Libya (4) Morocco", "(3)Uganda"
_NUMBERING = re.compile(r"\(\s*\d+\s*(?:-\s*\d+\s*)?\)(?:\s*to\s*\(\s*\d+\s*\))?")
_LOWERCASE_NOTE = re.compile(r"\s*\([a-z][^()]*\)$")  # "Iraq (previous address)", "Russia (as at Nov 2010)"
_YEAR = re.compile(r"^\d{4}$")
_MONTH_YEAR = re.compile(r"^(\d{1,2}|mm)/(\d{4})$", re.IGNORECASE)


class _RawName(NamedTuple):
    parts: tuple[str, ...]  # Name1..Name5 (given / middle names), then Name6 (surname or whole name)
    name_type: str
    quality: str


@dataclass(slots=True)
class _Group:
    """What one OFSI group says, as written; both layouts fill it, so one function normalises both."""

    key: str
    locator: str  # names the group in errors, and in RawRef when it has no UniqueID
    show_group_id: bool = False  # ConList: RawRef adds "Group ID n", the way to find the rows in the CSV
    type_text: str = ""
    uids: list[str] = field(default_factory=list)
    names: list[_RawName] = field(default_factory=list)
    non_latin: list[tuple[str, str, str]] = field(default_factory=list)  # text, script type, language
    regimes: list[str] = field(default_factory=list)
    designated: list[str] = field(default_factory=list)
    dobs: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    genders: list[str] = field(default_factory=list)
    passports: list[tuple[str, str]] = field(default_factory=list)  # number(s), details
    national_ids: list[tuple[str, str]] = field(default_factory=list)
    imos: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    other_info: list[str] = field(default_factory=list)
    registrations: list[str] = field(default_factory=list)  # business registration number texts, as written
    un_refs: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)  # SanctionsImposed texts ("Asset freeze|Travel Ban")
    measure_flags: list[str] = field(default_factory=list)  # SanctionsImposedIndicators set true ("TravelBan")
    flags: list[str] = field(default_factory=list)  # a ship's current and previous flags
    ship_types: list[str] = field(default_factory=list)

    def absorb(self, other: _Group) -> None:
        """Merge another designation of the same group (a second regime) into this one."""
        for f in fields(self):
            mine = getattr(self, f.name)
            if isinstance(mine, list):
                mine.extend(getattr(other, f.name))


def _add_facts(group: _Group, facts: _LabelledFacts) -> None:
    group.un_refs += facts.un_refs
    group.registrations += facts.registrations
    group.flags += facts.flags


def _unique(values: Iterable[str | None]) -> list[str]:
    """Cleaned, non-empty, first occurrence kept (raw duplicates are dropped before cleaning: cheaper)."""
    found: dict[str, None] = {}
    for value in dict.fromkeys(values):
        if value and (cleaned := clean(value)):
            found[cleaned] = None
    return list(found)


def split_numbered(text: str | None) -> list[str]:
    """Split "(1) Russia. (2) Ukraine" into its items; text without leading numbering is one item."""
    return list(_split_numbered(text or ""))


@lru_cache(maxsize=4096)  # the same few hundred countries and nationalities come back thousands of times
def _split_numbered(text: str) -> tuple[str, ...]:
    text = clean(text) or ""
    parts = _NUMBERING.split(text) if _NUMBERING.match(text) else [text]
    return tuple(item for item in (p.strip(" .,;") for p in parts) if item)


def _split_all(texts: Iterable[str]) -> list[str]:
    return _unique(item for text in dict.fromkeys(texts) for item in _split_numbered(text))


@lru_cache(maxsize=8192)
def parse_uk_dob(text: str) -> PartialDate | None:
    """`dd/mm/yyyy` with `dd`/`mm`/`00` for unknown parts, and ConList's bare `1961` and `10/1966`."""
    text = text.strip()
    parsed = parse_dmy(text)
    if parsed is not None:
        return parsed
    if _YEAR.match(text):
        return partial_date(int(text))
    m = _MONTH_YEAR.match(text)
    if m:
        month = int(m[1]) if m[1].isdigit() and int(m[1]) else None
        return partial_date(int(m[2]), month)
    return None


@lru_cache(maxsize=64)
def _name_kind(name_type: str) -> NameKind:
    """NameType / Alias Type in any casing ("ALias"); an unknown kind is still a name, taken as an alias."""
    kind = " ".join(name_type.lower().split())
    if kind.startswith("primary"):
        return NameKind.VARIATION if "variation" in kind else NameKind.PRIMARY
    if kind.startswith(("fka", "f.k.a", "former")):
        return NameKind.FORMER
    return NameKind.ALIAS


def _latin_name(raw: _RawName, individual: bool) -> Name | None:
    kind = _name_kind(raw.name_type)
    given_parts = [c for p in raw.parts[:5] if p and (c := clean(p))]
    surname = clean(raw.parts[5]) if len(raw.parts) > 5 and raw.parts[5] else None
    text = clean(" ".join([*given_parts, surname or ""]))
    if not text:
        return None
    # Quality only counts for aliases: the FCDO gives AliasStrength on aliases alone, while ConList also marks
    # a few primary-name variations "Low quality"; ignoring those keeps both layouts equal.
    weak = kind in (NameKind.ALIAS, NameKind.FORMER) and raw.quality.strip().lower().startswith("low")
    return Name(
        text=text,
        kind=kind,
        strength=Strength.WEAK if weak else Strength.STRONG,
        given=(" ".join(given_parts) or None) if individual else None,
        surname=surname if individual else None,
    )


def _names(group: _Group, individual: bool, file: str) -> tuple[Name, tuple[Name, ...]]:
    """The primary name (the first "Primary Name"; later ones become variations) and the other names."""
    latin = [n for raw in dict.fromkeys(group.names) if (n := _latin_name(raw, individual)) is not None]
    if not latin:
        raise ListFileError(LIST_CODE, file, f"{group.locator} has no name")
    primary_at = next((i for i, n in enumerate(latin) if n.kind is NameKind.PRIMARY), None)
    if primary_at is None:  # a few groups have only "Primary name variation" rows
        primary_at = next((i for i, n in enumerate(latin) if n.kind is NameKind.VARIATION), 0)
    first = latin[primary_at]
    primary = Name(first.text, NameKind.PRIMARY, Strength.STRONG, first.given, first.surname)
    others: dict[Name, None] = {}
    for i, name in enumerate(latin):
        if i == primary_at or name.text == primary.text:
            continue
        if name.kind is NameKind.PRIMARY:
            name = Name(name.text, NameKind.VARIATION, name.strength, name.given, name.surname)
        others[name] = None
    return primary, (*others, *_non_latin_names(group.non_latin))


def _non_latin_names(found: Iterable[tuple[str, str, str]]) -> list[Name]:
    """One name per non-Latin text; its script is the language, else the script type, wherever given.

    ConList repeats a non-Latin name on several rows, not always with its language.
    """
    scripts: dict[str, str | None] = {}
    for text, script_type, language in dict.fromkeys(found):
        script = clean(language) or clean(script_type)
        if scripts.get(text) is None:
            scripts[text] = script
    return [Name(text, NameKind.NON_LATIN, script=script) for text, script in scripts.items()]


def _identifiers(kind: IdKind, values: Iterable[tuple[str, str]]) -> list[Identifier]:
    """Numbered numbers pair with numbered details: "(1) 223611 (2) C00146605" / "(1) Libya (2) British"."""
    found: list[Identifier] = []
    for numbers_text, details_text in dict.fromkeys(values):
        numbers = split_numbered(numbers_text)
        details = split_numbered(details_text)
        for i, number in enumerate(numbers):
            note = details[i] if len(details) == len(numbers) else clean(details_text)
            found.append(Identifier(kind, number, note=note))
    return found


def _imo(text: str) -> Identifier:
    """The FCDO writes "IMO8691702", ConList "8691702": the number, when its check digit is right; anything
    else is kept as written, but not as an IMO number."""
    number = imo_number(text)
    if number:
        return Identifier(IdKind.IMO, number)
    return Identifier(IdKind.OTHER, clean(text) or text, note="IMO number field, not a valid IMO number")


# --- Measures, UN references, registration numbers ----------------------------------------------------

_CAMEL_WORD = re.compile(r"(?<=[a-z])(?=[A-Z])")


@lru_cache(maxsize=256)
def _measure_words(text: str, camel_case: bool = False) -> tuple[str, ...]:
    """"Asset freeze|Travel Ban" (or an indicator's name, "TravelBan") as measures in one spelling: "Travel
    Ban" -> "Travel ban"; the FCDO capitalises them inconsistently. Acronyms stay as written."""
    found = []
    for part in (_CAMEL_WORD.sub(" ", text) if camel_case else text).split("|"):
        words = part.lower().split() if part.isupper() else part.split()
        measure = " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in words)
        if measure:
            found.append(measure[0].upper() + measure[1:])
    return tuple(found)


def _measures(group: _Group) -> tuple[str, ...]:
    """`SanctionsImposed` and the indicators set true (`<TravelBan>true`): "Asset freeze", "Travel ban",
    "Director disqualification sanction", "Prohibition of port entry"."""
    if not group.measures and not group.measure_flags:
        return ()
    words = [word for text in group.measures for word in _measure_words(text)]
    words += [word for name in group.measure_flags for word in _measure_words(name, camel_case=True)]
    return tuple(dict.fromkeys(words))


_UN_REF = re.compile(r"([A-Z]{2})([A-Za-z])\.\s*(\d{3})\b")


def _un_ref(texts: list[str]) -> str | None:
    """The UN reference, in the UN's spelling ("QDe.145" for ConList's "QDE.145", "CDi.037" for "CDi. 037");
    the lowest when a group has several, so the choice does not depend on file order."""
    if not texts:
        return None
    found = []
    for text in _unique(texts):
        m = _UN_REF.match(text)
        found.append(f"{m[1]}{m[2].lower()}.{m[3]}" if m else text)
    return min(found) if found else None


# Business registration numbers are free text, in ConList ("Business Reg No") and in the FCDO XML
# (`BusinessRegistrationNumber`) alike: "(1) OGRN: 1027700456024 (2) INN: 7725075060", "Russian TIN:
# 7718763393", "1137711000074 (Russia)", "9709056472 - Russia INN", "UK Company no. 06527449". Each number
# keeps the label it was written with as its note; its kind follows the label (a tax number, or another code
# such as a KPP that names no one company); a number without a label is a registration number, the field's
# own name. The country is the one the text states, or the one a label belongs to (an OGRN is Russian).
_TAX_LABELS = (
    "Tax Identification Number", "Taxpayer Identification Number", "Taxpayer ID", "Tax ID Number/INN",
    "Tax ID Number", "Tax ID No", "Tax ID", "VAT Tax Number", "VAT Number", "Tax Number",
    "INN/TIN", "УНН/ИНН", "TIN", "INN",
)
_REGISTRATION_LABELS = (
    "Registration Number/OGRN", "BIN/OGRN", "OGRN", "State Registration Number", "SRN",
    "Business Registration Number", "Business Identification Number", "Company Registration Number",
    "Commercial Register Number", "Trade Register Number", "Turkish Trade Registry", "Registration Number",
    "UK Company no", "Unified Social Credit Code", "USCC", "Legal Entity Identifier", "Legal Entity Number",
    "Government Gazette Number", "SPARK code", "USREOU code", "China Organisation code", "UEN ID", "BIN",
    "BRN", "BR No", "BR", "CRN", "CR No", "CR Number", "CR", "License number",
)
_OTHER_LABELS = ("KPP", "OKTMO", "SWIFT/BIC", "SWIFT/BIN", "BIK")
_LABEL_KINDS = {
    **dict.fromkeys((label.casefold() for label in _TAX_LABELS), IdKind.TAX),
    **dict.fromkeys((label.casefold() for label in _REGISTRATION_LABELS), IdKind.REGISTRATION),
    **dict.fromkeys((label.casefold() for label in _OTHER_LABELS), IdKind.OTHER),
}
_LABEL_COUNTRIES = {"ogrn": "Russia", "bin/ogrn": "Russia", "registration number/ogrn": "Russia", "kpp": "Russia",
                    "oktmo": "Russia", "uk company no": "United Kingdom"}
# Country words the field uses, before a label ("Russian TIN") or in brackets after a number ("(Russia)").
_COUNTRY_WORDS = {"russia": "Russia", "russian": "Russia", "belarus": "Belarus", "belarusian": "Belarus",
                  "kazakhstan": "Kazakhstan", "estonia": "Estonia", "bvi": "British Virgin Islands", "ru": "Russia"}
_LABEL_PATTERN = "|".join(re.escape(label) for label in sorted(_LABEL_KINDS, key=len, reverse=True))
_REGISTRATION_TOKEN = re.compile(
    r"(?P<separator>\(\s*\d{1,2}\s*\)|[;,·]|\.(?=\s+[A-Z(]))"  # "(2)", ";", ", ", ". Tax ID ..."
    rf"|(?<![\w/])(?P<label>{_LABEL_PATTERN})(?:\s+(?:No|Number|number)\b)?\.?(?![\w/]|-\w)"  # not "BR-99"
    r"|\((?P<bracket>[^()]*)\)"
    r"|(?P<word>[\w][\w./-]*[\w]|\w)",
    re.IGNORECASE,
)
_DATE_VALUE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_SHORTEST_NUMBER = 4  # "License number: 328" names nothing anyone could look up


@dataclass(slots=True)
class _Number:
    """A number being read, with the label and country found for it so far."""

    text: str
    end: int  # where it ends in the text, to join "19036 9982" into one number
    label: str | None
    country: str | None


def registration_identifiers(text: str) -> list[Identifier]:
    """The registration and tax numbers in one business-registration text (see the comment above)."""
    numbers: list[_Number] = []
    for item in _registration_items(text.replace("–", "-").replace("\u00a0", " ")):
        numbers += _item_numbers(item)
    found: dict[tuple[IdKind, str], Identifier] = {}
    for number in numbers:
        if sum(c.isalnum() for c in number.text) < _SHORTEST_NUMBER:
            continue
        label = number.label
        kind = _LABEL_KINDS[label.casefold()] if label else IdKind.REGISTRATION
        country = number.country or (_LABEL_COUNTRIES.get(label.casefold()) if label else None)
        found.setdefault((kind, number.text), Identifier(kind, number.text, country, note=label))
    return list(found.values())


def _registration_items(text: str) -> list[list[re.Match[str]]]:
    """The text's tokens, split into items at "(n)" numbering, ";" and "," and at sentence ends."""
    items: list[list[re.Match[str]]] = [[]]
    for token in _REGISTRATION_TOKEN.finditer(text):
        if token["separator"] is not None:
            items.append([])
        else:
            items[-1].append(token)
    return [item for item in items if item]


def _item_numbers(tokens: list[re.Match[str]]) -> list[_Number]:
    """Numbers with the label before them ("OGRN: 1027700456024"), or after them when nothing follows the
    label ("9709056472 - Russia INN", "440111000105746 (Company registration number)")."""
    numbers: list[_Number] = []
    label: str | None = None
    country: str | None = None
    for token in tokens:
        word, bracket = token["word"], token["bracket"]
        last = numbers[-1] if numbers else None
        if token["label"] is not None:
            label = clean(token["label"])
        elif bracket is not None:
            inner = clean(bracket) or ""
            if inner.casefold() in _LABEL_KINDS:
                label = inner
            elif (named := _COUNTRY_WORDS.get(inner.casefold())) and last is not None and last.country is None:
                last.country = named
        elif word.casefold() in _COUNTRY_WORDS:
            country = _COUNTRY_WORDS[word.casefold()]
        elif any(c.isdigit() for c in word) and not _DATE_VALUE.fullmatch(word):
            if last is not None and last.end == _gap_start(token) and label is None:
                last.text, last.end = f"{last.text} {word}", token.end()  # "1 149 102 007 933", "19036 9982"
            else:
                numbers.append(_Number(word, token.end(), label, country))
                label = country = None
    if label is not None and numbers and numbers[-1].label is None:
        numbers[-1].label = label
        numbers[-1].country = numbers[-1].country or country
    return numbers


def _gap_start(token: re.Match[str]) -> int:
    """Where the whitespace before a token starts: the end of the token just before it, if only spaces part
    them."""
    start = token.start()
    text = token.string
    while start > 0 and text[start - 1] == " ":
        start -= 1
    return start


def _registration_numbers(texts: list[str]) -> list[Identifier]:
    return [identifier for text in _unique(texts) for identifier in registration_identifiers(text)] if texts else []


def _dobs(texts: Iterable[str]) -> tuple[tuple[PartialDate, ...], tuple[str, ...]]:
    parsed: dict[PartialDate, None] = {}
    unparsed: dict[str, None] = {}
    for text in _unique(texts):
        dob = parse_uk_dob(text)
        if dob is None:
            unparsed[text] = None
        else:
            parsed[dob] = None
    return tuple(parsed), tuple(unparsed)


def _countries(texts: Iterable[str]) -> tuple[str, ...]:
    """Address and birth countries, without notes such as "(previous address)"."""
    return tuple(_unique(_LOWERCASE_NOTE.sub("", item) for item in _split_all(texts)))


_FLAG_LIST = re.compile(r"(?<!\bSt)\.\s+(?=[A-Z])")  # ConList "(Previous flags):Panama. South Korea"


def _flags(texts: list[str]) -> list[str]:
    return [flag for text in texts for flag in _FLAG_LIST.split(text)] if texts else []


def _remarks(group: _Group) -> str | None:
    """Titles, positions, a ship's type and other information; the (long) statement of reasons is left out."""
    parts = [f"Title: {t}" for t in _split_all(group.titles)]
    parts += [f"Position: {p}" for p in _unique(group.positions)]
    parts += [f"Vessel type: {t}" for t in _unique(group.ship_types)] if group.ship_types else []
    parts += _unique(group.other_info)
    return "; ".join(parts) or None


@lru_cache(maxsize=4096)  # a few thousand distinct dates, each written on many designations
def _designation_date(text: str) -> date | None:
    """A `DateDesignated` / "UK Sanctions List Date Designated" value: dd/mm/yyyy, else None (never a guess)."""
    return parse_dmy_date(clean(text))


def _locator(group: _Group, uids: list[str]) -> str:
    if not group.uids:
        return group.locator
    locator = f"UniqueID {', '.join(uids)}"
    return f"{locator}, Group ID {group.key}" if group.show_group_id else locator


def _build_entry(group: _Group, file: str) -> Entry:
    """Normalise one group into the common model: the same code for both layouts."""
    type_key = (clean(group.type_text) or "").lower()
    if type_key not in _TYPES:
        raise ListFileError(LIST_CODE, file, f"{group.locator}: unknown type {group.type_text!r} (schema changed?)")
    entry_type = _TYPES[type_key]
    primary, others = _names(group, entry_type is EntryType.INDIVIDUAL, file)
    dobs, dob_texts = _dobs(group.dobs)
    designated = [d for d in map(_designation_date, _unique(group.designated)) if d]
    genders = _unique(g.strip().capitalize() for g in group.genders)
    uids = sorted(_unique(group.uids)) or [f"OFS{group.key}"]  # the lowest UniqueID is the uid: see _merged
    identifiers = [
        *_identifiers(IdKind.PASSPORT, group.passports),
        *_identifiers(IdKind.NATIONAL_ID, group.national_ids),
        *(_imo(text) for text in _unique(group.imos)),
        *_registration_numbers(group.registrations),
    ]
    return Entry(
        list=LIST_CODE,
        uid=uids[0],
        type=entry_type,
        name=primary,
        other_names=others,
        programs=tuple(sorted(_unique(regime_short_name(r) for r in _unique(group.regimes)))),
        dobs=dobs,
        dob_texts=dob_texts,
        nationalities=tuple(_split_all(group.nationalities)),
        countries=_countries([*group.countries, *_flags(group.flags)]),  # a ship's flags, as the US list has them
        gender=genders[0] if genders else None,
        identifiers=tuple(dict.fromkeys(identifiers)),
        listed=min(designated) if designated else None,  # None when no date is given or readable: never guessed
        remarks=_remarks(group),
        raw=RawRef(file, _locator(group, uids)),
        positions=tuple(_split_all(group.positions)) if group.positions else (),
        measures=_measures(group),
        un_ref=_un_ref(group.un_refs),
    )


# --- FCDO XML ------------------------------------------------------------------------------------------

# Leaf elements whose local names are unique in the FCDO schema, and the `_Group` list each one feeds.
# Dispatching on the name in one pass over a designation is several times faster than walking each path.
_XML_LEAVES = {
    "UniqueID": "uids",
    "RegimeName": "regimes",
    "DateDesignated": "designated",
    "Title": "titles",
    "OtherInformation": "other_info",
    "AddressCountry": "countries",
    "CountryOfBirth": "countries",
    "IMONumber": "imos",
    "DOB": "dobs",
    "Nationality": "nationalities",
    "Position": "positions",
    "Gender": "genders",
    "UNReferenceNumber": "un_refs",
    "SanctionsImposed": "measures",
    "BusinessRegistrationNumber": "registrations",
    "CurrentBelievedFlagOfShip": "flags",
    "PreviousFlag": "flags",
    "TypeOfShip": "ship_types",
}


def _child_texts(element: etree._Element) -> dict[str, str]:
    return {local_tag(child.tag): child.text or "" for child in element}


def _read_designation(designation: etree._Element) -> tuple[str, _Group]:
    """One `<Designation>` as a group of its own, keyed by its OFSIGroupID (or UniqueID when absent)."""
    group = _Group(key="", locator="")
    group_id = ""
    namespaced = designation.tag[:1] == "{"
    for element in designation.iter(etree.Element):  # elements only: no comments
        tag = local_tag(element.tag) if namespaced else element.tag
        target = _XML_LEAVES.get(tag)
        if target is not None:
            if element.text and element.text.strip():
                getattr(group, target).append(element.text)
        elif tag == "Name":
            parts = _child_texts(element)
            group.names.append(_RawName(tuple(parts.get(f"Name{i}", "") for i in range(1, 7)),
                                        parts.get("NameType", ""), parts.get("AliasStrength", "")))
        elif tag == "NonLatinName":
            parts = _child_texts(element)
            text = clean(parts.get("NameNonLatinScript"))
            if text:
                group.non_latin.append(
                    (text, parts.get("NonLatinScriptType", ""), parts.get("NonLatinScriptLanguage", "")))
        elif tag == "Passport":
            parts = _child_texts(element)
            group.passports.append((parts.get("PassportNumber", ""), parts.get("PassportAdditionalInformation", "")))
        elif tag == "NationalIdentifier":
            parts = _child_texts(element)
            group.national_ids.append((parts.get("NationalIdentifierNumber", ""),
                                       parts.get("NationalIdentifierAdditionalInformation", "")))
        elif tag == "IndividualEntityShip":
            group.type_text = element.text or ""
        elif tag == "OFSIGroupID":
            group_id = clean(element.text) or ""
        elif tag == "SanctionsImposedIndicators":  # <TravelBan>true</TravelBan>, <AssetFreeze>false</AssetFreeze>
            group.measure_flags += [name for name, text in _child_texts(element).items()
                                    if text.strip().lower() == "true"]
    for text in group.other_info:
        _add_facts(group, _other_information_facts(text))
    uid = clean(group.uids[0]) if group.uids else None
    group.key = group_id or uid or ""
    group.locator = f"UniqueID {uid}"
    return uid or "", group


def _check_designation(uid: str, group: _Group, position: int, file: str) -> None:
    """A designation without UniqueID or names means the schema changed: refuse the whole file."""
    if not uid:
        raise ListFileError(LIST_CODE, file, f"Designation #{position} has no UniqueID (schema changed?)")
    if not any(clean(part) for raw in group.names for part in raw.parts):
        raise ListFileError(LIST_CODE, file, f"Designation {uid} has no Names/Name (schema changed?)")


@gc_paused()
def parse_xml_files(files: Mapping[str, Path]) -> SanctionsList:
    """Parse the FCDO `UK-Sanctions-List.xml` (about 10 MB: one safe whole-document parse is fast enough)."""
    path = files[XML_FILE]
    data = read_checked(LIST_CODE, path)
    root = parse_xml(LIST_CODE, path.name, data, "Designations")
    groups: dict[str, list[tuple[str, _Group]]] = {}
    undated: list[str] = []
    generated = None
    position = 0
    for element in root:
        tag = local_tag(element.tag)
        if tag == "DateGenerated":
            generated = parse_dmy_date(clean(element.text))
        elif tag == "Designation":
            position += 1
            uid, group = _read_designation(element)
            _check_designation(uid, group, position, path.name)
            if group.designated and any(_designation_date(text) is None for text in group.designated):
                undated.append(uid)
            groups.setdefault(group.key, []).append((uid, group))
    if not groups:
        raise ListFileError(LIST_CODE, path.name, "no <Designation> elements (schema changed?)")
    return SanctionsList(
        code=LIST_CODE,
        title=TITLE,
        date=generated,
        files=(path.name,),
        entries=[_build_entry(_merged(designations), path.name) for designations in groups.values()],
        warnings=[_undated_warning(undated)] if undated else [],
    )


def _undated_warning(uids: list[str]) -> str:
    """Unreadable designation dates are left out, never guessed; many at once would mean the format changed."""
    shown = ", ".join(sorted(uids)[:3]) + (", ..." if len(uids) > 3 else "")
    return (f"{XML_FILE}: {len(uids)} designation(s) with a DateDesignated that is not a dd/mm/yyyy date "
            f"({shown}); they have no listing date")


def _merged(designations: list[tuple[str, _Group]]) -> _Group:
    """One group from the designations sharing an OFSIGroupID (a person under two regimes), taken in
    UniqueID order, not file order: the lowest UniqueID gives the primary name and the locator, and
    `_build_entry` makes it the uid, so a reordered file gives the same entry."""
    ordered = sorted(designations, key=lambda designation: designation[0])
    group = ordered[0][1]
    for _, other in ordered[1:]:
        group.absorb(other)
    return group


# --- OFSI ConList.csv ----------------------------------------------------------------------------------

_NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
_REQUIRED_COLUMNS = (*_NAME_COLUMNS, "Group ID", "Group Type", "Alias Type", "Regime", "Other Information")
# "(Label):value" segments of "Other Information"; labels start with a capital ("(UN Ref):", "(Gender):").
_OTHER_INFO_LABEL = re.compile(r"\(([A-Z][A-Za-z /'-]{0,60})\):")
_UNIQUE_ID = re.compile(r"[A-Z]{3}\d{4}")
_UID_LIST = re.compile(r"\s*([A-Z]{3}\d{4}(?:\s*(?:,|and|&)\s*[A-Z]{3}\d{4})*)\s*\.?\s*")


def _labelled_segments(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split "Other Information" into its leading text and its "(Label):value" segments, in order."""
    matches = list(_OTHER_INFO_LABEL.finditer(text))
    if not matches:
        return text, []
    segments = []
    for m, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        segments.append((m[1], text[m.end():end].strip()))
    return text[: matches[0].start()], segments


class _LabelledFacts(NamedTuple):
    """Facts "Other Information" carries as "(Label):value" segments: ConList's, and the FCDO XML's of the
    snapshot re-laid from it (the live FCDO file gives them elements of their own)."""

    un_refs: list[str]
    registrations: list[str]
    flags: list[str]


_FACT_LABELS = {"UN Ref": 0, "Business Reg No": 1, "Flag of ship": 2, "Previous flags": 2}


def labelled_facts(segments: Iterable[tuple[str, str]]) -> _LabelledFacts:
    """The UN reference, business registration numbers and ship flags among "(Label):value" segments."""
    facts = _LabelledFacts([], [], [])
    for label, value in segments:
        slot = _FACT_LABELS.get(label)
        if slot is None or not (text := clean(value)):
            continue
        if slot == 0:  # "(UN Ref):CFi.010. Ali Kony is ...": the reference only, when there is one
            ref = _UN_REF.match(text)
            if ref:
                facts.un_refs.append(ref[0])
        else:
            facts[slot].append(text)
    return facts


def _other_information_facts(text: str) -> _LabelledFacts:
    return labelled_facts(_labelled_segments(text)[1]) if "):" in text else _LabelledFacts([], [], [])


class _OtherInfo(NamedTuple):
    uids: list[str]
    gender: str | None
    imos: list[str]
    remark: str | None
    facts: _LabelledFacts


def read_other_information(text: str) -> _OtherInfo:
    """Pull the UniqueID(s), gender and IMO out of ConList's "Other Information"; the rest is the remark.

    The statement of reasons is left out (the FCDO file has it in its own element). The ref can read
    "BEL0047 and GHR0051. Listed under ..." (two regimes): both ids are kept, the text stays a remark.
    The UN reference, registration numbers and flags are read too (`labelled_facts`) and stay in the remark.
    """
    lead, segments = _labelled_segments(text)
    uids: list[str] = []
    gender = None
    imos: list[str] = []
    kept = [lead]
    for label, value in segments:
        if label == "UK Sanctions List Ref":
            m = _UID_LIST.match(value)
            if m:
                uids += _UNIQUE_ID.findall(m[1])
                kept.append(value[m.end():])
            else:  # "SDi.005." is no UniqueID: the group gets the OFS<Group ID> uid
                kept.append(value.partition(" ")[2])
        elif label == "Gender":
            gender = value
        elif label == "IMO number":
            imos.append(value)
            kept.append(f"({label}):{value}")
        elif label != "UK Statement of Reasons":
            kept.append(f"({label}):{value}")
    return _OtherInfo(uids, gender, imos, clean(" ".join(kept)), labelled_facts(segments))


def _read_last_updated(first_line: str, file: str) -> date | None:
    cells = [c.strip().strip('"') for c in first_line.split(",")]
    if cells[0].lstrip("\ufeff").lower() != "last updated":
        raise ListFileError(LIST_CODE, file, f"line 1 is {first_line[:40]!r}, not 'Last Updated,<date>': "
                            "not the OFSI Consolidated List CSV")
    return parse_dmy_date(cells[1]) if len(cells) > 1 else None


def _column_index(header: list[str], file: str) -> dict[str, int]:
    index = {name.strip(): i for i, name in enumerate(header)}
    missing = [c for c in _REQUIRED_COLUMNS if c not in index]
    if missing:
        raise ListFileError(LIST_CODE, file, f"header lacks the columns {', '.join(missing)} (not ConList.csv?)")
    return index


def _rows_by_group(stream: io.StringIO, file: str) -> tuple[dict[str, int], dict[str, list[list[str]]]]:
    """The column index and the rows grouped by Group ID, in one pass.

    The reader is strict, so a file cut inside a quoted field fails instead of swallowing the rest; a row cut
    between fields fails the field count.
    """
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader)
        index = _column_index(header, file)
        group_col = index["Group ID"]
        groups: dict[str, list[list[str]]] = {}
        for row in reader:
            if len(row) != len(header):
                if not "".join(row).strip():
                    continue
                raise ListFileError(LIST_CODE, file, f"line {reader.line_num + 1} has {len(row)} fields, "
                                    f"expected {len(header)} (truncated?)")
            key = row[group_col].strip()
            if not key:
                raise ListFileError(LIST_CODE, file, f"line {reader.line_num + 1} has no Group ID")
            groups.setdefault(key, []).append(row)
    except StopIteration:
        raise ListFileError(LIST_CODE, file, "no header row after line 1") from None
    except csv.Error as exc:
        raise ListFileError(LIST_CODE, file,
                            f"malformed CSV at line {reader.line_num + 1} ({exc}; truncated?)") from None
    return index, groups


def _conlist_group(key: str, rows: list[list[str]], index: dict[str, int]) -> _Group:
    """One group's rows (one per name variant, every other column repeated) as a `_Group`."""

    columns = list(zip(*rows, strict=True))  # column-wise: each value once per group, not once per row

    def column(name: str) -> list[str]:
        i = index.get(name)
        return [] if i is None else list(dict.fromkeys(columns[i]))

    def pairs(first: str, second: str) -> list[tuple[str, str]]:
        i, j = index.get(first), index.get(second)
        if i is None:
            return []
        return list(dict.fromkeys(zip(columns[i], columns[j] if j is not None else [""] * len(rows), strict=True)))

    name_cols = [index[c] for c in _NAME_COLUMNS]
    type_col, quality_col = index["Alias Type"], index.get("Alias Quality")
    group = _Group(key, f"Group ID {key}", show_group_id=True, type_text=rows[0][index["Group Type"]])
    qualities = columns[quality_col] if quality_col is not None else ("",) * len(rows)
    name_rows = zip(zip(*(columns[i] for i in name_cols), strict=True), columns[type_col], qualities, strict=True)
    group.names = [_RawName(*name) for name in dict.fromkeys(name_rows)]
    script_col = index.get("Name Non-Latin Script")
    if script_col is not None:
        type_i, lang_i = index.get("Non-Latin Script Type"), index.get("Non-Latin Script Language")
        group.non_latin = [(text, row[type_i] if type_i is not None else "", row[lang_i] if lang_i is not None else "")
                           for row in rows if (text := clean(row[script_col]))]
    group.regimes = column("Regime")
    group.designated = column("UK Sanctions List Date Designated")
    group.dobs = column("DOB")
    group.nationalities = column("Nationality")
    group.countries = column("Country") + column("Country of Birth")
    group.passports = pairs("Passport Number", "Passport Details")
    group.national_ids = pairs("National Identification Number", "National Identification Details")
    group.titles = column("Title")
    group.positions = column("Position")
    for text in column("Other Information"):
        info = read_other_information(text)
        group.uids += info.uids
        group.imos += info.imos
        group.genders += [info.gender] if info.gender else []
        group.other_info += [info.remark] if info.remark else []
        _add_facts(group, info.facts)
    return group


@gc_paused()
def parse_conlist_files(files: Mapping[str, Path]) -> SanctionsList:
    """Parse the former OFSI `ConList.csv` (line 1 "Last Updated,<date>", line 2 the header)."""
    path = files[CSV_FILE]
    data = read_checked(LIST_CODE, path)
    text = decode_text(LIST_CODE, path.name, data, ("utf-8", "cp1252"))
    stream = io.StringIO(text)
    updated = _read_last_updated(stream.readline().rstrip("\r\n"), path.name)
    index, rows = _rows_by_group(stream, path.name)
    if not rows:
        raise ListFileError(LIST_CODE, path.name, "no data rows")
    return SanctionsList(
        code=LIST_CODE,
        title=TITLE,
        date=updated,
        files=(path.name,),
        entries=[_build_entry(_conlist_group(key, group_rows, index), path.name)
                 for key, group_rows in rows.items()],
    )


SOURCE = Source(
    code=LIST_CODE,
    title=TITLE,
    government="United Kingdom",
    layouts=(
        Layout((SourceFile(XML_FILE, XML_URL),), parse_xml_files),
        Layout((SourceFile(CSV_FILE, None),), parse_conlist_files),
    ),
    magnitsky_programs=MAGNITSKY_PROGRAMS,
    landing_page=LANDING_PAGE,
    bundled=True,
    order=20,
    expected_fields={"programs": 0.95, "listed": 0.95},  # every real record has a regime and a listing date
)
