"""The report as plain data: the documented JSON documents (`magcheck.gaps/1`, `magcheck.matrix/1`) and the
flat rows and notes that the CSV, Markdown, HTML and table renderers share, so every format says the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from magcheck.gaps import GapReport, MatrixReport, MatrixRow, Target
from magcheck.matching.coverage import Counterpart, Coverage
from magcheck.model import Entry, SanctionsList

if TYPE_CHECKING:
    from magcheck.history import Changes

GAPS_SCHEMA = "magcheck.gaps/1"
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
    }
    if generated is not None:
        data["age_days"] = age_days(lst, generated)
        data["warnings"] = list_warnings(lst, generated)
    return data


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


def target_dict(target: Target) -> dict[str, Any]:
    entry = target.entry
    return {
        "list": entry.list,
        "uid": entry.uid,
        "name": entry.name.text,
        "type": entry.type.value,
        "programs": list(entry.programs),
        "nationality": nationality(entry) or None,
        "listed": iso(entry.listed),
        "coverage": {
            code: counterpart_dict(cov.matches[0]) if cov.matches else None for code, cov in target.coverage.items()
        },
        "also_matched": {
            code: [counterpart_dict(c) for c in cov.matches[1:]] for code, cov in target.coverage.items()
            if len(cov.matches) > 1
        },
        "review": {
            code: [{"uid": c.entry.uid, "name": c.entry.name.text, "score": c.score} for c in cov.review]
            for code, cov in target.coverage.items()
        },
        "missing_from": target.missing_from,
    }


def gaps_document(report: GapReport, changes: Changes | None = None) -> dict[str, Any]:
    scope = report.scope
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
        "targets": [target_dict(t) for t in report.targets],
        "summary": {**report.summary, "near_miss": {
            code: sum(1 for t in report.gaps(code) if t.coverage[code].review) for code in scope.against}},
    }
    if changes is not None:
        document["changes"] = changes.as_dict()
    return document


# --- the gaps as flat rows (CSV), one per target and government checked ------------------------------------

GAP_COLUMNS = (
    "list", "uid", "name", "type", "nationality", "programs", "listed", "government", "status",
    "counterpart_uid", "counterpart_name", "counterpart_score", "counterpart_listed",
    "near_miss_uid", "near_miss_name", "near_miss_score", "change",
)


def coverage_status(coverage: Coverage) -> str:
    """covered: a counterpart matched; review: no match but a near-miss to check; gap: nothing close."""
    if coverage.matches:
        return "covered"
    return "review" if coverage.review else "gap"


def change_marks(changes: Changes | None) -> dict[tuple[str, str], str]:
    """(government, uid) -> "new gap" / "closed" for the rows of a `--changes` run."""
    if changes is None:
        return {}
    marks = {(c.government, c.uid): "new gap" for c in changes.new}
    marks.update({(c.government, c.uid): "closed" for c in changes.closed})
    return marks


def gap_rows(report: GapReport, changes: Changes | None = None) -> list[dict[str, str]]:
    marks = change_marks(changes)
    rows = []
    for target in report.targets:
        entry = target.entry
        for code in report.scope.against:
            coverage = target.coverage.get(code, Coverage())
            best, near = coverage.best, (coverage.review[0] if coverage.review else None)
            rows.append({
                "list": entry.list,
                "uid": entry.uid,
                "name": entry.name.text,
                "type": entry.type.value,
                "nationality": nationality(entry),
                "programs": programs_text(entry),
                "listed": iso(entry.listed) or "",
                "government": code,
                "status": coverage_status(coverage),
                "counterpart_uid": best.entry.uid if best else "",
                "counterpart_name": best.entry.name.text if best else "",
                "counterpart_score": f"{best.score:.4f}" if best else "",
                "counterpart_listed": (iso(best.entry.listed) or "") if best else "",
                "near_miss_uid": near.entry.uid if near else "",
                "near_miss_name": near.entry.name.text if near else "",
                "near_miss_score": f"{near.score:.4f}" if near else "",
                "change": marks.get((code, entry.uid), ""),
            })
    return rows


def near_miss_text(coverage: Coverage, code: str) -> str:
    """`NAME (code:uid) 0.78` for the best near-miss, or empty."""
    if not coverage.review:
        return ""
    near = coverage.review[0]
    return f"{near.entry.name.text} ({code}:{near.entry.uid}) {score_text(near.score)}"


def summary_lines(report: GapReport) -> list[tuple[str, str]]:
    """The summary as (label, value) pairs, in the order every format prints them."""
    summary = report.summary
    gaps: dict[str, int] = summary["gaps"]  # type: ignore[assignment]
    total = len(report.targets)
    lines = [(f"targets in scope ({report.scope.reference.upper()})", str(total))]
    for code in report.scope.against:
        review = sum(1 for t in report.gaps(code) if t.coverage[code].review)
        lines.append((f"not sanctioned by {code.upper()}",
                      f"{gaps[code]} ({total - gaps[code]} covered; {review} with a near-miss to review)"))
    lines.append(("covered by all", str(summary["covered_by_all"])))
    lines.append(("missing from all", str(summary["missing_from_all"])))
    return lines


def change_lines(changes: Changes, reference: str) -> list[tuple[str, list[str]]]:
    """(heading, items) for the new gaps, closed gaps and targets that left the scope."""
    def items(found: Iterable[Any]) -> list[str]:
        return [f"{c.name} ({c.list}:{c.uid}): {c.government.upper()}" for c in found]

    return [
        ("new gaps (not gaps in the previous run)", items(changes.new)),
        ("closed gaps (now sanctioned)", items(changes.closed)),
        ("no longer in scope", items(changes.left_scope)),
    ]


def changes_heading(changes: Changes) -> str:
    if changes.since is None:
        return "Changes: no previous run over this scope; this run is the baseline"
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
