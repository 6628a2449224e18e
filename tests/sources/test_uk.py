"""The UK source: FCDO `UK-Sanctions-List.xml` and the former OFSI `ConList.csv` give the same model.

Fixture tests read the trimmed real excerpts in tests/fixtures/uk (always run); full-data tests read the
14 April 2025 snapshots in ../shared/data/uk (skipped where absent).
"""

from __future__ import annotations

import re
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


def comparable(entry: Entry) -> dict[str, object]:
    """What both layouts must agree on. FKA counts as alias: the XML snapshot writes ConList's FKA names as
    "Alias". Left out: remarks and identifier notes (the XML snapshot dropped some of ConList's text) and
    the script of non-Latin names (the XML snapshot copied one row's script to all of a group's names)."""
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
        "identifiers": {(i.kind, i.value) for i in entry.identifiers},
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
