"""The report as plain data: the documented JSON document (`magcheck.gaps/1`) and the flat rows that the
CSV, Markdown and table renderers share, so every format says the same thing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from magcheck.gaps import GapReport, MatrixReport, Target
from magcheck.matching.align import Counterpart
from magcheck.model import Entry, SanctionsList

GAPS_SCHEMA = "magcheck.gaps/1"
MATRIX_SCHEMA = "magcheck.matrix/1"


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def list_meta(lst: SanctionsList) -> dict[str, Any]:
    return {
        "title": lst.title,
        "date": iso(lst.date),
        "date_note": lst.date_note,
        "latest_listing": iso(lst.latest_listing),
        "entries": len(lst.entries),
        "files": list(lst.files),
        "source": lst.origin,
    }


def nationality(entry: Entry) -> str:
    """Nationality, else citizenship, else the countries the record names (Canada's regime for its entries)."""
    values = entry.nationalities or entry.citizenships or entry.countries
    return ", ".join(dict.fromkeys(values))


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


def gaps_document(report: GapReport) -> dict[str, Any]:
    scope = report.scope
    return {
        "schema": GAPS_SCHEMA,
        "generated": report.generated.isoformat(timespec="seconds"),
        "lists": {code: list_meta(lst) for code, lst in report.lists.items()},
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
        "summary": report.summary,
    }


def matrix_document(report: MatrixReport) -> dict[str, Any]:
    rows = []
    for row in report.rows:
        label = row.label
        rows.append({
            "name": label.name.text,
            "type": label.type.value,
            "listings": {
                code: [{"uid": e.uid, "name": e.name.text, "listed": iso(e.listed), "programs": list(e.programs)}
                       for e in row.entries.get(code, [])] or None
                for code in report.lists
            },
        })
    return {
        "schema": MATRIX_SCHEMA,
        "generated": report.generated.isoformat(timespec="seconds"),
        "lists": {code: list_meta(lst) for code, lst in report.lists.items()},
        "scope": report.scope.describe(),
        "rows": rows,
    }
