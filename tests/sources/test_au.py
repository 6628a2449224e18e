"""Australia's DFAT Consolidated List: both workbook layouts, names, programmes, dates, and every bad input.

Fixture tests read trimmed real excerpts in tests/fixtures/au (the current layout of 24 Feb 2026, the former
layout of 11 Nov 2024, and the former excerpt's cells re-laid into the current columns); tests taking
`shared_data` read the full former-layout file (3,062 listings) and are skipped where it is absent.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import zipfile
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from magcheck.errors import ExitStatus, ListFileError
from magcheck.model import Entry, EntryType, IdKind, NameKind, PartialDate, SanctionsList, Strength
from magcheck.sources import au
from magcheck.sources.au import (
    CORRUPTION,
    CURRENT_FILE,
    CYBER,
    FORMER_FILE,
    HUMAN_RIGHTS,
    MAGNITSKY_PROGRAMS,
    address_countries,
    listing_date,
    parse_current,
    parse_dob_text,
    parse_former,
    programme_tags,
    split_countries,
)
from magcheck.store.locate import find_layout_files

SOURCE = au.SOURCE

# ---------------------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(scope="module")
def au_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "au"


@pytest.fixture(scope="module")
def current(au_dir: Path) -> SanctionsList:
    return parse_current({CURRENT_FILE: au_dir / CURRENT_FILE})


@pytest.fixture(scope="module")
def former(au_dir: Path) -> SanctionsList:
    return parse_former({FORMER_FILE: au_dir / FORMER_FILE})


@pytest.fixture(scope="module")
def relaid(au_dir: Path) -> SanctionsList:
    return parse_current({CURRENT_FILE: au_dir / "relaid" / CURRENT_FILE})


@pytest.fixture(scope="module")
def full(shared_data: Path) -> SanctionsList:
    return parse_former({FORMER_FILE: shared_data / "au" / FORMER_FILE})


def by_uid(lst: SanctionsList, uid: str) -> Entry:
    matches = [e for e in lst.entries if e.uid == uid]
    assert len(matches) == 1, uid
    return matches[0]


def names(entry: Entry, kind: NameKind | None = None) -> list[str]:
    return [n.text for n in entry.other_names if kind is None or n.kind is kind]


def raw_rows(path: Path) -> dict[str, list[object]]:
    """The workbook's rows keyed by their Reference as written ("2", "2a"), straight from calamine."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    keyed: dict[str, list[object]] = {}
    for row in rows[1:]:
        reference = row[0]
        keyed[str(int(reference)) if isinstance(reference, float) else str(reference).strip()] = row
    return keyed


def column(path: Path, name: str) -> int:
    header = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[0]
    return [str(h).strip() for h in header].index(name)


def same_listing(a: Entry, b: Entry, ignore: tuple[str, ...] = ("raw",)) -> list[str]:
    """The fields in which two entries differ."""
    return [f.name for f in fields(a) if f.name not in ignore and getattr(a, f.name) != getattr(b, f.name)]


def rezip(source: Path, changes: dict[str, Callable[[bytes], bytes | None]]) -> bytes:
    """The workbook with some of its parts rewritten (None drops a part); every other part unchanged."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data: bytes | None = original.read(info)
            if info.filename in changes:
                data = changes[info.filename](data or b"")
            if data is not None:
                copy.writestr(info.filename, data)
    return out.getvalue()


def shared_string(old: str, new: str) -> Callable[[bytes], bytes]:
    """Rewrite one exact shared string (`<t>old</t>`), e.g. a header name or a value many cells use."""
    def change(data: bytes) -> bytes:
        target = f"<t>{old}</t>".encode()
        assert target in data, old
        return data.replace(target, f"<t>{new}</t>".encode(), 1)
    return change


def write(tmp_path: Path, data: bytes | str, name: str = CURRENT_FILE) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def refused(path: Path, parse: Callable[..., SanctionsList] = parse_current) -> ListFileError:
    with pytest.raises(ListFileError) as caught:
        parse({path.name: path})
    error = caught.value
    assert (error.list_code, error.file) == ("au", path.name)
    assert str(error).startswith(f"au: {path.name}: ") and "\n" not in str(error)
    assert error.exit_status is ExitStatus.NO_DATA
    return error


# ---------------------------------------------------------------------------------------------------------
# The source declaration


def test_source_declares_both_layouts_live_first() -> None:
    assert SOURCE.code == "au"
    assert SOURCE.title == "Australia - DFAT Consolidated List"
    assert SOURCE.government == "Australia"
    assert SOURCE.order == 50 and SOURCE.bundled and not SOURCE.un_listings_elsewhere
    assert [layout.required for layout in SOURCE.layouts] == [(CURRENT_FILE,), (FORMER_FILE,)]
    assert SOURCE.live.files[0].url == (
        "https://www.dfat.gov.au/sites/default/files/Australian_Sanctions_Consolidated_List.xlsx")
    assert SOURCE.layouts[1].files[0].url is None  # retired in Nov 2025
    assert SOURCE.landing_page == "https://www.dfat.gov.au/international-relations/security/sanctions/consolidated-list"


def test_magnitsky_scope_is_human_rights_and_corruption_not_cyber() -> None:
    assert SOURCE.magnitsky_programs == MAGNITSKY_PROGRAMS == {"Thematic - Human Rights", "Thematic - Corruption"}
    assert (HUMAN_RIGHTS, CORRUPTION, CYBER) == ("Thematic - Human Rights", "Thematic - Corruption",
                                                 "Thematic - Cyber")
    assert CYBER not in MAGNITSKY_PROGRAMS


def test_the_registry_does_not_list_it_while_pending() -> None:
    from magcheck.sources import all_sources

    assert ("au" in all_sources()) == hasattr(au, "SOURCE")


@pytest.mark.parametrize(("present", "expected"), [
    ((CURRENT_FILE, FORMER_FILE), CURRENT_FILE),
    ((FORMER_FILE,), FORMER_FILE),
    ((CURRENT_FILE,), CURRENT_FILE),
])
def test_find_layout_files_prefers_the_live_layout(tmp_path: Path, au_dir: Path, present: tuple[str, ...],
                                                   expected: str) -> None:
    folder = tmp_path / "au"
    folder.mkdir()
    for name in present:
        shutil.copy(au_dir / name, folder / name.lower())  # official names match whatever their case
    layout, files = find_layout_files(tmp_path, SOURCE)
    assert list(files) == [expected]
    parsed = layout.parse(files)
    assert parsed.files == (expected,)
    assert len(parsed.entries) == (42 if expected == CURRENT_FILE else 37)


# ---------------------------------------------------------------------------------------------------------
# The excerpts


def test_excerpt_counts(current: SanctionsList, former: SanctionsList) -> None:
    assert (current.code, current.title, current.files) == ("au", SOURCE.title, (CURRENT_FILE,))
    assert current.count_by_type() == {"individual": 30, "entity": 11, "vessel": 1, "aircraft": 0}
    assert former.count_by_type() == {"individual": 29, "entity": 8, "vessel": 0, "aircraft": 0}
    assert current.date is None and former.date is None  # the file states none: the store dates it
    for lst in (current, former):
        uids = [e.uid for e in lst.entries]
        assert len(set(uids)) == len(uids) and all(re.fullmatch(r"\d+", u) for u in uids)
        assert all(e.list == "au" and e.raw is not None and e.raw.file == lst.files[0] for e in lst.entries)


def test_every_primary_row_is_one_entry(au_dir: Path, current: SanctionsList, former: SanctionsList) -> None:
    """One entry per unsuffixed reference, located at that reference's row."""
    for lst, name in ((current, CURRENT_FILE), (former, FORMER_FILE)):
        rows = raw_rows(au_dir / name)
        bare = [ref for ref in rows if ref.isdigit()]
        orphans = ["8495"] if name == CURRENT_FILE else []  # 8495b alone (see the next tests)
        assert [e.uid for e in lst.entries] == sorted(bare + orphans, key=int)  # the files are in reference order
        assert by_uid(lst, "2").raw.locator == "Reference 2, row 2"


def test_layouts_read_the_same_cells_the_same_way(former: SanctionsList, relaid: SanctionsList) -> None:
    """The former excerpt's cells re-laid into the current columns give the very same entries."""
    assert len(relaid.entries) == len(former.entries) == 37
    for a, b in zip(former.entries, relaid.entries, strict=True):
        assert same_listing(a, b) == [], a.uid
        assert a.raw.locator == b.raw.locator and (a.raw.file, b.raw.file) == (FORMER_FILE, CURRENT_FILE)


@pytest.mark.parametrize("uid", ["1280", "6773", "6830", "6855", "7445", "7523"])
def test_an_unchanged_listing_reads_the_same_in_both_real_files(current: SanctionsList, former: SanctionsList,
                                                                uid: str) -> None:
    """Listings DFAT did not touch between Nov 2024 and Feb 2026 parse identically, but for what only the
    current layout has (measures) and the remarks (Instrument of Designation is new)."""
    assert same_listing(by_uid(former, uid), by_uid(current, uid), ("raw", "remarks", "measures")) == []
    assert by_uid(former, uid).measures == ()
    assert "Targeted Financial Sanction" in by_uid(current, uid).measures


def test_akhund_field_by_field(au_dir: Path, current: SanctionsList, former: SanctionsList) -> None:
    """Reference 2, the UN Taliban listing, against the raw cells of both files."""
    old, new = raw_rows(au_dir / FORMER_FILE), raw_rows(au_dir / CURRENT_FILE)
    assert old["2"][4] == "a) Approximately 1955- 1958 b) Approximately 1945-1950"
    assert new["2"][5] == "1945, 1946, 1947, 1948, 1949, 1950, 1955, 1956, 1957, 1958"
    a, b = by_uid(former, "2"), by_uid(current, "2")
    assert a.name.text == b.name.text == "MOHAMMAD HASSAN AKHUND" and a.type is EntryType.INDIVIDUAL
    assert names(a) == names(b) == ["محمد حسن أخوند"] and a.other_names[0].kind is NameKind.NON_LATIN
    assert a.other_names[0].script == "Arabic"
    years = {PartialDate(y) for y in [*range(1945, 1951), *range(1955, 1959)]}
    assert set(a.dobs) == set(b.dobs) == years and a.dob_texts == ()
    assert a.citizenships == ("Afghanistan",) and a.countries == ("Afghanistan",)  # POB "Pashmul village, ..."
    assert a.listed == b.listed == date(2001, 1, 25)  # "Listed by UN 1267 Committee on 25 January 2001 (amended..."
    assert a.programs == b.programs == ("UNSC 1988 (Taliban)",)
    assert a.positions[0] == "First Deputy, Council of Ministers under the Taliban regime" and len(a.positions) == 4
    assert (a.un_ref, b.un_ref) == (None, "TAi.002")  # only the current file writes the UN reference
    assert b.measures == ("Targeted Financial Sanction", "Travel Ban", "Arms Embargo")
    # Control Date is the date of the last change, not of the listing: it moved from 2014 to 2026.
    assert a.remarks and a.remarks.endswith("Control date: 2014-12-15")
    assert b.remarks and b.remarks.endswith("Control date: 2026-02-05")


def test_a_magnitsky_style_human_rights_listing(au_dir: Path, current: SanctionsList) -> None:
    """ANICHIN, sanctioned under the Thematic (human rights) regime for the Sergei Magnitsky case."""
    row = raw_rows(au_dir / CURRENT_FILE)["6830"]
    assert row[12] == "Autonomous (Thematic - Human Rights)" and str(row[13]) == "2022-03-30"
    entry = by_uid(current, "6830")
    assert entry.name.text == "Aleksey Vasilyevich ANICHIN"
    assert names(entry, NameKind.ALIAS) == ["Alexei Vasilyevich ANICHIN"]
    assert entry.programs == (HUMAN_RIGHTS,) and set(entry.programs) <= MAGNITSKY_PROGRAMS
    assert entry.dobs == (PartialDate(1949, 12, 1),) and entry.citizenships == ("Russia",)
    assert entry.countries == ("Ukraine",)  # born in Sevastopol, Ukraine
    assert entry.listed is None  # the Listing Information names the 2022 instrument, not a date
    assert entry.remarks is not None and "Thematic Sanctions) Instrument 2022" in entry.remarks


def test_magnitsky_scope_in_the_excerpt(current: SanctionsList) -> None:
    in_scope = [e.uid for e in current.entries if set(e.programs) & MAGNITSKY_PROGRAMS]
    assert in_scope == ["6830", "6855", "6866", "7343", "7511", "7523"]
    assert by_uid(current, "6855").programs == (CORRUPTION,)  # written with an en dash
    assert by_uid(current, "7986").programs == (CYBER,) and by_uid(current, "7832").programs == (CYBER,)


def test_references_with_suffixes_belong_to_their_listing(au_dir: Path, former: SanctionsList) -> None:
    rows = raw_rows(au_dir / FORMER_FILE)
    assert {"34c1", "34f1", "1276c1", "1276c4"} <= set(rows)
    assert rows["34c1"][1] == "اختر محمد ولد نور محمد"
    assert "اختر محمد ولد نور محمد" in names(by_uid(former, "34"))
    assert {"Yunis al-Mauritani", "Shaykh Yunis the Mauritanian"} <= set(names(by_uid(former, "1276")))
    assert len(by_uid(former, "1276").other_names) == 14


def test_former_names(au_dir: Path, former: SanctionsList) -> None:
    rows = raw_rows(au_dir / FORMER_FILE)
    assert rows["34d"][1] == "Abdul Jalil Haqqani (previously listed as)"
    assert names(by_uid(former, "34"), NameKind.FORMER) == ["Abdul Jalil Haqqani"]
    assert rows["2943b"][3] == "Formerly known as"
    assert names(by_uid(former, "2943"), NameKind.FORMER) == [
        "Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda", "ADF/NALU", "NALU"]


def test_weak_aliases_only_in_the_current_layout(current: SanctionsList, former: SanctionsList) -> None:
    weak = [n for n in by_uid(current, "5").other_names if n.strength is Strength.WEAK]
    assert [n.text for n in weak] == ["Haji Mudir"]
    assert all(n.strength is Strength.STRONG for e in former.entries for n in e.other_names)
    assert sum(n.strength is Strength.WEAK for e in current.entries for n in e.other_names) == 9  # 9 rows "Weak"


def test_hand_kept_labels(au_dir: Path, former: SanctionsList) -> None:
    """"Primary Name ", "Primary name", "Individual ", "individual", "Entity ": all read."""
    rows = raw_rows(au_dir / FORMER_FILE)
    assert (rows["6241"][3], rows["1280"][3]) == ("Primary Name ", "Primary name")
    assert (rows["7427"][2], rows["7572"][2]) == ("Individual ", "Entity ")
    assert (rows["21d"][2], rows["396a"][2], rows["7445a"][2]) == ("Individual ", "individual", "Entity ")
    assert by_uid(former, "6241").name.text == "Jamaah Ansharut Daulah"
    assert by_uid(former, "1280").name.text == "Manssor Arbabsiar"
    assert [by_uid(former, u).type for u in ("7427", "7572", "21", "396", "7445")] == [
        EntryType.INDIVIDUAL, EntryType.ENTITY, EntryType.INDIVIDUAL, EntryType.INDIVIDUAL, EntryType.ENTITY]


def test_listings_with_a_missing_or_extra_primary_row(current: SanctionsList) -> None:
    assert current.warnings == [
        f"{CURRENT_FILE}: reference 8495 has no Primary Name row; its first name ('Yahya Husseini Panjaki', "
        "8495b) stands in"]
    assert by_uid(current, "8495").name.text == "Yahya Husseini Panjaki"
    rubicon = by_uid(current, "8686")  # 8686a is marked "Primary Name" too
    assert rubicon.name.text == "Rubicon Center for Advanced Unmanned Technologies"
    assert [(n.text, n.kind) for n in rubicon.other_names] == [("Rubicon Unit", NameKind.VARIATION)]
    exi = by_uid(current, "8720")  # the unsuffixed row is marked "Original Script" but is Latin
    assert (exi.name.text, names(exi, NameKind.ALIAS)) == ("Joint Stock Company Exi Bank", ["EKSI BANK AO"])
    assert by_uid(current, "3621").type is EntryType.ENTITY  # its alias row 3621h has no Type


def test_vessel_and_imo_numbers(current: SanctionsList, former: SanctionsList) -> None:
    mocha = by_uid(current, "8230")
    assert (mocha.type, mocha.programs, mocha.measures) == (EntryType.VESSEL, ("Vessels",), ("Maritime Restriction",))
    assert [(i.kind, i.value) for i in mocha.identifiers] == [(IdKind.IMO, "9271951")]  # the number cell 9271951.0
    ship_owner = by_uid(former, "3559")  # the former layout: "IMO number: 5571322" in Additional Information
    assert ship_owner.type is EntryType.ENTITY
    assert [(i.kind, i.value, i.note) for i in ship_owner.identifiers] == [
        (IdKind.IMO, "5571322", "IMO company number")]  # a company's, so no ship check digit


def test_un_references_and_un_listing_dates(current: SanctionsList, former: SanctionsList) -> None:
    hara = by_uid(current, "8521")
    assert (hara.un_ref, hara.listed, hara.programs) == ("IRe.025", date(2010, 6, 9), ("UNSC 1737 (Iran)",))
    assert by_uid(current, "3621").un_ref == "QDe.161"
    assert by_uid(former, "3082").un_ref == "QDi.349"  # the former file's only one
    assert sum(e.un_ref is not None for e in current.entries) == 20  # 20 primary rows start with one
    assert by_uid(former, "7993").listed == date(2024, 11, 8)  # the newest listing of the Nov 2024 file
    assert by_uid(current, "7993").listed is None  # Feb 2026: "Listed by the 1591 Committee", no date


@pytest.mark.parametrize(("uid", "expected"), [
    ("587", date(2007, 6, 8)),  # "Listedon 8 Jun. 2007 (amended on 13 Dec. 2011, 1 May 2019)"
    ("2580", date(2013, 3, 7)),  # a date cell
    ("2581", date(2013, 3, 7)),  # "First listed on 07/03/2013"
    ("4", date(2000, 4, 12)),  # "Listed on 12 Apr. 2000 (amended on 3 Sep. 2003, ...)"
    ("1276", None),  # Listing Information gives no date at all
])
def test_listing_dates_in_the_former_excerpt(former: SanctionsList, uid: str, expected: date | None) -> None:
    assert by_uid(former, uid).listed == expected


def test_other_fields(current: SanctionsList, former: SanctionsList) -> None:
    assert by_uid(former, "3242").gender == "Male"  # "Gender: Male" in Additional Information
    assert by_uid(former, "1291").citizenships == ("German", "Moroccan")
    assert by_uid(former, "418").citizenships == ("United Kingdom of Great Britain and Northern Ireland",)
    assert by_uid(former, "1297").programs == ("UNSC 1970 (Libya)", "UNSC 1973 (Libya)")
    assert by_uid(former, "1112").other_names[0].script == "Han"
    assert by_uid(former, "139").dobs == (PartialDate(1965),)
    assert by_uid(former, "139").dob_texts == ("1965, 29 March",)  # kept as written: partly a date
    assert by_uid(current, "139").dobs == (PartialDate(1965, 3, 29),)  # DFAT has since fixed it
    assert by_uid(former, "3").dobs == (PartialDate(1963),)  # a number cell
    assert by_uid(current, "6773").countries == ("Russia",)  # "16 Nametkina Street Building 1, Moscow 117420, Russia"


# ---------------------------------------------------------------------------------------------------------
# Cell readers, on real values


@pytest.mark.parametrize(("committees", "tags"), [
    ("Autonomous (Russia)", ("Russia",)),
    ("Autonomous (Thematic - Human Rights) ", (HUMAN_RIGHTS,)),
    ("Autonomous (Thematic – Corruption)", (CORRUPTION,)),
    ("Autonomous (Thematic - Cyber)  ", (CYBER,)),
    ("1988 (Taliban)", ("UNSC 1988 (Taliban)",)),
    ("1267/1989/2253 (ISIL (Da'esh) and Al-Qaida)", ("UNSC 1267/1989/2253 (ISIL (Da'esh) and Al-Qaida)",)),
    ("1267 Committee (ISIL & Al-Qaida)", ("UNSC 1267 (ISIL & Al-Qaida)",)),
    ("1373 (2001)", ("UNSC 1373 (2001)",)),
    ("1970 (Libya) 1973 (Libya)", ("UNSC 1970 (Libya)", "UNSC 1973 (Libya)")),
    ("1533 (Democratic Republic of the Congo) ", ("UNSC 1533 (Democratic Republic of the Congo)",)),
])
def test_programme_tags(committees: str, tags: tuple[str, ...]) -> None:
    assert programme_tags(committees) == tags


@pytest.mark.parametrize(("text", "dates", "unread"), [
    ("a) Approximately 1962\u00a0\u00a0b) 1961", [(1962,), (1961,)], False),
    ("a) 1964; b)1965", [(1964,), (1965,)], False),
    ("1956; \n1961; \n12 February 1956", [(1956,), (1961,), (1956, 2, 12)], False),
    ("Between 1963 and 1968", [(y,) for y in range(1963, 1969)], False),
    ("March 1965 to March 1966", [(1965,), (1966,)], False),
    ("a) 03/1965; b) 04/1965", [(1965, 3), (1965, 4)], False),
    ("28/03/1953; alt DOB: 28/09/1953", [(1953, 3, 28), (1953, 9, 28)], False),
    ("a) 09/10/1954; b) 09/11/ 1954 ", [(1954, 10, 9), (1954, 11, 9)], False),
    ("March 16, 1972", [(1972, 3, 16)], False),
    ("August, 1961", [(1961, 8)], False),
    ("15 June. 1976", [(1976, 6, 15)], False),
    ("Approximately 1967, or approximately 1961, or approximately 1973", [(1967,), (1961,), (1973,)], False),
    ("1959, 1960, 1961, 1963, 18/09/1964, 1965, 08/1961, 07/1961, 1/01/1961, 04/1963",
     [(1959,), (1960,), (1961,), (1963,), (1964, 9, 18), (1965,), (1961, 8), (1961, 7), (1961, 1, 1), (1963, 4)],
     False),
    ("06/10/1956 20/06/1956", [(1956, 10, 6), (1956, 6, 20)], False),
    ("a) 19-Dec-1992; b) 12-Dec-1992", [(1992, 12, 19), (1992, 12, 12)], False),
    ("05.09.1990", [(1990, 9, 5)], False),
    ("approximately 1977/1978", [(1977,), (1978,)], False),
    ("1965, 29 March ", [(1965,)], True),
    ("Approximately (30-35 years old)", [], True),
    ("na", [], False),
    ("", [], False),
])
def test_parse_dob_text(text: str, dates: list[tuple[int, ...]], unread: bool) -> None:
    found, texts = parse_dob_text(text)
    assert found == tuple(PartialDate(*d) for d in dates)
    assert bool(texts) is unread


@pytest.mark.parametrize(("text", "expected"), [
    ("Listed by UN 1267 Committee on 25 January 2001 (amended on 20 December 2005, 9 July 2007)", date(2001, 1, 25)),
    ("Listed on: 24 Dec. 2001 (amended on 19 Jan. 2011, 1 May 2019)", date(2001, 12, 24)),
    ("Designated under the Autonomous Sanctions Regulations 2011 on 2 March 2012. Formerly listed on the RBA "
     "Consolidated List as 2011LBY0020.", date(2012, 3, 2)),
    ("Listed by the 1267/1989/2253 (ISIL (Da'esh) and Al-Qaida) Committee on 16 June 2025", date(2025, 6, 16)),
    ("Resolution 1735 (2006) Listed on: 4 June. 2008 (amended 3 June 2009, 13 Dec. 201, 6 Dec 2019)",
     date(2008, 6, 4)),
    ("Listed by 1533 Committee 1 Nov. 2005 (amended on 13 Oct. 2016)", date(2005, 11, 1)),
    ("16 Jul.2020 (amended on 19 Dec. 2023)", date(2020, 7, 16)),
    ("Instrument of first listing: Charter of the United Nations Act 1945 List 2004 (No. 2). Last listed on: "
     "16/09/2021", None),
    ("Resolution 1596 (2005), amended 16 December 2008", None),
    ("Autonomous Sanctions (Designated Persons and Entities and Declared Persons—Thematic Sanctions) Instrument 2022",
     None),
    ("Listed by the 1518 Committee", None),
    (date(2013, 3, 7), date(2013, 3, 7)),
])
def test_listing_date(text: str | date, expected: date | None) -> None:
    assert listing_date(text) == expected


@pytest.mark.parametrize(("text", "countries"), [
    ("a) German b) Moroccan", ("German", "Moroccan")),
    ("Russian and Ukrainian", ("Russian", "Ukrainian")),
    ("Moldovan, Russian and Ukrainian", ("Moldovan", "Russian", "Ukrainian")),
    ("Trinidad and Tobago", ("Trinidad and Tobago",)),
    ("Bosnia and Herzegovina ", ("Bosnia and Herzegovina",)),
    ("Indonesian (as at Dec. 2003)", ("Indonesian",)),
    ("Somalia;\nKenya", ("Somalia", "Kenya")),
    ("Turkish/Jordanian", ("Turkish", "Jordanian")),
])
def test_split_countries(text: str, countries: tuple[str, ...]) -> None:
    assert split_countries(text) == countries


@pytest.mark.parametrize(("text", "countries"), [
    ("Brigadirskiy Pereulok 13, Moscow 105005 Russia", ("Russia",)),
    ("16, Bld. 3, Sushchevskiy val Street, Moscow, Russia, 127018", ("Russia",)),
    ("Goma, North Kivu, Democratic Republic of the Congo (in prison)", ("Democratic Republic of the Congo",)),
    ("Dubrovno, Belarusian SSR (Belarus)", ("Belarus",)),
    ("a) Iraq b) Syrian Arab Republic", ("Iraq", "Syrian Arab Republic")),
    ("Al-Dawar Street, Bludan, Syria;  Damascus, Syria;  Mosul, Iraq", ("Syria", "Iraq")),
    ("NA", ()),
])
def test_address_countries(text: str, countries: tuple[str, ...]) -> None:
    assert address_countries(text) == countries


# ---------------------------------------------------------------------------------------------------------
# Bad input: always ListFileError, never another exception, never a partial list


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ListFileError, match="file not found"):
        parse_current({})
    refused(tmp_path / CURRENT_FILE)


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty"),
    (b" \r\n", "empty"),
    (b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>Access denied</body></html>", "HTML"),
    (b"Reference,Name of Individual or Entity,Type,Name Type\r\n2,MOHAMMAD HASSAN AKHUND,Individual,Primary Name\r\n",
     "not a zip archive"),
])
def test_not_a_workbook(tmp_path: Path, content: bytes, reason: str) -> None:
    assert reason in refused(write(tmp_path, content)).reason


def test_truncated_workbook(tmp_path: Path, au_dir: Path) -> None:
    data = (au_dir / CURRENT_FILE).read_bytes()
    for cut in (len(data) // 2, len(data) - 30):
        assert "truncated or damaged" in refused(write(tmp_path, data[:cut])).reason


def test_a_zip_that_is_not_a_workbook(tmp_path: Path, fixtures_dir: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.write(fixtures_dir / "un" / "consolidated.xml", "consolidated.xml")
    assert "no xl/workbook.xml" in refused(write(tmp_path, out.getvalue())).reason


@pytest.mark.parametrize(("part", "change", "reason"), [
    ("xl/worksheets/sheet1.xml", lambda d: d[: len(d) // 2], "unreadable workbook"),
    ("xl/worksheets/sheet1.xml", lambda d: None, "unreadable workbook"),
    ("xl/sharedStrings.xml", lambda d: None, "unreadable workbook"),
    ("xl/workbook.xml", lambda d: re.sub(rb"<sheets>.*?</sheets>", b"<sheets/>", d), "has no worksheet"),
])
def test_damaged_parts(tmp_path: Path, au_dir: Path, part: str, change: Callable[[bytes], bytes | None],
                       reason: str) -> None:
    assert reason in refused(write(tmp_path, rezip(au_dir / CURRENT_FILE, {part: change}))).reason


def test_header_missing_required_columns(tmp_path: Path, au_dir: Path) -> None:
    data = rezip(au_dir / CURRENT_FILE, {"xl/sharedStrings.xml": shared_string("Committees", "Regime")})
    assert refused(write(tmp_path, data)).reason == (
        "the header lacks the columns committees (not the DFAT Consolidated List?)")


def test_an_empty_sheet(tmp_path: Path, au_dir: Path) -> None:
    data = rezip(au_dir / CURRENT_FILE, {"xl/worksheets/sheet1.xml": lambda d: re.sub(
        rb"<sheetData>.*</sheetData>", b"<sheetData/>", d, flags=re.DOTALL)})
    assert refused(write(tmp_path, data)).reason == "the worksheet is empty (no header row)"


def test_header_only(tmp_path: Path, au_dir: Path) -> None:
    data = rezip(au_dir / CURRENT_FILE, {"xl/worksheets/sheet1.xml": lambda d: re.sub(
        rb"(</row>).*(</sheetData>)", rb"\1\2", d, count=1, flags=re.DOTALL)})
    assert refused(write(tmp_path, data)).reason == "no listings below the header row"


def test_header_names_are_read_tolerantly(tmp_path: Path, au_dir: Path, current: SanctionsList) -> None:
    strings = {"Reference": "Reference ", "Name Type": "NAME TYPE", "Committees": "Committees  "}
    data = rezip(au_dir / CURRENT_FILE, {"xl/sharedStrings.xml": lambda d: _rewrite_all(d, strings)})
    again = parse_current({CURRENT_FILE: write(tmp_path, data)})
    assert [same_listing(a, b) for a, b in zip(current.entries, again.entries, strict=True)] == [[]] * 42


def _rewrite_all(data: bytes, strings: dict[str, str]) -> bytes:
    for old, new in strings.items():
        data = shared_string(old, new)(data)
    return data


def test_a_row_without_reference(tmp_path: Path, au_dir: Path) -> None:
    def blank_reference(sheet: bytes) -> bytes:  # row 3 ("2a") loses its Reference cell
        changed, count = re.subn(rb'<c r="A3"[^>]*>.*?</c>', b"", sheet, count=1)
        assert count == 1
        return changed
    data = rezip(au_dir / CURRENT_FILE, {"xl/worksheets/sheet1.xml": blank_reference})
    assert refused(write(tmp_path, data)).reason == "row 3 has no Reference (not a DFAT reference; schema changed?)"


def test_an_unknown_type(tmp_path: Path, au_dir: Path) -> None:
    data = rezip(au_dir / CURRENT_FILE, {"xl/sharedStrings.xml": shared_string("Vessel", "Submarine")})
    assert refused(write(tmp_path, data)).reason == "reference 8230: unknown Type 'Submarine' (schema changed?)"


def test_a_listing_whose_primary_row_has_no_name(tmp_path: Path, au_dir: Path) -> None:
    data = rezip(au_dir / CURRENT_FILE, {"xl/sharedStrings.xml": shared_string("MOCHA", " ")})
    assert refused(write(tmp_path, data)).reason == "reference 8230: row 153 has no name"


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path, au_dir: Path) -> None:
    padded = rezip(au_dir / CURRENT_FILE, {"xl/worksheets/sheet1.xml": lambda d: d.replace(
        b"<sheetData>", b"<sheetData>" + b" " * (8 * 1024 * 1024), 1)})
    assert "zip bomb" in refused(write(tmp_path, padded)).reason  # 8 MiB of blanks: over 100 times smaller


def test_a_workbook_declaring_a_huge_member_is_refused(tmp_path: Path, au_dir: Path) -> None:
    """Sizes are read from the zip directory: a member declared at 3 GiB is refused without reading it."""
    data = bytearray((au_dir / CURRENT_FILE).read_bytes())
    entry = data.index(b"PK\x01\x02")  # the first central-directory record
    struct.pack_into("<I", data, entry + 24, 3 * 2**30)  # its uncompressed size
    assert "zip bomb" in refused(write(tmp_path, bytes(data))).reason


def test_the_former_parser_refuses_the_same_way(tmp_path: Path) -> None:
    assert "HTML" in refused(write(tmp_path, b"<html><body>moved</body></html>", FORMER_FILE), parse_former).reason


# ---------------------------------------------------------------------------------------------------------
# The full former-layout file (DFAT, 11 Nov 2024)


def test_full_counts(shared_data: Path, full: SanctionsList) -> None:
    """3,062 listings. The 3,024 of the data README are the rows spelled exactly "Primary Name" or
    "Primary Name " (38 more are spelled "Primary name", "primary Name", "primary name")."""
    path = shared_data / "au" / FORMER_FILE
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1:]
    spelled = [row[3] for row in rows if str(row[3]).strip().casefold() == "primary name"]
    assert len(spelled) == 3062 and sum(s in ("Primary Name", "Primary Name ") for s in spelled) == 3024
    assert len(full.entries) == 3062 and full.warnings == []
    assert full.count_by_type() == {"individual": 2316, "entity": 746, "vessel": 0, "aircraft": 0}
    # 9,553 name rows: 35 repeat another name of their listing; 3 "(previously listed as, in Arabic: ...)" add one
    assert sum(len(e.names) for e in full.entries) == 9521


def test_full_programmes_and_magnitsky_scope(full: SanctionsList) -> None:
    counts: dict[str, int] = {}
    for entry in full.entries:
        for programme in entry.programs:
            counts[programme] = counts.get(programme, 0) + 1
    assert (counts[HUMAN_RIGHTS], counts[CORRUPTION], counts[CYBER]) == (103, 14, 5)
    assert sum(bool(set(e.programs) & MAGNITSKY_PROGRAMS) for e in full.entries) == 117
    assert counts["Russia"] == 647 and counts["Ukraine"] == 841
    assert len(counts) == 27 and all(not re.search(r"\s{2}|–", p) for p in counts)


def test_full_file_carries_the_fields_the_source_expects(full: SanctionsList) -> None:
    from magcheck.store.validate import missing_fields

    assert SOURCE.expected_fields == {"programs": 0.95, "dobs": 0.9}
    assert missing_fields(SOURCE, full) == []


def test_an_invalid_ship_imo_is_left_out(tmp_path: Path, au_dir: Path) -> None:
    """MOCHA's 9271951 has a valid check digit; the same cell with its last digit changed is no IMO number."""
    data = rezip(au_dir / CURRENT_FILE, {"xl/worksheets/sheet1.xml": lambda d: d.replace(
        b"<v>9271951</v>", b"<v>9271952</v>", 1)})
    mocha = by_uid(parse_current({CURRENT_FILE: write(tmp_path, data)}), "8230")
    assert mocha.type is EntryType.VESSEL and mocha.identifiers == ()


def test_full_dates(full: SanctionsList) -> None:
    assert sum(e.listed is not None for e in full.entries) == 1277  # not the 28 "Last listed on" renewals
    assert full.latest_listing == date(2024, 11, 8)
    assert sum(bool(e.dobs) for e in full.entries) == 2219
    assert sum(bool(e.dob_texts) for e in full.entries) == 10  # kept as written where not wholly a date


def test_full_xinjiang_officials_are_not_listed(full: SanctionsList) -> None:
    """Australia has not sanctioned the Xinjiang officials and bodies the US (and partly the UK and Canada) did."""
    texts = [n.text.casefold() for e in full.entries for n in e.names]
    for name in ("quanguo", "zhu hailun", "wang mingshan", "wang junzheng", "chen mingguo", "xinjiang", "xpcc",
                 "production and construction corps"):
        assert not [t for t in texts if name in t], name
    assert not [e for e in full.entries if e.remarks and "xinjiang" in e.remarks.casefold()]


def test_full_known_record_against_the_raw_file(shared_data: Path, full: SanctionsList) -> None:
    path = shared_data / "au" / FORMER_FILE
    rows = raw_rows(path)
    assert rows["6830"][1] == "Aleksey Vasilyevich ANICHIN"
    assert rows["6830"][10] == "Autonomous (Thematic - Human Rights)"
    assert str(rows["6830"][4]) == "1949-12-01" and rows["6830"][5] == "Sevastopol, Ukraine"
    assert rows["6830a"][1] == "Alexei Vasilyevich ANICHIN" and rows["6830a"][3] == "Aka"
    anichin = by_uid(full, "6830")
    assert (anichin.name.text, names(anichin), anichin.dobs, anichin.countries, anichin.programs) == (
        "Aleksey Vasilyevich ANICHIN", ["Alexei Vasilyevich ANICHIN"], (PartialDate(1949, 12, 1),), ("Ukraine",),
        (HUMAN_RIGHTS,))
    assert rows["7993"][9] == "Listed by the UN 1591 Committee on 8 November 2024"
    assert by_uid(full, "7993").listed == date(2024, 11, 8)


def test_full_same_as_the_excerpt(former: SanctionsList, full: SanctionsList) -> None:
    """The excerpt's listings read from the full file are the excerpt's entries (only their row numbers move)."""
    for entry in former.entries:
        assert same_listing(entry, by_uid(full, entry.uid)) == [], entry.uid


def test_the_bundled_snapshot_is_the_full_file(monkeypatch: pytest.MonkeyPatch, full: SanctionsList) -> None:
    from magcheck.store import bundled

    monkeypatch.setattr(bundled, "get_source", lambda code: SOURCE)
    snapshot = bundled.load_bundled("au")
    assert snapshot is not None and str(snapshot.origin) == "bundled snapshot"
    assert (snapshot.date, snapshot.date_note, snapshot.files) == (date(2024, 11, 11), "snapshot date", (FORMER_FILE,))
    assert snapshot.entries == full.entries and snapshot.warnings == []
