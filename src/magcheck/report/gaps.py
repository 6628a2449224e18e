"""Render the `gaps` report: a terminal table, the documented JSON, CSV, Markdown or a self-contained HTML page.

Every format carries the same facts: each list's date and origin (with a loud note for the bundled snapshot
or a list older than a week), the notes a reader needs for the figures (the UN rule, the measures rule, what
the listing dates mean), then per government checked the targets it has not sanctioned (by default the oldest
gap first), each with the reference listing date, the gap's age and the best near-miss to review, and a
summary with each government's lag behind the reference and how many of its gaps are older than one and five
years. Every figure comes from the report's cells (`gaps.Cell`), computed once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from magcheck import jsontext
from magcheck.errors import UsageError
from magcheck.gaps import GapReport, Target, as_of
from magcheck.model import SanctionsList
from magcheck.report import data
from magcheck.report.formats import csv_text, md_table, md_text
from magcheck.report.grid import Column, render_grid
from magcheck.report.lists import date_label
from magcheck.report.terminal import Rendered, Terminal, capture

if TYPE_CHECKING:
    from magcheck.history import Changes

GAPS_FORMATS = ("table", "json", "csv", "markdown", "html")


def render_gaps(report: GapReport, fmt: str, *, terminal: Terminal | None = None, changes: Changes | None = None,
                csv_bom: bool = False, limit: int | None = None) -> str:
    """The report as text in `fmt` (one of GAPS_FORMATS), ending with a newline.

    `terminal` matters only for "table" (default: plain, as for a file); `changes` (from `--changes`) adds the
    gaps opened and closed since the previous run; `csv_bom` starts the CSV with a UTF-8 byte-order mark;
    `limit` keeps at most that many rows per government in the table and Markdown (the data formats stay whole).
    """
    terminal = terminal or Terminal.plain()
    if fmt == "table":
        return gaps_table(report, terminal, changes, limit)
    if fmt == "json":
        return to_json(data.gaps_document(report, changes))
    if fmt == "csv":
        return csv_text(data.GAP_COLUMNS, data.gap_rows(report, changes), bom=csv_bom)
    if fmt == "markdown":
        return gaps_markdown(report, changes, limit)
    if fmt == "html":
        from magcheck.report.html import render_gaps_html  # here: html imports lookup, which imports this module

        return render_gaps_html(report, changes)
    raise UsageError(f"unknown format {fmt!r} (expected one of {', '.join(GAPS_FORMATS)})")


def to_json(document: object) -> str:
    """Pretty-printed UTF-8 JSON in the documents' own (stable) key order (`jsontext`: orjson, the standard
    library's text)."""
    return jsontext.dumps(document, indent=2) + "\n"


# --- shared content ----------------------------------------------------------------------------------------


LIST_HEADERS = ("list", "title", "date", "entries", "source")
NEAR_MISS_HEADER = "near miss to review (score)"
GAP_AGE_HEADER = "gap age"
NOT_COUNTED_SHOWN = 10  # listings --measures did not count, named under a government's heading
GAP_MIN_WIDTHS = {"name": 20, "country": 10, NEAR_MISS_HEADER: 24}  # folded no narrower while others can fold
GAP_NO_WRAP = {"#", "id", "type", "listed", "age"}  # by the header's last word
GAP_MAX_WIDTHS = {"country": 22, "programmes": 24}  # by the header's last word


def list_rows(report_lists: Mapping[str, SanctionsList]) -> list[list[str]]:
    """One row per list: code, title, date (honest about its source), entries, where it was read from."""
    return [[code.upper(), lst.title, date_label(lst), f"{len(lst.entries):,}", data.origin_text(lst)]
            for code, lst in report_lists.items()]


def warnings(report_lists: Mapping[str, SanctionsList], generated: datetime) -> list[str]:
    return [note for lst in report_lists.values() for note in data.list_warnings(lst, generated)]


def gap_headers(report: GapReport, with_listed: bool) -> list[str]:
    ref = report.scope.reference.upper()
    headers = ["#", "id", "name", "type", "country", f"{ref} programmes"]
    if with_listed:
        headers += [data.listed_label(report.scope.reference), GAP_AGE_HEADER]
    headers.append(NEAR_MISS_HEADER)
    return headers


def gap_column(header: str) -> Column:
    last = header.split()[-1]
    return Column(header, justify="right" if header in ("#", GAP_AGE_HEADER) else "left",
                  no_wrap=last in GAP_NO_WRAP, max_width=GAP_MAX_WIDTHS.get(last),
                  min_width=GAP_MIN_WIDTHS.get(header, 8), hard_min=16 if header == "name" else 6)


def gap_cells(index: int, target: Target, code: str, with_listed: bool) -> list[str]:
    entry = target.entry
    cells = [str(index), entry.key, entry.name.text, entry.type.value, data.nationality(entry),
             ", ".join(entry.programs)]
    if with_listed:
        cells += [data.iso(entry.listed) or "", data.days_text(target.cell(code).gap_age_days)]
    cells.append(data.near_miss_text(target.coverage[code], code))
    return cells


def has_listed(targets: list[Target]) -> bool:
    """Show the reference listing date and the gap age only when the reference list gives dates (SDN.CSV alone
    does not; with OFAC's enhanced export it does)."""
    return any(t.entry.listed for t in targets)


def government_lines(report: GapReport, code: str) -> list[str]:
    """Under a government's heading: its list and date, then how many covers come only through the UN listing
    and how many of its listings --measures did not count."""
    lst = report.lists[code]
    until = data.iso(as_of(lst))
    lines = [f"{code.upper()} list: {lst.title}, {date_label(lst)}"
             + (f"; gap ages count to {until}" if until else "; no list date, so no gap ages")]
    if code in report.un_rule.lists and report.un_rule.applied:
        lines.append(f"{len(report.covered_via_un(code))} targets covered only through their UN listing "
                     f"(not gaps: {code.upper()} implements UN listings under its UN Act regulations)")
    left_out = report.not_counted(code)
    for target in left_out[:NOT_COUNTED_SHOWN]:
        lines.append(f"not counted as covered: {target.entry.name.text} ({target.entry.key}): "
                     f"{data.not_counted_text(target.cell(code), code)}")
    if len(left_out) > NOT_COUNTED_SHOWN:
        lines.append(f"... and {len(left_out) - NOT_COUNTED_SHOWN} more not counted (the JSON and CSV list them all)")
    return lines


def un_cover_headers(code: str) -> list[str]:
    return ["#", "id", "name", "type", "country", f"{code.upper()} cover"]


def un_cover_cells(index: int, target: Target, code: str) -> list[str]:
    """A target covered only through the UN listing: `UN QDi.028 (UN listed 2001-10-17)`."""
    entry, cell = target.entry, target.cell(code)
    un = cell.un_listing.entry if cell.un_listing is not None else None
    listed = f" (UN listed {un.listed.isoformat()})" if un is not None and un.listed else ""
    return [str(index), entry.key, entry.name.text, entry.type.value, data.nationality(entry),
            data.cell_mark(cell) + listed]


def un_cover_heading(report: GapReport, code: str) -> str:
    return f"Covered by {code.upper()} only through the UN listing: {len(report.covered_via_un(code))}"


def government_heading(report: GapReport, code: str) -> str:
    gaps = len(report.gaps(code))
    total = len(report.targets)
    reference = report.scope.reference.upper()
    return f"Not sanctioned by {code.upper()}: {gaps} of {total} {reference} targets ({total - gaps} covered)"


def government_note(report: GapReport, code: str) -> str:
    return government_lines(report, code)[0]


def subtitle(report: GapReport) -> str:
    return (f"generated {report.generated.strftime('%Y-%m-%d %H:%M %Z').strip()}; reference "
            f"{report.scope.reference.upper()}, checked {', '.join(c.upper() for c in report.scope.against)}; "
            f"{report.scope.describe()}")


# --- table ------------------------------------------------------------------------------------------------


def loud(terminal: Terminal, note: str) -> Text:
    if terminal.fancy:
        return Text.assemble((" WARNING ", "bold white on red"), " ", (note, "bold red"))
    return Text(f"WARNING: {note}")


def heading(text: str) -> Text:
    return Text(text, style="bold")


COMPACT_LIST_HEADERS = ("list", "date", "entries", "source")


def lists_table(report_lists: Mapping[str, SanctionsList], terminal: Terminal) -> Table:
    """One short row per list (its full title heads its government's table below)."""
    table = Table(box=terminal.box, title="Lists", title_justify="left", title_style="bold")
    for header in COMPACT_LIST_HEADERS:
        table.add_column(header, justify="right" if header == "entries" else "left", overflow="fold")
    for code, _title, date, entries, origin in list_rows(report_lists):
        table.add_row(code, date, entries, origin)
    return table


SUMMARY_HEADERS = ("government", "not sanctioned", "covered", "near-miss", "via UN", "median lag", "longest lag",
                   "gaps > 1 y", "gaps > 5 y", "oldest gap")


def summary_rows(report: GapReport) -> list[list[str]]:
    """One row per government checked: its gaps, covers and dates, the figures of the summary at a glance."""
    total = len(report.targets)
    rows = []
    for code in report.scope.against:
        gaps = report.gaps(code)
        timing = report.timing(code)
        review = sum(1 for t in gaps if t.coverage[code].review)
        rows.append([code.upper(), f"{len(gaps):,} of {total:,}", f"{total - len(gaps):,}", f"{review:,}",
                     f"{len(report.covered_via_un(code)):,}" if code in report.un_rule.lists else "",
                     data.median_text(timing.median_lag) if timing.median_lag is not None else "",
                     data.days_text(timing.longest_lag, signed=True) if timing.longest_lag is not None else "",
                     f"{timing.older_than(1):,}" if timing.ages else "",
                     f"{timing.older_than(5):,}" if timing.ages else "",
                     data.days_text(timing.oldest_gap) if timing.oldest_gap is not None else ""])
    return rows


def summary_footer(report: GapReport) -> str:
    summary = report.summary
    return (f"{len(report.targets):,} {report.scope.reference.upper()} targets in scope; covered by all: "
            f"{summary['covered_by_all']:,}; by none: {summary['missing_from_all']:,}")


def warnings_in_brief(report_lists: Mapping[str, SanctionsList], generated: datetime) -> str | None:
    """The warnings counted in one line for the top of the report (in full at its end)."""
    noted = [code.upper() for code, lst in report_lists.items() if data.list_warnings(lst, generated)]
    if not noted:
        return None
    bundled = [code.upper() for code, lst in report_lists.items() if data.is_bundled(lst)]
    what = (f"{', '.join(bundled)} {'is' if len(bundled) == 1 else 'are'} the BUNDLED SNAPSHOT, not the current "
            "list" if bundled else f"{', '.join(noted)} may be out of date")
    return f"{what}: see the warnings at the end"


def summary_grid(report: GapReport, terminal: Terminal) -> Rendered:
    columns = [Column(header, justify="left" if header == "government" else "right", no_wrap=True)
               for header in SUMMARY_HEADERS]
    rows = summary_rows(report)
    keep = [i for i in range(len(columns)) if i < 4 or any(row[i] for row in rows)]  # drop empty columns
    return Rendered(render_grid([columns[i] for i in keep], [[row[i] for i in keep] for row in rows], terminal))


def gap_table_part(report: GapReport, code: str, terminal: Terminal, limit: int | None) -> list[object]:
    targets = report.gaps(code)
    if not targets:
        return [Text(f"{code.upper()} has sanctioned every target in scope.")]
    shown = targets if limit is None else targets[:limit]
    with_listed = has_listed(targets)
    columns = [gap_column(header) for header in gap_headers(report, with_listed)]
    rows = [gap_cells(index, target, code, with_listed) for index, target in enumerate(shown, 1)]
    near_miss = len(columns) - 1
    style = lambda _r, c, _t, last=near_miss: "yellow" if c == last else None  # noqa: E731
    parts: list[object] = [Rendered(render_grid(columns, rows, terminal, cell_style=style))]
    if len(shown) < len(targets):
        parts.append(Text(more_rows_text(len(targets) - len(shown)), style="dim"))
    return parts


def more_rows_text(hidden: int) -> str:
    return f"... and {hidden:,} more not shown (--limit); --format csv or json holds them all"


def gaps_table(report: GapReport, terminal: Terminal, changes: Changes | None, limit: int | None = None) -> str:
    """Read on a terminal from the top: the lists and their dates and the summary first (the first screen),
    then each government's gaps, and the warnings and notes last (counted at the top)."""
    notes = warnings(report.lists, report.generated)
    brief = warnings_in_brief(report.lists, report.generated)
    parts: list[object] = [
        heading(data.report_title(report.scope.reference, report.scope.against)),
        Text(subtitle(report), style="dim"),
        lists_table(report.lists, terminal),
        *(Text(f"  {code.upper()}  {lst.title}", style="dim") for code, lst in report.lists.items()),
        heading("Summary"),
        summary_grid(report, terminal),
        Text(summary_footer(report)),
    ]
    if brief is not None:
        parts.append(loud(terminal, brief))
    for code in report.scope.against:
        parts += [Text(""), heading(government_heading(report, code))]
        parts += [Text(line, style="dim") for line in government_lines(report, code)]
        parts += gap_table_part(report, code, terminal, limit)
        via_un = report.covered_via_un(code)
        if via_un:
            parts += [Text(""), heading(un_cover_heading(report, code))]
            parts.append(Rendered(render_grid([gap_column(h) for h in un_cover_headers(code)],
                                              [un_cover_cells(i, t, code) for i, t in enumerate(via_un, 1)],
                                              terminal)))
    if changes is not None:
        parts += [Text(""), changes_group(changes, report.scope.reference)]
    parts += [Text(""), summary_table(report, terminal)]
    parts += [Text(f"Note: {note}") for note in data.report_notes(report)]
    parts += [loud(terminal, note) for note in notes]
    return capture(terminal, *parts)


def summary_table(report: GapReport, terminal: Terminal) -> Table:
    table = Table(box=terminal.box, title="Summary in full", title_justify="left", title_style="bold",
                  show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in data.summary_lines(report):
        table.add_row(label, value)
    return table


def changes_group(changes: Changes, reference: str) -> Group:
    lines: list[Text] = [heading(data.changes_heading(changes))]
    if changes.since is not None:
        for title, items in data.change_lines(changes, reference):
            lines.append(Text(f"{title}: {len(items)}"))
            lines += [Text(f"  {item}") for item in items]
    return Group(*lines)


# --- Markdown ---------------------------------------------------------------------------------------------


def lists_markdown(report_lists: Mapping[str, SanctionsList], generated: datetime) -> list[str]:
    lines = ["## Lists", "", *md_table(LIST_HEADERS, list_rows(report_lists), right=(3,)), ""]
    for note in warnings(report_lists, generated):
        lines += [f"> **WARNING:** {md_text(note)}", ""]
    return lines


def gaps_markdown(report: GapReport, changes: Changes | None, limit: int | None = None) -> str:
    lines = [f"# {md_text(data.report_title(report.scope.reference, report.scope.against))}", "",
             md_text(subtitle(report)), ""]
    lines += lists_markdown(report.lists, report.generated)
    for note in data.report_notes(report):
        lines += [f"> **Note:** {md_text(note)}", ""]
    lines += ["## Summary", "", *md_table(("", "count"), data.summary_lines(report), right=(1,)), ""]
    for code in report.scope.against:
        targets = report.gaps(code)
        lines += [f"## {md_text(government_heading(report, code))}", ""]
        lines += [line for text in government_lines(report, code) for line in (md_text(text), "")]
        if not targets:
            lines += [f"{code.upper()} has sanctioned every target in scope.", ""]
        else:
            shown = targets if limit is None else targets[:limit]
            with_listed = has_listed(targets)
            lines += md_table(gap_headers(report, with_listed),
                              (gap_cells(i, t, code, with_listed) for i, t in enumerate(shown, 1)), right=(0,))
            lines.append("")
            if len(shown) < len(targets):
                lines += [md_text(more_rows_text(len(targets) - len(shown))), ""]
        via_un = report.covered_via_un(code)
        if via_un:
            lines += [f"### {md_text(un_cover_heading(report, code))}", ""]
            lines += md_table(un_cover_headers(code), (un_cover_cells(i, t, code) for i, t in enumerate(via_un, 1)),
                              right=(0,))
            lines.append("")
    if changes is not None:
        lines += [f"## {md_text(data.changes_heading(changes))}", ""]
        if changes.since is not None:
            for title, items in data.change_lines(changes, report.scope.reference):
                lines += [f"**{md_text(title)}: {len(items)}**", ""]
                lines += [f"- {md_text(item)}" for item in items]
                lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
