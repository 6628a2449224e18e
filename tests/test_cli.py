"""The command line on small real fixtures (tests/fixtures, through an injected loader): every command has help
with an example, errors are one line with the documented exit code, the exit precedence holds, quiet never
hides degraded data, and a run reads only the lists it needs. The same flows on the full lists are in
test_cli_full.py."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from magcheck.cli import cli
from magcheck.errors import ExitStatus
from magcheck.model import SanctionsList
from tests.support import FixtureLoader, run

ZHU_HAILUN_UK = "GHR0078"


@pytest.fixture
def state(tmp_path: Path) -> dict[str, str]:
    """An environment of one's own: state and config in tmp_path, nothing from the host."""
    return {"MAGCHECK_STATE_DIR": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "MAGCHECK_CACHE_DIR": str(tmp_path / "cache")}


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command: str) -> None:
    done = run([command, "--help"])
    assert done.code == 0
    assert "Example" in done.out and f"magcheck {command}" in done.out


def test_help_names_the_lists_of_the_registry() -> None:
    done = run(["gaps", "--help"])
    assert "(us, uk, ca, eu, au, un)" in " ".join(done.out.split())  # from the registry, not hard-coded
    assert "us  GLOMAG, MAGNIT, UHRPA" in done.out


def test_version() -> None:
    done = run(["--version"])
    assert done.code == 0 and "magcheck, version" in done.out


@pytest.mark.parametrize("argv", [
    ["gaps", "--bogus"],
    ["gaps", "--reference", "fr"],
    ["gaps", "--against", "us,xx"],
    ["gaps", "--format", "pdf"],
    ["gaps", "--reference", "uk", "--against", "uk"],
    ["explain", "29220"],
    ["search", "  "],
    ["search", "Chen", "--list", "de"],
    ["lists", "--list", "de"],
])
def test_bad_flags_are_one_line_exit_2_and_read_nothing(argv: list[str], state: dict[str, str]) -> None:
    loader = FixtureLoader()
    done = run(argv, loader, state)
    assert done.code == ExitStatus.USAGE
    assert len(done.err_lines) == 1 and done.err.startswith("magcheck: error:")
    assert "Traceback" not in done.err
    assert loader.requests == []  # rejected before any list was read


def test_a_bad_environment_value_is_one_line_exit_2(state: dict[str, str]) -> None:
    for variable, value in (("MAGCHECK_TIMEOUT", "nan"), ("MAGCHECK_CONNECT_TIMEOUT", "0"),
                            ("MAGCHECK_LOCK_TIMEOUT", "-1"), ("MAGCHECK_MIRROR", "http://[::1")):
        done = run(["gaps"], FixtureLoader(), {**state, variable: value})
        assert done.code == ExitStatus.USAGE, variable
        assert done.err_lines == [done.err.strip()] and variable in done.err


def test_gaps_json_holds_the_xinjiang_truths(state: dict[str, str]) -> None:
    done = run(["gaps", "--format", "json"], FixtureLoader(), state)
    assert done.code == 0, done.err
    document = json.loads(done.out)
    assert document["schema"] == "magcheck.gaps/2" and document["reference"] == "us"
    targets = {t["uid"]: t for t in document["targets"]}
    assert document["against"] == ["uk", "ca", "eu", "au"]  # every other Magnitsky-style list
    assert targets["29220"]["missing_from"] == ["uk", "eu", "au"]  # Chen Quanguo: Canada only
    assert targets["29220"]["coverage"]["ca"]["uid"] == "china-p1-5"
    assert targets["29219"]["coverage"]["uk"]["uid"] == ZHU_HAILUN_UK
    assert targets["29299"]["missing_from"] == ["uk", "ca", "eu", "au"]  # the XPCC: nobody
    assert targets["29159"]["missing_from"] == ["uk", "ca", "eu", "au"]  # the Xinjiang PSB: nobody


def test_a_run_reads_only_the_lists_it_needs(state: dict[str, str]) -> None:
    loader = FixtureLoader()
    assert run(["gaps", "--against", "uk", "--format", "json"], loader, state).code == 0
    assert loader.requests == [("us", "uk")]
    loader = FixtureLoader()
    assert run(["lists", "--list", "ca"], loader, state).code == 0
    assert loader.loaded == ["ca"]
    loader = FixtureLoader()
    assert run(["gaps", "--format", "json"], loader, state).code == 0
    # the default: every other Magnitsky-style list, and the UN's (Canada keeps UN listings outside its own list)
    assert loader.requests == [("us", "uk", "ca", "eu", "au", "un")]


def test_a_list_that_is_not_available_is_left_out_with_a_note(state: dict[str, str]) -> None:
    done = run(["gaps", "--format", "json"], FixtureLoader(only={"us", "uk"}), state)
    assert done.code == 0
    assert json.loads(done.out)["against"] == ["uk"]
    assert done.err_lines == [f"magcheck: warning: {code}: left out of this run: not in this test's fixtures"
                              for code in ("ca", "eu", "au")]
    named = run(["gaps", "--against", "ca"], FixtureLoader(only={"us", "uk"}), state)
    assert named.code == ExitStatus.NO_DATA and "ca: no usable copy" in named.err


def test_quiet_still_says_the_data_is_the_bundled_snapshot(state: dict[str, str]) -> None:
    done = run(["gaps", "--quiet", "--format", "json"], FixtureLoader(bundled=True), state)
    assert done.code == ExitStatus.STALE
    assert done.err_lines == [f"magcheck: warning: {code}: using the bundled snapshot of "
                              f"{FixtureLoader().load([code]).lists[code].date} (test)"
                              for code in ("us", "uk", "ca", "eu", "au", "un")]


def test_exit_precedence_alert_on_stale_data_is_11(state: dict[str, str]) -> None:
    quanguo = ["gaps", "--name", "Quanguo", "--exit-code", "-q"]
    assert run(quanguo, FixtureLoader(), state).code == ExitStatus.GAPS
    assert run(quanguo, FixtureLoader(bundled=True), state).code == ExitStatus.GAPS_ON_STALE_DATA
    hailun = ["gaps", "--name", "Hailun", "--exit-code", "-q", "--against", "uk,ca"]  # listed by both: no alert
    assert run(hailun, FixtureLoader(), state).code == ExitStatus.OK
    assert run(hailun, FixtureLoader(bundled=True), state).code == ExitStatus.STALE


def test_gaps_without_changes_writes_nothing_to_the_state_dir(tmp_path: Path, state: dict[str, str]) -> None:
    assert run(["gaps", "--format", "json"], FixtureLoader(), state).code == 0
    assert not (tmp_path / "state").exists()


def test_an_unwritable_state_dir_does_not_matter_without_changes(tmp_path: Path, state: dict[str, str]) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the state dir's parent should be")
    environ = {**state, "MAGCHECK_STATE_DIR": str(blocker / "state")}
    assert run(["gaps", "--format", "json"], FixtureLoader(), environ).code == 0
    done = run(["gaps", "--format", "json", "--changes"], FixtureLoader(), environ)
    assert done.code == ExitStatus.CACHE  # asked to keep history and could not: said, after the report
    assert json.loads(done.out)["changes"]["since"] is None
    assert done.err_lines[-1].startswith("magcheck: error: cannot record this run in")


def without_zhu_hailun_in_the_uk(lst: SanctionsList) -> SanctionsList:
    if lst.code != "uk":
        return lst
    return dataclasses.replace(lst, entries=[e for e in lst.entries if e.uid != ZHU_HAILUN_UK])


def test_changes_report_a_closed_gap_when_the_uk_adds_a_designation(state: dict[str, str]) -> None:
    """Yesterday's UK list lacks Zhu Hailun's designation; today's has it: one closed gap, no new one."""
    base = ["gaps", "--changes", "--exit-code", "--format", "json", "--country", "China"]
    first = json.loads(run(base, FixtureLoader(edit=without_zhu_hailun_in_the_uk), state).out)
    assert first["changes"]["since"] is None
    assert "29219" in {t["uid"] for t in first["targets"] if "uk" in t["missing_from"]}
    done = run(base, FixtureLoader(), state)
    changes = json.loads(done.out)["changes"]
    assert changes["since"] == first["generated"]
    assert [(c["government"], c["uid"]) for c in changes["closed"]] == [("uk", "29219")]
    assert changes["new"] == []
    assert done.code == ExitStatus.OK  # with --changes, only new gaps raise the alert


def test_csv_to_a_file_and_markdown_to_stdout_with_dash(tmp_path: Path, state: dict[str, str]) -> None:
    target = tmp_path / "out" / "gaps.csv"
    target.parent.mkdir()
    done = run(["gaps", "--format", "csv", "-o", str(target), "--country", "China"], FixtureLoader(), state)
    assert done.code == 0 and done.out == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert {r["government"]: r["status"] for r in rows if r["uid"] == "29220"} == {
        "uk": "gap", "ca": "covered", "eu": "gap", "au": "gap"}
    dash = run(["gaps", "--format", "markdown", "-o", "-"], FixtureLoader(), state)
    assert dash.code == 0 and dash.out.startswith("# Sanctions gaps") and not Path("-").exists()


def test_search_and_explain(state: dict[str, str]) -> None:
    done = run(["search", "Chen Quanguo", "--format", "json"], FixtureLoader(), state)
    assert done.code == 0 and "china-p1-5" in done.out and "29220" in done.out
    done = run(["explain", "us:29299"], FixtureLoader(), state)
    assert done.code == 0 and "GHR0079" in done.out  # shown, and below the review band
    missing = run(["explain", "us:99999999"], FixtureLoader(), state)
    assert missing.code == ExitStatus.USAGE and "no entry" in missing.err


def test_overrides_decide_and_unknown_entries_are_named(tmp_path: Path, state: dict[str, str]) -> None:
    overrides = tmp_path / "overrides.toml"
    overrides.write_text('[[different]]\na = "us:29220"\nb = "ca:china-p1-5"\nnote = "test"\n'
                         '[[same]]\na = "us:1"\nb = "uk:NOPE0001"\n', encoding="utf-8")
    done = run(["gaps", "--name", "Quanguo", "--format", "json", "--overrides", str(overrides)], FixtureLoader(),
               state)
    assert done.code == 0
    assert json.loads(done.out)["targets"][0]["missing_from"] == ["uk", "ca", "eu", "au"]
    assert [line for line in done.err_lines if "overrides" in line] == [
        f"magcheck: warning: overrides file {overrides} names entries these lists do not hold: uk:NOPE0001, us:1"]
    overrides.write_text("[[same]]\na = 'nonsense'\n", encoding="utf-8")
    bad = run(["gaps", "--overrides", str(overrides)], FixtureLoader(), state)
    assert bad.code == ExitStatus.USAGE and len(bad.err_lines) == 1


PROBE_MODULE = '''
"""A fourth list, added as one module: the UN Security Council list, read from a trimmed real excerpt."""
from pathlib import Path
from lxml import etree
from magcheck.model import Entry, EntryType, Name, SanctionsList
from magcheck.sources.base import Layout, Source, SourceFile

def parse(files):
    root = etree.parse(str(files["un-excerpt.xml"])).getroot()
    entries = [Entry("zz", person.findtext("REFERENCE_NUMBER"), EntryType.INDIVIDUAL,
                     Name(" ".join(t for t in (person.findtext("FIRST_NAME"), person.findtext("SECOND_NAME"),
                                               person.findtext("THIRD_NAME")) if t)),
                     programs=(person.findtext("UN_LIST_TYPE"),))
               for person in root.iter("INDIVIDUAL")]
    return SanctionsList("zz", "Probe - UN excerpt", None, ("un-excerpt.xml",), entries)

SOURCE = Source(code="zz", title="Probe - UN excerpt", government="Probe",
                layouts=(Layout((SourceFile("un-excerpt.xml", None),), parse),),
                magnitsky_programs=frozenset({"DRC"}), order=90)
'''


@pytest.fixture
def probe_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A new source module on the registry's path (as if dropped into magcheck/sources/), nothing else touched."""
    from magcheck import sources

    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "zz.py").write_text(textwrap.dedent(PROBE_MODULE), encoding="utf-8")
    monkeypatch.setattr(sources, "__path__", [*sources.__path__, str(folder)])
    sources.all_sources.cache_clear()
    yield
    sys.modules.pop("magcheck.sources.zz", None)
    monkeypatch.undo()
    sources.all_sources.cache_clear()


def test_a_fourth_source_module_shows_up_everywhere(probe_source: None, tmp_path: Path,
                                                    state: dict[str, str]) -> None:
    data = tmp_path / "data"
    (data / "zz").mkdir(parents=True)
    (data / "zz" / "un-excerpt.xml").write_bytes((Path(__file__).parent / "fixtures" / "probe" /
                                                  "un-excerpt.xml").read_bytes())
    for code in ("us", "uk", "ca"):
        (data / code).symlink_to(Path(__file__).parent / "fixtures" / code, target_is_directory=True)
    environ = {**state, "MAGCHECK_DATA_DIR": str(data)}
    listed = json.loads(run(["lists", "--format", "json"], environ=environ).out)
    assert [lst["list"] for lst in listed] == ["us", "uk", "ca", "zz"]
    assert listed[-1]["entries"] == 3
    assert "zz" in run(["gaps", "--help"]).out
    done = run(["gaps", "--against", "zz", "--format", "json"], environ=environ)
    assert done.code == ExitStatus.STALE  # the fixtures are small excerpts: said loudly, but read
    assert "us: the list read from the data dir has 41 entries" in done.err
    assert json.loads(done.out)["against"] == ["zz"]
    assert json.loads(run(["gaps", "--reference", "zz", "--format", "json"], environ=environ).out)["reference"] == "zz"
    assert run(["lists", "--list", "zz", "--format", "json"], environ=environ).code == 0


def test_the_installed_entry_point_runs() -> None:
    """`python -m magcheck` (the console script's target) starts, with the GC off, and exits cleanly."""
    done = subprocess.run([sys.executable, "-m", "magcheck", "--version"], capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0 and "magcheck, version" in done.stdout and done.stderr == ""
