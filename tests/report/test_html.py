"""The HTML report (`gaps --format html`, `gaps --matrix --format html`) on the real bundled snapshot, without a
browser: escaping, self-containment, structure, the numbers in cards, charts and tables, dates and size.
(tests/report/test_html_browser.py loads the same pages in headless Chromium.)"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from collections import Counter
from datetime import date

import lxml.html
import pytest
from lxml.html import HtmlElement

from magcheck.gaps import GapReport, MatrixReport, Scope, compute_gaps, compute_matrix
from magcheck.history import Changes, GapChange
from magcheck.model import Name, NameKind
from magcheck.report import render_gaps, render_matrix
from magcheck.report.html import clean, official_url, render_gaps_html, render_matrix_html
from magcheck.sources.us import DETAILS_URL
from tests.report.support import (
    CODES,
    NOW,
    entry,
    gap_report,
    lists,
    matcher,
    matrix_report,
    target,
    with_renamed_target,
)

OFFICIAL_LINK = re.compile(r"https://sanctionssearch\.ofac\.treas\.gov/Details\.aspx\?id=\d+")
XINJIANG = ("29220", "29299", "29159")  # Chen Quanguo, XPCC, Xinjiang PSB (see shared/data/README.md)


@pytest.fixture(scope="module")
def report() -> GapReport:
    return gap_report()


@pytest.fixture(scope="module")
def page(report: GapReport) -> str:
    return render_gaps_html(report)


@pytest.fixture(scope="module")
def doc(page: str) -> HtmlElement:
    return lxml.html.document_fromstring(page)


@pytest.fixture(scope="module")
def canada_report() -> GapReport:
    """Canada as the reference: its records carry listing dates, so the page shows lags and gap ages."""
    return compute_gaps(lists(), Scope(reference="ca", against=("us", "uk")), matcher(), now=NOW)


@pytest.fixture(scope="module")
def china_matrix() -> MatrixReport:
    return compute_matrix(lists(), CODES, Scope(country="China"), matcher(), now=NOW)


def small(report: GapReport, *uids: str) -> GapReport:
    return dataclasses.replace(report, targets=[target(uid) for uid in uids])


def bar_counts(doc: HtmlElement, chart: str, **where: str) -> int:
    selector = "".join(f'[@data-{k}="{v}"]' for k, v in where.items())
    return sum(int(rect.get("data-count")) for rect in doc.xpath(f'//svg[@id="{chart}"]//rect{selector}'))


def body_rows(doc: HtmlElement, table_id: str) -> list[HtmlElement]:
    return doc.xpath(f'//table[@id="{table_id}"]/tbody/tr')


# --- escaping ----------------------------------------------------------------------------------------------


def test_hostile_names_are_escaped_and_stripped_of_controls() -> None:
    hostile = "<script>alert('x')</script> & \"Co\"\x07\x1b[31m\x9b\u202eevil\nline"
    report = with_renamed_target("29299", hostile, new_uid="<img src=x onerror=alert(1)>")
    page = render_gaps_html(report)
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Co&quot;[31mevil line" in page
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", page)
    doc = lxml.html.document_fromstring(page)
    assert len(doc.xpath("//script")) == 2  # the page's own two, nothing from the data
    assert not doc.xpath("//img | //*[@onerror]")
    (article,) = doc.xpath('//article[.//h3//*[contains(text(), "alert")]]')
    assert article.get("id") == "ev-us-_3cimg_20src_3dx_20onerror_3dalert_281_29_3e"  # a safe anchor
    assert doc.xpath(f'//a[@href="#{article.get("id")}"]')  # and the tables link to it


def test_clean_keeps_text_and_drops_controls() -> None:
    assert clean("Quanguo\tCHEN\r\n\x00\x85\u2066Ltd\u2069") == "Quanguo CHEN Ltd"
    assert clean("Zhu Hailun (朱海仑) – Ürümqi") == "Zhu Hailun (朱海仑) – Ürümqi"


def test_right_to_left_names_are_isolated() -> None:
    """A real Hebrew name (Canada's record) as a target's name, and the UK's real Arabic name variants."""
    hebrew = next(n.text for n in entry("ca:extremist-settler-violence-p1-1").names if n.kind is NameKind.NON_LATIN)
    assert hebrew == "דוד חי חסדאי"
    page = render_gaps_html(with_renamed_target("29220", hebrew))
    assert page.count(f"<bdi>{hebrew}</bdi>") >= 3  # both gap tables and the evidence
    uk = compute_gaps(lists(), Scope(reference="uk", against=("us",), scope="all", country="Afghanistan"), matcher(),
                      now=NOW)
    arabic = next(n.text for n in entry("uk:AFG0007").other_names if n.kind is NameKind.NON_LATIN)
    assert arabic == "عبد الکبیر محمد جان"
    assert f"<bdi>{arabic}</bdi>" in render_gaps_html(uk)


# --- self-contained ------------------------------------------------------------------------------------------


def test_nothing_external_but_official_record_links(page: str, doc: HtmlElement) -> None:
    assert not doc.xpath("//link | //img | //iframe | //object | //embed | //*[@src]")
    assert not re.search(r"@import|url\(|//fonts\.", page)
    for url in re.findall(r"""https?://[^\s"'<>]+""", page):
        assert OFFICIAL_LINK.fullmatch(url), url
    for link in doc.xpath("//a[@href]"):
        href = link.get("href")
        assert href.startswith("#") or OFFICIAL_LINK.fullmatch(href), href


def test_official_links_only_where_the_government_publishes_a_record(report: GapReport, doc: HtmlElement) -> None:
    chen = entry("us:29220")
    assert official_url(chen) == DETAILS_URL.format("29220") == chen.raw.url
    assert official_url(entry("uk:GHR0078")) is None and official_url(entry("ca:china-p1-5")) is None
    links = {a.text_content(): a.get("href") for a in doc.xpath('//a[@class="key"]')}
    assert links["us:29220"] == "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=29220"
    assert all(key.startswith("us:") for key in links)
    assert doc.xpath('//span[@class="key" and text()="uk:GHR0078"]')  # Zhu Hailun's UK record: no page to link


def test_script_and_style_are_pinned_by_the_content_security_policy(doc: HtmlElement) -> None:
    (policy,) = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    for element in doc.xpath("//script | //style"):
        digest = base64.b64encode(hashlib.sha256(element.text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


# --- structure and numbers -----------------------------------------------------------------------------------


def test_page_structure(report: GapReport, doc: HtmlElement) -> None:
    assert len(doc.xpath("//h1")) == 1
    ids = Counter(doc.xpath("//@id"))
    assert all(n == 1 for n in ids.values()), [i for i, n in ids.items() if n > 1]
    for href in set(doc.xpath('//a[starts-with(@href, "#")]/@href')):
        assert href[1:] in ids, href  # every contents, card and table link lands somewhere
    assert len(doc.xpath('//article[@class="ev"]')) == len(report.targets)
    for table in doc.xpath('//table[@class="targets"]'):
        width = len(table.xpath("./thead/tr/th"))
        assert all(len(row.xpath("./td")) == width for row in table.xpath("./tbody/tr"))
    assert doc.xpath('//form[@id="filters"][@hidden]')  # no controls without the script
    assert not doc.xpath("//tbody/tr[@hidden]")  # and every row readable without it
    assert "@media print" in doc.xpath("//style")[0].text


def test_top_of_the_page_says_what_was_compared(report: GapReport, doc: HtmlElement) -> None:
    compared = doc.xpath('//p[@class="compared"]')[0].text_content()
    assert "Reference US · checked UK, CA" in compared and "GLOMAG, MAGNIT, UHRPA" in compared
    assert f"{len(report.targets):,} targets in scope" in compared
    alert = doc.xpath('//div[@class="alert"]')[0].text_content()
    assert alert.count("BUNDLED SNAPSHOT") == 3
    strip = doc.xpath('//ul[@class="lists"]')[0].text_content()
    assert "dated 2024-05-03 (snapshot date)" in strip and "dated 2025-04-14" in strip
    assert [a.text for a in doc.xpath('//nav[@class="toc"]//a')] == [
        "Charts", "Gaps: UK", "Gaps: CA", "Covered", "Evidence", "Lists and scores"]


def test_cards_charts_and_tables_agree_with_the_report(report: GapReport, doc: HtmlElement) -> None:
    for code in report.scope.against:
        gaps = report.gaps(code)
        review = sum(1 for t in gaps if t.coverage[code].review)
        (card,) = doc.xpath(f'//div[@class="card" and @data-gov="{code}"]')
        assert card.xpath('.//*[@data-card="gaps"]')[0].text == f"{len(gaps):,}"
        assert card.xpath('.//*[@data-card="review"]')[0].text == str(review)
        assert bar_counts(doc, "chart-gaps", gov=code, status="gap") == len(gaps) - review
        assert bar_counts(doc, "chart-gaps", gov=code, status="review") == review
        assert bar_counts(doc, "chart-gaps", gov=code, status="covered") == len(report.targets) - len(gaps)
        rows = body_rows(doc, f"t-gaps-{code}")
        assert len(rows) == len(gaps)
        assert [r.xpath("./td[3]")[0].text_content() for r in rows] == [t.entry.key for t in gaps]
    covered = [t for t in report.targets if len(t.missing_from) < len(report.scope.against)]
    assert len(body_rows(doc, "t-covered")) == len(covered)
    assert doc.xpath('//*[@data-card="missing-all"]')[0].text == f"{report.summary['missing_from_all']:,}"


def test_known_truths_show_in_the_tables(doc: HtmlElement) -> None:
    """Chen Quanguo: a UK gap that Canada covers (2024-12-09); Zhu Hailun covered by both."""
    uk_gaps = {r.xpath("./td[3]")[0].text_content() for r in body_rows(doc, "t-gaps-uk")}
    ca_gaps = {r.xpath("./td[3]")[0].text_content() for r in body_rows(doc, "t-gaps-ca")}
    assert "us:29220" in uk_gaps and "us:29220" not in ca_gaps
    assert {"us:29299", "us:29159"} <= uk_gaps & ca_gaps  # XPCC and the Xinjiang PSB: listed by neither
    covered = {r.xpath("./td[3]")[0].text_content(): r for r in body_rows(doc, "t-covered")}
    zhu = covered["us:29219"].text_content()
    assert "uk:GHR0078" in zhu and "ca:china-p1-1" in zhu and "listed 2021-03-21" in zhu
    assert covered["us:29220"].get("data-gov") == "ca"


def test_programme_chart_counts_each_programme(report: GapReport, doc: HtmlElement) -> None:
    glomag = [t for t in report.targets if "GLOMAG" in t.entry.programs]
    for code in report.scope.against:
        gaps = sum(1 for t in glomag if code in t.missing_from)
        assert bar_counts(doc, "chart-programmes", gov=code, prog="GLOMAG", status="gap") == gaps
        assert bar_counts(doc, "chart-programmes", gov=code, prog="GLOMAG", status="covered") == len(glomag) - gaps


def test_filter_options_count_targets(report: GapReport, doc: HtmlElement) -> None:
    options = {o.get("value"): o.text for o in doc.xpath('//select[@data-key="country"]/option')}
    china = sum(1 for t in report.targets if "China" in (t.entry.nationalities or t.entry.citizenships
                                                         or t.entry.countries))
    assert options["China"] == f"China ({china:,})"
    types = {o.get("value"): o.text for o in doc.xpath('//select[@data-key="type"]/option')}
    assert types["vessel"] == f"vessel ({sum(1 for t in report.targets if t.entry.type.value == 'vessel'):,})"


def test_evidence_gives_the_explain_detail(doc: HtmlElement) -> None:
    """Krivoruchko: the UK near-miss falls to review on a conflicting date of birth; every step is shown."""
    (article,) = doc.xpath('//article[@id="ev-us-15885"]')
    content = " ".join(article.text_content().split())
    assert "KRIVORUCHKO, Aleksey" in content and "SDN.CSV" in content
    assert "UK: covered by uk:GHR0024" in content
    assert "names compared" in content and "token alignment" in content and "final score" in content
    (chen,) = doc.xpath('//article[@id="ev-us-29220"]')
    chen_text = " ".join(chen.text_content().split())
    assert "UK: gap — no entry with a similar name" in chen_text
    assert "CA: covered by ca:china-p1-5" in chen_text and "MATCH (score >= 0.85)" in chen_text
    assert "+0.025 dob-year: born 1955 vs 1955-11" in chen_text


def test_page_size_of_the_default_job(page: str) -> None:
    """About 1.3 MB for 757 targets with their evidence (measured); the bound catches a doubling."""
    assert len(page.encode()) < 2_500_000


# --- dates ---------------------------------------------------------------------------------------------------


def test_the_page_shows_the_reports_own_lag_and_age() -> None:
    """Canada's China regulations as the reference: Chen Quanguo (2024-12-09) is a UK gap, Zhu Hailun
    (2021-03-21) the UK listed a day later; the page shows the figures the report computed (gaps.Cell)."""
    report = compute_gaps(lists(), Scope(reference="ca", against=("us", "uk"), programs=("China",)), matcher(),
                          now=NOW)
    by_uid = {t.entry.uid: t for t in report.targets}
    chen, zhu = by_uid["china-p1-5"], by_uid["china-p1-1"]
    assert chen.entry.listed == date(2024, 12, 9) and zhu.entry.listed == date(2021, 3, 21)
    assert chen.cell("uk").gap_age_days == (date(2025, 4, 14) - date(2024, 12, 9)).days == 126
    assert chen.cell("uk").lag_days is None
    assert zhu.cell("uk").lag_days == 1  # UK GHR0078, listed 2021-03-22
    assert zhu.cell("us").lag_days is None and chen.cell("us").gap_age_days is None  # SDN.CSV gives no dates
    page = render_gaps_html(report)
    assert "(+1 days)" in page and ">126<" in page


def test_dates_bring_the_age_chart_and_the_lag_cards(canada_report: GapReport) -> None:
    doc = lxml.html.document_fromstring(render_gaps_html(canada_report))
    (uk_card,) = doc.xpath('//div[@class="card" and @data-gov="uk"]')
    assert "median lag" in uk_card.text_content() and "oldest gap" in uk_card.text_content()
    dated_gaps = [t for t in canada_report.gaps("uk") if t.entry.listed]
    assert bar_counts(doc, "chart-age", gov="uk") == len(dated_gaps)
    (us_card,) = doc.xpath('//div[@class="card" and @data-gov="us"]')
    assert "median lag" not in us_card.text_content()  # the US list gives no dates to take a lag from


def test_no_age_chart_without_dates(doc: HtmlElement) -> None:
    assert not doc.xpath('//svg[@id="chart-age"]')
    assert "median lag" not in doc.xpath('//div[@class="cards"]')[0].text_content()


# --- changes, an empty government, the wiring ---------------------------------------------------------------


def test_changes_section_and_new_gap_marks(report: GapReport) -> None:
    report = small(report, *XINJIANG)
    changes = Changes(since="2026-05-09T12:00:00+00:00",
                      new=[GapChange("ca", "us", "29299", "XINJIANG PRODUCTION AND CONSTRUCTION CORPS")],
                      closed=[GapChange("ca", "us", "29220", "CHEN, Quanguo")])
    doc = lxml.html.document_fromstring(render_gaps_html(report, changes))
    assert doc.xpath('//section[@id="changes"]/h3/text()')[:2] == ["new gaps (not gaps in the previous run): 1",
                                                                     "closed gaps (now sanctioned): 1"]
    marked = doc.xpath('//table[@id="t-gaps-ca"]//tr[.//span[text()="new gap"]]/td[3]')
    assert [td.text_content() for td in marked] == ["us:29299"]


def test_a_government_without_gaps() -> None:
    report = small(gap_report(), "29219", "29162")  # Zhu Hailun and Wang Mingshan: listed by both
    doc = lxml.html.document_fromstring(render_gaps_html(report))
    assert "UK has sanctioned every target in scope." in doc.xpath('//section[@id="gaps-uk"]')[0].text_content()
    assert not doc.xpath('//table[@id="t-gaps-uk"]') and len(body_rows(doc, "t-covered")) == 2


def test_render_gaps_and_matrix_dispatch_here(report: GapReport, china_matrix: MatrixReport) -> None:
    sample = small(report, *XINJIANG)
    assert render_gaps(sample, "html") == render_gaps_html(sample)
    assert render_matrix(china_matrix, "html") == render_matrix_html(china_matrix)


# --- the matrix page -----------------------------------------------------------------------------------------


def test_matrix_page(china_matrix: MatrixReport) -> None:
    page = render_matrix_html(china_matrix)
    doc = lxml.html.document_fromstring(page)
    rows = body_rows(doc, "t-matrix")
    assert len(rows) == len(china_matrix.rows)
    listed_by = Counter(tuple(c for c in CODES if r.entries.get(c)) for r in china_matrix.rows)
    for combo, n in listed_by.items():
        assert bar_counts(doc, "chart-combos", combo="+".join(combo)) == n
    for a in CODES:
        mine = [r for r in china_matrix.rows if r.entries.get(a)]
        for b in CODES:
            (cell,) = doc.xpath(f'//svg[@id="chart-heat"]//rect[@data-row="{a}" and @data-col="{b}"]')
            assert (int(cell.get("data-count")), int(cell.get("data-of"))) == (
                sum(1 for r in mine if r.entries.get(b)), len(mine))
    (chen,) = [r for r in rows if "us:29220" in r.text_content()]
    cells = [td.text_content() for td in chen.xpath("./td")]
    assert cells[4:7] == ["listed us:29220", "not listed", "2024-12-09 ca:china-p1-5"]
    assert chen.get("data-gov") == "+us|-uk|+ca"
    for url in re.findall(r"""https?://[^\s"'<>]+""", page):
        assert OFFICIAL_LINK.fullmatch(url), url
    assert doc.xpath('//*[@data-card="all"]')[0].text == str(sum(1 for r in china_matrix.rows
                                                                 if all(r.entries.get(c) for c in CODES)))


def test_matrix_escapes_names(china_matrix: MatrixReport) -> None:
    first = china_matrix.rows[0]
    code, entries = next(iter(first.entries.items()))
    hostile = dataclasses.replace(entries[0], name=Name("</td><script>x()</script>"))
    row = dataclasses.replace(first, entries={**first.entries, code: [hostile, *entries[1:]]})
    page = render_matrix_html(dataclasses.replace(china_matrix, rows=[row, *china_matrix.rows[1:]]))
    assert "<script>x()" not in page and "&lt;/td&gt;&lt;script&gt;x()&lt;/script&gt;" in page


def test_matrix_marks_every_gap() -> None:
    """Chen Quanguo (not UK), XPCC (neither UK nor Canada) and the XPCC Public Security Bureau (not US)."""
    report = matrix_report()
    keep = [next(r for r in report.rows if any(e.uid == uid for e in r.entries.get(code, [])))
            for code, uid in (("us", "29220"), ("us", "29299"), ("uk", "GHR0079"))]
    doc = lxml.html.document_fromstring(render_matrix_html(dataclasses.replace(report, rows=keep)))
    marks = [[td.text_content() == "not listed" for td in row.xpath("./td")[4:7]] for row in body_rows(doc, "t-matrix")]
    assert marks == [[False, True, False], [False, True, True], [True, False, False]]
