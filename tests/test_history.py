"""Run records and the changes between runs (`gaps --changes`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from magcheck.errors import CacheError
from magcheck.history import KEEP_RUNS, RUN_SCHEMA, RunHistory, compare_runs


def record(generated: str, gaps: dict[str, list[str]], targets: dict[str, str], key: str = "k1") -> dict:
    return {"schema": RUN_SCHEMA, "scope_key": key, "scope": "scope magnitsky", "generated": generated,
            "lists": {}, "targets": targets, "gaps": gaps}


TARGETS = {"29220": "CHEN, Quanguo", "29219": "ZHU, Hailun", "29299": "XINJIANG PRODUCTION AND CONSTRUCTION CORPS"}


def test_first_run_has_nothing_to_compare_with() -> None:
    changes = compare_runs(None, record("2026-11-27T04:00:00+00:00", {"uk": ["29220"]}, TARGETS), "us")
    assert changes.since is None and not changes.new and not changes.closed


def test_a_government_listing_a_target_closes_its_gap() -> None:
    before = record("2026-11-27T04:00:00+00:00", {"uk": ["29219", "29220"], "ca": ["29299"]}, TARGETS)
    after = record("2026-11-28T04:00:00+00:00", {"uk": ["29220"], "ca": ["29299"]}, TARGETS)
    changes = compare_runs(before, after, "us")
    assert changes.since == "2026-11-27T04:00:00+00:00"
    assert [(c.government, c.uid, c.name) for c in changes.closed] == [("uk", "29219", "ZHU, Hailun")]
    assert changes.new == [] and changes.left_scope == []


def test_a_new_reference_designation_is_a_new_gap_and_a_delisting_leaves_scope() -> None:
    before = record("2026-11-27T04:00:00+00:00", {"uk": ["29220", "29299"]}, TARGETS)
    now_targets = {k: v for k, v in TARGETS.items() if k != "29299"} | {"40000": "NEW TARGET"}
    after = record("2026-11-28T04:00:00+00:00", {"uk": ["29220", "40000"]}, now_targets)
    changes = compare_runs(before, after, "us")
    assert [(c.uid, c.name) for c in changes.new] == [("40000", "NEW TARGET")]
    assert [c.uid for c in changes.left_scope] == ["29299"] and changes.closed == []
    assert changes.as_dict()["new"] == [{"government": "uk", "list": "us", "uid": "40000", "name": "NEW TARGET"}]


def test_history_returns_the_latest_record_of_the_same_scope(tmp_path: Path) -> None:
    history = RunHistory(tmp_path)
    assert history.previous("k1") is None
    history.record(record("2026-11-27T04:00:00+00:00", {"uk": ["1"]}, {"1": "A"}))
    history.record(record("2026-11-28T04:00:00+00:00", {"uk": ["2"]}, {"2": "B"}))
    history.record(record("2026-11-28T05:00:00+00:00", {"uk": ["3"]}, {"3": "C"}, key="other"))
    assert history.previous("k1")["gaps"] == {"uk": ["2"]}
    assert history.previous("other")["gaps"] == {"uk": ["3"]}


def test_a_damaged_record_is_skipped(tmp_path: Path) -> None:
    history = RunHistory(tmp_path)
    history.record(record("2026-11-27T04:00:00+00:00", {"uk": ["1"]}, {"1": "A"}))
    (tmp_path / "runs" / "k1" / "20261128T040000.json").write_text("{ truncated", encoding="utf-8")
    assert history.previous("k1")["gaps"] == {"uk": ["1"]}


def test_old_records_are_pruned(tmp_path: Path) -> None:
    history = RunHistory(tmp_path)
    for run in range(1, KEEP_RUNS + 6):
        history.record(record(f"2026-10-01T04:{run:02d}:00+00:00", {"uk": [str(run)]}, {str(run): "X"}))
    files = sorted((tmp_path / "runs" / "k1").glob("*.json"))
    assert len(files) == KEEP_RUNS
    assert json.loads(files[-1].read_text())["gaps"] == {"uk": [str(KEEP_RUNS + 5)]}


@pytest.mark.skipif(os.name != "posix", reason="a regular file in the way of the state directory")
def test_an_unwritable_state_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(CacheError, match="cannot record this run"):
        RunHistory(blocker).record(record("2026-11-27T04:00:00+00:00", {}, {}))
