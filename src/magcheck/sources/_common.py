"""Helpers shared by the source parsers: safe file reading, safe XML, validation, dates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from lxml import etree

from magcheck.errors import ListFileError
from magcheck.model import PartialDate

_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)


def read_checked(list_code: str, path: Path) -> bytes:
    """Read a list file whole, refusing missing, empty or HTML files (error pages served as 200)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ListFileError(list_code, path.name, "file not found") from None
    except OSError as exc:
        raise ListFileError(list_code, path.name, f"cannot read ({exc.strerror or exc})") from None
    check_not_empty_or_html(list_code, path.name, data)
    return data


def check_not_empty_or_html(list_code: str, file: str, data: bytes) -> None:
    if not data.strip(b" \t\r\n\x1a\x00\xef\xbb\xbf"):
        raise ListFileError(list_code, file, "file is empty")
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(head):
        raise ListFileError(list_code, file, "is an HTML page, not the list (an error or login page?)")


# The real files hold far fewer: the 2025 UK XML has about 207,000 elements, Canada's 40,000. A few dozen MB of
# empty elements would take gigabytes once parsed into a tree: such a file is refused before parsing.
MAX_XML_TAGS = 4_000_000


def _safe_parser(*, remove_blank_text: bool = False) -> etree.XMLParser:
    """No entity expansion, no DTD or network access: list files come from the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_blank_text=remove_blank_text)


def check_xml_size(list_code: str, file: str, data: bytes) -> None:
    """Refuse a document with more tags than any real list has (counted on the bytes: fast, no parse)."""
    tags = data.count(b"<")
    if tags > 2 * MAX_XML_TAGS:
        raise ListFileError(list_code, file, f"{tags // 2:,} elements or more, far more than any real list "
                                             f"(at most {MAX_XML_TAGS:,} accepted): refused unparsed")


def parse_xml(list_code: str, file: str, data: bytes, root_tag: str, *,
              root_matches: Callable[[str], bool] | None = None) -> etree._Element:
    """Parse a whole XML document safely and check its root element.

    The root's local name must be `root_tag`, or, when given, satisfy `root_matches` (for a root whose name
    varies, such as Canada's bilingual `data-set-...`); errors name `root_tag` as the expected root.
    """
    check_xml_size(list_code, file, data)
    try:
        root = etree.fromstring(data, parser=_safe_parser(remove_blank_text=True))
    except etree.XMLSyntaxError as exc:
        raise ListFileError(list_code, file, f"truncated or malformed XML ({exc.msg})") from None
    if root is None:
        raise ListFileError(list_code, file, "no XML document found")
    tag = etree.QName(root).localname
    matches = tag == root_tag if root_matches is None else root_matches(tag)
    if not matches:
        raise ListFileError(list_code, file, f"unexpected XML root <{tag}>, expected <{root_tag}> (schema changed?)")
    return root


def iter_children(root: etree._Element) -> Iterator[etree._Element]:
    """Element children only (skips comments and processing instructions)."""
    for child in root:
        if isinstance(child.tag, str):
            yield child


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def decode_text(list_code: str, file: str, data: bytes, encodings: tuple[str, ...]) -> str:
    """Decode with the first encoding that fits; a BOM, when present, wins."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ListFileError(list_code, file, f"cannot decode text as {' or '.join(encodings)}")


def clean(text: str | None) -> str | None:
    """Collapse whitespace; empty becomes None."""
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def month_number(name: str) -> int | None:
    return _MONTHS.get(name[:3].lower())


def partial_date(year: int, month: int | None = None, day: int | None = None) -> PartialDate | None:
    """A PartialDate, or None when the parts cannot be a real date."""
    if not 1800 <= year <= 2100:
        return None
    if month is None:
        return PartialDate(year)
    if not 1 <= month <= 12:
        return None
    if day is None:
        return PartialDate(year, month)
    try:
        date(year, month, day)
    except ValueError:
        return None
    return PartialDate(year, month, day)


_DMY = re.compile(r"^(\d{1,2}|dd|00)/(\d{1,2}|mm|00)/(\d{4})$", re.IGNORECASE)


def parse_dmy(text: str) -> PartialDate | None:
    """`dd/mm/yyyy` where unknown parts are written `dd`/`mm` (FCDO) or `00` (OFSI): `dd/01/1958`."""
    m = _DMY.match(text.strip())
    if not m:
        return None
    day_s, month_s, year_s = m.groups()
    month = int(month_s) if month_s.isdigit() and int(month_s) else None
    day = int(day_s) if day_s.isdigit() and int(day_s) and month else None
    return partial_date(int(year_s), month, day)


def parse_dmy_date(text: str | None) -> date | None:
    """A full `dd/mm/yyyy` date (listing dates, publication dates), None otherwise."""
    if not text:
        return None
    parsed = parse_dmy(text)
    if parsed is None or parsed.day is None or parsed.month is None:
        return None
    return date(parsed.year, parsed.month, parsed.day)


# --- Added for the UK and Canadian parsers (issue 8: one place for shared parsing helpers) ---------------


def local_tag(tag: object) -> str:
    """An element's tag without its `{namespace}`; "" for comments and processing instructions.

    Takes the raw `element.tag` (not the element), so hot loops over large files pay no QName object.
    """
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")
# Every English word the lists use for a month, lower-case: full names, three-letter abbreviations, "sept".
MONTH_WORDS: dict[str, int] = {
    **{name: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,
}


def month_from_word(word: str) -> int | None:
    """The month a whole month word names ("Sep", "sept.", "September"); None for any other word.

    Stricter than `month_number`, which reads any word by its first three letters ("Marshal" -> 3).
    """
    return MONTH_WORDS.get(word.strip().rstrip(".").lower())


_SEVEN_DIGITS = re.compile(r"\d{7}")
_IMO_TEXT = re.compile(r"(?:IMO\s*(?:No\.?|number)?\s*[:.]?\s*)?(\d{7})", re.IGNORECASE)


def is_imo_number(digits: str) -> bool:
    """IMO check digit: the first six digits weighted 7..2, summed; the last digit of the sum is the 7th."""
    if not _SEVEN_DIGITS.fullmatch(digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(digits[6])


def imo_number(text: str | None) -> str | None:
    """The IMO number a field holds, written `9187629`, `IMO9187629` or `IMO 9187629`, with a valid check
    digit; None for anything else. Never reads digits out of a longer text (a ship's name, a sentence)."""
    m = _IMO_TEXT.fullmatch((text or "").strip())
    return m.group(1) if m and is_imo_number(m.group(1)) else None
