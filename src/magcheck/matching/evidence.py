"""Evidence beyond the name: dates of birth, nationality, gender, identifiers, legal form, location.

Each comparison returns an `Evidence` (a signed adjustment to the name score and the reason, for
`magcheck explain`) or None when the two records give nothing to compare. Evidence never adds more than
`DOB_DAY + NATIONALITY_SHARED` (the index's bound relies on it); a nationality that the regimes both records
are listed under imply (two North Koreans under DPRK programmes) adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from magcheck.matching.countries import country_code, country_name
from magcheck.matching.programmes import programmes
from magcheck.model import Entry, EntryType, Identifier, IdKind, PartialDate


@dataclass(frozen=True, slots=True)
class Evidence:
    label: str  # short machine-friendly tag, e.g. "dob-day"
    delta: float  # added to the score (negative: evidence against)
    detail: str  # for humans, e.g. "born 1955-11 vs 1955"


# Adjustments, in score points. A conflicting date of birth is strong evidence against; an identical
# IMO or passport number is near-certain.
DOB_DAY = 0.08
DOB_MONTH = 0.05
DOB_YEAR = 0.025
DOB_SWAPPED = 0.05
DOB_NEAR = -0.05
DOB_CONFLICT = -0.3  # an identical name then falls to the review band: a person to check, not to drop
DOB_ONE_DIGIT = -0.1  # same day and month, the year one digit apart (1950 / 1955): likely a typing error
NATIONALITY_SHARED = 0.02
NATIONALITY_DISJOINT = -0.06
LOCATIONS_DISJOINT = -0.08
NAME_COUNTRY_CONFLICT = -0.25  # the name says Myanmar, the other body is in Syria: another ministry of defence
REGIME_COUNTRY_CONFLICT = -0.15  # the name says Myanmar, the other body (no address) is under the Syria regime
GENDER_CONFLICT = -0.3
ID_SHARED_FLOOR = 0.97
ID_CONFLICT = -0.4
LEGAL_FORM_CONFLICT = -0.03
VESSEL_ENTITY_MISMATCH = -0.05


def _one_digit_apart(a: int, b: int) -> bool:
    return sum(x != y for x, y in zip(f"{a:04d}", f"{b:04d}", strict=True)) == 1


def _within_a_month(a: PartialDate, b: PartialDate) -> bool:
    """Dates a year apart that may be one estimate: one gives only the year (1976 / 1975-11-28), or they are a
    month apart at most (1975-12-31 / 1976-01-01). Two full dates months apart are two dates."""
    if a.month is None or b.month is None:
        return True
    return a.month == b.month or abs((a.year * 12 + a.month) - (b.year * 12 + b.month)) <= 1


def _dob_agreement(a: PartialDate, b: PartialDate) -> str:
    """How two dates agree at their common precision.

    'day', 'month', 'year': they agree that far; 'swapped': day and month read the other way round;
    'near': a year apart as an estimate would be (`_within_a_month`), or the same year with a different month
    or day (a typo or an estimate in one list: 1976 / 1975-11-28, 1973-07-01 / 1973-07-10); 'one-digit': the
    same day and month, the year one digit apart (1950-11-20 / 1955-11-20, 1957-03-01 / 1967-03-01: a typing
    error, where a coincidence is rare); 'conflict': further apart.
    """
    if a.year != b.year:
        if abs(a.year - b.year) == 1 and _within_a_month(a, b):
            return "near"
        same_day = a.day is not None and (a.month, a.day) == (b.month, b.day)
        return "one-digit" if same_day and _one_digit_apart(a.year, b.year) else "conflict"
    if a.month is None or b.month is None:
        return "year"
    if a.month == b.month:
        if a.day is None or b.day is None:
            return "month"
        return "day" if a.day == b.day else "near"
    if a.day is not None and b.day is not None and a.day == b.month and a.month == b.day:
        return "swapped"
    return "near"


_DOB_RANK = {"day": 6, "month": 5, "swapped": 4, "year": 3, "near": 2, "one-digit": 1, "conflict": 0}
_DOB_DELTA = {"day": DOB_DAY, "month": DOB_MONTH, "swapped": DOB_SWAPPED, "year": DOB_YEAR, "near": DOB_NEAR,
              "one-digit": DOB_ONE_DIGIT, "conflict": DOB_CONFLICT}


def compare_dobs(a: Entry, b: Entry) -> Evidence | None:
    """The best agreement between any date of birth of one and any of the other."""
    if not a.dobs or not b.dobs:
        return None
    agreement, da, db = max(((_dob_agreement(da, db), da, db) for da in a.dobs for db in b.dobs),
                            key=lambda found: _DOB_RANK[found[0]])
    if agreement == "conflict":
        shown_a = ", ".join(map(str, a.dobs[:3]))
        shown_b = ", ".join(map(str, b.dobs[:3]))
        return Evidence("dob-conflict", DOB_CONFLICT, f"born {shown_a} vs {shown_b}")
    if agreement == "one-digit":
        return Evidence("dob-one-digit", DOB_ONE_DIGIT,
                        f"born {da} vs {db}: the same day and month, the years one digit apart (a typing error?)")
    return Evidence(f"dob-{agreement}", _DOB_DELTA[agreement], f"born {da} vs {db}")


_UID_NUMBER = re.compile(r"^(.*?)(\d+)$")
COPIED_DOB_DISTANCE = 2  # records this close in a list's numbering (GHR0062 / GHR0064) are entered together
_NEIGHBOURS = [step for step in range(-COPIED_DOB_DISTANCE, COPIED_DOB_DISTANCE + 1) if step]


def copied_dobs(entries: Iterable[Entry]) -> dict[str, str]:
    """People whose full date of birth is also that of another person listed next to them (the neighbouring
    record by the list's own numbering: UK GHR0064 Daudov carries GHR0062 Alaudinov's date, Canada's Lenkevich
    the date of the record before him): one of the two dates was probably copied. Key -> why, for
    explanations."""
    numbered: dict[tuple[str, int], tuple[Entry, set[PartialDate]]] = {}
    for entry in entries:
        if not entry.dobs or entry.type is not EntryType.INDIVIDUAL:
            continue
        dates = {d for d in entry.dobs if d.day is not None}
        found = _UID_NUMBER.match(entry.uid) if dates else None
        if found:
            numbered[(found.group(1), int(found.group(2)))] = (entry, dates)
    doubtful: dict[str, str] = {}
    for (prefix, number), (entry, dates) in numbered.items():
        for step in _NEIGHBOURS:
            other = numbered.get((prefix, number + step))
            if other is not None and not dates.isdisjoint(other[1]):
                shared = min(dates & other[1])
                doubtful[entry.key] = f"{shared} is also the date of birth of {other[0].key} ({other[0].name.text}), " \
                                      "listed next to it"
                break
    return doubtful


def _codes(names: tuple[str, ...]) -> set[str]:
    return {country_code(n) for n in names}


def compare_nationalities(a: Entry, b: Entry) -> Evidence | None:
    ca = _codes(a.nationalities + a.citizenships)
    cb = _codes(b.nationalities + b.citizenships)
    if not ca or not cb:
        return None
    shared = ca & cb
    if shared:
        implied = shared <= (programmes(a.programs).countries & programmes(b.programs).countries)
        if implied:
            return Evidence("nationality-shared", 0.0, f"nationality {', '.join(sorted(shared))}, as the regime "
                            "both are listed under implies: no evidence")
        return Evidence("nationality-shared", NATIONALITY_SHARED, f"nationality {', '.join(sorted(shared))}")
    return Evidence("nationality-disjoint", NATIONALITY_DISJOINT,
                    f"nationality {', '.join(sorted(ca))} vs {', '.join(sorted(cb))}")


def _locations(entry: Entry) -> set[str]:
    """Where an organisation is: its addresses, and the countries its registration numbers belong to."""
    places = {country_code(c) for c in entry.countries}
    places.update(country_code(i.country) for i in entry.identifiers
                  if i.country and i.kind in (IdKind.REGISTRATION, IdKind.TAX))
    return places


# Territories that lists write as part of another: occupied Crimea is `Ukraine` in one list, `Russia` in another.
_ALSO = {"ua-cri": frozenset({"ua-cri", "ua", "ru"})}


def _widened(places: Iterable[str]) -> set[str]:
    return {wider for place in places for wider in _ALSO.get(place, (place,))}


def _shown(places: Iterable[str]) -> str:
    return ", ".join(sorted(country_name(code) for code in places))


def compare_locations(a: Entry, b: Entry, named_a: frozenset[str] = frozenset(),
                      named_b: frozenset[str] = frozenset()) -> Evidence | None:
    """Organisations in wholly different countries: often a namesake (Russia's VTB, Pyongyang's FTB).

    `named_a` / `named_b` are the countries the compared names themselves name (`Ministry of Defence of
    Myanmar`): a name saying one country while the other body is in another is strong evidence against; when
    that other body gives no address, the country of the regime it is listed under stands in for one.
    """
    where_a, where_b = _locations(a) | named_a, _locations(b) | named_b
    if where_a and where_b:
        if _widened(where_a) & _widened(where_b):
            return None
        if named_a or named_b:
            return Evidence("name-country-differs", NAME_COUNTRY_CONFLICT,
                            f"the name says {_shown(named_a or named_b)}; located in {_shown(where_a)} vs "
                            f"{_shown(where_b)}")
        return Evidence("countries-disjoint", LOCATIONS_DISJOINT,
                        f"located in {_shown(where_a)} vs {_shown(where_b)}")
    named, other = (named_a, b) if named_a and not where_b else (named_b, a) if named_b and not where_a else ((), a)
    if not named:
        return None
    regime = programmes(other.programs).countries
    if regime and not _widened(named) & _widened(regime):
        return Evidence("name-country-differs", REGIME_COUNTRY_CONFLICT,
                        f"the name says {_shown(named)}; the other gives no address and is listed under the "
                        f"{_shown(regime)} regime")
    return None


def compare_genders(a: Entry, b: Entry) -> Evidence | None:
    if a.gender and b.gender and a.gender.lower() != b.gender.lower():
        return Evidence("gender-conflict", GENDER_CONFLICT, f"gender {a.gender} vs {b.gender}")
    return None


_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_STRONG_IDS = (IdKind.IMO, IdKind.PASSPORT, IdKind.NATIONAL_ID, IdKind.REGISTRATION, IdKind.TAX)


def comparable_id(identifier: Identifier) -> str | None:
    """An identifier's number as lists can be compared on (`IMO 9187629` = `9187629`); None when too short
    to mean anything."""
    value = _NOT_ALNUM.sub("", identifier.value.upper())
    if identifier.kind is IdKind.IMO:
        value = value.removeprefix("IMO")
    return value if len(value) >= 5 else None


def _id_values(entry: Entry, kind: IdKind) -> set[str]:
    return {value for i in entry.identifiers if i.kind is kind and (value := comparable_id(i))}


def compare_identifiers(a: Entry, b: Entry) -> Evidence | None:
    """A shared IMO/passport/registration number is near-certain; two different IMOs rule a match out."""
    if not a.identifiers or not b.identifiers:
        return None
    for kind in _STRONG_IDS:
        shared = _id_values(a, kind) & _id_values(b, kind)
        if shared:
            return Evidence(f"{kind.value}-shared", 0.0, f"same {kind.value} {sorted(shared)[0]}")
    imo_a, imo_b = _id_values(a, IdKind.IMO), _id_values(b, IdKind.IMO)
    if imo_a and imo_b:
        return Evidence("imo-conflict", ID_CONFLICT, f"IMO {', '.join(sorted(imo_a))} vs {', '.join(sorted(imo_b))}")
    return None


def compare_legal_forms(legal_a: frozenset[str], legal_b: frozenset[str]) -> Evidence | None:
    if legal_a and legal_b and not legal_a & legal_b:
        return Evidence("legal-form-differs", LEGAL_FORM_CONFLICT,
                        f"legal form {'/'.join(sorted(legal_a))} vs {'/'.join(sorted(legal_b))}")
    return None
