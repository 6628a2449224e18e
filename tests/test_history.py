"""Run records and the changes between runs (`gaps --changes`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from magcheck.errors import CacheError
from magcheck.history import (
    KEEP_RUNS,
    RUN_SCHEMA,
    RunHistory,
    carried_first_seen,
    compare_runs,
    record_problem,
    remembered,
)


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


def test_a_damaged_newest_record_is_set_aside_and_the_one_before_it_compared(tmp_path: Path) -> None:
    history = RunHistory(tmp_path)
    history.record(record("2026-11-27T04:00:00+00:00", {"uk": ["1"]}, {"1": "A"}))
    (tmp_path / "runs" / "k1" / "20261128T040000.json").write_text("{ truncated", encoding="utf-8")
    found = history.find_previous("k1")
    assert found.record is not None and found.record["gaps"] == {"uk": ["1"]}
    assert [d.path.name for d in found.damaged] == ["20261128T040000.json"] and found.reason is None
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


# --- delistings, first dates, v1 records (issue 9) ------------------------------------------------------


def record2(generated: str, gaps: dict[str, list[str]], targets: dict[str, str],
            covers: dict[str, dict[str, list[str]]], **extra: object) -> dict:
    return {**record(generated, gaps, targets), "schema": RUN_SCHEMA, "reference": "us", "covers": covers,
            "via_un": {}, **extra}


def test_a_target_gone_from_the_reference_list_is_a_delisting_not_a_scope_change() -> None:
    """29299 was a UK gap and is no longer on the US list at all; 29220 is still on it, out of scope now."""
    before = record2("2026-11-27T04:00:00+00:00", {"uk": ["29220", "29299"]}, TARGETS, {"uk": {"29219": ["GHR0078"]}})
    after = record2("2026-11-28T04:00:00+00:00", {"uk": []}, {"29219": "ZHU, Hailun"}, {"uk": {"29219": ["GHR0078"]}})
    present = {"us": {"29219", "29220"}, "uk": {"GHR0078"}}
    changes = compare_runs(before, after, "us", present=present)
    assert [(c.government, c.uid, c.name) for c in changes.delisted] == [
        ("us", "29299", "XINJIANG PRODUCTION AND CONSTRUCTION CORPS")]
    assert [c.uid for c in changes.left_scope] == ["29220"]
    assert changes.closed == [] and changes.counterparts_delisted == []


def test_a_counterpart_gone_from_a_checked_list_is_the_government_delisting_it() -> None:
    """Yesterday the UK covered Zhu Hailun with GHR0078; today GHR0078 is gone from the UK list."""
    before = record2("2026-11-27T04:00:00+00:00", {"uk": []}, TARGETS, {"uk": {"29219": ["GHR0078"]}})
    after = record2("2026-11-28T04:00:00+00:00", {"uk": ["29219"]}, TARGETS, {"uk": {}})
    changes = compare_runs(before, after, "us", present={"us": set(TARGETS), "uk": {"GHR0077"}})
    (gone,) = changes.counterparts_delisted
    assert (gone.government, gone.uid, gone.counterpart, gone.name) == ("uk", "29219", "GHR0078", "ZHU, Hailun")
    assert [c.uid for c in changes.new] == ["29219"]  # also a new gap: the alert still fires
    assert gone.as_dict() == {"government": "uk", "list": "us", "uid": "29219", "name": "ZHU, Hailun",
                              "counterpart": "GHR0078"}


def test_a_renumbered_counterpart_that_still_covers_is_not_a_delisting() -> None:
    before = record2("2026-11-27T04:00:00+00:00", {"uk": []}, TARGETS, {"uk": {"29219": ["GHR0078"]}})
    after = record2("2026-11-28T04:00:00+00:00", {"uk": []}, TARGETS, {"uk": {"29219": ["GHR9999"]}})
    changes = compare_runs(before, after, "us", present={"us": set(TARGETS), "uk": {"GHR9999"}})
    assert changes.counterparts_delisted == [] and changes.new == []


def test_a_gap_closed_through_the_un_listing_says_so() -> None:
    before = record2("2026-11-27T04:00:00+00:00", {"ca": ["6925"]}, {"6925": "GHAILANI, Ahmed Khalfan"}, {"ca": {}})
    after = record2("2026-11-28T04:00:00+00:00", {"ca": []}, {"6925": "GHAILANI, Ahmed Khalfan"}, {"ca": {}},
                    via_un={"ca": ["6925"]})
    (closed,) = compare_runs(before, after, "us").closed
    assert closed.via == "un" and closed.as_dict()["via"] == "un"


def test_first_seen_dates_carry_over_while_a_gap_or_cover_lasts() -> None:
    first = record2("2026-11-27T04:00:00+00:00", {"uk": ["29220"]}, TARGETS, {"uk": {"29219": ["GHR0078"]}})
    first["first_seen"] = carried_first_seen(None, first)
    assert first["first_seen"] == {"gaps": {"uk": {"29220": "2026-11-27"}},
                                   "covers": {"uk": {"29219": "2026-11-27"}}}
    second = record2("2026-11-28T04:00:00+00:00", {"uk": ["29220", "29299"]}, TARGETS, {"uk": {"29219": ["GHR0078"]}})
    seen = carried_first_seen(first, second)
    assert seen["gaps"]["uk"] == {"29220": "2026-11-27", "29299": "2026-11-28"}  # 29299 newly a gap
    assert seen["covers"]["uk"] == {"29219": "2026-11-27"}


def test_a_version_1_record_is_still_compared_and_dates_its_gaps_by_its_run() -> None:
    v1 = record("2026-11-27T04:00:00+00:00", {"uk": ["29220"]}, TARGETS)
    v1["schema"] = "magcheck.run/1"
    now = record2("2026-11-28T04:00:00+00:00", {"uk": ["29220"]}, TARGETS, {"uk": {}})
    now["first_seen"] = carried_first_seen(v1, now)
    assert now["first_seen"]["gaps"]["uk"] == {"29220": "2026-11-27"}
    changes = compare_runs(v1, now, "us")
    assert changes.compared and changes.new == [] and changes.since == "2026-11-27T04:00:00+00:00"


# --- a damaged run history (issue 14, class 11) ----------------------------------------------------------

DAMAGE = {
    "random bytes": bytes(range(256)) * 4,
    "truncated": b'{"schema": "magcheck.run/2", "scope_key": "k1", "generated": "2026-11-28T04:00:00+00:00", "tar',
    "a JSON list": b'[{"schema": "magcheck.run/2"}]',
    "a JSON string": b'"magcheck.run/2"',
    "a field of the wrong type": b'{"schema": "magcheck.run/2", "generated": "2026-11-28T04:00:00+00:00", '
                                 b'"targets": {}, "gaps": "many"}',
    "no run date": b'{"schema": "magcheck.run/2", "targets": {}, "gaps": {}}',
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_record_is_set_aside_and_reported(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "runs" / "k1"
    folder.mkdir(parents=True)
    bad = folder / "20261128T040000.json"
    bad.write_bytes(DAMAGE[damage])
    found = RunHistory(tmp_path).find_previous("k1")
    assert found.record is None
    (damaged,) = found.damaged
    assert damaged.path == bad and not bad.exists()
    assert damaged.moved_to is not None and damaged.moved_to.read_bytes() == DAMAGE[damage]  # renamed, not deleted
    assert damaged.moved_to.name.startswith("20261128T040000.json.damaged-")
    assert "\n" not in damaged.line() and "set aside as 20261128T040000.json.damaged-" in damaged.line()
    assert found.reason is not None and "could not be compared" in found.reason
    changes = compare_runs(None, {"targets": {}, "gaps": {}}, "us", reason=found.reason)
    assert not changes.compared and changes.as_dict()["compared"] is False
    assert changes.as_dict()["reason"] == found.reason
    assert RunHistory(tmp_path).find_previous("k1").damaged == []  # set aside once, not met again


def test_record_problem_names_what_is_wrong() -> None:
    assert record_problem([]) == "a JSON list, not a run record"
    assert record_problem({"schema": "x"}) == "schema 'x', not magcheck.run/2"
    assert record_problem({"schema": RUN_SCHEMA, "generated": "yesterday", "targets": {}, "gaps": {}}) == \
        "run date 'yesterday' is not a date"
    assert record_problem(record("2026-11-27T04:00:00+00:00", {"uk": ["1"]}, {"1": "A"})) is None


def test_the_history_remembers_the_earliest_first_dates_over_every_scope() -> None:
    one = record2("2026-11-28T04:00:00+00:00", {"uk": ["29220"]}, TARGETS, {"uk": {}},
                  first_seen={"gaps": {"uk": {"29220": "2026-10-01"}}, "covers": {"ca": {"29220": "2026-10-02"}}})
    two = record2("2026-11-29T04:00:00+00:00", {"uk": ["29220"]}, TARGETS, {"uk": {}}, key="k2",
                  first_seen={"gaps": {"uk": {"29220": "2026-09-15"}}, "covers": {}})
    other_reference = {**two, "reference": "uk"}
    memory = remembered([one, two, other_reference], "us", "29220")
    assert memory.runs == 2 and memory.name == "CHEN, Quanguo"
    assert memory.gap_since == {"uk": "2026-09-15"} and memory.covered_since == {"ca": "2026-10-02"}
    assert memory.last_run == "2026-11-29T04:00:00+00:00"
    assert remembered([one], "us", "99999").runs == 0
