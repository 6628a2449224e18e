"""The command line end to end on the full real lists (the bundled snapshot's files in a data dir): the Xinjiang
truths, a file output, --changes across two runs, and the data-dir failure. Slower (each run parses the
three full lists); the same flows on small fixtures are in test_cli.py."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from magcheck.errors import ExitStatus
from tests.support import run

SNAPSHOT_FILES = {"us": ("SDN.CSV", "ALT.CSV"), "uk": ("ConList.csv",), "ca": ("sema-lmes.xml",)}
ZHU_HAILUN_UK = "GHR0078"


@pytest.fixture(scope="module")
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
def environ(tmp_path: Path) -> dict[str, str]:
    return {"MAGCHECK_CACHE_DIR": str(tmp_path / "cache"), "MAGCHECK_STATE_DIR": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_a_missing_data_dir_file_is_one_line_and_exit_3(tmp_path: Path, environ: dict[str, str]) -> None:
    (tmp_path / "empty").mkdir()
    done = run(["gaps", "--data-dir", str(tmp_path / "empty")], environ=environ)
    assert done.code == ExitStatus.NO_DATA
    assert len(done.err_lines) == 1 and "SDN.CSV" in done.err


def test_gaps_on_the_full_lists(snapshot_dir: Path, environ: dict[str, str], tmp_path: Path) -> None:
    done = run(["gaps", "--data-dir", str(snapshot_dir), "--format", "json"], environ=environ)
    assert done.code == 0, done.err
    document = json.loads(done.out)
    targets = {t["uid"]: t for t in document["targets"]}
    assert len(targets) == document["summary"]["targets"] > 700
    assert targets["29220"]["missing_from"] == ["uk"]
    assert targets["29220"]["coverage"]["ca"]["uid"] == "china-p1-5"
    assert targets["29299"]["missing_from"] == ["uk", "ca"]
    target = tmp_path / "gaps.csv"
    done = run(["gaps", "--data-dir", str(snapshot_dir), "--format", "csv", "-o", str(target), "--country", "China"],
               environ=environ)
    assert done.code == 0 and done.out == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert {r["government"]: r["status"] for r in rows if r["uid"] == "29220"} == {"uk": "gap", "ca": "covered"}


def test_changes_across_two_runs_on_real_files(snapshot_dir: Path, environ: dict[str, str], tmp_path: Path) -> None:
    """Yesterday's UK ConList lacks Zhu Hailun's designation; today's has it: one closed gap, no new one."""
    yesterday = tmp_path / "yesterday"
    shutil.copytree(snapshot_dir, yesterday)
    conlist = yesterday / "uk" / "ConList.csv"
    lines = conlist.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = [line for line in lines if f"(UK Sanctions List Ref):{ZHU_HAILUN_UK}." not in line]
    assert len(kept) < len(lines)
    conlist.write_text("".join(kept), encoding="utf-8")
    base = ["gaps", "--changes", "--exit-code", "--format", "json", "--country", "China"]
    first = run([*base, "--data-dir", str(yesterday)], environ=environ)
    assert first.code == ExitStatus.OK  # the first run is the baseline: nothing is new yet
    second = run([*base, "--data-dir", str(snapshot_dir)], environ=environ)
    changes = json.loads(second.out)["changes"]
    assert changes["since"] == json.loads(first.out)["generated"]
    assert [(c["government"], c["uid"]) for c in changes["closed"]] == [("uk", "29219")]
    assert changes["new"] == [] and second.code == ExitStatus.OK


def test_the_xinjiang_truths_in_a_five_column_matrix(environ: dict[str, str], shared_data: Path) -> None:
    """US, UK, Canada, Australia and the UN side by side (shared/data/README.md): the four officials the UK and
    Canada both listed, Chen Quanguo whom only Canada followed, and none of them on the Australian or UN list."""
    done = run(["gaps", "--matrix", "--data-dir", str(shared_data), "--against", "uk,ca,au,un", "--country",
                "China", "--format", "json"], environ=environ)
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert list(document["lists"]) == ["us", "uk", "ca", "au", "un"]
    rows = {row["listings"]["us"][0]["uid"]: row["listings"] for row in document["rows"] if row["listings"]["us"]}
    expected = {"29219": ("GHR0078", "china-p1-1"), "29162": ("GHR0076", "china-p1-3"),
                "31492": ("GHR0077", "china-p1-2"), "31493": ("GHR0075", "china-p1-4"), "29220": (None, "china-p1-5")}
    for us_uid, (uk, ca) in expected.items():
        listings = rows[us_uid]
        assert [e["uid"] for e in listings["uk"] or []] == ([uk] if uk else [])
        assert [e["uid"] for e in listings["ca"] or []] == [ca]
        assert listings["au"] is None and listings["un"] is None
