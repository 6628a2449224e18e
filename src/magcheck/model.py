"""The common model every sanctions list is parsed into.

Each source module turns its official file(s) into `Entry` objects; everything downstream (matching, gap
analysis, reports) reads only this model, never a source's raw format.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

Day = date  # for annotations inside classes that have a field called `date`


class EntryType(StrEnum):
    INDIVIDUAL = "individual"
    ENTITY = "entity"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


class NameKind(StrEnum):
    """How the source presents a name."""

    PRIMARY = "primary"
    VARIATION = "variation"  # a spelling variant of the primary name (UK "Primary name variation")
    ALIAS = "alias"  # a.k.a. / n.k.a.
    FORMER = "former"  # f.k.a.
    NON_LATIN = "non-latin"  # the name written in its own script


class Strength(StrEnum):
    """Weak (low-quality) aliases are too vague to match on their own."""

    STRONG = "strong"
    WEAK = "weak"


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    kind: NameKind = NameKind.PRIMARY
    strength: Strength = Strength.STRONG
    given: str | None = None
    surname: str | None = None
    script: str | None = None  # the language or script the source names, e.g. "Russian", "Cyrillic"


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date known to year, month or day precision (sources often give only a year)."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


class IdKind(StrEnum):
    PASSPORT = "passport"
    NATIONAL_ID = "national-id"
    IMO = "imo"
    REGISTRATION = "registration"
    TAX = "tax-id"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Identifier:
    kind: IdKind
    value: str
    country: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RawRef:
    """Where the record sits in the official file, so an explanation can point a human at it."""

    file: str
    locator: str  # e.g. "line 7414", "record 4567", "UniqueID GHR0078"
    url: str | None = None  # a public page for the record, where the government has one


@dataclass(slots=True)
class Entry:
    list: str  # list code: "us", "uk", "ca"
    uid: str  # the source's native id (OFAC ent_num, UK UniqueID, Canadian regime-schedule-item)
    type: EntryType
    name: Name  # the primary name
    other_names: tuple[Name, ...] = ()
    programs: tuple[str, ...] = ()  # the source's own programme / regime tags
    dobs: tuple[PartialDate, ...] = ()  # dates of birth (or build dates for ships, where given)
    dob_texts: tuple[str, ...] = ()  # dates of birth as written when they could not be parsed
    nationalities: tuple[str, ...] = ()
    citizenships: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # countries of address / location / birth
    gender: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    listed: date | None = None  # listing / designation date where the source gives one
    remarks: str | None = None  # free text (OFAC remarks, UK other information)
    raw: RawRef | None = None
    positions: tuple[str, ...] = ()  # titles and positions held, as written (evidence between namesakes)
    measures: tuple[str, ...] = ()  # measures imposed where the list says (UK SanctionsImposed: "Asset freeze")
    un_ref: str | None = None  # the UN Security Council reference (e.g. "QDi.001") when the list gives one

    @property
    def names(self) -> tuple[Name, ...]:
        """Primary name first, then every other name."""
        return (self.name, *self.other_names)

    @property
    def key(self) -> str:
        """`list:uid`, the handle users type (e.g. `us:29220`)."""
        return f"{self.list}:{self.uid}"


class OriginKind(StrEnum):
    """Where a run took a list from; only BUNDLED is degraded by nature (the snapshot shipped in the package)."""

    DATA_DIR = "data-dir"  # the user's own folder of official files (--data-dir)
    CACHE = "cache"  # a copy downloaded by an earlier run
    FETCHED = "fetched"  # downloaded by this run
    BUNDLED = "bundled"  # the snapshot shipped inside the package


def _utc_minute(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a list came from on this run, typed, so no layer has to recognise it by its wording."""

    kind: OriginKind
    path: str | None = None  # the data dir, or the cached copy's folder
    fetched_at: datetime | None = None  # when the files were downloaded (cache, fetched)
    checked_at: datetime | None = None  # when the server last confirmed the copy is current (cache, fetched)

    @property
    def is_bundled(self) -> bool:
        return self.kind is OriginKind.BUNDLED

    def __str__(self) -> str:
        """`cache (fetched 2026-11-28 04:17 UTC)`, the way reports show it."""
        if self.kind is OriginKind.DATA_DIR:
            return f"data-dir {self.path}"
        if self.kind is OriginKind.BUNDLED:
            return "bundled snapshot"
        when = f" {_utc_minute(self.fetched_at)}" if self.fetched_at else ""
        return f"cache (fetched{when})"  # FETCHED too: it is in the cache now, downloaded by this run


@dataclass(slots=True)
class SanctionsList:
    """One parsed list with the facts needed to judge how current it is."""

    code: str
    title: str
    date: date | None  # publication date the file itself states, None when it does not
    files: tuple[str, ...]  # the file names read
    entries: list[Entry] = field(default_factory=list)
    origin: Origin | None = None  # where this run read it from (None: parsed directly, e.g. in a test)
    date_note: str | None = None  # where `date` came from when not from the file (e.g. "HTTP Last-Modified")
    # Problems the parser met that leave the list usable (an optional companion file missing or broken):
    # one line each, shown to the user as warnings.
    warnings: list[str] = field(default_factory=list)

    @property
    def latest_listing(self) -> Day | None:
        dates = [e.listed for e in self.entries if e.listed]
        return max(dates) if dates else None

    def count_by_type(self) -> dict[str, int]:
        counts = Counter(e.type.value for e in self.entries)
        return {t.value: counts.get(t.value, 0) for t in EntryType}
