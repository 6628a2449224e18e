"""OFAC's enhanced XML export (`SDN_ENHANCED.ZIP` / `.XML`), read only for what SDN.CSV lacks: dates.

SDN.CSV states neither its own date nor when anyone was listed. The enhanced export of the same data gives
each entity, under the same entity number, its list memberships with a publication date
(`<sanctionsList datePublished="2022-02-22">SDN List</sanctionsList>`), and the file its `dataAsOf`.
What that date means is measured in tests/fixtures/us/README.md: mostly the day OFAC added the entity to
the SDN list, but for entities first published on another OFAC list (SSI) it can be that earlier date.

The SDN export is about 100 MB of XML (about 7 KB per entity in the real consolidated export of 10 Jan
2025: 3.4 MB for 443 entities), so it is streamed: lxml `iterparse` reports only the elements needed, each
entity is dropped as soon as it is read, and a ZIP member is decompressed as it is parsed, never extracted.
The file comes from the network, so it is parsed without entity expansion, DTD or network access, a
DOCTYPE is refused, and `Limits` caps how much it may decompress to and how many elements it may hold.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO

from lxml import etree

from magcheck.errors import ListFileError
from magcheck.sources._common import check_not_empty_or_html

LIST_CODE = "us"
SDN_LIST = "SDN List"  # the membership whose date is wanted (others: "Consolidated List", "Sectoral ...")
ROOT = "sanctionsData"
_MB = 1024 * 1024
_HEAD_BYTES = 4096  # enough to tell an HTML page, an empty file or a ZIP from the XML
_READ_BYTES = 64 * 1024  # what one read from the file asks for at most
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP starts with a file header, or with its directory when empty
# The elements iterparse reports (any namespace): entities and the top-level sections dropped after use.
_REPORTED = ("{*}entity", "{*}publicationInfo", "{*}referenceValues", "{*}featureTypes")


@dataclass(frozen=True, slots=True)
class Limits:
    """How much a file may hold before it is refused as a decompression bomb or not an OFAC export.

    Sized from the real consolidated export of 10 Jan 2025 (CONS_ENHANCED.ZIP: 207 KB compressed to
    3.4 MB, ratio 16.5:1; 443 entities of 137 elements and 7.4 KB on average, the largest 41.6 KB; 124 KB
    of reference tables before the first entity) and the SDN export it stands for (about 15,000-18,000
    entities, so about 100-130 MB of XML).
    """

    max_xml_bytes: int = 1024 * _MB  # uncompressed size: about 8x the SDN export, 300x the consolidated one
    max_ratio: float = 200.0  # ZIP compression ratio: 12x the real 16.5:1 (DEFLATE tops out near 1,000:1)
    max_pending_bytes: int = 4 * _MB  # XML read but not yet dropped: 100x the largest real entity
    max_entities: int = 250_000  # about 15x the SDN list
    max_entity_elements: int = 50_000  # elements in one entity: 360x the real average
    max_elements: int = 50_000_000  # elements in all entities: about 20x the SDN export's


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class EnhancedDates:
    """What the export says about dates: its own `dataAsOf`, and per entity id its "SDN List" date."""

    file: str
    data_as_of: date | None
    entities: int  # entities in the file, with or without an SDN date
    sdn_listed: Mapping[str, date]  # entity id (= SDN.CSV ent_num) -> "SDN List" datePublished


def read_enhanced(path: Path, *, file: str | None = None, limits: Limits = DEFAULT_LIMITS) -> EnhancedDates:
    """Read `SDN_ENHANCED.ZIP` (its single XML member, streamed) or `SDN_ENHANCED.XML`.

    Raises `ListFileError("us", file, reason)` for anything that is not a complete, sane export: missing,
    empty, HTML, not a ZIP, not XML, wrong root, truncated, over `limits`.
    """
    name = file or path.name
    with _open_xml_stream(path, name, limits) as stream:
        return _parse(_Guard(stream, name, limits), name, limits)


# ---------------------------------------------------------------------------------------------------------
# Opening: the file itself or the single XML member of the ZIP, as a stream of XML bytes


@contextmanager
def _open_xml_stream(path: Path, file: str, limits: Limits) -> Iterator[IO[bytes]]:
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
            check_not_empty_or_html(LIST_CODE, file, head)
            if path.suffix.lower() != ".zip":
                if head.startswith(_ZIP_MAGIC):
                    raise ListFileError(LIST_CODE, file, "is a ZIP archive, not XML (name it SDN_ENHANCED.ZIP)")
                handle.seek(0)
                yield handle
                return
            if not head.startswith(_ZIP_MAGIC):
                raise ListFileError(LIST_CODE, file, "is not a ZIP archive")
            with _open_member(handle, file, limits) as member:
                yield member
    except FileNotFoundError:
        raise ListFileError(LIST_CODE, file, "file not found") from None
    except OSError as exc:
        raise ListFileError(LIST_CODE, file, f"cannot read ({exc.strerror or exc})") from None


@contextmanager
def _open_member(handle: IO[bytes], file: str, limits: Limits) -> Iterator[IO[bytes]]:
    """The archive's one XML file, opened for streaming after its declared sizes pass the caps."""
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ListFileError(LIST_CODE, file, "damaged or truncated ZIP archive (no central directory)") from None
    with archive:
        info = _single_xml_member(archive, file)
        _check_declared_size(info, file, limits)
        try:
            member = archive.open(info)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError) as exc:
            raise ListFileError(LIST_CODE, file, f"cannot open {info.filename} in the ZIP archive ({exc})") from None
        with member:
            yield member


def _single_xml_member(archive: zipfile.ZipFile, file: str) -> zipfile.ZipInfo:
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) != 1:
        raise ListFileError(LIST_CODE, file, f"holds {len(members)} files, expected the single XML export")
    info = members[0]
    if not info.filename.lower().endswith(".xml"):
        raise ListFileError(LIST_CODE, file, f"holds {info.filename[:60]!r}, not an XML file")
    if info.flag_bits & 0x1:
        raise ListFileError(LIST_CODE, file, "the ZIP archive is encrypted")
    return info


def _check_declared_size(info: zipfile.ZipInfo, file: str, limits: Limits) -> None:
    """Refuse a bomb before inflating it. An archive understating its size gains nothing: zipfile inflates
    no more than the declared size, and the CRC check then fails."""
    if info.file_size > limits.max_xml_bytes:
        raise ListFileError(LIST_CODE, file, f"declares {_size(info.file_size)} uncompressed, over the cap of "
                                             f"{_size(limits.max_xml_bytes)}: refused as a possible zip bomb")
    ratio = info.file_size / max(info.compress_size, 1)
    if ratio > limits.max_ratio:
        raise ListFileError(LIST_CODE, file, f"compresses {ratio:,.0f}:1, over the cap of {limits.max_ratio:,.0f}:1 "
                                             "(the real export: 16.5:1): refused as a possible zip bomb")


def _size(n: int) -> str:
    return f"{n / _MB:,.1f} MB" if n >= _MB else f"{n / 1024:,.0f} KB"


class _Guard:
    """The XML byte stream as iterparse reads it, counting: the total may not pass the cap, nor the bytes
    read since the last element was dropped (what sits in memory). Decompression errors become
    ListFileError here, where they surface."""

    __slots__ = ("_file", "_limits", "_stream", "dropped_at", "total")

    def __init__(self, stream: IO[bytes], file: str, limits: Limits) -> None:
        self._stream, self._file, self._limits = stream, file, limits
        self.total = 0
        self.dropped_at = 0

    def read(self, size: int = -1) -> bytes:
        try:
            chunk = self._stream.read(size if 0 < size <= _READ_BYTES else _READ_BYTES)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ListFileError(LIST_CODE, self._file, f"damaged or truncated ZIP data ({exc})") from None
        self.total += len(chunk)
        if self.total > self._limits.max_xml_bytes:
            raise ListFileError(LIST_CODE, self._file, f"holds more than {_size(self._limits.max_xml_bytes)} of "
                                                       "XML: refused as a possible zip bomb")
        if self.total - self.dropped_at > self._limits.max_pending_bytes:
            raise ListFileError(LIST_CODE, self._file, f"more than {_size(self._limits.max_pending_bytes)} of XML "
                                                       "without one complete entity: not an OFAC export")
        return chunk


# ---------------------------------------------------------------------------------------------------------
# Parsing


def _parse(stream: _Guard, file: str, limits: Limits) -> EnhancedDates:
    events = etree.iterparse(stream, events=("end",), tag=_REPORTED, resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False, remove_comments=True)
    data_as_of: date | None = None
    listed: dict[str, date] = {}
    seen: set[str] = set()
    elements = 0
    checked_root = False
    try:
        for _, element in events:
            if not checked_root:
                _check_root(element.getroottree(), file)
                checked_root = True
            tag = etree.QName(element).localname
            if tag == "entity":
                elements += _read_entity(element, file, limits, seen, listed)
                _check_totals(len(seen), elements, file, limits)
            elif tag == "publicationInfo":
                data_as_of = _data_as_of(element, file)
            _drop(element)
            stream.dropped_at = stream.total
    except etree.XMLSyntaxError as exc:
        raise ListFileError(LIST_CODE, file, f"truncated or malformed XML ({exc.msg})") from None
    if not checked_root:
        _check_root(events.root.getroottree(), file)  # a document with none of the reported elements
    if not seen:
        raise ListFileError(LIST_CODE, file, "no <entity> found (not an OFAC enhanced export?)")
    return EnhancedDates(file=file, data_as_of=data_as_of, entities=len(seen), sdn_listed=listed)


def _check_root(tree: etree._ElementTree, file: str) -> None:
    if tree.docinfo.internalDTD is not None:
        raise ListFileError(LIST_CODE, file, "has a DOCTYPE declaration, which OFAC's export never has: refused")
    tag = etree.QName(tree.getroot()).localname
    if tag != ROOT:
        raise ListFileError(LIST_CODE, file, f"unexpected XML root <{tag}>, expected <{ROOT}> (schema changed?)")


def _read_entity(entity: etree._Element, file: str, limits: Limits, seen: set[str],
                 listed: dict[str, date]) -> int:
    """Record one entity's "SDN List" date (the earliest, should it have two); returns its element count."""
    count = _element_count(entity)
    uid = (entity.get("id") or "").strip()
    if not uid.isdigit():
        raise ListFileError(LIST_CODE, file, f"an <entity> has id {uid[:40]!r}, not an entity number")
    if count > limits.max_entity_elements:
        raise ListFileError(LIST_CODE, file, f"entity {uid} holds {count:,} elements, over the cap of "
                                             f"{limits.max_entity_elements:,}: not an OFAC export")
    if uid in seen:
        raise ListFileError(LIST_CODE, file, f"entity {uid} appears twice")
    seen.add(uid)
    for membership in entity.iterfind("{*}sanctionsLists/{*}sanctionsList"):
        if (membership.text or "").strip() != SDN_LIST:
            continue
        published = _iso_date(membership.get("datePublished"), file, f"entity {uid}: SDN List datePublished")
        if uid not in listed or published < listed[uid]:
            listed[uid] = published
    return count


def _element_count(entity: etree._Element) -> int:
    """Counted by libxml2 in one XPath call: 3% of the parse time, a third of what a Python loop costs."""
    counted = entity.xpath("count(descendant::*)")
    return int(counted) if isinstance(counted, float) else 0


def _check_totals(entities: int, elements: int, file: str, limits: Limits) -> None:
    if entities > limits.max_entities:
        raise ListFileError(LIST_CODE, file, f"more than {limits.max_entities:,} entities: not an OFAC export")
    if elements > limits.max_elements:
        raise ListFileError(LIST_CODE, file, f"more than {limits.max_elements:,} elements: not an OFAC export")


def _data_as_of(info: etree._Element, file: str) -> date | None:
    """`<dataAsOf>2025-01-10T00:00:00</dataAsOf>`: the day the export was made (None when absent)."""
    found = info.find("{*}dataAsOf")
    if found is None or not (found.text or "").strip():
        return None
    text = (found.text or "").strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ListFileError(LIST_CODE, file, f"dataAsOf {text[:40]!r} is not a date") from None


def _iso_date(text: str | None, file: str, what: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise ListFileError(LIST_CODE, file, f"{what} {(text or '')[:40]!r} is not a YYYY-MM-DD date") from None


def _drop(element: etree._Element) -> None:
    """Free an element once read, with the siblings already read before it, so memory stays flat."""
    element.clear()
    parent = element.getparent()
    if parent is None:
        return
    while element.getprevious() is not None:
        del parent[0]
