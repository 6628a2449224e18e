"""Shared, computed-once inputs for the report tests (no tests here).

The real lists come from the snapshot bundled in the package, so the report tests run even without
../shared/data. Loading, matching and aligning take about two seconds, once per test session: every
`test_report_*` module imports these cached builders.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import jsonschema
from referencing import Registry, Resource

from magcheck.gaps import GapReport, MatrixReport, Scope, Target, build_matcher, compute_gaps, compute_matrix
from magcheck.matching.align import Matcher
from magcheck.model import Entry, Name, SanctionsList
from magcheck.store.bundled import load_bundled

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)  # fixed, so list ages in the notes are stable
CODES = ("us", "uk", "ca")
ANSI = re.compile(r"\x1b\[")
BOX_DRAWING = re.compile(r"[\u2500-\u257f]")

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schema"


@cache
def schema_validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator for one of the shipped schemas, resolving references between them."""
    schemas = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS.glob("*.schema.json")}
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
    jsonschema.Draft202012Validator.check_schema(schemas[name])
    return jsonschema.Draft202012Validator(schemas[name], registry=registry)


@cache
def lists() -> dict[str, SanctionsList]:
    loaded = {code: load_bundled(code) for code in CODES}
    assert all(loaded.values()), "the package must bundle a snapshot of every list"
    return loaded  # type: ignore[return-value]


@cache
def matcher() -> Matcher:
    return build_matcher(lists())


@cache
def gap_report() -> GapReport:
    return compute_gaps(lists(), Scope(), matcher(), now=NOW)


@cache
def dated_report() -> GapReport:
    """UK Global Human Rights and Anti-Corruption targets against the US and Canada: the UK and Canada date their
    listings, the US snapshot is dated (2024-05-03), so covers have lags and gaps have ages."""
    return compute_gaps(lists(), Scope(reference="uk", against=("us", "ca")), matcher(), now=NOW)


@cache
def matrix_report() -> MatrixReport:
    return compute_matrix(lists(), CODES, Scope(), matcher(), now=NOW)


def entry(key: str) -> Entry:
    code, _, uid = key.partition(":")
    return next(e for e in lists()[code].entries if e.uid == uid)


def target(uid: str) -> Target:
    return next(t for t in gap_report().targets if t.entry.uid == uid)


def with_renamed_target(uid: str, name: str, *, new_uid: str | None = None) -> GapReport:
    """The real report plus one synthetic target: a copy of target `uid` with another primary name."""
    real = target(uid)
    fake = dataclasses.replace(real.entry, name=Name(name), uid=new_uid or f"{real.entry.uid}-x")
    report = gap_report()
    return dataclasses.replace(report, targets=[*report.targets, Target(fake, real.coverage)])
