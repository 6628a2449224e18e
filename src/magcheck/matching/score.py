"""Score a pair of names, then a pair of entries (names plus evidence), into [0, 1].

Names are compared as token sets aligned one-to-one (order-independent), each token weighted by its
rarity: sharing `Quanguo` says far more than sharing `Chen`. Short tokens must agree exactly, because in
Chinese and Korean names one letter changes the person; longer tokens may differ by a transliteration
vowel or one letter. People may lack a patronymic or middle name in one list; organisations may not lack
a distinctive word (`Xinjiang Production and Construction Corps` is not its `Public Security Bureau`).

Every step is the same whichever entry comes first (ties between words and between names are broken by the
words themselves), so a pair scores alike with either list as the reference. A date-of-birth conflict costs
less, and says why, when one of the dates is also that of the record listed next to it or when the full name
and the programme agree (`_carried_dob_conflict`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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
from magcheck.matching.index import (
    PATRONYMIC,
    Vocabulary,
    may_be_missing,
    name_form,
    primary_form,
    primary_tokens,
    token_class,
)
from magcheck.matching.normalize import BODY_KIND_TOKENS, GENERIC_ORG_TOKENS, NameForm, strip_particle
from magcheck.matching.programmes import programmes
from magcheck.model import Entry, EntryType, Name, Strength

WEAK_ALIAS_SCORE = 0.88  # a weak alias matched exactly is a lead, not proof
SUBSET_ORG_FACTOR = 0.8  # an organisation whose name only contains the other's is usually a sub-body
SUB_BODY_PENALTY = -0.2
PRIMARY_DIFFERS_PENALTY = -0.1  # matched only through aliases while the primary names differ
PATRONYMIC_ALIKE_RATIO = 70  # rapidfuzz ratio at which two patronymics are spellings of one
PATRONYMIC_CONFLICT = -0.25
FULL_NAME_SCORE = 0.97  # names this alike, word for word, identify a person even when the dates conflict
FULL_NAME_LONG_WORD = 5  # letters
DOB_CONFLICT_CARRIED = -0.1  # a date conflict the full name and the programme outweigh


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
    # best variants first; ties in the order of the two words, whichever name comes first
    options = [(-similarity, min(ta, tb), max(ta, tb), i, j) for i, ta in rest_a
               for j, tb in by_class.get(token_class(ta), ()) if (similarity := token_similarity(ta, tb)) > 0]
    options.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    for negative, _, _, i, j in options:
        similarity = -negative
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            chosen.append((i, j, similarity))
    return chosen


Scored = tuple[float, tuple[str, ...]]  # a score and, for explanations, the rules that shaped it


def _person_score(ta: tuple[str, ...], tb: tuple[str, ...], wa: tuple[float, ...], wb: tuple[float, ...],
                  aligned: list[tuple[int, int, float]], matched_a: float, matched_b: float) -> Scored:
    """How much of the shorter name is found, and of the longer one short of a missing patronymic."""
    total_a, total_b = sum(wa), sum(wb)
    a_shorter = (len(ta), total_a, ta) <= (len(tb), total_b, tb)  # the same either way round
    short_cover = matched_a / total_a if a_shorter else matched_b / total_b
    used_long = {j for _, j, _ in aligned} if a_shorter else {i for i, _, _ in aligned}
    long_tokens, long_weights = (tb, wb) if a_shorter else (ta, wa)
    # Only when the shorter name is found whole: otherwise the names disagree (and `-ovich` may be a
    # surname: Volfovich is not Lukashenko's missing patronymic).
    missing = [] if len(aligned) < min(len(ta), len(tb)) else [
        (t, w) for k, (t, w) in enumerate(zip(long_tokens, long_weights, strict=True))
        if k not in used_long and may_be_missing(t)]
    long_total = (total_b if a_shorter else total_a) - sum(w for _, w in missing)
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
    if min(cover_a, cover_b) >= 0.99:
        return (matched_a + matched_b) / (total_a + total_b), ()
    if max(cover_a, cover_b) < 0.99:
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
    matched_a = matched_b = information = 0.0
    for i, j, s in aligned:
        x, y = wa[i], wb[j]
        matched_a += x * s
        matched_b += y * s
        information += (x if x < y else y) * s
    if person:
        score, notes = _person_score(a.tokens, b.tokens, wa, wb, aligned, matched_a, matched_b)
    else:
        score, notes = _organisation_score(a, b, wa, wb, aligned, matched_a, matched_b)
    one_word = not person and min(len(a.tokens), len(b.tokens)) == 1
    factor = information_factor(information, person, one_word)
    if factor < 1:
        what = "a one-word name, its word not rare" if one_word else "the agreeing words are common"
        notes = (*notes, f"{what}: x{factor:.2f}")
    return round(score * factor, 4), notes


Aligned = tuple[float, list[tuple[int, int, float]], tuple[str, ...]]  # score, token alignment, notes


def _scored_names(a: NameForm, b: NameForm, vocabulary: Vocabulary, person: bool) -> Aligned:
    """The name score with its alignment and notes, memoised per vocabulary: the same pair recurs across
    entries, and the explanation of the best pair needs what its score was computed from."""
    key = (a.tokens, a.qualifiers, b.tokens, b.qualifiers, person)
    cached = vocabulary.memo.get(key)
    if cached is None:
        wa, wb = vocabulary.token_weights(a.tokens), vocabulary.token_weights(b.tokens)
        aligned = _align_tokens(a.tokens, b.tokens)
        score, notes = _score_alignment(a, b, wa, wb, aligned, person)
        cached = vocabulary.memo[key] = (score, aligned, notes)
    return cached


def name_score(a: NameForm, b: NameForm, vocabulary: Vocabulary, *, person: bool) -> float:
    """The name similarity alone."""
    return _scored_names(a, b, vocabulary, person)[0]


def compare_names(a: NameForm, b: NameForm, vocabulary: Vocabulary, *, person: bool) -> NameMatch:
    """The name similarity with the token alignment behind it, for explanations."""
    ta, tb = a.tokens, b.tokens
    score, aligned, notes = _scored_names(a, b, vocabulary, person)
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
    """A weak alias counts only when identical, written with the same words (an acronym is not spelt like a
    word: `CPP` is not `CP`), and a one-word person name never identifies anyone."""
    if sorted(form_a.tokens) != sorted(form_b.tokens) or set(form_a.literal) != set(form_b.literal):
        return 0.0
    return min(WEAK_ALIAS_SCORE, SINGLE_TOKEN_CAP) if person and len(form_a.tokens) == 1 else WEAK_ALIAS_SCORE


def _pair_order(pair: NamePair) -> tuple[tuple[str, ...], ...]:
    """Between name pairs that score alike, the one chosen whichever entry comes first."""
    name_a, form_a, _, name_b, form_b, _ = pair
    return tuple(sorted(((*form_a.tokens, "", name_a.text), (*form_b.tokens, "", name_b.text))))


def _best_name_pair(name_pairs: Iterable[NamePair], vocabulary: Vocabulary, person: bool,
                    bounds: Sequence[float] | None = None) -> tuple[float, NamePair] | None:
    """The best-scoring pair of names. With `bounds` (the most each pair could score, highest first), the
    search stops at the first pair that cannot beat the best found."""
    best: tuple[float, NamePair] | None = None
    for k, pair in enumerate(name_pairs):
        if bounds is not None and best is not None and bounds[k] < best[0]:
            break
        _, form_a, weak_a, _, form_b, weak_b = pair
        if weak_a or weak_b:
            score = _weak_alias_score(form_a, form_b, person)
        else:
            score = name_score(form_a, form_b, vocabulary, person=person)
        if best is None or score > best[0] or (score == best[0] and _pair_order(pair) < _pair_order(best[1])):
            best = (score, pair)
    return best


def _sub_body(a: Entry, b: Entry, form_a: NameForm, form_b: NameForm) -> Evidence | None:
    """Organisations matched through aliases whose own names say one is part of the other.

    The UK lists the IRGC's Qods Force with the IRGC's Persian name as an alias; a bank's Belarusian
    subsidiary carries the bank's name: when one primary name is the other with words added after it,
    the alias match is doubtful.
    """
    primary_a, primary_b = primary_form(a), primary_form(b)
    if (primary_a, primary_b) == (form_a, form_b) or primary_tokens(a) == primary_tokens(b):
        return None  # also `IRAN MARINE INDUSTRIAL COMPANY (SADRA)` / `IRAN MARINE INDUSTRIAL COMPANY, SADRA`
    shorter, longer = sorted((primary_a, primary_b), key=lambda f: len(f.tokens))
    inside = set(shorter.tokens)
    if not inside or not inside < set(longer.tokens):
        return None
    last_shared = max(k for k, t in enumerate(longer.tokens) if t in inside)
    after = longer.tokens[last_shared + 1:]
    added = [t for t in after if t not in longer.qualifiers and t not in BODY_KIND_TOKENS]
    if not added or after[-1] in GENERIC_ORG_TOKENS:
        # `Almaz-Antey` / `Concern Almaz-Antey`, `Sberbank` / `Sberbank of Russia`, `VTB` / `VTB Bank`; words
        # ending in what kind of body it is describe the whole body (`Almaz-Antey Air and Space Defense
        # Corporation`), a part of it ends in what part it is (`XPCC Public Security Bureau`)
        return None
    return Evidence("sub-body", SUB_BODY_PENALTY,
                    f"primary names differ by {' '.join(added)!r} added: one body may be part of the other")


def _primary_names_differ(a: Entry, b: Entry, form_a: NameForm, form_b: NameForm) -> Evidence | None:
    """Entries matched through other names while their own primary names have nothing in common.

    An alias can be a trading name two companies share (`AZIMUT`), or a body's former name now borne by
    its successor (`PMC WAGNER` on the UK's `AFRICA CORPS`): the match may stand, with less confidence. A
    primary name's parenthesis is part of it (`MZKT (MINSK WHEEL TRACTOR PLANT)`).
    """
    primary_a, primary_b = primary_form(a), primary_form(b)
    if (primary_a, primary_b) == (form_a, form_b):
        return None
    distinctive_a = {token_class(t) for t in primary_tokens(a) if t not in BODY_KIND_TOKENS}
    distinctive_b = {token_class(t) for t in primary_tokens(b) if t not in BODY_KIND_TOKENS}
    if distinctive_a & distinctive_b:
        return None
    return Evidence("primary-names-differ", PRIMARY_DIFFERS_PENALTY,
                    f"matched through another name; primary names {a.name.text!r} and {b.name.text!r} differ")


@lru_cache(maxsize=100_000)
def _name_parts(texts: tuple[str, ...], entry_type: EntryType) -> tuple[frozenset[str], frozenset[str]]:
    """The patronymics and the initials of an entry's strong names (their texts)."""
    forms = [name_form(Name(text), entry_type) for text in texts]
    return (frozenset(t for form in forms for t in form.tokens if PATRONYMIC.search(t)),
            frozenset(t for form in forms for t in form.initials))


def _strong_parts(entry: Entry) -> tuple[frozenset[str], frozenset[str]]:
    return _name_parts(tuple([n.text for n in entry.names if n.strength is Strength.STRONG]), entry.type)


def _patronymics(entry: Entry) -> frozenset[str]:
    return _strong_parts(entry)[0]


def _initials(entry: Entry) -> frozenset[str]:
    return _strong_parts(entry)[1]


_SAME_INITIAL = str.maketrans({"e": "i", "j": "i"})  # `Ye.` / `E.` / `I.` (Yevgenyevich, Evgenievich)


def _initial_fits(initials: frozenset[str], patronymics: frozenset[str]) -> str | None:
    """The patronymic one of the initials stands for (`G.` for `Germanovna`), if any."""
    wanted = {i.translate(_SAME_INITIAL) for i in initials}
    return next((p for p in sorted(patronymics) if p[0].translate(_SAME_INITIAL) in wanted), None)


def _patronymics_differ(a: Entry, b: Entry) -> Evidence | None:
    """Both give a patronymic and none is a spelling of another: two people (Dmitry Sergeyevich Peskov,
    Dmitry Nikolayevich Peskov); transliterations (Akhmatovich / Akhmadovich) agree. One gives only an
    initial (`Olga G. STEPANOVA`): it must be the patronymic's first letter."""
    (patronymics_a, initials_a), (patronymics_b, initials_b) = _strong_parts(a), _strong_parts(b)
    if patronymics_a and patronymics_b:
        if any(fuzz.ratio(x, y) >= PATRONYMIC_ALIKE_RATIO for x in patronymics_a for y in patronymics_b):
            return None
        return Evidence("patronymic-differs", PATRONYMIC_CONFLICT,
                        f"patronymic {'/'.join(sorted(patronymics_a))} vs {'/'.join(sorted(patronymics_b))}")
    patronymics, initials = (patronymics_a, initials_b) if patronymics_a else (patronymics_b, initials_a)
    if not patronymics or not initials:
        return None
    fits = _initial_fits(initials, patronymics)
    shown = "/".join(f"{i.upper()}." for i in sorted(initials))
    if fits is not None:
        return Evidence("initial-fits", 0.0, f"the initial {shown} stands for the patronymic {fits}")
    return Evidence("patronymic-differs", PATRONYMIC_CONFLICT,
                    f"initial {shown} vs patronymic {'/'.join(sorted(patronymics))}")


def _full_name(match: NameMatch, form_a: NameForm, form_b: NameForm) -> str | None:
    """What makes two names a full identity, if they are one: every word of the shorter found (three at least),
    agreeing on a patronymic (`Andrei Vitalyevich ILYASHENKO`) or on enough long words."""
    shorter = min(len(form_a.tokens), len(form_b.tokens))
    if match.score < FULL_NAME_SCORE or len(match.pairs) < shorter or shorter < 3:
        return None
    if any(PATRONYMIC.search(x) and PATRONYMIC.search(y) for x, y, _ in match.pairs):
        return "the full name with patronymic"
    # three words, two of them long (`Nizar Mohammad AWADALLAH`), or four words (`Ahmad Hassan Mohammed AL
    # ASIRI`): short words alone (`KIM Su Il`, `Ye Win OO`) are too common to outweigh a date
    long_words = sum(len(x) >= FULL_NAME_LONG_WORD for x, _, _ in match.pairs)
    return f"all {shorter} words of the name" if shorter >= 4 or long_words >= 2 else None


def _carried_dob_conflict(a: Entry, b: Entry, dob: Evidence, match: NameMatch, form_a: NameForm,
                          form_b: NameForm, doubtful: Mapping[str, str]) -> Evidence:
    """A date-of-birth conflict where the rest agrees: one list's date is probably wrong (copied from another
    record, a decade mistyped). It then costs less, and the explanation says so: when one of the dates is also
    that of the record listed next to it (`evidence.copied_dobs`), or when the full name and the programme
    agree."""
    copied = doubtful.get(a.key) or doubtful.get(b.key)
    if copied is not None and match.score >= FULL_NAME_SCORE:
        return Evidence(dob.label, DOB_CONFLICT_CARRIED,
                        f"{dob.detail}: the dates conflict, but {copied}: probably copied")
    full = _full_name(match, form_a, form_b)
    shared = programmes(a.programs).families & programmes(b.programs).families
    if full is None or not shared:
        return dob
    return Evidence(dob.label, DOB_CONFLICT_CARRIED,
                    f"{dob.detail}: the dates conflict, but {full} and the programme ({', '.join(sorted(shared))}) "
                    "agree: one list's date is probably wrong")


def _evidence(a: Entry, b: Entry, form_a: NameForm, form_b: NameForm, person: bool,
              match: NameMatch, doubtful: Mapping[str, str]) -> list[Evidence]:
    if person:
        dob = compare_dobs(a, b)
        if dob is not None and dob.label == "dob-conflict":
            dob = _carried_dob_conflict(a, b, dob, match, form_a, form_b, doubtful)
        found = [dob, compare_nationalities(a, b), compare_genders(a, b), _patronymics_differ(a, b)]
    else:
        found = [compare_legal_forms(form_a.legal, form_b.legal), _sub_body(a, b, form_a, form_b),
                 compare_locations(a, b, form_a.places, form_b.places)]
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
                  floor: float = 0.0, doubtful: Mapping[str, str] | None = None, *,
                  bounds: Sequence[float] | None = None) -> PairScore | None:
    """Best name pair, then evidence; None when the pair cannot score `floor` or types are incompatible.
    `doubtful`: people whose date of birth may be another's (`evidence.copied_dobs`, per list); `bounds`: the
    most each name pair could score, in decreasing order (the index's bound), to stop the search early."""
    if not types_compatible(a.type, b.type):
        return None
    person = a.type is EntryType.INDIVIDUAL
    best = _best_name_pair(name_pairs, vocabulary, person, bounds)
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
    evidence = _evidence(a, b, form_a, form_b, person, match, doubtful or {})
    if identifiers is not None:
        evidence.append(identifiers)
    score = name_value + sum(e.delta for e in evidence)
    if certain_id or (shared_id and name_value >= ID_FLOOR_NAME_SCORE):
        score = max(score, ID_SHARED_FLOOR)
    return PairScore(round(min(max(score, 0.0), 1.0), 4), name_a, name_b, match, tuple(evidence))
