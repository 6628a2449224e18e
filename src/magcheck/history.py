"""What each `gaps` run found, kept in the state directory, and what changed since the previous run.

A cron job runs `magcheck gaps --changes --exit-code` every night; this module remembers, per scope, the
gaps each run found, so the next run can say "the UK newly sanctioned X" (a closed gap) or "the US
designated Y, whom Canada has not" (a new gap).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from platformdirs import user_state_dir

from magcheck.errors import CacheError
from magcheck.fsutil import write_atomically
from magcheck.gaps import GapReport

RUN_SCHEMA = "magcheck.run/1"
KEEP_RUNS = 30  # per scope


def default_state_dir() -> Path:
    return Path(user_state_dir("magcheck", appauthor=False))


@dataclass(frozen=True)
class GapChange:
    government: str  # the list code of the government checked
    list: str  # the reference list code
    uid: str
    name: str


@dataclass
class Changes:
    since: str | None  # when the previous run over the same scope was made (None: there was none)
    new: list[GapChange] = field(default_factory=list)  # gaps now that were not gaps before
    closed: list[GapChange] = field(default_factory=list)  # gaps before that a government has now covered
    left_scope: list[GapChange] = field(default_factory=list)  # gaps before whose target is no longer in scope

    def as_dict(self) -> dict[str, Any]:
        def rows(items: list[GapChange]) -> list[dict[str, str]]:
            return [{"government": c.government, "list": c.list, "uid": c.uid, "name": c.name} for c in items]

        return {"since": self.since, "new": rows(self.new), "closed": rows(self.closed),
                "left_scope": rows(self.left_scope)}


def run_record(report: GapReport) -> dict[str, Any]:
    """The part of a report the next run compares against."""
    return {
        "schema": RUN_SCHEMA,
        "scope_key": report.scope.key(),
        "scope": report.scope.describe(),
        "generated": report.generated.isoformat(timespec="seconds"),
        "lists": {code: {"date": lst.date.isoformat() if lst.date else None, "entries": len(lst.entries)}
                  for code, lst in report.lists.items()},
        "targets": {t.entry.uid: t.entry.name.text for t in report.targets},
        "gaps": {code: sorted(t.entry.uid for t in report.gaps(code)) for code in report.scope.against},
    }


def compare_runs(previous: dict[str, Any] | None, current: dict[str, Any], reference: str) -> Changes:
    if previous is None:
        return Changes(since=None)
    changes = Changes(since=previous.get("generated"))
    names = {**previous.get("targets", {}), **current["targets"]}
    for government, now in current["gaps"].items():
        before = set(previous.get("gaps", {}).get(government, ()))
        now_set = set(now)
        for uid in sorted(now_set - before):
            changes.new.append(GapChange(government, reference, uid, names.get(uid, uid)))
        for uid in sorted(before - now_set):
            target = GapChange(government, reference, uid, names.get(uid, uid))
            (changes.closed if uid in current["targets"] else changes.left_scope).append(target)
    return changes


class RunHistory:
    """Run records under `<state dir>/runs/<scope key>/<timestamp>.json`, newest last."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_state_dir()

    def _folder(self, scope_key: str) -> Path:
        return self.root / "runs" / scope_key

    def previous(self, scope_key: str) -> dict[str, Any] | None:
        folder = self._folder(scope_key)
        if not folder.is_dir():
            return None
        for path in sorted(folder.glob("*.json"), reverse=True):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # a damaged record is skipped, not fatal
            if isinstance(record, dict) and record.get("schema") == RUN_SCHEMA:
                return record
        return None

    def record(self, record: dict[str, Any]) -> Path:
        folder = self._folder(record["scope_key"])
        stamp = datetime.fromisoformat(record["generated"]).strftime("%Y%m%dT%H%M%S")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{stamp}.json"
            write_atomically(target, json.dumps(record, ensure_ascii=False, indent=1))
            for old in sorted(folder.glob("*.json"))[:-KEEP_RUNS]:
                old.unlink(missing_ok=True)
        except OSError as exc:
            raise CacheError(f"cannot record this run in {folder}: {exc.strerror or exc}") from None
        return target
