"""A fast fixed-width table for the long tables (one row per gap, one row per matrix target).

rich lays a table out cell by cell, about 40 µs a cell: fine for the lists and the summary, but 10 s for the
25,000 rows of `gaps --scope all`. This draws the same look (rich's own box characters, folded cells, bold
headers) in a single pass, measuring text in terminal cells so wide characters stay aligned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size

from magcheck.report.terminal import Terminal

SGR = {"bold": "1", "dim": "2", "red": "31", "bold red": "1;31", "green": "32", "yellow": "33"}
CellStyle = Callable[[int, int, str], str | None]  # (row index, column index, text) -> style name


@dataclass(frozen=True)
class Column:
    header: str
    justify: str = "left"  # or "right"
    max_width: int | None = None
    min_width: int = 6  # folded no narrower than this (or its widest text) while the others can fold
    no_wrap: bool = False  # never folded (short codes: row numbers, ids, types)
    hard_min: int = 6  # on a terminal too narrow for every min_width, folded down to this at most


def _split_cells(word: str, width: int) -> list[str]:
    """Cut a word longer than `width` cells into pieces of at most `width` cells."""
    pieces, piece, used = [], "", 0
    for char in word:
        size = get_character_cell_size(char)
        if used + size > width and piece:
            pieces.append(piece)
            piece, used = "", 0
        piece += char
        used += size
    pieces.append(piece)
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """Fold `text` at spaces into lines of at most `width` cells (long words are cut)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if cell_len(paragraph) <= width:
            lines.append(paragraph)
            continue
        line = ""
        for word in paragraph.split():
            if cell_len(word) > width:
                if line:
                    lines.append(line)
                *full, word = _split_cells(word, width)
                lines.extend(full)
                line = ""
            candidate = f"{line} {word}" if line else word
            if cell_len(candidate) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


LONGEST_WORD_KEPT = 24  # a word longer than this (a long id, a URL) may be cut where room is short


def _longest_word(texts: Sequence[str]) -> int:
    return max((cell_len(word) for text in texts for word in text.split()), default=1)


def _widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], available: int) -> list[int]:
    natural = []
    minimum = []
    for index, column in enumerate(columns):
        if column.no_wrap:
            column_texts = [column.header, *(row[index] for row in rows)]
            widest = max(max(cell_len(line) for line in text.split("\n")) for text in column_texts)
            natural.append(widest)
            minimum.append(widest)
            continue
        texts = [column.header, *(row[index] for row in rows)]
        widest = max(cell_len(line) for text in texts for line in text.split("\n"))
        widest = max(widest, 1)
        if column.max_width:
            widest = min(widest, column.max_width)
        natural.append(widest)
        # folded at spaces only: never narrower than its longest word (`Zimbabwe` is not `Zimbabw/e`)
        minimum.append(min(widest, max(column.min_width, min(_longest_word(texts), LONGEST_WORD_KEPT))))
    widths = list(natural)
    excess = sum(widths) - available
    slack = [w - m for w, m in zip(widths, minimum, strict=True)]
    if excess > 0 and sum(slack) > 0:
        # each column gives up room in proportion to how far it can fold: wide columns fold most
        share = min(1.0, excess / sum(slack))
        widths = [w - int(s * share) for w, s in zip(widths, slack, strict=True)]
        while sum(widths) > available and any(w > m for w, m in zip(widths, minimum, strict=True)):
            widest = max((i for i, w in enumerate(widths) if w > minimum[i]), key=lambda i: widths[i] - minimum[i])
            widths[widest] -= 1
    # still too wide (a narrow terminal): fold every column that may, widest first, down to its hard_min
    floor = [natural[i] if column.no_wrap else min(natural[i], column.hard_min) for i, column in enumerate(columns)]
    while sum(widths) > available and any(w > f for w, f in zip(widths, floor, strict=True)):
        widest = max((i for i, w in enumerate(widths) if w > floor[i]), key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _styled(text: str, style: str | None, fancy: bool) -> str:
    if not fancy or not style or not text:
        return text
    return f"\x1b[{SGR[style]}m{text}\x1b[0m"


def render_grid(columns: Sequence[Column], rows: Sequence[Sequence[str]], terminal: Terminal, *,
                cell_style: CellStyle | None = None) -> str:
    """The table as text lines (each ending with a newline), within `terminal.width` where it can be."""
    box = terminal.box
    fancy = terminal.fancy
    widths = _widths(columns, rows, terminal.width - 3 * len(columns) - 1)
    padded = [w + 2 for w in widths]
    out = [box.get_top(padded)]

    def emit(cells: Sequence[str], left: str, middle: str, right: str, styles: Sequence[str | None]) -> None:
        folded = [wrap(cell, width) for cell, width in zip(cells, widths, strict=True)]
        for line_index in range(max(len(lines) for lines in folded)):
            parts = []
            for lines, width, column, style in zip(folded, widths, columns, styles, strict=True):
                text = lines[line_index] if line_index < len(lines) else ""
                gap = " " * (width - cell_len(text))
                text = _styled(text, style, fancy)
                parts.append(f" {gap}{text} " if column.justify == "right" else f" {text}{gap} ")
            out.append(left + middle.join(parts) + right)

    emit([c.header for c in columns], box.head_left, box.head_vertical, box.head_right, ["bold"] * len(columns))
    out.append(box.get_row(padded, "head"))
    for row_index, row in enumerate(rows):
        styles = [cell_style(row_index, i, cell) if cell_style else None for i, cell in enumerate(row)]
        emit(row, box.mid_left, box.mid_vertical, box.mid_right, styles)
    out.append(box.get_bottom(padded))
    return "\n".join(out) + "\n"
