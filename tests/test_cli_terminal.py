"""The command line on a real terminal (a pseudo-terminal): a pager for long reports (never when piped), and
a progress line on stderr while the lists are read and matched (silent off a terminal and with --quiet)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def on_a_terminal(args: list[str], env: dict[str, str], tmp_path: Path) -> tuple[int, str, str]:
    """Run magcheck with stdout and stderr on pseudo-terminals (24 lines), returning what each showed."""
    out_master, out_slave = pty.openpty()
    err_master, err_slave = pty.openpty()
    environ = {**os.environ, "MAGCHECK_STATE_DIR": str(tmp_path / "state"), "LINES": "24", "COLUMNS": "120",
               "TERM": "xterm", **env}
    environ.pop("NO_COLOR", None)
    process = subprocess.Popen([sys.executable, "-m", "magcheck", *args], stdout=out_slave, stderr=err_slave,
                               stdin=subprocess.DEVNULL, env=environ)
    os.close(out_slave)
    os.close(err_slave)
    captured = {out_master: b"", err_master: b""}
    open_fds = set(captured)
    deadline = time.monotonic() + 120
    while open_fds:
        for fd in [fd for fd in open_fds if _readable(fd)]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the other end is closed
                chunk = b""
            if chunk:
                captured[fd] += chunk
            else:
                open_fds.discard(fd)
        if process.poll() is not None and not any(_readable(fd) for fd in open_fds):
            break
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("magcheck did not finish")
    process.wait(10)
    for fd in captured:
        os.close(fd)
    return process.returncode, captured[out_master].decode(errors="replace"), captured[err_master].decode(
        errors="replace")


def _readable(fd: int) -> bool:
    import select

    try:
        return bool(select.select([fd], [], [], 0.05)[0])
    except (OSError, ValueError):
        return False


@pytest.fixture
def data(tmp_path: Path) -> dict[str, str]:
    return {"MAGCHECK_DATA_DIR": str(FIXTURES)}


def test_a_long_report_on_a_terminal_goes_through_the_pager(tmp_path: Path, data: dict[str, str]) -> None:
    paged = tmp_path / "paged.txt"
    code, _, _ = on_a_terminal(["gaps", "--against", "uk,ca"], {**data, "MAGCHECK_PAGER": f"tee {paged}"},
                                 tmp_path)
    assert code in (0, 1)
    assert paged.read_text().startswith("\x1b") or "Sanctions gaps" in paged.read_text()
    assert "Sanctions gaps: targets of US not sanctioned by UK, CA" in paged.read_text()


def test_no_pager_and_an_empty_pager_print_straight_away(tmp_path: Path, data: dict[str, str]) -> None:
    paged = tmp_path / "paged.txt"
    for args, env in ((["--no-pager"], {"MAGCHECK_PAGER": f"tee {paged}"}), ([], {"MAGCHECK_PAGER": ""})):
        _, out, _ = on_a_terminal(["gaps", "--against", "uk,ca", *args], {**data, **env}, tmp_path)
        assert "Sanctions gaps" in out and not paged.exists()


def test_a_pipe_is_never_paged(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    environ = {**os.environ, "MAGCHECK_DATA_DIR": str(FIXTURES), "MAGCHECK_PAGER": f"tee {paged}"}
    done = subprocess.run([sys.executable, "-m", "magcheck", "gaps", "--against", "uk,ca"], capture_output=True,
                          text=True, env=environ, check=False, timeout=120)
    assert "Sanctions gaps" in done.stdout and not paged.exists()


def test_a_progress_line_shows_on_a_terminal_and_not_with_quiet(tmp_path: Path, shared_data: Path) -> None:
    """Reading the full lists takes a second or two: long enough for the spinner line on stderr."""
    env = {"MAGCHECK_DATA_DIR": str(shared_data), "MAGCHECK_PAGER": ""}
    _, _, err = on_a_terminal(["gaps", "--against", "uk,ca"], env, tmp_path)
    assert "reading the lists (US, UK, CA" in err
    _, _, quiet = on_a_terminal(["gaps", "--against", "uk,ca", "--quiet"], env, tmp_path)
    assert "reading the lists" not in quiet
    piped = subprocess.run([sys.executable, "-m", "magcheck", "gaps", "--against", "uk,ca"], capture_output=True,
                           text=True, env={**os.environ, **env}, check=False, timeout=120)
    assert "reading the lists" not in piped.stderr
