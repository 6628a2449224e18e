"""Score a pair of names, then a pair of entries (names plus evidence), into [0, 1].

Names are compared as token sets aligned one-to-one (order-independent), each token weighted by its
rarity: sharing `Quanguo` says far more than sharing `Chen`. Short tokens must agree exactly, because in
Chinese and Korean names one letter changes the person; longer tokens may differ by a transliteration
vowel or one letter. People may lack a patronymic or middle name in one list; organisations may not lack
a distinctive word (`Xinjiang Production and Construction Corps` is not its `Public Security Bureau`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from magcheck.matching.evidence import (
    DOB_DAY,
    ID_SHARED_FLOOR,
    NATIONALITY_SHARED,
    VESSEL_ENTITY_MISMATCH,
    Evidence,
    compare_dobs,
    compare_genders,
    compare_identifiers,
    compare_legal_forms,
    compare_locations,
    compare_nationalities,
)
from magcheck.matching.formula import (
    QUALIFIER_WEIGHT,
    SINGLE_TOKEN_CAP,
    information_factor,
    person_name_score,
)
from magcheck.matching.index import PATRONYMIC, Vocabulary, may_be_missing, name_form, primary_form, token_class
from magcheck.matching.normalize import BODY_KIND_TOKENS, NameForm, strip_particle
from magcheck.model import Entry, EntryType, Name, Strength

WEAK_ALIAS_SCORE = 0.88  # a weak alias matched exactly is a lead, not proof
SUBSET_ORG_FACTOR = 0.8  # an organisation whose name only contains the other's is usually a sub-body
SUB_BODY_PENALTY = -0.2
PRIMARY_DIFFERS_PENALTY = -0.1  # matched only through aliases while the primary names differ
PATRONYMIC_ALIKE_RATIO = 70  # rapidfuzz ratio at which two patronymics are spellings of one
PATRONYMIC_CONFLICT = -0.25


@lru_cache(maxsize=500_000)
def token_similarity(a: str, b: str) -> float:
    """1.0 identical; 0.95 the same but for an article; 0.8-0.9 a transliteration variant; else 0.

    Only tokens of one class (see `index.token_class`) can be alike, which keeps this consistent with the
    score bound the index computes.
    """
    if a == b:
        return 1.0
    if token_class(a) != token_class(b):
        return 0.0
    if strip_particle(a) == strip_particle(b):
        return 0.95
    longer = max(len(a), len(b))
    allowed = 1 if longer <= 6 else (2 if longer < 12 else 3)  # Aliaksandravich / Aleksandrovich
    distance = Levenshtein.distance(a, b, score_cutoff=allowed)
    if distance > allowed:
        return 0.0
    if longer <= 6:
        return 0.8  # Viktar / Viktor, but also Hailun / Hailin: a short word may be another name
    return 0.9 if distance == 1 else 0.85


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float
    pairs: tuple[tuple[str, str, float], ...]  # aligned tokens and their similarity
    unmatched_a: tuple[str, ...]
    unmatched_b: tuple[str, ...]
    notes: tuple[str, ...] = ()  # the rules that shaped the score, for explanations


def _align_tokens(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[int, int, float]]:
    """One-to-one token alignment: identical tokens first, then the best variants greedily."""
    exact = set(a).intersection(b)
    chosen = [(i, b.index(t), 1.0) for i, t in enumerate(a) if t in exact]  # tokens of a name are distinct
    rest_a = [(i, t) for i, t in enumerate(a) if t not in exact]
    rest_b = [(j, t) for j, t in enumerate(b) if t not in exact]
    if not rest_a or not rest_b:
        return chosen
    by_class: dict[str, list[tuple[int, str]]] = {}
    for j, tb in rest_b:
        by_class.setdefault(token_class(tb), []).append((j, tb))
    options = [(similarity, i, j) for i, ta in rest_a for j, tb in by_class.get(token_class(ta), ())
               if (similarity := token_similarity(ta, tb)) > 0]
    options.sort(reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    for similarity, i, j in options:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            chosen.append((i, j, similarity))
    return chosen


Scored = tuple[float, tuple[str, ...]]  # a score and, for explanations, the rules that shaped it


def _person_score(ta: tuple[str, ...], tb: tuple[str, ...], wa: tuple[float, ...], wb: tuple[float, ...],
                  aligned: list[tuple[int, int, float]], matched_a: float, matched_b: float) -> Scored:
    """How much of the shorter name is found, and of the longer one short of a missing patronymic."""
    a_shorter = len(ta) <= len(tb)
    short_cover = matched_a / sum(wa) if a_shorter else matched_b / sum(wb)
    used_long = {j for _, j, _ in aligned} if a_shorter else {i for i, _, _ in aligned}
    long_tokens, long_weights = (tb, wb) if a_shorter else (ta, wa)
    # Only when the shorter name is found whole: otherwise the names disagree (and `-ovich` may be a
    # surname: Volfovich is not Lukashenko's missing patronymic).
    missing = [] if len(aligned) < min(len(ta), len(tb)) else [
        (t, w) for k, (t, w) in enumerate(zip(long_tokens, long_weights, strict=True))
        if k not in used_long and may_be_missing(t)]
    long_total = sum(long_weights) - sum(w for _, w in missing)
    long_cover = (matched_b if a_shorter else matched_a) / long_total if long_total > 0 else 1.0
    score = person_name_score(short_cover, long_cover)
    notes = [f"{' '.join(t for t, _ in missing)}: a patronymic or initial one list omits, not held against it"
             ] if missing else []
    if min(len(ta), len(tb)) == 1 and score > SINGLE_TOKEN_CAP:
        score = SINGLE_TOKEN_CAP
        notes.append(f"a one-word person name identifies nobody: capped at {SINGLE_TOKEN_CAP}")
    return score, tuple(notes)


def _organisation_score(a: NameForm, b: NameForm, wa: tuple[float, ...], wb: tuple[float, ...],
                        aligned: list[tuple[int, int, float]], matched_a: float, matched_b: float) -> Scored:
    """The share of both names found. A name found whole inside a longer one is usually another body
    (`XPCC` / `XPCC Public Security Bureau`, `Foreign Trade Bank` / `Myanma Foreign Trade Bank`), unless
    all the longer adds is whose or what body it is: an `of` qualifier (`... of the Burmese Army`) or a
    generic word (`Concern Almaz-Antey`, `Wagner Group`), which then counts for little."""
    total_a, total_b = sum(wa), sum(wb)
    cover_a, cover_b = matched_a / total_a, matched_b / total_b
    if min(cover_a, cover_b) >= 0.99 or max(cover_a, cover_b) < 0.99:
        return (matched_a + matched_b) / (total_a + total_b), ()
    a_inside = cover_a >= 0.99
    longer, weights = (b, wb) if a_inside else (a, wa)
    used = {j for _, j, _ in aligned} if a_inside else {i for i, _, _ in aligned}
    extra = [k for k in range(len(longer.tokens)) if k not in used]
    added = " ".join(longer.tokens[k] for k in extra)
    if all(longer.tokens[k] in longer.qualifiers for k in extra):
        discounted = (1 - QUALIFIER_WEIGHT) * sum(weights[k] for k in extra)
        return ((matched_a + matched_b) / (total_a + total_b - discounted),
                (f"the longer name only adds whose or what body it is ({added}): counted at {QUALIFIER_WEIGHT:.0%}",))
    return (SUBSET_ORG_FACTOR * (matched_a + matched_b) / (total_a + total_b),
            (f"one name is the other plus {added!r}: likely a different, more specific body (x{SUBSET_ORG_FACTOR})",))


def _score_alignment(a: NameForm, b: NameForm, wa: tuple[float, ...], wb: tuple[float, ...],
                     aligned: list[tuple[int, int, float]], person: bool) -> Scored:
    matched_a = sum(wa[i] * s for i, _, s in aligned)
    matched_b = sum(wb[j] * s for _, j, s in aligned)
    information = sum(min(wa[i], wb[j]) * s for i, j, s in aligned)
    if person:
        score, notes = _person_score(a.tokens, b.tokens, wa, wb, aligned, matched_a, matched_b)
    else:
        score, notes = _organisation_score(a, b, wa, wb, aligned, matched_a, matched_b)
    factor = information_factor(information, person)
    if factor < 1:
        notes = (*notes, f"the agreeing words are common: x{factor:.2f}")
    return round(score * factor, 4), notes


def name_score(a: NameForm, b: NameForm, vocabulary: Vocabulary, *, person: bool) -> float:
    """The name similarity alone, memoised per vocabulary: the same pair recurs across entries."""
    key = (a.tokens, b.tokens, person)
    cached = vocabulary.memo.get(key)
    if cached is None:
        wa, wb = vocabulary.token_weights(a.tokens), vocabulary.token_weights(b.tokens)
        aligned = _align_tokens(a.tokens, b.tokens)
        cached = vocabulary.memo[key] = _score_alignment(a, b, wa, wb, aligned, person)[0]
    return cached


def compare_names(a: NameForm, b: NameForm, vocabulary: Vocabulary, *, person: bool) -> NameMatch:
    """The name similarity with the token alignment behind it, for explanations."""
    ta, tb = a.tokens, b.tokens
    aligned = _align_tokens(ta, tb)
    score, notes = _score_alignment(a, b, vocabulary.token_weights(ta), vocabulary.token_weights(tb), aligned,
                                    person)
    used_a = {i for i, _, _ in aligned}
    used_b = {j for _, j, _ in aligned}
    return NameMatch(
        score,
        tuple((ta[i], tb[j], s) for i, j, s in aligned),
        tuple(t for i, t in enumerate(ta) if i not in used_a),
        tuple(t for j, t in enumerate(tb) if j not in used_b),
        notes,
    )


def types_compatible(a: EntryType, b: EntryType) -> bool:
    """People only match people; ships, aircraft and organisations are interchangeable with a penalty."""
    return (a is EntryType.INDIVIDUAL) == (b is EntryType.INDIVIDUAL)


@dataclass(frozen=True, slots=True)
class PairScore:
    score: float
    name_a: Name
    name_b: Name
    name: NameMatch
    evidence: tuple[Evidence, ...]


NamePair = tuple[Name, NameForm, bool, Name, NameForm, bool]  # (name, form, weak) for each side


def _weak_alias_score(form_a: NameForm, form_b: NameForm, person: bool) -> float:
    """A weak alias counts only when identical, and a one-word person name never identifies anyone."""
    if sorted(form_a.tokens) != sorted(form_b.tokens):
        return 0.0
    return min(WEAK_ALIAS_SCORE, SINGLE_TOKEN_CAP) if person and len(form_a.tokens) == 1 else WEAK_ALIAS_SCORE


def _best_name_pair(name_pairs: Iterable[NamePair], vocabulary: Vocabulary,
                    person: bool) -> tuple[float, NamePair] | None:
    best: tuple[float, NamePair] | None = None
    for pair in name_pairs:
        _, form_a, weak_a, _, form_b, weak_b = pair
        if weak_a or weak_b:
            score = _weak_alias_score(form_a, form_b, person)
        else:
            score = name_score(form_a, form_b, vocabulary, person=person)
        if best is None or score > best[0]:
            best = (score, pair)
    return best


def _sub_body(a: Entry, b: Entry, form_a: NameForm, form_b: NameForm) -> Evidence | None:
    """Organisations matched through aliases whose own names say one is part of the other.

    The UK lists the IRGC's Qods Force with the IRGC's Persian name as an alias; a bank's Belarusian
    subsidiary carries the bank's name: when one primary name is the other with words added after it,
    the alias match is doubtful.
    """
    primary_a, primary_b = primary_form(a), primary_form(b)
    if (primary_a, primary_b) == (form_a, form_b):
        return None
    shorter, longer = sorted((primary_a, primary_b), key=lambda f: len(f.tokens))
    inside = set(shorter.tokens)
    if not inside or not inside < set(longer.tokens):
        return None
    last_shared = max(k for k, t in enumerate(longer.tokens) if t in inside)
    added = [t for t in longer.tokens[last_shared + 1:] if t not in longer.qualifiers and t not in BODY_KIND_TOKENS]
    if not added:
        return None  # `Almaz-Antey` / `Concern Almaz-Antey`, `Sberbank` / `Sberbank of Russia`, `VTB` / `VTB Bank`
    return Evidence("sub-body", SUB_BODY_PENALTY,
                    f"primary names differ by {' '.join(added)!r} added: one body may be part of the other")


def _primary_names_differ(a: Entry, b: Entry, form_a: NameForm, form_b: NameForm) -> Evidence | None:
    """Entries matched through other names while their own primary names have nothing in common.

    An alias can be a trading name two companies share (`AZIMUT`), or a body's former name now borne by
    its successor (`PMC WAGNER` on the UK's `AFRICA CORPS`): the match may stand, with less confidence.
    """
    primary_a, primary_b = primary_form(a), primary_form(b)
    if (primary_a, primary_b) == (form_a, form_b):
        return None
    distinctive_a = {token_class(t) for t in primary_a.tokens if t not in BODY_KIND_TOKENS}
    distinctive_b = {token_class(t) for t in primary_b.tokens if t not in BODY_KIND_TOKENS}
    if distinctive_a & distinctive_b:
        return None
    return Evidence("primary-names-differ", PRIMARY_DIFFERS_PENALTY,
                    f"matched through another name; primary names {a.name.text!r} and {b.name.text!r} differ")


def _patronymics(entry: Entry) -> set[str]:
    return {t for name in entry.names if name.strength is Strength.STRONG
            for t in name_form(name, entry.type).tokens if PATRONYMIC.search(t)}


def _patronymics_differ(a: Entry, b: Entry) -> Evidence | None:
    """Both give a patronymic and none is a spelling of another: two people (Dmitry Sergeyevich Peskov,
    Dmitry Nikolayevich Peskov); transliterations (Akhmatovich / Akhmadovich) agree."""
    patronymics_a, patronymics_b = _patronymics(a), _patronymics(b)
    if not patronymics_a or not patronymics_b:
        return None
    if any(fuzz.ratio(x, y) >= PATRONYMIC_ALIKE_RATIO for x in patronymics_a for y in patronymics_b):
        return None
    return Evidence("patronymic-differs", PATRONYMIC_CONFLICT,
                    f"patronymic {'/'.join(sorted(patronymics_a))} vs {'/'.join(sorted(patronymics_b))}")


def _evidence(a: Entry, b: Entry, form_a: NameForm, form_b: NameForm, person: bool) -> list[Evidence]:
    if person:
        found = [compare_dobs(a, b), compare_nationalities(a, b), compare_genders(a, b), _patronymics_differ(a, b)]
    else:
        found = [compare_legal_forms(form_a.legal, form_b.legal), _sub_body(a, b, form_a, form_b),
                 compare_locations(a, b)]
    found.append(_primary_names_differ(a, b, form_a, form_b))
    if a.type is not b.type and not person:
        found.append(Evidence("type-differs", VESSEL_ENTITY_MISMATCH, f"type {a.type} vs {b.type}"))
    return [e for e in found if e is not None]


# The most evidence can add to a name score, short of a shared identifier: below `floor - MAX_BONUS`
# a pair cannot reach the review band and is not examined further.
MAX_BONUS = DOB_DAY + NATIONALITY_SHARED
ID_FLOOR_NAME_SCORE = 0.5  # a shared passport or registration number counts when names are this alike
_NAME_INDEPENDENT_IDS = frozenset({"imo-shared"})  # a hull keeps its IMO number through every renaming


def score_entries(a: Entry, b: Entry, name_pairs: Iterable[NamePair], vocabulary: Vocabulary,
                  floor: float = 0.0) -> PairScore | None:
    """Best name pair, then evidence; None when the pair cannot score `floor` or types are incompatible."""
    if not types_compatible(a.type, b.type):
        return None
    person = a.type is EntryType.INDIVIDUAL
    best = _best_name_pair(name_pairs, vocabulary, person)
    if best is None:
        return None
    name_value, (name_a, form_a, weak_a, name_b, form_b, weak_b) = best
    identifiers = compare_identifiers(a, b)
    shared_id = identifiers is not None and identifiers.label.endswith("-shared")
    certain_id = identifiers is not None and shared_id and identifiers.label in _NAME_INDEPENDENT_IDS
    if name_value + MAX_BONUS < floor and not certain_id and not (shared_id and name_value >= ID_FLOOR_NAME_SCORE):
        return None
    if weak_a or weak_b:
        match = NameMatch(name_value, tuple((t, t, 1.0) for t in form_a.tokens), (), ())
    else:
        match = compare_names(form_a, form_b, vocabulary, person=person)
    evidence = _evidence(a, b, form_a, form_b, person)
    if identifiers is not None:
        evidence.append(identifiers)
    score = name_value + sum(e.delta for e in evidence)
    if certain_id or (shared_id and name_value >= ID_FLOOR_NAME_SCORE):
        score = max(score, ID_SHARED_FLOOR)
    return PairScore(round(min(max(score, 0.0), 1.0), 4), name_a, name_b, match, tuple(evidence))
