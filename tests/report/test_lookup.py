"""`search` and `explain` renderers, on the real bundled snapshot."""

from __future__ import annotations

import json
import re

import pytest

from magcheck.errors import UsageError
from magcheck.matching.align import Alignment, Counterpart, Coverage, Thresholds, explain, search
from magcheck.report import Terminal, render_explain, render_search
from tests.report.support import ANSI, BOX_DRAWING, CODES, entry, matcher

PLAIN = Terminal.plain(width=200)
TTY = Terminal(is_tty=True, color=True, width=200)


# --- search ------------------------------------------------------------------------------------------------


def test_search_table_shows_scores_and_evidence_labels() -> None:
    hits = search(matcher(), "PMC Wagner", CODES)
    africa = next(h for h in hits["uk"] if h.entry.uid == "LIB0077")  # Wagner's successor, matched by alias
    assert [e.label for e in africa.detail.evidence] == ["primary-names-differ"]
    text = render_search(hits, "PMC Wagner", "table", terminal=PLAIN)
    assert "Search: PMC Wagner" in text
    assert "uk:LIB0077" in text and "AFRICA CORPS" in text and f"{africa.score:.2f}" in text
    for found in hits.values():
        for hit in found:
            assert hit.entry.key in text
            for item in hit.detail.evidence:
                assert f"{item.label} {item.delta:+.3f}" in text
    assert not ANSI.search(text) and not BOX_DRAWING.search(text)
    assert ANSI.search(render_search(hits, "PMC Wagner", "table", terminal=TTY))


def test_search_json() -> None:
    hits = search(matcher(), "Chen Quanguo", CODES)
    doc = json.loads(render_search(hits, "Chen Quanguo", "json", terminal=PLAIN))
    assert doc["schema"] == "magcheck.search/1" and doc["query"] == "Chen Quanguo"
    assert set(doc["results"]) == set(CODES)
    assert doc["results"]["uk"] == []
    (us,) = [h for h in doc["results"]["us"] if h["uid"] == "29220"]
    assert us["key"] == "us:29220" and us["score"] >= 0.85 and us["matched_name"]["text"] == "CHEN, Quanguo"
    assert [h["uid"] for h in doc["results"]["ca"]][:1] == ["china-p1-5"]
    vessel = json.loads(render_search(search(matcher(), "Grace 1", ("us",)), "Grace 1", "json"))
    assert "type-differs" in [e["label"] for h in vessel["results"]["us"] for e in h["evidence"]]


def test_search_with_no_hits() -> None:
    text = render_search({code: [] for code in CODES}, "Nobody At All", "table", terminal=PLAIN)
    assert text.count("no entry with a similar name") == 3


# --- explain -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chen() -> tuple[object, Alignment]:
    target = entry("us:29220")
    return target, explain(matcher(), target, CODES)


def test_explain_table_shows_every_step(chen: tuple) -> None:
    target, alignment = chen
    text = render_explain(target, alignment, matcher().thresholds, "table", terminal=PLAIN)
    assert "Explain us:29220: CHEN, Quanguo" in text
    uk_part, ca_part = text.split("\nUK: ")[1].split("\nCA: ")
    assert uk_part.startswith("no counterpart: a gap")
    assert ca_part.startswith("covered by ca:china-p1-5")
    assert "ca:china-p1-5  Quanguo Chen  score 1.0000  MATCH" in ca_part
    assert "a: CHEN, Quanguo (primary) | b: Quanguo Chen (primary)" in ca_part
    assert "chen=chen" in ca_part and "kuanguo=kuanguo" in ca_part
    coverage = alignment.of(target, "ca")
    for counterpart in (*coverage.matches, *coverage.review):
        assert counterpart.entry.key in ca_part
        for item in counterpart.detail.evidence:  # type: ignore[union-attr]
            assert f"{item.delta:+.3f}  {item.label}  {item.detail}" in ca_part
    assert "+0.025  dob-year  born 1955 vs 1955-11" in ca_part
    assert "below the review band" in ca_part  # Chen Mingguo, shown for context
    assert not ANSI.search(text) and not BOX_DRAWING.search(text)


def test_explain_json(chen: tuple) -> None:
    target, alignment = chen
    doc = json.loads(render_explain(target, alignment, matcher().thresholds, "json"))
    assert doc["schema"] == "magcheck.explain/1"
    assert doc["entry"]["key"] == "us:29220" and doc["thresholds"] == {"match": 0.85, "review": 0.65}
    assert doc["lists"]["uk"] == {"covered": False, "candidates": []}
    ca = doc["lists"]["ca"]
    assert ca["covered"] is True
    first = ca["candidates"][0]
    assert first["uid"] == "china-p1-5" and first["verdict"] == "match"
    assert first["detail"]["name_a"]["text"] == "CHEN, Quanguo"
    assert {"label": "dob-year", "delta": 0.025, "detail": "born 1955 vs 1955-11"} in first["detail"]["evidence"]
    assert {"a": "chen", "b": "chen", "similarity": 1.0} in first["detail"]["tokens"]
    assert all(c["verdict"] == "below" for c in ca["candidates"][1:])


def test_explain_the_xpcc_trap_is_never_a_match() -> None:
    target = entry("us:29299")
    alignment = explain(matcher(), target, CODES)
    doc = json.loads(render_explain(target, alignment, matcher().thresholds, "json"))
    for code in ("uk", "ca"):
        assert doc["lists"][code]["covered"] is False
        assert all(c["verdict"] != "match" for c in doc["lists"][code]["candidates"])
    text = render_explain(target, alignment, matcher().thresholds, "table", terminal=PLAIN)
    assert "UK: no counterpart: a gap" in text and "uk:GHR0079" in text


def test_explain_shows_overrides_shared_claims_and_review() -> None:
    target, other, rival = entry("us:29220"), entry("uk:GHR0078"), entry("uk:GHR0079")
    shared = explain(matcher(), entry("us:29219"), ("uk",)).of(entry("us:29219"), "uk").matches[0]
    demoted = Counterpart(shared.entry, 0.9, shared.detail, shared_with=("us:1", "us:2"))
    coverage = Coverage(matches=[Counterpart(other, 1.0, None, override="checked against the regulations")],
                        review=[demoted, Counterpart(rival, 0.7, shared.detail)])
    alignment = Alignment([target], ("uk",), {target.key: {"uk": coverage}})
    thresholds = Thresholds()
    text = render_explain(target, alignment, thresholds, "table", terminal=PLAIN)
    assert "MATCH (analyst override)" in text
    assert "set by an analyst override" in text
    assert re.search(r"override\s+checked against the regulations", text)
    assert "REVIEW (a stronger claim stands)" in text
    assert re.search(r"shared with\s+us:1, us:2 also claim this counterpart", text)
    assert "REVIEW (review band 0.65 to 0.85)" in text
    doc = json.loads(render_explain(target, alignment, thresholds, "json"))
    first, second, third = doc["lists"]["uk"]["candidates"]
    assert first["override"] == "checked against the regulations" and first["detail"] is None
    assert second["shared_with"] == ["us:1", "us:2"] and second["verdict"] == "review"
    assert third["verdict"] == "review"


def test_lookup_formats_are_checked(chen: tuple) -> None:
    target, alignment = chen
    with pytest.raises(UsageError):
        render_explain(target, alignment, Thresholds(), "csv")
    with pytest.raises(UsageError):
        render_search({}, "x", "markdown")


def test_explain_says_who_outranked_a_counterpart_and_why() -> None:
    """US 6366: the UK's AQD0041 scores 0.9 but AQD0027 scores clearly higher: the candidate is in review,
    and the explanation names the rival and the rule in every format."""
    from magcheck.matching.align import explain
    from magcheck.report import render_explain
    from tests.report.support import lists, matcher

    m = matcher()
    entry = next(e for e in lists()["us"].entries if e.uid == "6366")
    alignment = explain(m, entry, ("uk",))
    outranked = next(c for c in alignment.of(entry, "uk").review if c.entry.uid == "AQD0041")
    assert outranked.outranked_by == ("uk:AQD0027",)
    text = render_explain(entry, alignment, m.thresholds, "table")
    assert "REVIEW (outranked by uk:AQD0027)" in text and "a clearly higher score" in text
    document = json.loads(render_explain(entry, alignment, m.thresholds, "json"))
    (candidate,) = [c for c in document["lists"]["uk"]["candidates"] if c["uid"] == "AQD0041"]
    assert candidate["outranked_by"] == ["uk:AQD0027"] and "clearly higher" in candidate["outranked_why"]
