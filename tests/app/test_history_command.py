"""`magcheck history LIST:UID` and `gaps --changes` over a damaged run history, through the command line on the
small real fixtures (tests/fixtures, injected loader)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from magcheck.errors import ExitStatus
from tests.support import FixtureLoader, run


@pytest.fixture
def state(tmp_path: Path) -> dict[str, str]:
    return {"MAGCHECK_STATE_DIR": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "config")}


def quiet_loader() -> FixtureLoader:
    return FixtureLoader(only={"us", "uk", "ca", "un"})  # the lists these tests read, nothing else


def test_history_without_run_history_speaks_from_the_lists_and_says_so(state: dict[str, str]) -> None:
    done = run(["history", "us:29220"], quiet_loader(), state)
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert lines[0] == "CHEN, Quanguo (us:29220)"
    assert lines[1] == ("US listed (date not stated) · CA listed 2024-12-09 · UK: not listed as of 2025-04-14")
    assert "CA: ca:china-p1-5" in lines
    assert lines[-1].startswith("run history: no recorded run holds us:29220")


def test_history_gives_the_lag_and_the_gap_age_from_a_dated_reference(state: dict[str, str]) -> None:
    """Canada's Zhu Hailun (2021-03-21): the UK a day later; Chen Quanguo (2024-12-09): the UK not, 126 days on
    as of the UK list of 2025-04-14."""
    zhu = run(["history", "ca:china-p1-1"], quiet_loader(), state)
    assert zhu.out.splitlines()[1].startswith("CA listed 2021-03-21 · UK listed 2021-03-22 (+1 day)")
    assert "UK: uk:GHR0078; 1 day after CA; measures: Asset freeze" in zhu.out
    chen = run(["history", "ca:china-p1-5", "--format", "json"], quiet_loader(), state)
    document = json.loads(chen.out)
    assert document["schema"] == "magcheck.history/1" and document["on_reference_list"] is True
    uk = next(step for step in document["steps"] if step["government"] == "uk")
    assert uk == {**uk, "status": "gap", "days": 126, "as_of": "2025-04-14"}
    assert document["timeline"].endswith("UK: not listed as of 2025-04-14 (126 days)")


def test_history_adds_what_recorded_runs_saw(state: dict[str, str]) -> None:
    assert run(["gaps", "--changes", "--against", "uk,ca", "--country", "China", "--format", "json"], quiet_loader(),
               state).code == 0
    done = run(["history", "us:29220", "--format", "json"], quiet_loader(), state)
    document = json.loads(done.out)
    assert document["history"]["scopes"] == 1
    seen = {step["government"]: step["first_seen"] for step in document["steps"]}
    assert seen["uk"] is not None and seen["ca"] is not None and seen["us"] is None
    assert document["history"]["gap_since"] == {"uk": seen["uk"]}
    text = run(["history", "us:29220"], quiet_loader(), state).out
    assert "UK: no counterpart; gap first seen by a recorded run on" in text
    assert "run history: 1 recorded scope holds it" in text


def test_history_of_an_unknown_entry_is_a_usage_error(state: dict[str, str]) -> None:
    done = run(["history", "us:99999999"], quiet_loader(), state)
    assert done.code == ExitStatus.USAGE and done.err_lines == [
        "magcheck: error: us has no entry '99999999' in the list dated not stated, and the run history does not "
        "mention it"]
    assert run(["history", "29220"], quiet_loader(), state).code == ExitStatus.USAGE


def test_history_of_a_target_the_reference_list_dropped_comes_from_the_run_history(state: dict[str, str]) -> None:
    assert run(["gaps", "--changes", "--against", "uk,ca", "--name", "Quanguo"], quiet_loader(), state).code == 0

    def without_chen(lst):  # type: ignore[no-untyped-def]
        import dataclasses

        return dataclasses.replace(lst, entries=[e for e in lst.entries if e.uid != "29220"]) \
            if lst.code == "us" else lst

    loader = FixtureLoader(only={"us", "uk", "ca", "un"}, edit=without_chen)
    done = run(["history", "us:29220"], loader, state)
    assert done.code == 0, done.err
    assert done.out.splitlines()[:2] == ["CHEN, Quanguo (us:29220)",
                                         "not on the US list any more; what the run history remembers:"]


# --- gaps --changes over a damaged run history (issue 14, class 11) ----------------------------------------

DAMAGE = {
    "random bytes": bytes(range(256)) * 8,
    "truncated": b'{"schema": "magcheck.run/2", "scope_key": "',
    "a JSON list": b"[1, 2, 3]",
    "a JSON string": b'"not a record"',
}


def damage_the_history(tmp_path: Path, damage: bytes) -> Path:
    (record,) = (tmp_path / "state" / "runs").glob("*/*.json")
    record.write_bytes(damage)
    return record


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_history_is_one_line_set_aside_and_changes_say_they_could_not_compare(
        tmp_path: Path, state: dict[str, str], damage: str) -> None:
    base = ["gaps", "--changes", "--exit-code", "--against", "uk,ca", "--country", "China"]
    assert run([*base, "--format", "json"], quiet_loader(), state).code == ExitStatus.OK  # the baseline
    record = damage_the_history(tmp_path, DAMAGE[damage])
    done = run([*base, "--format", "json"], quiet_loader(), state)
    assert done.code == ExitStatus.STALE  # not 0: the changes rest on missing data; not 10: nothing is known new
    (line,) = done.err_lines
    assert line.startswith(f"magcheck: warning: run history record {record} is damaged (")
    assert "set aside as" in line and "Traceback" not in done.err
    (moved,) = record.parent.glob(f"{record.name}.damaged-*")
    assert moved.read_bytes() == DAMAGE[damage]  # renamed, not deleted
    changes = json.loads(done.out)["changes"]
    assert changes["compared"] is False and changes["since"] is None
    assert "damaged" in changes["reason"] and "could not be compared" in changes["reason"]
    assert changes["new"] == []
    again = run([*base, "--format", "json"], quiet_loader(), state)  # rebuilt: the next run compares again
    assert json.loads(again.out)["changes"]["compared"] is True and again.err_lines == []


def test_could_not_compare_is_said_in_every_format(tmp_path: Path, state: dict[str, str]) -> None:
    base = ["gaps", "--changes", "--against", "uk,ca", "--country", "China"]
    for fmt in ("table", "markdown", "csv", "html"):
        run([*base, "--format", "json"], quiet_loader(), state)
        damage_the_history(tmp_path, b"\x00\xff garbage")
        done = run([*base, "--format", fmt], quiet_loader(), state)
        assert done.code == ExitStatus.STALE, fmt
        if fmt == "csv":  # CSV has no room for prose: every row's change says it, stderr says why
            rows = list(csv.DictReader(io.StringIO(done.out)))
            assert rows and all(row["change"] == "not compared" for row in rows)
            assert "damaged" in done.err
        else:
            assert "could not be compared" in done.out, fmt
        for stale in (tmp_path / "state" / "runs").glob("*/*.json"):
            stale.unlink()  # the next format starts from a fresh baseline
