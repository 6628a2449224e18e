"""Render the `lists` overview: which files were read, the date each list states, counts by type."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.box import Box
from rich.console import Console
from rich.table import Table

from magcheck.errors import UsageError
from magcheck.model import SanctionsList
from magcheck.report.terminal import Terminal


def list_summary(lst: SanctionsList) -> dict[str, Any]:
    latest = lst.latest_listing
    return {
        "list": lst.code,
        "title": lst.title,
        "date": lst.date.isoformat() if lst.date else None,
        "date_note": lst.date_note,
        "latest_listing": latest.isoformat() if latest else None,
        "files": list(lst.files),
        "origin": str(lst.origin) if lst.origin is not None else None,
        "entries": len(lst.entries),
        "by_type": lst.count_by_type(),
    }


def date_label(lst: SanctionsList) -> str:
    """The date a human should read, honest about where it comes from."""
    if lst.date:
        text = lst.date.isoformat()
        return f"{text} ({lst.date_note})" if lst.date_note else text
    latest = lst.latest_listing
    return f"not stated (latest listing {latest.isoformat()})" if latest else "not stated"


def render_lists_json(lists: list[SanctionsList]) -> str:
    return json.dumps([list_summary(lst) for lst in lists], indent=2, ensure_ascii=False)


def render_lists(lists: list[SanctionsList], fmt: str, *, terminal: Terminal | None = None) -> str:
    """The `lists` overview as "table" or "json", with the same terminal rules as every other report
    (no colour or box-drawing when not on a terminal or with NO_COLOR)."""
    if fmt == "json":
        return render_lists_json(lists) + "\n"
    if fmt != "table":
        raise UsageError(f"unknown format {fmt!r} (expected table or json)")
    terminal = terminal or Terminal.plain()
    buffer = io.StringIO()
    render_lists_table(lists, terminal.console(buffer), box=terminal.box)
    return buffer.getvalue()


def render_lists_table(lists: list[SanctionsList], console: Console, *, box: Box | None = None) -> None:
    """One compact row per list, its full title underneath the table."""
    table = Table(title="Sanctions lists read", title_justify="left")
    if box is not None:
        table.box = box
    counted = ("individual", "entity", "vessel", "aircraft")
    for column in ("list", "date", "entries", *counted, "files", "source"):
        table.add_column(column, justify="right" if column == "entries" or column in counted else "left")
    for lst in lists:
        counts = lst.count_by_type()
        table.add_row(lst.code, date_label(lst), f"{len(lst.entries):,}", *(f"{counts[t]:,}" for t in counted),
                      ", ".join(lst.files), str(lst.origin) if lst.origin is not None else "")
    console.print(table)
    for lst in lists:
        console.print(f"  {lst.code}  {lst.title}")
