"""Render `magcheck history LIST:UID`: one target's small timeline, as text or JSON (`magcheck.history/1`).

The first line is the timeline itself, the way an advocate quotes it:
`US listed 2020-07-09 · CA listed 2024-12-09 (+1,614 days) · UK: not listed as of 2025-04-14 (2,105 days)`;
then one line per government with its entries, measures and the first date a recorded run saw the gap or the
cover, and what the run history holds (or that it holds nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from magcheck.errors import UsageError
from magcheck.gaps import COVERED, VIA_UN
from magcheck.history import Step, Timeline
from magcheck.model import SanctionsList
from magcheck.report import data
from magcheck.report.gaps import to_json

HISTORY_FORMATS = ("table", "json")
HISTORY_SCHEMA = "magcheck.history/1"
SEPARATOR = " · "


def step_summary(step: Step, reference: str) -> str:
    """One step as it reads on the timeline line."""
    code = step.government.upper()
    if step.status == "reference":
        return f"{code} listed {data.iso(step.listed) or '(date not stated)'}"
    if step.status == COVERED and step.via == VIA_UN:
        return f"{code}: covered through the UN listing {step.un_ref}"
    if step.status == COVERED:
        lag = f" ({data.days_text(step.days, signed=True)})" if step.days is not None else ""
        return f"{code} listed {data.iso(step.listed) or '(date not stated)'}{lag}"
    when = f" as of {step.as_of.isoformat()}" if step.as_of else " (list date not stated)"
    age = f" ({data.days_text(step.days)})" if step.days is not None else ""
    return f"{code}: not listed{when}{age}"


def step_detail(step: Step, reference: str) -> str:
    """One step's line under the timeline: entries, measures, lag or age in words, first seen."""
    code = step.government.upper()
    parts: list[str] = []
    if step.status == "reference":
        return ""
    if step.status == COVERED and step.via == VIA_UN:
        listed = f", UN listed {step.un_listed.isoformat()}" if step.un_listed else ""
        parts.append(f"not on its own list; implements the UN listing {step.un_ref}{listed} under its UN Act "
                     "regulations")
    elif step.status == COVERED:
        parts.append(", ".join(f"{step.government}:{uid}" for uid in step.counterparts))
        if step.days is not None:
            word = "after" if step.days >= 0 else "before"
            parts.append(f"{data.days_text(abs(step.days))} {word} {reference.upper()}")
    else:
        parts.append("a near-miss to review (magcheck explain)" if step.status == "review" else "no counterpart")
        if step.days is not None:
            parts.append(f"{data.days_text(step.days)} since {reference.upper()} listed it")
    if step.measures:
        parts.append(f"measures: {data.measures_text(step.measures)}")
    if step.first_seen:
        kind = "cover" if step.status == COVERED else "gap"
        parts.append(f"{kind} first seen by a recorded run on {step.first_seen[:10]}")
    return f"{code}: " + "; ".join(p for p in parts if p)


def history_line(timeline: Timeline) -> str:
    memory = timeline.remembered
    if not memory.runs:
        return (f"run history: no recorded run holds {timeline.key} (runs are recorded by 'magcheck gaps "
                "--changes'); the timeline comes from the lists alone")
    last = f", the latest on {memory.last_run[:10]}" if memory.last_run else ""
    holds = "scope holds" if memory.runs == 1 else "scopes hold"
    return f"run history: {memory.runs} recorded {holds} it{last}"


def timeline_text(timeline: Timeline) -> str:
    reference = timeline.reference
    lines = [f"{timeline.name} ({timeline.key})"]
    if not timeline.on_list:
        lines.append(f"not on the {reference.upper()} list any more; what the run history remembers:")
    lines.append(SEPARATOR.join(step_summary(step, reference) for step in timeline.steps))
    lines += [detail for step in timeline.steps if (detail := step_detail(step, reference))]
    lines.append(history_line(timeline))
    return "\n".join(lines) + "\n"


def step_dict(step: Step) -> dict[str, Any]:
    return {"government": step.government, "status": step.status, "listed": data.iso(step.listed),
            "via": step.via, "days": step.days, "as_of": data.iso(step.as_of), "counterparts": list(step.counterparts),
            "measures": list(step.measures), "un_ref": step.un_ref, "un_listed": data.iso(step.un_listed),
            "first_seen": step.first_seen}


def timeline_document(timeline: Timeline, lists: Mapping[str, SanctionsList], generated: datetime) -> dict[str, Any]:
    memory = timeline.remembered
    return {
        "schema": HISTORY_SCHEMA,
        "generated": generated.isoformat(timespec="seconds"),
        "key": timeline.key,
        "name": timeline.name,
        "on_reference_list": timeline.on_list,
        "timeline": timeline_text(timeline).splitlines()[1 + (not timeline.on_list)],
        "steps": [step_dict(step) for step in timeline.steps],
        "history": {"scopes": memory.runs, "last_run": memory.last_run, "gap_since": memory.gap_since,
                    "covered_since": memory.covered_since},
        "lists": {code: data.list_meta(lst, generated) for code, lst in lists.items()},
    }


def render_timeline(timeline: Timeline, lists: Mapping[str, SanctionsList], fmt: str, *,
                    generated: datetime) -> str:
    if fmt == "json":
        return to_json(timeline_document(timeline, lists, generated))
    if fmt == "table":
        return timeline_text(timeline)
    raise UsageError(f"unknown format {fmt!r} (expected one of {', '.join(HISTORY_FORMATS)})")
