"""The `gaps` report in every format, on the real bundled snapshot (US Magnitsky scope vs UK and Canada)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest

from magcheck.errors import UsageError
from magcheck.gaps import GapReport, Scope, compute_gaps, select_targets
from magcheck.history import Changes, GapChange
from magcheck.model import Origin, OriginKind
from magcheck.report import GAPS_FORMATS, Terminal, render_gaps, render_lists
from magcheck.report.data import GAP_COLUMNS, gap_rows, list_warnings
from magcheck.report.formats import csv_safe
from tests.report.support import (
    ANSI,
    BOX_DRAWING,
    NOW,
    dated_report,
    gap_report,
    lists,
    matcher,
    schema_validator,
    with_renamed_target,
)


def validate_gaps(doc: dict[str, Any]) -> None:
    errors = [f"{e.json_path}: {e.message[:200]}" for e in schema_validator("gaps-2.schema.json").iter_errors(doc)]
    assert errors == []

PLAIN = Terminal.plain()
TTY = Terminal(is_tty=True, color=True, width=140)
TTY_NO_COLOR = Terminal(is_tty=True, color=False, width=140)  # a terminal with NO_COLOR set

UIGHUR_COVERED = {  # Zhu Hailun, Wang Mingshan, Wang Junzheng, Chen Mingguo: (UK uid, Canadian uid)
    "29219": ("GHR0078", "china-p1-1"),
    "29162": ("GHR0076", "china-p1-3"),
    "31492": ("GHR0077", "china-p1-2"),
    "31493": ("GHR0075", "china-p1-4"),
}


@pytest.fixture(scope="module")
def report() -> GapReport:
    return gap_report()


@pytest.fixture(scope="module")
def document(report: GapReport) -> dict[str, Any]:
    return json.loads(render_gaps(report, "json", terminal=PLAIN))


@pytest.fixture(scope="module")
def plain_table(report: GapReport) -> str:
    """The whole table once (rich takes about half a second for 1,300 rows); wide, so no row folds."""
    return render_gaps(report, "table", terminal=Terminal.plain(width=300))


def small(report: GapReport, *uids: str) -> GapReport:
    """The report cut down to a few targets, for tests that render the table in several ways."""
    return dataclasses.replace(report, targets=[t for t in report.targets if t.entry.uid in uids])


XINJIANG = ("29220", "29299", "29159", "29219", "16398")  # 16398 has a UK near-miss


# --- JSON --------------------------------------------------------------------------------------------------

COUNTERPART_KEYS = {"uid", "name", "score", "listed", "programs"}


def check_gaps_shape(doc: dict[str, Any]) -> None:
    """The documented `magcheck.gaps/2` shape (README and docs/schema/gaps-2.schema.json), checked field by field;
    every `magcheck.gaps/1` field is still there."""
    validate_gaps(doc)
    assert doc["schema"] == "magcheck.gaps/2"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", doc["generated"])
    assert isinstance(doc["reference"], str)
    against = doc["against"]
    assert isinstance(against, list) and against
    extra = {"un"} if doc["un_rule"]["applied"] and doc["reference"] != "un" else set()
    assert set(doc["lists"]) == {doc["reference"], *against} | extra
    for meta in doc["lists"].values():
        assert {"date", "entries", "source"} <= set(meta)
        assert meta["date"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", meta["date"])
        assert isinstance(meta["entries"], int)
    for item in doc["targets"]:
        assert {"list", "uid", "name", "type", "programs", "listed", "coverage", "review", "missing_from"} <= set(item)
        assert item["list"] == doc["reference"]
        assert isinstance(item["programs"], list)
        assert set(item["coverage"]) == set(against)
        assert set(item["review"]) == set(against)
        for code, counterpart in item["coverage"].items():
            if counterpart is not None:
                assert set(counterpart) >= COUNTERPART_KEYS
                assert 0.0 <= counterpart["score"] <= 1.0
            for near in item["review"][code]:
                assert set(near) == {"uid", "name", "score"}
        assert item["missing_from"] == [c for c in against if item["coverage"][c] is None]
        assert set(item["by_government"]) == set(against)
        for code, cell in item["by_government"].items():
            assert (cell["status"] == "covered") == (code not in item["missing_from"])
    summary = doc["summary"]
    assert summary["targets"] == len(doc["targets"])
    for code in against:
        assert summary["gaps"][code] == sum(1 for t in doc["targets"] if code in t["missing_from"])
    assert summary["covered_by_all"] == sum(1 for t in doc["targets"] if not t["missing_from"])
    for code in against:  # gaps with a candidate in the review band
        assert summary["near_miss"][code] == sum(1 for t in doc["targets"]
                                                 if code in t["missing_from"] and t["review"][code])


def test_json_has_the_documented_shape(document: dict[str, Any]) -> None:
    check_gaps_shape(document)
    assert document["reference"] == "us"
    assert document["against"] == ["uk", "ca"]
    assert list(document)[:2] == ["schema", "generated"]


def test_json_lists_every_target_in_scope_covered_or_not(document: dict[str, Any]) -> None:
    in_scope = {e.uid for e in select_targets(lists()["us"].entries, "us", Scope())}
    assert {t["uid"] for t in document["targets"]} == in_scope
    assert len(document["targets"]) == len(in_scope)
    assert any(not t["missing_from"] for t in document["targets"])
    assert any(t["missing_from"] == ["uk", "ca"] for t in document["targets"])


def test_json_known_truths(document: dict[str, Any]) -> None:
    by_uid = {t["uid"]: t for t in document["targets"]}
    chen = by_uid["29220"]
    assert chen["coverage"]["uk"] is None
    assert chen["coverage"]["ca"]["uid"] == "china-p1-5"
    assert chen["coverage"]["ca"]["listed"] == "2024-12-09"
    assert chen["missing_from"] == ["uk"]
    for uid in ("29299", "29159"):  # XPCC, Xinjiang Public Security Bureau
        assert by_uid[uid]["missing_from"] == ["uk", "ca"]
    for uid, (uk, ca) in UIGHUR_COVERED.items():
        assert by_uid[uid]["coverage"]["uk"]["uid"] == uk
        assert by_uid[uid]["coverage"]["ca"]["uid"] == ca


def test_json_is_stable_utf8_and_pretty(report: GapReport) -> None:
    first = render_gaps(report, "json", terminal=PLAIN)
    assert first == render_gaps(report, "json", terminal=TTY)  # the terminal never changes JSON
    assert first.endswith("}\n")
    assert first.startswith('{\n  "schema": "magcheck.gaps/2"')
    assert "\\u" not in first  # UTF-8, not ASCII escapes
    lists_ = json.loads(first)["lists"]
    assert lists_["us"]["warnings"] and "BUNDLED SNAPSHOT" in lists_["us"]["warnings"][0]
    assert lists_["uk"]["age_days"] == (NOW.date() - lists()["uk"].date).days


# --- CSV ---------------------------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_reads_back_to_the_same_rows(report: GapReport) -> None:
    text = render_gaps(report, "csv", terminal=PLAIN)
    rows = read_csv(text)
    expected = [{k: csv_safe(v) for k, v in row.items()} for row in gap_rows(report)]
    assert rows == expected
    assert list(rows[0]) == list(GAP_COLUMNS)
    assert len(rows) == len(report.targets) * len(report.scope.against)
    assert text.endswith("\r\n") and text.count("\n") == text.count("\r\n") == len(rows) + 1  # RFC 4180 rows


def test_csv_status_agrees_with_coverage(report: GapReport) -> None:
    rows = {(r["uid"], r["government"]): r for r in read_csv(render_gaps(report, "csv"))}
    chen_uk, chen_ca = rows[("29220", "uk")], rows[("29220", "ca")]
    assert chen_uk["status"] in ("gap", "review") and chen_uk["counterpart_uid"] == ""
    assert chen_ca["status"] == "covered" and chen_ca["counterpart_uid"] == "china-p1-5"
    assert float(chen_ca["counterpart_score"]) >= 0.85
    for row in rows.values():
        if row["status"] == "covered":
            assert row["counterpart_uid"] and row["counterpart_score"]
        elif row["status"] == "review":
            assert row["near_miss_uid"] and not row["counterpart_uid"]
        else:
            assert row["status"] == "gap" and not row["counterpart_uid"] and not row["near_miss_uid"]
    gaps = sum(1 for r in rows.values() if r["status"] != "covered")
    assert gaps == sum(len(report.gaps(code)) for code in report.scope.against)


def test_csv_bom_is_optional(report: GapReport) -> None:
    plain = render_gaps(report, "csv")
    with_bom = render_gaps(report, "csv", csv_bom=True)
    assert not plain.startswith("\ufeff")
    assert with_bom == "\ufeff" + plain
    decoded = with_bom.encode("utf-8").decode("utf-8-sig")
    assert read_csv(decoded) == read_csv(plain)


def test_csv_cells_are_safe_from_formula_injection() -> None:
    evil = "=cmd|' /C calc'!A0"
    report = with_renamed_target("29220", evil, new_uid="@SUM(1+1)")
    rows = read_csv(render_gaps(report, "csv"))
    mine = [r for r in rows if r["name"].endswith(evil)]
    assert len(mine) == len(report.scope.against)
    for row in mine:
        assert row["name"] == "'" + evil
        assert row["uid"] == "'@SUM(1+1)"
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+1", "-2-cmd|' /C calc'!A0", "@A1", "\tx", "\rx", "-"])
def test_csv_safe_prefixes_dangerous_cells(value: str) -> None:
    assert csv_safe(value) == "'" + value
    assert csv_safe("Chen Quanguo") == "Chen Quanguo"
    assert csv_safe("") == ""


@pytest.mark.parametrize("value", ["-12", "-0.5", "126"])
def test_csv_safe_keeps_plain_numbers(value: str) -> None:
    """A lag of -12 days is a number, not a formula: it stays one for the spreadsheet."""
    assert csv_safe(value) == value


# --- Markdown ----------------------------------------------------------------------------------------------


def markdown_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:]
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def table_rows(lines: list[str]) -> list[str]:
    """The body rows of the first pipe table in `lines` (header and separator dropped)."""
    rows = [line for line in lines if line.startswith("|")]
    assert re.fullmatch(r"\|(---:?\|)+", rows[1]), rows[1]
    return rows[2:]


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_has_one_row_per_gap(report: GapReport) -> None:
    text = render_gaps(report, "markdown")
    assert text.startswith("# Sanctions gaps: targets of US not sanctioned by UK, CA\n")
    sections = markdown_sections(text)
    for code in report.scope.against:
        (title,) = [s for s in sections if s.startswith(f"Not sanctioned by {code.upper()}:")]
        rows = table_rows(sections[title])
        assert len(rows) == len(report.gaps(code))
        assert f"{len(report.gaps(code))} of {len(report.targets)} US targets" in title
    uk_rows = table_rows(next(v for k, v in sections.items() if k.startswith("Not sanctioned by UK")))
    assert any("us:29220" in row and "CHEN, Quanguo" in row for row in uk_rows)
    ca_rows = table_rows(next(v for k, v in sections.items() if k.startswith("Not sanctioned by CA")))
    assert not any("us:29220" in row for row in ca_rows)
    assert any("us:29299" in row for row in ca_rows)
    lists_rows = table_rows(sections["Lists"])
    assert len(lists_rows) == 3 and lists_rows[0].startswith("| US | ")
    assert "**WARNING:**" in "\n".join(sections["Lists"])
    # targets, covered by all, missing from all; per government: gaps, lag, gaps older than 1 / 5 years
    assert len(table_rows(sections["Summary"])) == 3 + 3 * len(report.scope.against)


def test_markdown_escapes_pipes_and_newlines() -> None:
    report = with_renamed_target("29299", "ACME | Holdings\nLine *two* <b>", new_uid="zz1")
    text = render_gaps(report, "markdown")
    sections = markdown_sections(text)
    for code in report.scope.against:
        rows = table_rows(next(v for k, v in sections.items() if k.startswith(f"Not sanctioned by {code.upper()}")))
        assert len(rows) == len(report.gaps(code))
        header_pipes = unescaped_pipes(rows[0])
        assert all(unescaped_pipes(row) == header_pipes for row in rows)
        (mine,) = [row for row in rows if "us:zz1" in row]
        assert r"ACME \| Holdings Line \*two\* \<b\>" in mine


# --- HTML --------------------------------------------------------------------------------------------------


def test_table_when_not_a_terminal_has_no_colour_or_box_drawing(report: GapReport, plain_table: str) -> None:
    for text in (plain_table, render_gaps(small(report, *XINJIANG), "table", terminal=TTY_NO_COLOR),
                 render_gaps(small(report, *XINJIANG), "table", terminal=Terminal.plain(width=60))):
        assert not ANSI.search(text)
        assert not BOX_DRAWING.search(text)
        assert "+---" in text  # ASCII boxes instead


def test_table_content(report: GapReport, plain_table: str) -> None:
    text = plain_table
    for code, lst in report.lists.items():
        assert f"| {code.upper()} " in text and lst.title in text
    assert "2024-05-03 (snapshot date)" in text
    assert "scope magnitsky" in text
    assert "bundled snapshot" in text
    for code in report.scope.against:
        gaps = len(report.gaps(code))
        assert f"Not sanctioned by {code.upper()}: {gaps} of {len(report.targets)} US targets " \
               f"({len(report.targets) - gaps} covered)" in text
    assert "Summary" in text and "covered by all" in text and "missing from all" in text
    assert "us:29220" in text and "CHEN, Quanguo" in text
    uk_part, ca_part = text.split("Not sanctioned by UK")[1].split("Not sanctioned by CA")
    assert "us:29220 " in uk_part and "us:29220 " not in ca_part
    for code in report.scope.against:  # one row per gap, numbered
        part = uk_part if code == "uk" else ca_part.split("Summary")[0]
        assert re.search(rf"\|\s+{len(report.gaps(code))} \| us:", part)
        assert not re.search(rf"\|\s+{len(report.gaps(code)) + 1} \| us:", part)


def test_table_near_miss_column_shows_review_candidates(report: GapReport, plain_table: str) -> None:
    reviewed = next(t for t in report.gaps("uk") if t.coverage["uk"].review)
    near = reviewed.coverage["uk"].review[0]
    line = next(line for line in plain_table.splitlines() if f"| {reviewed.entry.key} " in line)
    assert f"{near.entry.name.text} (uk:{near.entry.uid}) {near.score:.2f}" in line


def test_table_on_a_colour_terminal_uses_colour_and_boxes(report: GapReport) -> None:
    text = render_gaps(small(report, *XINJIANG), "table", terminal=TTY)
    assert ANSI.search(text)
    assert BOX_DRAWING.search(text)


def test_loud_note_for_bundled_snapshot(plain_table: str) -> None:
    """Counted in one line under the summary, at the top; in full at the end, after the tables."""
    notes = [line for line in plain_table.splitlines() if line.startswith("WARNING:")]
    assert len(notes) == 4
    assert notes[0] == "WARNING: US, UK, CA are the BUNDLED SNAPSHOT, not the current list: see the warnings at the end"
    assert notes[1].startswith("WARNING: US is the BUNDLED SNAPSHOT shipped with magcheck (dated 2024-05-03, "
                               "737 days old)")
    lines = plain_table.splitlines()
    summary, first_table, last_warning = (lines.index("Summary"), next(i for i, line in enumerate(lines)
                                                                       if line.startswith("Not sanctioned by")),
                                          max(i for i, line in enumerate(lines) if line.startswith("WARNING: CA")))
    assert summary < lines.index(notes[0]) < first_table < last_warning


def test_the_default_job_shows_its_lists_summary_and_warnings_on_the_first_screen(report: GapReport) -> None:
    """At 120 x 40, the first screen holds the lists with their dates, the summary and the warning count."""
    first_screen = render_gaps(report, "table", terminal=Terminal(True, False, 120, True)).splitlines()[:40]
    text = "\n".join(first_screen)
    assert "2024-05-03 (snapshot date)" in text and "2025-04-14" in text
    assert all(f"| {code.upper()} " in text for code in report.scope.against)  # a summary row each
    assert "targets in scope" in text and "see the warnings at the end" in text


def test_limit_keeps_the_first_rows_of_each_government(report: GapReport) -> None:
    text = render_gaps(report, "table", terminal=Terminal.plain(width=300), limit=3)
    for code in report.scope.against:
        hidden = len(report.gaps(code)) - 3
        assert f"... and {hidden:,} more not shown (--limit)" in text
    assert not re.search(r"\|\s+4 \| us:", text)
    markdown = render_gaps(report, "markdown", limit=3)
    assert "| 3 | us:" in markdown and "| 4 | us:" not in markdown
    assert len(read_csv(render_gaps(report, "csv"))) == len(report.targets) * len(report.scope.against)


def test_loud_note_for_an_old_list_and_none_for_a_fresh_one() -> None:
    uk = lists()["uk"]
    today = Origin(OriginKind.CACHE, fetched_at=NOW)
    old = dataclasses.replace(uk, origin=Origin(OriginKind.DATA_DIR, "/data"), date=NOW.date() - timedelta(days=8))
    fresh = dataclasses.replace(uk, origin=today, date=NOW.date() - timedelta(days=7))
    undated = dataclasses.replace(uk, origin=today, date=None)
    assert list_warnings(old, NOW) == ["UK list is 8 days old (dated 2026-05-02): it may miss recent designations "
                                       "and delistings"]
    assert list_warnings(fresh, NOW) == []
    assert list_warnings(undated, NOW) == ["UK list states no date (latest listing 2025-04-14): it may be out of date"]
    report = dataclasses.replace(small(gap_report(), *XINJIANG), lists={**gap_report().lists, "uk": old})
    text = render_gaps(report, "table", terminal=PLAIN)
    assert "WARNING: UK list is 8 days old" in text


# --- every format -------------------------------------------------------------------------------------------


def test_changes_appear_in_every_format(report: GapReport) -> None:
    report = small(report, *XINJIANG)
    changes = Changes(since="2026-05-09T12:00:00+00:00",
                      new=[GapChange("ca", "us", "29299", "XINJIANG PRODUCTION AND CONSTRUCTION CORPS")],
                      closed=[GapChange("ca", "us", "29220", "CHEN, Quanguo")])
    table = render_gaps(report, "table", terminal=PLAIN, changes=changes)
    assert "Changes since the previous run (2026-05-09T12:00:00+00:00)" in table
    assert "closed gaps (now sanctioned): 1" in table and "CHEN, Quanguo (us:29220): CA" in table
    assert "## Changes since the previous run" in render_gaps(report, "markdown", changes=changes)
    assert json.loads(render_gaps(report, "json", changes=changes))["changes"]["closed"][0]["uid"] == "29220"
    rows = {(r["uid"], r["government"]): r["change"] for r in read_csv(render_gaps(report, "csv", changes=changes))}
    assert rows[("29299", "ca")] == "new gap" and rows[("29220", "ca")] == "closed" and rows[("29220", "uk")] == ""
    assert "<h3>closed gaps (now sanctioned): 1</h3>" in render_gaps(report, "html", changes=changes)
    baseline = render_gaps(report, "table", terminal=PLAIN, changes=Changes(since=None))
    assert "no previous run over this scope" in baseline


def test_an_empty_scope_renders_in_every_format() -> None:
    report = compute_gaps(lists(), Scope(name="no such name anywhere"), matcher(), now=NOW)
    assert report.targets == []
    for fmt in GAPS_FORMATS:
        text = render_gaps(report, fmt, terminal=PLAIN)
        assert text.endswith("\n")
    assert "UK has sanctioned every target in scope." in render_gaps(report, "table", terminal=PLAIN)
    assert read_csv(render_gaps(report, "csv")) == []
    check_gaps_shape(json.loads(render_gaps(report, "json")))


def test_unknown_format_is_a_usage_error(report: GapReport) -> None:
    with pytest.raises(UsageError, match="unknown format 'xml'"):
        render_gaps(report, "xml", terminal=PLAIN)



def test_lists_overview_follows_the_terminal_rules() -> None:
    read = list(lists().values())
    plain = render_lists(read, "table", terminal=PLAIN)
    assert not ANSI.search(plain) and not BOX_DRAWING.search(plain)
    assert "2024-05-03" in plain and "14,965" in plain and "bundled snapshot" in plain
    assert BOX_DRAWING.search(render_lists(read, "table", terminal=TTY))
    assert [item["list"] for item in json.loads(render_lists(read, "json"))] == ["us", "uk", "ca"]


def test_a_dated_reference_list_gets_a_listing_date_column() -> None:
    report = compute_gaps(lists(), Scope(reference="uk", against=("us", "ca")), matcher(), now=NOW)
    text = render_gaps(report, "markdown")
    sections = markdown_sections(text)
    us_title = next(k for k in sections if k.startswith("Not sanctioned by US:"))
    assert "UK targets" in us_title
    header = next(line for line in sections[us_title] if line.startswith("| #"))
    assert "| UK programmes | UK listed |" in header
    rows = table_rows(sections[us_title])
    assert len(rows) == len(report.gaps("us"))
    assert all(re.search(r"\| \d{4}-\d\d-\d\d \|", row) for row in rows)
    assert "UK listed" in render_gaps(report, "table", terminal=PLAIN)


# --- v2: dates, the cells, the schema (issue 9) -------------------------------------------------------------


def dated_document() -> dict[str, Any]:
    return json.loads(render_gaps(dated_report(), "json"))


def test_real_output_validates_against_the_shipped_json_schema(document: dict[str, Any]) -> None:
    validate_gaps(document)
    validate_gaps(dated_document())
    changes = Changes(since=None, reason="the run history was damaged and set aside")
    validate_gaps(json.loads(render_gaps(small(gap_report(), *XINJIANG), "json", changes=changes)))
    with pytest.raises(AssertionError):  # the schema is strict: an undocumented field fails
        validate_gaps({**document, "extra": 1})
    with pytest.raises(AssertionError):
        validate_gaps({**document, "schema": "magcheck.gaps/1"})


def test_json_v2_keeps_every_v1_field_and_adds_the_dates() -> None:
    doc = dated_document()
    by_uid = {t["uid"]: t for t in doc["targets"]}
    zhu = by_uid["GHR0078"]  # UK 2021-03-22; Canada a day earlier; the US list has no dates
    assert zhu["listed"] == "2021-03-22"
    assert zhu["coverage"]["ca"]["uid"] == "china-p1-1" and zhu["coverage"]["ca"]["via"] == "list"
    assert zhu["by_government"]["ca"]["lag_days"] == -1 and zhu["by_government"]["ca"]["listed"] == "2021-03-21"
    assert zhu["by_government"]["us"]["status"] == "covered" and zhu["by_government"]["us"]["lag_days"] is None
    haq = by_uid["GHR0086"]  # Mian Abdul Haq, 2022-12-09: a US gap as of the US snapshot's date
    assert haq["by_government"]["us"]["gap_age_days"] == 511 and haq["by_government"]["us"]["as_of"] == "2024-05-03"
    assert doc["lists"]["us"]["as_of"] == "2024-05-03" and doc["lists"]["uk"]["as_of"] == "2025-04-14"
    timing = doc["summary"]["timing"]["ca"]
    lags = [t["by_government"]["ca"]["lag_days"] for t in doc["targets"]
            if t["by_government"]["ca"]["lag_days"] is not None]
    assert timing["covers_dated"] == len(lags) and timing["longest_lag_days"] == max(lags)
    assert doc["sort"] == "age" and doc["measures"] == "any"
    assert any("Canadian dates are the DateOfListing" in note for note in doc["date_notes"])


def test_csv_carries_the_dates_after_the_v1_columns() -> None:
    rows = {(r["uid"], r["government"]): r for r in read_csv(render_gaps(dated_report(), "csv"))}
    assert list(GAP_COLUMNS[:17])[-1] == "change" and GAP_COLUMNS[17:20] == ("as_of", "lag_days", "gap_age_days")
    zhu = rows[("GHR0078", "ca")]
    # a negative number starts with "-", so the formula guard (formats.csv_safe) quotes it: "'-1"
    assert zhu["lag_days"] in ("-1", "'-1") and zhu["gap_age_days"] == "" and zhu["via"] == "list"
    assert zhu["as_of"] == ""
    haq = rows[("GHR0086", "us")]
    assert haq["status"] in ("gap", "review") and haq["gap_age_days"] == "511" and haq["as_of"] == "2024-05-03"
    assert rows[("GHR0078", "us")]["measures"] == ""  # OFAC states no measures per entry


def test_tables_show_the_reference_date_and_the_gap_age_oldest_first() -> None:
    report = dated_report()
    sections = markdown_sections(render_gaps(report, "markdown"))
    title = next(k for k in sections if k.startswith("Not sanctioned by US:"))
    header = next(line for line in sections[title] if line.startswith("| #"))
    assert "| UK listed | gap age |" in header
    ages = [int(row.split("|")[8].strip().split()[0].replace(",", "")) for row in table_rows(sections[title])]
    assert ages == sorted(ages, reverse=True) and len(ages) == len(report.gaps("us"))
    assert "gap ages count to 2024-05-03" in "\n".join(sections[title])
    summary = "\n".join(sections["Summary"])
    assert "| US gaps older than 1 / 5 years |" in summary and "| CA lag behind UK |" in summary
    table = render_gaps(report, "table", terminal=Terminal.plain(width=200))
    assert "gap age" in table and "511 days" in table
    by_name = render_gaps(dataclasses.replace(report, sort="name"), "markdown")
    rows = table_rows(markdown_sections(by_name)[title])
    names = [row.split("|")[3].strip().casefold() for row in rows]
    assert names == sorted(names)


def test_the_us_listing_date_is_labelled_as_ofac_publishes_it() -> None:
    """With OFAC's enhanced export the US list has dates: the column says what they are, the notes warn."""
    us = lists()["us"]
    dated = dataclasses.replace(us, entries=[dataclasses.replace(e, listed=NOW.date() - timedelta(days=800))
                                             if e.uid == "29220" else e for e in us.entries])
    report = compute_gaps({**lists(), "us": dated}, Scope(name="Quanguo"), matcher(), now=NOW)
    text = render_gaps(report, "markdown")
    assert "| US listed (OFAC publication date) | gap age |" in text
    assert "a lag computed from it can overstate how far ahead the US was" in text
    (chen,) = json.loads(render_gaps(report, "json"))["targets"]
    assert chen["by_government"]["uk"]["gap_age_days"] == (lists()["uk"].date - (NOW.date() - timedelta(days=800))).days


def test_changes_that_could_not_compare_say_so_in_every_format(report: GapReport) -> None:
    report = small(report, *XINJIANG)
    reason = "the run history was damaged and set aside, so this run could not be compared with the previous one"
    changes = Changes(since=None, reason=reason)
    for fmt in ("table", "markdown", "html"):
        assert "could not be compared" in render_gaps(report, fmt, terminal=PLAIN, changes=changes), fmt
    doc = json.loads(render_gaps(report, "json", changes=changes))["changes"]
    assert doc["compared"] is False and doc["reason"] == reason and doc["since"] is None


def test_delistings_appear_in_every_format(report: GapReport) -> None:
    report = small(report, *XINJIANG)
    changes = Changes(since="2026-05-09T12:00:00+00:00",
                      delisted=[GapChange("us", "us", "16398", "A DELISTED TARGET")],
                      counterparts_delisted=[GapChange("uk", "us", "29219", "ZHU, Hailun", counterpart="GHR0078")])
    table = render_gaps(report, "table", terminal=PLAIN, changes=changes)
    assert "delisted by US (gone from the reference list): 1" in table
    assert "UK delisted ZHU, Hailun (uk:GHR0078), its counterpart of us:29219" in table
    assert "UK delisted ZHU, Hailun" in render_gaps(report, "markdown", changes=changes)
    doc = json.loads(render_gaps(report, "json", changes=changes))["changes"]
    assert doc["counterparts_delisted"][0]["counterpart"] == "GHR0078" and doc["delisted"][0]["uid"] == "16398"
    rows = {(r["uid"], r["government"]): r["change"] for r in read_csv(render_gaps(report, "csv", changes=changes))}
    assert rows[("29219", "uk")] == "counterpart delisted"
