"""Escaping and layout shared by the CSV, Markdown and HTML renderers.

- CSV opens cleanly in a spreadsheet: RFC 4180 quoting, UTF-8 (optionally with a byte-order mark so Excel
  detects it), and every cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a
  carriage return) prefixed with a single quote.
- Markdown cells escape the characters that would break a pipe table or turn text into markup.
- HTML escapes every value; the page is self-contained (inline CSS, no scripts, no external resources).
"""

from __future__ import annotations

import csv
import html
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


# --- HTML ------------------------------------------------------------------------------------------------

HTML_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem; color: #1a1a1a;
       line-height: 1.4; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.gap { color: #b00020; text-align: center; }
.loud { border: 2px solid #b00020; background: #fff0f0; color: #7a0016; padding: 0.5rem 1rem; font-weight: bold; }
.muted { color: #666; }
""".strip()


def h(value: object) -> str:
    return html.escape(str(value), quote=True)


def html_table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, classes: Mapping[int, str] | None = None,
               cell_class: object = None) -> str:
    """A table with every header and cell escaped; `classes` maps column index to a td class, and
    `cell_class(row_index, column_index, value)` may return a class for one cell."""
    classes = dict(classes or {})
    parts = ["<table>", "<thead><tr>" + "".join(f"<th>{h(x)}</th>" for x in headers) + "</tr></thead>", "<tbody>"]
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            css = cell_class(r, c, value) if callable(cell_class) else None
            css = css or classes.get(c)
            attribute = f' class="{h(css)}"' if css else ""
            cells.append(f"<td{attribute}>{h(value)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def html_page(title: str, body: Iterable[str]) -> str:
    """A complete page; `body` is already-escaped HTML."""
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(title)}</title>",
        f"<style>\n{HTML_STYLE}\n</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
        "",
    ])
