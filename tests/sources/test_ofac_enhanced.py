"""OFAC's enhanced XML export (SDN_ENHANCED.ZIP / .XML): the streaming reader of its "SDN List" dates.

Fixture tests read the real excerpt in tests/fixtures/us (CONS_ENHANCED_excerpt.XML / .ZIP: 7 entities of
the consolidated export of 10 Jan 2025); tests taking `shared_data` read the whole real export (443 entities)
and are skipped where it is absent. Every bad input is built in tmp_path from those real bytes.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from magcheck.errors import ExitStatus, ListFileError
from magcheck.sources import _ofac_enhanced
from magcheck.sources._ofac_enhanced import DEFAULT_LIMITS, EnhancedDates, Limits, read_enhanced

EXCERPT = "CONS_ENHANCED_excerpt"
EXCERPT_DATES = {
    "9647": date(2023, 11, 14),  # ZAHHAR, Mahmoud Khaled
    "17015": date(2018, 8, 15),  # VEB (designated in 2022: see tests/fixtures/us/README.md)
    "18272": date(2022, 2, 22),  # EXIAR
    "19640": date(2016, 9, 1),  # GAZPROM INVEST (its SSI date)
}
WITHOUT_SDN_DATE = ("9713", "19996", "26182")  # Palestinian Legislative Council, SSI, FSE lists only
FAMOUS = {
    "17013": date(2022, 2, 24),  # VTB Bank
    "17018": date(2022, 4, 6),  # Sberbank
    "17016": date(2024, 11, 21),  # Gazprombank
    "17143": date(2025, 1, 10),  # Gazprom Neft
}

# ---------------------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(scope="module")
def excerpt_xml(fixtures_dir: Path) -> bytes:
    return (fixtures_dir / "us" / f"{EXCERPT}.XML").read_bytes()


@pytest.fixture(scope="module")
def real_zip(shared_data: Path) -> Path:
    return shared_data / "us" / "CONS_ENHANCED.ZIP"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def zipped(members: dict[str, bytes]) -> bytes:
    """A ZIP archive of `members`, deflated, as OFAC publishes the export."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def expect_refused(path: Path, *fragments: str, limits: Limits = DEFAULT_LIMITS) -> ListFileError:
    with pytest.raises(ListFileError) as info:
        read_enhanced(path, limits=limits)
    error = info.value
    assert (error.list_code, error.file) == ("us", path.name)
    assert error.exit_status is ExitStatus.NO_DATA
    assert "\n" not in error.reason and len(error.reason) < 200, error.reason
    for fragment in fragments:
        assert fragment in error.reason, error.reason
    return error


# ---------------------------------------------------------------------------------------------------------
# The real export, whole


def test_real_export_dates(real_zip: Path) -> None:
    dates = read_enhanced(real_zip)
    assert dates.file == "CONS_ENHANCED.ZIP"
    assert dates.data_as_of == date(2025, 1, 10)
    assert dates.entities == 443
    assert len(dates.sdn_listed) == 77
    assert dates.sdn_listed["18272"] == date(2022, 2, 22)
    assert dates.sdn_listed["17015"] == date(2018, 8, 15)
    for uid, listed in FAMOUS.items():
        assert dates.sdn_listed[uid] == listed, uid
    assert "17250" not in dates.sdn_listed  # PJSC GAZPROM: on the SSI and menu-based lists, not the SDN list
    assert min(dates.sdn_listed.values()) == date(2016, 9, 1)
    assert max(dates.sdn_listed.values()) == date(2025, 1, 10)  # the day of the export: Gazprom Neft et al.


def test_real_zip_and_its_xml_give_the_same(real_zip: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(real_zip) as archive:
        xml = write(tmp_path, "SDN_ENHANCED.XML", archive.read("CONS_ENHANCED.XML"))
    from_zip, from_xml = read_enhanced(real_zip), read_enhanced(xml)
    assert from_xml.file == "SDN_ENHANCED.XML"
    assert (from_zip.data_as_of, from_zip.entities) == (from_xml.data_as_of, from_xml.entities)
    assert from_zip.sdn_listed == from_xml.sdn_listed


def test_the_tree_never_grows_while_streaming(real_zip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After each entity is dropped, the document holds under 2,000 elements (what the parser has read
    ahead), not the 60,673 of the whole export, and `<entities>` a few children, not 443 emptied ones."""
    real_drop = _ofac_enhanced._drop
    elements: list[int] = []
    siblings: list[int] = []

    def counting_drop(element: etree._Element) -> None:
        real_drop(element)
        elements.append(sum(1 for _ in element.getroottree().getroot().iter()))
        parent = element.getparent()
        siblings.append(len(parent) if parent is not None else 0)

    monkeypatch.setattr(_ofac_enhanced, "_drop", counting_drop)
    assert len(read_enhanced(real_zip).sdn_listed) == 77
    assert len(elements) == 443 + 3  # the entities and the three sections before them
    assert max(elements) < 2_000, max(elements)  # 848 measured
    assert max(siblings) < 30, max(siblings)  # 10 measured: the entity and those read ahead in the chunk


def test_the_parser_gets_control_back_at_least_every_256_kb(real_zip: Path) -> None:
    """The pending-bytes window, at 1/16 of its default: the real export never reads 256 KB without
    reaching the end of an entity or section (its reference tables are 120 KB, its largest entity 41.6 KB)."""
    assert len(read_enhanced(real_zip, limits=Limits(max_pending_bytes=256 * 1024)).sdn_listed) == 77


_MEMORY_PROBE = """
import json, re, sys, zipfile
from pathlib import Path
from lxml import etree
from magcheck.sources._ofac_enhanced import read_enhanced

def peak_kb():  # VmHWM: this process's peak resident memory (ru_maxrss would include the parent's at fork)
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1))

path, mode = Path(sys.argv[1]), sys.argv[2]
before = peak_kb()
if mode == "stream":
    found = len(read_enhanced(path).sdn_listed)
else:
    with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as member:
        found = len(etree.parse(member).getroot())
print(json.dumps({"growth_kb": peak_kb() - before, "found": found}))
"""


def peak_growth_kb(path: Path, mode: str) -> tuple[int, int]:
    """How much a fresh process's peak resident memory grows while reading `path` (`stream` or `tree`)."""
    out = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(path), mode], check=True, capture_output=True,
                         text=True)
    result = json.loads(out.stdout)
    return result["growth_kb"], result["found"]


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="measured with Linux's /proc/self/status")
def test_peak_memory_of_the_streaming_parse_stays_small(real_zip: Path) -> None:
    """Peak resident memory (tracemalloc cannot see libxml2's own allocations): the streaming read adds
    about 1.5 MB; building the same document as a tree adds about 30 MB, so the probe can tell them apart."""
    streamed, dates = peak_growth_kb(real_zip, "stream")
    tree, sections = peak_growth_kb(real_zip, "tree")
    assert (dates, sections) == (77, 4)  # publicationInfo, referenceValues, featureTypes, entities
    assert streamed < 8 * 1024, streamed
    assert tree > 16 * 1024, tree


def test_the_published_excerpt_with_a_comment(shared_data: Path) -> None:
    """watchman's excerpt of the same export: one entity, and a comment where the reference tables were."""
    sample = shared_data / "samples-2026" / "us" / "watchman_CONS_ENHANCED_2025-01-10_excerpt.xml"
    dates = read_enhanced(sample)
    assert (dates.data_as_of, dates.entities, dict(dates.sdn_listed)) == (
        date(2025, 1, 10), 1, {"9647": date(2023, 11, 14)})


# ---------------------------------------------------------------------------------------------------------
# The fixture excerpt


@pytest.mark.parametrize("suffix", ["XML", "ZIP"])
def test_excerpt_dates(fixtures_dir: Path, suffix: str) -> None:
    dates = read_enhanced(fixtures_dir / "us" / f"{EXCERPT}.{suffix}")
    assert dates == EnhancedDates(file=f"{EXCERPT}.{suffix}", data_as_of=date(2025, 1, 10), entities=7,
                                  sdn_listed=EXCERPT_DATES)
    assert not set(WITHOUT_SDN_DATE) & set(dates.sdn_listed)


def test_the_file_name_reported_can_be_the_official_one(fixtures_dir: Path) -> None:
    dates = read_enhanced(fixtures_dir / "us" / f"{EXCERPT}.ZIP", file="SDN_ENHANCED.ZIP")
    assert dates.file == "SDN_ENHANCED.ZIP"


NAMESPACE = b' xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"'


def test_elements_are_matched_by_local_name(excerpt_xml: bytes, tmp_path: Path) -> None:
    """Without the default namespace, or under another one, the export reads the same."""
    assert NAMESPACE in excerpt_xml
    other = NAMESPACE.replace(b'ENHANCED_XML"', b'ENHANCED_XML/v2"')
    for variant in (excerpt_xml.replace(NAMESPACE, b""), excerpt_xml.replace(NAMESPACE, other)):
        dates = read_enhanced(write(tmp_path, "SDN_ENHANCED.XML", variant))
        assert (dates.entities, dict(dates.sdn_listed)) == (7, EXCERPT_DATES)


def test_an_entity_on_the_sdn_list_twice_keeps_the_earliest_date(excerpt_xml: bytes, tmp_path: Path) -> None:
    line = b'<sanctionsList refId="1550" id="37174" datePublished="2022-02-22">SDN List</sanctionsList>'
    assert excerpt_xml.count(line) == 1
    twice = excerpt_xml.replace(line, line.replace(b"2022-02-22", b"2023-05-19") + line)
    assert read_enhanced(write(tmp_path, "SDN_ENHANCED.XML", twice)).sdn_listed["18272"] == date(2022, 2, 22)


def test_a_missing_data_as_of_is_none(excerpt_xml: bytes, tmp_path: Path) -> None:
    without = excerpt_xml.replace(b"    <dataAsOf>2025-01-10T00:00:00</dataAsOf>\n", b"")
    assert without != excerpt_xml
    dates = read_enhanced(write(tmp_path, "SDN_ENHANCED.XML", without))
    assert dates.data_as_of is None and dates.sdn_listed == EXCERPT_DATES


# ---------------------------------------------------------------------------------------------------------
# Refused: not there, not the export, not whole


def test_missing_file(tmp_path: Path) -> None:
    expect_refused(tmp_path / "SDN_ENHANCED.ZIP", "file not found")


@pytest.mark.parametrize("name", ["SDN_ENHANCED.ZIP", "SDN_ENHANCED.XML"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    expect_refused(write(tmp_path, name, b""), "file is empty")


@pytest.mark.parametrize("name", ["SDN_ENHANCED.ZIP", "SDN_ENHANCED.XML"])
def test_html_error_page(tmp_path: Path, name: str) -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Request Rejected</title></head><body>The requested URL was rejected."
    expect_refused(write(tmp_path, name, page), "HTML page")


def test_xml_saved_under_the_zip_name(excerpt_xml: bytes, tmp_path: Path) -> None:
    expect_refused(write(tmp_path, "SDN_ENHANCED.ZIP", excerpt_xml), "is not a ZIP archive")


def test_zip_saved_under_the_xml_name(fixtures_dir: Path, tmp_path: Path) -> None:
    data = (fixtures_dir / "us" / f"{EXCERPT}.ZIP").read_bytes()
    expect_refused(write(tmp_path, "SDN_ENHANCED.XML", data), "is a ZIP archive, not XML")


def test_truncated_zip(fixtures_dir: Path, tmp_path: Path) -> None:
    data = (fixtures_dir / "us" / f"{EXCERPT}.ZIP").read_bytes()
    expect_refused(write(tmp_path, "SDN_ENHANCED.ZIP", data[: len(data) // 2]), "damaged or truncated ZIP archive")


def test_damaged_zip_data(fixtures_dir: Path, tmp_path: Path) -> None:
    data = bytearray((fixtures_dir / "us" / f"{EXCERPT}.ZIP").read_bytes())
    for at in range(200, 260):  # inside the deflated stream; the directory at the end stays intact
        data[at] ^= 0x55
    expect_refused(write(tmp_path, "SDN_ENHANCED.ZIP", bytes(data)), "damaged or truncated ZIP data")


def test_zip_understating_its_size_is_never_inflated_further(excerpt_xml: bytes, tmp_path: Path) -> None:
    """A bomb that declares a small size: zipfile stops at the declared size and the CRC gives it away."""
    data = bytearray(zipped({"SDN_ENHANCED.XML": excerpt_xml}))
    real_size = len(excerpt_xml).to_bytes(4, "little")
    for header, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(header) + offset
        assert data[at : at + 4] == real_size
        data[at : at + 4] = (1000).to_bytes(4, "little")
    expect_refused(write(tmp_path, "SDN_ENHANCED.ZIP", bytes(data)), "damaged or truncated ZIP data", "CRC")


@pytest.mark.parametrize("cut", [0.5, 0.999])
def test_truncated_xml(excerpt_xml: bytes, tmp_path: Path, cut: float) -> None:
    part = excerpt_xml[: int(len(excerpt_xml) * cut)]
    expect_refused(write(tmp_path, "SDN_ENHANCED.XML", part), "truncated or malformed XML")


def test_truncated_xml_inside_a_whole_zip(excerpt_xml: bytes, tmp_path: Path) -> None:
    data = zipped({"SDN_ENHANCED.XML": excerpt_xml[: len(excerpt_xml) // 3]})
    expect_refused(write(tmp_path, "SDN_ENHANCED.ZIP", data), "truncated or malformed XML")


def test_csv_under_the_xml_name(fixtures_dir: Path, tmp_path: Path) -> None:
    data = (fixtures_dir / "us" / "SDN.CSV").read_bytes()
    expect_refused(write(tmp_path, "SDN_ENHANCED.XML", data), "truncated or malformed XML", "Start tag expected")


@pytest.mark.parametrize(("fixture", "root"), [("uk/UK-Sanctions-List.xml", "Designations"),
                                               ("ca/sema-lmes.xml", "data-set")])
def test_another_list_under_the_name(fixtures_dir: Path, tmp_path: Path, fixture: str, root: str) -> None:
    data = (fixtures_dir / fixture).read_bytes()
    for path in (write(tmp_path, "SDN_ENHANCED.XML", data),
                 write(tmp_path, "SDN_ENHANCED.ZIP", zipped({"SDN_ENHANCED.XML": data}))):
        expect_refused(path, f"unexpected XML root <{root}>, expected <sanctionsData>")


def test_root_without_entities(excerpt_xml: bytes, tmp_path: Path) -> None:
    head = excerpt_xml[: excerpt_xml.index(b"  <entities>")]
    expect_refused(write(tmp_path, "SDN_ENHANCED.XML", head + b"  <entities>\n  </entities>\n</sanctionsData>\n"),
                   "no <entity> found")


def test_zip_with_two_files(excerpt_xml: bytes, tmp_path: Path) -> None:
    data = zipped({"SDN_ENHANCED.XML": excerpt_xml, "CONS_ENHANCED.XML": excerpt_xml})
    expect_refused(write(tmp_path, "SDN_ENHANCED.ZIP", data), "holds 2 files, expected the single XML export")


def test_zip_holding_something_else(fixtures_dir: Path, tmp_path: Path) -> None:
    data = zipped({"SDN.CSV": (fixtures_dir / "us" / "SDN.CSV").read_bytes()})
    expect_refused(write(tmp_path, "SDN_ENHANCED.ZIP", data), "holds 'SDN.CSV', not an XML file")


def test_empty_zip(tmp_path: Path) -> None:
    expect_refused(write(tmp_path, "SDN_ENHANCED.ZIP", zipped({})), "holds 0 files, expected the single XML export")


def test_entity_without_a_number(excerpt_xml: bytes, tmp_path: Path) -> None:
    bad = excerpt_xml.replace(b'<entity id="9713">', b'<entity id="X9713">')
    expect_refused(write(tmp_path, "SDN_ENHANCED.XML", bad), "an <entity> has id 'X9713', not an entity number")


def test_entity_twice(excerpt_xml: bytes, tmp_path: Path) -> None:
    start = excerpt_xml.index(b'    <entity id="9713">')
    end = excerpt_xml.index(b"    </entity>\n", start) + len(b"    </entity>\n")
    twice = excerpt_xml[:end] + excerpt_xml[start:end] + excerpt_xml[end:]
    expect_refused(write(tmp_path, "SDN_ENHANCED.XML", twice), "entity 9713 appears twice")


def test_sdn_date_that_is_not_a_date(excerpt_xml: bytes, tmp_path: Path) -> None:
    bad = excerpt_xml.replace(b'datePublished="2022-02-22">SDN List', b'datePublished="2022-02-30">SDN List')
    expect_refused(write(tmp_path, "SDN_ENHANCED.XML", bad),
                   "entity 18272: SDN List datePublished '2022-02-30' is not a YYYY-MM-DD date")


def test_data_as_of_that_is_not_a_date(excerpt_xml: bytes, tmp_path: Path) -> None:
    bad = excerpt_xml.replace(b"<dataAsOf>2025-01-10T00:00:00<", b"<dataAsOf>10/01/2025<")
    expect_refused(write(tmp_path, "SDN_ENHANCED.XML", bad), "dataAsOf '10/01/2025' is not a date")


# ---------------------------------------------------------------------------------------------------------
# Refused: bombs and documents too big to be the export


LAUGHS = (b'<!DOCTYPE sanctionsData [\n <!ENTITY lol "lol">\n'
          b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
          b' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n')


def test_doctype_with_entities_is_refused(excerpt_xml: bytes, tmp_path: Path) -> None:
    declaration_end = excerpt_xml.index(b"?>\n") + 3
    bomb = excerpt_xml[:declaration_end] + LAUGHS + excerpt_xml[declaration_end:]
    bomb = bomb.replace(b"<formattedFullName>SA'DAT, Ahmad<", b"<formattedFullName>&lol3;<")
    expect_refused(write(tmp_path, "SDN_ENHANCED.XML", bomb), "DOCTYPE")


def test_zip_bomb_by_compression_ratio(excerpt_xml: bytes, tmp_path: Path) -> None:
    """10 MB of blanks between the real entities deflate about 1,000:1: refused before inflating."""
    at = excerpt_xml.index(b"  <entities>\n") + len(b"  <entities>\n")
    padded = excerpt_xml[:at] + b" " * (10 * 1024 * 1024) + excerpt_xml[at:]
    path = write(tmp_path, "SDN_ENHANCED.ZIP", zipped({"SDN_ENHANCED.XML": padded}))
    expect_refused(path, "compresses", "over the cap of 200:1", "zip bomb")


def test_zip_over_the_declared_size_cap(fixtures_dir: Path) -> None:
    expect_refused(fixtures_dir / "us" / f"{EXCERPT}.ZIP", "declares 56 KB uncompressed, over the cap of 40 KB",
                   limits=Limits(max_xml_bytes=40 * 1024))


def test_xml_over_the_size_cap_is_stopped_while_streaming(fixtures_dir: Path) -> None:
    expect_refused(fixtures_dir / "us" / f"{EXCERPT}.XML", "holds more than 40 KB of XML",
                   limits=Limits(max_xml_bytes=40 * 1024))


def test_megabytes_without_a_complete_entity(excerpt_xml: bytes, tmp_path: Path) -> None:
    """What would sit in memory: 5 MB inside one entity, over the 4 MB window, with the default limits."""
    at = excerpt_xml.index(b"      <generalInfo>")
    stuffed = excerpt_xml[:at] + b"\n" * (5 * 1024 * 1024) + excerpt_xml[at:]
    expect_refused(write(tmp_path, "SDN_ENHANCED.XML", stuffed), "more than 4.0 MB of XML without one complete entity")


def test_too_many_elements_in_one_entity(fixtures_dir: Path) -> None:
    error = expect_refused(fixtures_dir / "us" / f"{EXCERPT}.XML", "entity ", "elements, over the cap of 100",
                           limits=Limits(max_entity_elements=100))
    assert error.reason.startswith("entity 9647 holds ")  # the first entity of the excerpt


def test_too_many_elements_in_all(fixtures_dir: Path) -> None:
    expect_refused(fixtures_dir / "us" / f"{EXCERPT}.ZIP", "more than 500 elements",
                   limits=Limits(max_elements=500))


def test_too_many_entities(fixtures_dir: Path) -> None:
    expect_refused(fixtures_dir / "us" / f"{EXCERPT}.XML", "more than 3 entities", limits=Limits(max_entities=3))
