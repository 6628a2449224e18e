"""Analyst decisions that survive every re-run: confirmed matches and confirmed non-matches.

A plain TOML file::

    [[same]]
    a = "us:29220"
    b = "ca:china-p1-5"
    note = "Chen Quanguo; checked against the Canadian regulations"

    [[different]]
    a = "us:29299"
    b = "uk:GHR0079"
    note = "XPCC is not its Public Security Bureau"

or a CSV with the columns `a,b,decision,note` (decision `same` or `different`). Entries are named
`list:uid`; the order of `a` and `b` does not matter.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from magcheck.errors import UsageError
from magcheck.matching.coverage import Counterpart, Coverage
from magcheck.model import Entry

_DECISIONS = ("same", "different")


@dataclass
class Overrides:
    same: dict[frozenset[str], str] = field(default_factory=dict)  # pair of keys -> note
    different: dict[frozenset[str], str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.same) + len(self.different)

    def add(self, a: str, b: str, decision: str, note: str = "") -> None:
        if decision not in _DECISIONS:
            raise UsageError(f"override {a} / {b}: decision must be 'same' or 'different', not {decision!r}")
        for key in (a, b):
            if ":" not in key:
                raise UsageError(f"override entry {key!r} must be written list:uid (e.g. us:29220)")
        pair = frozenset((a.strip(), b.strip()))
        target = self.same if decision == "same" else self.different
        target[pair] = note.strip() or f"analyst: {decision}"

    def ruled_out(self, a: str, b: str) -> bool:
        """Whether an analyst ruled the pair out (`different`)."""
        return frozenset((a, b)) in self.different

    def apply(self, per_ref: Mapping[str, Coverage], reference: Sequence[Entry],
              other_entries: Sequence[Entry], other_code: str) -> None:
        """Remove confirmed non-matches; promote (or add) confirmed matches with their note."""
        if not self:
            return
        others_by_key = {e.key: e for e in other_entries}
        for entry in reference:
            coverage = per_ref[entry.key]
            for pair, _note in self.different.items():
                if entry.key in pair:
                    coverage.matches = [c for c in coverage.matches if frozenset((entry.key, c.entry.key)) != pair]
                    coverage.review = [c for c in coverage.review if frozenset((entry.key, c.entry.key)) != pair]
            for pair, note in self.same.items():
                if entry.key not in pair:
                    continue
                (other_key,) = pair - {entry.key} or {entry.key}
                if not other_key.startswith(f"{other_code}:") or other_key not in others_by_key:
                    continue
                existing = [c for c in (*coverage.matches, *coverage.review) if c.entry.key == other_key]
                coverage.review = [c for c in coverage.review if c.entry.key != other_key]
                coverage.matches = [c for c in coverage.matches if c.entry.key != other_key]
                kept = existing[0] if existing else Counterpart(others_by_key[other_key], 1.0, None)
                kept.override = note
                coverage.matches.insert(0, kept)


_KEYS = frozenset({"a", "b", "note"})


def _toml_items(data: dict[str, object], path: Path) -> list[tuple[str, dict[str, str]]]:
    """The `[[same]]` and `[[different]]` tables, each with text `a`, `b` and an optional `note`: anything else
    (`same = 5`, a nested table, a misspelt key) is refused, never silently ignored."""
    unknown = sorted(set(data) - set(_DECISIONS))
    if unknown:
        raise UsageError(f"overrides file {path}: unknown section {unknown[0]!r} (expected [[same]] or [[different]])")
    items: list[tuple[str, dict[str, str]]] = []
    for decision in _DECISIONS:
        tables = data.get(decision, [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise UsageError(f"overrides file {path}: '{decision}' must be a list of tables ([[{decision}]] "
                             "with a = ..., b = ...)")
        for number, table in enumerate(tables, 1):
            extra = sorted(set(table) - _KEYS)
            wrong = [k for k in ("a", "b", "note") if k in table and not isinstance(table[k], str)]
            if extra or wrong or "a" not in table or "b" not in table:
                why = (f"unknown key {extra[0]!r}" if extra else f"{wrong[0]} must be text" if wrong
                       else "a and b are both needed")
                raise UsageError(f"overrides file {path}: [[{decision}]] number {number}: {why}")
            items.append((decision, table))
    return items


def load_overrides(path: Path) -> Overrides:
    """Read a TOML or CSV overrides file; a malformed file is a usage error naming it."""
    overrides = Overrides()
    try:
        if path.suffix.lower() == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as handle:
                for row in csv.DictReader(handle):
                    overrides.add(row.get("a") or "", row.get("b") or "", (row.get("decision") or "").lower(),
                                  row.get("note") or "")
        else:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            for decision, item in _toml_items(data, path):
                overrides.add(item["a"], item["b"], decision, item.get("note", ""))
    except OSError as exc:
        raise UsageError(f"cannot read overrides file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"overrides file {path} is not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    except (tomllib.TOMLDecodeError, csv.Error, AttributeError) as exc:
        raise UsageError(f"overrides file {path} is malformed: {exc}") from None
    return overrides
