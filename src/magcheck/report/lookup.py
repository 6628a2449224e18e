"""Render `search` (the best matches for a name in every list) and `explain` (one entry's counterparts and
near-misses in every other list, with every step behind each score), as a terminal table or JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from magcheck.errors import UsageError
from magcheck.matching.align import Alignment, SearchHit
from magcheck.matching.coverage import Counterpart, Thresholds
from magcheck.matching.evidence import Evidence
from magcheck.matching.score import NameMatch, PairScore
from magcheck.model import Entry, Name
from magcheck.report import data
from magcheck.report.gaps import heading, to_json
from magcheck.report.terminal import Terminal, capture

LOOKUP_FORMATS = ("table", "json")
SEARCH_SCHEMA = "magcheck.search/1"
EXPLAIN_SCHEMA = "magcheck.explain/1"


def _check_format(fmt: str) -> None:
    if fmt not in LOOKUP_FORMATS:
        raise UsageError(f"unknown format {fmt!r} (expected one of {', '.join(LOOKUP_FORMATS)})")


# --- pieces shared by search and explain -------------------------------------------------------------------


def name_dict(name: Name) -> dict[str, Any]:
    return {"text": name.text, "kind": name.kind.value, "strength": name.strength.value}


def evidence_dict(item: Evidence) -> dict[str, Any]:
    return {"label": item.label, "delta": item.delta, "detail": item.detail}


def evidence_line(item: Evidence) -> str:
    return f"{item.delta:+.3f}  {item.label}  {item.detail}"


def token_pairs_text(match: NameMatch) -> str:
    """`chen=chen, kuanguo~kuangou 0.92`: `=` identical tokens, `~` variants with their similarity."""
    parts = []
    for a, b, similarity in match.pairs:
        parts.append(f"{a}={b}" if a == b and similarity >= 1.0 else f"{a}~{b} {similarity:.2f}")
    return ", ".join(parts) or "none"


def unmatched_text(match: NameMatch) -> str:
    if not match.unmatched_a and not match.unmatched_b:
        return "none"
    return f"a: {' '.join(match.unmatched_a) or '-'} | b: {' '.join(match.unmatched_b) or '-'}"


def detail_dict(detail: PairScore | None) -> dict[str, Any] | None:
    if detail is None:
        return None
    return {
        "name_a": name_dict(detail.name_a),
        "name_b": name_dict(detail.name_b),
        "name_score": detail.name.score,
        "tokens": [{"a": a, "b": b, "similarity": s} for a, b, s in detail.name.pairs],
        "unmatched_a": list(detail.name.unmatched_a),
        "unmatched_b": list(detail.name.unmatched_b),
        "name_notes": list(detail.name.notes),
        "evidence": [evidence_dict(e) for e in detail.evidence],
    }


def entry_brief(entry: Entry) -> dict[str, Any]:
    return {
        "list": entry.list,
        "uid": entry.uid,
        "key": entry.key,
        "name": entry.name.text,
        "type": entry.type.value,
        "programs": list(entry.programs),
        "listed": data.iso(entry.listed),
        "nationality": data.nationality(entry) or None,
    }


# --- search ------------------------------------------------------------------------------------------------


def render_search(hits: Mapping[str, Sequence[SearchHit]], query: str, fmt: str, *,
                  terminal: Terminal | None = None) -> str:
    """The best matches for `query` per list (from `matching.align.search`) as "table" or "json"."""
    _check_format(fmt)
    terminal = terminal or Terminal.plain()
    if fmt == "json":
        return to_json(search_document(hits, query))
    return search_table(hits, query, terminal)


def hit_dict(hit: SearchHit) -> dict[str, Any]:
    return {**entry_brief(hit.entry), "score": hit.score, "matched_name": name_dict(hit.detail.name_b),
            "evidence": [evidence_dict(e) for e in hit.detail.evidence]}


def search_document(hits: Mapping[str, Sequence[SearchHit]], query: str) -> dict[str, Any]:
    return {"schema": SEARCH_SCHEMA, "query": query,
            "results": {code: [hit_dict(h) for h in found] for code, found in hits.items()}}


def search_table(hits: Mapping[str, Sequence[SearchHit]], query: str, terminal: Terminal) -> str:
    note = "scores weigh the names only: a typed name has no date of birth or nationality to compare"
    parts: list[object] = [heading(f"Search: {query}"), Text(note, style="dim")]
    for code, found in hits.items():
        parts += [Text(""), heading(f"{code.upper()}: {len(found)} match{'es' if len(found) != 1 else ''}")]
        if not found:
            parts.append(Text("no entry with a similar name"))
            continue
        table = Table(box=terminal.box)
        for header in ("#", "id", "name", "type", "score", "matched name", "programmes", "listed", "evidence"):
            table.add_column(header, justify="right" if header in ("#", "score") else "left", overflow="fold")
        for index, hit in enumerate(found, 1):
            entry = hit.entry
            matched = hit.detail.name_b.text
            table.add_row(str(index), entry.key, entry.name.text, entry.type.value, data.score_text(hit.score),
                          "" if matched == entry.name.text else matched, ", ".join(entry.programs),
                          data.iso(entry.listed) or "",
                          "\n".join(f"{e.label} {e.delta:+.3f}" for e in hit.detail.evidence))
        parts.append(table)
    return capture(terminal, *parts)


# --- explain -----------------------------------------------------------------------------------------------


def render_explain(entry: Entry, alignment: Alignment, thresholds: Thresholds, fmt: str, *,
                   terminal: Terminal | None = None) -> str:
    """Why `entry` matches (or not) each other list, from `matching.align.explain`, as "table" or "json".

    `thresholds` are the run's own (match, review band), used to mark each candidate; the alignment itself
    keeps candidates below the review band too.
    """
    _check_format(fmt)
    terminal = terminal or Terminal.plain()
    if fmt == "json":
        return to_json(explain_document(entry, alignment, thresholds))
    return explain_table(entry, alignment, thresholds, terminal)


def verdict(counterpart: Counterpart, matched: bool, thresholds: Thresholds) -> str:
    """match | review | below: what the run makes of this candidate."""
    if matched:
        return "match"
    return "review" if counterpart.score >= thresholds.possible else "below"


def verdict_text(counterpart: Counterpart, matched: bool, thresholds: Thresholds) -> str:
    kind = verdict(counterpart, matched, thresholds)
    if kind == "match":
        if counterpart.override is not None and counterpart.detail is None:
            return "MATCH (analyst override)"
        return f"MATCH (score >= {thresholds.match:.2f})"
    if kind == "review":
        if counterpart.score >= thresholds.match:
            rivals = ", ".join(counterpart.outranked_by)
            return f"REVIEW (outranked by {rivals})" if rivals else "REVIEW (a stronger claim stands)"
        return f"REVIEW (review band {thresholds.possible:.2f} to {thresholds.match:.2f})"
    return f"below the review band (< {thresholds.possible:.2f}): not a match"


def candidates(alignment: Alignment, entry: Entry, code: str) -> list[tuple[Counterpart, bool]]:
    coverage = alignment.coverage.get(entry.key, {}).get(code)
    if coverage is None:
        return []
    return [(c, True) for c in coverage.matches] + [(c, False) for c in coverage.review]


def candidate_dict(counterpart: Counterpart, matched: bool, thresholds: Thresholds) -> dict[str, Any]:
    return {
        **entry_brief(counterpart.entry),
        "score": counterpart.score,
        "verdict": verdict(counterpart, matched, thresholds),
        "detail": detail_dict(counterpart.detail),
        "override": counterpart.override,
        "shared_with": list(counterpart.shared_with),
        "outranked_by": list(counterpart.outranked_by),
        "outranked_why": counterpart.outranked_why or None,
    }


def explain_document(entry: Entry, alignment: Alignment, thresholds: Thresholds) -> dict[str, Any]:
    lists = {}
    for code in alignment.others:
        found = candidates(alignment, entry, code)
        lists[code] = {
            "covered": any(matched for _, matched in found),
            "candidates": [candidate_dict(c, matched, thresholds) for c, matched in found],
        }
    return {
        "schema": EXPLAIN_SCHEMA,
        "entry": {**entry_brief(entry), "other_names": [name_dict(n) for n in entry.other_names],
                  "dobs": [str(d) for d in entry.dobs], "gender": entry.gender},
        "thresholds": {"match": thresholds.match, "review": thresholds.possible},
        "lists": lists,
    }


def _entry_facts(entry: Entry) -> str:
    facts = [entry.type.value]
    if entry.programs:
        facts.append(f"programmes {', '.join(entry.programs)}")
    if entry.listed:
        facts.append(f"listed {entry.listed.isoformat()}")
    if nationality := data.nationality(entry):
        facts.append(f"nationality/country {nationality}")
    if entry.dobs:
        facts.append(f"born {', '.join(str(d) for d in entry.dobs[:3])}")
    if entry.other_names:
        facts.append(f"{len(entry.other_names)} other name{'s' if len(entry.other_names) != 1 else ''}")
    return "; ".join(facts)


def score_arithmetic(detail: PairScore) -> str:
    """How the final score follows from the name score and the evidence."""
    evidence = sum(e.delta for e in detail.evidence)
    raw = detail.name.score + evidence
    text = f"name {detail.name.score:.4f} {'+' if evidence >= 0 else '-'} evidence {abs(evidence):.4f}"
    bounded = min(max(raw, 0.0), 1.0)
    if abs(raw - detail.score) < 5e-5:
        return f"{text} = {detail.score:.4f}"
    if abs(bounded - detail.score) < 5e-5:
        return f"{text} = {raw:.4f}, {'capped at 1' if raw > 1 else 'floored at 0'}: {detail.score:.4f}"
    return f"{text} = {raw:.4f}, raised to {detail.score:.4f} by a shared identifier"


def candidate_block(index: int, counterpart: Counterpart, matched: bool, thresholds: Thresholds) -> Group:
    kind = verdict(counterpart, matched, thresholds)
    style = {"match": "bold green", "review": "bold yellow", "below": "dim"}[kind]
    other = counterpart.entry
    title = Text.assemble(f"{index}. {other.key}  {other.name.text}  ", (f"score {counterpart.score:.4f}", "bold"),
                          "  ", (verdict_text(counterpart, matched, thresholds), style))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    facts = _entry_facts(other)
    grid.add_row("record", facts)
    detail = counterpart.detail
    if detail is None:
        grid.add_row("score", "set by an analyst override (no automatic comparison)")
    else:
        grid.add_row("names compared", f"a: {detail.name_a.text} ({detail.name_a.kind.value}) | "
                                       f"b: {detail.name_b.text} ({detail.name_b.kind.value})")
        grid.add_row("token alignment", token_pairs_text(detail.name))
        grid.add_row("unmatched tokens", unmatched_text(detail.name))
        grid.add_row("name score", "\n".join([f"{detail.name.score:.4f}", *detail.name.notes]))
        evidence = "\n".join(evidence_line(e) for e in detail.evidence) or "none"
        grid.add_row("evidence", evidence)
        grid.add_row("final score", score_arithmetic(detail))
    if counterpart.override is not None:
        grid.add_row("override", counterpart.override or "(no note)")
    if counterpart.shared_with:
        claim = "also claims" if len(counterpart.shared_with) == 1 else "also claim"
        grid.add_row("shared with", f"{', '.join(counterpart.shared_with)} {claim} this counterpart")
    if counterpart.outranked_by:
        grid.add_row("outranked", counterpart.outranked_why or ", ".join(counterpart.outranked_by))
    return Group(title, Padding(grid, (0, 0, 0, 3), expand=False))


def explain_table(entry: Entry, alignment: Alignment, thresholds: Thresholds, terminal: Terminal) -> str:
    parts: list[object] = [
        heading(f"Explain {entry.key}: {entry.name.text}"),
        Text(_entry_facts(entry)),
        Text(f"match at score >= {thresholds.match:.2f}; review band {thresholds.possible:.2f} to "
             f"{thresholds.match:.2f}; lower candidates are shown for context only", style="dim"),
    ]
    for code in alignment.others:
        found = candidates(alignment, entry, code)
        matched = [c for c, m in found if m]
        if matched:
            state = f"covered by {', '.join(c.entry.key for c in matched)}"
        else:
            state = "no counterpart: a gap" + ("; see the near-misses below" if found else "")
        parts += [Text(""), heading(f"{code.upper()}: {state}")]
        if not found:
            parts.append(Text("no candidate with a similar name"))
        for index, (counterpart, is_match) in enumerate(found, 1):
            parts.append(candidate_block(index, counterpart, is_match, thresholds))
    return capture(terminal, *parts)
