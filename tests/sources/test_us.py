"""The US OFAC SDN list (SDN.CSV, ALT.CSV, ADD.CSV, SDN_COMMENTS.CSV): parser, names, remarks facts, errors.

Fixture tests read the real excerpts in tests/fixtures/us; tests taking `shared_data` read the full snapshot
(14,965 entries) and are skipped where it is absent. Malformed inputs are built in tmp_path from real bytes.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from magcheck.errors import ExitStatus, ListFileError
from magcheck.model import Entry, EntryType, Identifier, IdKind, NameKind, PartialDate, SanctionsList, Strength
from magcheck.sources import get_source
from magcheck.sources.us import (
    ADD_FILE,
    ALT_FILE,
    COMMENTS_FILE,
    ENHANCED_XML,
    ENHANCED_ZIP,
    SDN_FILE,
    SOURCE,
    birth_country,
    is_imo_number,
    parse_dob,
    parse_files,
    parse_identifier,
    parse_remarks,
    split_person_name,
    split_programs,
    split_titles,
)
from magcheck.store.load import load_from_dir

FIXTURE_ENTRIES = 41

# ---------------------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(scope="module")
def us_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "us"


@pytest.fixture(scope="module")
def excerpt(us_dir: Path) -> SanctionsList:
    """SDN.CSV and ALT.CSV only: the two required files."""
    return parse_files({SDN_FILE: us_dir / SDN_FILE, ALT_FILE: us_dir / ALT_FILE})


@pytest.fixture(scope="module")
def excerpt_all(us_dir: Path) -> SanctionsList:
    """All four files."""
    return parse_files({name: us_dir / name for name in (SDN_FILE, ALT_FILE, ADD_FILE, COMMENTS_FILE)})


@pytest.fixture(scope="module")
def full(shared_data: Path) -> SanctionsList:
    us = shared_data / "us"
    return parse_files({SDN_FILE: us / SDN_FILE, ALT_FILE: us / ALT_FILE})


def by_uid(lst: SanctionsList, uid: str) -> Entry:
    matches = [e for e in lst.entries if e.uid == uid]
    assert len(matches) == 1, uid
    return matches[0]


def names_of(entry: Entry, kind: NameKind | None = None, strength: Strength | None = None) -> list[str]:
    return [n.text for n in entry.other_names
            if (kind is None or n.kind is kind) and (strength is None or n.strength is strength)]


def ids_of(entry: Entry, kind: IdKind) -> list[tuple[str, str | None]]:
    return [(i.value, i.country) for i in entry.identifiers if i.kind is kind]


def copy_pair(us_dir: Path, tmp_path: Path, sdn: bytes | None = None) -> dict[str, Path]:
    """SDN.CSV (the fixture, or `sdn` bytes) and the fixture ALT.CSV in tmp_path, as a files mapping."""
    files = {SDN_FILE: tmp_path / SDN_FILE, ALT_FILE: tmp_path / ALT_FILE}
    shutil.copy(us_dir / ALT_FILE, files[ALT_FILE])
    if sdn is None:
        shutil.copy(us_dir / SDN_FILE, files[SDN_FILE])
    else:
        files[SDN_FILE].write_bytes(sdn)
    return files


def expect_error(files: dict[str, Path], file: str, *fragments: str) -> ListFileError:
    with pytest.raises(ListFileError) as info:
        parse_files(files)
    error = info.value
    assert error.list_code == "us"
    assert error.file == file
    assert str(error).startswith(f"us: {file}: ")
    assert error.exit_status is ExitStatus.NO_DATA
    for fragment in fragments:
        assert fragment in error.reason, error.reason
    return error


# ---------------------------------------------------------------------------------------------------------
# Source declaration


def test_source_is_registered() -> None:
    assert get_source("us") is SOURCE


def test_source_declares_the_official_files_and_magnitsky_scope() -> None:
    assert SOURCE.code == "us"
    assert SOURCE.title == "United States - OFAC Specially Designated Nationals (SDN) List"
    assert SOURCE.government == "United States"
    assert SOURCE.landing_page == "https://ofac.treasury.gov/sanctions-list-service"
    assert SOURCE.magnitsky_programs == frozenset({"GLOMAG", "MAGNIT", "UHRPA"})
    assert len(SOURCE.layouts) == 1
    live = SOURCE.live
    assert [f.name for f in live.files] == ["SDN.CSV", "ALT.CSV", "ADD.CSV", "SDN_COMMENTS.CSV", "SDN_ENHANCED.ZIP",
                                            "SDN_ENHANCED.XML"]
    assert live.required == ("SDN.CSV", "ALT.CSV")
    for f in live.files[:5]:
        assert f.url == f"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/{f.name}"
    assert live.files[5].url is None  # the unzipped export is only read from a data directory
    assert live.parse is parse_files


# ---------------------------------------------------------------------------------------------------------
# The excerpt as a whole


def test_excerpt_counts_and_list_facts(excerpt: SanctionsList) -> None:
    assert excerpt.code == "us"
    assert excerpt.title == SOURCE.title
    assert excerpt.date is None  # SDN.CSV states no publication date
    assert excerpt.latest_listing is None  # nor listing dates
    assert excerpt.files == ("SDN.CSV", "ALT.CSV")
    assert len(excerpt.entries) == FIXTURE_ENTRIES
    assert excerpt.count_by_type() == {"individual": 25, "entity": 12, "vessel": 3, "aircraft": 1}
    assert all(e.list == "us" and e.listed is None for e in excerpt.entries)


def test_files_read_lists_the_optional_files_present(excerpt_all: SanctionsList) -> None:
    assert excerpt_all.files == ("SDN.CSV", "ALT.CSV", "ADD.CSV", "SDN_COMMENTS.CSV")
    assert len(excerpt_all.entries) == FIXTURE_ENTRIES


def test_uid_and_raw_reference(excerpt: SanctionsList) -> None:
    first = excerpt.entries[0]
    assert first.uid == "36"
    assert first.key == "us:36"
    assert first.raw is not None
    assert first.raw.file == "SDN.CSV"
    assert first.raw.locator == "line 1"
    assert first.raw.url == "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=36"
    assert [e.raw.locator for e in excerpt.entries if e.raw] == [f"line {n}" for n in range(1, FIXTURE_ENTRIES + 1)]


def test_final_0x1a_line_is_skipped(excerpt: SanctionsList, us_dir: Path) -> None:
    assert (us_dir / SDN_FILE).read_bytes().endswith(b"\r\n\x1a")
    assert excerpt.entries[-1].uid == "48907"
    assert not any("\x1a" in e.uid or "\x1a" in e.name.text for e in excerpt.entries)


def test_empty_cells_are_none(excerpt: SanctionsList) -> None:
    cuba = by_uid(excerpt, "36")  # every cell after the programme is `-0- `
    assert cuba.type is EntryType.ENTITY  # the type cell is `-0- ` too
    assert cuba.remarks is None
    assert cuba.identifiers == ()
    assert cuba.countries == ()
    assert names_of(cuba) == ["AERO-CARIBBEAN"]
    burma = by_uid(excerpt, "24812")
    assert burma.remarks is None and burma.dobs == () and burma.gender is None


# ---------------------------------------------------------------------------------------------------------
# Known truths


def test_chen_quanguo(excerpt: SanctionsList) -> None:
    chen = by_uid(excerpt, "29220")
    assert chen.type is EntryType.INDIVIDUAL
    assert chen.name.text == "CHEN, Quanguo"  # as published
    assert (chen.name.surname, chen.name.given) == ("CHEN", "Quanguo")
    assert chen.name.kind is NameKind.PRIMARY and chen.name.strength is Strength.STRONG
    assert chen.programs == ("GLOMAG",)
    assert chen.dobs == (PartialDate(1955),)
    assert chen.dobs[0].precision == "year"
    assert chen.gender == "Male"
    assert chen.countries == ("China",)  # from POB Pingyu, Henan, China
    assert chen.remarks == "DOB 1955; POB Pingyu, Henan, China; Gender Male."


def test_xinjiang_bodies_are_glomag_entities(excerpt: SanctionsList) -> None:
    psb = by_uid(excerpt, "29159")
    assert psb.name.text == "XINJIANG PUBLIC SECURITY BUREAU"
    assert psb.type is EntryType.ENTITY
    assert psb.programs == ("GLOMAG",)
    assert names_of(psb, NameKind.ALIAS, Strength.STRONG) == [
        "XINJIANG BUREAU OF PUBLIC SECURITY",
        "PUBLIC SECURITY DEPARTMENT OF XINJIANG UYGAR AUTONOMOUS REGION",
        "PUBLIC SECURITY DEPARTMENT OF XUAR",
        "PUBLIC SECURITY DEPARTMENT OF THE AUTONOMOUS REGION",
    ]
    assert psb.name.given is None and psb.name.surname is None
    xpcc = by_uid(excerpt, "29299")
    assert xpcc.name.text == "XINJIANG PRODUCTION AND CONSTRUCTION CORPS"
    assert xpcc.type is EntryType.ENTITY
    assert xpcc.programs == ("GLOMAG",)
    assert xpcc.remarks == "Linked To: CHEN, Quanguo."
    assert xpcc.other_names == ()


@pytest.mark.parametrize(("uid", "surname", "given", "dob"), [
    ("29219", "ZHU", "Hailun", PartialDate(1958, 1)),
    ("29162", "WANG", "Mingshan", PartialDate(1964, 1)),
    ("31492", "WANG", "Junzheng", PartialDate(1963, 5)),
    ("31493", "CHEN", "Mingguo", PartialDate(1966, 10)),
])
def test_the_four_xinjiang_officials(excerpt: SanctionsList, uid: str, surname: str, given: str,
                                     dob: PartialDate) -> None:
    entry = by_uid(excerpt, uid)
    assert (entry.name.surname, entry.name.given) == (surname, given)
    assert entry.programs == ("GLOMAG",)
    assert entry.dobs == (dob,)
    assert entry.dobs[0].precision == "month"
    assert entry.gender == "Male"


def test_magnitsky_scope_programmes(excerpt: SanctionsList) -> None:
    in_scope = {e.uid for e in excerpt.entries if set(e.programs) & SOURCE.magnitsky_programs}
    assert {"29220", "29159", "29299", "7513", "27225", "24812", "33809", "39417"} <= in_scope
    assert {"15879", "15885", "15892"} <= in_scope  # MAGNIT
    assert "48907" not in in_scope and "36" not in in_scope


# ---------------------------------------------------------------------------------------------------------
# Programmes


def test_multi_programme_cells_are_split(excerpt: SanctionsList) -> None:
    assert by_uid(excerpt, "10392").programs == ("SDGT", "NPWMD", "IFSR", "IRAN-CON-ARMS-EO", "RUSSIA-EO14024")
    assert by_uid(excerpt, "15892").programs == ("MAGNIT", "RUSSIA-EO14024")
    assert by_uid(excerpt, "39417").programs == ("GLOMAG", "UHRPA")
    assert by_uid(excerpt, "27225").programs == ("GLOMAG", "BURMA-EO14014")


@pytest.mark.parametrize(("cell", "tags"), [
    ("SDGT] [SYRIA", ("SDGT", "SYRIA")),
    ("[SDGT] [SYRIA]", ("SDGT", "SYRIA")),
    ("GLOMAG", ("GLOMAG",)),
    ("FTO]  [SDGT ", ("FTO", "SDGT")),
    ("SDGT] [SDGT", ("SDGT",)),
    (None, ()),
])
def test_split_programs(cell: str | None, tags: tuple[str, ...]) -> None:
    assert split_programs(cell) == tags


# ---------------------------------------------------------------------------------------------------------
# Names


def test_person_names_are_split_into_surname_and_given(excerpt: SanctionsList) -> None:
    lukashenka = by_uid(excerpt, "9760")
    assert (lukashenka.name.surname, lukashenka.name.given) == ("LUKASHENKA", "Alyaksandr Ryhorovich")
    alias = lukashenka.other_names[0]
    assert alias.text == "LUKASHENKO, Aleksandr Grigorevich"
    assert (alias.surname, alias.given, alias.kind, alias.strength) == (
        "LUKASHENKO", "Aleksandr Grigorevich", NameKind.ALIAS, Strength.STRONG)


def test_entity_names_are_not_split(excerpt: SanctionsList) -> None:
    bank = by_uid(excerpt, "4642")
    assert all(n.given is None and n.surname is None for n in bank.names)


@pytest.mark.parametrize(("text", "given", "surname"), [
    ("CHEN, Quanguo", "Quanguo", "CHEN"),
    ("DELOS REYES, Feliciano Semborio, Jr.", "Feliciano Semborio", "DELOS REYES"),
    ("ABU MANSUR", None, None),
    ("AL-WARD, 'Abd", "'Abd", "AL-WARD"),
])
def test_split_person_name(text: str, given: str | None, surname: str | None) -> None:
    assert split_person_name(text) == (given, surname)


def test_name_with_suffix_keeps_its_published_text(excerpt: SanctionsList) -> None:
    reyes = by_uid(excerpt, "10851")
    assert reyes.name.text == "DELOS REYES, Feliciano Semborio, Jr."
    assert (reyes.name.surname, reyes.name.given) == ("DELOS REYES", "Feliciano Semborio")


def test_fka_in_alt_csv_is_a_former_name(excerpt: SanctionsList) -> None:
    bank = by_uid(excerpt, "4642")
    assert names_of(bank, NameKind.FORMER, Strength.STRONG) == [
        "IRAN OVERSEAS INVESTMENT BANK PLC",
        "IRAN OVERSEAS INVESTMENT CORPORATION LIMITED",
        "IRAN OVERSEAS INVESTMENT BANK LIMITED",
    ]
    kiriyenko = by_uid(excerpt, "31123")
    former = [n for n in kiriyenko.other_names if n.kind is NameKind.FORMER]
    assert [(n.text, n.surname, n.given) for n in former] == [
        ("IZRAITEL, Sergey Vladilenovich", "IZRAITEL", "Sergey Vladilenovich")]


def test_weak_aliases_from_remarks(excerpt: SanctionsList) -> None:
    bank = by_uid(excerpt, "306")
    assert names_of(bank, strength=Strength.STRONG) == ["NATIONAL BANK OF CUBA"]
    assert names_of(bank, NameKind.ALIAS, Strength.WEAK) == ["BNC"]
    assert names_of(by_uid(excerpt, "7513"), strength=Strength.WEAK) == ["CROCODILE"]
    assert names_of(by_uid(excerpt, "8155"), strength=Strength.WEAK) == ["LA NEGRA"]
    assert names_of(by_uid(excerpt, "11313"), strength=Strength.WEAK) == ["ABU MANSUR", "ABU MANSOUR"]


def test_weak_alias_of_a_person_is_split_when_written_surname_first(excerpt: SanctionsList) -> None:
    weak = [n for n in by_uid(excerpt, "11748").other_names if n.strength is Strength.WEAK]
    assert [(n.text, n.surname, n.given) for n in weak] == [("MUSCAB, Abu", "MUSCAB", "Abu"), ("QORGAB", None, None)]


def test_weak_aliases_quoted_twice_lose_one_pair_of_quotes(excerpt: SanctionsList) -> None:
    assert names_of(by_uid(excerpt, "6925"), strength=Strength.WEAK) == [
        "AHMED, A.", "KHABAR, Abu", "BAKR, Abu", "FOOPIE", "FUPI", "AHMED THE TANZANIAN"]


def test_fka_in_remarks_is_a_weak_former_name(excerpt: SanctionsList) -> None:
    ship = by_uid(excerpt, "15036")
    assert names_of(ship, NameKind.FORMER, Strength.STRONG) == ["ABADAN", "SHONA"]
    assert names_of(ship, NameKind.FORMER, Strength.WEAK) == ["ALPHA"]


def test_alias_apostrophes_inside_quotes_are_kept() -> None:
    facts = parse_remarks("a.k.a. 'ABU 'AMMAR'; a.k.a. 'AL-WARD, 'Abd'; a.k.a. 'ABU AL-WAFA''.", person=True)
    assert [n.text for n in facts.names] == ["ABU 'AMMAR", "AL-WARD, 'Abd", "ABU AL-WAFA'"]
    assert all(n.strength is Strength.WEAK for n in facts.names)


def test_no_duplicate_other_names(excerpt: SanctionsList) -> None:
    for entry in excerpt.entries:
        texts = [n.text.casefold() for n in entry.names]
        assert len(texts) == len(set(texts)), entry.uid


def test_alt_header_row_is_skipped_and_orphans_ignored(excerpt: SanctionsList, us_dir: Path) -> None:
    alt = (us_dir / ALT_FILE).read_bytes()
    assert alt.startswith(b"ent_num,alt_num,alt_type,alt_name,alt_remarks\r\n")
    assert b"\r\n19640," in alt  # orphan rows: entity 19640 is not in this SDN.CSV
    assert "19640" not in {e.uid for e in excerpt.entries}
    assert not any(n.text == "GAZPROM INVEST" for e in excerpt.entries for n in e.names)
    assert not any(n.text in {"ent_num", "alt_name"} for e in excerpt.entries for n in e.names)


def test_official_headerless_alt_csv_gives_the_same_entries(excerpt: SanctionsList, us_dir: Path,
                                                          tmp_path: Path) -> None:
    files = copy_pair(us_dir, tmp_path)
    alt = (us_dir / ALT_FILE).read_bytes()
    files[ALT_FILE].write_bytes(alt.split(b"\r\n", 1)[1])
    assert parse_files(files).entries == excerpt.entries


# ---------------------------------------------------------------------------------------------------------
# Remarks: dates of birth, nationality, identifiers


@pytest.mark.parametrize(("text", "dobs", "kept"), [
    ("31 Aug 1960", (PartialDate(1960, 8, 31),), None),
    ("Aug 1960", (PartialDate(1960, 8),), None),
    ("1955", (PartialDate(1955),), None),
    ("circa 1955", (PartialDate(1955),), None),
    ("circa 07 Jul 1966", (PartialDate(1966, 7, 7),), None),
    ("10 October 1969", (PartialDate(1969, 10, 10),), None),
    ("1958 to 1960", (PartialDate(1958), PartialDate(1959), PartialDate(1960)), None),
    ("circa 1979-1982", tuple(PartialDate(y) for y in range(1979, 1983)), None),
    ("01 Jan 1961 to 31 Dec 1962", (PartialDate(1961), PartialDate(1962)), None),
    ("Mar 1962 to Feb 1963", (PartialDate(1962), PartialDate(1963)), None),
    ("01 Jan 1970 to 31 Jan 1970", (PartialDate(1970, 1),), None),
    ("1900 to 1960", (), "1900 to 1960"),  # too wide to stand for its years
    ("31 Feb 1960", (), "31 Feb 1960"),
    ("the early 1960s", (), "the early 1960s"),
    ("10 1969", (), "10 1969"),
])
def test_parse_dob(text: str, dobs: tuple[PartialDate, ...], kept: str | None) -> None:
    assert parse_dob(text) == (dobs, kept)


def test_every_dob_format_of_the_excerpt(excerpt: SanctionsList) -> None:
    assert by_uid(excerpt, "9760").dobs == (PartialDate(1954, 8, 30), PartialDate(1954, 8, 31))  # alt. DOB
    assert by_uid(excerpt, "7929").dobs == (PartialDate(1966, 7, 7),)  # circa
    assert by_uid(excerpt, "12057").dobs == (
        PartialDate(1951), PartialDate(1952), PartialDate(1953), PartialDate(1960), PartialDate(1961),
        PartialDate(1962), PartialDate(1961, 4))  # `1951 to 1953; alt. 1960 to 1962; alt. Apr 1961; alt. 1953`
    assert by_uid(excerpt, "15962").dobs == (PartialDate(1961), PartialDate(1962))
    assert by_uid(excerpt, "23470").dobs == (PartialDate(1962), PartialDate(1963))
    assert by_uid(excerpt, "11748").dobs == tuple(PartialDate(y) for y in range(1979, 1983))
    # "DOB 1969; alt. DOB 10 Oct 1969; (... Alt. DOB: 10 October 1969 ...)": the repeat is not doubled
    assert by_uid(excerpt, "11313").dobs == (PartialDate(1969), PartialDate(1969, 10, 10))
    assert all(e.dob_texts == () for e in excerpt.entries)


def test_dob_inside_a_word_is_not_a_dob(excerpt: SanctionsList) -> None:
    # 8155's remarks end with "Linked To: FUNDACION PARA LA PAZ DE CORDOBA."
    assert by_uid(excerpt, "8155").dobs == (PartialDate(1956, 6, 27),)


def test_unparsed_dob_is_kept_as_text() -> None:
    facts = parse_remarks("DOB 1955 or 1956; DOB 1957", person=True)
    assert facts.dobs == [PartialDate(1957)]
    assert facts.dob_texts == ["1955 or 1956"]


def test_nationality_citizenship_gender(excerpt: SanctionsList) -> None:
    prokopenko = by_uid(excerpt, "15892")
    assert prokopenko.nationalities == ("Russia", "Ukraine")  # includes `alt. nationality`
    assert prokopenko.citizenships == ("Russia", "Ukraine")
    assert prokopenko.gender == "Male"
    assert prokopenko.countries == ("Ukraine",)  # POB Vinnitsa, Ukraine
    assert by_uid(excerpt, "7513").nationalities == ("Zimbabwe",)


@pytest.mark.parametrize(("place", "country"), [
    ("Pingyu, Henan, China", "China"),
    ("Moscow Region, Russia", "Russia"),
    ("Pyongyang, Korea, North", "Korea, North"),
    ("Kinshasa, Congo, Democratic Republic of the", "Congo, Democratic Republic of the"),
    ("Lebanon", "Lebanon"),
    ("", None),
])
def test_birth_country(place: str, country: str | None) -> None:
    assert birth_country(place) == country


def test_passports_and_national_ids(excerpt: SanctionsList) -> None:
    president = by_uid(excerpt, "7513")
    assert ids_of(president, IdKind.PASSPORT) == [("AD005831", "Zimbabwe"), ("AD006846", "Zimbabwe")]
    assert ids_of(president, IdKind.NATIONAL_ID) == [("63450183P67", "Zimbabwe")]
    assert president.identifiers[0].note == "Passport"
    robow = by_uid(excerpt, "11313")  # the parenthetical "Passport No.: 0310857, Eritrea, Issue Date ..." too
    assert ids_of(robow, IdKind.PASSPORT) == [("0310857", "Eritrea")]
    assert ids_of(robow, IdKind.NATIONAL_ID) == [("1372584", "Kenya")]
    gomez = by_uid(excerpt, "8155")
    assert ids_of(gomez, IdKind.NATIONAL_ID) == [("21446537", "Colombia")]
    assert [i.note for i in gomez.identifiers if i.kind is IdKind.NATIONAL_ID] == ["Cedula No."]


def test_registration_and_tax_ids(excerpt: SanctionsList) -> None:
    assert ids_of(by_uid(excerpt, "4642"), IdKind.REGISTRATION) == [("01126618", "United Kingdom")]
    assert ids_of(by_uid(excerpt, "15892"), IdKind.TAX) == [("773407989940", "Russia")]
    iskra = by_uid(excerpt, "35881")
    assert ids_of(iskra, IdKind.TAX) == [("7714288059", "Russia")]
    assert ids_of(iskra, IdKind.REGISTRATION) == [("1027714027395", "Russia")]


@pytest.mark.parametrize(("label", "value", "expected"), [
    ("Passport", "042833 (Lebanon)", Identifier(IdKind.PASSPORT, "042833", "Lebanon", "Passport")),
    ("Passport", "AD005831 (Zimbabwe) issued 11 Jan 2018 expires 10 Jan 2028",
     Identifier(IdKind.PASSPORT, "AD005831", "Zimbabwe", "Passport")),
    ("Passport", "L 191609 issued 28 Feb 1996 expires 27 Feb 2001",
     Identifier(IdKind.PASSPORT, "L 191609", None, "Passport")),
    ("Registration Number", "HRA 738077 (Stuttgart) (Germany)",
     Identifier(IdKind.REGISTRATION, "HRA 738077", "Germany", "Registration Number")),
    ("Vessel Registration Identification", "IMO 9187629",
     Identifier(IdKind.IMO, "9187629", None, "Vessel Registration Identification")),
    ("Vessel Registration Identification", "9894387",
     Identifier(IdKind.IMO, "9894387", None, "Vessel Registration Identification")),
    ("Vessel Registration Identification", "RS 150443 (Russia)",
     Identifier(IdKind.REGISTRATION, "RS 150443", "Russia", "Vessel Registration Identification")),
    ("NIT", "800018928-0 (Colombia)", Identifier(IdKind.TAX, "800018928-0", "Colombia", "NIT")),
    ("Tax ID No.", "(Russia)", None),
])
def test_parse_identifier(label: str, value: str, expected: Identifier | None) -> None:
    assert parse_identifier(label, value) == expected


def test_labels_are_read_after_alt_and_with_a_colon_or_hash() -> None:
    facts = parse_remarks("alt. Passport RL 1794375 (Lebanon); NIT # 800018928-0 (Colombia); "
                          "Passport Booklet: A5199819 (Pakistan); Gender Female.", person=True)
    assert [(i.kind, i.value, i.country, i.note) for i in facts.identifiers] == [
        (IdKind.PASSPORT, "RL 1794375", "Lebanon", "Passport"),
        (IdKind.TAX, "800018928-0", "Colombia", "NIT"),
        (IdKind.PASSPORT, "A5199819", "Pakistan", "Passport Booklet"),
    ]
    assert facts.gender == "Female"


@pytest.mark.parametrize(("digits", "valid"), [
    ("9187629", True), ("9894387", True), ("9894388", False), ("150443", False), ("12345678", False)])
def test_is_imo_number(digits: str, valid: bool) -> None:
    assert is_imo_number(digits) is valid


# ---------------------------------------------------------------------------------------------------------
# Vessels and aircraft


def test_vessel_with_imo_call_sign_and_flag(excerpt: SanctionsList) -> None:
    ship = by_uid(excerpt, "15036")
    assert ship.type is EntryType.VESSEL
    assert ship.name.text == "ARTAVIL"
    assert ids_of(ship, IdKind.IMO) == [("9187629", None)]
    assert Identifier(IdKind.OTHER, "T2EU4", note="call sign") in ship.identifiers
    assert Identifier(IdKind.OTHER, "572469210", note="MMSI") in ship.identifiers
    assert ship.countries == ("Iran",)  # the flag
    assert ship.dobs == () and ship.gender is None
    assert ship.remarks is not None
    assert ship.remarks.startswith("Vessel type: Crude/Oil Products Tanker; Tonnage: 99,144; GRT: 56,068; "
                                   "Flag: Iran; Call sign: T2EU4; Former Vessel Flag Malta;")


def test_vessel_registrations_with_and_without_imo(excerpt: SanctionsList) -> None:
    assert ids_of(by_uid(excerpt, "33809"), IdKind.IMO) == [("9894387", None)]  # bare number, valid check digit
    bonu = by_uid(excerpt, "23424")
    assert ids_of(bonu, IdKind.IMO) == []
    assert ids_of(bonu, IdKind.REGISTRATION) == [("15411", "Malta")]


def test_imo_number_of_a_company_is_marked(excerpt: SanctionsList) -> None:
    company = by_uid(excerpt, "17067")
    assert company.type is EntryType.ENTITY
    assert [(i.kind, i.value, i.note) for i in company.identifiers] == [(IdKind.IMO, "5342883", "IMO company number")]


def test_aircraft(excerpt: SanctionsList) -> None:
    plane = by_uid(excerpt, "15431")
    assert plane.type is EntryType.AIRCRAFT
    assert plane.name.text == "EP-GOM"
    assert plane.programs == ("SDGT",)
    assert ids_of(plane, IdKind.OTHER) == [("1023409321", None)]  # manufacturer's serial number


def test_title_goes_to_remarks(excerpt: SanctionsList) -> None:
    remarks = by_uid(excerpt, "7513").remarks
    assert remarks is not None and remarks.startswith("Title: President of Zimbabwe; DOB 15 Sep 1946;")


def test_titles_are_positions(excerpt: SanctionsList) -> None:
    assert by_uid(excerpt, "7513").positions == ("President of Zimbabwe",)
    assert by_uid(excerpt, "12057").positions == (
        "Brigadier General and Commander of the IRGC Basij Resistance Force",
        "President of the Organization of the Basij of the Oppressed",
        "Chief of the Mobilization of the Oppressed Organization",
    )
    naqdi = by_uid(excerpt, "12057").remarks
    assert naqdi is not None and naqdi.startswith("Title: Brigadier General and Commander of the IRGC Basij ")
    assert by_uid(excerpt, "29220").positions == ()  # no title cell (-0-)
    assert by_uid(excerpt, "15036").positions == ()  # a vessel: its details are not positions


def test_split_titles() -> None:
    assert split_titles(None) == ()
    assert split_titles("Brigadier General; Major General") == ("Brigadier General", "Major General")
    assert split_titles("Colonel; ; Colonel") == ("Colonel",)


# ---------------------------------------------------------------------------------------------------------
# Listing dates from the enhanced export (SDN_ENHANCED.ZIP / SDN_ENHANCED.XML)

ENHANCED_EXCERPT = "CONS_ENHANCED_excerpt"
# The "SDN List" dates of the excerpt's entities that are in the fixture SDN.CSV; its fourth dated entity,
# 19640 (GAZPROM INVEST), is not, and its other three have no SDN date.
LISTED = {"9647": date(2023, 11, 14), "17015": date(2018, 8, 15), "18272": date(2022, 2, 22)}


def data_dir(us_dir: Path, tmp_path: Path, enhanced: dict[str, bytes]) -> Path:
    """A --data-dir holding the fixture SDN.CSV and ALT.CSV and `enhanced` files (name -> bytes)."""
    folder = tmp_path / "data" / "us"
    folder.mkdir(parents=True)
    for name in (SDN_FILE, ALT_FILE):
        shutil.copy(us_dir / name, folder / name)
    for name, data in enhanced.items():
        (folder / name).write_bytes(data)
    return tmp_path / "data"


def excerpt_bytes(us_dir: Path, suffix: str) -> bytes:
    return (us_dir / f"{ENHANCED_EXCERPT}.{suffix}").read_bytes()


def listed_dates(lst: SanctionsList) -> dict[str, date]:
    return {e.uid: e.listed for e in lst.entries if e.listed is not None}


@pytest.mark.parametrize(("name", "suffix"), [(ENHANCED_ZIP, "ZIP"), (ENHANCED_XML, "XML"),
                                              ("sdn_enhanced.zip", "ZIP")])
def test_listing_dates_from_the_enhanced_export(us_dir: Path, tmp_path: Path, name: str, suffix: str) -> None:
    lst = load_from_dir(data_dir(us_dir, tmp_path, {name: excerpt_bytes(us_dir, suffix)}), "us")
    assert listed_dates(lst) == LISTED
    assert len(lst.entries) == FIXTURE_ENTRIES  # 19640, in the export only, is not added
    assert "19640" not in {e.uid for e in lst.entries}
    assert lst.files == (SDN_FILE, ALT_FILE, ENHANCED_XML if suffix == "XML" else ENHANCED_ZIP)
    assert lst.warnings == []
    assert lst.latest_listing == date(2023, 11, 14)
    assert lst.date is None  # the export's dataAsOf does not date SDN.CSV (see the report of issue 9)


def test_the_zip_is_read_when_both_forms_are_present(us_dir: Path, tmp_path: Path) -> None:
    broken_xml = excerpt_bytes(us_dir, "XML")[:1000]
    lst = load_from_dir(data_dir(us_dir, tmp_path, {ENHANCED_ZIP: excerpt_bytes(us_dir, "ZIP"),
                                                    ENHANCED_XML: broken_xml}), "us")
    assert listed_dates(lst) == LISTED
    assert lst.files[-1] == ENHANCED_ZIP and lst.warnings == []


def test_without_the_enhanced_export_the_list_is_as_before(us_dir: Path, tmp_path: Path,
                                                           excerpt: SanctionsList) -> None:
    lst = load_from_dir(data_dir(us_dir, tmp_path, {}), "us")
    assert (lst.files, lst.warnings, listed_dates(lst)) == ((SDN_FILE, ALT_FILE), [], {})
    assert [(e.uid, e.names, e.remarks) for e in lst.entries] == [(e.uid, e.names, e.remarks) for e in excerpt.entries]


def _zip_of(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ENHANCED_XML, data)
    return buffer.getvalue()


def _broken_enhanced(us_dir: Path, case: str) -> tuple[str, bytes]:
    """A broken enhanced file made from real bytes, and the name it is saved under."""
    zipped, xml = excerpt_bytes(us_dir, "ZIP"), excerpt_bytes(us_dir, "XML")
    at = xml.index(b"  <entities>\n") + len(b"  <entities>\n")
    uk = (us_dir.parent / "uk" / "UK-Sanctions-List.xml").read_bytes()
    return {
        "empty": (ENHANCED_ZIP, b""),
        "html": (ENHANCED_ZIP, b"<html><head><title>403 Forbidden</title></head><body>Request Rejected</body></html>"),
        "truncated zip": (ENHANCED_ZIP, zipped[: len(zipped) // 2]),
        "truncated xml": (ENHANCED_XML, xml[: len(xml) // 2]),
        "not a zip": (ENHANCED_ZIP, xml),
        "wrong root": (ENHANCED_XML, uk),
        "bomb": (ENHANCED_ZIP, _zip_of(xml[:at] + b" " * (10 * 1024 * 1024) + xml[at:])),
    }[case]


@pytest.mark.parametrize(("case", "reason"), [
    ("empty", "file is empty"),
    ("html", "is an HTML page"),
    ("truncated zip", "damaged or truncated ZIP archive"),
    ("truncated xml", "truncated or malformed XML"),
    ("not a zip", "is not a ZIP archive"),
    ("wrong root", "unexpected XML root <Designations>"),
    ("bomb", "zip bomb"),
])
def test_a_broken_enhanced_export_costs_the_dates_not_the_list(us_dir: Path, tmp_path: Path, case: str,
                                                               reason: str) -> None:
    name, data = _broken_enhanced(us_dir, case)
    lst = load_from_dir(data_dir(us_dir, tmp_path, {name: data}), "us")
    assert len(lst.entries) == FIXTURE_ENTRIES
    assert listed_dates(lst) == {}
    assert len(lst.warnings) == 1
    warning = lst.warnings[0]
    assert warning.startswith(f"us: {name}: ") and reason in warning, warning
    assert warning.endswith("; US listing dates not available") and "\n" not in warning
    assert lst.files == (SDN_FILE, ALT_FILE, name)  # read, and said so


# ---------------------------------------------------------------------------------------------------------
# ADD.CSV and SDN_COMMENTS.CSV


def test_address_countries(excerpt_all: SanctionsList, excerpt: SanctionsList) -> None:
    assert by_uid(excerpt_all, "306").countries == ("Switzerland", "Spain", "Japan", "Panama")
    assert by_uid(excerpt_all, "36").countries == ("Cuba",)
    assert by_uid(excerpt_all, "4642").countries == ("United Kingdom", "Iran")
    assert by_uid(excerpt, "306").countries == ()  # without ADD.CSV


def test_remarks_cut_at_1000_characters_are_continued(excerpt_all: SanctionsList) -> None:
    tian = by_uid(excerpt_all, "28263")
    assert tian.remarks is not None
    assert tian.remarks.endswith("a.k.a. 'tianyinyin0404'; a.k.a. 'snowsjohn'; Linked To: LAZARUS GROUP.")
    assert names_of(tian, strength=Strength.WEAK) == ["tianyinyin0404", "snowsjohn"]
    li = by_uid(excerpt_all, "28264")
    assert li.remarks is not None and "510.210; Phone Number 8613314257947;" in li.remarks
    assert names_of(li, strength=Strength.WEAK) == ["blackjack1987", "khaleesi"]
    assert ids_of(li, IdKind.NATIONAL_ID) == [("210302198701102136", "China")]


def test_cut_remarks_without_the_continuation_drop_the_cut_fact(excerpt: SanctionsList) -> None:
    tian = by_uid(excerpt, "28263")
    assert tian.remarks is not None and tian.remarks.endswith("a.k.a. 'snowsjo")  # as published
    assert names_of(tian, strength=Strength.WEAK) == ["tianyinyin0404"]  # not a half name


def test_continuation_for_a_remark_that_was_not_cut_is_ignored(us_dir: Path, tmp_path: Path) -> None:
    files = copy_pair(us_dir, tmp_path)
    files[COMMENTS_FILE] = tmp_path / COMMENTS_FILE
    # a real continuation row, filed under an entity whose remarks in this SDN.CSV are complete
    row = (us_dir / COMMENTS_FILE).read_bytes().split(b"\n")[1].replace(b"28263,", b"29220,", 1)
    files[COMMENTS_FILE].write_bytes(row + b"\n")
    assert by_uid(parse_files(files), "29220").remarks == "DOB 1955; POB Pingyu, Henan, China; Gender Male."


# ---------------------------------------------------------------------------------------------------------
# Encodings and line ends


def test_lf_line_ends_and_no_end_marker(excerpt: SanctionsList, us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes().replace(b"\r\n", b"\n").removesuffix(b"\x1a")
    assert parse_files(copy_pair(us_dir, tmp_path, sdn)).entries == excerpt.entries


def test_windows_1252_text(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes().replace(b'"GOMEZ ALVAREZ, Sor Teresa"', b'"G\xd3MEZ \x80LVAREZ, Sor Teresa"')
    entry = by_uid(parse_files(copy_pair(us_dir, tmp_path, sdn)), "8155")
    assert entry.name.text == "GÓMEZ €LVAREZ, Sor Teresa"
    assert entry.name.surname == "GÓMEZ €LVAREZ"


def test_bytes_undefined_in_windows_1252_fall_back_to_latin_1(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes().replace(b'"GOMEZ ALVAREZ', b'"G\x81MEZ \xc1LVAREZ')
    entry = by_uid(parse_files(copy_pair(us_dir, tmp_path, sdn)), "8155")
    assert entry.name.text == "G\x81MEZ ÁLVAREZ, Sor Teresa"


def test_utf8_resave_is_read_as_utf8(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes().replace(b'"GOMEZ ALVAREZ', "\"GÓMEZ ÁLVAREZ".encode())
    assert by_uid(parse_files(copy_pair(us_dir, tmp_path, sdn)), "8155").name.surname == "GÓMEZ ÁLVAREZ"


# ---------------------------------------------------------------------------------------------------------
# Malformed input: every case refuses the list with a message naming it and the file


def test_missing_sdn_csv(us_dir: Path, tmp_path: Path) -> None:
    files = copy_pair(us_dir, tmp_path)
    files[SDN_FILE].unlink()
    expect_error(files, "SDN.CSV", "file not found")
    del files[SDN_FILE]
    expect_error(files, "SDN.CSV", "file not found")


def test_missing_alt_csv(us_dir: Path, tmp_path: Path) -> None:
    files = copy_pair(us_dir, tmp_path)
    del files[ALT_FILE]
    expect_error(files, "ALT.CSV", "file not found")


@pytest.mark.parametrize("content", [b"", b"\r\n", b"\x1a", b"  \r\n\x1a"])
def test_empty_file(us_dir: Path, tmp_path: Path, content: bytes) -> None:
    expect_error(copy_pair(us_dir, tmp_path, content), "SDN.CSV", "empty")


def test_html_page(us_dir: Path, tmp_path: Path) -> None:
    page = b"<!DOCTYPE html>\r\n<html><head><title>Request Rejected</title></head><body>...</body></html>\r\n"
    expect_error(copy_pair(us_dir, tmp_path, page), "SDN.CSV", "HTML")


def test_truncated_in_the_middle_of_a_quoted_field(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes()
    cut = sdn.index(b"Secondary sanctions risk: this person", sdn.index(b"48907,")) + 20
    error = expect_error(copy_pair(us_dir, tmp_path, sdn[:cut]), "SDN.CSV", "truncated")
    assert "incomplete" in error.reason


def test_truncated_in_the_middle_of_an_earlier_record(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes()
    cut = sdn.index(b"Pingyu, Henan")  # inside 29220's remarks, dozens of lines from the end
    expect_error(copy_pair(us_dir, tmp_path, sdn[:cut]), "SDN.CSV", "truncated")


def test_truncated_after_a_quote_with_a_line_break_inside(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes()
    cut = sdn.index(b"Pingyu, Henan")
    expect_error(copy_pair(us_dir, tmp_path, sdn[:cut] + b"\r\n"), "SDN.CSV", "malformed CSV", "truncated")


def test_a_missing_closing_quote_does_not_swallow_the_rest(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes().replace(b'Gender Male."\r\n29299,', b"Gender Male.\r\n29299,")
    expect_error(copy_pair(us_dir, tmp_path, sdn), "SDN.CSV", "malformed CSV")


def test_cut_between_fields(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes()
    last = sdn.index(b"48907,")
    cut = sdn.index(b'"RUSSIA-EO14024",', last) + len(b'"RUSSIA-EO14024",')
    expect_error(copy_pair(us_dir, tmp_path, sdn[:cut] + b"\r\n"), "SDN.CSV", "line 41 has 5 columns, expected 12")


def test_other_csv_under_the_name(us_dir: Path, tmp_path: Path) -> None:
    alt = (us_dir / ALT_FILE).read_bytes().split(b"\r\n", 1)[1]  # ALT.CSV rows saved as SDN.CSV
    expect_error(copy_pair(us_dir, tmp_path, alt), "SDN.CSV", "line 1 has 5 columns, expected 12")


def test_uk_csv_under_the_name(us_dir: Path, tmp_path: Path, shared_data: Path) -> None:
    uk = (shared_data / "uk" / "ConList.csv").read_bytes()[:20000]
    uk = uk[: uk.rindex(b"\n") + 1]
    expect_error(copy_pair(us_dir, tmp_path, uk), "SDN.CSV", "line 1 has 2 columns, expected 12")


def test_alt_csv_with_the_wrong_columns(us_dir: Path, tmp_path: Path) -> None:
    files = copy_pair(us_dir, tmp_path)
    shutil.copy(us_dir / SDN_FILE, files[ALT_FILE])
    expect_error(files, "ALT.CSV", "has 12 columns, expected 5")


def test_non_numeric_entity_number(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes().replace(b"\r\n29220,", b"\r\nX29220,")
    expect_error(copy_pair(us_dir, tmp_path, sdn), "SDN.CSV", "line 33", "'X29220' is not a number")


def test_unknown_type(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes().replace(b'"CHEN, Quanguo","individual"', b'"CHEN, Quanguo","person"')
    expect_error(copy_pair(us_dir, tmp_path, sdn), "SDN.CSV", "unknown SDN type 'person'")


def test_duplicate_entity_number(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes()
    first_line = sdn.split(b"\r\n", 1)[0]
    expect_error(copy_pair(us_dir, tmp_path, first_line + b"\r\n" + sdn), "SDN.CSV", "appears twice")


def test_zero_entries(us_dir: Path, tmp_path: Path) -> None:
    header_only = (b"ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,Vess_flag,"
                   b"Vess_owner,Remarks\r\n")
    expect_error(copy_pair(us_dir, tmp_path, header_only), "SDN.CSV", "no entries")


def test_malformed_optional_file_is_refused_too(us_dir: Path, tmp_path: Path) -> None:
    files = copy_pair(us_dir, tmp_path)
    files[ADD_FILE] = tmp_path / ADD_FILE
    files[ADD_FILE].write_bytes((us_dir / ADD_FILE).read_bytes()[:50])
    expect_error(files, "ADD.CSV", "truncated")


@pytest.mark.parametrize("name", [ADD_FILE, COMMENTS_FILE])
def test_an_optional_file_without_rows_adds_nothing(us_dir: Path, tmp_path: Path, excerpt: SanctionsList,
                                                    name: str) -> None:
    files = copy_pair(us_dir, tmp_path)
    files[name] = tmp_path / name
    files[name].write_bytes(b"\r\n\x1a")
    parsed = parse_files(files)
    assert parsed.entries == excerpt.entries
    assert parsed.files == ("SDN.CSV", "ALT.CSV", name)


def test_an_optional_file_that_is_an_html_page_is_refused(us_dir: Path, tmp_path: Path) -> None:
    files = copy_pair(us_dir, tmp_path)
    files[COMMENTS_FILE] = tmp_path / COMMENTS_FILE
    files[COMMENTS_FILE].write_bytes(b"<html><body>Access denied</body></html>")
    expect_error(files, "SDN_COMMENTS.CSV", "HTML")


def test_a_small_file_is_valid(us_dir: Path, tmp_path: Path) -> None:
    sdn = (us_dir / SDN_FILE).read_bytes().split(b"\r\n")
    chen = next(line for line in sdn if line.startswith(b"29220,"))
    parsed = parse_files(copy_pair(us_dir, tmp_path, chen + b"\r\n\x1a"))
    assert [e.uid for e in parsed.entries] == ["29220"]


# ---------------------------------------------------------------------------------------------------------
# The full snapshot


def test_full_counts(full: SanctionsList) -> None:
    assert len(full.entries) == 14965
    assert full.count_by_type() == {"individual": 6854, "entity": 6884, "vessel": 851, "aircraft": 376}
    assert len({e.uid for e in full.entries}) == 14965
    assert full.date is None


def test_full_known_truths(full: SanctionsList) -> None:
    chen = by_uid(full, "29220")
    assert (chen.name.text, chen.programs, chen.dobs, chen.gender) == (
        "CHEN, Quanguo", ("GLOMAG",), (PartialDate(1955),), "Male")
    assert chen.dobs[0].precision == "year"
    for uid, name in (("29159", "XINJIANG PUBLIC SECURITY BUREAU"),
                      ("29299", "XINJIANG PRODUCTION AND CONSTRUCTION CORPS")):
        entry = by_uid(full, uid)
        assert (entry.name.text, entry.type, entry.programs) == (name, EntryType.ENTITY, ("GLOMAG",))
    assert not any("XPCC PUBLIC SECURITY BUREAU" in n.text.upper() for e in full.entries for n in e.names)


def test_full_programme_counts(full: SanctionsList) -> None:
    def count(tag: str) -> int:
        return sum(tag in e.programs for e in full.entries)
    assert (count("GLOMAG"), count("MAGNIT"), count("UHRPA")) == (694, 64, 1)
    assert not any("[" in p or "]" in p for e in full.entries for p in e.programs)


def test_full_aliases(full: SanctionsList, shared_data: Path) -> None:
    strong = sum(n.strength is Strength.STRONG for e in full.entries for n in e.other_names)
    # 18,939 rows in ALT.CSV, 906 of them for the 560 entity numbers that are not in this SDN.CSV, and 8
    # that only repeat the entity's primary name (e.g. 47661 LADY SOFIA a.k.a. LADY SOFIA)
    assert strong == 18939 - 906 - 8
    assert sum(n.kind is NameKind.FORMER and n.strength is Strength.STRONG
               for e in full.entries for n in e.other_names) > 500
    weak = [n for e in full.entries for n in e.other_names if n.strength is Strength.WEAK]
    assert len(weak) > 3500
    # apostrophes at one end are letters (ayn, hamza: 'Umar al-Qatari, ABU AL-WAFA'); at both, a quote left over
    assert not [n.text for n in weak if len(n.text) > 1 and n.text[0] == n.text[-1] == "'"]
    assert all(n.text.strip() == n.text and n.text for n in weak)


def test_full_positions(full: SanctionsList) -> None:
    with_title = [e for e in full.entries if e.positions]
    assert len(with_title) == 1586  # the rows whose title cell is not -0-
    assert all(e.remarks and e.remarks.startswith(f"Title: {e.positions[0]}") for e in with_title)
    assert sum(len(e.positions) > 1 for e in full.entries) > 100


def test_full_list_with_the_real_enhanced_export(shared_data: Path, tmp_path: Path) -> None:
    """SDN.CSV of May 2024 with the consolidated export of Jan 2025 saved as SDN_ENHANCED.ZIP: of its 77
    SDN dates, the 61 of entities in this SDN.CSV are joined (16 entities joined the SDN list later)."""
    folder = tmp_path / "us"
    folder.mkdir()
    for name in (SDN_FILE, ALT_FILE):
        (folder / name).symlink_to(shared_data / "us" / name)
    (folder / ENHANCED_ZIP).symlink_to(shared_data / "us" / "CONS_ENHANCED.ZIP")
    lst = load_from_dir(tmp_path, "us")
    dates = listed_dates(lst)
    assert len(lst.entries) == 14965 and lst.warnings == []
    assert len(dates) == 61
    assert (dates["18272"], dates["17015"], dates["17013"], dates["17018"]) == (
        date(2022, 2, 22), date(2018, 8, 15), date(2022, 2, 24), date(2022, 4, 6))
    assert lst.latest_listing == date(2024, 2, 23)  # 18795, NOVO-VYATKA: before the SDN.CSV of 3 May 2024
    assert not {"17016", "17143", "19640"} & set(dates)  # Gazprombank, Gazprom Neft, Gazprom Invest: later


def test_full_facts(full: SanctionsList) -> None:
    vessels = [e for e in full.entries if e.type is EntryType.VESSEL]
    with_imo = [e for e in vessels if any(i.kind is IdKind.IMO for i in e.identifiers)]
    assert len(with_imo) >= 845  # all but a handful, whose registration is not an IMO number
    people = [e for e in full.entries if e.type is EntryType.INDIVIDUAL]
    assert sum(bool(e.dobs) for e in people) > 6000
    assert sum(bool(e.gender) for e in people) == 4264
    assert {e.gender for e in people} == {None, "Male", "Female"}
    assert sum(bool(e.nationalities) for e in full.entries) > 4500
    assert sum(bool(ids_of(e, IdKind.PASSPORT)) for e in full.entries) > 1300
    # every date of birth in the file is read as dates (ranges, circa, full month names)
    assert [t for e in full.entries for t in e.dob_texts] == []
