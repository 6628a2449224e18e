"""The output environment a report is rendered for, decided once and passed in (so tests can inject it).

Colour and box-drawing only for a terminal that wants them: not when stdout is a pipe or a file, not with
`NO_COLOR` set (https://no-color.org), not with `TERM=dumb`. Everything else (JSON, CSV, Markdown, HTML) is
the same whatever the terminal.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

from rich import box
from rich.console import Console

PLAIN_WIDTH = 140  # tables written to a pipe or a file: wide enough not to fold most rows
TTY_FALLBACK_WIDTH = 100


@dataclass(frozen=True)
class Terminal:
    is_tty: bool = False
    color: bool = False  # ANSI colour allowed (implies is_tty)
    width: int = PLAIN_WIDTH
    unicode: bool = True  # the stream can encode characters such as "—"

    @classmethod
    def plain(cls, width: int = PLAIN_WIDTH) -> Terminal:
        """A file or a pipe: no colour, no box-drawing."""
        return cls(False, False, width, True)

    @classmethod
    def detect(cls, stream: TextIO, *, to_file: bool = False, env: Mapping[str, str] | None = None) -> Terminal:
        """Describe `stream` (usually sys.stdout); `to_file` when the report goes to --output instead."""
        env = os.environ if env is None else env
        try:
            is_tty = not to_file and stream.isatty()
        except (AttributeError, ValueError, OSError):  # a closed or unusual stream
            is_tty = False
        color = is_tty and not env.get("NO_COLOR") and env.get("TERM", "") != "dumb"
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
        unicode = to_file or encoding.startswith("utf")
        columns = env.get("COLUMNS", "")
        if columns.isdigit() and int(columns) > 20:
            width = int(columns)
        elif is_tty:
            width = shutil.get_terminal_size((TTY_FALLBACK_WIDTH, 24)).columns
        else:
            width = PLAIN_WIDTH
        return cls(is_tty, color, width, unicode)

    @property
    def fancy(self) -> bool:
        """Colour and box-drawing characters: only on a colour terminal that can encode them."""
        return self.is_tty and self.color and self.unicode

    @property
    def box(self) -> box.Box:
        return box.HEAVY_HEAD if self.fancy else box.ASCII

    @property
    def gap_mark(self) -> str:
        return "—" if self.is_tty and self.unicode else "-"

    def console(self, file: TextIO | None = None) -> Console:
        """A rich console writing to `file` (default: a buffer) as this terminal allows."""
        return Console(
            file=file if file is not None else io.StringIO(),
            width=self.width,
            force_terminal=self.fancy,
            no_color=not self.fancy,
            color_system="auto" if self.fancy else None,
            highlight=False,
            markup=False,
            emoji=False,
            legacy_windows=False,
            soft_wrap=False,
            force_jupyter=False,
            force_interactive=False,
            safe_box=not self.unicode,
        )


class Rendered(str):
    """Text already laid out for the terminal (e.g. by `grid.render_grid`): `capture` writes it as is."""


def capture(terminal: Terminal, *renderables: object) -> str:
    """Render rich objects (plain strings are printed as text, `Rendered` ones written as they are)."""
    buffer = io.StringIO()
    console = terminal.console(buffer)
    for renderable in renderables:
        if isinstance(renderable, Rendered):
            buffer.write(renderable)
        else:
            console.print(renderable)
    return buffer.getvalue()
