"""Render `gaps --matrix`: one row per real-world target, a column per list with its listing date or a gap mark.

A list that gives no listing dates (the OFAC SDN.CSV) shows "listed"; a target a list lacks shows the gap mark
("—" on a terminal, "-" when plain, empty in CSV so that no spreadsheet reads it as a formula).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from magcheck.errors import UsageError
from magcheck.gaps import MatrixReport, MatrixRow
from magcheck.report import data
from magcheck.report.formats import csv_text, md_table, md_text
from magcheck.report.gaps import (
    GAPS_FORMATS,
    heading,
    lists_markdown,
    lists_table,
    loud,
    to_json,
    warnings,
    warnings_in_brief,
)
from magcheck.report.grid import Column, render_grid
from magcheck.report.lists import date_label
from magcheck.report.terminal import Rendered, Terminal, capture

MATRIX_FORMATS = GAPS_FORMATS
GAP_MARK_TEXT = "—"  # in Markdown and HTML


def render_matrix(report: MatrixReport, fmt: str, *, terminal: Terminal | None = None, csv_bom: bool = False) -> str:
    """The matrix as text in `fmt` (one of MATRIX_FORMATS), ending with a newline."""
    terminal = terminal or Terminal.plain()
    if fmt == "table":
        return matrix_table(report, terminal)
    if fmt == "json":
        return to_json(data.matrix_document(report))
    if fmt == "csv":
        return csv_text(data.matrix_columns(list(report.lists)), data.matrix_rows(report), bom=csv_bom)
    if fmt == "markdown":
        return matrix_markdown(report)
    if fmt == "html":
        from magcheck.report.html import render_matrix_html  # here: html imports lookup, which imports gaps

        return render_matrix_html(report)
    raise UsageError(f"unknown format {fmt!r} (expected one of {', '.join(MATRIX_FORMATS)})")


def title(report: MatrixReport) -> str:
    return f"Sanctions matrix: who has listed each target ({', '.join(c.upper() for c in report.lists)})"


def subtitle(report: MatrixReport) -> str:
    return (f"generated {report.generated.strftime('%Y-%m-%d %H:%M %Z').strip()}; {report.scope.describe()}; "
            "each cell: the earliest listing date, \"listed\" when the list gives no dates, or a gap mark")


def column_header(report: MatrixReport, code: str) -> str:
    return f"{code.upper()} ({date_label(report.lists[code])})"


def cell_text(row: MatrixRow, code: str, gap_mark: str) -> str:
    """`2024-12-09 (china-p1-5)`, `listed (29220)` for an undated list, or the gap mark."""
    entries = row.entries.get(code, [])
    label = data.listing_label(entries)
    if label is None:
        return gap_mark
    return f"{label} ({', '.join(e.uid for e in entries)})"


def summary_pairs(report: MatrixReport) -> list[tuple[str, str]]:
    summary = data.matrix_summary(report)
    pairs = [("targets", str(summary["targets"]))]
    pairs += [(f"listed by {code.upper()}", str(count)) for code, count in summary["listed_by"].items()]
    pairs += [("listed by all", str(summary["listed_by_all"])), ("listed by one only", str(summary["listed_by_one"]))]
    return pairs


def matrix_table(report: MatrixReport, terminal: Terminal) -> str:
    codes = list(report.lists)
    parts: list[object] = [heading(title(report)), Text(subtitle(report), style="dim"),
                           lists_table(report.lists, terminal)]
    brief = warnings_in_brief(report.lists, report.generated)
    columns = [Column("#", justify="right", no_wrap=True), Column("target", min_width=20), Column("type", no_wrap=True),
               *(Column(code.upper(), min_width=10) for code in codes)]
    rows = [[str(index), row.label.name.text, row.label.type.value,
             *(cell_text(row, code, terminal.gap_mark) for code in codes)]
            for index, row in enumerate(report.rows, 1)]
    gap_mark = terminal.gap_mark
    table = Rendered(render_grid(columns, rows, terminal,
                                 cell_style=lambda _r, c, text: "bold red" if c >= 3 and text == gap_mark else None))
    summary = Table(box=terminal.box, title="Summary", title_justify="left", title_style="bold", show_header=False)
    summary.add_column("what")
    summary.add_column("count", justify="right")
    for label, value in summary_pairs(report):
        summary.add_row(label, value)
    parts += [summary, *([loud(terminal, brief)] if brief else []), Text(""), table]
    parts += [loud(terminal, note) for note in warnings(report.lists, report.generated)]  # in full, at the end
    return capture(terminal, *parts)


def matrix_headers(report: MatrixReport) -> list[str]:
    return ["#", "target", "type", "nationality / country", *(column_header(report, c) for c in report.lists)]


def matrix_cells(index: int, row: MatrixRow, codes: list[str]) -> list[str]:
    label = row.label
    return [str(index), label.name.text, label.type.value, data.nationality(label),
            *(cell_text(row, code, GAP_MARK_TEXT) for code in codes)]


def matrix_markdown(report: MatrixReport) -> str:
    codes = list(report.lists)
    lines = [f"# {md_text(title(report))}", "", md_text(subtitle(report)), ""]
    lines += lists_markdown(report.lists, report.generated)
    lines += ["## Targets", "", *md_table(matrix_headers(report),
                                          (matrix_cells(i, r, codes) for i, r in enumerate(report.rows, 1)),
                                          right=(0,)), ""]
    lines += ["## Summary", "", *md_table(("", "count"), summary_pairs(report), right=(1,))]
    return "\n".join(lines) + "\n"
