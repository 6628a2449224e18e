"""What each `gaps` run found, kept in the state directory, and what changed since the previous run.

A cron job runs `magcheck gaps --changes --exit-code` every night; this module remembers, per scope, the
gaps and covers each run found, so the next run can say "the UK newly sanctioned X" (a closed gap), "the US
designated Y, whom Canada has not" (a new gap), "the US delisted Z" (a target gone from the reference list) or
"the UK delisted W" (a counterpart gone from a checked list). Each record also carries, from one run to the
next, the first date each gap and each cover was seen, which `magcheck history LIST:UID` shows on a timeline.

A record that cannot be read (random bytes, cut short, a JSON list or string, a field of the wrong type) is
renamed aside (`<name>.damaged-<stamp>`, never deleted) and reported to the caller, which says so in one line;
nothing here prints.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_state_dir

from magcheck import jsontext
from magcheck.errors import CacheError
from magcheck.fsutil import write_atomically
from magcheck.gaps import COVERED, VIA_LIST, VIA_UN, Cell, GapReport, as_of
from magcheck.model import Entry

RUN_SCHEMA = "magcheck.run/2"
READABLE_SCHEMAS = frozenset({"magcheck.run/1", RUN_SCHEMA})  # a v1 record is compared, without first dates
KEEP_RUNS = 30  # per scope
BASELINE = "no previous run over this scope; this run is the baseline"


def default_state_dir() -> Path:
    return Path(user_state_dir("magcheck", appauthor=False))


@dataclass(frozen=True)
class GapChange:
    government: str  # the list code of the government (for a delisting from the reference list: the reference)
    list: str  # the reference list code
    uid: str  # the reference target's uid
    name: str  # the reference target's name
    counterpart: str | None = None  # the checked list's entry that is gone (a checked government's delisting)
    via: str | None = None  # a closed gap: "list", or "un" when it closed only through the UN listing

    def as_dict(self) -> dict[str, str]:
        data = {"government": self.government, "list": self.list, "uid": self.uid, "name": self.name}
        if self.counterpart is not None:
            data["counterpart"] = self.counterpart
        if self.via is not None:
            data["via"] = self.via
        return data


FirstSeen = dict[str, dict[str, dict[str, str]]]  # "gaps" / "covers" -> government -> target uid -> ISO date


@dataclass
class Changes:
    since: str | None  # when the previous run over the same scope was made (None: nothing to compare with)
    new: list[GapChange] = field(default_factory=list)  # gaps now that were not gaps before
    closed: list[GapChange] = field(default_factory=list)  # gaps before that a government has now covered
    left_scope: list[GapChange] = field(default_factory=list)  # gaps before whose target left the scope
    delisted: list[GapChange] = field(default_factory=list)  # targets before that the reference list dropped
    counterparts_delisted: list[GapChange] = field(default_factory=list)  # covers lost: the checked list dropped it
    reason: str | None = None  # why nothing was compared (since is None): the baseline, or a damaged history
    first_seen: FirstSeen = field(default_factory=dict)  # of this run's gaps and covers

    @property
    def compared(self) -> bool:
        return self.since is not None

    @property
    def why_not_compared(self) -> str:
        return self.reason or BASELINE

    def as_dict(self) -> dict[str, Any]:
        def rows(items: list[GapChange]) -> list[dict[str, str]]:
            return [c.as_dict() for c in items]

        return {"since": self.since, "compared": self.compared,
                "reason": None if self.compared else self.why_not_compared,
                "new": rows(self.new), "closed": rows(self.closed), "left_scope": rows(self.left_scope),
                "delisted": rows(self.delisted), "counterparts_delisted": rows(self.counterparts_delisted),
                "first_seen": self.first_seen}


# --- records --------------------------------------------------------------------------------------------


def run_record(report: GapReport, previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The part of a report the next run compares against, with the first date each gap and cover was seen
    (carried over from `previous` while it lasts)."""
    against = report.scope.against
    gaps = {code: sorted(t.entry.uid for t in report.gaps(code)) for code in against}
    covers = {code: {t.entry.uid: [c.entry.uid for c in t.cell(code).counterparts]
                     for t in report.targets if t.cell(code).via == VIA_LIST} for code in against}
    via_un = {code: sorted(t.entry.uid for t in report.targets if t.cell(code).via == VIA_UN) for code in against}
    record: dict[str, Any] = {
        "schema": RUN_SCHEMA,
        "scope_key": report.scope.key(),
        "scope": report.scope.describe(),
        "reference": report.scope.reference,
        "generated": report.generated.isoformat(timespec="seconds"),
        "lists": {code: {"date": lst.date.isoformat() if lst.date else None, "entries": len(lst.entries)}
                  for code, lst in report.lists.items()},
        "targets": {t.entry.uid: t.entry.name.text for t in report.targets},
        "listed": {t.entry.uid: t.entry.listed.isoformat() for t in report.targets if t.entry.listed},
        "gaps": gaps,
        "covers": covers,
        "via_un": via_un,
    }
    record["first_seen"] = carried_first_seen(previous, record)
    return record


def _covered_uids(record: Mapping[str, Any], government: str) -> set[str]:
    """The targets a record has as covered by `government` (a v1 record: every target not a gap)."""
    if "covers" in record:
        return set(record["covers"].get(government, {})) | set(record.get("via_un", {}).get(government, ()))
    return set(record.get("targets", {})) - set(record.get("gaps", {}).get(government, ()))


def carried_first_seen(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> FirstSeen:
    """For each gap and cover of `current`: the date it was first seen, if it was already one in `previous`
    (from the previous record's own first dates, else that run's date), else the date of `current`."""
    today = current["generated"][:10]
    before_first: Mapping[str, Any] = previous.get("first_seen", {}) if previous else {}
    before_when = previous["generated"][:10] if previous else today
    seen: FirstSeen = {"gaps": {}, "covers": {}}
    for government, now in current["gaps"].items():
        was = set(previous.get("gaps", {}).get(government, ())) if previous else set()
        known = before_first.get("gaps", {}).get(government, {})
        seen["gaps"][government] = {uid: (known.get(uid, before_when) if uid in was else today) for uid in now}
    for government in current["gaps"]:
        now_covered = _covered_uids(current, government)
        was = _covered_uids(previous, government) if previous else set()
        known = before_first.get("covers", {}).get(government, {})
        seen["covers"][government] = {uid: (known.get(uid, before_when) if uid in was else today)
                                      for uid in sorted(now_covered)}
    return seen


def compare_runs(previous: Mapping[str, Any] | None, current: Mapping[str, Any], reference: str, *,
                 present: Mapping[str, Collection[str]] | None = None, reason: str | None = None) -> Changes:
    """What changed from `previous` to `current`. `present` holds, per list, every uid it has now (in scope or
    not), to tell a target that left the scope from one its list dropped, and to see a checked government
    drop its counterpart; without it, every target gone counts as having left the scope."""
    first_seen: FirstSeen = current.get("first_seen", {})
    if previous is None:
        return Changes(since=None, reason=reason, first_seen=first_seen)
    changes = Changes(since=previous.get("generated"), first_seen=first_seen)
    names = {**previous.get("targets", {}), **current["targets"]}
    on_reference = present.get(reference) if present is not None else None

    def change(government: str, uid: str, **extra: str | None) -> GapChange:
        return GapChange(government, reference, uid, names.get(uid, uid), **extra)

    for government, now in current["gaps"].items():
        before = set(previous.get("gaps", {}).get(government, ()))
        now_set = set(now)
        via_un = set(current.get("via_un", {}).get(government, ()))
        for uid in sorted(now_set - before):
            changes.new.append(change(government, uid))
        for uid in sorted(before - now_set):
            if uid in current["targets"]:
                changes.closed.append(change(government, uid, via=VIA_UN if uid in via_un else VIA_LIST))
            elif on_reference is None or uid in on_reference:
                changes.left_scope.append(change(government, uid))
    if on_reference is not None:
        gone = sorted(set(previous.get("targets", {})) - set(current["targets"]) - set(on_reference))
        changes.delisted = [change(reference, uid) for uid in gone]
    if present is not None:
        changes.counterparts_delisted = _counterparts_gone(previous, current, present, change)
    return changes


def _counterparts_gone(previous: Mapping[str, Any], current: Mapping[str, Any],
                       present: Mapping[str, Collection[str]], change: Any) -> list[GapChange]:
    """Covers of the previous run whose counterparts are all gone from the checked list, and that the
    government no longer covers through its list."""
    found: list[GapChange] = []
    for government, covers in previous.get("covers", {}).items():
        on_list = present.get(government)
        if on_list is None:
            continue
        still = set(current.get("covers", {}).get(government, {}))
        for uid, counterparts in sorted(covers.items()):
            if counterparts and uid not in still and not any(c in on_list for c in counterparts):
                found.append(change(government, uid, counterpart=", ".join(counterparts)))
    return found


# --- what the history remembers of one target (for `magcheck history`) -----------------------------------


@dataclass
class Remembered:
    """What the newest record of each scope says about one reference target."""

    runs: int = 0  # scopes whose newest record holds the target
    name: str | None = None
    last_run: str | None = None  # the newest of those records' dates
    gap_since: dict[str, str] = field(default_factory=dict)  # government -> first date seen as a gap
    covered_since: dict[str, str] = field(default_factory=dict)  # government -> first date seen covered


def record_reference(record: Mapping[str, Any]) -> str | None:
    """The record's reference list (a v1 record names it only as its first list)."""
    if isinstance(record.get("reference"), str):
        return str(record["reference"])
    lists = record.get("lists")
    return next(iter(lists), None) if isinstance(lists, dict) else None


def remembered(records: Iterable[Mapping[str, Any]], reference: str, uid: str) -> Remembered:
    """The earliest first-seen dates of the target's gaps and covers over every scope that holds it."""
    found = Remembered()
    for record in records:
        if record_reference(record) != reference or uid not in record.get("targets", {}):
            continue
        found.runs += 1
        found.name = found.name or record["targets"][uid]
        found.last_run = max(found.last_run or "", record["generated"])
        seen = record.get("first_seen", {})
        for kind, into in (("gaps", found.gap_since), ("covers", found.covered_since)):
            for government, dates in seen.get(kind, {}).items():
                when = dates.get(uid) if isinstance(dates, dict) else None
                if isinstance(when, str) and (government not in into or when < into[government]):
                    into[government] = when
    return found


@dataclass(frozen=True)
class Step:
    """One government on a target's timeline."""

    government: str  # list code
    status: str  # "reference", or the cell's status: covered, review, gap
    listed: date | None = None  # the reference's listing, or the government's own (covered through its list)
    via: str | None = None  # covered: "list" or "un"
    days: int | None = None  # covered: the lag behind the reference; a gap: its age
    as_of: date | None = None  # a gap: the date of the list that shows it
    counterparts: tuple[str, ...] = ()  # the government's entries of the target (uids)
    measures: tuple[str, ...] = ()
    un_ref: str | None = None  # covered through the UN listing
    un_listed: date | None = None
    first_seen: str | None = None  # the first run that saw this gap or cover (run history)


@dataclass
class Timeline:
    key: str  # LIST:UID
    name: str
    reference: str
    steps: list[Step]  # the reference, then covers by date (undated after), then gaps
    remembered: Remembered
    on_list: bool  # False: gone from the reference list; only the run history knows it


def build_timeline(key: str, entry: Entry | None, report: GapReport | None, memory: Remembered) -> Timeline:
    """The steps of one target's timeline from its one-target report and the run history."""
    reference, _, uid = key.partition(":")
    name = entry.name.text if entry is not None else (memory.name or uid)
    steps = [Step(reference, "reference", listed=entry.listed if entry is not None else None)]
    if entry is not None and report is not None:
        target = report.targets[0]
        found = [_step(code, target.cell(code), report, memory) for code in report.scope.against]
        covered = sorted((s for s in found if s.status == COVERED), key=lambda s: (s.listed is None, s.listed or
                                                                                  date.min))
        steps += covered + [s for s in found if s.status != COVERED]
    return Timeline(key, name, reference, steps, memory, entry is not None)


def _step(code: str, cell: Cell, report: GapReport, memory: Remembered) -> Step:
    if cell.covered:
        un = cell.un_listing.entry if cell.un_listing is not None else None
        return Step(code, COVERED, cell.listed, cell.via, cell.lag_days,
                    counterparts=tuple(c.entry.uid for c in cell.counterparts), measures=cell.measures,
                    un_ref=cell.un_ref, un_listed=un.listed if un is not None else None,
                    first_seen=memory.covered_since.get(code))
    return Step(code, cell.status, days=cell.gap_age_days, as_of=as_of(report.lists[code]),
                first_seen=memory.gap_since.get(code))


# --- the history on disk ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Damaged:
    """A run record that could not be read: where it was, why, and where it was set aside (None: not moved)."""

    path: Path
    why: str
    moved_to: Path | None

    def line(self) -> str:
        where = f"set aside as {self.moved_to.name}" if self.moved_to else "it could not be moved aside"
        return f"run history record {self.path} is damaged ({self.why}); {where}"


@dataclass
class Previous:
    record: dict[str, Any] | None  # the newest readable record of the scope (None: none)
    damaged: list[Damaged] = field(default_factory=list)  # records found damaged (and set aside) on the way

    @property
    def reason(self) -> str | None:
        """Why there is nothing to compare with, when a damaged record is the cause."""
        if self.record is not None or not self.damaged:
            return None
        return ("the run history was damaged and set aside, so this run could not be compared with the "
                "previous one; this run is the new baseline")


_LIST_FIELDS = ("targets", "gaps")


def record_problem(record: object) -> str | None:
    """Why a parsed record is not one magcheck wrote, or None."""
    if not isinstance(record, dict):
        return f"a JSON {type(record).__name__}, not a run record"
    if record.get("schema") not in READABLE_SCHEMAS:
        return f"schema {record.get('schema')!r}, not {RUN_SCHEMA}"
    if not isinstance(record.get("generated"), str):
        return "no run date"
    try:
        datetime.fromisoformat(record["generated"])
    except ValueError:
        return f"run date {record['generated']!r} is not a date"
    for name in _LIST_FIELDS:
        if not isinstance(record.get(name), dict):
            return f"'{name}' is not a mapping"
    if not all(isinstance(v, list) for v in record["gaps"].values()):
        return "'gaps' does not hold lists"
    for name in ("covers", "first_seen", "via_un", "listed"):
        if name in record and not isinstance(record[name], dict):
            return f"'{name}' is not a mapping"
    return None


def read_record(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The record in `path`, or None and why it cannot be trusted."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        return None, f"unreadable: {exc.strerror or exc}"
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"not JSON: {exc.msg} at line {exc.lineno}"
    except RecursionError:
        return None, "not JSON: nested too deeply"
    problem = record_problem(record)
    return (None, problem) if problem else (record, None)


def set_aside(path: Path, *, now: datetime | None = None) -> Path | None:
    """Rename a damaged record out of the history (kept for a human to look at); None if it cannot be moved."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        path.rename(target)
    except OSError:
        return None
    return target


class RunHistory:
    """Run records under `<state dir>/runs/<scope key>/<timestamp>.json`, newest last."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_state_dir()

    def _folder(self, scope_key: str) -> Path:
        return self.root / "runs" / scope_key

    def previous(self, scope_key: str) -> dict[str, Any] | None:
        """The newest readable record of the scope (damaged ones are set aside on the way)."""
        return self.find_previous(scope_key).record

    def find_previous(self, scope_key: str) -> Previous:
        """The newest readable record of the scope and the damaged records met (each set aside)."""
        found = Previous(None)
        for record, damaged in self._newest_first(self._folder(scope_key)):
            if damaged is not None:
                found.damaged.append(damaged)
                continue
            found.record = record
            break
        return found

    def _newest_first(self, folder: Path) -> Iterator[tuple[dict[str, Any] | None, Damaged | None]]:
        if not folder.is_dir():
            return
        for path in sorted(folder.glob("*.json"), reverse=True):
            record, why = read_record(path)
            if why is not None:
                yield None, Damaged(path, why, set_aside(path))
            else:
                yield record, None

    def latest_of_every_scope(self) -> tuple[list[dict[str, Any]], list[Damaged]]:
        """The newest readable record of each scope (for `magcheck history`), and the damaged ones met."""
        records: list[dict[str, Any]] = []
        damaged: list[Damaged] = []
        folder = self.root / "runs"
        if not folder.is_dir():
            return records, damaged
        for scope in sorted(p for p in folder.iterdir() if p.is_dir()):
            found = self.find_previous(scope.name)
            damaged += found.damaged
            if found.record is not None:
                records.append(found.record)
        return records, damaged

    def record(self, record: dict[str, Any]) -> Path:
        folder = self._folder(record["scope_key"])
        stamp = datetime.fromisoformat(record["generated"]).strftime("%Y%m%dT%H%M%S")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{stamp}.json"
            write_atomically(target, jsontext.dumps(record, indent=1))
            for old in sorted(folder.glob("*.json"))[:-KEEP_RUNS]:
                old.unlink(missing_ok=True)
        except OSError as exc:
            raise CacheError(f"cannot record this run in {folder}: {exc.strerror or exc}") from None
        return target
