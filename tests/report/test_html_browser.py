"""The HTML report in a real browser: Debian's Chromium, headless, driven by Playwright.

Real reports from the bundled snapshot (the default job, and a `--matrix --country China` matrix) are written
to tmp_path and opened from file://. The checks: cards and charts render with the right numbers, clicking a
header sorts, the filters filter (row counts match the data), the evidence anchors work, printing hides the
controls, and no request leaves the page. Screenshots are saved under tmp_path.

Without Chromium or Playwright the module is skipped, except in CI (`CI` set), where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from magcheck.gaps import GapReport, MatrixReport, Scope, compute_gaps, compute_matrix
from magcheck.report.html import render_gaps_html, render_matrix_html
from tests.report.support import CODES, NOW, gap_report, lists, matcher

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_path() -> str | None:
    for candidate in (os.environ.get("MAGCHECK_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@dataclass
class Browser:
    context: Any  # playwright BrowserContext
    requests: list[str] = field(default_factory=list)  # every URL any page asked for

    def open(self, path: Path) -> Any:
        page = self.context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        return page


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium for the module, with a fresh profile; network requests are recorded and refused."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    problem = ("playwright is not installed (pip install playwright)" if sync_playwright is None else
               "no Chromium found (apt-get install chromium)" if executable is None else None)
    if problem is not None:
        if in_ci():
            pytest.fail(f"the browser tests must run in CI: {problem}")
        pytest.skip(problem)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=executable, args=FLAGS,
            viewport=VIEWPORT, headless=True)
        found = Browser(context)
        context.on("request", lambda request: found.requests.append(request.url))
        context.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                      else route.continue_())
        yield found
        context.close()


@pytest.fixture(scope="module")
def report() -> GapReport:
    return gap_report()


@pytest.fixture(scope="module")
def gaps_file(report: GapReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "gaps.html"
    path.write_text(render_gaps_html(report), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gaps_page(browser: Browser, gaps_file: Path) -> Iterator[Any]:
    page = browser.open(gaps_file)
    yield page
    page.close()


@pytest.fixture(scope="module")
def china_matrix() -> MatrixReport:
    return compute_matrix(lists(), CODES, Scope(country="China"), matcher(), now=NOW)


def visible_rows(page: Any, table_id: str) -> int:
    return int(page.evaluate(
        "id => Array.from(document.querySelectorAll('#' + id + ' tbody tr')).filter(r => !r.hidden).length",
        table_id))


def column_texts(page: Any, table_id: str, column: int) -> list[str]:
    return list(page.evaluate(
        "([id, n]) => Array.from(document.querySelectorAll('#' + id + ' tbody tr'))"
        ".filter(r => !r.hidden).map(r => r.cells[n].textContent)", [table_id, column]))


def set_filter(page: Any, key: str, value: str) -> None:
    if key == "text":
        page.fill("#filters input[type=search]", value)
    else:
        page.select_option(f'#filters select[data-key="{key}"]', value)


def clear_filters(page: Any) -> None:
    page.click("#filters button[type=reset]")
    page.wait_for_function("() => !document.querySelector('#filters input[type=search]').value")
    page.wait_for_function("() => document.querySelectorAll('tbody tr[hidden]').length === 0")


# --- the default job ----------------------------------------------------------------------------------------


def test_cards_and_charts_render(gaps_page: Any, report: GapReport, tmp_path: Path) -> None:
    page = gaps_page
    page.screenshot(path=str(tmp_path / "gaps-top.png"))
    assert (tmp_path / "gaps-top.png").stat().st_size > 10_000
    for code in report.scope.against:
        card = page.locator(f'.card[data-gov="{code}"]')
        assert card.is_visible()
        assert card.locator('[data-card="gaps"]').inner_text() == f"{len(report.gaps(code)):,}"
        bars = page.locator(f'#chart-gaps rect.bar[data-gov="{code}"]')
        counts = {bars.nth(i).get_attribute("data-status"): int(bars.nth(i).get_attribute("data-count"))
                  for i in range(bars.count())}
        assert counts["gap"] + counts["review"] == len(report.gaps(code))
        widths = {bars.nth(i).get_attribute("data-status"): bars.nth(i).bounding_box()["width"]
                  for i in range(bars.count())}
        assert widths["gap"] / widths["covered"] == pytest.approx(counts["gap"] / counts["covered"], rel=0.02)
    top = page.locator(".cards").bounding_box()
    assert top["y"] + top["height"] <= VIEWPORT["height"]  # the summary cards are above the fold
    assert page.locator("nav.toc").bounding_box()["y"] < VIEWPORT["height"]
    assert page.locator("#chart-programmes rect.bar").count() > 0


def test_the_script_runs_and_shows_the_filters(gaps_page: Any, report: GapReport) -> None:
    assert gaps_page.locator("#filters").is_visible()
    assert gaps_page.locator("html.js.ready").count() == 1
    total = sum(len(report.gaps(code)) for code in report.scope.against)
    covered = sum(1 for t in report.targets if len(t.missing_from) < len(report.scope.against))
    assert gaps_page.locator("#filters output").inner_text() == f"{total + covered:,} matching rows"


def test_clicking_a_header_sorts(gaps_page: Any, report: GapReport) -> None:
    page, table = gaps_page, "t-gaps-uk"
    gaps = report.gaps("uk")
    header = page.locator(f"#{table} thead th").nth(2).locator("button")  # "US id"
    header.click()
    ids = [int(text.split(":")[1]) for text in column_texts(page, table, 2)]
    assert ids == sorted(int(t.entry.uid) for t in gaps)
    assert page.locator(f"#{table} thead th").nth(2).get_attribute("aria-sort") == "ascending"
    header.click()
    assert [int(text.split(":")[1]) for text in column_texts(page, table, 2)] == sorted(ids, reverse=True)
    near = page.locator(f"#{table} thead th").last.locator("button")  # near-miss score: numbers, blanks last
    near.click()
    scores = sorted(t.coverage["uk"].review[0].score for t in gaps if t.coverage["uk"].review)
    shown = column_texts(page, table, -1 + len(page.locator(f"#{table} thead th").all()))
    assert [float(text.split()[0]) for text in shown[:len(scores)]] == [round(s, 2) for s in scores]
    assert all(text == "" for text in shown[len(scores):])
    page.locator(f"#{table} thead th").first.locator("button").click()  # back to the report's order
    assert column_texts(page, table, 2)[:3] == [t.entry.key for t in gaps[:3]]


def test_typing_and_choosing_filter_the_rows(gaps_page: Any, report: GapReport, gaps_file: Path) -> None:
    page = gaps_page
    uk, ca = report.gaps("uk"), report.gaps("ca")
    assert visible_rows(page, "t-gaps-uk") == len(uk)
    set_filter(page, "text", "xinjiang")
    html_rows = lxml.html.parse(str(gaps_file)).xpath('//table[@id="t-gaps-uk"]/tbody/tr')
    expected = sum(1 for row in html_rows if "xinjiang" in row.text_content().casefold())
    assert expected >= 2  # the Xinjiang PSB and XPCC at least
    page.wait_for_function(f"() => document.querySelectorAll('#t-gaps-uk tbody tr:not([hidden])').length === "
                           f"{expected}")
    assert "us:29159" in column_texts(page, "t-gaps-uk", 2) and "us:29299" in column_texts(page, "t-gaps-uk", 2)
    clear_filters(page)
    set_filter(page, "type", "vessel")
    assert visible_rows(page, "t-gaps-uk") == sum(1 for t in uk if t.entry.type.value == "vessel")
    set_filter(page, "country", "China")
    china_vessels = [t for t in ca if t.entry.type.value == "vessel" and "China" in (
        t.entry.nationalities or t.entry.citizenships or t.entry.countries)]
    assert visible_rows(page, "t-gaps-ca") == len(china_vessels) > 0
    set_filter(page, "gov", "ca")
    assert page.locator("#gaps-uk").is_hidden() and page.locator("#gaps-ca").is_visible()
    assert visible_rows(page, "t-covered") == sum(
        1 for t in report.targets if t.coverage["ca"].matches and t.entry.type.value == "vessel"
        and "China" in (t.entry.nationalities or t.entry.citizenships or t.entry.countries))
    clear_filters(page)
    assert visible_rows(page, "t-gaps-uk") == len(uk) and page.locator("#gaps-uk").is_visible()
    set_filter(page, "text", "no such target anywhere")
    assert page.locator("#t-gaps-uk-empty").is_visible()
    clear_filters(page)


def test_a_target_links_to_its_evidence(gaps_page: Any) -> None:
    page = gaps_page
    page.locator('#t-gaps-uk a[href="#ev-us-29220"]').click()
    page.wait_for_function("() => location.hash === '#ev-us-29220'")
    article = page.locator("#ev-us-29220")
    box = article.bounding_box()
    assert 0 <= box["y"] < VIEWPORT["height"]  # scrolled into view, below the sticky contents bar
    assert "CA: covered by ca:china-p1-5" in article.inner_text()
    official = article.locator("h3 a.key")
    assert official.get_attribute("href") == "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=29220"
    page.evaluate("window.scrollTo(0, 0)")


def test_printing_hides_the_controls_and_keeps_the_headers(gaps_page: Any) -> None:
    page = gaps_page
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    try:
        assert page.locator("#filters").is_hidden() and page.locator("nav.toc").is_hidden()
        assert page.locator("#t-gaps-uk").is_visible()
        assert page.locator("th > button.sort:not([hidden])").count() == 0  # Chrome repeats plain headers only
        assert page.locator("#t-gaps-uk thead th").nth(1).inner_text() == "name"
    finally:
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
        page.emulate_media(media="screen")
    assert page.locator("#t-gaps-uk thead th").nth(1).locator("button").inner_text() == "name"


def test_without_javascript_every_row_reads(browser: Browser, gaps_file: Path, report: GapReport,
                                            tmp_path: Path) -> None:
    """The same page with its scripts refused by its own policy, as in a browser with JavaScript off."""
    page_text = gaps_file.read_text(encoding="utf-8")
    no_script = re.sub(r"script-src [^;]+;", "script-src 'none';", page_text, count=1)
    assert no_script != page_text
    path = tmp_path / "no-script.html"
    path.write_text(no_script, encoding="utf-8")
    page = browser.open(path)
    try:
        assert page.locator("html.js").count() == 0 and page.locator("#filters").is_hidden()
        assert page.locator("th button.sort").count() == 0
        for code in report.scope.against:
            assert visible_rows(page, f"t-gaps-{code}") == len(report.gaps(code))
            assert page.locator(f"#t-gaps-{code} tbody tr").last.is_visible()
        assert page.locator("#chart-gaps rect.bar").first.is_visible()
    finally:
        page.close()


def test_a_long_table_shows_its_first_rows_then_more(browser: Browser, tmp_path: Path) -> None:
    """Every US programme, targets naming Russia: Canada has not listed thousands, more than the first page."""
    report = compute_gaps(lists(), Scope(scope="all", country="Russia"), matcher(), now=NOW)
    gaps = len(report.gaps("ca"))
    assert gaps > 1500
    path = tmp_path / "russia.html"
    path.write_text(render_gaps_html(report), encoding="utf-8")
    page = browser.open(path)
    try:
        first = visible_rows(page, "t-gaps-ca")
        assert first in (400, 1000)  # a page of 1,000 rows, or 400 when the whole page holds over 3,000
        assert page.locator("#t-gaps-ca-shown").inner_text() == f"Showing the first {first:,} of {gaps:,} rows"
        page.locator("#gaps-ca p.more button", has_text="Show all").click()
        assert visible_rows(page, "t-gaps-ca") == gaps
        assert page.locator("#gaps-ca p.more").is_hidden()
        set_filter(page, "text", "bank")  # a filter starts again from the first page of what matches
        rows = lxml.html.parse(str(path)).xpath('//table[@id="t-gaps-ca"]/tbody/tr')
        matching = sum(1 for row in rows if "bank" in row.text_content().casefold())
        assert 0 < matching < first and visible_rows(page, "t-gaps-ca") == matching
    finally:
        page.close()


# --- the matrix ---------------------------------------------------------------------------------------------


def test_matrix_renders_sorts_and_filters(browser: Browser, china_matrix: MatrixReport, tmp_path: Path) -> None:
    path = tmp_path / "matrix.html"
    path.write_text(render_matrix_html(china_matrix), encoding="utf-8")
    page = browser.open(path)
    try:
        page.screenshot(path=str(tmp_path / "matrix-top.png"))
        rows = china_matrix.rows
        assert visible_rows(page, "t-matrix") == len(rows)
        cells = page.locator("#chart-heat rect.cell")
        assert cells.count() == len(CODES) ** 2 and cells.first.bounding_box()["width"] > 50
        us_uk = page.locator('#chart-heat rect[data-row="uk"][data-col="us"]')
        assert int(us_uk.get_attribute("data-count")) == sum(1 for r in rows if r.entries.get("uk")
                                                             and r.entries.get("us"))
        set_filter(page, "gov", "-uk")
        assert visible_rows(page, "t-matrix") == sum(1 for r in rows if not r.entries.get("uk"))
        set_filter(page, "gov", "+ca")
        assert visible_rows(page, "t-matrix") == sum(1 for r in rows if r.entries.get("ca"))
        page.locator("#t-matrix thead th").last.locator("button").click()  # "listed by": ascending counts
        counts = [int(text) for text in column_texts(page, "t-matrix", -1 + page.locator("#t-matrix thead th").count())]
        assert counts == sorted(counts) and counts[-1] == len(CODES)
    finally:
        page.close()


def test_no_request_leaves_the_page(browser: Browser, gaps_file: Path) -> None:
    """Runs last in the module: by now both pages were loaded, sorted, filtered and followed."""
    page = browser.open(gaps_file)
    page.close()
    assert browser.requests, "the request recorder saw nothing"
    assert all(url.startswith("file://") for url in browser.requests), [
        url for url in browser.requests if not url.startswith("file://")]
