"""Canada's Consolidated Autonomous Sanctions List (`sema-lmes.xml`): parser, uid scheme, names, dates, errors.

Fixture tests read the verbatim excerpt in tests/fixtures/ca; tests taking `shared_data` read the full snapshot
(5,090 records) and are skipped where it is absent.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from magcheck.errors import ExitStatus, ListFileError
from magcheck.model import Entry, EntryType, IdKind, Name, NameKind, PartialDate, SanctionsList, Strength
from magcheck.sources import get_source
from magcheck.sources.ca import (
    FILE,
    JVCFOR,
    SOURCE,
    english_half,
    is_jvcfoa,
    make_uid,
    parse_dob,
    parse_files,
    programme_tag,
    read_imo_column,
    regime_code,
    schedule_code,
    split_aliases,
)

# ---------------------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(scope="module")
def fixture_file(fixtures_dir: Path) -> Path:
    return fixtures_dir / "ca" / FILE


@pytest.fixture(scope="module")
def excerpt(fixture_file: Path) -> SanctionsList:
    return parse_files({FILE: fixture_file})


@pytest.fixture(scope="module")
def full(shared_data: Path) -> SanctionsList:
    return parse_files({FILE: shared_data / "ca" / FILE})


def by_uid(lst: SanctionsList, uid: str) -> Entry:
    matches = [e for e in lst.entries if e.uid == uid]
    assert len(matches) == 1, uid
    return matches[0]


def other_texts(entry: Entry) -> list[str]:
    return [n.text for n in entry.other_names]


def alias(entry: Entry, text: str) -> Name:
    matches = [n for n in entry.other_names if n.text == text]
    assert matches, f"{text!r} not among {other_texts(entry)}"
    return matches[0]


def write(tmp_path: Path, data: bytes | str) -> Path:
    path = tmp_path / FILE
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def parse_error(path: Path) -> ListFileError:
    with pytest.raises(ListFileError) as caught:
        parse_files({FILE: path})
    return caught.value


# ---------------------------------------------------------------------------------------------------------
# The source declaration


def test_source_is_registered() -> None:
    assert get_source("ca") is SOURCE  # imports every source module: fails too if another one is broken


def test_source_declares_the_official_file_and_magnitsky_scope() -> None:
    assert SOURCE.code == "ca"
    assert SOURCE.title == "Canada - Consolidated Autonomous Sanctions List (SEMA and JVCFOA)"
    assert SOURCE.government == "Canada"
    assert SOURCE.live.required == (FILE,)
    assert SOURCE.live.files[0].url == (
        "https://www.international.gc.ca/world-monde/assets/office_docs/"
        "international_relations-relations_internationales/sanctions/sema-lmes.xml"
    )
    assert SOURCE.landing_page and "consolidated-consolide.aspx" in SOURCE.landing_page
    assert SOURCE.magnitsky_programs == frozenset({JVCFOR})
    assert JVCFOR == "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)"


def test_layout_parser_reads_the_excerpt(fixture_file: Path) -> None:
    lst = SOURCE.live.parse({FILE: fixture_file})
    assert lst.code == "ca"
    assert lst.title == SOURCE.title
    assert lst.files == (FILE,)
    assert lst.date is None  # the file states no publication date


# ---------------------------------------------------------------------------------------------------------
# The excerpt: records, regimes, uids


def test_excerpt_counts(excerpt: SanctionsList) -> None:
    assert len(excerpt.entries) == 136
    assert excerpt.count_by_type() == {"individual": 74, "entity": 59, "vessel": 3, "aircraft": 0}
    assert len({e.uid for e in excerpt.entries}) == 136
    assert [e.raw.locator for e in excerpt.entries] == [f"record {i}" for i in range(1, 137)]
    assert all(e.raw.file == FILE and e.list == "ca" for e in excerpt.entries)


def test_excerpt_has_all_nineteen_regimes_whitespace_normalised(excerpt: SanctionsList) -> None:
    programmes = {e.programs for e in excerpt.entries}
    assert all(len(p) == 1 for p in programmes)
    assert {p[0] for p in programmes} == {
        "Belarus", "China", "Extremist Settler Violence", "Guatemala", "Haiti", "Hamas Terrorist Attacks",
        "Iran", JVCFOR, "Moldova", "Myanmar (Burma)", "Nicaragua", "Russia", "South Sudan", "Sri Lanka",
        "Sudan", "Syria", "Ukraine", "Venezuela", "Zimbabwe",
    }


def test_latest_listing_comes_from_listing_dates(excerpt: SanctionsList) -> None:
    assert excerpt.latest_listing == max(e.listed for e in excerpt.entries if e.listed)
    assert all(e.listed is not None for e in excerpt.entries)


@pytest.mark.parametrize(
    ("country", "programme"),
    [
        ("China / Chine", "China"),
        ("Moldova ", "Moldova"),
        ("Venezuela ", "Venezuela"),
        ("Myanmar (Burma) / Myanmar (Birmanie)", "Myanmar (Burma)"),
        (
            "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR) / Règlement relatif à la "
            "justice pour les victimes de dirigeants étrangers corrompus (RJVDEC)",
            JVCFOR,
        ),
    ],
)
def test_programme_is_the_english_half_of_country(country: str, programme: str) -> None:
    assert programme_tag(country) == programme


@pytest.mark.parametrize(
    ("programme", "code"),
    [
        (JVCFOR, "jvcfor"),
        ("Myanmar (Burma)", "myanmar"),
        ("Hamas Terrorist Attacks", "hamas-terrorist-attacks"),
        ("Sri Lanka", "sri-lanka"),
        ("China", "china"),
        ("Extremist Settler Violence", "extremist-settler-violence"),
    ],
)
def test_regime_code(programme: str, code: str) -> None:
    assert regime_code(programme) == code


@pytest.mark.parametrize(
    ("schedule", "code"),
    [
        ("1, Part 1", "1p1"),
        ("1, Part 1 ", "1p1"),
        ("Part 2", "p2"),
        ("1.1", "1.1"),
        ("1, Part 1.1", "1p1.1"),
        ("1,Part 3", "1p3"),
        ("3", "3"),
        (None, ""),
    ],
)
def test_schedule_code(schedule: str | None, code: str) -> None:
    assert schedule_code(schedule) == code


def test_uid_scheme() -> None:
    assert make_uid("China", "Part 1", "5") == "china-p1-5"
    assert make_uid(JVCFOR, None, "1") == "jvcfor-1"
    assert make_uid("Russia", "1, Part 1", "123") == "russia-1p1-123"


def test_uids_of_every_schedule_spelling(excerpt: SanctionsList) -> None:
    uids = {e.uid for e in excerpt.entries}
    for uid in ("belarus-1p3-1", "belarus-1p3-2", "russia-1p1-1520", "russia-1.1-2", "russia-2-4",
                "russia-3-1", "iran-1p2.1-70", "belarus-1p1.1-11", "south-sudan-1", "zimbabwe-177"):
        assert uid in uids


# ---------------------------------------------------------------------------------------------------------
# Known truths


def test_chen_quanguo(excerpt: SanctionsList) -> None:
    chen = by_uid(excerpt, "china-p1-5")
    assert chen.type is EntryType.INDIVIDUAL
    assert chen.name == Name(text="Quanguo Chen", given="Quanguo", surname="Chen")
    assert chen.programs == ("China",)
    assert chen.dobs == (PartialDate(1955, 11),)
    assert chen.dobs[0].precision == "month"
    assert chen.listed == date(2024, 12, 9)
    assert chen.key == "ca:china-p1-5"
    assert not is_jvcfoa(chen)


@pytest.mark.parametrize(
    ("uid", "given", "surname"),
    [("china-p1-1", "Hailun", "Zhu"), ("china-p1-2", "Junzheng", "Wang"), ("china-p1-3", "Mingshan", "Wang"),
     ("china-p1-4", "Mingguo", "Chen")],
)
def test_the_four_2021_officials(excerpt: SanctionsList, uid: str, given: str, surname: str) -> None:
    entry = by_uid(excerpt, uid)
    assert (entry.name.given, entry.name.surname) == (given, surname)
    assert entry.listed == date(2021, 3, 21)


def test_china_records(excerpt: SanctionsList) -> None:
    china = [e for e in excerpt.entries if e.programs == ("China",)]
    assert len(china) == 13


def test_xpcc_public_security_bureau_is_an_entity(excerpt: SanctionsList) -> None:
    xpcc = by_uid(excerpt, "china-p2-1")
    assert xpcc.type is EntryType.ENTITY
    assert xpcc.name.text == "Xinjiang Production and Construction Corps Public Security Bureau"
    assert xpcc.listed == date(2021, 3, 21)


def test_jvcfor_records_are_the_magnitsky_scope(excerpt: SanctionsList) -> None:
    maduro = by_uid(excerpt, "jvcfor-1")
    assert maduro.name.text == "Nicolás MADURO MOROS"
    assert maduro.programs == (JVCFOR,)
    assert is_jvcfoa(maduro)
    assert maduro.listed == date(2017, 11, 3)
    assert sum(is_jvcfoa(e) for e in excerpt.entries) == 7
    assert not is_jvcfoa(by_uid(excerpt, "venezuela-1"))  # the same man under the SEMA Venezuela regime


# ---------------------------------------------------------------------------------------------------------
# Types, titles, vessels


def test_vessels_have_imo_type_and_build_date_but_no_dob(excerpt: SanctionsList) -> None:
    maria = by_uid(excerpt, "russia-1.1-2")
    assert maria.type is EntryType.VESSEL
    assert maria.name.text == "M/V Maria"  # a ship's name is never split at "/"
    assert maria.other_names == ()
    assert [(i.kind, i.value) for i in maria.identifiers] == [(IdKind.IMO, "8517839")]
    assert maria.dobs == () and maria.dob_texts == ()
    assert maria.remarks == "Vessel type: General Cargo; Built: 1986"
    vessels = [e for e in excerpt.entries if e.type is EntryType.VESSEL]
    assert len(vessels) == 3
    assert all(len(v.identifiers) == 1 and v.identifiers[0].kind is IdKind.IMO for v in vessels)


def test_title_of_a_person_goes_to_remarks(excerpt: SanctionsList) -> None:
    general = by_uid(excerpt, "syria-p2-60")
    assert general.type is EntryType.INDIVIDUAL
    assert general.remarks == "Title: Major General/major-général"


def test_single_name_people(excerpt: SanctionsList) -> None:
    than_shwe = by_uid(excerpt, "myanmar-p2-1")
    assert than_shwe.name == Name(text="Than Shwe", given="Than Shwe", surname=None)


def test_entity_name_trailing_separator_is_dropped(excerpt: SanctionsList) -> None:
    assert by_uid(excerpt, "syria-p1-1").name.text == "General Intelligence Directorate"


def test_wrapped_entity_name_is_one_line(excerpt: SanctionsList) -> None:
    assert by_uid(excerpt, "belarus-1p2-72").name.text == "Minsk Research Institute of Instrument Engineering JSC"


# ---------------------------------------------------------------------------------------------------------
# Names: scripts and language prefixes


def test_russian_and_belarusian_prefixes_become_the_script(excerpt: SanctionsList) -> None:
    entry = by_uid(excerpt, "belarus-1p1-100")
    russian = alias(entry, "Сергей Владимирович Карчевский")
    assert (russian.kind, russian.script, russian.strength) == (NameKind.NON_LATIN, "Russian", Strength.STRONG)
    belarusian = alias(entry, "Сяргей Уладзiмiравiч Карчэўскi")
    assert (belarusian.kind, belarusian.script) == (NameKind.NON_LATIN, "Belarusian")
    latin = alias(entry, "Siarhei Uladzimiravich Karcheusky")
    assert (latin.kind, latin.script) == (NameKind.ALIAS, None)
    assert not any("Russian" in t or "Belarusian" in t for t in other_texts(entry))


def test_misspelt_language_label_is_normalised(excerpt: SanctionsList) -> None:
    entry = by_uid(excerpt, "belarus-1p3-2")  # "Belarussian: ..."
    assert alias(entry, "Адкрытае акцыянернае таварыства “МIНСКI ЭЛЕКТРАТЭХНIЧНЫ ЗАВОД IМЯ В.I.КАЗЛОВА”").script == (
        "Belarusian")


def test_unprefixed_non_latin_names_get_their_detected_script(excerpt: SanctionsList) -> None:
    golovaty = by_uid(excerpt, "belarus-1p1.1-11")  # "Иван Иванович Головатый; Ivan Golovatyi"
    assert alias(golovaty, "Иван Иванович Головатый").script == "Cyrillic"
    assert alias(golovaty, "Ivan Golovatyi").kind is NameKind.ALIAS
    assert alias(by_uid(excerpt, "hamas-terrorist-attacks-p1-1"), "يحيى السنوار").script == "Arabic"
    assert alias(by_uid(excerpt, "extremist-settler-violence-p1-1"), "דוד חי חסדאי").script == "Hebrew"


def test_arabic_label_in_the_middle_of_a_list(excerpt: SanctionsList) -> None:
    entry = by_uid(excerpt, "sudan-p1-1")
    arabic = alias(entry, "عبدالرحيم دقلو")
    assert (arabic.kind, arabic.script) == (NameKind.NON_LATIN, "Arabic")
    assert "Abdelrahim Hamdan Dagalo Mousa" in other_texts(entry)
    assert "Abdul Rahim Dagalo" in other_texts(entry)


def test_line_break_between_scripts_separates_names(excerpt: SanctionsList) -> None:
    entry = by_uid(excerpt, "iran-1p2.1-107")  # "..., Siyamak Rah-Peyk, سيامک ره‌پيک\n"
    assert other_texts(entry) == ["Siyamak Rahpeyk", "Siamak Rahpiek", "Siyamak Rah-Peyk", "سيامک ره\u200cپيک"]
    assert alias(by_uid(excerpt, "iran-1p2.1-80"), "عباس نیلفروشان").script == "Arabic"


def test_wrapped_line_inside_a_name_is_joined(excerpt: SanctionsList) -> None:
    assert other_texts(by_uid(excerpt, "myanmar-p1-84")) == ["Myanma Five Star Line Company Limited"]


def test_single_word_alias_of_a_person_is_weak(excerpt: SanctionsList) -> None:
    dyumin = by_uid(excerpt, "russia-1p1-96")  # "Alexei, Aleksei "
    assert [(n.text, n.strength) for n in dyumin.other_names] == [
        ("Alexei", Strength.WEAK), ("Aleksei", Strength.WEAK)]
    assert alias(by_uid(excerpt, "haiti-p3-3"), "Izo").strength is Strength.WEAK
    assert alias(by_uid(excerpt, "belarus-1p3-5"), "KGB").strength is Strength.STRONG  # an entity's acronym


# ---------------------------------------------------------------------------------------------------------
# Alias splitting on real values


def test_company_aliases_with_commas_stay_whole(excerpt: SanctionsList) -> None:
    assert other_texts(by_uid(excerpt, "myanmar-p1-1")) == ["Air Bagan Holdings Pte. Ltd.", "Air Bagan Limited"]
    assert by_uid(excerpt, "russia-1p2-687").name.text == "Foshan Golden Age Motor Technology Co., Ltd."
    assert by_uid(excerpt, "russia-1p2-689").name.text == "Poly Technologies, Inc."
    assert other_texts(by_uid(excerpt, "russia-1p2-207")) == ['Завод "Дагдизель", АО']
    assert other_texts(by_uid(excerpt, "russia-1p2-364")) == ["ОАО, БЭТО"]
    assert other_texts(by_uid(excerpt, "russia-1p2-426")) == ["Банк Зенит, ПАО"]
    assert other_texts(by_uid(excerpt, "russia-1p2-116")) == [
        "Центральный научно-исследовательский институт машиностроения (ЦНИИМаш, АО)"]


def test_comma_before_a_lower_case_word_continues_the_name(excerpt: SanctionsList) -> None:
    assert other_texts(by_uid(excerpt, "ukraine-p2-52")) == [
        "Министерство образования, науки и молодежи Республики Крым"]
    assert other_texts(by_uid(excerpt, "russia-1p2-181")) == [
        "Федеральное агентство по делам Содружества Независимых Государств, соотечественников, проживающих за "
        "рубежом, и по международному гуманитарному сотрудничеству",
        "Россотрудничество",
    ]
    irgc = other_texts(by_uid(excerpt, "iran-1p1-136"))
    assert "l'Armée des Gardiens de la Révolution islamique" in irgc and "CGRI" in irgc


def test_lists_with_semicolons_commas_and_or(excerpt: SanctionsList) -> None:
    assert other_texts(by_uid(excerpt, "russia-1p2-74")) == ["Сбербанк", "Сбер", "Sberbank of Russia", "Sber"]
    assert other_texts(by_uid(excerpt, "moldova-p2-2")) == [
        "First in Moldova", "Perviy Kanal Moldova", "Primul Kanal Moldova", "First Channel Moldova",
        "Primul in Moldova"]


def test_lone_word_alternatives_share_the_rest_of_the_name(excerpt: SanctionsList) -> None:
    karnienka = other_texts(by_uid(excerpt, "belarus-1p1-108"))
    assert "Alexander Vladimirovich Karnienko" in karnienka
    assert "Alexandr Vladimirovich Karnienko" in karnienka
    assert "Александр Владимирович Карниенка" in karnienka  # "Карниенко or Карниенка"
    assert other_texts(by_uid(excerpt, "moldova-p1-8")) == [  # "Alexander, or Alexandr Valerievich Kalinin"
        "Alexander Valerievich Kalinin", "Alexandr Valerievich Kalinin"]
    assert "Сергей Евгеньевич Цивилёв" in other_texts(by_uid(excerpt, "russia-1p1-1463"))


def test_surname_first_alias_is_one_name(excerpt: SanctionsList) -> None:
    assert other_texts(by_uid(excerpt, "russia-1p1.1-37")) == ["Олег Анатольевич Баранов"]
    shcherbakov = other_texts(by_uid(excerpt, "russia-1p1-115"))  # "Sergei, Serhii SHERBAKOV": two names
    assert shcherbakov == ["Sergei", "Serhii SHERBAKOV"]


def test_and_splits_only_clearly_separate_names(excerpt: SanctionsList) -> None:
    assert other_texts(by_uid(excerpt, "myanmar-p1-17")) == [
        "Myanma Investment and Commercial Bank", "Burma Investment and Commercial Bank"]
    gsk = other_texts(by_uid(excerpt, "sudan-p2-2"))
    assert gsk[:3] == ["GSK Advance", "GSK Advance Co. Ltd.", "GSK for Advanced Business Co. Ltd."]


def test_slashes(excerpt: SanctionsList) -> None:
    army = by_uid(excerpt, "iran-1p1-31")
    assert (army.name.text, other_texts(army)) == ("Iranian Army", ["Armée iranienne"])
    victory = by_uid(excerpt, "moldova-p2-8")  # "Victory/Pobeda Political Bloc"
    assert victory.name.text == "Victory Political Bloc"
    assert other_texts(victory)[0] == "Pobeda Political Bloc"
    assert by_uid(excerpt, "myanmar-p1-16").name.text == "MEC Steel Mills (Hmaw Bi/Pyi/Ywama)"
    rushchak = by_uid(excerpt, "ukraine-p1-210")  # "(Владимир Михайлович РУЩАК / Володимир Михайлович РУЩАК"
    assert other_texts(rushchak) == ["Владимир Михайлович РУЩАК", "Володимир Михайлович РУЩАК"]


def test_also_known_as_inside_the_entity_name(excerpt: SanctionsList) -> None:
    korsar = by_uid(excerpt, "russia-1p2-518")
    assert korsar.name.text == "KORSAR Ltd."
    assert other_texts(korsar) == [
        "Korus Consulting Cis Limited Liability Company", "Общество с ограниченной ответственностью «КОРСАР»"]
    institute = by_uid(excerpt, "russia-1p2-530")
    assert institute.name.text == "Scientific-Research Engineering Institute JSC"
    assert other_texts(institute)[:3] == [
        "Scientific Research Engineering Institute", "AO Nauchno-Issledovatelskiy Inzhenerniy Institut",
        "AO NIII"]


def test_broken_parentheses_are_tidied(excerpt: SanctionsList) -> None:
    bank = by_uid(excerpt, "belarus-1p2-54")  # 'Беларускi народны банк) (Russian: Открытое ... "БНБ-Банк"'
    assert other_texts(bank) == [
        "Беларускi народны банк", 'Открытое акционерное общество "Белорусский народный банк"', 'ОАО "БНБ-Банк"']
    assert alias(bank, 'ОАО "БНБ-Банк"').script == "Russian"


def test_every_alias_is_tidy(excerpt: SanctionsList) -> None:
    assert_tidy(excerpt)


def assert_tidy(lst: SanctionsList) -> None:
    for entry in lst.entries:
        texts = [n.text.casefold() for n in entry.names]
        assert len(texts) == len(set(texts)), entry.uid
        for name in entry.other_names:
            assert name.text == " ".join(name.text.split()), (entry.uid, name.text)
            assert not re.search(r"^[,;:/(\-]|[,;:/\-]$", name.text), (entry.uid, name.text)
            assert not re.match(r"(?i)(russian|belarusi?an|arabic)\s*:", name.text), (entry.uid, name.text)
            assert name.text.lower() not in {"ооо", "оао", "ао", "llc", "jsc", "ltd."}, (entry.uid, name.text)
            if name.kind is NameKind.NON_LATIN:
                assert name.script, (entry.uid, name.text)


@pytest.mark.parametrize(
    ("raw", "individual", "expected"),
    [
        ("Andrei ", True, [("Andrei", None)]),
        ("Russian: Николай Александрович Лукашенко, Коля Лукашенко", True,
         [("Николай Александрович Лукашенко", "Russian"), ("Коля Лукашенко", "Russian")]),
        ("Katsiaryna or Katerina Smuschkovich, Ekaterina Varabei", True,
         [("Katsiaryna Smuschkovich", None), ("Katerina Smuschkovich", None), ("Ekaterina Varabei", None)]),
        ("ООО Машприборинторг-Волна and МПИ-Волна", False,
         [("ООО Машприборинторг-Волна", None), ("МПИ-Волна", None)]),
        ("ינון לוי  LEVY, Yinon AKA", True, [("ינון לוי LEVY", None), ("Yinon", None)]),
        ("also Andrey Mikhailovich Ilnitsky; Андрей Михайлович Ильницкий", True,
         [("Andrey Mikhailovich Ilnitsky", None), ("Андрей Михайлович Ильницкий", None)]),
        ("Общество с ограниченной ответственностью ", False, []),
    ],
)
def test_split_aliases_examples_from_the_file(
    raw: str, individual: bool, expected: list[tuple[str, str | None]]
) -> None:
    assert split_aliases(raw, individual=individual) == expected


# ---------------------------------------------------------------------------------------------------------
# Dates of birth


@pytest.mark.parametrize(
    ("text", "dobs", "kept"),
    [
        ("1965-04-29", (PartialDate(1965, 4, 29),), None),
        (" 1965-04-29", (PartialDate(1965, 4, 29),), None),
        ("1967-01-08  ", (PartialDate(1967, 1, 8),), None),
        ("1972", (PartialDate(1972),), None),
        ("1955-11", (PartialDate(1955, 11),), None),
        ("1960 or 1961", (PartialDate(1960), PartialDate(1961)), None),
        ("1973-10-20 or 1973-10-21", (PartialDate(1973, 10, 20), PartialDate(1973, 10, 21)), None),
        ("1965-07-15 OR 1969-09-28", (PartialDate(1965, 7, 15), PartialDate(1969, 9, 28)), None),
        ("1960-1961", (PartialDate(1960), PartialDate(1961)), None),
        ("Sep-65", (PartialDate(1965, 9),), None),  # Excel's month-year display of a date
        ("Sep-99", (PartialDate(1999, 9),), None),  # Kirill Mordashov: OFAC has "DOB Sep 1999"
        ("born in the early 1960s", (), "born in the early 1960s"),
        ("1961 or early 1960s", (PartialDate(1961),), "1961 or early 1960s"),
        ("1965-13-45", (), "1965-13-45"),
        ("1950-2000", (), "1950-2000"),
        ("", (), None),
        (None, (), None),
    ],
)
def test_parse_dob(text: str | None, dobs: tuple[PartialDate, ...], kept: str | None) -> None:
    assert parse_dob(text) == (dobs, kept)


def test_every_dob_format_of_the_file(excerpt: SanctionsList) -> None:
    expected = {
        "belarus-1p1-2": ((PartialDate(1972),), ()),
        "belarus-1p1-3": ((PartialDate(1965, 4, 29),), ()),
        "china-p1-5": ((PartialDate(1955, 11),), ()),
        "iran-1p2.1-70": ((PartialDate(1963), PartialDate(1964)), ()),  # "1963-1964"
        "iran-1p2.1-107": ((PartialDate(1963), PartialDate(1964)), ()),  # "1963 or 1964"
        "jvcfor-54": ((PartialDate(1972, 8, 10), PartialDate(1972, 8, 11)), ()),
        "russia-1p1-1114": ((PartialDate(1999, 9),), ()),  # "Sep-99"
        "russia-1p1-1327": ((PartialDate(1967, 1, 8),), ()),  # "1967-01-08  "
        "sudan-p1-1": ((), ("born in the early 1970s",)),
        "sudan-p1-2": ((PartialDate(1953, 10, 27),), ()),  # " 1953-10-27"
        "venezuela-117": ((PartialDate(1965, 7, 15), PartialDate(1969, 9, 28)), ()),  # "... OR ..."
        "belarus-1p1-1": ((), ()),
    }
    for uid, (dobs, texts) in expected.items():
        entry = by_uid(excerpt, uid)
        assert (entry.dobs, entry.dob_texts) == (dobs, texts), uid


# ---------------------------------------------------------------------------------------------------------
# The bilingual element names of the live file since Aug 2026

# Names as the live file spells them (the DOB one is assumed: only its English part matters).
BILINGUAL = {
    "Country": "Country-Pays",
    "LastName": "LastName-NomDeFamille",
    "GivenName": "GivenName-Prenom",
    "EntityOrShip": "EntityOrShip-EntiteOuNavire",
    "TitleOrShip": "TitleOrShipType-TitreOuTypeDeNavire",
    "ShipIMONumber": "ShipIMONumber-NumeroOMIDuNavire",
    "DateOfBirthOrShipBuildDate": "DateOfBirthOrShipBuildDate-DateDeNaissanceOuDateDeConstructionDuNavire",
    "Aliases": "Aliases-Alias",
    "Schedule": "Schedule-Annexe",
    "Item": "Item-NumeroDarticle",
    "DateOfListing": "DateOfListing-DateDinscription",
}


def bilingual(data: bytes, record: str = "record") -> bytes:
    def rename(match: re.Match[bytes]) -> bytes:
        slash, tag = match.group(1), match.group(2).decode()
        new = record if tag == "record" else BILINGUAL.get(tag, tag)
        return b"<" + slash + new.encode() + b">"

    return re.sub(rb"<(/?)([A-Za-z]+)>", rename, data)


@pytest.mark.parametrize("record", ["record", "record-enregistrement"])
def test_bilingual_element_names_give_identical_entries(
    tmp_path: Path, fixture_file: Path, excerpt: SanctionsList, record: str
) -> None:
    data = bilingual(fixture_file.read_bytes(), record)
    assert b"<Country-Pays>" in data and b"<Country>" not in data
    assert (b"<record-enregistrement>" in data) == (record != "record")
    assert parse_files({FILE: write(tmp_path, data)}).entries == excerpt.entries


# ---------------------------------------------------------------------------------------------------------
# Files that must be refused, never read as a partial list


def assert_refused(path: Path, reason: str) -> None:
    error = parse_error(path)
    assert (error.list_code, error.file) == ("ca", FILE)
    assert re.search(reason, error.reason), error.reason
    assert str(error).startswith(f"ca: {FILE}: ")
    assert error.exit_status is ExitStatus.NO_DATA


def test_missing_file(tmp_path: Path) -> None:
    assert_refused(tmp_path / FILE, "not found")
    with pytest.raises(ListFileError, match="not found"):
        parse_files({})


@pytest.mark.parametrize("content", [b"", b"  \n\t", b"\xef\xbb\xbf\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    assert_refused(write(tmp_path, content), "empty")


def test_html_page(tmp_path: Path) -> None:
    page = "<!DOCTYPE html>\n<html><head><title>Error 404</title></head><body>Not found</body></html>"
    assert_refused(write(tmp_path, page), "HTML")


def test_truncated_xml(tmp_path: Path, fixture_file: Path) -> None:
    data = fixture_file.read_bytes()
    assert_refused(write(tmp_path, data[: len(data) // 2]), "truncated or malformed XML")


def test_csv_under_the_xml_name(tmp_path: Path) -> None:
    assert_refused(write(tmp_path, "Last Updated,14/04/2025\nName 6,Name 1\n"), "malformed XML")


def test_wrong_root_element(tmp_path: Path) -> None:
    uk_like = "<?xml version='1.0'?><Designations><DateGenerated>14/04/2025</DateGenerated></Designations>"
    assert_refused(write(tmp_path, uk_like), r"root <Designations>, expected <data-set>")


def test_zero_records(tmp_path: Path) -> None:
    assert_refused(write(tmp_path, '<?xml version="1.0"?>\n<data-set>\n</data-set>\n'), "no <record>")
    assert_refused(write(tmp_path, "<data-set><entry><Country>China</Country></entry></data-set>"), "no <record>")


def one_record_removed(fixture_file: Path, element: str) -> bytes:
    """The excerpt with one element dropped from its 25th record (Chen Quanguo): a schema change."""
    root = etree.fromstring(fixture_file.read_bytes())
    record = root[24]
    record.remove(record.find(element))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("element", ["Country", "Item"])
def test_record_missing_a_key_field(tmp_path: Path, fixture_file: Path, element: str) -> None:
    assert_refused(write(tmp_path, one_record_removed(fixture_file, element)), f"record 25 has no {element}")


def test_record_with_an_empty_key_field(tmp_path: Path, fixture_file: Path) -> None:
    data = fixture_file.read_bytes().replace(b"<Item>5</Item>", b"<Item> </Item>", 1)
    assert_refused(write(tmp_path, data), "has no Item")


def test_record_without_any_name(tmp_path: Path) -> None:
    xml = "<data-set><record><Country>China / Chine</Country><Item>1</Item></record></data-set>"
    assert_refused(write(tmp_path, xml), "record 1 has no name")


def test_entity_declaration_is_not_expanded(tmp_path: Path) -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE data-set [<!ENTITY boom "Chen Quanguo">]>'
        "<data-set><record><Country>China / Chine</Country><EntityOrShip>&boom;</EntityOrShip>"
        "<Item>1</Item></record></data-set>"
    )
    try:
        lst = parse_files({FILE: write(tmp_path, xml)})
    except ListFileError:
        return  # refusing the document is fine too
    assert "Chen Quanguo" not in lst.entries[0].name.text


# ---------------------------------------------------------------------------------------------------------
# The full snapshot (5,090 records)


def test_full_counts(full: SanctionsList) -> None:
    assert len(full.entries) == 5090
    assert len({e.uid for e in full.entries}) == 5090
    assert not any("~" in e.uid for e in full.entries)
    assert full.count_by_type() == {"individual": 3424, "entity": 1356, "vessel": 310, "aircraft": 0}
    assert len({e.programs for e in full.entries}) == 19
    assert sum(is_jvcfoa(e) for e in full.entries) == 80
    assert full.latest_listing == date(2025, 8, 26)
    assert full.date is None


def test_full_known_truths(full: SanctionsList) -> None:
    chen = by_uid(full, "china-p1-5")
    assert (chen.name.text, chen.dobs, chen.listed) == ("Quanguo Chen", (PartialDate(1955, 11),), date(2024, 12, 9))
    for uid in ("china-p1-1", "china-p1-2", "china-p1-3", "china-p1-4"):
        assert by_uid(full, uid).listed == date(2021, 3, 21)
    assert by_uid(full, "china-p2-1").type is EntryType.ENTITY
    assert by_uid(full, "jvcfor-1").name.text == "Nicolás MADURO MOROS"
    assert by_uid(full, "russia-1p1-123").programs == ("Russia",)
    names = {n.text.casefold() for e in full.entries for n in e.names}
    assert "xinjiang public security bureau" not in names
    assert "xinjiang production and construction corps" not in names


def test_full_dates(full: SanctionsList) -> None:
    assert [t for e in full.entries for t in e.dob_texts] == ["born in the early 1970s"]
    assert all(e.listed for e in full.entries)
    assert sum(bool(e.dobs) for e in full.entries) == 2107 - 310 - 1  # minus ships and the unparsable one


def test_full_scripts(full: SanctionsList) -> None:
    scripts = {n.script for e in full.entries for n in e.other_names if n.kind is NameKind.NON_LATIN}
    assert {"Russian", "Belarusian", "Cyrillic", "Arabic", "Hebrew", "Armenian", "Han"} <= scripts
    prefixed = [n for e in full.entries for n in e.other_names if n.script == "Russian"]
    assert len(prefixed) > 30


def test_full_aliases_are_tidy(full: SanctionsList) -> None:
    assert_tidy(full)


def test_full_uk_xml_under_the_canadian_name_is_refused(shared_data: Path, tmp_path: Path) -> None:
    shutil.copy(shared_data / "uk" / "UK-Sanctions-List.xml", tmp_path / FILE)
    assert_refused(tmp_path / FILE, "root <Designations>")


def test_excerpt_records_are_verbatim_copies_of_the_full_file(shared_data: Path, fixture_file: Path) -> None:
    full_records = {etree.tostring(r) for r in etree.parse(str(shared_data / "ca" / FILE)).getroot()}
    excerpt_records = [etree.tostring(r) for r in etree.parse(str(fixture_file)).getroot()]
    assert all(r in full_records for r in excerpt_records)


# ---------------------------------------------------------------------------------------------------------
# The live file since Aug 2026 (tests/fixtures/ca/2026: verbatim records, bilingual element names)

LIVE_2026 = "ts_live_trimmed_2026-09-03.xml"


def parse_2026(fixtures_dir: Path, name: str) -> SanctionsList:
    return parse_files({FILE: fixtures_dir / "ca" / "2026" / name})


def test_live_2026_records(fixtures_dir: Path) -> None:
    live = parse_2026(fixtures_dir, LIVE_2026)
    assert [e.uid for e in live.entries] == ["russia-1p1-94", "russia-1p2-1", "russia-1.1-2", "jvcfor-1"]
    akimov = by_uid(live, "russia-1p1-94")
    assert akimov.name == Name(text="Andrey Igorevich AKIMOV", given="Andrey Igorevich", surname="AKIMOV")
    assert [(n.text, n.strength) for n in akimov.other_names] == [("Andrei", Strength.WEAK)]  # "Andrei "
    assert (akimov.dobs, akimov.listed) == ((PartialDate(1953, 9, 22),), date(2019, 3, 15))
    bank = by_uid(live, "russia-1p2-1")
    assert (bank.type, bank.name.text, other_texts(bank)) == (
        EntryType.ENTITY, "Aktsionerny Bank Russian Federation", ["Bank Rossiya"])
    ammitto = parse_2026(fixtures_dir, "ammitto_record_spec_2026-08-27.xml")
    assert [(e.uid, e.type, e.name.text) for e in ammitto.entries] == [
        ("belarus-1p1-1", EntryType.INDIVIDUAL, "Khazalbek Bakhtibekovich Atabekov"),
        ("belarus-1p2-1", EntryType.ENTITY, "Belaeronavigatsia Republican Unitary Air Navigation Services Enterprise")]


@pytest.mark.parametrize("uid", ["russia-1.1-2", "jvcfor-1"])
def test_a_2026_record_reads_as_its_2025_self(fixtures_dir: Path, excerpt: SanctionsList, uid: str) -> None:
    """M/V Maria ("General Cargo | Cargo classique" since 2026) and Maduro: the same entry in both layouts."""
    new, old = by_uid(parse_2026(fixtures_dir, LIVE_2026), uid), by_uid(excerpt, uid)
    assert replace(new, raw=None) == replace(old, raw=None)


def test_bilingual_ship_type_gives_the_english_half(fixtures_dir: Path) -> None:
    maria = by_uid(parse_2026(fixtures_dir, LIVE_2026), "russia-1.1-2")
    assert maria.remarks == "Vessel type: General Cargo; Built: 1986"
    assert [(i.kind, i.value) for i in maria.identifiers] == [(IdKind.IMO, "8517839")]


@pytest.mark.parametrize(("text", "english"), [
    ("General Cargo | Cargo classique", "General Cargo"),  # 2026
    ("General Cargo", "General Cargo"),  # 2025
    ("Major General/major-général", "Major General/major-général"),  # a 2025 rank stays whole here
    ("  Brigadier ", "Brigadier"),
    (None, None),
])
def test_english_half(text: str | None, english: str | None) -> None:
    assert english_half(text) == english


# ---------------------------------------------------------------------------------------------------------
# A person's title is a position


def test_title_of_a_person_is_a_position(excerpt: SanctionsList) -> None:
    general = by_uid(excerpt, "syria-p2-60")  # "Major General/major-général"
    assert general.positions == ("Major General",)
    assert general.remarks == "Title: Major General/major-général"
    assert by_uid(excerpt, "russia-1.1-2").positions == ()  # a ship's type is no position
    assert by_uid(excerpt, "china-p1-5").positions == ()


def test_full_positions(full: SanctionsList) -> None:
    positions = Counter(p for e in full.entries for p in e.positions)
    assert positions == {"Brigadier": 26, "Major General": 14, "Dr.": 9, "General": 6, "Lt. General": 4,
                         "Colonel": 3, "Captain": 1}
    assert all(e.type is EntryType.INDIVIDUAL for e in full.entries if e.positions)


# ---------------------------------------------------------------------------------------------------------
# The IMO column: a valid IMO number, or a name, never digits picked out of a name
#
# No record of the Sept 2025 file or of the 2026 samples has anything but a valid IMO number there; other
# parsers of the live file report a few names (one in its own script). These variants write real text into
# the IMO column of the real 2026 record of M/V Maria: another real ship's name ("Omskiy 103", record 3721
# of the full file, whose digits the old parser made an IMO "103"), and a real Cyrillic name of the excerpt.

CYRILLIC_NAME = "Общество с ограниченной ответственностью «КОРСАР»"  # russia-1p2-518's alias


def maria_with_imo_column(fixtures_dir: Path, tmp_path: Path, value: str) -> Entry:
    data = (fixtures_dir / "ca" / "2026" / LIVE_2026).read_text(encoding="utf-8")
    original = "<ShipIMONumber-NumeroOMIDuNavire>8517839</ShipIMONumber-NumeroOMIDuNavire>"
    assert data.count(original) == 1
    changed = data.replace(original, f"<ShipIMONumber-NumeroOMIDuNavire>{value}</ShipIMONumber-NumeroOMIDuNavire>")
    return by_uid(parse_files({FILE: write(tmp_path, changed)}), "russia-1.1-2")


def test_a_name_in_the_imo_column_is_another_name(fixtures_dir: Path, tmp_path: Path) -> None:
    maria = maria_with_imo_column(fixtures_dir, tmp_path, "Omskiy 103")
    assert maria.type is EntryType.VESSEL
    assert maria.identifiers == ()  # not IMO "103"
    assert maria.other_names == (Name("Omskiy 103", NameKind.ALIAS),)


def test_a_native_script_name_in_the_imo_column(fixtures_dir: Path, tmp_path: Path) -> None:
    maria = maria_with_imo_column(fixtures_dir, tmp_path, CYRILLIC_NAME)
    assert maria.identifiers == ()
    assert maria.other_names == (Name(CYRILLIC_NAME, NameKind.NON_LATIN, script="Cyrillic"),)


@pytest.mark.parametrize(("value", "identifiers"), [
    ("IMO 8517839", ((IdKind.IMO, "8517839", None),)),
    ("IMO8517839", ((IdKind.IMO, "8517839", None),)),
    ("\u00a08517839 ", ((IdKind.IMO, "8517839", None),)),
    ("8517838", ((IdKind.OTHER, "8517838", "ShipIMONumber, not a valid IMO number"),)),  # wrong check digit
    ("851783", ((IdKind.OTHER, "851783", "ShipIMONumber, not a valid IMO number"),)),
])
def test_imo_column_numbers(fixtures_dir: Path, tmp_path: Path, value: str,
                            identifiers: tuple[tuple[IdKind, str, str | None], ...]) -> None:
    maria = maria_with_imo_column(fixtures_dir, tmp_path, value)
    assert tuple((i.kind, i.value, i.note) for i in maria.identifiers) == identifiers
    assert maria.other_names == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("8517839", ("8517839", None)),
    ("Omskiy 103", (None, "Omskiy 103")),
    ("IMO 851783", (None, None)),  # no name either: an `other` identifier
    ("", (None, None)),
    (None, (None, None)),
])
def test_read_imo_column(text: str | None, expected: tuple[str | None, str | None]) -> None:
    identifier, name = read_imo_column(text)
    assert ((identifier.value if identifier and identifier.kind is IdKind.IMO else None), name) == expected


def test_full_imo_numbers_are_all_valid(full: SanctionsList) -> None:
    vessels = [e for e in full.entries if e.type is EntryType.VESSEL]
    assert len(vessels) == 310
    assert all([i.kind for i in v.identifiers] == [IdKind.IMO] for v in vessels)
    assert not [i for e in full.entries for i in e.identifiers if i.kind is not IdKind.IMO]
    assert all(v.other_names == () for v in vessels)  # no name came out of the IMO column
