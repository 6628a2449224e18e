"""The HTML report: one self-contained page that advocates and lawyers can hand on.

Above the fold: what was compared, each list's date and origin, the loud warnings, a summary card per
government and a table of contents. Then charts drawn here as inline SVG (each with its numbers in a table),
the target tables (plain HTML, so the page reads without JavaScript; the inline script only sorts and filters
rows that are already there), and per target the evidence behind its verdict, as `magcheck explain` gives it.

The page loads nothing: CSS and script are inline and pinned by a Content-Security-Policy, and the only
links that leave it are the official per-entry pages a government publishes (OFAC's SDN detail page).
Every value from a list is escaped, stripped of control characters and wrapped in `<bdi>` where it is a name,
so right-to-left names cannot reorder the text around them.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from magcheck.gaps import Cell, GapReport, MatrixReport, MatrixRow, Target
from magcheck.matching.coverage import Counterpart, Coverage, Thresholds
from magcheck.model import Entry, SanctionsList
from magcheck.report import data
from magcheck.report.lists import date_label
from magcheck.report.lookup import score_arithmetic, token_pairs_text, unmatched_text, verdict, verdict_text
from magcheck.report.matrix import title as matrix_title
from magcheck.sources import get_source
from magcheck.sources.us import DETAILS_URL

if TYPE_CHECKING:
    from magcheck.history import Changes

COVERED, REVIEW, GAP = "covered", "review", "gap"  # data.coverage_status values
COLOURS = {COVERED: "#0072B2", REVIEW: "#E69F00", GAP: "#D55E00"}  # Okabe-Ito: safe for colour-blind readers
STATUS_LABELS = {COVERED: "covered", REVIEW: "gap, near-miss to review", GAP: "gap"}
HEAT = ("#eff5fb", "#d0e1f2", "#a9cce3", "#6baed6", "#3182bd", "#08519c", "#08306b")  # one hue, light to dark
TOP_PROGRAMMES = 12  # the coverage-by-programme chart shows the largest programmes, then "other"
AGE_BINS = 12  # gap-age histogram: one bar per year, the last one open-ended
OTHER_NAMES_SHOWN = 8
DAYS_PER_YEAR = 365.25


# --- text: every value from a list goes through `text` -------------------------------------------------------

_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # C0, C1, bidi overrides
_BREAKS = re.compile("[\t\n\x0b\x0c\r\u2028\u2029]+")


def clean(value: object) -> str:
    """One line of text without control characters (they break layout or hide text from the reader)."""
    return _CONTROLS.sub("", _BREAKS.sub(" ", str(value)))


def text(value: object) -> str:
    """Escaped for HTML text and attribute values alike."""
    return html.escape(clean(value), quote=True)


def name_html(value: str) -> str:
    return f"<bdi>{text(value)}</bdi>"


def token_attr(values: Iterable[str]) -> str:
    """Filter tokens for a `data-*` attribute, joined by `|` (which therefore may not occur inside one)."""
    return text("|".join(dict.fromkeys(clean(v).replace("|", "/") for v in values if v)))


def official_url(entry: Entry) -> str | None:
    """The government's own public page for this record, where it has one; never a guessed address."""
    if entry.raw is not None and entry.raw.url:
        return entry.raw.url if entry.raw.url.startswith("https://") else None
    if entry.list == "us" and entry.uid.isdigit():
        return DETAILS_URL.format(entry.uid)
    return None


def key_html(entry: Entry) -> str:
    """`us:29220`, linked to the official record when there is one."""
    url = official_url(entry)
    if url is None:
        return f'<span class="key">{text(entry.key)}</span>'
    return f'<a class="key" href="{text(url)}" rel="noopener" target="_blank">{text(entry.key)}</a>'


def anchor(entry: Entry) -> str:
    return "ev-" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f"_{ord(m.group()):x}", entry.key.replace(":", "-"))


def plural(count: int, word: str) -> str:
    return f"{count:,} {word if count == 1 else word + 's'}"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def country_values(entry: Entry) -> list[str]:
    """The values `data.nationality` joins, kept apart for the country filter."""
    return list(dict.fromkeys(entry.nationalities or entry.citizenships or entry.countries))


def shorten(value: str, limit: int) -> str:
    """A chart label that fits its column; the full text goes in the label's tooltip and the numbers table."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def years(days: int) -> str:
    return f"{days / DAYS_PER_YEAR:.1f} years"


# --- counts shared by the cards, the charts and their tables ------------------------------------------------


@dataclass(frozen=True)
class GovernmentCounts:
    code: str
    total: int
    covered: int
    review: int  # gaps with a near-miss to review
    gap: int  # gaps with nothing close
    lags: tuple[int, ...]  # days, covered targets with both dates
    ages: tuple[tuple[int, Target], ...]  # days, gaps whose reference listing date is known

    @property
    def gaps(self) -> int:
        return self.review + self.gap

    @property
    def oldest(self) -> tuple[int, Target] | None:
        return max(self.ages, key=lambda pair: pair[0]) if self.ages else None


def government_counts(report: GapReport, code: str) -> GovernmentCounts:
    """Every figure from the report's own cells (`gaps.Cell`), so the page counts as every other format does
    (a cover only through the UN listing is a cover)."""
    status = Counter(t.cell(code).status for t in report.targets)
    lags, ages = [], []
    for target in report.targets:
        cell = target.cell(code)
        if cell.lag_days is not None:
            lags.append(cell.lag_days)
        if cell.gap_age_days is not None:
            ages.append((cell.gap_age_days, target))
    return GovernmentCounts(code, len(report.targets), status[COVERED], status[REVIEW], status[GAP], tuple(lags),
                            tuple(ages))


# --- the page shell -----------------------------------------------------------------------------------------


@cache
def asset(name: str) -> str:
    return resources.files("magcheck.report").joinpath("assets", name).read_text(encoding="utf-8")


def csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


JS_FLAG = 'document.documentElement.classList.add("js");'  # before the body: CSS then lays out less (report.css)


def page(title: str, body: Sequence[str]) -> str:
    """A complete page; `body` is already-escaped HTML. The policy lets only the page's own style and scripts run
    and loads nothing (links to official records are navigation, which it does not restrict)."""
    style, script = asset("report.css"), asset("report.js")
    policy = (f"default-src 'none'; style-src {csp_hash(style)}; script-src {csp_hash(JS_FLAG)} {csp_hash(script)}; "
              "base-uri 'none'; form-action 'none'")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="magcheck">',
        f"<title>{text(title)}</title>",
        f"<style>{style}</style>",
        f"<script>{JS_FLAG}</script>",
        "</head>",
        "<body>",
        "<main>",
        *body,
        "</main>",
        f"<script>{script}</script>",
        "</body>",
        "</html>",
        "",
    ])


def generated_text(generated: datetime) -> str:
    return generated.strftime("%Y-%m-%d %H:%M %Z").strip()


def warnings_html(report_lists: Mapping[str, SanctionsList], generated: datetime) -> str:
    notes = [note for lst in report_lists.values() for note in data.list_warnings(lst, generated)]
    if not notes:
        return ""
    items = "".join(f"<li>{text(note)}</li>" for note in notes)
    return f'<div class="alert" role="alert"><strong>&#9888; Warning</strong><ul>{items}</ul></div>'


def list_badge(lst: SanctionsList, generated: datetime) -> str:
    if data.is_bundled(lst):
        return ' <span class="badge warn">BUNDLED SNAPSHOT</span>'
    if lst.date is None:
        return ' <span class="badge warn">DATE NOT STATED</span>'
    age = data.age_days(lst, generated)
    if age is not None and age > data.STALE_AFTER_DAYS:
        return f' <span class="badge warn">{age:,} DAYS OLD</span>'
    return ""


def lists_strip(report_lists: Mapping[str, SanctionsList], generated: datetime) -> str:
    """Each list: code, title, date (honest about its source), size and where it was read from."""
    items = []
    for code, lst in report_lists.items():
        age = data.age_days(lst, generated)
        age_text = f" ({age:,} days before this report)" if age is not None else ""
        items.append(f'<li><span class="code">{text(code.upper())}</span>{list_badge(lst, generated)}<br>'
                     f"{text(lst.title)}<br>dated <b>{text(date_label(lst))}</b>{text(age_text)} · "
                     f"{len(lst.entries):,} entries · read from {text(data.origin_text(lst) or 'unknown')}</li>")
    return f'<ul class="lists" aria-label="Lists compared">{"".join(items)}</ul>'


def toc(items: Sequence[tuple[str, str, str]]) -> str:
    """(anchor, label, count note) per section."""
    links = "".join(f'<li><a href="#{text(target)}">{text(label)}</a>'
                    f'{f" <span class=n>{text(note)}</span>" if note else ""}</li>' for target, label, note in items)
    return f'<nav class="toc" aria-label="Contents"><ol>{links}</ol></nav>'


def meter(parts: Sequence[tuple[str, int]], label: str) -> str:
    """A one-line stacked bar (status, count) for a summary card."""
    whole = sum(count for _, count in parts) or 1
    x, rects = 0.0, []
    for status, count in parts:
        width = 300 * count / whole
        rects.append(f'<rect x="{x:.2f}" width="{width:.2f}" height="8" fill="{COLOURS[status]}"/>')
        x += width
    return (f'<svg class="meter" viewBox="0 0 300 8" preserveAspectRatio="none" role="img" '
            f'aria-label="{text(label)}">{"".join(rects)}</svg>')


# --- charts -------------------------------------------------------------------------------------------------


def svg(width: int, height: int, title: str, description: str, inner: Sequence[str], chart_id: str) -> str:
    return (f'<svg id="{chart_id}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-labelledby="{chart_id}-t {chart_id}-d"><title id="{chart_id}-t">{text(title)}</title>'
            f'<desc id="{chart_id}-d">{text(description)}</desc>{"".join(inner)}</svg>')


def svg_text(x: float, y: float, value: str, css: str = "", anchor_at: str = "start", title: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    end = f' text-anchor="{anchor_at}"' if anchor_at != "start" else ""
    tip = f"<title>{text(title)}</title>" if title and title != value else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{cls}{end}>{tip}{text(value)}</text>'


def bar_segment(x: float, y: float, width: float, height: float, status: str, count: int, label: str,
                **attributes: str) -> str:
    extra = "".join(f' data-{k}="{text(v)}"' for k, v in attributes.items())
    return (f'<rect class="bar" x="{x:.2f}" y="{y:.1f}" width="{width:.2f}" height="{height}" '
            f'fill="{COLOURS[status]}" data-status="{status}" data-count="{count}"{extra}>'
            f"<title>{text(label)}</title></rect>")


def legend(statuses: Sequence[str]) -> str:
    items = "".join(f'<li class="l-{s}">{text(STATUS_LABELS[s])}</li>' for s in statuses)
    return f'<ul class="legend" aria-hidden="true">{items}</ul>'


def numbers_table(headers: Sequence[str], rows: Iterable[Sequence[object]], caption: str) -> str:
    head = "".join(f'<th scope="col"{" class=num" if i else ""}>{text(x)}</th>' for i, x in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if i else ""}>{text(v)}</td>' for i, v in enumerate(row))
                   + "</tr>" for row in rows)
    return (f'<table class="numbers"><caption class="muted small">{text(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def figure(caption: str, note: str, chart: str, numbers: str, chart_legend: str = "") -> str:
    return (f'<figure><figcaption>{text(caption)} <span>{text(note)}</span></figcaption>{chart_legend}'
            f'<div class="figrow"><div>{chart}</div><div>{numbers}</div></div></figure>')


def gaps_bar_chart(counts: Sequence[GovernmentCounts], reference: str) -> str:
    """One stacked bar per government: its gaps (with and without a near-miss) and the targets it covers."""
    width, label_w, right_w, bar_h, gap_h = 820, 70, 150, 26, 14
    plot = width - label_w - right_w
    height = len(counts) * (bar_h + gap_h) + gap_h
    inner = []
    for i, c in enumerate(counts):
        y = gap_h + i * (bar_h + gap_h)
        x = float(label_w)
        inner.append(svg_text(label_w - 10, y + bar_h / 2 + 4, c.code.upper(), "lbl", "end"))
        for status, count in ((GAP, c.gap), (REVIEW, c.review), (COVERED, c.covered)):
            w = plot * count / c.total if c.total else 0
            label = f"{c.code.upper()}: {plural(count, 'target')} {STATUS_LABELS[status]}"
            inner.append(bar_segment(x, y, w, bar_h, status, count, label, gov=c.code))
            if w > 34:
                inner.append(svg_text(x + w / 2, y + bar_h / 2 + 4, f"{count:,}", "in", "middle"))
            x += w
        inner.append(svg_text(label_w + plot + 10, y + bar_h / 2 + 4, f"{c.gaps:,} gaps ({percent(c.gaps, c.total)})",
                              "lbl"))
    title = f"Gaps per government: {reference.upper()} targets each has not sanctioned"
    description = "; ".join(f"{c.code.upper()} {c.gaps} gaps ({c.review} with a near-miss), {c.covered} covered "
                            f"of {c.total}" for c in counts)
    chart = svg(width, height, title, description, inner, "chart-gaps")
    numbers = numbers_table(("government", "gaps", "of which near-miss", "covered", "in scope"),
                            [(c.code.upper(), c.gaps, c.review, c.covered, c.total) for c in counts],
                            "The numbers behind the chart")
    return figure("Gaps per government", f"({plural(counts[0].total if counts else 0, 'target')} of "
                  f"{reference.upper()} in scope)", chart, numbers, legend((GAP, REVIEW, COVERED)))


def programme_rows(report: GapReport) -> list[tuple[str, list[Target]]]:
    """The reference programmes of the targets, largest first; the rest folded into one row."""
    by_programme: dict[str, list[Target]] = {}
    for target in report.targets:
        for programme in dict.fromkeys(target.entry.programs) or ("(none)",):
            by_programme.setdefault(programme, []).append(target)
    ranked = sorted(by_programme.items(), key=lambda item: (-len(item[1]), item[0]))
    if len(ranked) <= TOP_PROGRAMMES + 1:
        return ranked
    rest = {id(t): t for _, targets in ranked[TOP_PROGRAMMES:] for t in targets}
    return [*ranked[:TOP_PROGRAMMES], (f"{len(ranked) - TOP_PROGRAMMES} other programmes", list(rest.values()))]


def programme_chart(report: GapReport) -> str:
    """Per reference programme and government checked, the share of its targets covered and not covered."""
    codes = report.scope.against
    rows = programme_rows(report)
    label_w, row_h, top = 210, 30, 24
    column_w = max(200, (900 - label_w) // max(len(codes), 1))
    width, height = label_w + column_w * len(codes), top + row_h * len(rows) + 6
    inner = [svg_text(label_w + j * column_w, 14, f"{code.upper()}: gaps | covered", "dim")
             for j, code in enumerate(codes)]
    table_rows = []
    for i, (programme, targets) in enumerate(rows):
        y = top + i * row_h
        inner.append(svg_text(label_w - 10, y + 15, f"{shorten(programme, 30)} ({len(targets):,})", "lbl", "end",
                              title=programme))
        cells: list[object] = [programme, len(targets)]
        for j, code in enumerate(codes):
            gaps = sum(1 for t in targets if code in t.missing_from)
            x, plot = float(label_w + j * column_w), column_w - 70
            for status, count in ((GAP, gaps), (COVERED, len(targets) - gaps)):
                w = plot * count / len(targets)
                label = f"{programme}: {plural(count, 'target')} {STATUS_LABELS[status]} by {code.upper()}"
                inner.append(bar_segment(x, y + 2, w, row_h - 10, status, count, label, gov=code, prog=programme))
                x += w
            inner.append(svg_text(label_w + j * column_w + plot + 6, y + 15, f"{gaps:,} / {len(targets):,}", "dim"))
            cells.append(gaps)
        table_rows.append(cells)
    title = "Coverage by programme: gaps and covered targets per reference programme and government"
    description = "; ".join(f"{row[0]}: {row[1]} targets, " + ", ".join(
        f"{code.upper()} {gaps} gaps" for code, gaps in zip(codes, row[2:], strict=True)) for row in table_rows)
    chart = svg(width, height, title, description, inner, "chart-programmes")
    numbers = numbers_table(("programme", "targets", *(f"{c.upper()} gaps" for c in codes)), table_rows,
                            "A target under two programmes counts in both")
    return figure("Coverage by programme", f"({report.scope.reference.upper()} programme tags)", chart, numbers,
                  legend((GAP, COVERED)))


def age_bins(ages: Iterable[int]) -> list[int]:
    """Gap ages in whole years; the last bin holds everything older."""
    counts = [0] * AGE_BINS
    for days in ages:
        counts[min(max(int(days // DAYS_PER_YEAR), 0), AGE_BINS - 1)] += 1
    return counts


def bin_label(index: int) -> str:
    return f"{index}+" if index == AGE_BINS - 1 else f"{index}–{index + 1}"


def age_chart(counts: Sequence[GovernmentCounts]) -> str:
    """A histogram per government of how long its gaps have been open, in years."""
    dated = [c for c in counts if c.ages]
    panel_w, plot_h, top, bottom, left = 420, 130, 22, 34, 10
    bar_w = (panel_w - left - 20) / AGE_BINS
    width, height = panel_w * len(dated), top + plot_h + bottom
    inner: list[str] = []
    table_rows: list[list[object]] = [[bin_label(i) + " years"] for i in range(AGE_BINS)]
    for p, c in enumerate(dated):
        bins = age_bins(days for days, _ in c.ages)
        peak = max(bins) or 1
        x0 = p * panel_w + left
        inner.append(svg_text(x0, 14, f"{c.code.upper()}: {plural(len(c.ages), 'dated gap')}", "lbl"))
        inner.append(f'<line class="axis" x1="{x0}" x2="{x0 + bar_w * AGE_BINS:.1f}" y1="{top + plot_h}" '
                     f'y2="{top + plot_h}"/>')
        for i, n in enumerate(bins):
            h = plot_h * n / peak
            x = x0 + i * bar_w
            label = f"{c.code.upper()}: {plural(n, 'gap')} open {bin_label(i)} years"
            inner.append(bar_segment(x + 1, top + plot_h - h, bar_w - 2, round(h, 1), GAP, n, label, gov=c.code,
                                     bin=str(i)))
            if n:
                inner.append(svg_text(x + bar_w / 2, top + plot_h - h - 3, str(n), "dim", "middle"))
            inner.append(svg_text(x + bar_w / 2, top + plot_h + 14, bin_label(i), "dim", "middle"))
            table_rows[i].append(n)
        inner.append(svg_text(x0 + bar_w * AGE_BINS / 2, top + plot_h + 30, "years since the reference listing",
                              "dim", "middle"))
    description = "; ".join(f"{c.code.upper()}: " + ", ".join(f"{n} open {bin_label(i)} years"
                                                             for i, n in enumerate(age_bins(d for d, _ in c.ages)) if n)
                            for c in dated)
    chart = svg(width, height, "Gap age: years each gap has been open", description, inner, "chart-age")
    numbers = numbers_table(("open for", *(f"{c.code.upper()} gaps" for c in dated)),
                            [row for row in table_rows if any(row[1:])], "Age = the checked list's date minus the "
                            "reference listing date")
    return figure("Gap age", "(how long each government has left a reference designation unmatched)", chart, numbers)


# --- the gaps page: top -------------------------------------------------------------------------------------


def scope_text(report: GapReport) -> str:
    scope = report.scope
    if scope.programs or scope.scope != "magnitsky":
        return scope.describe()
    programmes = ", ".join(sorted(get_source(scope.reference).magnitsky_programs))
    return f"{scope.describe()} ({scope.reference.upper()} programmes {programmes})"


def compared_html(report: GapReport) -> str:
    reference, against = report.scope.reference.upper(), [c.upper() for c in report.scope.against]
    return (f'<p class="compared">Reference <b>{text(reference)}</b> · checked '
            f"{', '.join(f'<b>{text(c)}</b>' for c in against)} · {text(scope_text(report))} · "
            f"<b>{len(report.targets):,}</b> targets in scope · generated {text(generated_text(report.generated))}</p>")


def timing_rows(c: GovernmentCounts, reference: str) -> str:
    if not c.lags and not c.ages:
        return ""
    rows = ""
    if c.lags:
        lag = statistics.median(c.lags)
        when = "after" if lag >= 0 else "before"
        rows += (f'<dt>median lag</dt><dd title="listing date minus the reference listing date">{abs(lag):,.0f} days '
                 f"{when} {text(reference)}</dd>")
    if (oldest := c.oldest) is not None:
        days, target = oldest
        rows += (f'<dt>oldest gap</dt><dd><a href="#{anchor(target.entry)}" title="{text(target.entry.name.text)}">'
                 f"{years(days)}</a></dd>")
    return rows


def government_card(c: GovernmentCounts, reference: str) -> str:
    parts = ((GAP, c.gap), (REVIEW, c.review), (COVERED, c.covered))
    label = f"{c.code.upper()}: {c.gaps} gaps, {c.covered} covered of {c.total}"
    return (f'<div class="card" data-gov="{text(c.code)}"><h3>{text(c.code.upper())} has not sanctioned</h3>'
            f'<div class="big"><span data-card="gaps">{c.gaps:,}</span> <small>of {c.total:,} {text(reference)} '
            f"targets ({percent(c.gaps, c.total)})</small></div>{meter(parts, label)}"
            f'<dl><dt>covered</dt><dd data-card="covered">{c.covered:,} ({percent(c.covered, c.total)})</dd>'
            f'<dt>gaps with a near-miss to review</dt><dd data-card="review">{c.review:,}</dd>'
            f"{timing_rows(c, reference)}</dl>"
            f'<p class="small"><a href="#gaps-{text(c.code)}">See the {c.gaps:,} gaps &#8594;</a></p></div>')


def overall_card(report: GapReport) -> str:
    summary = report.summary
    return (f'<div class="card"><h3>All governments checked</h3><div class="big">'
            f'<span data-card="missing-all">{summary["missing_from_all"]:,}</span> <small>sanctioned by none of '
            f"them</small></div><dl><dt>covered by all</dt><dd>{summary['covered_by_all']:,}</dd>"
            f"<dt>targets in scope</dt><dd>{summary['targets']:,}</dd></dl>"
            f'<p class="small"><a href="#covered">See the covered targets &#8594;</a></p></div>')


# --- target tables ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    width: str  # a `col` class (see report.css)
    numeric: bool = False


def table_html(table_id: str, columns: Sequence[Column], rows: Sequence[str], caption: str) -> str:
    cols = "".join(f'<col class="{c.width}">' for c in columns)
    head = "".join(f'<th scope="col"{" data-type=num" if c.numeric else ""}>{text(c.header)}</th>' for c in columns)
    return (f'<p class="shown" id="{table_id}-shown" aria-live="polite">{len(rows):,} rows</p>'
            f'<table class="targets" id="{table_id}"><caption class="muted small">'
            f"{text(caption)}</caption><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<p class="empty" id="{table_id}-empty" hidden>No row matches the filters.</p>')


def target_columns(reference: str, dated: bool) -> list[Column]:
    columns = [Column("#", "c-n", True), Column("name", "c-name"), Column(f"{reference} id", "c-id"),
               Column("type", "c-type"), Column("nationality / country", "c-country"),
               Column(f"{reference} programmes", "c-prog")]
    if dated:
        columns.append(Column(f"{reference} listed", "c-date"))
    return columns


def row_attributes(entry: Entry, governments: Iterable[str]) -> str:
    return (f'data-gov="{token_attr(governments)}" data-type="{text(entry.type.value)}" '
            f'data-country="{token_attr(country_values(entry))}" data-prog="{token_attr(entry.programs)}"')


def target_cells(index: int, entry: Entry, dated: bool, mark: str = "") -> str:
    cells = (f'<td>{index}</td><td><a href="#{anchor(entry)}">{name_html(entry.name.text)}</a>{mark}</td>'
             f"<td>{key_html(entry)}</td><td>{text(entry.type.value)}</td><td>{text(data.nationality(entry))}</td>"
             f"<td>{text(', '.join(entry.programs))}</td>")
    if dated:
        cells += f"<td class=nw>{text(data.iso(entry.listed) or '')}</td>"
    return cells


def near_miss_cell(coverage: Coverage) -> str:
    if not coverage.review:
        return '<td data-sort=""></td>'
    near = coverage.review[0]
    return (f'<td data-sort="{near.score:.4f}"><span class="st st-review">{data.score_text(near.score)}</span> '
            f"{name_html(near.entry.name.text)} {key_html(near.entry)}</td>")


def gap_table(report: GapReport, code: str, marks: Mapping[tuple[str, str], str]) -> str:
    reference = report.scope.reference.upper()
    targets = report.gaps(code)
    dated = any(t.entry.listed for t in targets)
    columns = target_columns(reference, dated)
    if dated:
        columns.append(Column("open for (days)", "c-age", True))
    columns.append(Column("near-miss to review (score)", "c-name"))
    rows = []
    for index, target in enumerate(targets, 1):
        entry = target.entry
        mark = ' <span class="st st-new">new gap</span>' if marks.get((code, entry.uid)) == "new gap" else ""
        cells = target_cells(index, entry, dated, mark)
        if dated:
            age = target.cell(code).gap_age_days
            cells += f'<td class="num">{"" if age is None else f"{age:,}"}</td>'
        rows.append(f"<tr {row_attributes(entry, [code])}>{cells}{near_miss_cell(target.coverage[code])}</tr>")
    return table_html(f"t-gaps-{code}", columns, rows,
                      f"{reference} targets not sanctioned by {code.upper()}; the name opens the evidence, "
                      "the id the official record where the government publishes one")


def coverage_cell(target: Target, code: str, lists: Mapping[str, SanctionsList]) -> str:
    cell = target.cell(code)
    if cell.status != COVERED:
        label = "gap, near-miss" if cell.status == REVIEW else "gap"
        return f'<td data-sort="-1"><span class="st st-{cell.status}">{label}</span></td>'
    if not cell.counterparts and cell.un_listing is not None:  # covered only through the UN listing
        un = cell.un_listing
        return (f'<td data-sort="{un.score:.4f}"><span class="st st-covered">UN</span> '
                f'<span class=small>{text(f"through the UN listing {cell.un_ref}")}</span></td>')
    best = cell.counterparts[0]
    listed = f" listed {data.iso(best.entry.listed)}" if best.entry.listed else ""
    lag = cell.lag_days
    lag_text = f" ({lag:+,} days)" if lag is not None else ""
    more = f" +{len(cell.counterparts) - 1}" if len(cell.counterparts) > 1 else ""
    return (f'<td data-sort="{best.score:.4f}"><span class="st st-covered">{data.score_text(best.score)}</span> '
            f"{key_html(best.entry)}{more}<span class=small>{text(listed + lag_text)}</span></td>")


def covered_table(report: GapReport) -> tuple[str, int]:
    reference = report.scope.reference.upper()
    targets = [t for t in report.targets if len(t.missing_from) < len(t.coverage)]
    dated = any(t.entry.listed for t in targets)
    columns = [*target_columns(reference, dated),
               *(Column(f"{code.upper()} counterpart (score)", "c-prog", True) for code in report.scope.against)]
    rows = []
    for index, target in enumerate(targets, 1):
        entry = target.entry
        covering = [code for code in report.scope.against if target.cell(code).covered]
        cells = "".join(coverage_cell(target, code, report.lists) for code in report.scope.against)
        rows.append(f"<tr {row_attributes(entry, covering)}>{target_cells(index, entry, dated)}{cells}</tr>")
    caption = (f"{reference} targets that at least one government checked has sanctioned; the score is the match's "
               "(1.00 = certain); days: how long after the reference the government listed it")
    return table_html("t-covered", columns, rows, caption), len(targets)


def filter_options(values: Counter[str], every: str) -> str:
    options = [f'<option value="">{text(every)}</option>']
    options += [f'<option value="{text(v)}">{text(v)} ({n:,})</option>' for v, n in sorted(values.items())]
    return "".join(options)


def tokens(values: Iterable[str]) -> set[str]:
    """The distinct filter tokens `token_attr` writes for these values."""
    return {clean(v).replace("|", "/") for v in values if v}


def filters_form(governments: Sequence[tuple[str, str]], types: Counter[str], countries: Counter[str],
                 programmes: Counter[str]) -> str:
    """The filter bar: hidden until the script runs, since without it there is nothing to filter with.
    The counters give each option's number of targets."""
    gov = "".join([f'<option value="{text(value)}">{text(label)}</option>' for value, label in governments])
    return ('<form class="controls" id="filters" hidden aria-label="Filter the tables"><span class="lbl">Filter</span>'
            f'<label><span class="vh">Government</span><select data-key="gov"><option value="">all governments'
            f"</option>{gov}</select></label>"
            f'<label><span class="vh">Type</span><select data-key="type">{filter_options(types, "all types")}'
            "</select></label>"
            '<label><span class="vh">Nationality or country</span><select data-key="country">'
            f'{filter_options(countries, "all countries")}</select></label>'
            '<label><span class="vh">Programme</span><select data-key="prog">'
            f'{filter_options(programmes, "all programmes")}</select></label>'
            '<label><span class="vh">Search</span><input type="search" data-key="text" '
            'placeholder="Search names, ids, anything"></label><button type="reset">Clear</button>'
            '<output aria-live="polite"></output></form>')


# --- evidence -----------------------------------------------------------------------------------------------


def facts(entry: Entry) -> list[tuple[str, str]]:
    """What the record says that bears on who it is: the facts the matcher compared."""
    rows = [("record", f"{entry.type.value}; programmes {', '.join(entry.programs) or 'none'}")]
    if entry.listed:
        rows.append(("listed", entry.listed.isoformat()))
    if nationality := data.nationality(entry):
        rows.append(("nationality / country", nationality))
    born = [str(d) for d in entry.dobs] + list(entry.dob_texts)
    if born:
        rows.append(("born" if entry.type.value == "individual" else "dates", ", ".join(born)))
    if entry.gender:
        rows.append(("gender", entry.gender))
    if entry.identifiers:
        rows.append(("identifiers", "; ".join(f"{i.kind.value} {i.value}" + (f" ({i.country})" if i.country else "")
                                              for i in entry.identifiers)))
    if entry.positions:
        rows.append(("positions", "; ".join(entry.positions)))
    if entry.raw is not None:
        rows.append(("in the official file", f"{entry.raw.file}, {entry.raw.locator}"))
    return rows


def record_line(entry: Entry) -> str:
    """A counterpart's facts on one line: the target's own are listed in full above it."""
    return " · ".join(value if label == "record" else f"{label} {value}" for label, value in facts(entry))


def definition_list(rows: Iterable[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{text(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def candidate_html(counterpart: Counterpart, matched: bool, thresholds: Thresholds) -> str:
    kind = verdict(counterpart, matched, thresholds)
    other = counterpart.entry
    head = (f'<p><span class="v-{kind}">{text(verdict_text(counterpart, matched, thresholds))}</span> · '
            f"<b>{name_html(other.name.text)}</b> {key_html(other)} · score {counterpart.score:.4f}</p>")
    rows = [("record", text(record_line(other)))]
    detail = counterpart.detail
    if detail is None:
        rows.append(("score", "set by an analyst override (no automatic comparison)"))
    else:
        rows += [
            ("names compared", f"a: {name_html(detail.name_a.text)} ({text(detail.name_a.kind.value)}) | "
                               f"b: {name_html(detail.name_b.text)} ({text(detail.name_b.kind.value)})"),
            ("token alignment", text(token_pairs_text(detail.name))),
            ("unmatched tokens", text(unmatched_text(detail.name))),
            ("name score", f"{detail.name.score:.4f}" + bullet_list(detail.name.notes)),
            ("evidence", bullet_list(f"{e.delta:+.3f} {e.label}: {e.detail}" for e in detail.evidence) or "none"),
            ("final score", text(score_arithmetic(detail))),
        ]
    if counterpart.override is not None:
        rows.append(("override", text(counterpart.override or "(no note)")))
    if counterpart.shared_with:
        rows.append(("shared with", text(f"{', '.join(counterpart.shared_with)} also claim this counterpart")))
    if counterpart.outranked_by:
        rows.append(("outranked", text(counterpart.outranked_why or ", ".join(counterpart.outranked_by))))
    return f'<div class="cand c-{kind}">{head}{definition_list(rows)}</div>'


def bullet_list(items: Iterable[str]) -> str:
    lis = "".join(f"<li>{text(item)}</li>" for item in items)
    return f"<ul>{lis}</ul>" if lis else ""


def coverage_heading(code: str, coverage: Coverage, cell: Cell) -> str:
    if cell.covered and cell.counterparts:
        keys = ", ".join(c.entry.key for c in cell.counterparts)
        return f'<h4>{text(code.upper())}: <span class="v-match">covered</span> by {text(keys)}</h4>'
    if cell.covered and cell.un_listing is not None:
        return (f'<h4>{text(code.upper())}: <span class="v-match">covered</span> only through the UN listing '
                f"{text(cell.un_ref or '')} ({text(cell.un_listing.entry.key)}): its own list does not carry UN "
                "listings</h4>")
    if coverage.matches:  # matched, but --measures did not count the listing
        keys = ", ".join(c.entry.key for c in coverage.matches)
        return (f'<h4>{text(code.upper())}: <span class="v-gap">gap</span> — {text(keys)} listed without the '
                "measures asked for</h4>")
    if coverage.review:
        return (f'<h4>{text(code.upper())}: <span class="v-gap">gap</span> — no match; the near-misses below '
                "need a human look</h4>")
    return (f'<h4>{text(code.upper())}: <span class="v-gap">gap</span> — no entry with a similar name '
            "(nothing in the review band)</h4>")


def other_names_html(entry: Entry) -> str:
    shown = entry.other_names[:OTHER_NAMES_SHOWN]
    more = len(entry.other_names) - len(shown)
    return "; ".join(name_html(n.text) for n in shown) + (f"; and {more} more" if more else "")


def evidence_article(target: Target, thresholds: Thresholds) -> str:
    entry = target.entry
    rows = [(label, text(value)) for label, value in facts(entry)]
    if entry.other_names:
        rows.insert(len(rows) - (entry.raw is not None), ("other names", other_names_html(entry)))
    parts = [f'<article class="ev" id="{anchor(entry)}"><h3>{name_html(entry.name.text)} {key_html(entry)}</h3>',
             definition_list(rows)]
    for code, coverage in target.coverage.items():
        parts.append(coverage_heading(code, coverage, target.cell(code)))
        parts += [candidate_html(c, True, thresholds) for c in coverage.matches]
        parts += [candidate_html(c, False, thresholds) for c in coverage.review]
    parts.append("</article>")
    return "".join(parts)


def method_section(report_lists: Mapping[str, SanctionsList], thresholds: Thresholds, section_id: str) -> str:
    rows = []
    for code, lst in report_lists.items():
        rows.append(f"<tr><td>{text(code.upper())}</td><td>{text(lst.title)}</td><td>{text(date_label(lst))}</td>"
                    f'<td class="num">{len(lst.entries):,}</td><td>{text(", ".join(lst.files))}</td>'
                    f"<td>{text(data.origin_text(lst))}</td></tr>")
    lists_table = ('<table class="plain"><thead><tr><th>list</th><th>title</th><th>date</th><th>entries</th>'
                   f'<th>files</th><th>read from</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return (f'<section class="about" id="{section_id}"><h2>Lists and how to read the scores</h2>{lists_table}<dl>'
            "<dt>covered</dt><dd>the government lists the target under any of its programmes (a target the US "
            "sanctions under Global Magnitsky may be listed by Canada under its China regulations).</dd>"
            f"<dt>match</dt><dd>a counterpart scoring at least {thresholds.match:.2f} is taken as the same target."
            "</dd>"
            f"<dt>near-miss to review</dt><dd>no match, but a candidate scored from {thresholds.possible:.2f} to "
            f"{thresholds.match:.2f}: a human should decide (an analyst override settles it for later runs).</dd>"
            "<dt>score</dt><dd>the name score (how well the names' words align, weighted by how rare they are) plus "
            "or minus the evidence: dates of birth, nationality, gender and identifiers agreeing or conflicting; a "
            "shared passport or IMO number raises it to near-certainty. Each target's evidence shows the "
            "arithmetic.</dd>"
            "<dt>dates</dt><dd>each list is only as current as its date above; a gap may be a designation made "
            "after the other list's date. Lag: the counterpart's listing date minus the reference listing date.</dd>"
            "</dl></section>")


def changes_section(changes: Changes, reference: str) -> str:
    parts = [f'<section id="changes"><h2>{text(data.changes_heading(changes))}</h2>']
    if changes.since is not None:
        for heading_text, items in data.change_lines(changes, reference):
            parts.append(f"<h3>{text(heading_text)}: {len(items)}</h3>")
            parts.append(bullet_list(items))
    parts.append("</section>")
    return "".join(parts)


# --- the gaps page ------------------------------------------------------------------------------------------


def gaps_contents(counts: Sequence[GovernmentCounts], covered: int, targets: int,
                  changes: Changes | None) -> list[tuple[str, str, str]]:
    contents = [("charts", "Charts", ""),
                *((f"gaps-{c.code}", f"Gaps: {c.code.upper()}", f"{c.gaps:,}") for c in counts),
                ("covered", "Covered", f"{covered:,}"), ("evidence", "Evidence", f"{targets:,}"),
                ("about", "Lists and scores", "")]
    return [*contents, ("changes", "Changes", "")] if changes is not None else contents


def gaps_charts(report: GapReport, counts: Sequence[GovernmentCounts]) -> str:
    charts = [gaps_bar_chart(counts, report.scope.reference), programme_chart(report)]
    if any(c.ages for c in counts):
        charts.append(age_chart(counts))
    return f'<section id="charts" class="charts"><h2>Charts</h2>{"".join(charts)}</section>'


def gap_section(report: GapReport, c: GovernmentCounts, marks: Mapping[tuple[str, str], str]) -> str:
    reference, lst = report.scope.reference.upper(), report.lists[c.code]
    table = (gap_table(report, c.code, marks) if c.gaps else
             f"<p>{text(c.code.upper())} has sanctioned every target in scope.</p>")
    return (f'<section id="gaps-{text(c.code)}" data-gov="{text(c.code)}"><h2>Not sanctioned by '
            f"{text(c.code.upper())}: {c.gaps:,} of {c.total:,} {text(reference)} targets</h2>"
            f'<p class="muted">{text(c.code.upper())} list: {text(lst.title)}, dated {text(date_label(lst))}</p>'
            f"{table}</section>")


def gaps_filters(report: GapReport) -> str:
    entries = [t.entry for t in report.targets]
    return filters_form([(c, c.upper()) for c in report.scope.against], Counter(e.type.value for e in entries),
                        Counter(c for e in entries for c in tokens(country_values(e))),
                        Counter(p for e in entries for p in tokens(e.programs)))


def evidence_section(report: GapReport, thresholds: Thresholds) -> str:
    intro = ('<h2>Evidence per target</h2><p class="muted">Why each target counts as covered or as a gap: the names '
             "compared, the words aligned, the evidence that moved the score and the rule that decided (the same as "
             "<code>magcheck explain</code>).</p>")
    articles = "".join(evidence_article(target, thresholds) for target in report.targets)
    return f'<section id="evidence">{intro}{articles}</section>'


def render_gaps_html(report: GapReport, changes: Changes | None = None, *,
                     thresholds: Thresholds | None = None) -> str:
    """The `gaps --format html` page (`thresholds`: the run's, for the verdicts in the evidence)."""
    thresholds = thresholds or Thresholds()
    reference = report.scope.reference.upper()
    title = data.report_title(report.scope.reference, report.scope.against)
    counts = [government_counts(report, code) for code in report.scope.against]
    covered, covered_count = covered_table(report)
    cards = "".join(government_card(c, reference) for c in counts) + overall_card(report)
    marks = data.change_marks(changes)
    body = [f"<header><h1>{text(title)}</h1>{compared_html(report)}", warnings_html(report.lists, report.generated),
            lists_strip(report.lists, report.generated), f'<div class="cards">{cards}</div></header>',
            toc(gaps_contents(counts, covered_count, len(report.targets), changes)), gaps_charts(report, counts),
            f'<div class="tables">{gaps_filters(report)}', *(gap_section(report, c, marks) for c in counts),
            f'<section id="covered"><h2>Covered: {covered_count:,} targets sanctioned by at least one government '
            f"checked</h2>{covered}</section></div>", evidence_section(report, thresholds),
            method_section(report.lists, thresholds, "about")]
    if changes is not None:
        body.append(changes_section(changes, report.scope.reference))
    return page(title, body)


# --- the matrix page ----------------------------------------------------------------------------------------


def listed_by(row: MatrixRow, codes: Sequence[str]) -> tuple[str, ...]:
    return tuple(code for code in codes if row.entries.get(code))


def overlap(rows: Sequence[MatrixRow], a: str, b: str) -> tuple[int, int]:
    """(targets listed by `a` that `b` also lists, targets listed by `a`)."""
    by_a = [r for r in rows if r.entries.get(a)]
    return sum(1 for r in by_a if r.entries.get(b)), len(by_a)


def heat_colour(share: float) -> tuple[str, str]:
    """Fill, and the class of a label that stays readable on it."""
    index = min(int(share * (len(HEAT) - 1) + 0.5), len(HEAT) - 1)
    return HEAT[index], "in" if index >= 4 else "lbl"


def heat_cell(x: float, y: float, size: tuple[int, int], a: str, b: str, counts: tuple[int, int]) -> list[str]:
    """One cell: of the targets `a` lists, how many `b` lists too; the diagonal holds `a`'s own count."""
    (w, h), (both, whole) = size, counts
    if a == b:
        fill, css, label, value = "#e9ecf0", "dim", f"{a.upper()} lists {whole:,} targets", f"{whole:,} targets"
    else:
        fill, css = heat_colour(both / whole if whole else 0.0)
        label = f"of the {whole:,} targets {a.upper()} lists, {b.upper()} also lists {both:,} ({percent(both, whole)})"
        value = f"{percent(both, whole)} · {both:,}"
    return [f'<rect class="cell" x="{x + 1}" y="{y + 1}" width="{w - 2}" height="{h - 2}" fill="{fill}" '
            f'data-row="{a}" data-col="{b}" data-count="{both}" data-of="{whole}"><title>{text(label)}</title></rect>',
            svg_text(x + w / 2, y + h / 2 + 5, value, css, "middle")]


def heat_map(report: MatrixReport) -> str:
    """Rows: a government's targets; columns: the share of them each other government also lists."""
    codes = list(report.lists)
    size, label_w, top = (150, 54), 150, 34
    width, height = label_w + size[0] * len(codes) + 4, top + size[1] * len(codes) + 4
    inner = [svg_text(label_w + j * size[0] + size[0] / 2, 22, f"also listed by {c.upper()}", "lbl", "middle")
             for j, c in enumerate(codes)]
    table_rows = []
    for i, a in enumerate(codes):
        y = top + i * size[1]
        listed = overlap(report.rows, a, a)[1]
        inner.append(svg_text(label_w - 10, y + size[1] / 2 + 5, f"{a.upper()} targets ({listed:,})", "lbl", "end"))
        row: list[object] = [f"{a.upper()} ({listed:,})"]
        for j, b in enumerate(codes):
            both, whole = overlap(report.rows, a, b)
            inner += heat_cell(label_w + j * size[0], y, size, a, b, (both, whole))
            row.append("–" if a == b else f"{both:,} ({percent(both, whole)})")
        table_rows.append(row)
    description = "; ".join(f"{r[0]}: " + ", ".join(f"also {c.upper()} {v}" for c, v in zip(codes, r[1:], strict=True)
                                                    if v != "–") for r in table_rows)
    chart = svg(width, height, "Who follows whom: the share of each government's targets the others also list",
                description, inner, "chart-heat")
    numbers = numbers_table(("targets of", *(f"also {c.upper()}" for c in codes)), table_rows,
                            "Read across: of the targets a government lists, how many each other lists")
    return figure("Overlap between governments", "(read across; darker = more of the row's targets also listed)",
                  chart, numbers)


def combination_label(combo: Sequence[str], codes: Sequence[str]) -> str:
    if len(combo) == len(codes) > 1:
        return f"all {len(codes)} ({' + '.join(c.upper() for c in combo)})"
    return " + ".join(c.upper() for c in combo) + (" only" if len(combo) == 1 else "")


def combination_chart(report: MatrixReport) -> str:
    """How many targets each combination of governments lists (an UpSet-style bar chart); the more governments
    list a target, the darker its bar."""
    codes = list(report.lists)
    combos = Counter(listed_by(row, codes) for row in report.rows)
    ranked = sorted(combos.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))
    label_w, row_h, width = 190, 26, 820
    plot = width - label_w - 70
    peak = max(combos.values(), default=1)
    inner = []
    for i, (combo, n) in enumerate(ranked):
        y, label = 6 + i * row_h, combination_label(combo, codes)
        fill = HEAT[2 + round(4 * (len(combo) - 1) / max(len(codes) - 1, 1))]
        tooltip = f"{label}: {plural(n, 'target')}"
        inner.append(svg_text(label_w - 10, y + 14, label, "lbl", "end"))
        inner.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{plot * n / peak:.2f}" height="{row_h - 8}" '
                     f'fill="{fill}" data-combo="{text("+".join(combo))}" data-count="{n}">'
                     f"<title>{text(tooltip)}</title></rect>")
        inner.append(svg_text(label_w + plot * n / peak + 6, y + 14, f"{n:,}", "dim"))
    chart = svg(width, 12 + row_h * len(ranked), "Targets by the governments that list them",
                "; ".join(f"{combination_label(combo, codes)}: {n}" for combo, n in ranked), inner, "chart-combos")
    numbers = numbers_table(("listed by", "targets"), [(combination_label(combo, codes), n) for combo, n in ranked],
                            "Each target counts once, under the exact set of governments that list it")
    return figure("Listed by which governments", "(each target once; darker = listed by more governments)", chart,
                  numbers)


def matrix_cell(entries: Sequence[Entry]) -> str:
    label = data.listing_label(entries)
    if label is None:
        return '<td data-sort=""><span class="st st-gap">not listed</span></td>'
    keys = " ".join(key_html(e) for e in entries)
    return f'<td data-sort="{text(label)}">{text(label)} {keys}</td>'


def row_programmes(row: MatrixRow) -> list[str]:
    """Every list's programmes for the row, each named with its list (`US GLOMAG`, `CA China`)."""
    return [f"{code.upper()} {p}" for code, entries in row.entries.items() for e in entries for p in e.programs]


def matrix_table(report: MatrixReport) -> str:
    codes = list(report.lists)
    columns = [Column("#", "c-n", True), Column("target", "c-name"), Column("type", "c-type"),
               Column("nationality / country", "c-country"),
               *(Column(f"{c.upper()} listed (id)", "c-prog") for c in codes), Column("listed by", "c-age", True)]
    rows = []
    for index, row in enumerate(report.rows, 1):
        label = row.label
        present = listed_by(row, codes)
        governments = [f"+{c}" if c in present else f"-{c}" for c in codes]
        programmes = row_programmes(row)
        attributes = (f'data-gov="{token_attr(governments)}" data-type="{text(label.type.value)}" '
                      f'data-country="{token_attr(country_values(label))}" data-prog="{token_attr(programmes)}"')
        cells = "".join(matrix_cell(row.entries.get(code, [])) for code in codes)
        rows.append(f"<tr {attributes}><td>{index}</td><td>{name_html(label.name.text)}</td>"
                    f"<td>{text(label.type.value)}</td><td>{text(data.nationality(label))}</td>{cells}"
                    f'<td class="num">{len(present)}</td></tr>')
    caption = ("One row per real-world target; each list's cell gives its earliest listing date (\"listed\" when the "
               "list gives no dates) and its ids, linked to the official record where there is one")
    return table_html("t-matrix", columns, rows, caption)


def matrix_card(report: MatrixReport, code: str) -> str:
    codes = list(report.lists)
    listed = [r for r in report.rows if r.entries.get(code)]
    only = sum(1 for r in listed if listed_by(r, codes) == (code,))
    total = len(report.rows)
    parts = ((COVERED, len(listed)), (GAP, total - len(listed)))
    bar = meter(parts, f"{code.upper()} lists {len(listed)} of {total}")
    return (f'<div class="card" data-gov="{text(code)}"><h3>{text(code.upper())} has listed</h3><div class="big">'
            f'<span data-card="listed">{len(listed):,}</span> <small>of {total:,} targets '
            f"({percent(len(listed), total)})</small></div>{bar}"
            f'<dl><dt>not listed by {text(code.upper())}</dt><dd>{total - len(listed):,}</dd>'
            f'<dt>listed by {text(code.upper())} alone</dt><dd data-card="only">{only:,}</dd></dl></div>')


def matrix_overall_card(report: MatrixReport) -> str:
    summary = data.matrix_summary(report)
    return (f'<div class="card"><h3>All lists</h3><div class="big"><span data-card="all">'
            f"{summary['listed_by_all']:,}</span> <small>listed by all {len(report.lists)}</small></div>"
            f"<dl><dt>listed by one only</dt><dd>{summary['listed_by_one']:,}</dd><dt>targets</dt>"
            f"<dd>{summary['targets']:,}</dd></dl></div>")


def matrix_filters(report: MatrixReport) -> str:
    """Government options select rows a list has (`+us`) or lacks (`-us`)."""
    codes = list(report.lists)
    governments = [(f"+{c}", f"listed by {c.upper()}") for c in codes]
    governments += [(f"-{c}", f"not listed by {c.upper()}") for c in codes]
    labels = [row.label for row in report.rows]
    return filters_form(governments, Counter(e.type.value for e in labels),
                        Counter(c for e in labels for c in tokens(country_values(e))),
                        Counter(p for row in report.rows for p in tokens(row_programmes(row))))


def render_matrix_html(report: MatrixReport, *, thresholds: Thresholds | None = None) -> str:
    """The `gaps --matrix --format html` page (`thresholds`: the run's, for the note on scores)."""
    codes = list(report.lists)
    title = matrix_title(report)
    compared = (f'<p class="compared">Lists <b>{text(", ".join(c.upper() for c in codes))}</b> · '
                f"{text(report.scope.describe())} · <b>{len(report.rows):,}</b> targets (each list's targets in scope, "
                f"matched across the lists) · generated {text(generated_text(report.generated))}</p>")
    cards = "".join(matrix_card(report, c) for c in codes) + matrix_overall_card(report)
    contents = [("charts", "Charts", ""), ("targets", "Targets", f"{len(report.rows):,}"),
                ("about", "Lists and scores", "")]
    body = [f"<header><h1>{text(title)}</h1>{compared}", warnings_html(report.lists, report.generated),
            lists_strip(report.lists, report.generated), f'<div class="cards">{cards}</div></header>', toc(contents),
            f'<section id="charts" class="charts"><h2>Charts</h2>{heat_map(report)}{combination_chart(report)}'
            f'</section><div class="tables">{matrix_filters(report)}',
            f'<section id="targets"><h2>Targets: {len(report.rows):,}</h2><p class="muted">For the evidence behind '
            "a row, run <code>magcheck explain LIST:ID</code> or the gaps report with that list as the reference."
            f"</p>{matrix_table(report)}</section></div>",
            method_section(report.lists, thresholds or Thresholds(), "about")]
    return page(title, body)
