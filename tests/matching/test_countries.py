"""Country names, demonyms and codes as the real lists and users write them.

The US and UK strings come from the bundled snapshot (`bundled_lists`, tests/conftest.py); the UN and Australian
ones from the full official files in ../shared/data (skipped where that folder is absent).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from magcheck.matching.countries import (
    country_code,
    country_key,
    country_name,
    resolve_country,
    suggest_country,
    territories,
)
from magcheck.matching.data import read_rows
from magcheck.model import SanctionsList

# Strings the lists put in a country field that name no country: sub-national places and cities (the US parser
# reads them from a place of birth without its country), several countries in one field, Soviet autonomous
# republics, and plain noise.
NOT_ONE_COUNTRY = {
    "Akale Guzay (Shemejena)", "Antioquia", "Baja California Norte", "Central Tehran", "Chechen Ingush", "Chiapas",
    "Coahuila", "Drenovc", "Durango", "Gricar", "Guerrero", "Hidalgo", "Isfahan Province", "Jalisco", "Jalsico",
    "Kafr al-Shaykh", "Kaliningrad", "Kigali", "Kohgiluyeh and Boyer Ahmad", "Kruskovo Polje", "Lakes State",
    "Mayon County Unity State", "Michoacan", "Moscow", "Nawzad District of Helmand Province", "New Mexico",
    "Nuevo Leon", "Puebla", "Pyo'ngso'ng", "Pyongyang", "Raqqah", "Rio de Janeiro", "Sinaloa",
    "Sistan and Baluchistan Province", "South Waziristan", "Tamaulipas", "Tripoli", "Unity State", "Valle",
    "Valle del Cauca", "Veracruz", "Vitez", "Vladicin Han municipality", "Western Uganda",
    # a city and its country without a comma between them
    "Algiers Algeria", "Indiana USA", "Jalisco Mexico", "Keren Eritrea", "Khartoum Sudan", "Valle Colombia",
    "Sarajevo Bosnia-Herzegovina", "Musanze District (Northern Province) Rwanda",
    # two countries in one field
    "Estonia, Russia", "Germany. Russia", "Russia. Former USSR",
    # Soviet units below a republic
    "Komi ASSR", "Yakut Autonomous SSR", "Oshkaya region of the Kirghiz SSR",
    "Zacatecas", "-", "115088", "None Identified",
}


def country_fields(lists: dict[str, SanctionsList]) -> Counter[str]:
    return Counter(value for lst in lists.values() for entry in lst.entries
                   for value in (*entry.nationalities, *entry.citizenships, *entry.countries))


def test_every_country_of_the_us_and_uk_lists_resolves(bundled_lists: dict[str, SanctionsList]) -> None:
    values = country_fields(bundled_lists)
    unresolved = {value for value in values if resolve_country(value) is None}
    assert unresolved <= NOT_ONE_COUNTRY, sorted(unresolved - NOT_ONE_COUNTRY)
    share = sum(values[v] for v in unresolved) / values.total()
    assert values.total() > 15_000 and share < 0.005, share


@pytest.mark.parametrize(("written", "code"), [
    ("Korea, North", "kp"), ("North Korea", "kp"), ("Democratic People's Republic of Korea", "kp"),  # US, UK
    ("Congo, Democratic Republic of the", "cd"), ("Congo (Democratic Republic)", "cd"),  # US, UK
    ("Democratic Republic of the Congo", "cd"),  # UN
    ("Iran (Islamic Republic of)", "ir"), ("Bosnia-Herzegovina", "ba"), ("The Gambia", "gm"),
    ("Occupied Palestinian Territories", "ps"), ("Gaza Strip", "ps"), ("Palestinian", "ps"),
    ("Burma", "mm"), ("Myanmar", "mm"), ("Macedonia", "mk"), ("North Macedonia, The Republic of", "mk"),
    ("Virgin Islands, British", "vg"), ("Man, Isle of", "im"), ("St. Kitts & Nevis", "kn"), ("USA", "us"),
    ("Ukrainian SSR", "su-ua"), ("Former USSR Currently Belarus", "by"), ("Former USSR, now Ukraine", "ua"),
    ("Russia (USSR)", "ru"), ("Tunisi (Tunisia)", "tn"), ("possibly Palestinian", "ps"), ("Region: Gaza", "ps"),
    ("ex-Yugoslavia", "yucs"), ("the Russian Federation", "ru"), ("Crimea", "ua-cri"),
])
def test_the_lists_own_spellings(bundled_lists: dict[str, SanctionsList], written: str, code: str) -> None:
    assert resolve_country(written) == code


def test_the_spellings_above_are_really_in_the_lists(bundled_lists: dict[str, SanctionsList]) -> None:
    values = country_fields(bundled_lists)
    assert values["Korea, North"] > 100 and values["Congo, Democratic Republic of the"] > 25
    assert {"Congo (Democratic Republic)", "Bosnia-Herzegovina", "Occupied Palestinian Territories", "Russia (USSR)",
            "Former USSR Currently Belarus", "Tunisi (Tunisia)", "Region: Gaza", "Man, Isle of"} <= set(values)


def test_every_country_of_the_un_list_resolves(shared_data: Path) -> None:
    root = etree.parse(str(shared_data / "un" / "consolidated.xml")).getroot()
    values = Counter(v.text.strip() for path in ("NATIONALITY/VALUE", "INDIVIDUAL_ADDRESS/COUNTRY",
                                                 "INDIVIDUAL_PLACE_OF_BIRTH/COUNTRY", "ENTITY_ADDRESS/COUNTRY")
                     for v in root.iterfind(f".//{path}") if v.text and v.text.strip())
    assert values.total() > 1000
    assert [v for v in values if resolve_country(v) is None] == []
    assert resolve_country("Congo") == "cg"  # the UN's name for the Republic of the Congo


# How the Australian list runs several citizenships together: `a) Pakistani b) Saudi Arabian`, `Russian and
# Ukrainian`, `Somalia;\nKenya`, `Turkish/Jordanian`. Splitting them is the parser's job; each part must resolve.
AU_SEPARATORS = re.compile(r"\b[a-h]\)\s*|;|/|,|\band\b|\n", re.IGNORECASE)
NOTE = re.compile(r"\([^()]*\)")  # `Indonesian (as at Dec. 2003)`, `Saudi Arabian (this aka only, ...)`


def test_every_citizenship_of_the_australian_list_resolves(shared_data: Path) -> None:
    from python_calamine import CalamineWorkbook  # the raw cells, as the parser reads them (not through it)

    book = CalamineWorkbook.from_path(str(shared_data / "au" / "regulation8_consolidated.xlsx"))
    rows = book.get_sheet_by_index(0).to_python()[1:]
    cells = Counter(str(row[6]).strip() for row in rows if len(row) > 6 and row[6] and str(row[6]).strip())
    parts = {part.strip() for cell in cells for part in AU_SEPARATORS.split(NOTE.sub(" ", cell)) if part.strip()}
    assert cells.total() > 2000 and len(parts) > 80
    assert {p for p in parts if resolve_country(p) is None} == {"Kuwaiti citizenship withdrawn in 2002"}
    assert {resolve_country(d) for d in ("Syrian", "Iranian", "Iraqi", "Afghan", "North Korean")} == \
        {"sy", "ir", "iq", "af", "kp"}


# --- user input: names, codes, common variants --------------------------------------------------------------


@pytest.mark.parametrize(("code", "variants"), [
    ("ru", ["Russia", "Russian Federation", "RU", "rus", "Russian", "РОССИЯ"]),
    ("cn", ["China", "PRC", "People's Republic of China", "Peoples Republic of China", "CN", "CHN", "Chinese"]),
    ("mm", ["Burma", "Myanmar", "MM", "MMR", "Burmese"]),
    ("tr", ["Türkiye", "Turkiye", "Turkey", "TR", "TUR", "Turkish"]),
    ("kp", ["Korea North", "Korea, North", "DPRK", "D.P.R.K.", "North Korea", "KP", "PRK"]),
    ("kr", ["South Korea", "Korea, South", "Republic of Korea", "KOR"]),
    ("ir", ["Iran", "Islamic Republic of Iran", "Iran, Islamic Republic of", "IRN"]),
    ("sy", ["Syria", "Syrian Arab Republic", "SYR"]),
    ("cd", ["Congo DRC", "DRC", "DR Congo", "Democratic Republic of Congo", "COD"]),
    ("cg", ["Republic of the Congo", "Congo-Brazzaville", "COG"]),
    ("gb", ["United Kingdom", "UK", "U.K.", "Great Britain", "GB", "GBR", "British"]),
    ("us", ["United States", "USA", "U.S.A.", "United States of America", "US"]),
    ("ae", ["United Arab Emirates", "UAE", "ARE"]),
    ("ci", ["Côte d'Ivoire", "Cote d’Ivoire", "Ivory Coast"]),
    ("tw", ["Taiwan", "Republic of China"]),
])
def test_user_input_resolves(code: str, variants: list[str]) -> None:
    assert {v: resolve_country(v) for v in variants} == dict.fromkeys(variants, code)


@pytest.mark.parametrize("names", [
    ("Niger", "Nigeria"), ("Guinea", "Guinea-Bissau", "Equatorial Guinea", "Papua New Guinea"),
    ("Sudan", "South Sudan"), ("Dominica", "Dominican Republic"), ("Congo", "DR Congo"),
    ("North Korea", "South Korea"), ("China", "Taiwan", "Hong Kong", "Macau"), ("Samoa", "American Samoa"),
    ("Ukraine", "Crimea"), ("Cyprus", "Northern Cyprus", "Turkey"),
    ("Georgia", "South Georgia and the South Sandwich Islands"),
])
def test_neighbours_with_similar_names_stay_apart(names: tuple[str, ...]) -> None:
    codes = [resolve_country(n) for n in names]
    assert None not in codes and len(set(codes)) == len(names), dict(zip(names, codes, strict=True))


@pytest.mark.parametrize("text", ["", "   ", "Atlantis", "Tamaulipas", "Russian and Ukrainian", "XX"])
def test_what_is_not_one_country_gives_none(text: str) -> None:
    assert resolve_country(text) is None


def test_country_code_falls_back_to_the_folded_text() -> None:
    assert country_code("  Korea,  North ") == country_code("North Korea") == "kp"
    assert country_code("Tamaulipas") == country_code("TAMAULIPAS") == "tamaulipas"  # still equal to itself


@pytest.mark.parametrize(("typo", "first"), [("Chinaa", "China"), ("Russsia", "Russia"), ("Nort Korea", "North Korea"),
                                             ("Ukrane", "Ukraine"), ("Afghanstan", "Afghanistan"), ("Syrai", "Syria"),
                                             ("Byelarus", "Belarus"), ("Venezuella", "Venezuela"),
                                             ("Untied States", "United States")])
def test_suggestions_for_a_typo(typo: str, first: str) -> None:
    assert resolve_country(typo) is None
    found = suggest_country(typo)
    assert found[0] == first and len(found) <= 5 and len(set(found)) == len(found)


def test_no_suggestion_for_nonsense() -> None:
    assert suggest_country("Qwxzv") == []


def test_country_names() -> None:
    assert [country_name(c) for c in ("kp", "KP", "mm", "cd", "suhh")] == \
        ["North Korea", "North Korea", "Myanmar", "DR Congo", "Soviet Union"]
    assert country_name("tamaulipas") == "tamaulipas"  # country_code's fallback comes back as given


# --- the table itself -------------------------------------------------------------------------------------------


def test_every_territory_is_found_by_its_own_name_and_codes() -> None:
    table = territories()
    assert len(table.names) > 250
    for code, name in table.names.items():
        assert resolve_country(name) == code, name
        assert resolve_country(code.upper()) == code
    alpha3 = [a for a, c in table.by_code.items() if a != c]
    assert len(alpha3) > 240 and all(len(a) == 3 for a in alpha3)


def test_the_table_is_written_as_it_is_looked_up() -> None:
    seen: dict[str, str] = {}
    for code, _, _, keys in read_rows("territories.tsv"):
        for key in keys.split("|"):
            assert country_key(key) == key, (code, key)
            assert seen.setdefault(key, code) == code, (key, seen[key], code)  # one territory per name
    assert len(seen) > 5000
