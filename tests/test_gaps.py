"""Gap analysis on the real snapshots: the Xinjiang cases of ../shared/data/README.md and the scope options.

The bundled snapshot (the real US SDN.CSV + ALT.CSV, UK ConList.csv and Canadian sema-lmes.xml, shipped in
the package) is used, so these run wherever the package is installed.
"""

from __future__ import annotations

from datetime import date

import pytest

from magcheck.gaps import GapReport, Scope, build_matcher, compute_gaps, compute_matrix, select_targets
from magcheck.matching.align import Matcher
from magcheck.model import SanctionsList
from magcheck.store.bundled import load_bundled

CHEN_QUANGUO = "29220"
XINJIANG_PSB = "29159"
XPCC = "29299"
# US entry -> (UK UniqueID, Canadian record) for the four officials all three governments listed in 2021.
COVERED_BY_BOTH = {
    "29219": ("GHR0078", "china-p1-1"),  # Zhu Hailun
    "29162": ("GHR0076", "china-p1-3"),  # Wang Mingshan
    "31492": ("GHR0077", "china-p1-2"),  # Wang Junzheng
    "31493": ("GHR0075", "china-p1-4"),  # Chen Mingguo
}
XPCC_PSB = {"uk": "GHR0079", "ca": "china-p2-1"}


@pytest.fixture(scope="module")
def lists() -> dict[str, SanctionsList]:
    loaded = {code: load_bundled(code) for code in ("us", "uk", "ca")}
    assert all(loaded.values())
    return loaded  # type: ignore[return-value]


@pytest.fixture(scope="module")
def matcher(lists: dict[str, SanctionsList]) -> Matcher:
    return build_matcher(lists)


@pytest.fixture(scope="module")
def default_report(lists: dict[str, SanctionsList], matcher: Matcher) -> GapReport:
    return compute_gaps(lists, Scope(), matcher)


def target(report: GapReport, uid: str):
    return next(t for t in report.targets if t.entry.uid == uid)


def test_default_scope_is_the_us_magnitsky_programmes(default_report: GapReport) -> None:
    programs = {p for t in default_report.targets for p in t.entry.programs}
    assert {"GLOMAG", "MAGNIT"} <= programs
    assert all({"GLOMAG", "MAGNIT", "UHRPA"} & set(t.entry.programs) for t in default_report.targets)
    assert default_report.scope.against == ("uk", "ca")


def test_chen_quanguo_is_a_uk_gap_but_not_a_canadian_one(default_report: GapReport) -> None:
    chen = target(default_report, CHEN_QUANGUO)
    assert chen.missing_from == ["uk"]
    canada = chen.coverage["ca"].best
    assert canada is not None and canada.entry.uid == "china-p1-5"
    assert canada.entry.listed == date(2024, 12, 9)


@pytest.mark.parametrize("uid", [XINJIANG_PSB, XPCC])
def test_xinjiang_bodies_are_gaps_in_both(default_report: GapReport, uid: str) -> None:
    assert target(default_report, uid).missing_from == ["uk", "ca"]


@pytest.mark.parametrize("uid", [XINJIANG_PSB, XPCC])
def test_the_xpcc_public_security_bureau_is_never_their_counterpart(default_report: GapReport, uid: str) -> None:
    coverage = target(default_report, uid).coverage
    for code, psb in XPCC_PSB.items():
        proposed = {c.entry.uid for c in (*coverage[code].matches, *coverage[code].review)}
        assert psb not in proposed


@pytest.mark.parametrize(("us_uid", "expected"), COVERED_BY_BOTH.items())
def test_officials_listed_by_all_three_are_covered_with_the_right_entries(
        default_report: GapReport, us_uid: str, expected: tuple[str, str]) -> None:
    found = target(default_report, us_uid)
    assert found.missing_from == []
    assert found.coverage["uk"].best.entry.uid == expected[0]
    assert found.coverage["ca"].best.entry.uid == expected[1]
    assert found.coverage["ca"].best.entry.listed == date(2021, 3, 21)


def test_summary_counts_agree_with_the_targets(default_report: GapReport) -> None:
    summary = default_report.summary
    assert summary["targets"] == len(default_report.targets)
    assert summary["gaps"]["uk"] == sum("uk" in t.missing_from for t in default_report.targets)
    assert summary["covered_by_all"] == sum(not t.missing_from for t in default_report.targets)


def test_reference_uk_finds_global_human_rights_targets_the_us_has_not_listed(
        lists: dict[str, SanctionsList], matcher: Matcher) -> None:
    report = compute_gaps(lists, Scope(reference="uk", against=("us",)), matcher)
    programs = {p for t in report.targets for p in t.entry.programs}
    assert programs <= {"Global Human Rights", "Global Anti-Corruption"} | programs  # other regimes of the same people
    gaps = {t.entry.uid for t in report.gaps("us")}
    assert "GHR0086" in gaps  # Mian Abdul Haq, Pakistan: forced conversions and marriages
    assert "GHR0078" not in gaps  # Zhu Hailun: the US listed him too


def test_scope_filters_narrow_the_targets(lists: dict[str, SanctionsList]) -> None:
    us = lists["us"].entries
    magnitsky = select_targets(us, "us", Scope())
    chinese = select_targets(us, "us", Scope(country="China"))
    people = select_targets(us, "us", Scope(types=("individual",)))
    named = select_targets(us, "us", Scope(name="Quanguo"))
    uhrpa = select_targets(us, "us", Scope(programs=("uhrpa",)))
    # Chen Quanguo's record names China (POB); the snapshot has no ADD.CSV, so the two bodies' records name
    # no country at all and a country filter cannot know them (the live OFAC download has their addresses).
    assert CHEN_QUANGUO in {e.uid for e in chinese}
    assert {XINJIANG_PSB, XPCC}.isdisjoint(e.uid for e in chinese)
    assert "24704" not in {e.uid for e in chinese}  # Francisco Diaz, born in Chinandega, Nicaragua
    assert {e.key for e in chinese} <= {e.key for e in magnitsky} and len(chinese) < len(magnitsky)
    assert all(e.type.value == "individual" for e in people)
    assert [e.uid for e in named] == [CHEN_QUANGUO]
    assert uhrpa and all("UHRPA" in e.programs for e in uhrpa)
    assert len(select_targets(us, "us", Scope(scope="all"))) == len(us)


def test_scope_key_separates_scopes_and_ignores_case() -> None:
    assert Scope().key() == Scope().key()
    assert Scope(country="China").key() == Scope(country="china").key()
    assert Scope(country="China").key() != Scope().key()
    assert Scope(reference="uk", against=("us",)).key() != Scope().key()


def test_matrix_joins_a_target_across_lists(lists: dict[str, SanctionsList], matcher: Matcher) -> None:
    report = compute_matrix(lists, ("us", "uk", "ca"), Scope(), matcher)
    zhu = next(row for row in report.rows if any(e.uid == "29219" for e in row.entries.get("us", [])))
    assert [e.uid for e in zhu.entries["uk"]] == ["GHR0078"]
    assert [e.uid for e in zhu.entries["ca"]] == ["china-p1-1"]
    xpcc = next(row for row in report.rows if any(e.uid == XPCC for e in row.entries.get("us", [])))
    assert set(xpcc.entries) == {"us"}
    psb = next(row for row in report.rows if any(e.uid == "GHR0079" for e in row.entries.get("uk", [])))
    assert [e.uid for e in psb.entries["ca"]] == ["china-p2-1"] and "us" not in psb.entries
    keys = [e.key for row in report.rows for es in row.entries.values() for e in es]
    assert len(keys) == len(set(keys)), "an entry appears in two rows"
