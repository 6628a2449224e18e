"""Escaping and layout shared by the CSV, Markdown and HTML renderers.

- CSV opens cleanly in a spreadsheet: RFC 4180 quoting, UTF-8 (optionally with a byte-order mark so Excel
  detects it), and every cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a
  carriage return) prefixed with a single quote.
- Markdown cells escape the characters that would break a pipe table or turn text into markup.
- HTML escapes every value; the page is self-contained (inline CSS, no scripts, no external resources).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- CSV -------------------------------------------------------------------------------------------------


_PLAIN_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formula injection (OWASP): a leading quote makes the cell plain text. A plain
    number (a lag of -12 days) is no formula and stays a number."""
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, str]], *, bom: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: csv_safe(str(row.get(column, ""))) for column in columns})
    return (BOM if bom else "") + buffer.getvalue()


# --- Markdown --------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")


def md_text(value: object) -> str:
    """Text safe inside a Markdown paragraph or table cell: one line, markup characters escaped."""
    text = " ".join(str(value).split())  # newlines and tabs would end a table row
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_ENTITY.sub(r"\\&", text)


def md_table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, right: Iterable[int] = ()) -> list[str]:
    """A GitHub-flavoured pipe table, one line per row; `right` are the indices of right-aligned columns."""
    aligned = set(right)
    lines = ["| " + " | ".join(md_text(h) for h in headers) + " |",
             "|" + "|".join("---:" if i in aligned else "---" for i in range(len(headers))) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(md_text(cell) for cell in row) + " |")
    return lines
