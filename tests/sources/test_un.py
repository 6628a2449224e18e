"""The UN Security Council Consolidated List (`consolidated.xml`): records, names, dates, documents, bad input.

Fixture tests read the verbatim excerpt in tests/fixtures/un (45 of the 1,000 records of 18 Nov 2025); tests
taking `shared_data` read the full file and are skipped where it is absent.
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from magcheck.errors import ExitStatus, ListFileError
from magcheck.model import Entry, EntryType, IdKind, NameKind, PartialDate, SanctionsList, Strength
from magcheck.sources import un
from magcheck.sources.un import FILE, alias_names, parse_files
from magcheck.store.locate import find_layout_files

SOURCE = un.SOURCE
UN_LIST_TYPES = {"Al-Qaida", "CAR", "DPRK", "DRC", "GB", "Haiti", "Iran", "Iraq", "Libya", "Somalia", "SouthSudan",
                 "Sudan", "Taliban", "Yemen"}

# ---------------------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(scope="module")
def fixture_file(fixtures_dir: Path) -> Path:
    return fixtures_dir / "un" / FILE


@pytest.fixture(scope="module")
def excerpt(fixture_file: Path) -> SanctionsList:
    return parse_files({FILE: fixture_file})


@pytest.fixture(scope="module")
def full(shared_data: Path) -> SanctionsList:
    return parse_files({FILE: shared_data / "un" / FILE})


def by_uid(lst: SanctionsList, uid: str) -> Entry:
    matches = [e for e in lst.entries if e.uid == uid]
    assert len(matches) == 1, uid
    return matches[0]


def raw_record(path: Path, reference: str) -> etree._Element:
    """The record as the file has it, found by its REFERENCE_NUMBER."""
    root = etree.parse(str(path)).getroot()
    found = [r for r in root.iter("INDIVIDUAL", "ENTITY")
             if (r.findtext("REFERENCE_NUMBER") or "").strip() == reference]
    assert len(found) == 1, reference
    return found[0]


def texts(record: etree._Element, path: str) -> list[str]:
    return [(e.text or "").strip() for e in record.iterfind(path)]


def write(tmp_path: Path, data: bytes | str) -> Path:
    path = tmp_path / FILE
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def refused(path: Path) -> ListFileError:
    with pytest.raises(ListFileError) as caught:
        parse_files({FILE: path})
    error = caught.value
    assert (error.list_code, error.file) == ("un", FILE)
    assert str(error).startswith(f"un: {FILE}: ") and "\n" not in str(error)
    assert error.exit_status is ExitStatus.NO_DATA
    return error


# ---------------------------------------------------------------------------------------------------------
# The source declaration


def test_source_declaration() -> None:
    assert (SOURCE.code, SOURCE.government, SOURCE.order) == ("un", "United Nations Security Council", 60)
    assert SOURCE.title == "United Nations - Security Council Consolidated List"
    assert SOURCE.live.required == (FILE,) and len(SOURCE.layouts) == 1
    assert SOURCE.live.files[0].url == "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
    assert SOURCE.landing_page == "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list"
    assert SOURCE.magnitsky_programs == frozenset()  # the UN has no Magnitsky-style regime
    assert SOURCE.bundled and not SOURCE.un_listings_elsewhere


def test_the_registry_does_not_list_it_while_pending() -> None:
    from magcheck.sources import all_sources

    assert ("un" in all_sources()) == hasattr(un, "SOURCE")


def test_find_layout_files_and_parse(tmp_path: Path, fixture_file: Path) -> None:
    (tmp_path / "un").mkdir()
    shutil.copy(fixture_file, tmp_path / "un" / "CONSOLIDATED.XML")
    layout, files = find_layout_files(tmp_path, SOURCE)
    assert list(files) == [FILE]
    assert len(layout.parse(files).entries) == 45


# ---------------------------------------------------------------------------------------------------------
# The excerpt


def test_excerpt_counts_and_list_date(excerpt: SanctionsList) -> None:
    assert (excerpt.code, excerpt.title, excerpt.files) == ("un", SOURCE.title, (FILE,))
    assert excerpt.date == date(2025, 11, 18)  # dateGenerated="2025-11-18T23:00:09.174Z"
    assert excerpt.count_by_type() == {"individual": 37, "entity": 8, "vessel": 0, "aircraft": 0}
    assert all(e.un_ref == e.uid and e.raw is not None and e.raw.locator == f"REFERENCE_NUMBER {e.uid}"
               and e.raw.url is None for e in excerpt.entries)
    assert {p for e in excerpt.entries for p in e.programs} == UN_LIST_TYPES
    assert all(len(e.programs) == 1 and e.listed is not None for e in excerpt.entries)
    assert excerpt.warnings == []


def test_qdi_001_field_by_field(fixture_file: Path, excerpt: SanctionsList) -> None:
    """An Al-Qaida listing with aliases of both qualities, against the raw XML."""
    raw = raw_record(fixture_file, "QDi.001")
    assert texts(raw, "INDIVIDUAL_ALIAS/QUALITY") == ["Good", "Good", "Low", "Low", "Low"]
    assert texts(raw, "INDIVIDUAL_DATE_OF_BIRTH/DATE") == ["1963-04-11", "1960-04-11"]
    entry = by_uid(excerpt, "QDi.001")
    assert entry.type is EntryType.INDIVIDUAL
    assert entry.name.text == "MOHAMMED SALAHALDIN ABD EL HALIM ZIDANE" == " ".join(
        raw.findtext(f) for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"))
    assert [(n.text, n.kind, n.strength) for n in entry.other_names] == [
        ("محمد صلاح الدين عبدالحليم زيدان", NameKind.NON_LATIN, Strength.STRONG),
        ("Sayf-Al Adl", NameKind.ALIAS, Strength.STRONG),
        ("Muhamad Ibrahim Makkawi", NameKind.ALIAS, Strength.STRONG),
        ("Ibrahim al-Madani", NameKind.ALIAS, Strength.WEAK),
        ("Saif Al-'Adil", NameKind.ALIAS, Strength.WEAK),
        ("Seif al Adel", NameKind.ALIAS, Strength.WEAK),
    ]
    assert entry.other_names[0].script == "Arabic"
    assert entry.dobs == (PartialDate(1963, 4, 11), PartialDate(1960, 4, 11))
    assert (entry.nationalities, entry.countries, entry.gender) == (("Egypt",), ("Egypt",), None)
    assert (entry.listed, entry.programs, entry.un_ref) == (date(2001, 1, 25), ("Al-Qaida",), "QDi.001")
    assert entry.remarks is not None and entry.remarks.startswith("Responsible for Usama bin Laden’s (deceased)")


def test_designations_and_titles_are_positions(excerpt: SanctionsList) -> None:
    assert by_uid(excerpt, "CDi.003").positions == (
        "FDLR Interim President", "FDLR-FOCA 1st Vice-President", "FDLR-FOCA Major General")
    akhund = by_uid(excerpt, "TAi.002")
    assert akhund.positions[-2:] == ("Mullah", "Haji")  # TITLE after DESIGNATION
    assert by_uid(excerpt, "CDi.002").positions == ("FARDC General",)  # "FARDC General " in the file


def test_dates_of_birth(excerpt: SanctionsList) -> None:
    akhund = by_uid(excerpt, "TAi.002")  # BETWEEN 1955-1958 and 1945-1950, NOTE "Approximately"
    assert akhund.dobs == tuple(PartialDate(y) for y in [*range(1955, 1959), *range(1945, 1951)])
    assert by_uid(excerpt, "CDi.001").dobs == (PartialDate(1971),)  # EXACT, YEAR
    assert by_uid(excerpt, "CDi.014").dobs == (PartialDate(1962, 3, 17), PartialDate(1966))  # and APPROXIMATELY
    assert by_uid(excerpt, "CDi.004").dobs == (PartialDate(1973, 11),)  # only NOTE "Nov. 1973 "
    assert by_uid(excerpt, "QDi.395").dobs == (PartialDate(1958),)  # YEAR 1958 with NOTE "Sep."
    assert PartialDate(1979, 3, 3) in by_uid(excerpt, "QDi.295").dobs  # DATE with NOTE "from false passport"
    assert by_uid(excerpt, "KPi.016").dobs == (PartialDate(1957, 4, 15), PartialDate(1958, 2, 22))  # an alias's
    assert by_uid(excerpt, "LYi.022").dob_texts == ("30-35 years old",)
    assert by_uid(excerpt, "QDi.291").dob_texts == ("24/06/1402 (Hijri Calendar)",)
    assert by_uid(excerpt, "QDi.306").dob_texts == ("Between Aug. and Sep. 1977",)
    assert by_uid(excerpt, "CDi.002").dobs == ()  # an empty INDIVIDUAL_DATE_OF_BIRTH


def test_alias_names_are_split(excerpt: SanctionsList) -> None:
    assert [n.text for n in by_uid(excerpt, "IRi.003").other_names] == ["Azim Adhajani", "Azim Agha-Jani"]
    kim = by_uid(excerpt, "KPi.035")  # "Jin Tiesan (金铁三)"
    assert [(n.text, n.kind, n.script) for n in kim.other_names] == [
        ("Jin Tiesan", NameKind.ALIAS, None), ("金铁三", NameKind.NON_LATIN, "Han")]
    khan = by_uid(excerpt, "QDi.306")  # "حسن غول (Hassan Ghul; Hassan Gul; Hasan Gul)"
    assert [n.text for n in khan.other_names][1:5] == ["حسن غول", "Hassan Ghul", "Hassan Gul", "Hasan Gul"]
    assert by_uid(excerpt, "CDi.001").other_names == ()  # an empty INDIVIDUAL_ALIAS


@pytest.mark.parametrize(("text", "expected"), [
    ("Azim Adhajani; Azim Agha-Jani", ["Azim Adhajani", "Azim Agha-Jani"]),
    ("Akrin Saleh Akrin (أقرين صالح أقرين)", ["Akrin Saleh Akrin", "أقرين صالح أقرين"]),
    ("Abubakar (original script: Абубакар)", ["Abubakar", "Абубакар"]),
    ("Akhter Mohmad son of Noor Mohmad (اختر محمد ولد نور محمد ),", ["Akhter Mohmad son of Noor Mohmad",
                                                                    "اختر محمد ولد نور محمد"]),
    ("DAEDONG CREDIT BANK (DCB)", ["DAEDONG CREDIT BANK (DCB)"]),  # same script: one name
    ("", []),
])
def test_alias_names(text: str, expected: list[str]) -> None:
    assert alias_names(text) == expected


def test_entities(excerpt: SanctionsList) -> None:
    adf = by_uid(excerpt, "CDe.001")  # QUALITY a.k.a. / f.k.a.
    assert adf.type is EntryType.ENTITY and adf.name.text == "ADF"
    assert [(n.text, n.kind) for n in adf.other_names] == [
        ("Allied Democratic Forces", NameKind.ALIAS),
        ("Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda", NameKind.FORMER),
        ("ADF/NALU", NameKind.FORMER), ("NALU", NameKind.FORMER)]
    dcb = by_uid(excerpt, "KPe.023")  # REFERENCE_NUMBER "KPe.023 " with a trailing space
    assert (dcb.uid, dcb.un_ref, dcb.listed) == ("KPe.023", "KPe.023", date(2016, 3, 2))
    assert [(n.text, n.kind) for n in by_uid(excerpt, "QDe.002").other_names] == [
        ("الاتحاد الاسلامي", NameKind.NON_LATIN)]
    assert by_uid(excerpt, "TAe.014").countries == (
        "Pakistan", "Afghanistan", "United Arab Emirates", "Iran (Islamic Republic of)")


def test_documents(fixture_file: Path, excerpt: SanctionsList) -> None:
    raw = raw_record(fixture_file, "QDi.037")
    assert texts(raw, "INDIVIDUAL_DOCUMENT/TYPE_OF_DOCUMENT") == ["Passport", "Passport",
                                                                 "National Identification Number"]
    assert texts(raw, "INDIVIDUAL_DOCUMENT/NUMBER") == ["27082171", "MO887925"]  # the SSN sits in a NOTE
    yasin = by_uid(excerpt, "QDi.037")
    assert [(i.kind, i.value, i.country) for i in yasin.identifiers] == [
        (IdKind.PASSPORT, "27082171", None), (IdKind.PASSPORT, "MO887925", "Iraq")]
    assert yasin.identifiers[0].note == "United States of America, issued on 21 Jun. 1992 in Amman, Jordan"
    raw = raw_record(fixture_file, "KPi.006")
    assert set(texts(raw, "INDIVIDUAL_DOCUMENT/TYPE_OF_DOCUMENT")) == {
        "Passport", "Numéro de passeport", "Número de pasaporte"}
    assert {i.kind for i in by_uid(excerpt, "KPi.006").identifiers} == {IdKind.PASSPORT}
    assert [(i.kind, i.value) for i in by_uid(excerpt, "HTi.001").identifiers] == [
        (IdKind.NATIONAL_ID, "001-843-989-7")]


def test_other_fields(excerpt: SanctionsList) -> None:
    assert by_uid(excerpt, "QDi.356").gender == "Female"
    assert by_uid(excerpt, "QDi.352").listed == date(2015, 4, 7)  # "2015-04-07-04:00"
    assert by_uid(excerpt, "SDi.001").nationalities == ()  # "na"
    assert by_uid(excerpt, "CDi.003").countries == ("Democratic Republic of the Congo", "Rwanda")


def test_the_same_listings_as_australia_gives_by_un_reference(fixtures_dir: Path, excerpt: SanctionsList) -> None:
    """Australia writes the UN reference at the start of Additional Information: the two lists join on it."""
    from magcheck.sources.au import CURRENT_FILE, parse_current

    australia = parse_current({CURRENT_FILE: fixtures_dir / "au" / CURRENT_FILE})
    joined = {e.un_ref: e for e in australia.entries if e.un_ref}
    for reference in ("TAi.002", "CDe.001", "IRe.025", "QDe.161"):
        assert joined[reference].name.text.casefold() == by_uid(excerpt, reference).name.text.casefold()


# ---------------------------------------------------------------------------------------------------------
# Bad input


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ListFileError, match="file not found"):
        parse_files({})
    assert refused(tmp_path / FILE).reason == "file not found"


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "file is empty"),
    (b"\xef\xbb\xbf\n", "file is empty"),
    (b"<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>503</body></html>", "HTML page"),
    (b"Reference,Name\r\nQDi.001,ZIDANE\r\n", "truncated or malformed XML"),
    (b'<?xml version="1.0"?><Designations><DateGenerated>14/04/2025</DateGenerated></Designations>',
     "unexpected XML root <Designations>, expected <CONSOLIDATED_LIST>"),
    (b'<CONSOLIDATED_LIST dateGenerated="2025-11-18T23:00:09.174Z"/>', "no <INDIVIDUALS> or <ENTITIES>"),
    (b"<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>", "no <INDIVIDUAL> or <ENTITY> records"),
])
def test_not_the_list(tmp_path: Path, content: bytes, reason: str) -> None:
    assert reason in refused(write(tmp_path, content)).reason


def test_truncated(tmp_path: Path, fixture_file: Path) -> None:
    data = fixture_file.read_bytes()
    for cut in (len(data) // 2, len(data) - 5):
        assert "truncated or malformed XML" in refused(write(tmp_path, data[:cut])).reason


def test_a_zip_under_the_name(tmp_path: Path, fixture_file: Path) -> None:
    """The UN also publishes zipped and PDF editions: one saved under the XML's name is refused."""
    with zipfile.ZipFile(tmp_path / "zipped", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(fixture_file, FILE)
    assert "truncated or malformed XML" in refused(write(tmp_path, (tmp_path / "zipped").read_bytes())).reason


def test_a_record_without_reference(tmp_path: Path, fixture_file: Path) -> None:
    data = fixture_file.read_bytes().replace(b"<REFERENCE_NUMBER>CDi.002</REFERENCE_NUMBER>", b"", 1)
    assert refused(write(tmp_path, data)).reason == "INDIVIDUAL #2 has no REFERENCE_NUMBER (schema changed?)"


def test_a_record_without_name(tmp_path: Path, fixture_file: Path) -> None:
    data = fixture_file.read_bytes().replace(b"<FIRST_NAME>HARA COMPANY</FIRST_NAME>", b"<FIRST_NAME> </FIRST_NAME>")
    assert refused(write(tmp_path, data)).reason == "IRe.025 has no FIRST_NAME (schema changed?)"


def test_entities_are_not_expanded(tmp_path: Path) -> None:
    xml = ('<?xml version="1.0"?><!DOCTYPE CONSOLIDATED_LIST [<!ENTITY boom "ZIDANE">]><CONSOLIDATED_LIST>'
           "<INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&boom;</FIRST_NAME><REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER>"
           "<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>")
    try:
        lst = parse_files({FILE: write(tmp_path, xml)})
    except ListFileError:
        return  # refusing the document is fine too
    assert "ZIDANE" not in lst.entries[0].name.text


def test_a_missing_or_odd_list_date_is_none(tmp_path: Path, fixture_file: Path) -> None:
    data = fixture_file.read_bytes().replace(b' dateGenerated="2025-11-18T23:00:09.174Z"', b' dateGenerated="soon"')
    assert parse_files({FILE: write(tmp_path, data)}).date is None


# ---------------------------------------------------------------------------------------------------------
# The full file (18 Nov 2025)


def test_full_counts(full: SanctionsList) -> None:
    assert full.date == date(2025, 11, 18)
    assert full.count_by_type() == {"individual": 727, "entity": 273, "vessel": 0, "aircraft": 0}
    assert len({e.uid for e in full.entries}) == 1000 and not [e for e in full.entries if "~" in e.uid]
    assert {p for e in full.entries for p in e.programs} == UN_LIST_TYPES
    assert sum(e.uid.startswith("QDi.") for e in full.entries) == 252
    assert full.latest_listing is not None and full.latest_listing <= date(2025, 11, 18)


def test_full_file_carries_the_fields_the_source_expects(full: SanctionsList) -> None:
    from magcheck.store.validate import missing_fields

    assert SOURCE.expected_fields == {"programs": 0.95, "listed": 0.95, "dobs": 0.85}
    assert missing_fields(SOURCE, full) == []


def test_full_names(full: SanctionsList) -> None:
    kinds: dict[tuple[NameKind, Strength], int] = {}
    for entry in full.entries:
        for name in entry.other_names:
            kinds[(name.kind, name.strength)] = kinds.get((name.kind, name.strength), 0) + 1
    # 1,525 Good and 615 Low individual aliases in the file; several per ALIAS_NAME in places
    assert kinds[(NameKind.ALIAS, Strength.WEAK)] == 618
    assert kinds[(NameKind.FORMER, Strength.STRONG)] == 18  # 19 f.k.a., one repeating another name
    # 379 NAME_ORIGINAL_SCRIPT, 35 aliases in Arabic, Cyrillic or Chinese (many bracketed after a Latin one)
    assert sum(n.kind is NameKind.NON_LATIN for e in full.entries for n in e.other_names) == 414


def test_full_dates_and_documents(full: SanctionsList) -> None:
    assert sum(bool(e.dobs) for e in full.entries) == 678
    assert sorted(t for e in full.entries for t in e.dob_texts) == [
        "24/06/1402 (Hijri Calendar)", "30-35 years old", "Between Aug. and Sep. 1977"]
    assert sum(len(e.identifiers) for e in full.entries) == 449  # of 454 documents with a NUMBER, 5 repeat


def test_full_same_as_the_excerpt(excerpt: SanctionsList, full: SanctionsList) -> None:
    for entry in excerpt.entries:
        assert by_uid(full, entry.uid) == entry


def test_the_bundled_snapshot_is_the_full_file(monkeypatch: pytest.MonkeyPatch, full: SanctionsList) -> None:
    from magcheck.store import bundled

    monkeypatch.setattr(bundled, "get_source", lambda code: SOURCE)
    snapshot = bundled.load_bundled("un")
    assert snapshot is not None and str(snapshot.origin) == "bundled snapshot"
    assert snapshot.date == date(2025, 11, 18) and snapshot.date_note is None  # the file's own date
    assert snapshot.entries == full.entries
