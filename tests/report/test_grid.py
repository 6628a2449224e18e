"""The fast table layout folds cells at spaces, never inside a word, whenever the terminal leaves room."""

from __future__ import annotations

import re

import pytest

from magcheck.report.grid import Column, render_grid, wrap
from magcheck.report.terminal import Terminal
from tests.report.support import lists


def real_rows() -> list[list[str]]:
    """Names and countries of real US Magnitsky targets, as the gaps table shows them."""
    us = lists()["us"]
    rows = []
    for entry in us.entries:
        if "GLOMAG" in entry.programs:
            rows.append([entry.key, entry.name.text, ", ".join(entry.nationalities or entry.countries),
                         ", ".join(entry.programs)])
    return rows


@pytest.mark.parametrize("width", [80, 100, 120])
def test_no_word_is_cut_at_common_terminal_widths(width: int) -> None:
    rows = real_rows()
    assert len(rows) > 500 and any("Zimbabwe" in row[2] for row in rows)
    columns = [Column("id", no_wrap=True), Column("name", min_width=20), Column("country", min_width=10,
                                                                               max_width=22),
               Column("programmes", max_width=24)]
    text = render_grid(columns, rows, Terminal(False, False, width, True))
    assert max(len(line) for line in text.splitlines()) <= width
    cells = re.findall(r"\| ([^|]*?) +(?=\|)", text)
    words = {word for row in rows for cell in row for word in cell.split()}
    # every fragment printed in a cell is made of whole words of the data
    fragments = {word for cell in cells for word in cell.split()}
    assert fragments - words - {"id", "name", "country", "programmes"} == set()


def test_a_word_longer_than_the_column_is_cut_only_when_it_must_be() -> None:
    assert wrap("Zimbabwe Republic", 8) == ["Zimbabwe", "Republic"]
    assert wrap("Abcdefghijklmnopqrstuvwxyz", 10) == ["Abcdefghij", "klmnopqrst", "uvwxyz"]
