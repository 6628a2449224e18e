"""Gap analysis on the real snapshots: the Xinjiang cases of ../shared/data/README.md and the scope options.

The bundled snapshot (the real US SDN.CSV + ALT.CSV, UK ConList.csv and Canadian sema-lmes.xml, shipped in
the package) is used, so these run wherever the package is installed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import statistics
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


# --- cells: lag, gap age, sorting and the timing summary (issue 9) -----------------------------------------
# The bundled lists: UK ConList of 14 Apr 2025 (its stated date), Canada's list of Sept 2025 (snapshot date
# 2025-09-22), the US SDN.CSV of 3 May 2024 (no listing dates without OFAC's enhanced export).

ZHU_HAILUN_CA, CHEN_QUANGUO_CA = "china-p1-1", "china-p1-5"


@pytest.fixture(scope="module")
def china_report(lists: dict[str, SanctionsList], matcher: Matcher) -> GapReport:
    """Canada's China regulations (the 2021 and 2024 Xinjiang listings) against the UK."""
    return compute_gaps(lists, Scope(reference="ca", against=("uk",), programs=("China",)), matcher)


def test_a_cover_carries_the_lag_and_a_gap_its_age_as_of_the_checked_list(china_report: GapReport) -> None:
    """Zhu Hailun: Canada 2021-03-21, the UK a day later; Chen Quanguo: Canada 2024-12-09, the UK not at all,
    126 days on as of the UK list's own date (2025-04-14)."""
    zhu = target(china_report, ZHU_HAILUN_CA).cell("uk")
    assert zhu.covered and zhu.via == "list" and zhu.listed == date(2021, 3, 22)
    assert zhu.lag_days == 1 and zhu.gap_age_days is None
    chen = target(china_report, CHEN_QUANGUO_CA).cell("uk")
    assert not chen.covered and chen.lag_days is None
    assert chen.gap_age_days == (date(2025, 4, 14) - date(2024, 12, 9)).days == 126


def test_a_negative_lag_when_the_other_acted_first_from_its_earliest_listing(
        lists: dict[str, SanctionsList], matcher: Matcher) -> None:
    """The UK's RUS0083 (Borodai; dated 2020-12-31, the day the UK took over the EU's listings) is on Canada's
    list twice: the Ukraine regulations 2014-07-24 and the Russia regulations 2022-02-24; the lag counts from
    Canada's earliest listing, and is negative: Canada acted first."""
    report = compute_gaps(lists, Scope(reference="uk", against=("ca",), name="Borodai", scope="all"), matcher)
    cell = target(report, "RUS0083").cell("ca")
    assert sorted(c.entry.listed for c in cell.counterparts) == [date(2014, 7, 24), date(2022, 2, 24)]
    assert cell.listed == date(2014, 7, 24)
    assert cell.lag_days == (date(2014, 7, 24) - date(2020, 12, 31)).days == -2352
    assert report.timing("ca").acted_first == 1


def test_every_lag_counts_from_the_earliest_counterpart(lists: dict[str, SanctionsList], matcher: Matcher) -> None:
    report = compute_gaps(lists, Scope(reference="uk", against=("ca",), scope="all"), matcher)
    several = [t for t in report.targets if len({c.entry.listed for c in t.cell("ca").counterparts}) > 1]
    assert len(several) > 10
    for found in several:
        cell = found.cell("ca")
        first = min(c.entry.listed for c in cell.counterparts if c.entry.listed)
        assert cell.listed == first and cell.lag_days == (first - found.entry.listed).days


def test_unknown_dates_give_null_never_a_guess(default_report: GapReport, lists: dict[str, SanctionsList],
                                               matcher: Matcher) -> None:
    """SDN.CSV alone has no listing dates: no US lag or age anywhere; against an undated checked list a gap has
    no age either."""
    for t in default_report.targets:
        for code in default_report.scope.against:
            assert t.cell(code).lag_days is None and t.cell(code).gap_age_days is None
    undated_ca = {**lists, "ca": dataclasses.replace(lists["ca"], date=None, date_note=None)}
    report = compute_gaps(undated_ca, Scope(reference="uk", against=("ca",), name="Mian Abdul Haq"), matcher)
    cell = target(report, "GHR0086").cell("ca")
    assert not cell.covered and cell.gap_age_days is None and report.timing("ca").undated_gaps == 1


def test_a_dated_snapshot_gives_gap_ages_as_of_its_date(lists: dict[str, SanctionsList], matcher: Matcher) -> None:
    """The US snapshot is dated by the day it was taken (2024-05-03): the UK's Mian Abdul Haq (2022-12-09) is
    a US gap of 511 days as far as that list shows."""
    report = compute_gaps(lists, Scope(reference="uk", against=("us",)), matcher)
    cell = target(report, "GHR0086").cell("us")
    assert cell.gap_age_days == (date(2024, 5, 3) - date(2022, 12, 9)).days == 511


def test_sort_age_puts_the_oldest_gap_first_and_undated_last(lists: dict[str, SanctionsList],
                                                             matcher: Matcher) -> None:
    scope = Scope(reference="uk", against=("ca",), scope="all")
    report = compute_gaps(lists, scope, matcher)
    ages = [t.cell("ca").gap_age_days for t in report.gaps("ca")]
    dated = [age for age in ages if age is not None]
    assert dated == sorted(dated, reverse=True) and dated[0] == report.timing("ca").oldest_gap
    assert ages == dated + [None] * (len(ages) - len(dated))
    assert report.gaps("ca")[0].entry.uid == "AFG0008"  # Taliban, designated 2000-04-12: 9,294 days
    by_target = [t.oldest_gap() for t in report.targets if t.missing_from]
    assert [a for a in by_target if a is not None] == sorted((a for a in by_target if a is not None), reverse=True)
    assert all(t.missing_from for t in report.targets[:len(by_target)])  # every gap before any full cover


def test_sort_name_and_listed(lists: dict[str, SanctionsList], matcher: Matcher) -> None:
    scope = Scope(reference="uk", against=("ca",), programs=("Global Human Rights",))
    by_name = compute_gaps(lists, scope, matcher, sort="name")
    names = [t.entry.name.text.casefold() for t in by_name.targets]
    assert names == sorted(names)
    assert [t.entry.uid for t in by_name.gaps("ca")] == [t.entry.uid for t in by_name.targets if t.missing_from]
    by_listed = compute_gaps(lists, scope, matcher, sort="listed")
    listed = [t.entry.listed for t in by_listed.targets]
    assert None not in listed and listed == sorted(listed)
    with pytest.raises(ValueError, match="unknown sort"):
        compute_gaps(lists, scope, matcher, sort="size")


def test_timing_summary_median_longest_and_old_gaps(china_report: GapReport) -> None:
    timing = china_report.timing("uk")
    covered = [t.cell("uk").lag_days for t in china_report.targets if t.cell("uk").covered]
    assert sorted(timing.lags) == sorted(covered) and timing.median_lag == statistics.median(covered)
    assert timing.longest_lag == max(covered) and timing.acted_first == sum(1 for lag in covered if lag < 0)
    ages = [t.cell("uk").gap_age_days for t in china_report.gaps("uk")]
    assert sorted(timing.ages) == sorted(ages) and timing.oldest_gap == max(ages) == 126
    assert timing.older_than(1) == 0 and timing.older_than(5) == 0


def test_older_than_counts_gaps_by_years(lists: dict[str, SanctionsList], matcher: Matcher) -> None:
    report = compute_gaps(lists, Scope(reference="uk", against=("ca",), scope="all"), matcher)
    timing = report.timing("ca")
    assert timing.older_than(1) == sum(1 for a in timing.ages if a > 365.25)
    assert timing.older_than(5) == sum(1 for a in timing.ages if a > 5 * 365.25)
    assert timing.older_than(1) > timing.older_than(5) > 0


def test_the_default_scope_key_is_unchanged_and_measures_make_another_scope() -> None:
    """Existing run histories stay comparable: the key of every scope without --measures is the one it had."""
    old = hashlib.sha256(json.dumps(["us", ["ca", "uk"], "magnitsky", [], [], "", ""]).encode()).hexdigest()[:16]
    assert Scope().key() == old
    assert Scope(measures="asset-freeze").key() != Scope().key()
    assert "asset freeze" in Scope(measures="asset-freeze").describe()


@pytest.mark.parametrize("variants", [("Russia", "Russian Federation", "RU", "RUS"),
                                      ("China", "PRC", "People's Republic of China", "CN"),
                                      ("Burma", "Myanmar"), ("Türkiye", "Turkey")])
def test_every_way_of_writing_a_country_selects_the_same_targets(variants: tuple[str, ...]) -> None:
    """Issue 12: `Russia` and `Russian Federation` selected different targets, `PRC` none."""
    from tests.report.support import lists

    entries = lists()["us"].entries
    chosen = [{e.key for e in select_targets(entries, "us", Scope(scope="all", country=name))} for name in variants]
    assert chosen[0] and all(other == chosen[0] for other in chosen[1:])
