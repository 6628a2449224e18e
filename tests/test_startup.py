"""How a process starts and ends. What a command loads before it answers: `--version`, `--help` and a usage error
answer at once (no matcher, no parser, no terminal library), and a run that reads lists (prepared or not) never
loads the HTTP stack. And a run that ends without tearing the interpreter down (`magcheck.__main__`) still hands
over all it printed and its exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
# (lxml is not among them: the source modules, which help texts and key checks list, import it: about 5 ms.)
HEAVY = ("numpy", "scipy", "rapidfuzz", "rich", "python_calamine", "requests", "orjson", "magcheck.matching.align",
         "magcheck.app.commands")

# Runs the command line in a fresh interpreter and prints, at exit, which of `HEAVY` it imported.
PROBE = """
import atexit, json, sys
heavy = json.loads(sys.argv[1])
atexit.register(lambda: print(json.dumps(sorted(m for m in heavy if m in sys.modules)), file=sys.stderr))
from magcheck.cli import main
try:
    main(sys.argv[2:])
except SystemExit as done:
    raise SystemExit(done.code)
"""


def imported(args: list[str], tmp_path: Path) -> tuple[int, list[str]]:
    env = {**os.environ, "MAGCHECK_CACHE_DIR": str(tmp_path / "cache"), "MAGCHECK_STATE_DIR": str(tmp_path / "s"),
           "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(HEAVY), *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    return done.returncode, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["gaps", "--help"], ["gaps", "--no-such-flag"],
                                  ["gaps", "--format", "pdf"], ["explain", "not-a-key"]])
def test_quick_answers_load_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    code, modules = imported(args, tmp_path)
    assert code in (0, 2)
    assert modules == []


def test_a_run_that_reads_lists_never_loads_the_http_stack(tmp_path: Path) -> None:
    args = ["gaps", "--data-dir", str(FIXTURES), "--against", "uk,ca", "--format", "json", "-o",
            str(tmp_path / "out.json")]
    for run in ("prepares the lists", "reads them prepared"):
        code, modules = imported(args, tmp_path)
        assert code in (0, 1), run
        assert "requests" not in modules and "numpy" in modules, run
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["targets"]


def magcheck(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MAGCHECK_CACHE_DIR": str(tmp_path / "cache"), "MAGCHECK_STATE_DIR": str(tmp_path / "s")}
    return subprocess.run([sys.executable, "-m", "magcheck", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_run_that_ends_at_once_hands_over_everything_it_printed(tmp_path: Path) -> None:
    done = magcheck(["gaps", "--data-dir", str(FIXTURES), "--against", "uk,ca", "--format", "json", "--scope", "all"],
                    tmp_path)
    assert done.returncode == 1, done.stderr  # trimmed excerpts: far smaller than the snapshot, so flagged
    document = json.loads(done.stdout)  # the whole document, flushed before the process ended
    assert len(document["targets"]) > 30
    assert "us: the list read from the data dir has 41 entries" in done.stderr  # and the warnings, on stderr


@pytest.mark.parametrize(("args", "status"), [(["gaps", "--exit-code"], 11), (["gaps", "--reference", "de"], 2),
                                              (["explain", "us:999999999"], 2)])
def test_the_exit_status_survives_the_quick_end(args: list[str], status: int, tmp_path: Path) -> None:
    done = magcheck([*args, "--data-dir", str(FIXTURES), "--format", "json"], tmp_path)
    assert done.returncode == status, done.stderr
    assert done.stderr.count("Traceback") == 0
