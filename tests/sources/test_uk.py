"""The UK source: FCDO `UK-Sanctions-List.xml` and the former OFSI `ConList.csv` give the same model.

Fixture tests read the trimmed real excerpts in tests/fixtures/uk (always run); full-data tests read the
14 April 2025 snapshots in ../shared/data/uk (skipped where absent).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from magcheck.errors import ListFileError
from magcheck.model import Entry, EntryType, IdKind, NameKind, PartialDate, SanctionsList, Strength
from magcheck.sources import uk
from magcheck.sources.base import Source

XML = uk.XML_FILE
CSV = uk.CSV_FILE
SNAPSHOT_DATE = date(2025, 4, 14)
# The first two lines of the real OFAC SDN.CSV (shared/data/us), for "wrong file passed as ConList.csv".
SDN_CSV_START = (
    b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    b'173,"ANGLO-CARIBBEAN CO., LTD.",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
)


def parse_xml_at(folder: Path) -> SanctionsList:
    return uk.parse_xml_files({XML: folder / XML})


def parse_conlist_at(folder: Path) -> SanctionsList:
    return uk.parse_conlist_files({CSV: folder / CSV})


def by_uid(parsed: SanctionsList) -> dict[str, Entry]:
    entries = {e.uid: e for e in parsed.entries}
    assert len(entries) == len(parsed.entries), "uids must be unique"
    return entries


# Read from the business-registration text, which the XML snapshot lost for 28 groups (see
# test_full_layouts_agree_on_the_new_fields); compared apart from the other identifiers.
REGISTRATION_KINDS = (IdKind.REGISTRATION, IdKind.TAX, IdKind.OTHER)


def comparable(entry: Entry) -> dict[str, object]:
    """What both layouts must agree on. FKA counts as alias: the XML snapshot writes ConList's FKA names as
    "Alias". Left out: remarks and identifier notes (the XML snapshot dropped some of ConList's text), the
    script of non-Latin names (the XML snapshot copied one row's script to all of a group's names) and the
    registration numbers (`REGISTRATION_KINDS`)."""
    def kind(k: NameKind) -> NameKind:
        return NameKind.ALIAS if k is NameKind.FORMER else k

    return {
        "type": entry.type,
        "name": entry.name,
        "names": {(n.text, kind(n.kind), n.strength, n.given, n.surname) for n in entry.names},
        "dobs": set(entry.dobs),
        "dob_texts": set(entry.dob_texts),
        "nationalities": entry.nationalities,
        "countries": set(entry.countries),
        "gender": entry.gender,
        "identifiers": {(i.kind, i.value) for i in entry.identifiers if i.kind not in REGISTRATION_KINDS},
    }


def assert_layouts_agree(from_xml: SanctionsList, from_csv: SanctionsList) -> list[str]:
    """Entry by entry; returns the uids where the XML snapshot kept only one of a group's regimes."""
    xml_entries, csv_entries = by_uid(from_xml), by_uid(from_csv)
    assert set(xml_entries) == set(csv_entries)
    assert from_xml.date == from_csv.date
    one_regime_only = []
    for uid, a in xml_entries.items():
        b = csv_entries[uid]
        assert comparable(a) == comparable(b), uid
        if a.programs == b.programs:
            assert a.listed == b.listed, uid
        else:  # the snapshot's XML has one Designation per group, with the group's first regime only
            assert len(a.programs) == 1 and set(a.programs) < set(b.programs), uid
            assert b.listed is not None and a.listed is not None and b.listed <= a.listed, uid
            one_regime_only.append(uid)
    return one_regime_only


@pytest.fixture(scope="module")
def fixture_xml(fixtures_dir: Path) -> SanctionsList:
    return parse_xml_at(fixtures_dir / "uk")


@pytest.fixture(scope="module")
def fixture_conlist(fixtures_dir: Path) -> SanctionsList:
    return parse_conlist_at(fixtures_dir / "uk")


@pytest.fixture(params=["xml", "conlist"])
def fixture_entries(request: pytest.FixtureRequest, fixture_xml: SanctionsList,
                    fixture_conlist: SanctionsList) -> dict[str, Entry]:
    """Each fact below must hold in both layouts."""
    return by_uid(fixture_xml if request.param == "xml" else fixture_conlist)


# --- The source declaration ----------------------------------------------------------------------------


def test_source_declaration() -> None:
    source = uk.SOURCE
    assert isinstance(source, Source)
    assert source.code == "uk"
    assert source.title == "United Kingdom - UK Sanctions List (FCDO)"
    assert source.government == "United Kingdom"
    assert source.landing_page == "https://www.gov.uk/government/publications/the-uk-sanctions-list"
    live, conlist = source.layouts
    assert source.live is live
    assert [(f.name, f.url) for f in live.files] == [
        ("UK-Sanctions-List.xml", "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml")]
    assert [(f.name, f.url) for f in conlist.files] == [("ConList.csv", None)]
    assert live.parse is uk.parse_xml_files and conlist.parse is uk.parse_conlist_files
    assert source.magnitsky_programs == frozenset({"Global Human Rights", "Global Anti-Corruption"})


# --- Fixture facts, in both layouts --------------------------------------------------------------------


def test_fixture_lists(fixture_xml: SanctionsList, fixture_conlist: SanctionsList) -> None:
    for parsed, file in ((fixture_xml, XML), (fixture_conlist, CSV)):
        assert parsed.code == "uk"
        assert parsed.title == uk.TITLE
        assert parsed.date == SNAPSHOT_DATE
        assert parsed.files == (file,)
        assert len(parsed.entries) == 38
        assert parsed.count_by_type() == {"individual": 25, "entity": 11, "vessel": 2, "aircraft": 0}


def test_fixture_layouts_agree(fixture_xml: SanctionsList, fixture_conlist: SanctionsList) -> None:
    assert sorted(assert_layouts_agree(fixture_xml, fixture_conlist)) == [
        "BEL0047", "GHR0046", "INU0082", "IRN0058"]


def test_zhu_hailun(fixture_entries: dict[str, Entry]) -> None:
    zhu = fixture_entries["GHR0078"]
    assert zhu.type is EntryType.INDIVIDUAL
    assert (zhu.name.text, zhu.name.given, zhu.name.surname) == ("HAILUN ZHU", "HAILUN", "ZHU")
    assert zhu.name.kind is NameKind.PRIMARY
    assert zhu.programs == ("Global Human Rights",)
    assert zhu.dobs == (PartialDate(1958, 1),)
    assert zhu.dobs[0].precision == "month"
    assert zhu.nationalities == ("China",)
    assert zhu.gender == "Male"
    assert zhu.listed == date(2021, 3, 22)
    assert zhu.raw is not None and zhu.raw.locator.startswith("UniqueID GHR0078")
    assert zhu.remarks is not None and "Xinjiang Uyghur Autonomous Region" in zhu.remarks


def test_xinjiang_designations(fixture_entries: dict[str, Entry]) -> None:
    names = {uid: fixture_entries[uid].name.text for uid in ("GHR0075", "GHR0076", "GHR0077")}
    assert names == {"GHR0075": "MINGGUO CHEN", "GHR0076": "MINGSHAN WANG", "GHR0077": "JUNZHENG WANG"}
    assert fixture_entries["GHR0075"].dobs == (PartialDate(1966, 10),)  # XML dd/10/1966, ConList 10/1966
    psb = fixture_entries["GHR0079"]
    assert psb.type is EntryType.ENTITY
    assert psb.name.text == "XINJIANG PRODUCTION AND CONSTRUCTION CORPS PUBLIC SECURITY BUREAU"
    assert psb.name.given is None and psb.name.surname is None
    aliases = {n.text: n for n in psb.other_names}
    assert aliases["XPCC PSB"].kind is NameKind.ALIAS
    assert aliases["XPCC PSB"].strength is Strength.STRONG
    assert psb.programs == ("Global Human Rights",)


def test_chen_quanguo_is_not_listed(fixture_entries: dict[str, Entry]) -> None:
    assert not [e for e in fixture_entries.values() for n in e.names if "QUANGUO" in n.text.upper()]


def test_weak_aliases_and_several_dobs(fixture_entries: dict[str, Entry]) -> None:
    asiri = fixture_entries["AQD0199"]
    strength = {n.text: n.strength for n in asiri.other_names if n.kind is NameKind.ALIAS}
    assert strength["ABOSSLAH"] is Strength.WEAK  # "Low quality a.k.a" / "Low quality"
    assert strength["Abu SALEH"] is Strength.WEAK
    assert strength["Ibrahim Hassan AL-ASIRI"] is Strength.STRONG
    assert asiri.dobs == (PartialDate(1982, 4, 19), PartialDate(1982, 4, 18))
    assert {(i.kind, i.value) for i in asiri.identifiers} == {
        (IdKind.PASSPORT, "F654645"), (IdKind.NATIONAL_ID, "1028745097")}


def test_quality_only_marks_aliases(fixture_entries: dict[str, Entry]) -> None:
    """ConList marks some primary-name variations "Low quality"; the FCDO gives strength to aliases only."""
    al_shaer = fixture_entries["YEM0009"]
    variations = [n for n in al_shaer.other_names if n.kind is NameKind.VARIATION]
    assert variations and all(n.strength is Strength.STRONG for n in variations)


def test_fka_names(fixture_conlist: SanctionsList, fixture_xml: SanctionsList) -> None:
    adf = by_uid(fixture_conlist)["DRC0015"]
    former = {n.text for n in adf.other_names if n.kind is NameKind.FORMER}
    assert former == {"ADF/NALU", "NALU", "FORCES DEMOCRATIQUES ALLIEES-ARMEE NATIONALE DE LIBERATION DE L'OUGANDA"}
    # The FCDO snapshot writes the same names as plain aliases.
    xml_adf = by_uid(fixture_xml)["DRC0015"]
    assert {n.text for n in xml_adf.other_names if n.kind is NameKind.ALIAS} >= former


def test_primary_names_and_variations(fixture_entries: dict[str, Entry]) -> None:
    haq = fixture_entries["GHR0086"]
    assert haq.name.text == "Mian Abdul HAQ"
    assert {n.text for n in haq.other_names if n.kind is NameKind.VARIATION} == {
        "Mian MITHOO", "Mian MITHU", "Mian MITTO", "Mian MITTU"}
    irgc = fixture_entries["INU0082"]  # two "Primary name" rows: the first is the primary name
    assert irgc.name.text == "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC) QODS FORCE"
    variation = next(n for n in irgc.other_names if n.text == "ISLAMIC REVOLUTIONARY GUARDS CORPS - QODS FORCE")
    assert variation.kind is NameKind.VARIATION
    texts = [n.text for n in irgc.names]
    assert len(texts) == len(set(texts)), "the files repeat identical name rows; the model must not"
    institute = fixture_entries["CHW0028"]  # no "Primary name" row at all: the first variation leads
    assert institute.name.text == "33RD SCIENTIFIC RESEARCH AND TESTING INSTITUTE"
    assert institute.name.kind is NameKind.PRIMARY


def test_non_latin_names(fixture_entries: dict[str, Entry]) -> None:
    zadachin = fixture_entries["RUS1831"]
    non_latin = [n for n in zadachin.other_names if n.kind is NameKind.NON_LATIN]
    assert [n.text for n in non_latin] == ["ЗАДАЧИН Андрей Андреевич"]
    samofal = fixture_entries["OFS15878"]
    assert [(n.text, n.script) for n in samofal.other_names if n.kind is NameKind.NON_LATIN] == [
        ("Александр Самофал", "Cyrillic")]
    premera = fixture_entries["RUS2427"]
    assert [(n.text, n.script) for n in premera.other_names] == [("普萊米樂(香港)國際貿易有限公司", "Chinese")]
    bank = fixture_entries["BEL0120"]
    assert [(n.text, n.script) for n in bank.other_names if n.kind is NameKind.NON_LATIN] == [
        ("Банк Дабрабыт", "Cyrillic")]


def test_non_latin_script_prefers_language(fixture_conlist: SanctionsList) -> None:
    """ConList: type "Cyrilic" (sic) and language "Ukrainian" -> script "Ukrainian"."""
    ivashchenko = by_uid(fixture_conlist)["RUS1648"]
    assert [(n.text, n.script) for n in ivashchenko.other_names if n.kind is NameKind.NON_LATIN] == [
        ("Костянтин Володимирович Іващенко", "Ukrainian")]


def test_ship_with_imo(fixture_entries: dict[str, Entry]) -> None:
    ship = fixture_entries["DPR0104"]
    assert ship.type is EntryType.VESSEL
    assert ship.name.text == "JI SONG 6"
    assert [(i.kind, i.value) for i in ship.identifiers] == [(IdKind.IMO, "8898740")]  # XML "IMO8898740"
    assert ship.programs == ("Democratic People's Republic of Korea",)


def test_uid_fallback_when_conlist_has_no_ref(fixture_entries: dict[str, Entry]) -> None:
    """No ref (15878) or a ref that is no UniqueID ("SDi.005", 16681): uid OFS<Group ID>, as in the XML."""
    assert fixture_entries["OFS15878"].name.text == "Alexander SAMOFAL"
    assert fixture_entries["OFS16681"].name.text == "ABDEL RAHMAN JUMA BARKALLA"
    assert fixture_entries["OFS16681"].programs == ("Sudan",)


def test_dates_of_birth(fixture_entries: dict[str, Entry]) -> None:
    assert fixture_entries["SYR0063"].dobs == (PartialDate(1956),)  # ConList "1956", XML "dd/mm/1956"
    assert fixture_entries["SYR0259"].dobs == (PartialDate(1962, 9),)  # ConList "09/1962"
    assert fixture_entries["CAF0013"].dobs == (PartialDate(1967), PartialDate(1967, 1, 1))  # 00/00, dd/mm
    assert fixture_entries["GHR0079"].dobs == ()


def test_numbered_values_are_split(fixture_entries: dict[str, Entry]) -> None:
    hissene = fixture_entries["CAF0013"]
    assert hissene.nationalities == ("Central African Republic", "Chad")  # "(1) Central African Republic. (2) Chad"
    assert [i.value for i in hissene.identifiers if i.kind is IdKind.PASSPORT] == ["D00000897", "D00004262"]
    assert fixture_entries["GAC0056"].nationalities == ("Cyprus", "Russia", "Ukraine")
    assert (fixture_entries["AFG0030"].remarks or "").startswith("Title: Mullah; Title: Haji; Position: (1) ")


def test_passport_details_pair_with_numbers(fixture_conlist: SanctionsList) -> None:
    utkin = by_uid(fixture_conlist)["RUS0815"]
    assert [(i.kind, i.value, i.note) for i in utkin.identifiers] == [
        (IdKind.PASSPORT, "5803989141", "Russian citizen passport"),
        (IdKind.PASSPORT, "3950952", "Russian citizen foreign passport"),
        (IdKind.NATIONAL_ID, "262404751144", "Tax Identification Number"),
        (IdKind.NATIONAL_ID, "M-209", "Wagner Group identification number"),
    ]


def test_gender_and_countries(fixture_entries: dict[str, Entry]) -> None:
    assert fixture_entries["RUS0363"].gender == "Male"  # XML "male"
    assert fixture_entries["GAC0056"].gender == "Female"
    assert fixture_entries["CAF0013"].countries == ("Central African Republic", "Chad")
    assert fixture_entries["GHR0086"].countries == ("Pakistan",)


def test_programmes_short_names(fixture_entries: dict[str, Entry]) -> None:
    assert fixture_entries["CTD0005"].programs == ("Counter-Terrorism (Domestic)",)
    assert fixture_entries["CTI0005"].programs == ("Counter-Terrorism (International)",)
    assert fixture_entries["GAC0001"].programs == ("Global Anti-Corruption",)
    assert fixture_entries["BEL0120"].programs == ("Belarus",)
    assert fixture_entries["AQD0199"].programs == ("ISIL (Da'esh) and Al-Qaida",)
    assert fixture_entries["MYA0029"].programs == ("Myanmar",)


def test_conlist_group_under_several_regimes(fixture_conlist: SanctionsList) -> None:
    entries = by_uid(fixture_conlist)
    lukashenko = entries["BEL0047"]
    assert lukashenko.programs == ("Belarus", "Global Human Rights")
    assert lukashenko.listed == date(2020, 9, 29)  # the earliest designation (GHR)
    assert lukashenko.raw is not None
    assert lukashenko.raw.locator == "UniqueID BEL0047, GHR0051, Group ID 13919"
    assert entries["IRN0058"].programs == ("Iran", "Iran (Nuclear)", "Syria")
    assert "GHR0051" not in entries


def test_xml_designations_sharing_a_group_merge(fixtures_dir: Path, tmp_path: Path,
                                                fixture_conlist: SanctionsList) -> None:
    """The live FCDO file gives a person under two regimes two Designations with one OFSIGroupID."""
    text = (fixtures_dir / "uk" / XML).read_text(encoding="utf-8")
    original = re.search(r"  <Designation>\n(?:(?!</Designation>).)*<UniqueID>BEL0047</UniqueID>.*?</Designation>\n",
                         text, re.DOTALL)
    assert original is not None
    second = (original[0].replace("<UniqueID>BEL0047<", "<UniqueID>GHR0051<")
              .replace("The Republic of Belarus (Sanctions) (EU Exit) Regulations 2019",
                       "The Global Human Rights Sanctions Regulations 2020")
              .replace("<DateDesignated>31/12/2020<", "<DateDesignated>29/09/2020<"))
    (tmp_path / XML).write_text(text.replace("</Designations>", second + "</Designations>"), encoding="utf-8")
    merged = parse_xml_at(tmp_path)
    assert len(merged.entries) == 38
    entry, expected = by_uid(merged)["BEL0047"], by_uid(fixture_conlist)["BEL0047"]
    assert entry.programs == expected.programs == ("Belarus", "Global Human Rights")
    assert entry.listed == expected.listed == date(2020, 9, 29)
    assert entry.raw is not None and entry.raw.locator == "UniqueID BEL0047, GHR0051"
    assert comparable(entry) == comparable(expected)


def test_odd_name_type_casing(fixtures_dir: Path, tmp_path: Path, fixture_xml: SanctionsList,
                              fixture_conlist: SanctionsList) -> None:
    """Real FCDO files write "ALias" and the like; this snapshot does not, so recase its real records."""
    xml = (fixtures_dir / "uk" / XML).read_text(encoding="utf-8")
    recased = {
        "<NameType>Alias<": "<NameType>ALias<",
        "<NameType>Primary Name<": "<NameType>PRIMARY NAME<",
        "<NameType>Primary name variation<": "<NameType>primary Name Variation<",
        "<AliasStrength>Low quality a.k.a<": "<AliasStrength>LOW quality a.k.a<",
    }
    for old, new in recased.items():
        assert old in xml
        xml = xml.replace(old, new)
    (tmp_path / XML).write_text(xml, encoding="utf-8")
    csv_text = (fixtures_dir / "uk" / CSV).read_text(encoding="utf-8")
    csv_text = csv_text.replace(",AKA,", ",aka,").replace(",Primary name,", ",PRIMARY NAME,").replace(",FKA,", ",fka,")
    (tmp_path / CSV).write_text(csv_text, encoding="utf-8")
    recased_xml, recased_csv = by_uid(parse_xml_at(tmp_path)), by_uid(parse_conlist_at(tmp_path))
    for uid, entry in by_uid(fixture_xml).items():
        assert comparable(recased_xml[uid]) == comparable(entry), uid
    for uid, entry in by_uid(fixture_conlist).items():
        assert recased_csv[uid].names == entry.names, uid


# --- Helpers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "short"), [
    ("The Global Human Rights Sanctions Regulations 2020", "Global Human Rights"),
    ("The Global Anti-Corruption Sanctions Regulations 2021", "Global Anti-Corruption"),
    ("The Russia (Sanctions) (EU Exit) Regulations 2019", "Russia"),
    ("The Iran (Sanctions) (Nuclear) (EU Exit) Regulations 2019", "Iran (Nuclear)"),
    ("The Iran (Sanctions) Regulations 2023", "Iran"),
    ("The Republic of Belarus (Sanctions) (EU Exit) Regulations 2019", "Belarus"),
    ("The ISIL (Da'esh) and Al-Qaida (United Nations Sanctions) (EU Exit) Regulations 2019",
     "ISIL (Da'esh) and Al-Qaida"),
    ("The Counter-Terrorism (International Sanctions) (EU Exit) Regulations 2019",
     "Counter-Terrorism (International)"),
    ("The Counter-Terrorism (Sanctions) (EU Exit) Regulations 2019", "Counter-Terrorism (Domestic)"),
    ("The Democratic Republic of the Congo (Sanctions) (EU Exit) Regulations 2019",
     "Democratic Republic of the Congo"),
    ("Global Human Rights", "Global Human Rights"),
    ("Iran (Nuclear)", "Iran (Nuclear)"),
    ("Counter-Terrorism (Domestic)", "Counter-Terrorism (Domestic)"),
    ("Counter-Terrorism (International)", "Counter-Terrorism (International)"),
])
def test_regime_short_name(title: str, short: str) -> None:
    assert uk.regime_short_name(title) == short


@pytest.mark.parametrize(("text", "items"), [
    ("(1) Russia (2) Ukraine", ["Russia", "Ukraine"]),
    ("(1) Central African Republic. (2) Chad", ["Central African Republic", "Chad"]),
    ("(1) Uganda (2) Uganda (3)Uganda", ["Uganda", "Uganda", "Uganda"]),
    ("(1) to (6) Algeria (7) Morocco", ["Algeria", "Morocco"]),
    ("(1-3) Libya (4) Morocco", ["Libya", "Morocco"]),
    ("Congo (Democratic Republic)", ["Congo (Democratic Republic)"]),
    ("Russia.", ["Russia"]),
    ("", []),
])
def test_split_numbered(text: str, items: list[str]) -> None:
    assert uk.split_numbered(text) == items


@pytest.mark.parametrize(("text", "expected"), [
    ("dd/01/1958", PartialDate(1958, 1)),
    ("00/00/1961", PartialDate(1961)),
    ("dd/mm/1957", PartialDate(1957)),
    ("22/08/1990", PartialDate(1990, 8, 22)),
    ("1961", PartialDate(1961)),
    ("10/1966", PartialDate(1966, 10)),
    ("circa 1960", None),
])
def test_parse_uk_dob(text: str, expected: PartialDate | None) -> None:
    assert uk.parse_uk_dob(text) == expected


# --- Files that must be refused whole ------------------------------------------------------------------


def _xml_variants(fixture: bytes) -> dict[str, tuple[bytes, str]]:
    """Broken XML files made from the real fixture, with a word the error must contain."""
    header = fixture[: fixture.index(b"  <Designation>")]
    zhu = fixture.index(b"<UniqueID>GHR0078</UniqueID>")
    names = re.compile(rb"(<UniqueID>GHR0078</UniqueID>\s*<OFSIGroupID>\d+</OFSIGroupID>\s*)<Names>.*?</Names>",
                       re.DOTALL)
    return {
        "empty": (b"", "empty"),
        "blank": (b"\r\n  \r\n", "empty"),
        "html": (b"<!DOCTYPE html>\n<html><head><title>503</title></head><body>Service Unavailable</body></html>",
                 "HTML"),
        "truncated": (fixture[: zhu + 15], "truncated"),
        "wrong root": (fixture.replace(b"<Designations ", b"<sdnList ").replace(b"</Designations>", b"</sdnList>"),
                       "root"),
        "no designation": (header + b"</Designations>\n", "no <Designation>"),
        "no UniqueID": (fixture.replace(b"<UniqueID>GHR0078</UniqueID>", b""), "no UniqueID"),
        "no names": (names.sub(rb"\1", fixture), "GHR0078 has no Names"),
        "unknown type": (fixture.replace(b"<IndividualEntityShip>Ship<", b"<IndividualEntityShip>Submarine<"),
                         "unknown type"),
    }


def _conlist_variants(fixture: bytes) -> dict[str, tuple[bytes, str]]:
    lines = fixture.split(b"\r\n")
    last_row = lines[-2]  # the file ends with CRLF; the row starts with the unquoted names "ZHU,HAILUN,,,,"
    names = b",".join(last_row.split(b",")[:6]) + b","
    assert last_row.startswith(names) and b'"' not in names
    cut_between_fields = len(b"\r\n".join(lines[:-2])) + 2 + len(names)
    return {
        "empty": (b"", "empty"),
        "html": (b"<html><body><h1>Access denied</h1></body></html>", "HTML"),
        "SDN.CSV": (SDN_CSV_START, "Last Updated"),
        "header": (fixture.replace(b",Group ID\r\n", b",Group\r\n", 1), "Group ID"),
        "no rows": (b"\r\n".join(lines[:2]) + b"\r\n", "no data rows"),
        "cut inside a quote": (fixture[: fixture.index(b"(UK Statement of Reasons):Mian") + 40], "truncated"),
        "cut between fields": (fixture[:cut_between_fields], "truncated"),
    }


@pytest.mark.parametrize("case", ["empty", "blank", "html", "truncated", "wrong root", "no designation",
                                  "no UniqueID", "no names", "unknown type"])
def test_malformed_xml_is_refused(case: str, fixtures_dir: Path, tmp_path: Path) -> None:
    content, reason = _xml_variants((fixtures_dir / "uk" / XML).read_bytes())[case]
    (tmp_path / XML).write_bytes(content)
    with pytest.raises(ListFileError) as caught:
        parse_xml_at(tmp_path)
    assert (caught.value.list_code, caught.value.file) == ("uk", XML)
    assert reason in str(caught.value)
    assert str(caught.value).startswith(f"uk: {XML}: ")


@pytest.mark.parametrize("case", ["empty", "html", "SDN.CSV", "header", "no rows", "cut inside a quote",
                                  "cut between fields"])
def test_malformed_conlist_is_refused(case: str, fixtures_dir: Path, tmp_path: Path) -> None:
    content, reason = _conlist_variants((fixtures_dir / "uk" / CSV).read_bytes())[case]
    (tmp_path / CSV).write_bytes(content)
    with pytest.raises(ListFileError) as caught:
        parse_conlist_at(tmp_path)
    assert (caught.value.list_code, caught.value.file) == ("uk", CSV)
    assert reason in str(caught.value)


@pytest.mark.parametrize("parse", [parse_xml_at, parse_conlist_at])
def test_missing_file(parse: Callable[[Path], SanctionsList], tmp_path: Path) -> None:
    with pytest.raises(ListFileError, match="file not found") as caught:
        parse(tmp_path)
    assert caught.value.list_code == "uk"


# --- Full snapshots ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_xml(shared_data: Path) -> SanctionsList:
    return parse_xml_at(shared_data / "uk")


@pytest.fixture(scope="module")
def full_conlist(shared_data: Path) -> SanctionsList:
    return parse_conlist_at(shared_data / "uk")


def test_full_counts(full_xml: SanctionsList, full_conlist: SanctionsList) -> None:
    for parsed in (full_xml, full_conlist):
        assert parsed.date == SNAPSHOT_DATE
        assert len(parsed.entries) == 4688
        assert parsed.count_by_type() == {"individual": 3663, "entity": 1010, "vessel": 15, "aircraft": 0}


def test_full_layouts_agree(full_xml: SanctionsList, full_conlist: SanctionsList) -> None:
    one_regime_only = assert_layouts_agree(full_xml, full_conlist)
    several = [e.uid for e in full_conlist.entries if len(e.programs) > 1]
    assert sorted(one_regime_only) == sorted(several)
    assert len(several) == 15
    # Among them, the GHR designations the XML snapshot lost (Lukashenko's son and others).
    assert "Global Human Rights" in by_uid(full_conlist)["BEL0047"].programs


def test_full_regimes_agree(shared_data: Path, full_conlist: SanctionsList) -> None:
    """All 31 FCDO regulation titles shorten to the 31 OFSI regime names, one to one."""
    titles = set(re.findall(r"<RegimeName>([^<]+)</RegimeName>",
                            (shared_data / "uk" / XML).read_text(encoding="utf-8")))
    short = {p for e in full_conlist.entries for p in e.programs}
    assert len(titles) == len(short) == 31
    mapping = {uk.regime_short_name(t.replace("&apos;", "'")) for t in titles}
    assert mapping == short
    assert short >= uk.MAGNITSKY_PROGRAMS


def test_full_known_truths(full_xml: SanctionsList, full_conlist: SanctionsList) -> None:
    for parsed in (full_xml, full_conlist):
        entries = by_uid(parsed)
        zhu = entries["GHR0078"]
        assert (zhu.name.text, zhu.programs, zhu.dobs, zhu.nationalities) == (
            "HAILUN ZHU", ("Global Human Rights",), (PartialDate(1958, 1),), ("China",))
        assert [entries[u].name.surname for u in ("GHR0075", "GHR0076", "GHR0077")] == ["CHEN", "WANG", "WANG"]
        psb = entries["GHR0079"]
        assert psb.type is EntryType.ENTITY and "XPCC PSB" in {n.text for n in psb.other_names}
        all_names = {n.text.casefold() for e in parsed.entries for n in e.names}
        assert not [n for n in all_names if "quanguo" in n]
        # The trap: near-identical names of bodies the UK has not listed.
        assert "xinjiang public security bureau" not in all_names
        assert "xinjiang production and construction corps" not in all_names
        assert sum(1 for e in parsed.entries for n in e.other_names if n.strength is Strength.WEAK) == 610
        assert sum(1 for e in parsed.entries if e.uid.startswith("OFS")) == 3


def test_full_conlist_former_names(full_conlist: SanctionsList) -> None:
    former = [n for e in full_conlist.entries for n in e.other_names if n.kind is NameKind.FORMER]
    assert len(former) == 15  # 27 FKA rows, 15 distinct names


# --- The live file since 2026: regime titles ------------------------------------------------------------

# Every RegimeName OpenSanctions matches in the live FCDO file (Aug 2026; tests/fixtures/uk/2026/README.md),
# with the tag it must get: the one the April 2025 file and ConList give the same regime.
LIVE_REGIME_TAGS = {
    "The Global Irregular Migration and Trafficking in Persons Sanctions Regulations 2025":
        "Global Irregular Migration and Trafficking in Persons",
    "The Global Human Rights Sanctions Regulations 2020": "Global Human Rights",
    "The Global Anti-Corruption Sanctions Regulations 2021": "Global Anti-Corruption",
    "The Democratic Republic of the Congo (Sanctions) (EU Exit) Regulations 2019": "Democratic Republic of the Congo",
    "The Afghanistan (Sanctions) (EU Exit) Regulations 2020": "Afghanistan",
    "The Republic of Belarus (Sanctions) (EU Exit) Regulations 2019": "Belarus",
    "The Bosnia and Herzegovina (Sanctions) (EU Exit) Regulations 2020": "Bosnia and Herzegovina",
    "The Central African Republic (Sanctions) (EU Exit) Regulations 2020": "Central African Republic",
    "The Chemical Weapons (Sanctions) (EU Exit) Regulations 2019": "Chemical Weapons",
    "The Cyber (Sanctions) (EU Exit) Regulations 2020": "Cyber",
    "The Republic of Guinea-Bissau (Sanctions) (EU Exit) Regulations 2019": "Guinea-Bissau",
    "The Libya (Sanctions) (EU Exit) Regulations 2020": "Libya",
    "The Mali (Sanctions) (EU Exit) Regulations 2020": "Mali",
    "The Myanmar (Sanctions) Regulations 2021": "Myanmar",
    "The Russia (Sanctions) (EU Exit) Regulations 2019": "Russia",
    "The Syria (Sanctions) (EU Exit) Regulations 2019": "Syria",
    "The Iraq (Sanctions) (EU Exit) Regulations 2020": "Iraq",
    "The Nicaragua (Sanctions) (EU Exit) Regulations 2020": "Nicaragua",
    "The Somalia (Sanctions) (EU Exit) Regulations 2020": "Somalia",
    "The South Sudan (Sanctions) (EU Exit) Regulations 2019": "South Sudan",
    "The Sudan (Sanctions) (EU Exit) Regulations 2020": "Sudan",
    "The Yemen (Sanctions) (EU Exit) Regulations 2020": "Yemen",
    "The Venezuela (Sanctions) (EU Exit) Regulations 2019": "Venezuela",
    "The Haiti (Sanctions) Regulations 2022": "Haiti",
    "The Guinea (Sanctions) (EU Exit) Regulations 2019": "Guinea",
    "The Counter-Terrorism (International Sanctions) (EU Exit) Regulations 2019": "Counter-Terrorism (International)",
    "The Counter-Terrorism (Sanctions) (EU Exit) Regulations 2019": "Counter-Terrorism (Domestic)",
    "The Iran (Sanctions) Regulations 2023": "Iran",
    "The Iran (Sanctions) (Nuclear) (EU Exit) Regulations 2019": "Iran (Nuclear)",
    "The Democratic People's Republic of Korea (Sanctions) (EU Exit) Regulations 2019":
        "Democratic People's Republic of Korea",
    "Isil (Da'esh) and Al-Qaeda (United Nations Sanctions) (EU Exit) Regulations 2019": "ISIL (Da'esh) and Al-Qaida",
}
NEW_SINCE_2025 = "Global Irregular Migration and Trafficking in Persons"


def live_regime_titles(fixtures_dir: Path) -> list[str]:
    path = fixtures_dir / "uk" / "2026" / "opensanctions_gb_fcdo_regime_names_2026-08.txt"
    return path.read_text(encoding="utf-8").splitlines()


def test_every_live_regime_title_has_its_tag(fixtures_dir: Path) -> None:
    titles = live_regime_titles(fixtures_dir)
    assert len(titles) == len(set(titles)) == 31
    assert set(titles) == set(LIVE_REGIME_TAGS)
    assert {title: uk.regime_short_name(title) for title in titles} == LIVE_REGIME_TAGS


@pytest.mark.parametrize(("live", "before"), [
    ("Isil (Da'esh) and Al-Qaeda (United Nations Sanctions) (EU Exit) Regulations 2019",
     "The ISIL (Da'esh) and Al-Qaida (United Nations Sanctions) (EU Exit) Regulations 2019"),
    ("The Republic of Guinea-Bissau (Sanctions) (EU Exit) Regulations 2019",
     "The Guinea-Bissau (Sanctions) (EU Exit) Regulations 2019"),
    ("Isil (Da'esh) and Al-Qaeda (United Nations Sanctions) (EU Exit) Regulations 2019", "ISIL (Da'esh) and Al-Qaida"),
])
def test_a_respelt_title_keeps_its_tag(live: str, before: str) -> None:
    """The two titles the live file spells otherwise than the April 2025 file (the second is ConList's)."""
    assert uk.regime_short_name(live) == uk.regime_short_name(before)


def test_the_isil_designation_of_the_live_layout(fixtures_dir: Path) -> None:
    """The one 2026 sample under the re-spelt title (its values look edited; its RegimeName is the live one)."""
    entry = by_uid(parse_sample(fixtures_dir, "gsmiguel_sample_uk_sanctions.xml"))["AQD0195"]
    assert entry.programs == ("ISIL (Da'esh) and Al-Qaida",)


def test_live_tags_are_the_2025_tags(fixtures_dir: Path, full_conlist: SanctionsList) -> None:
    conlist_tags = {p for e in full_conlist.entries for p in e.programs}
    live_tags = {uk.regime_short_name(title) for title in live_regime_titles(fixtures_dir)}
    assert live_tags - conlist_tags == {NEW_SINCE_2025}
    assert conlist_tags - live_tags == {"Zimbabwe"}  # revoked before 2026
    assert set(uk.KNOWN_REGIMES) == conlist_tags | {NEW_SINCE_2025}


# --- One person under two regimes: the same entry whatever the file order --------------------------------

_BLOCK = re.compile(r"  <Designation>\n.*?</Designation>\n", re.DOTALL)


def designation_of(text: str, uid: str) -> str:
    found = [block for block in _BLOCK.findall(text) if f"<UniqueID>{uid}</UniqueID>" in block]
    assert len(found) == 1, uid
    return found[0]


def with_second_regimes(text: str) -> str:
    """The fixture XML as the live file writes two groups: one Designation per regime, one OFSIGroupID.

    The snapshot kept one regime per group; ConList names the others (BEL0047 and GHR0051, Global Human
    Rights since 29/09/2020; INU0082 and SYR0310). The second Designation is the real first one with its
    UniqueID, RegimeName and date changed; SYR0310's names come in reverse order, so its first "Primary
    Name" is the other one of the group's two."""
    ghr = (designation_of(text, "BEL0047").replace("<UniqueID>BEL0047<", "<UniqueID>GHR0051<")
           .replace("The Republic of Belarus (Sanctions) (EU Exit) Regulations 2019",
                    "The Global Human Rights Sanctions Regulations 2020")
           .replace("<DateDesignated>31/12/2020<", "<DateDesignated>29/09/2020<"))
    qods = designation_of(text, "INU0082")
    names = re.search(r"(<Names>\n)(.*?)(    </Names>)", qods, re.DOTALL)
    assert names is not None
    reversed_names = "".join(reversed(names[2].splitlines(keepends=True)))
    syr = (qods.replace(names[0], names[1] + reversed_names + names[3])
           .replace("<UniqueID>INU0082<", "<UniqueID>SYR0310<")
           .replace("The Iran (Sanctions) (Nuclear) (EU Exit) Regulations 2019",
                    "The Syria (Sanctions) (EU Exit) Regulations 2019"))
    return text.replace("</Designations>", ghr + syr + "</Designations>")


def reordered(text: str, order: str) -> str:
    blocks = _BLOCK.findall(text)
    head, tail = text[: text.index(blocks[0])], text[text.rindex(blocks[-1]) + len(blocks[-1]):]
    if order == "reversed":
        blocks.reverse()
    else:
        random.Random(2026).shuffle(blocks)
    return head + "".join(blocks) + tail


def parse_text(tmp_path: Path, text: str, folder: str = "xml") -> SanctionsList:
    (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / folder / XML).write_text(text, encoding="utf-8")
    return uk.parse_xml_files({XML: tmp_path / folder / XML})


@pytest.fixture(scope="module")
def two_regime_text(fixtures_dir: Path) -> str:
    return with_second_regimes((fixtures_dir / "uk" / XML).read_text(encoding="utf-8"))


def test_designations_of_one_group_merge_by_unique_id(tmp_path: Path, two_regime_text: str,
                                                      fixture_conlist: SanctionsList) -> None:
    entries = by_uid(parse_text(tmp_path, two_regime_text))
    assert len(entries) == 38 and "GHR0051" not in entries and "SYR0310" not in entries
    qods = entries["INU0082"]
    assert qods.name.text == "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC) QODS FORCE"  # INU0082's first primary name
    assert qods.programs == ("Iran (Nuclear)", "Syria") == by_uid(fixture_conlist)["INU0082"].programs
    assert qods.raw is not None and qods.raw.locator == "UniqueID INU0082, SYR0310"  # the other id stays findable
    assert entries["BEL0047"].raw is not None and entries["BEL0047"].raw.locator == "UniqueID BEL0047, GHR0051"


@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_file_order_does_not_change_the_entries(tmp_path: Path, two_regime_text: str, order: str) -> None:
    """A reordered file must not make `--changes` report new and closed gaps: same uids, same entries."""
    expected = by_uid(parse_text(tmp_path, two_regime_text))
    text = reordered(two_regime_text, order)
    if order == "reversed":  # the test means something: SYR0310 (other primary name first) now comes first
        assert text.index("<UniqueID>SYR0310<") < text.index("<UniqueID>INU0082<")
        assert text.index("<UniqueID>GHR0051<") < text.index("<UniqueID>BEL0047<")
    assert by_uid(parse_text(tmp_path, text, "reordered")) == expected


def test_full_file_reversed_gives_the_same_entries(shared_data: Path, tmp_path: Path,
                                                   full_xml: SanctionsList) -> None:
    text = (shared_data / "uk" / XML).read_text(encoding="utf-8")
    assert by_uid(parse_text(tmp_path, reordered(text, "reversed"))) == by_uid(full_xml)


# --- Listing dates: missing or unreadable is None, never a guess -----------------------------------------


def parse_sample(fixtures_dir: Path, name: str) -> SanctionsList:
    return uk.parse_xml_files({XML: fixtures_dir / "uk" / "2026" / name})


LIVE = "ts_live_trimmed_2026-09-02.xml"


@pytest.mark.parametrize(("written", "warned"), [
    (None, False), ("", False), ("dd/mm/2012", True), ("31/02/2012", True), ("2012", True), ("29.06.2012", True)])
def test_designation_date_missing_or_unreadable(fixtures_dir: Path, tmp_path: Path, written: str | None,
                                                warned: bool) -> None:
    text = (fixtures_dir / "uk" / "2026" / LIVE).read_text(encoding="utf-8")
    original = "    <DateDesignated>29/06/2012</DateDesignated>\n"  # AFG0001's
    assert text.count(original) == 1
    replacement = "" if written is None else f"    <DateDesignated>{written}</DateDesignated>\n"
    parsed = parse_text(tmp_path, text.replace(original, replacement))
    entries = by_uid(parsed)
    assert entries["AFG0001"].listed is None
    assert entries["AFG0006"].listed == date(2001, 1, 25)
    if warned:
        assert parsed.warnings == [f"{XML}: 1 designation(s) with a DateDesignated that is not a dd/mm/yyyy date "
                                   "(AFG0001); they have no listing date"]
    else:
        assert parsed.warnings == []


def test_live_samples_have_every_listing_date(fixtures_dir: Path) -> None:
    for name in ("gsmiguel_sample_uk_sanctions.xml", "py_schema_2026-07-06.xml", "ts_fragments_2026-08-26.xml", LIVE):
        parsed = parse_sample(fixtures_dir, name)
        assert all(e.listed for e in parsed.entries) and parsed.warnings == [], name


def test_a_group_takes_the_date_it_has(tmp_path: Path, two_regime_text: str) -> None:
    """GHR0051 (29/09/2020) without its date: BEL0047's 31/12/2020, not a guess at the other one."""
    ghr = designation_of(two_regime_text, "GHR0051")
    text = two_regime_text.replace(ghr, ghr.replace("<DateDesignated>29/09/2020</DateDesignated>", ""))
    assert by_uid(parse_text(tmp_path, text))["BEL0047"].listed == date(2020, 12, 31)


# --- Measures: what the UK imposes, asset freeze or not ---------------------------------------------------


def test_measures_of_the_live_file(fixtures_dir: Path) -> None:
    live = by_uid(parse_sample(fixtures_dir, LIVE))
    assert live["AFG0001"].measures == ("Asset freeze",)
    assert live["AFG0006"].measures == ("Asset freeze", "Travel ban")  # "Asset freeze|Travel Ban"
    sample = by_uid(parse_sample(fixtures_dir, "gsmiguel_sample_uk_sanctions.xml"))
    # A ship under the UN port-entry ban only: no asset freeze, so it was never on OFSI's ConList.
    petrel = sample["DPR0075"]
    assert (petrel.type, petrel.name.text, petrel.measures) == (
        EntryType.VESSEL, "Petrel 8", ("Prohibition of port entry",))
    assert "Asset freeze" not in petrel.measures
    # "Asset freeze|Director Disqualification Sanction" (this sample's record looks edited: see the README).
    assert sample["BEL0107"].measures == ("Asset freeze", "Director disqualification sanction")


def test_measures_from_the_indicators_alone(fixtures_dir: Path, tmp_path: Path) -> None:
    """A Designation with SanctionsImposedIndicators but no SanctionsImposed text still says what applies."""
    text = (fixtures_dir / "uk" / "2026" / "gsmiguel_sample_uk_sanctions.xml").read_text(encoding="utf-8")
    without_text = re.sub(r"\s*<SanctionsImposed>[^<]*</SanctionsImposed>", "", text)
    assert without_text.count("<SanctionsImposedIndicators>") == 5 and "<SanctionsImposed>" not in without_text
    entries = by_uid(parse_text(tmp_path, without_text))
    assert entries["DPR0075"].measures == ("Prohibition of port entry",)  # <ProhibitionOfPortEntry>true
    assert entries["AFG0001"].measures == ("Asset freeze",)  # <TravelBan>false</TravelBan> is no measure
    assert entries["AFG0006"].measures == ("Asset freeze", "Travel ban")
    assert entries["BEL0107"].measures == ("Asset freeze", "Director disqualification sanction")
    assert entries["AQD0195"].measures == ("Asset freeze", "Travel ban")


def test_conlist_states_no_measures(fixture_conlist: SanctionsList, fixture_xml: SanctionsList) -> None:
    """ConList has no measures column; the April 2025 XML snapshot writes "Asset freeze" for all."""
    assert {e.measures for e in fixture_conlist.entries} == {()}
    assert {e.measures for e in fixture_xml.entries} == {("Asset freeze",)}


# --- Positions, UN references, registration numbers, ships -------------------------------------------------


def test_positions(fixture_entries: dict[str, Entry], fixtures_dir: Path) -> None:
    assert fixture_entries["GHR0086"].positions == ("Cleric (“Pir”) of Bharchundi Sharif Shrine",)
    assert fixture_entries["AFG0030"].positions == (  # ConList "(1) ... (2) ..."
        "President of Central Bank (Da Afghanistan Bank) under the Taliban regime",
        "Minister of Finance under the Taliban regime")
    assert fixture_entries["GHR0079"].positions == ()
    live = by_uid(parse_sample(fixtures_dir, "gsmiguel_sample_uk_sanctions.xml"))
    assert live["AFG0006"].positions == ("Deputy Minister of Agriculture under the Taliban regime",)


def test_un_references(fixture_entries: dict[str, Entry], fixtures_dir: Path) -> None:
    refs = {uid: fixture_entries[uid].un_ref for uid in ("CAF0013", "AQD0199", "DRC0015", "IRQ0053", "GHR0078")}
    assert refs == {"CAF0013": "CFi.012", "AQD0199": "QDi.291", "DRC0015": "CDe.001", "IRQ0053": "IQe.200",
                    "GHR0078": None}
    live = by_uid(parse_sample(fixtures_dir, LIVE))
    assert (live["AFG0001"].un_ref, live["AFG0006"].un_ref) == ("TAe.010", "TAi.002")


def test_registration_numbers(fixture_entries: dict[str, Entry], fixtures_dir: Path) -> None:
    def registration(entry: Entry) -> list[tuple[IdKind, str, str | None, str | None]]:
        return [(i.kind, i.value, i.country, i.note) for i in entry.identifiers if i.kind in REGISTRATION_KINDS]

    assert registration(fixture_entries["GAC0072"]) == [  # "(1) OGRN: 1247700291200 (2) KPP: 770701001 (3) INN: ..."
        (IdKind.REGISTRATION, "1247700291200", "Russia", "OGRN"), (IdKind.OTHER, "770701001", "Russia", "KPP"),
        (IdKind.TAX, "9707028663", None, "INN")]
    assert registration(fixture_entries["RUS2305"]) == [
        (IdKind.REGISTRATION, "170440031562", "Kazakhstan", "BIN")]  # "(1) Kazakhstan BIN - 170440031562"
    assert registration(fixture_entries["RUS2427"]) == [(IdKind.REGISTRATION, "33866023", None, None)]
    live = by_uid(parse_sample(fixtures_dir, "gsmiguel_sample_uk_sanctions.xml"))
    assert registration(live["BEL0107"]) == [  # <BusinessRegistrationNumber>UK Company no. 06527449
        (IdKind.REGISTRATION, "06527449", "United Kingdom", "UK Company no")]


@pytest.mark.parametrize(("text", "expected"), [  # values of ConList's "(Business Reg No):", 14 April 2025
    ("1137711000074 (Russia)", [(IdKind.REGISTRATION, "1137711000074", "Russia", None)]),
    ("Russian TIN: 7718763393", [(IdKind.TAX, "7718763393", "Russia", "TIN")]),
    ("9709056472 - Russia INN", [(IdKind.TAX, "9709056472", "Russia", "INN")]),
    ("1117746568829 (Russia). Tax ID No. 7735579027 (Russia)", [
        (IdKind.REGISTRATION, "1117746568829", "Russia", None), (IdKind.TAX, "7735579027", "Russia", "Tax ID No")]),
    ("(1) OGRN – 1125261000040 (2) INN – 5261079332 (3) KPP - 526101001", [
        (IdKind.REGISTRATION, "1125261000040", "Russia", "OGRN"), (IdKind.TAX, "5261079332", None, "INN"),
        (IdKind.OTHER, "526101001", "Russia", "KPP")]),
    ("INN - 1831117433 OGRN - 1061831040688", [
        (IdKind.TAX, "1831117433", None, "INN"), (IdKind.REGISTRATION, "1061831040688", "Russia", "OGRN")]),
    ("TIN: 7703436139, Registration number: 5177746148784", [
        (IdKind.TAX, "7703436139", None, "TIN"), (IdKind.REGISTRATION, "5177746148784", None, "Registration number")]),
    ("(1) 440111000105746 (Company registration number) (2) 190748254 (China Organisation code)", [
        (IdKind.REGISTRATION, "440111000105746", None, "Company registration number"),
        (IdKind.REGISTRATION, "190748254", None, "China Organisation code")]),
    ("(1) (УНН/ИНН): 190950894 (Belarus) (2) 7704734000/770301001 (Russia)", [
        (IdKind.TAX, "190950894", "Belarus", "УНН/ИНН"),
        (IdKind.REGISTRATION, "7704734000/770301001", "Russia", None)]),
    ("1067746244026 dated 27/07/1992. Tax ID: 7705713236", [  # the date is no number
        (IdKind.REGISTRATION, "1067746244026", None, None), (IdKind.TAX, "7705713236", None, "Tax ID")]),
    ("Business Identification Number: RU07586894 \n\nTax Identification Number: 1657032272", [
        (IdKind.REGISTRATION, "RU07586894", None, "Business Identification Number"),
        (IdKind.TAX, "1657032272", None, "Tax Identification Number")]),
    ("1 149 102 007 933", [(IdKind.REGISTRATION, "1 149 102 007 933", None, None)]),  # one number, spaced
    ("(1) INN: 7708696860 (2) TIN: 7708696860", [(IdKind.TAX, "7708696860", None, "INN")]),  # once
    ("License number: 328 INN: 7831000122 OGRN: 1027800000084", [  # too short to name anything: left out
        (IdKind.TAX, "7831000122", None, "INN"), (IdKind.REGISTRATION, "1027800000084", "Russia", "OGRN")]),
    ("UEN ID: 202022772K", [(IdKind.REGISTRATION, "202022772K", None, "UEN ID")]),
    ("1534407 (BVI)", [(IdKind.REGISTRATION, "1534407", "British Virgin Islands", None)]),
])
def test_registration_identifiers(text: str, expected: list[tuple[IdKind, str, str | None, str | None]]) -> None:
    assert [(i.kind, i.value, i.country, i.note) for i in uk.registration_identifiers(text)] == expected


def test_ship_flags_and_type(fixture_entries: dict[str, Entry], fixtures_dir: Path) -> None:
    ji_song = fixture_entries["DPR0104"]  # ConList "(Flag of ship):North Korea"
    assert ji_song.type is EntryType.VESSEL and ji_song.countries == ("North Korea",)
    petrel = by_uid(parse_sample(fixtures_dir, "gsmiguel_sample_uk_sanctions.xml"))["DPR0075"]
    assert petrel.countries == ("Comoros", "India")  # current, then previous flag
    assert [(i.kind, i.value) for i in petrel.identifiers] == [(IdKind.IMO, "9562233")]  # "IMO9562233"
    assert petrel.un_ref == "KPv.001"
    assert petrel.remarks is not None and petrel.remarks.startswith("Vessel type: Bulk Carrier; ")


def test_an_imo_number_with_a_wrong_check_digit_is_no_imo(fixtures_dir: Path, tmp_path: Path) -> None:
    text = (fixtures_dir / "uk" / XML).read_text(encoding="utf-8")
    assert text.count("<IMONumber>IMO8898740<") == 1  # JI SONG 6
    entry = by_uid(parse_text(tmp_path, text.replace("<IMONumber>IMO8898740<", "<IMONumber>IMO8898741<")))["DPR0104"]
    assert [(i.kind, i.value) for i in entry.identifiers] == [(IdKind.OTHER, "IMO8898741")]


def test_full_layouts_agree_on_the_new_fields(full_xml: SanctionsList, full_conlist: SanctionsList) -> None:
    """Where the April 2025 XML snapshot differs from ConList, it lost or added text when it was re-laid."""
    xml_entries, csv_entries = by_uid(full_xml), by_uid(full_conlist)
    positions = [uid for uid, e in xml_entries.items() if e.positions != csv_entries[uid].positions]
    assert positions == ["BEL0139"]  # an entity with a Position in ConList: the XML has no place for it
    un_refs = {uid for uid, e in xml_entries.items() if e.un_ref != csv_entries[uid].un_ref}
    assert un_refs == {e.uid for e in full_xml.entries if e.type is EntryType.VESSEL}  # its <UNReferenceNumber>
    lost = []
    for uid, entry in xml_entries.items():
        numbers = {i for i in entry.identifiers if i.kind in REGISTRATION_KINDS}
        expected = {i for i in csv_entries[uid].identifiers if i.kind in REGISTRATION_KINDS}
        assert numbers <= expected, uid
        lost += [uid] if numbers != expected else []
    assert len(lost) == 28  # "(Business Reg No)" after the statement of reasons, which the snapshot cut off
    assert "RUS1950" in lost


def test_full_conlist_new_fields(full_conlist: SanctionsList) -> None:
    kinds = Counter(i.kind for e in full_conlist.entries for i in e.identifiers if i.kind in REGISTRATION_KINDS)
    assert kinds == {IdKind.REGISTRATION: 204, IdKind.TAX: 123, IdKind.OTHER: 12}
    assert sum(any(i.kind in REGISTRATION_KINDS for i in e.identifiers) for e in full_conlist.entries) == 252
    assert sum(bool(e.positions) for e in full_conlist.entries) == 2574
    assert sum(bool(e.un_ref) for e in full_conlist.entries) == 866
    assert all(re.fullmatch(r"[A-Z]{2}[a-z]\.\d{3}", e.un_ref) for e in full_conlist.entries if e.un_ref)
    entries = by_uid(full_conlist)
    assert (entries["AQD0031"].un_ref, entries["DRC0065"].un_ref) == ("QDe.145", "CDi.037")  # "QDE.145", "CDi. 037"
    assert entries["DPR0103"].countries == ("North Korea", "Panama", "South Korea")  # "Panama. South Korea"
