"""The report as plain data: the documented JSON documents (`magcheck.gaps/2`, `magcheck.matrix/1`) and the
flat rows and notes that the CSV, Markdown, HTML and table renderers share, so every format says the same thing.

The figures (status, lag, gap age, measures, covers through the UN) are the cells `gaps.py` computed once; here
they are only laid out. `magcheck.gaps/2` keeps every field of `magcheck.gaps/1` and adds the dates, the cells
per government (`by_government`), the sort, the measures rule and the UN rule (README, "JSON").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from magcheck.gaps import (
    ASSET_FREEZE,
    COVERED,
    REVIEW,
    VIA_UN,
    Cell,
    GapReport,
    MatrixReport,
    MatrixRow,
    Target,
    Timing,
    as_of,
)
from magcheck.matching.coverage import Counterpart, Coverage
from magcheck.model import Entry, SanctionsList

if TYPE_CHECKING:
    from magcheck.history import Changes

GAPS_SCHEMA = "magcheck.gaps/2"
MATRIX_SCHEMA = "magcheck.matrix/1"
STALE_AFTER_DAYS = 7  # a list dated more than a week before the report gets a loud note


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def score_text(score: float) -> str:
    return f"{score:.2f}"


# --- lists: dates, age and the loud notes ------------------------------------------------------------------


def is_bundled(lst: SanctionsList) -> bool:
    return lst.origin is not None and lst.origin.is_bundled


def origin_text(lst: SanctionsList) -> str:
    return str(lst.origin) if lst.origin is not None else ""


def age_days(lst: SanctionsList, generated: datetime) -> int | None:
    """Days between the list's stated date and the report; None when the list states none."""
    return (generated.date() - lst.date).days if lst.date else None


def list_warnings(lst: SanctionsList, generated: datetime) -> list[str]:
    """The loud note for a list (at most one): the bundled snapshot, older than a week, or of unknown date."""
    name, stated = lst.code.upper(), lst.date
    if stated is None:
        latest = f" (latest listing {lst.latest_listing.isoformat()})" if lst.latest_listing else ""
        if is_bundled(lst):
            return [f"{name} is the BUNDLED SNAPSHOT shipped with magcheck{latest}, not the current list: "
                    "designations made since then are missing; run 'magcheck fetch' for the current list"]
        return [f"{name} list states no date{latest}: it may be out of date"]
    age = (generated.date() - stated).days
    if is_bundled(lst):
        return [f"{name} is the BUNDLED SNAPSHOT shipped with magcheck (dated {stated.isoformat()}, {age} days old), "
                "not the current list: designations made since then are missing; run 'magcheck fetch' for the "
                "current list"]
    if age > STALE_AFTER_DAYS:
        return [f"{name} list is {age} days old (dated {stated.isoformat()}): "
                "it may miss recent designations and delistings"]
    return []


def list_meta(lst: SanctionsList, generated: datetime | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": lst.title,
        "date": iso(lst.date),
        "date_note": lst.date_note,
        "latest_listing": iso(lst.latest_listing),
        "entries": len(lst.entries),
        "files": list(lst.files),
        "source": origin_text(lst) or None,
        "as_of": iso(as_of(lst)),
        "listed_note": LISTED_NOTES.get(lst.code) if lst.latest_listing else None,
    }
    if generated is not None:
        data["age_days"] = age_days(lst, generated)
        data["warnings"] = list_warnings(lst, generated)
    return data


# What a list's listing dates mean, where that is not simply "the day it listed the target" (README, "Dates").
LISTED_NOTES = {
    "us": ("US dates are the 'SDN List' publication dates of OFAC's enhanced export (SDN_ENHANCED.ZIP): the "
           "designation day for most entries, but for an entity first listed on another OFAC list (Sectoral "
           "Sanctions) it can be the earlier date of that listing, so a lag computed from it can overstate how "
           "far ahead the US was"),
    "ca": "Canadian dates are the DateOfListing of the regulations, usually the day before the announcement",
}
LISTED_LABELS = {"us": "listed (OFAC publication date)"}  # the column label, where "listed" needs a qualifier


def listed_label(code: str) -> str:
    return f"{code.upper()} {LISTED_LABELS.get(code, 'listed')}"


def date_notes(report_lists: Mapping[str, SanctionsList]) -> list[str]:
    """One note per list whose listing dates the report uses and whose meaning needs saying."""
    return [LISTED_NOTES[code] for code, lst in report_lists.items() if code in LISTED_NOTES and lst.latest_listing]


def nationality(entry: Entry) -> str:
    """Nationality, else citizenship, else the countries the record names (Canada's regime for its entries)."""
    values = entry.nationalities or entry.citizenships or entry.countries
    return ", ".join(dict.fromkeys(values))


def programs_text(entry: Entry) -> str:
    return "; ".join(entry.programs)


# --- the gaps document -------------------------------------------------------------------------------------


def counterpart_dict(counterpart: Counterpart) -> dict[str, Any]:
    entry = counterpart.entry
    data: dict[str, Any] = {
        "uid": entry.uid,
        "name": entry.name.text,
        "score": counterpart.score,
        "listed": iso(entry.listed),
        "programs": list(entry.programs),
    }
    if counterpart.override:
        data["override"] = counterpart.override
    if counterpart.shared_with:
        data["shared_with"] = list(counterpart.shared_with)
    return data


def cover_dict(cell: Cell) -> dict[str, Any] | None:
    """`coverage.<code>` (v1 field, kept): the counterpart that covers the target, the UN listing when the cover
    is only through the UN (`via: "un"`), or None for a gap."""
    if cell.counterparts:
        data = counterpart_dict(cell.counterparts[0])
        data["via"] = "list"
        data["measures"] = list(cell.counterparts[0].entry.measures)
        return data
    if cell.via == VIA_UN and cell.un_listing is not None:
        return {**counterpart_dict(cell.un_listing), "via": "un", "list": cell.un_listing.entry.list,
                "un_ref": cell.un_ref}
    return None


def cell_dict(cell: Cell, as_of_text: str | None) -> dict[str, Any]:
    """`by_government.<code>`: one government's answer for the target, with its dates (`as_of_text`: its list's
    "as of" date, shown on a gap)."""
    return {
        "status": cell.status,
        "via": cell.via,
        "listed": iso(cell.listed),
        "lag_days": cell.lag_days,
        "gap_age_days": cell.gap_age_days,
        "as_of": None if cell.covered else as_of_text,
        "measures": list(cell.measures),
        "un_ref": cell.un_ref,
        "not_counted": [{"uid": c.entry.uid, "name": c.entry.name.text, "measures": list(c.entry.measures)}
                        for c in cell.not_counted],
    }


def as_of_texts(lists: Mapping[str, SanctionsList]) -> dict[str, str | None]:
    """Each list's "as of" date as the documents write it (worked out once per document, not once per cell)."""
    return {code: iso(as_of(lst)) for code, lst in lists.items()}


def target_dict(target: Target, as_of_by_list: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    """`targets[]`: one target, each government's answer (`as_of_by_list`: `as_of_texts` of the report's lists)."""
    entry = target.entry
    as_of_by_list = as_of_by_list or {}
    cells = {code: target.cells[code] for code in target.coverage}  # every one there once the target is made
    return {
        "list": entry.list,
        "uid": entry.uid,
        "name": entry.name.text,
        "type": entry.type.value,
        "programs": list(entry.programs),
        "nationality": nationality(entry) or None,
        "listed": iso(entry.listed),
        "un_ref": entry.un_ref,
        "coverage": {code: cover_dict(cell) for code, cell in cells.items()},
        "also_matched": {
            code: [counterpart_dict(c) for c in cell.counterparts[1:]] for code, cell in cells.items()
            if len(cell.counterparts) > 1
        },
        "review": {
            code: [{"uid": c.entry.uid, "name": c.entry.name.text, "score": c.score} for c in cov.review]
            for code, cov in target.coverage.items()
        },
        "missing_from": target.missing_from,
        "by_government": {code: cell_dict(cell, as_of_by_list.get(code)) for code, cell in cells.items()},
    }


def timing_dict(timing: Timing) -> dict[str, Any]:
    return {
        "covers_dated": len(timing.lags),
        "median_lag_days": timing.median_lag,
        "longest_lag_days": timing.longest_lag,
        "acted_first": timing.acted_first,
        "gaps_dated": len(timing.ages),
        "gaps_undated": timing.undated_gaps,
        "oldest_gap_days": timing.oldest_gap,
        "gaps_over_1_year": timing.older_than(1),
        "gaps_over_5_years": timing.older_than(5),
    }


def un_rule_dict(report: GapReport) -> dict[str, Any]:
    rule = report.un_rule
    return {"lists": list(rule.lists), "applied": rule.applied, "reason": rule.reason}


def gaps_document(report: GapReport, changes: Changes | None = None) -> dict[str, Any]:
    scope = report.scope
    dates = as_of_texts(report.lists)
    document: dict[str, Any] = {
        "schema": GAPS_SCHEMA,
        "generated": report.generated.isoformat(timespec="seconds"),
        "lists": {code: list_meta(lst, report.generated) for code, lst in report.lists.items()},
        "reference": scope.reference,
        "against": list(scope.against),
        "scope": {
            "scope": scope.scope,
            "programs": list(scope.programs),
            "types": list(scope.types),
            "country": scope.country,
            "name": scope.name,
            "description": scope.describe(),
        },
        "sort": report.sort,
        "measures": scope.measures,
        "un_rule": un_rule_dict(report),
        "date_notes": date_notes(report.lists),
        "targets": [target_dict(t, dates) for t in report.targets],
        "summary": {**report.summary, "near_miss": {
            code: sum(1 for t in report.gaps(code) if t.coverage[code].review) for code in scope.against},
            "timing": {code: timing_dict(report.timing(code)) for code in scope.against},
            "covered_via_un": {code: len(report.covered_via_un(code)) for code in scope.against},
            "not_counted": {code: len(report.not_counted(code)) for code in scope.against}},
    }
    if changes is not None:
        document["changes"] = changes.as_dict()
    return document


# --- the gaps as flat rows (CSV), one per target and government checked ------------------------------------

GAP_COLUMNS = (
    "list", "uid", "name", "type", "nationality", "programs", "listed", "government", "status",
    "counterpart_uid", "counterpart_name", "counterpart_score", "counterpart_listed",
    "near_miss_uid", "near_miss_name", "near_miss_score", "change",
    "as_of", "lag_days", "gap_age_days", "via", "un_ref", "measures", "not_counted", "first_seen",
)  # v1 columns first, in their order; the dates, the UN rule and the measures after them


def coverage_status(coverage: Coverage) -> str:
    """The matcher's answer alone: covered: a counterpart matched; review: no match but a near-miss to check;
    gap: nothing close. The report's own answer, with the UN rule and --measures, is `Target.cell(code).status`."""
    if coverage.matches:
        return COVERED
    return REVIEW if coverage.review else "gap"


def days_text(days: int | None, *, signed: bool = False) -> str:
    """`1,614 days`, `+1 day`, or empty when unknown."""
    if days is None:
        return ""
    number = f"{days:+,}" if signed and days else f"{days:,}"
    return f"{number} day{'' if abs(days) == 1 else 's'}"


def measures_text(entry_measures: Iterable[str]) -> str:
    return "; ".join(entry_measures)


def not_counted_text(cell: Cell, code: str) -> str:
    return "; ".join(f"{code}:{c.entry.uid} ({measures_text(c.entry.measures) or 'no measures stated'})"
                     for c in cell.not_counted)


def first_seen_of(changes: Changes | None, code: str, target: Target) -> str:
    if changes is None or not changes.first_seen:
        return ""
    kind = "covers" if target.cell(code).covered else "gaps"
    return changes.first_seen.get(kind, {}).get(code, {}).get(target.entry.uid, "")


def change_marks(changes: Changes | None) -> dict[tuple[str, str], str]:
    """(government, uid) -> "new gap" / "closed" for the rows of a `--changes` run."""
    if changes is None:
        return {}
    marks = {(c.government, c.uid): "new gap" for c in changes.new}
    marks.update({(c.government, c.uid): "counterpart delisted" for c in changes.counterparts_delisted})
    marks.update({(c.government, c.uid): "closed" + (" (through the UN listing)" if c.via == VIA_UN else "")
                  for c in changes.closed})
    return marks


def gap_rows(report: GapReport, changes: Changes | None = None) -> list[dict[str, str]]:
    marks = change_marks(changes)
    # a history that could not be compared (damaged) says so on every row; a first run (the baseline) leaves it empty
    unknown = "not compared" if changes is not None and not changes.compared and changes.reason else ""
    rows = []
    for target in report.targets:
        entry = target.entry
        for code in report.scope.against:
            coverage = target.coverage.get(code, Coverage())
            cell = target.cell(code)
            best = cell.counterparts[0] if cell.counterparts else None
            near = coverage.review[0] if coverage.review else None
            rows.append({
                "list": entry.list,
                "uid": entry.uid,
                "name": entry.name.text,
                "type": entry.type.value,
                "nationality": nationality(entry),
                "programs": programs_text(entry),
                "listed": iso(entry.listed) or "",
                "government": code,
                "status": cell.status,
                "counterpart_uid": best.entry.uid if best else "",
                "counterpart_name": best.entry.name.text if best else "",
                "counterpart_score": f"{best.score:.4f}" if best else "",
                "counterpart_listed": (iso(best.entry.listed) or "") if best else "",
                "near_miss_uid": near.entry.uid if near else "",
                "near_miss_name": near.entry.name.text if near else "",
                "near_miss_score": f"{near.score:.4f}" if near else "",
                "change": marks.get((code, entry.uid), unknown),
                "as_of": "" if cell.covered else (iso(as_of(report.lists[code])) or ""),
                "lag_days": "" if cell.lag_days is None else str(cell.lag_days),
                "gap_age_days": "" if cell.gap_age_days is None else str(cell.gap_age_days),
                "via": cell.via or "",
                "un_ref": cell.un_ref or "",
                "measures": measures_text(cell.measures),
                "not_counted": not_counted_text(cell, code),
                "first_seen": first_seen_of(changes, code, target),
            })
    return rows


def near_miss_text(coverage: Coverage, code: str) -> str:
    """`NAME (code:uid) 0.78` for the best near-miss, or empty."""
    if not coverage.review:
        return ""
    near = coverage.review[0]
    return f"{near.entry.name.text} ({code}:{near.entry.uid}) {score_text(near.score)}"


def lag_text(timing: Timing, reference: str) -> str:
    if not timing.lags:
        return "no cover with both listing dates"
    median = timing.median_lag
    assert median is not None and timing.longest_lag is not None
    first = f"; {timing.acted_first} before {reference.upper()}" if timing.acted_first else ""
    return (f"median {median_text(median)}, longest {days_text(timing.longest_lag, signed=True)} "
            f"({len(timing.lags)} dated covers{first})")


def median_text(median: float) -> str:
    """`+1 day`, `+0.5 days`, `-12 days`: a median of whole days is whole or a half."""
    if median == int(median):
        return days_text(int(median), signed=True)
    return f"{median:+,.1f} days"


def age_text(timing: Timing) -> str:
    undated = f"; {timing.undated_gaps:,} undated" if timing.undated_gaps else ""
    if not timing.ages:
        return f"no dated gap{undated}"
    return (f"{timing.older_than(1)} / {timing.older_than(5)} (of {len(timing.ages)} dated gaps; oldest "
            f"{days_text(timing.oldest_gap)}{undated})")


def summary_lines(report: GapReport) -> list[tuple[str, str]]:
    """The summary as (label, value) pairs, in the order every format prints them."""
    summary = report.summary
    gaps: dict[str, int] = summary["gaps"]  # type: ignore[assignment]
    total = len(report.targets)
    reference = report.scope.reference
    lines = [(f"targets in scope ({reference.upper()})", str(total))]
    for code in report.scope.against:
        review = sum(1 for t in report.gaps(code) if t.coverage[code].review)
        lines.append((f"not sanctioned by {code.upper()}",
                      f"{gaps[code]} ({total - gaps[code]} covered; {review} with a near-miss to review)"))
    lines.append(("covered by all", str(summary["covered_by_all"])))
    lines.append(("missing from all", str(summary["missing_from_all"])))
    for code in report.scope.against:
        timing = report.timing(code)
        lines.append((f"{code.upper()} lag behind {reference.upper()}", lag_text(timing, reference)))
        lines.append((f"{code.upper()} gaps older than 1 / 5 years", age_text(timing)))
        if code in report.un_rule.lists and report.un_rule.applied:
            lines.append((f"{code.upper()} covers only through the UN listing", str(len(report.covered_via_un(code)))))
        if report.scope.measures == ASSET_FREEZE:
            lines.append((f"{code.upper()} listings not counted (no asset freeze)", str(len(report.not_counted(code)))))
    return lines


def report_notes(report: GapReport) -> list[str]:
    """What a reader must know to read the figures: the UN rule, the measures rule, what the dates mean."""
    notes = []
    rule = report.un_rule
    for code in rule.lists:
        if rule.applied:
            notes.append(f"{code.upper()} implements UN Security Council listings outside its list (under its UN "
                         "Act regulations): a target on the UN list counts as covered by it through that listing "
                         "(marked 'UN')")
        else:
            notes.append(f"{code.upper()} implements UN Security Council listings outside its list, but "
                         f"{rule.reason or 'the UN list was not read'}: those covers are not counted, so some "
                         f"{code.upper()} gaps may be UN listings")
    if report.scope.measures == ASSET_FREEZE:
        notes.append("only listings with an asset freeze count as covers: a listing whose list states other "
                     "measures only (a travel ban, a director disqualification) is a gap here")
    notes += date_notes(report.lists)
    return notes


def cell_mark(cell: Cell) -> str:
    """How a cell reads in a column of covers: its listing date and lag, `UN QDi.028`, or the gap's age."""
    if cell.via == VIA_UN:
        return f"UN {cell.un_ref}"
    if cell.covered:
        lag = f" ({days_text(cell.lag_days, signed=True)})" if cell.lag_days is not None else ""
        return (iso(cell.listed) or "listed") + lag
    return f"not listed ({days_text(cell.gap_age_days)})" if cell.gap_age_days is not None else "not listed"


def change_lines(changes: Changes, reference: str) -> list[tuple[str, list[str]]]:
    """(heading, items) for the new gaps, closed gaps and targets that left the scope."""
    def items(found: Iterable[Any]) -> list[str]:
        return [f"{c.name} ({c.list}:{c.uid}): {c.government.upper()}" for c in found]

    def closed(found: Iterable[Any]) -> list[str]:
        return [f"{c.name} ({c.list}:{c.uid}): {c.government.upper()}"
                + (" (only through the UN listing)" if c.via == VIA_UN else "") for c in found]

    def delisted(found: Iterable[Any]) -> list[str]:
        return [f"{c.government.upper()} delisted {c.name} ({c.government}:{c.counterpart}), "
                f"its counterpart of {c.list}:{c.uid}" for c in found]

    return [
        ("new gaps (not gaps in the previous run)", items(changes.new)),
        ("closed gaps (now sanctioned)", closed(changes.closed)),
        ("no longer in scope", items(changes.left_scope)),
        (f"delisted by {reference.upper()} (gone from the reference list)",
         [f"{c.name} ({c.list}:{c.uid})" for c in changes.delisted]),
        ("delisted by a government checked (a cover lost)", delisted(changes.counterparts_delisted)),
    ]


def changes_heading(changes: Changes) -> str:
    if changes.since is None:
        return f"Changes: not compared: {changes.why_not_compared}"
    return f"Changes since the previous run ({changes.since})"


def report_title(reference: str, against: Sequence[str]) -> str:
    return (f"Sanctions gaps: targets of {reference.upper()} not sanctioned by "
            f"{', '.join(code.upper() for code in against)}")


# --- the matrix ------------------------------------------------------------------------------------------


def listing_label(entries: Sequence[Entry]) -> str | None:
    """A list's cell in the matrix: its earliest listing date, "listed" when it gives no dates, None if absent."""
    if not entries:
        return None
    dates = [e.listed for e in entries if e.listed]
    return min(dates).isoformat() if dates else "listed"


def matrix_summary(report: MatrixReport) -> dict[str, Any]:
    codes = list(report.lists)
    return {
        "targets": len(report.rows),
        "listed_by": {code: sum(1 for r in report.rows if r.entries.get(code)) for code in codes},
        "listed_by_all": sum(1 for r in report.rows if all(r.entries.get(c) for c in codes)),
        "listed_by_one": sum(1 for r in report.rows if sum(1 for c in codes if r.entries.get(c)) == 1),
    }


def matrix_row_dict(row: MatrixRow, codes: Iterable[str]) -> dict[str, Any]:
    label = row.label
    return {
        "name": label.name.text,
        "type": label.type.value,
        "nationality": nationality(label) or None,
        "listings": {
            code: [{"uid": e.uid, "name": e.name.text, "listed": iso(e.listed), "programs": list(e.programs)}
                   for e in row.entries.get(code, [])] or None
            for code in codes
        },
    }


def matrix_document(report: MatrixReport) -> dict[str, Any]:
    scope = report.scope
    return {
        "schema": MATRIX_SCHEMA,
        "generated": report.generated.isoformat(timespec="seconds"),
        "lists": {code: list_meta(lst, report.generated) for code, lst in report.lists.items()},
        "scope": scope.describe(),
        "rows": [matrix_row_dict(row, report.lists) for row in report.rows],
        "summary": matrix_summary(report),
    }


def matrix_columns(codes: Sequence[str]) -> tuple[str, ...]:
    return ("name", "type", "nationality", *(c for code in codes for c in (code, f"{code}_uid")), "listed_by")


def matrix_rows(report: MatrixReport) -> list[dict[str, str]]:
    """One flat row per target: per list its listing date ("listed" when undated, empty when absent) and ids."""
    codes = list(report.lists)
    rows = []
    for row in report.rows:
        label = row.label
        flat = {"name": label.name.text, "type": label.type.value, "nationality": nationality(label)}
        for code in codes:
            entries = row.entries.get(code, [])
            flat[code] = listing_label(entries) or ""
            flat[f"{code}_uid"] = "; ".join(e.uid for e in entries)
        flat["listed_by"] = ", ".join(code for code in codes if row.entries.get(code))
        rows.append(flat)
    return rows
