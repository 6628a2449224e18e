"""The UN cover rule and `--measures` (issue 10): Canada implements UN Security Council listings under its UN Act
regulations, not in its SEMA list, so a target on the UN list counts as covered by Canada "through the UN
listing"; a UK designation without an asset freeze does not count as a cover with `--measures asset-freeze`.

Real records only: the US and Canadian excerpts of tests/fixtures, the UN listings of five of those US entries
(tests/fixtures/gaps/README.md), the UK 2026 samples (tests/fixtures/uk/README.md), and the full lists in
../shared/data when they are there.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from magcheck.gaps import (
    ASSET_FREEZE,
    COVERED,
    GAP,
    UN,
    VIA_UN,
    Scope,
    Target,
    build_matcher,
    compute_gaps,
    government_cell,
    has_asset_freeze,
)
from magcheck.matching.coverage import Counterpart, Coverage
from magcheck.model import SanctionsList
from magcheck.sources import uk as uk_source
from magcheck.sources import un as un_source
from magcheck.store.load import load_from_dir
from tests.support import FIXTURES, FixtureLoader, fixture_list, run

UN_EXCERPT = FIXTURES / "gaps" / "un" / "consolidated.xml"
UK_2026 = FIXTURES / "uk" / "2026"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
# US entry (tests/fixtures/us/SDN.CSV) -> its UN reference (tests/fixtures/gaps/README.md)
UN_LISTED = {"6925": "QDi.028", "7929": "QDi.126", "10851": "QDi.243", "12057": "IRi.026", "17067": "KPe.022"}
SDGT_UN_LISTED = ("6925", "7929", "10851")  # Ghailani, Yunos, Delos Reyes: SDGT, not on Canada's list


def un_excerpt() -> SanctionsList:
    return un_source.parse_files({un_source.FILE: UN_EXCERPT})


def with_un_excerpt(lst: SanctionsList) -> SanctionsList:
    return un_excerpt() if lst.code == UN else lst


@pytest.fixture(scope="module")
def fixture_lists() -> dict[str, SanctionsList]:
    return {"us": fixture_list("us"), "ca": fixture_list("ca"), UN: un_excerpt()}


def target(targets: list[Target], uid: str) -> Target:
    return next(t for t in targets if t.entry.uid == uid)


# --- the rule in gaps.py --------------------------------------------------------------------------------


def test_a_un_listed_sdgt_target_is_covered_by_canada_through_the_un_listing(
        fixture_lists: dict[str, SanctionsList]) -> None:
    report = compute_gaps(fixture_lists, Scope(against=("ca",), scope="all"), build_matcher(fixture_lists))
    assert report.un_rule.applied and report.un_rule.lists == ("ca",)
    assert list(report.lists) == ["us", "ca", UN]  # the UN list's date is part of the report
    for uid in SDGT_UN_LISTED:
        found = target(report.targets, uid)
        assert "SDGT" in found.entry.programs
        cell = found.cell("ca")
        assert cell.status == COVERED and cell.via == VIA_UN and cell.un_ref == UN_LISTED[uid]
        assert not found.coverage["ca"].matches  # not on Canada's own list
        assert "ca" not in found.missing_from and found not in report.gaps("ca")
        assert cell.lag_days is None  # the date Canada's regulations took it up is not on any list
    assert {t.entry.uid for t in report.covered_via_un("ca")} == set(UN_LISTED)
    gaps_uids = {t.entry.uid for t in report.gaps("ca")}
    assert "29220" not in gaps_uids and "29299" in gaps_uids  # Chen Quanguo: listed; the XPCC: nobody


def test_without_the_un_list_the_rule_is_off_and_says_why(fixture_lists: dict[str, SanctionsList]) -> None:
    lists = {code: lst for code, lst in fixture_lists.items() if code != UN}
    report = compute_gaps(lists, Scope(against=("ca",), scope="all"), build_matcher(lists))
    assert report.un_rule.lists == ("ca",) and not report.un_rule.applied
    assert report.un_rule.reason == "the UN list is not part of this run"
    assert {t.entry.uid for t in report.gaps("ca")} >= set(SDGT_UN_LISTED)


def test_the_rule_comes_from_the_source_not_from_a_list_code(fixture_lists: dict[str, SanctionsList]) -> None:
    """The UK keeps its UN listings on its own list (un_listings_elsewhere is False): no cover through the UN."""
    lists = {**fixture_lists, "uk": fixture_list("uk")}
    report = compute_gaps(lists, Scope(against=("uk", "ca"), scope="all"), build_matcher(lists))
    assert report.un_rule.lists == ("ca",)
    assert all(t.cell("uk").via != VIA_UN for t in report.targets)


def test_a_uk_reference_target_joins_the_un_list_by_its_own_un_reference() -> None:
    """The UK gives the UN reference: AFG0006 (TAi.002 in the live UK sample) is Canada's through the UN."""
    uk = uk_source.parse_xml_files({uk_source.XML_FILE: UK_2026 / "ts_live_trimmed_2026-09-02.xml"})
    un = un_source.parse_files({un_source.FILE: FIXTURES / "un" / "consolidated.xml"})
    lists = {"uk": uk, "ca": fixture_list("ca"), UN: un}
    report = compute_gaps(lists, Scope(reference="uk", against=("ca",), scope="all"), build_matcher(lists))
    cell = target(report.targets, "AFG0006").cell("ca")
    assert cell.via == VIA_UN and cell.un_ref == "TAi.002" and cell.un_listing is not None
    assert cell.un_listing.entry.uid == "TAi.002"


# --- the rule through the command line --------------------------------------------------------------------


@pytest.fixture
def state(tmp_path: Path) -> dict[str, str]:
    return {"MAGCHECK_STATE_DIR": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_gaps_loads_the_un_list_for_canada_and_shows_the_cover_in_every_format(state: dict[str, str]) -> None:
    loader = FixtureLoader(edit=with_un_excerpt)
    base = ["gaps", "--against", "ca", "--scope", "all"]
    done = run([*base, "--format", "json"], loader, state)
    assert done.code == 0, done.err
    assert loader.requests == [("us", "ca", UN)]
    document = json.loads(done.out)
    assert document["un_rule"] == {"lists": ["ca"], "applied": True, "reason": None}
    ghailani = next(t for t in document["targets"] if t["uid"] == "6925")
    assert ghailani["missing_from"] == []
    assert ghailani["coverage"]["ca"]["via"] == "un" and ghailani["coverage"]["ca"]["un_ref"] == "QDi.028"
    assert ghailani["by_government"]["ca"] == {
        "status": "covered", "via": "un", "listed": None, "lag_days": None, "gap_age_days": None, "as_of": None,
        "measures": [], "un_ref": "QDi.028", "not_counted": []}
    assert document["summary"]["covered_via_un"] == {"ca": 5}
    csv_text = run([*base, "--format", "csv"], loader, state).out
    row = next(line for line in csv_text.splitlines() if line.startswith("us,6925,"))
    assert ",ca,covered," in row and ",un,QDi.028," in row
    table = run(base, loader, state).out
    assert "5 targets covered only through their UN listing" in table
    assert "Covered by CA only through the UN listing: 5" in table
    assert re.search(r"\| us:6925 +\| GHAILANI, Ahmed Khalfan .*\| UN QDi\.028 \(UN listed 2001-10-17\) +\|", table)
    assert "CA covers only through the UN listing" in table
    assert "Note: CA implements UN Security Council listings outside its list" in table
    markdown = run([*base, "--format", "markdown"], loader, state).out
    assert "### Covered by CA only through the UN listing: 5" in markdown
    assert "| us:6925 | GHAILANI, Ahmed Khalfan |" in markdown and "UN QDi.028 (UN listed 2001-10-17) |" in markdown


def test_no_un_list_means_a_note_and_the_rule_off(state: dict[str, str]) -> None:
    done = run(["gaps", "--against", "ca", "--scope", "all", "--format", "json"],
               FixtureLoader(only={"us", "ca"}), state)
    assert done.code == 0
    assert done.err_lines == ["magcheck: warning: un: left out of this run: not in this test's fixtures; covers "
                              "through UN listings are not counted for ca, so some of their gaps may be UN listings"]
    document = json.loads(done.out)
    assert document["un_rule"]["applied"] is False and "6925" in {
        t["uid"] for t in document["targets"] if "ca" in t["missing_from"]}


def test_a_run_that_does_not_check_canada_does_not_read_the_un_list(state: dict[str, str]) -> None:
    loader = FixtureLoader()
    assert run(["gaps", "--against", "uk", "--format", "json"], loader, state).code == 0
    assert loader.requests == [("us", "uk")]


@pytest.mark.skipif(not (SHARED / "un" / "consolidated.xml").is_file(), reason="needs ../shared/data")
def test_on_the_full_lists_sdgt_targets_on_the_un_list_are_not_canadian_gaps() -> None:
    """US SDN of May 2024 + the UN list of Nov 2025 + Canada's of Sept 2025, `--scope all`."""
    lists = {code: load_from_dir(SHARED, code) for code in ("us", "ca", UN)}
    entries = {uid: e for e in lists["us"].entries if (uid := e.uid) in UN_LISTED}
    scoped = dataclasses.replace(lists["us"], entries=list(entries.values()))
    report = compute_gaps({**lists, "us": scoped}, Scope(against=("ca",), scope="all"), build_matcher(lists))
    for uid in (*SDGT_UN_LISTED, "17067"):
        cell = target(report.targets, uid).cell("ca")
        assert cell.via == VIA_UN and cell.un_ref == UN_LISTED[uid], uid
    naqdi = target(report.targets, "12057").cell("ca")  # on Canada's own list too: its own listing counts
    assert naqdi.via == "list" and [c.entry.uid for c in naqdi.counterparts] == ["iran-1p2-87"]
    assert report.gaps("ca") == []


# --- --measures asset-freeze --------------------------------------------------------------------------------


def uk_2026(name: str) -> SanctionsList:
    return uk_source.parse_xml_files({uk_source.XML_FILE: UK_2026 / name})


def test_measures_are_read_from_the_live_uk_records() -> None:
    records = {e.uid: e for e in uk_2026("gsmiguel_sample_uk_sanctions.xml").entries}
    assert records["DPR0075"].measures == ("Prohibition of port entry",)  # Petrel 8: port entry ban only
    assert records["BEL0107"].measures == ("Asset freeze", "Director disqualification sanction")
    assert not has_asset_freeze(records["DPR0075"])
    assert has_asset_freeze(records["BEL0107"]) and has_asset_freeze(records["AFG0006"])


def test_a_listing_without_an_asset_freeze_is_not_a_cover_with_measures_asset_freeze() -> None:
    """Petrel 8 (UK DPR0075, port-entry ban only) as the UK counterpart of a target: a cover by default, with its
    measures shown; with --measures asset-freeze a gap that names the listing it did not count."""
    petrel = next(e for e in uk_2026("gsmiguel_sample_uk_sanctions.xml").entries if e.uid == "DPR0075")
    reference = next(e for e in fixture_list("us").entries if e.uid == "17067")  # any real reference entry
    coverage = Coverage(matches=[Counterpart(petrel, 1.0, None)])
    uk = uk_2026("gsmiguel_sample_uk_sanctions.xml")
    counted = government_cell(reference, coverage, uk)
    assert counted.covered and counted.measures == ("Prohibition of port entry",)
    strict = government_cell(reference, coverage, uk, measures=ASSET_FREEZE)
    assert strict.status == GAP and [c.entry.uid for c in strict.not_counted] == ["DPR0075"]
    assert strict.gap_age_days is None  # the US SDN.CSV entry has no listing date


def test_measures_asset_freeze_through_the_command_line_on_the_live_uk_sample(state: dict[str, str]) -> None:
    """UN reference TAi.002 (Akhund) against the live UK sample: AFG0006 freezes assets and travel, so it stays a
    cover with --measures asset-freeze; the measures are shown."""
    def live_uk(lst: SanctionsList) -> SanctionsList:
        return uk_2026("ts_live_trimmed_2026-09-02.xml") if lst.code == "uk" else lst

    base = ["gaps", "--reference", UN, "--against", "uk", "--scope", "all", "--format", "json"]
    for extra in ([], ["--measures", "asset-freeze"]):
        document = json.loads(run([*base, *extra], FixtureLoader(edit=live_uk), state).out)
        akhund = next(t for t in document["targets"] if t["uid"] == "TAi.002")
        assert akhund["by_government"]["uk"]["measures"] == ["Asset freeze", "Travel ban"]
        assert akhund["missing_from"] == []
    assert document["measures"] == "asset-freeze" and document["summary"]["not_counted"] == {"uk": 0}


def test_measures_asset_freeze_leaves_the_reconstructed_uk_list_unchanged(state: dict[str, str]) -> None:
    """The April 2025 UK XML states 'Asset freeze' on every designation (shared data README): same gaps."""
    base = ["gaps", "--against", "uk", "--format", "json"]
    plain = json.loads(run(base, FixtureLoader(), state).out)
    strict = json.loads(run([*base, "--measures", "asset-freeze"], FixtureLoader(), state).out)
    assert strict["summary"]["gaps"] == plain["summary"]["gaps"]
    assert "asset freeze" in strict["scope"]["description"]


def test_measures_with_matrix_is_a_usage_error(state: dict[str, str]) -> None:
    done = run(["gaps", "--matrix", "--measures", "asset-freeze"], FixtureLoader(), state)
    assert done.code == 2 and done.err_lines == ["magcheck: error: --measures applies to the gaps report, not to "
                                                 "--matrix"]
