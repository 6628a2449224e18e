"""Evidence beyond the name: dates of birth, nationality, gender, identifiers, legal form.

Each comparison returns an `Evidence` (a signed adjustment to the name score and the reason, for
`magcheck explain`) or None when the two records give nothing to compare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from magcheck.matching.countries import country_code
from magcheck.model import Entry, Identifier, IdKind, PartialDate


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
NATIONALITY_SHARED = 0.02
NATIONALITY_DISJOINT = -0.06
LOCATIONS_DISJOINT = -0.08
GENDER_CONFLICT = -0.3
ID_SHARED_FLOOR = 0.97
ID_CONFLICT = -0.4
LEGAL_FORM_CONFLICT = -0.03
VESSEL_ENTITY_MISMATCH = -0.05


def _dob_agreement(a: PartialDate, b: PartialDate) -> str:
    """How two dates agree at their common precision.

    'day', 'month', 'year': they agree that far; 'swapped': day and month read the other way round;
    'near': within a year of each other, or the same year with a different month or day (a typo or an
    estimate in one list: 1976 / 1975-11-28, 1973-07-01 / 1973-07-10); 'conflict': further apart.
    """
    if a.year != b.year:
        return "near" if abs(a.year - b.year) == 1 else "conflict"
    if a.month is None or b.month is None:
        return "year"
    if a.month == b.month:
        if a.day is None or b.day is None:
            return "month"
        return "day" if a.day == b.day else "near"
    if a.day is not None and b.day is not None and a.day == b.month and a.month == b.day:
        return "swapped"
    return "near"


_DOB_RANK = {"day": 5, "month": 4, "swapped": 3, "year": 2, "near": 1, "conflict": 0}
_DOB_DELTA = {"day": DOB_DAY, "month": DOB_MONTH, "swapped": DOB_SWAPPED, "year": DOB_YEAR, "near": DOB_NEAR,
              "conflict": DOB_CONFLICT}


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
    return Evidence(f"dob-{agreement}", _DOB_DELTA[agreement], f"born {da} vs {db}")


def _codes(names: tuple[str, ...]) -> set[str]:
    return {country_code(n) for n in names}


def compare_nationalities(a: Entry, b: Entry) -> Evidence | None:
    ca = _codes(a.nationalities + a.citizenships)
    cb = _codes(b.nationalities + b.citizenships)
    if not ca or not cb:
        return None
    shared = ca & cb
    if shared:
        return Evidence("nationality-shared", NATIONALITY_SHARED, f"nationality {', '.join(sorted(shared))}")
    return Evidence("nationality-disjoint", NATIONALITY_DISJOINT,
                    f"nationality {', '.join(sorted(ca))} vs {', '.join(sorted(cb))}")


def _locations(entry: Entry) -> set[str]:
    """Where an organisation is: its addresses, and the countries its registration numbers belong to."""
    places = {country_code(c) for c in entry.countries}
    places.update(country_code(i.country) for i in entry.identifiers
                  if i.country and i.kind in (IdKind.REGISTRATION, IdKind.TAX))
    return places


def compare_locations(a: Entry, b: Entry) -> Evidence | None:
    """Organisations in wholly different countries: often a namesake (Russia's VTB, Pyongyang's FTB)."""
    places_a, places_b = _locations(a), _locations(b)
    if places_a and places_b and not places_a & places_b:
        return Evidence("countries-disjoint", LOCATIONS_DISJOINT,
                        f"located in {', '.join(sorted(places_a))} vs {', '.join(sorted(places_b))}")
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
