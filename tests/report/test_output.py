"""Writing a report atomically, and detecting the output environment (no data needed)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from rich.cells import cell_len

from magcheck.errors import ExitStatus, MagcheckError
from magcheck.report import OutputError, Terminal, write_atomically
from magcheck.report.grid import Column, render_grid, wrap


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# --- write_atomically --------------------------------------------------------------------------------------


def test_writes_new_file_bytes_as_given(tmp_path: Path) -> None:
    target = tmp_path / "gaps.csv"
    text = "\ufeffname,uid\r\n\"CHEN, Quanguo\",29220\r\nЧэнь,1\r\n"
    assert write_atomically(target, text) == target
    assert target.read_bytes() == text.encode("utf-8")  # no newline translation, BOM kept
    assert leftovers(tmp_path) == []
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_replaces_an_existing_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "gaps.md"
    target.write_text("old report\n")
    target.chmod(0o640)
    write_atomically(target, "new report\n")
    assert target.read_text() == "new report\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomically(link, '{"schema": "magcheck.gaps/1"}\n')
    assert link.is_symlink()
    assert real.read_text() == '{"schema": "magcheck.gaps/1"}\n'


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "gaps.md"
    with pytest.raises(OutputError, match=r"directory .*dir does not exist") as caught:
        write_atomically(target, "x")
    assert isinstance(caught.value, MagcheckError)
    assert caught.value.exit_status == ExitStatus.USAGE


def test_a_directory_in_the_way_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        write_atomically(tmp_path, "x")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_directory_leaves_the_old_file(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "gaps.md"
    target.write_text("previous\n")
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot write"):
            write_atomically(target, "new\n")
        assert target.read_text() == "previous\n"
    finally:
        folder.chmod(0o700)
    assert leftovers(folder) == []


def test_failed_replace_removes_the_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "gaps.md"
    target.write_text("previous\n")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match="no space left on device"):
        write_atomically(target, "new\n")
    assert target.read_text() == "previous\n"
    assert leftovers(tmp_path) == []


# --- Terminal ----------------------------------------------------------------------------------------------


class FakeTty(io.StringIO):
    def __init__(self, encoding: str = "utf-8") -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    def isatty(self) -> bool:
        return True


def test_detect_a_pipe_or_file_is_plain() -> None:
    terminal = Terminal.detect(io.StringIO(), env={})
    assert (terminal.is_tty, terminal.color, terminal.fancy) == (False, False, False)
    assert terminal.gap_mark == "-"
    assert not Terminal.detect(FakeTty(), to_file=True, env={}).is_tty


def test_detect_a_colour_terminal() -> None:
    terminal = Terminal.detect(FakeTty(), env={"COLUMNS": "132"})
    assert terminal.is_tty and terminal.color and terminal.fancy
    assert terminal.width == 132
    assert terminal.gap_mark == "—"


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_color_and_dumb_terminals(env: dict[str, str]) -> None:
    terminal = Terminal.detect(FakeTty(), env=env)
    assert terminal.is_tty and not terminal.color and not terminal.fancy
    assert terminal.box.ascii


def test_empty_no_color_does_not_disable_colour() -> None:
    assert Terminal.detect(FakeTty(), env={"NO_COLOR": ""}).color  # per no-color.org


def test_non_unicode_terminal_gets_ascii() -> None:
    terminal = Terminal.detect(FakeTty(encoding="cp1252"), env={})
    assert not terminal.unicode and not terminal.fancy and terminal.gap_mark == "-"


def test_plain_console_emits_no_escapes() -> None:
    buffer = io.StringIO()
    console = Terminal.plain().console(buffer)
    console.print("[bold]not markup[/bold]", style="bold red")
    assert buffer.getvalue() == "[bold]not markup[/bold]\n"


# --- the fast grid used for the long tables ----------------------------------------------------------------


def test_grid_fits_the_width_and_folds_cells() -> None:
    columns = [Column("#", justify="right", min_width=1), Column("name", min_width=8), Column("note", max_width=12)]
    rows = [["1", "XINJIANG PRODUCTION AND CONSTRUCTION CORPS", "a rather long remark here"],
            ["22", "Чэнь Цюаньго 陈全国", ""]]
    text = render_grid(columns, rows, Terminal.plain(width=40))
    lines = text.splitlines()
    assert all(cell_len(line) == cell_len(lines[0]) <= 40 for line in lines)  # wide characters counted as 2
    assert lines[0].startswith("+") and lines[2].startswith("|--")
    assert "|  1 | XINJIANG" in text and "CORPS" in text and "陈全国" in text
    body = "".join(line.split("|")[2] for line in lines[3:-1])
    assert " ".join(body.split()) == "XINJIANG PRODUCTION AND CONSTRUCTION CORPS Чэнь Цюаньго 陈全国"


def test_grid_cuts_words_longer_than_a_column() -> None:
    assert wrap("ABCDEFGHIJ KL", 4) == ["ABCD", "EFGH", "IJ", "KL"]
    assert wrap("short", 10) == ["short"]
    assert wrap("two\nlines", 10) == ["two", "lines"]


def test_grid_styles_only_on_a_colour_terminal() -> None:
    columns = [Column("a"), Column("b")]
    rows = [["x", "-"]]
    style = lambda _r, c, _t: "bold red" if c == 1 else None  # noqa: E731
    plain = render_grid(columns, rows, Terminal.plain(), cell_style=style)
    fancy = render_grid(columns, rows, Terminal(is_tty=True, color=True, width=80), cell_style=style)
    assert "\x1b[" not in plain and "+" in plain
    assert "\x1b[1;31m-\x1b[0m" in fancy and "┃" in fancy
