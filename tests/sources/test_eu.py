"""The EU source: the FSF `xmlFullSanctionsList_1_1` export, streamed into the common model.

The fixtures are real excerpts of EU exports of 2018, 2020 and 2024 (tests/fixtures/eu/README.md). Facts are
checked twice: against the raw XML, read here independently with lxml, and against values copied from it by
hand. What no real excerpt holds (an HR entity, a weak alias, a span of birth years) is checked on a real
record with one attribute (or remark) changed in memory; malformed files are made in tmp_path from real ones.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from magcheck.errors import ListFileError
from magcheck.model import Entry, EntryType, IdKind, NameKind, PartialDate, SanctionsList, Strength
from magcheck.sources import eu
from magcheck.sources.base import Source

NS = {"fsd": eu.NAMESPACE}
FOLDERS = ("2018-12-21", "2020-04-15-head", "2020-04-15-sample", "2024-12-11")
# The real UK FCDO fixture (tests/fixtures/uk), for "another list's XML saved under the EU name".
UK_XML_FILE = "UK-Sanctions-List.xml"


def parse_at(folder: Path) -> SanctionsList:
    return eu.parse_files({eu.FILE: folder / eu.FILE})


def by_uid(parsed: SanctionsList) -> dict[str, Entry]:
    entries = {e.uid: e for e in parsed.entries}
    assert len(entries) == len(parsed.entries), "uids must be unique"
    return entries


@pytest.fixture(scope="module")
def eu_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "eu"


@pytest.fixture(scope="module")
def parsed(eu_dir: Path) -> dict[str, SanctionsList]:
    return {folder: parse_at(eu_dir / folder) for folder in FOLDERS}


@pytest.fixture(scope="module")
def entries(parsed: dict[str, SanctionsList]) -> dict[str, Entry]:
    """Every fixture entry by uid; logicalId 13 is in two files, this is the 2020 one."""
    found: dict[str, Entry] = {}
    for folder in ("2018-12-21", "2020-04-15-head", "2020-04-15-sample"):
        found.update(by_uid(parsed[folder]))
    return found


def real_bytes(eu_dir: Path, folder: str = "2020-04-15-head") -> bytes:
    return (eu_dir / folder / eu.FILE).read_bytes()


def write_eu(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / eu.FILE
    path.write_bytes(data)
    return path


def parse_bytes(tmp_path: Path, data: bytes) -> SanctionsList:
    return eu.parse_files({eu.FILE: write_eu(tmp_path, data)})


def entity_xml(data: bytes, logical_id: str) -> bytes:
    """One real `<sanctionEntity>` element of a fixture, as its bytes (its indentation and line end kept)."""
    m = re.search(rb'<sanctionEntity [^>]*logicalId="' + logical_id.encode() + rb'">.*?</sanctionEntity>\s*',
                  data, re.DOTALL)
    assert m, logical_id
    return m.group()


def with_entities(data: bytes, entities: bytes) -> bytes:
    """A real file with its entities replaced: its XML declaration and root kept."""
    start = data.index(b"<sanctionEntity")
    end = data.rindex(b"</export>")
    return data[:start] + entities + data[end:]


def refused(tmp_path: Path, data: bytes) -> ListFileError:
    with pytest.raises(ListFileError) as caught:
        parse_bytes(tmp_path, data)
    error = caught.value
    assert error.list_code == "eu" and error.file == eu.FILE
    assert "\n" not in str(error) and error.reason
    return error


# --- The source declaration ----------------------------------------------------------------------------


def test_source_declaration() -> None:
    source = eu.SOURCE
    assert isinstance(source, Source)
    assert (source.code, source.government, source.order, source.bundled) == ("eu", "European Union", 40, False)
    assert source.title == "European Union - Consolidated Financial Sanctions List (FSF)"
    assert source.magnitsky_programs == frozenset({"HR"})
    assert not source.un_listings_elsewhere  # the FSF carries the UN listings itself (unitedNationId)
    assert source.landing_page is not None and source.landing_page.startswith("https://data.europa.eu/")
    (live,) = source.layouts
    assert live.parse is eu.parse_files
    assert [(f.name, f.url, f.required) for f in live.files] == [(
        "xmlFullSanctionsList_1_1.xml",
        "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
        True,
    )]


def test_registered_and_never_bundled() -> None:
    from magcheck.sources import all_sources
    from magcheck.store.bundled import snapshot_info

    assert all_sources()["eu"] is eu.SOURCE
    assert snapshot_info("eu") is None  # too large and too volatile to ship
    (file,) = eu.SOURCE.live.files
    assert file.read_timeout is not None and file.read_timeout >= 120  # built on request: minutes to first byte


# --- Whole files, against the raw XML ------------------------------------------------------------------


@pytest.mark.parametrize(("folder", "generated", "count"), [
    ("2018-12-21", date(2018, 12, 21), 2),
    ("2020-04-15-head", date(2020, 4, 15), 7),
    ("2020-04-15-sample", date(2020, 4, 15), 5),
    ("2024-12-11", date(2024, 12, 11), 1),
])
def test_list_facts(parsed: dict[str, SanctionsList], folder: str, generated: date, count: int) -> None:
    lst = parsed[folder]
    assert (lst.code, lst.title, lst.files) == ("eu", eu.TITLE, (eu.FILE,))
    assert lst.date == generated  # the root's generationDate, e.g. 2020-04-15T15:29:22.497+02:00
    assert len(lst.entries) == count
    assert lst.warnings == []


@pytest.mark.parametrize("folder", FOLDERS)
def test_entries_match_the_raw_xml(eu_dir: Path, parsed: dict[str, SanctionsList], folder: str) -> None:
    """Each entity, in file order: uid, type, names, programmes, citizenships, identifiers, UN reference."""
    root = etree.parse(str(eu_dir / folder / eu.FILE)).getroot()
    raw_entities = root.findall("fsd:sanctionEntity", NS)
    assert [e.uid for e in parsed[folder].entries] == [r.get("logicalId") for r in raw_entities]
    for raw, entry in zip(raw_entities, parsed[folder].entries, strict=True):
        code = raw.find("fsd:subjectType", NS).get("code")
        assert entry.type is {"person": EntryType.INDIVIDUAL, "enterprise": EntryType.ENTITY}[code]
        whole_names = {a.get("wholeName").casefold() for a in raw.findall("fsd:nameAlias", NS)}
        assert {n.text.casefold() for n in entry.names} == whole_names
        assert set(entry.programs) == {r.get("programme") for r in raw.findall("fsd:regulation", NS)}
        citizenships = [c for c in raw.findall("fsd:citizenship", NS) if c.get("countryIso2Code") != "00"]
        assert len(entry.citizenships) == len({c.get("countryIso2Code") for c in citizenships})
        numbers = {i.get("number") for i in raw.findall("fsd:identification", NS)}
        assert {i.value for i in entry.identifiers} == numbers
        assert entry.un_ref == (raw.get("unitedNationId") or None)
        assert entry.raw is not None and entry.raw.file == eu.FILE
        assert entry.raw.locator.startswith(f"logicalId {raw.get('logicalId')}")


# --- Records, field by field ---------------------------------------------------------------------------


def test_saddam_hussein(entries: dict[str, Entry]) -> None:
    saddam = entries["13"]
    assert saddam.key == "eu:13"
    assert saddam.type is EntryType.INDIVIDUAL
    assert (saddam.name.text, saddam.name.given, saddam.name.surname) == (
        "Saddam Hussein Al-Tikriti", "Saddam", "Hussein Al-Tikriti")
    assert (saddam.name.kind, saddam.name.strength) == (NameKind.PRIMARY, Strength.STRONG)
    # The file lists the French alias first; the primary name is the oldest (logicalId 17).
    others = {n.text: (n.kind, n.strength, n.script) for n in saddam.other_names}
    assert others == {"Abou Ali": (NameKind.ALIAS, Strength.STRONG, "French"),
                      "Abu Ali": (NameKind.ALIAS, Strength.STRONG, None)}
    assert saddam.programs == ("IRQ",)
    # No designationDate: Regulation 1210/2003 entered into force 2003-07-07, a day before its publication.
    assert saddam.listed == date(2003, 7, 7)
    assert saddam.dobs == (PartialDate(1937, 4, 28),)
    assert saddam.citizenships == ("Iraq",)  # countryDescription IRAQ
    assert saddam.countries == ("Iraq",)  # born in al-Awja, near Tikrit, IRAQ
    assert saddam.gender == "Male"
    assert saddam.remarks == "UNSC RESOLUTION 1483"
    assert saddam.un_ref is None
    assert saddam.raw is not None and saddam.raw.locator == "logicalId 13 (EU.27.28)"


def test_uid_survives_a_missing_reference_number(parsed: dict[str, SanctionsList],
                                                 entries: dict[str, Entry]) -> None:
    """December 2024 gives logicalId 13 without its euReferenceNumber (EU.27.28 in April 2020)."""
    later = by_uid(parsed["2024-12-11"])["13"]
    assert later.key == entries["13"].key == "eu:13"
    assert later.raw is not None and later.raw.locator == "logicalId 13"
    assert later.name == entries["13"].name
    assert later.listed == entries["13"].listed and later.dobs == entries["13"].dobs


def test_primary_name_is_the_oldest_strong_name(entries: dict[str, Entry]) -> None:
    # 5295: the file starts with "Abid Hammadou" (logicalId 16353); its UN name 6721 is older.
    assert entries["5295"].name.text == "Amor Mohamed Ghedeir"
    assert {n.text for n in entries["5295"].other_names} == {
        "Abid Hammadou", "Abdelhamid Abou Zeid", "Youcef Adel", "Abou Abdellah"}
    assert entries["5295"].name.given is None  # written whole, with no first/last name
    # 33: the file starts with the nickname "Abu Ahmad" (46); the name 44 is older.
    assert entries["33"].name.text == "Izzat Ibrahim al-Duri"
    assert entries["207"].name.text == "Great Islamic Eastern Warriors Front"  # 327, before IBDA-C 328


def test_repeated_names_are_read_once(entries: dict[str, Entry]) -> None:
    """al-Duri's three names appear three times each, once per function: one name, three positions."""
    duri = entries["33"]
    assert [n.text for n in duri.names] == [
        "Izzat Ibrahim al-Duri", "Abu Ahmad", "Abu Brays", "Izzat Ibrahim al-Douri"]
    assert {n.script for n in duri.other_names} == {None, "French"}  # the Spanish "Al-Duri" repeats the primary
    assert duri.positions == ("Vice Chairman, Revolutionary Command Council",
                              "Deputy Secretary, Ba'th Party Regional Command",
                              "Deputy Commander-in-Chief of Iraqi Military")  # one written with a trailing comma


def test_enterprise_in_many_languages(entries: dict[str, Entry]) -> None:
    ibda = entries["207"]
    assert ibda.type is EntryType.ENTITY
    assert ibda.name.given is None and ibda.name.surname is None
    assert len(ibda.names) == 19  # 16 languages and three names without one
    scripts = {n.text: (n.kind, n.script) for n in ibda.other_names}
    assert scripts["Фронт на великите ислямски източни воини"] == (NameKind.NON_LATIN, "Bulgarian")
    assert scripts["Μέγα Ισλαµικό Μέτωπο των Πολεµιστών της Ανατολής"] == (NameKind.NON_LATIN, "Greek")
    assert scripts["Front islamique des combattants du Grand Orient"] == (NameKind.ALIAS, "French")
    assert scripts["İslami Büyük Doğu Akıncılar Cephesi"] == (NameKind.ALIAS, None)  # no nameLanguage
    assert scripts["IBDA-C"] == (NameKind.ALIAS, None)
    assert {n.strength for n in ibda.names} == {Strength.STRONG}
    assert ibda.programs == ("TERR",)
    assert ibda.positions == () and ibda.gender is None and ibda.dobs == ()
    assert ibda.listed is None  # only the 2018 amendment 2018/468 and no designationDate


def test_mugabe(entries: dict[str, Entry]) -> None:
    mugabe = entries["1"]
    assert (mugabe.name.text, mugabe.name.given, mugabe.name.surname) == (
        "Robert Gabriel Mugabe", "Robert Gabriel", "Mugabe")
    assert mugabe.other_names == ()
    assert mugabe.positions == ("Former President",)
    assert mugabe.programs == ("ZWE",)
    assert mugabe.dobs == (PartialDate(1924, 2, 21),)
    assert mugabe.countries == ()  # born in countryIso2Code "00", "UNKNOWN"
    (passport,) = mugabe.identifiers
    assert (passport.kind, passport.value, passport.country) == (IdKind.PASSPORT, "AD001095", None)
    assert passport.note == "National passport; (passport)"  # its description, then its remark


def test_listing_dates(entries: dict[str, Entry]) -> None:
    """designationDate, or the listing regulation's date; never the date of a later amendment."""
    assert entries["5295"].listed == date(2008, 7, 3)  # its regulation is the 2019 amendment 2019/555
    assert entries["5463"].listed == date(2009, 7, 16)  # repealing act 2017/1509 of 2017-08-31
    assert entries["5807"].listed == date(2010, 12, 1)
    assert entries["191"].listed is None  # no designationDate, only the 2020 amendment 2020/19
    assert {entries[uid].listed for uid in ("13", "20", "23", "25", "29", "33", "39")} == {date(2003, 7, 7)}


def test_programmes(entries: dict[str, Entry]) -> None:
    assert {uid: entries[uid].programs for uid in ("5295", "5463", "5468", "191", "5807")} == {
        "5295": ("TAQA",), "5463": ("PRK",), "5468": ("PRK",), "191": ("TERR",), "5807": ("COD",)}


def test_dates_of_birth(entries: dict[str, Entry]) -> None:
    assert entries["20"].dobs == (PartialDate(1965), PartialDate(1966))
    assert entries["23"].dobs == (PartialDate(1967), PartialDate(1964))
    assert entries["25"].dobs == (PartialDate(1957),)  # circa="true": kept, the matcher allows a year either way
    assert entries["29"].dobs == (PartialDate(1943),)  # its second birthdate has a place only
    assert entries["5295"].dobs == (PartialDate(1965, 12, 12), PartialDate(1958))
    assert entries["191"].dobs == (PartialDate(1965, 4, 14), PartialDate(1964, 3, 1))
    assert entries["5807"].dobs == (PartialDate(1954), PartialDate(1953))  # four birthdates, two places
    assert all(e.dob_texts == () for e in entries.values())
    assert entries["5295"].dobs[1].precision == "year"


def test_countries_and_citizenship(entries: dict[str, Entry]) -> None:
    manzi = entries["5807"]
    assert manzi.citizenships == ("Rwanda",)
    # Born in Rwanda; his address "CONGO, Democratic Republic of (was Zaire)" is no plain name: its code.
    assert manzi.countries == ("Rwanda", "CD")
    assert entries["5295"].citizenships == ("Algeria",)
    assert entries["191"].countries == ("Pakistan",)
    assert entries["20"].countries == ()  # birth country "00" UNKNOWN


def test_identifiers(entries: dict[str, Entry]) -> None:
    (passport,) = entries["191"].identifiers
    assert (passport.kind, passport.value, passport.country, passport.note) == (
        IdKind.PASSPORT, "488555", None, "National passport")
    assert entries["13"].identifiers == ()


def test_titles_remarks_and_gender(entries: dict[str, Entry]) -> None:
    secretary = entries["25"]
    assert secretary.positions == ("Saddam's Presidential Secretary and Key Advisor",)
    assert secretary.remarks == "Title: Col"
    assert entries["20"].remarks == "Saddam's second son"
    assert entries["5295"].remarks == ("(a) Mother's name is Benarouba Bachira; (b) Father's name is Mabrouk. "
                                       "Other information: Reportedly deceased as of 24 February 2013.")
    assert entries["5807"].remarks == ("FDLR HQ at Kikoma forest, Bogoyi, Walikale, North Kivu, Democratic "
                                       "Republic of the Congo (as of June 2011).")
    assert entries["39"].gender is None  # no gender on any of his names
    assert entries["191"].gender == "Male"
    assert entries["191"].name.surname == "MOHAMMED"


# --- Paths no real excerpt reaches: a real record with one attribute changed --------------------------


def changed_record(eu_dir: Path, logical_id: str, old: bytes, new: bytes, folder: str = "2020-04-15-head") -> bytes:
    data = real_bytes(eu_dir, folder)
    record = entity_xml(data, logical_id)
    assert record.count(old) == 1, old
    return with_entities(data, record.replace(old, new))


def test_weak_alias(eu_dir: Path, tmp_path: Path) -> None:
    data = changed_record(eu_dir, "13", b'wholeName="Abu Ali" function="" title="" nameLanguage="" strong="true"',
                          b'wholeName="Abu Ali" function="" title="" nameLanguage="" strong="false"')
    (saddam,) = parse_bytes(tmp_path, data).entries
    assert {n.text: n.strength for n in saddam.other_names} == {"Abou Ali": Strength.STRONG, "Abu Ali": Strength.WEAK}
    assert saddam.name.text == "Saddam Hussein Al-Tikriti"


def test_low_quality_remark_makes_a_name_weak(eu_dir: Path, tmp_path: Path) -> None:
    """OpenSanctions found names graded by a remark in the real file ("low quality"); the grade is no remark."""
    data = changed_record(eu_dir, "5295", b"<remark>(a) Mother's name is Benarouba Bachira;",
                          b"<remark>Low quality alias. (a) Mother's name is Benarouba Bachira;",
                          folder="2020-04-15-sample")
    (ghedeir,) = parse_bytes(tmp_path, data).entries
    assert ghedeir.name.text == "Abdelhamid Abou Zeid"  # 6721 is weak now: the next oldest strong name, 6722
    assert {n.text: n.strength for n in ghedeir.other_names}["Amor Mohamed Ghedeir"] is Strength.WEAK
    assert ghedeir.remarks is None


def test_human_rights_programme_is_in_scope(eu_dir: Path, tmp_path: Path) -> None:
    data = changed_record(eu_dir, "5463", b'programme="PRK"', b'programme="HR"', folder="2020-04-15-sample")
    (entry,) = parse_bytes(tmp_path, data).entries
    assert entry.programs == ("HR",)
    assert set(entry.programs) <= eu.SOURCE.magnitsky_programs


def test_span_of_birth_years(eu_dir: Path, tmp_path: Path) -> None:
    """The span the live export gives logicalId 1865 (yearRangeFrom 1953, yearRangeTo 1958), on a real record."""
    data = changed_record(eu_dir, "25", b'year="1957"', b'yearRangeFrom="1953" yearRangeTo="1958"')
    (entry,) = parse_bytes(tmp_path, data).entries
    assert entry.dobs == tuple(PartialDate(y) for y in range(1953, 1959))
    data = changed_record(eu_dir, "25", b'year="1957"', b'yearRangeTo="1980"')
    (entry,) = parse_bytes(tmp_path, data).entries
    assert (entry.dobs, entry.dob_texts) == ((), ("up to 1980",))
    data = changed_record(eu_dir, "25", b'year="1957"', b'yearRangeFrom="1900" yearRangeTo="1960"')
    (entry,) = parse_bytes(tmp_path, data).entries
    assert (entry.dobs, entry.dob_texts) == ((), ("1900-1960",))


def test_registration_number(eu_dir: Path, tmp_path: Path) -> None:
    data = changed_record(eu_dir, "191", b'identificationTypeCode="passport"', b'identificationTypeCode="regnumber"',
                          folder="2020-04-15-sample")
    (entry,) = parse_bytes(tmp_path, data).entries
    assert [(i.kind, i.value) for i in entry.identifiers] == [(IdKind.REGISTRATION, "488555")]


def test_duplicate_logical_id_keeps_both(eu_dir: Path, tmp_path: Path) -> None:
    data = real_bytes(eu_dir)
    record = entity_xml(data, "13")
    lst = parse_bytes(tmp_path, with_entities(data, record * 2))
    assert [e.uid for e in lst.entries] == ["13", "13~2"]


# --- Malformed input: one ListFileError, one line each --------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ListFileError, match="file not found"):
        eu.parse_files({eu.FILE: tmp_path / eu.FILE})
    with pytest.raises(ListFileError, match="file not found"):
        eu.parse_files({})


@pytest.mark.parametrize(("make", "reason"), [
    (lambda real: b"", "file is empty"),
    (lambda real: b" \r\n\t", "file is empty"),
    (lambda real: b"<!DOCTYPE html>\n<html><head><title>EU Login</title></head><body></body></html>", "HTML page"),
    (lambda real: b"%PDF-1.4\n" + real[:200], "truncated or malformed XML"),
    (lambda real: real[: len(real) // 2], "truncated or malformed XML"),
    (lambda real: real[: real.index(b"<sanctionEntity")], "truncated or malformed XML"),
    (lambda real: real.replace(b"</nameAlias>", b"</nameAlia>", 1), "truncated or malformed XML"),
    (lambda real: real.replace(b'xmlns="http://eu.europa.ec/fpi/fsd/export" ', b"", 1), "in no namespace"),
    (lambda real: real.replace(b"http://eu.europa.ec/fpi/fsd/export", b"http://eu.europa.ec/fpi/fsd/export/2", 1),
     "namespace http://eu.europa.ec/fpi/fsd/export/2"),
    (lambda real: with_entities(real, b""), "no <sanctionEntity> elements"),
    (lambda real: real.replace(b'logicalId="13">', b">", 1), "sanctionEntity #1 has no logicalId"),
    (lambda real: real.replace(b'code="person"', b'code="vessel"', 1), "logicalId 13: unknown subjectType 'vessel'"),
    (lambda real: with_entities(real, re.sub(rb"<nameAlias .*?</nameAlias>\s*", b"", entity_xml(real, "39"),
                                             flags=re.DOTALL)), "logicalId 39 has no name"),
    (lambda real: with_entities(real, re.sub(rb'wholeName="[^"]*"', b'wholeName=""', entity_xml(real, "39"))),
     "logicalId 39 has no name"),
])
def test_malformed(eu_dir: Path, tmp_path: Path, make: Callable[[bytes], bytes], reason: str) -> None:
    error = refused(tmp_path, make(real_bytes(eu_dir)))
    assert reason in error.reason


def test_cut_anywhere_is_never_a_partial_list(eu_dir: Path, tmp_path: Path) -> None:
    """A download broken at any byte is refused, not read as the entities before the cut."""
    real = real_bytes(eu_dir, "2020-04-15-sample")
    end = real.rindex(b"</export>") + len(b"</export")
    for cut in [*range(64, end, 509), end]:
        refused(tmp_path, real[:cut])


def test_another_lists_xml(fixtures_dir: Path, tmp_path: Path) -> None:
    """The real UK FCDO fixture saved under the EU name is refused, not read as an empty list."""
    error = refused(tmp_path, (fixtures_dir / "uk" / UK_XML_FILE).read_bytes())
    assert "unexpected XML root <Designations>" in error.reason


def billion_laughs(real: bytes) -> bytes:
    declarations = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE export [<!ENTITY lol0 "lol">{declarations}]>\n'.encode()
    declaration_end = real.index(b"?>") + 3
    body = real[declaration_end:].replace(b"<remark>UNSC RESOLUTION 1483</remark>", b"<remark>&lol9;</remark>", 1)
    return real[:declaration_end] + doctype + body


def test_entity_expansion_is_refused(eu_dir: Path, tmp_path: Path) -> None:
    data = billion_laughs(real_bytes(eu_dir))
    assert b"&lol9;" in data
    started = time.perf_counter()
    error = refused(tmp_path, data)
    assert "has a DOCTYPE" in error.reason
    assert time.perf_counter() - started < 1.0  # refused before 10^9 "lol"s could be expanded


def after_a_long_comment(data: bytes, doctype: bytes) -> bytes:
    """`doctype` pushed past the first bytes the parser checks, behind an 8 KB comment."""
    declaration_end = data.index(b"?>") + 3
    return data[:declaration_end] + b"<!--" + b" " * 8192 + b"-->\n" + doctype + data[declaration_end:]


def test_doctype_after_the_first_bytes_is_refused(eu_dir: Path, tmp_path: Path) -> None:
    real = real_bytes(eu_dir)
    error = refused(tmp_path, after_a_long_comment(real, b'<!DOCTYPE export [<!ENTITY one "one">]>\n'))
    assert "has a DOCTYPE" in error.reason  # caught at the root
    error = refused(tmp_path, after_a_long_comment(billion_laughs(real), b""))  # the comment, then the bomb's DTD
    assert "entity expansion refused" in error.reason  # libxml2 stops the expansion before the root is read


def test_millions_of_empty_elements(eu_dir: Path, tmp_path: Path) -> None:
    real = real_bytes(eu_dir)
    error = refused(tmp_path, with_entities(real, b"<x/>" * 8_000_000))
    assert "more than 1,000,000 XML elements" in error.reason
    inside = entity_xml(real, "13").replace(b"<remark>", b"<x/>" * 8_000_000 + b"<remark>", 1)
    error = refused(tmp_path, with_entities(real, inside))
    assert "a <sanctionEntity> holds more than 20,000 elements" in error.reason


# --- Streaming: memory stays bounded on a file the size of the real one --------------------------------


def big_file(eu_dir: Path, tmp_path: Path, megabytes: int) -> tuple[Path, int]:
    """A file of about `megabytes` made of one real entity (al-Duri, 11 names) repeated."""
    real = real_bytes(eu_dir)
    record = entity_xml(real, "33")
    copies = megabytes * 1024 * 1024 // len(record) + 1
    return write_eu(tmp_path, with_entities(real, record * copies)), copies


def test_streaming_keeps_python_memory_bounded(eu_dir: Path, tmp_path: Path) -> None:
    path, copies = big_file(eu_dir, tmp_path, 8)
    tracemalloc.start()
    try:
        lst = eu.parse_files({eu.FILE: path})
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(lst.entries) == copies and lst.entries[-1].name.text == "Izzat Ibrahim al-Duri"
    # What the parse held beyond its result: one entity at a time, not the 8 MB file.
    assert peak - current < 2 * 1024 * 1024, (peak, current)


_RSS_PROBE = """
import resource, sys
from pathlib import Path
from magcheck.sources import eu
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
entries = eu.parse_files({eu.FILE: Path(sys.argv[1])}).entries
print(len(entries), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_streaming_keeps_the_xml_tree_small(eu_dir: Path, tmp_path: Path) -> None:
    """libxml2's memory is invisible to tracemalloc: the process's peak size shows a tree not being freed
    (a whole tree of this 8 MB file takes about 40 MB more, the stream next to nothing)."""
    path, copies = big_file(eu_dir, tmp_path, 8)
    out = subprocess.run([sys.executable, "-c", _RSS_PROBE, str(path)], capture_output=True, text=True, check=True)
    count, grown_kib = map(int, out.stdout.split())
    assert count == copies
    assert grown_kib < 12 * 1024, grown_kib
