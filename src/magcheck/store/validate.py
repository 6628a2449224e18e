"""Checks a parsed list must pass before it is trusted: whole, with its schema, not older than what we had.

A parser refuses what it cannot read; these checks catch what it can read but should not believe: half a
file cut at a line boundary (it parses fine), a renamed element that silently empties one field of every
record, a mirror serving a years-old copy under a fresh Last-Modified, a rollback to an older file. None of
the official formats states its own record count (OFAC CSV, FCDO XML, Canada's XML, the UN XML, DFAT's
workbook, the EU's FSF XML), so the size is judged against the last good copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from magcheck.model import Entry, EntryType, Name, SanctionsList
from magcheck.sources import Source
from magcheck.store.prepared import counted_names
from magcheck.text import has_controls, printable

MAX_DROP = 0.05  # a real list loses a few percent in a day at most (the US lifted Syria: 3%); more is refused
FUTURE_TOLERANCE = timedelta(days=1)  # time zones: a list published "tomorrow" somewhere is today here


def name_count(lst: SanctionsList) -> int:
    counted = counted_names(lst.entries)  # a prepared list knows, without decoding every entry
    return counted if counted is not None else sum(1 + len(e.other_names) for e in lst.entries)


def _field_present(field: str) -> Callable[[SanctionsList], tuple[int, int]]:
    """(records carrying the field, records that should): `dobs` counts individuals only."""
    def count(lst: SanctionsList) -> tuple[int, int]:
        if field == "dobs":
            people = [e for e in lst.entries if e.type is EntryType.INDIVIDUAL]
            return sum(1 for e in people if e.dobs or e.dob_texts), len(people)
        return sum(1 for e in lst.entries if getattr(e, field)), len(lst.entries)

    return count


def missing_fields(source: Source, lst: SanctionsList) -> list[str]:
    """Reasons the records lack a field they should nearly all carry (the schema changed under us)."""
    problems = []
    for field, share in source.expected_fields.items():
        present, total = _field_present(field)(lst)
        if total and present < share * total:
            problems.append(f"only {present:,} of {total:,} records have {field.replace('_', ' ')} "
                            f"(expected at least {share:.0%}): the file's layout may have changed")
    return problems


def drop_reasons(lst: SanctionsList, entries_before: int, names_before: int | None, *,
                 baseline: str = "the last good copy") -> list[str]:
    """Why a new copy looks like part of a list: fewer entries or names than the baseline, beyond MAX_DROP."""
    reasons = []
    for what, before, after in (("entries", entries_before, len(lst.entries)),
                                ("names", names_before, name_count(lst))):
        if before and after < before * (1 - MAX_DROP):
            drop = 100 * (before - after) / before
            reasons.append(f"{after:,} {what} where {baseline} had {before:,} ({drop:.0f}% fewer; more than "
                           f"{MAX_DROP:.0%} at once is far more likely a broken file than real delistings)")
    return reasons


def in_the_future(day: date | None, today: date) -> bool:
    return day is not None and day > today + FUTURE_TOLERANCE


def newest_marker(lst: SanctionsList) -> tuple[str, object] | None:
    """What says how new a list's content is: its newest listing date, else (OFAC, whose numbers only grow)
    its highest numeric entry id."""
    if lst.latest_listing is not None:
        return ("listing", lst.latest_listing)
    numbers = [int(e.uid) for e in lst.entries if e.uid.isdigit()]
    return ("uid", max(numbers)) if numbers else None


def _clean(text: str) -> str:
    return printable(text) if has_controls(text) else text


def _clean_all(texts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_clean(t) for t in texts) if any(has_controls(t) for t in texts) else texts


def _clean_name(name: Name) -> Name:
    if not any(has_controls(t) for t in (name.text, name.given or "", name.surname or "", name.script or "")):
        return name
    return replace(name, text=_clean(name.text), given=name.given and _clean(name.given),
                   surname=name.surname and _clean(name.surname), script=name.script and _clean(name.script))


def _texts(entry: Entry) -> str:
    """Every text of an entry in one string (joined by spaces), for one quick check."""
    names = [t for n in entry.names for t in (n.text, n.given, n.surname, n.script) if t]
    return " ".join((*names, *entry.programs, *entry.dob_texts, *entry.nationalities, *entry.citizenships,
                     *entry.countries, *entry.positions, *entry.measures, entry.remarks or "", entry.gender or "",
                     entry.un_ref or "", *(t for i in entry.identifiers for t in (i.value, i.country, i.note) if t)))


def _clean_entry(entry: Entry) -> None:
    if not has_controls(_texts(entry)):
        return
    entry.name = _clean_name(entry.name)
    entry.other_names = tuple(_clean_name(n) for n in entry.other_names)
    for attribute in ("programs", "dob_texts", "nationalities", "citizenships", "countries", "positions", "measures"):
        setattr(entry, attribute, _clean_all(getattr(entry, attribute)))
    for attribute in ("remarks", "gender", "un_ref"):
        value = getattr(entry, attribute)
        if value is not None:
            setattr(entry, attribute, _clean(value))
    entry.identifiers = tuple(replace(i, value=_clean(i.value), country=i.country and _clean(i.country),
                                      note=i.note and _clean(i.note)) for i in entry.identifiers)


def sanitized(lst: SanctionsList) -> SanctionsList:
    """The list with every control character in its texts replaced (an ESC[2J, an OSC 8 link, a BEL in a name
    must never reach a terminal, a Markdown report or a spreadsheet). Every list read by the store passes here."""
    lst.title = _clean(lst.title)
    for entry in lst.entries:
        _clean_entry(entry)
    lst.warnings = [_clean(w) for w in lst.warnings]
    return lst
