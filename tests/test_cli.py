"""The command line end to end: every command has help with an example, errors are one line with the
documented exit code, and `gaps` works on the real lists (the bundled snapshot's files in a data dir)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from magcheck.cli import cli, main
from magcheck.errors import ExitStatus

SNAPSHOT_FILES = {"us": ("SDN.CSV", "ALT.CSV"), "uk": ("ConList.csv",), "ca": ("sema-lmes.xml",)}
ZHU_HAILUN_UK = "GHR0078"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `magcheck ARGV` in-process: (exit status, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), captured.out, captured.err


@pytest.fixture(scope="session")
def snapshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled snapshot's real files, decompressed under their official names (DIR/us, DIR/uk, DIR/ca)."""
    root = tmp_path_factory.mktemp("snapshot")
    package = resources.files("magcheck.snapshot")
    for code, names in SNAPSHOT_FILES.items():
        (root / code).mkdir()
        for name in names:
            with package.joinpath(f"{name}.gz").open("rb") as packed:
                (root / code / name).write_bytes(gzip.decompress(packed.read()))
    return root


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No user cache, state or config leaks into a test."""
    for variable in ("MAGCHECK_DATA_DIR", "MAGCHECK_OFFLINE", "MAGCHECK_MIRROR", "MAGCHECK_OVERRIDES",
                     "MAGCHECK_QUIET", "MAGCHECK_AGAINST", "MAGCHECK_REFERENCE", "NO_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("MAGCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MAGCHECK_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([command, "--help"], capsys)
    assert code == 0
    assert "Example" in out and f"magcheck {command}" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and "magcheck, version" in out


@pytest.mark.parametrize("argv", [
    ["gaps", "--bogus"],
    ["gaps", "--reference", "fr"],
    ["gaps", "--against", "us,xx"],
    ["gaps", "--format", "pdf"],
    ["explain", "29220"],
    ["search", "  "],
    ["lists", "--list", "de"],
])
def test_bad_flags_are_one_line_and_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str], isolated: Path,
                                            snapshot_dir: Path) -> None:
    code, _, err = run([*argv, "--data-dir", str(snapshot_dir)] if argv[0] != "gaps" or "--bogus" not in argv
                       else argv, capsys)
    assert code == ExitStatus.USAGE
    assert len(err.strip().splitlines()) == 1 and err.startswith("magcheck: error:")
    assert "Traceback" not in err


def test_a_missing_data_dir_file_is_one_line_and_exit_3(tmp_path: Path, isolated: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run(["gaps", "--data-dir", str(tmp_path / "empty")], capsys)
    assert code == ExitStatus.NO_DATA
    assert err.count("\n") == 1 and "SDN.CSV" in err


def test_gaps_json_from_a_data_dir(snapshot_dir: Path, isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["gaps", "--data-dir", str(snapshot_dir), "--format", "json"], capsys)
    assert code == 0, err
    document = json.loads(out)
    assert document["schema"] == "magcheck.gaps/1" and document["reference"] == "us"
    targets = {t["uid"]: t for t in document["targets"]}
    assert targets["29220"]["missing_from"] == ["uk"]
    assert targets["29220"]["coverage"]["ca"]["uid"] == "china-p1-5"
    assert targets["29299"]["missing_from"] == ["uk", "ca"]
    assert document["summary"]["targets"] == len(document["targets"])


def test_gaps_output_file_csv_reads_back(snapshot_dir: Path, isolated: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    target = isolated / "out" / "gaps.csv"
    target.parent.mkdir()
    code, out, _ = run(["gaps", "--data-dir", str(snapshot_dir), "--format", "csv", "-o", str(target),
                        "--country", "China"], capsys)
    assert code == 0 and out == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    chen = [r for r in rows if r["uid"] == "29220"]
    assert {r["government"]: r["status"] for r in chen} == {"uk": "gap", "ca": "covered"}


def test_exit_code_10_when_there_are_gaps(snapshot_dir: Path, isolated: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(["gaps", "--data-dir", str(snapshot_dir), "--name", "Quanguo", "--exit-code", "-q"], capsys)
    assert code == ExitStatus.GAPS
    code, _, _ = run(["gaps", "--data-dir", str(snapshot_dir), "--name", "Hailun", "--exit-code", "-q"], capsys)
    assert code == ExitStatus.OK  # Zhu Hailun is listed by all three


def test_changes_report_a_closed_gap_when_the_uk_adds_a_designation(
        snapshot_dir: Path, isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Yesterday's UK list lacks Zhu Hailun's designation; today's has it: one closed gap, no new one."""
    yesterday = isolated / "yesterday"
    shutil.copytree(snapshot_dir, yesterday)
    conlist = yesterday / "uk" / "ConList.csv"
    lines = conlist.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = [line for line in lines if f"(UK Sanctions List Ref):{ZHU_HAILUN_UK}." not in line]
    assert len(kept) < len(lines)
    conlist.write_text("".join(kept), encoding="utf-8")

    base = ["gaps", "--changes", "--exit-code", "--format", "json", "--country", "China"]
    code, out, _ = run([*base, "--data-dir", str(yesterday)], capsys)
    first = json.loads(out)
    assert first["changes"]["since"] is None
    assert "29219" in {t["uid"] for t in first["targets"] if "uk" in t["missing_from"]}

    code, out, _ = run([*base, "--data-dir", str(snapshot_dir)], capsys)
    changes = json.loads(out)["changes"]
    assert changes["since"] == first["generated"]
    assert [(c["government"], c["uid"]) for c in changes["closed"]] == [("uk", "29219")]
    assert changes["new"] == []
    assert code == ExitStatus.OK  # with --changes, only new gaps raise the alert


def test_search_and_explain(snapshot_dir: Path, isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["search", "Chen Quanguo", "--data-dir", str(snapshot_dir), "--format", "json"], capsys)
    assert code == 0
    assert "china-p1-5" in out and "29220" in out
    code, out, _ = run(["explain", "us:29299", "--data-dir", str(snapshot_dir)], capsys)
    assert code == 0
    assert "GHR0079" in out  # shown, and below the review band
    code, _, err = run(["explain", "us:99999999", "--data-dir", str(snapshot_dir)], capsys)
    assert code == ExitStatus.USAGE and "no entry" in err


def test_overrides_file_decides(snapshot_dir: Path, isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    overrides = isolated / "overrides.toml"
    overrides.write_text('[[different]]\na = "us:29220"\nb = "ca:china-p1-5"\nnote = "test"\n', encoding="utf-8")
    code, out, _ = run(["gaps", "--data-dir", str(snapshot_dir), "--name", "Quanguo", "--format", "json",
                        "--overrides", str(overrides)], capsys)
    assert code == 0
    assert json.loads(out)["targets"][0]["missing_from"] == ["uk", "ca"]
    overrides.write_text("[[same]]\na = 'nonsense'\n", encoding="utf-8")
    code, _, err = run(["gaps", "--data-dir", str(snapshot_dir), "--overrides", str(overrides)], capsys)
    assert code == ExitStatus.USAGE and err.count("\n") == 1


def test_the_installed_entry_point_runs() -> None:
    """`python -m magcheck` (the console script's target) starts, with the GC off, and exits cleanly."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "magcheck", "--version"], capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0 and "magcheck, version" in done.stdout and done.stderr == ""
