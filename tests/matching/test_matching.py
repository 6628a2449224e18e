"""The matcher on real names and records: normalisation, token similarity, evidence, the score bound that
the index relies on, alignment mechanics, overrides, search and explain, and the dev-set quality bar."""

from __future__ import annotations

import importlib.util
import random
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from magcheck.errors import UsageError
from magcheck.matching.align import Matcher, Thresholds, explain, search
from magcheck.matching.evidence import compare_dobs, compare_identifiers, compare_nationalities
from magcheck.matching.index import candidate_pairs, name_form, token_class
from magcheck.matching.normalize import canonical_token, name_variants, normalize_name
from magcheck.matching.overrides import load_overrides
from magcheck.matching.score import name_score, token_similarity
from magcheck.model import Entry, EntryType, Identifier, IdKind, Name, PartialDate, SanctionsList
from magcheck.store.bundled import load_bundled

DEVSET = Path(__file__).resolve().parents[2] / "benchmarks" / "devset" / "labels.csv"


@pytest.fixture(scope="module")
def lists() -> dict[str, SanctionsList]:
    return {code: load_bundled(code) for code in ("us", "uk", "ca")}  # type: ignore[misc]


@pytest.fixture(scope="module")
def matcher(lists: dict[str, SanctionsList]) -> Matcher:
    return Matcher({code: lst.entries for code, lst in lists.items()})


@pytest.fixture(scope="module")
def by_key(lists: dict[str, SanctionsList]) -> dict[str, Entry]:
    return {e.key: e for lst in lists.values() for e in lst.entries}


def tokens(text: str, organisation: bool = False) -> tuple[str, ...]:
    return normalize_name(text, organisation=organisation).tokens


# --- normalisation -------------------------------------------------------------------------------------


def test_name_order_and_script_do_not_matter() -> None:
    assert set(tokens("CHEN, Quanguo")) == set(tokens("Quanguo CHEN")) == set(tokens("陈全国"))
    assert set(tokens("ЗАДАЧИН Андрей Андреевич")) == set(tokens("Andrey Andreevich ZADACHIN"))


@pytest.mark.parametrize(("a", "b"), [("Aleksandr", "Alexander"), ("Yevgeniy", "Evgeny"), ("Sergei", "Sergey"),
                                      ("al-Otaibi", "Alotaibi"), ("Žuk", "Zuk"), ("Andrej", "Andrey")])
def test_transliteration_variants_are_spelled_alike(a: str, b: str) -> None:
    ta, tb = tokens(a), tokens(b)
    assert token_similarity(ta[0], tb[0]) >= 0.9, (ta, tb)


def test_honorifics_legal_forms_and_numbers() -> None:
    assert tokens("Mr Ivan PETROV") == tokens("General Ivan PETROV") == ("ivan", "petrov")
    assert tokens("SOE, U Thein") == ("tein", "soe")  # Burmese U = Mr; `SURNAME, Given` read `Given SURNAME`
    llc = {tokens(n, True) for n in ("OOO Gazprom Neft", "Limited Liability Company Gazprom Neft",
                                     "GAZPROM NEFT LLC")}
    jsc = {tokens(n, True) for n in ("AO Kronshtadt", "Joint-Stock Company Kronshtadt", "PJSC Kronshtadt")}
    assert llc == {("gazprom", "neft")} and jsc == {("kronshtadt",)}
    assert normalize_name("OOO Gazprom", organisation=True).legal == {"llc"}
    assert tokens("33RD LIGHT INFANTRY DIVISION", True)[0] == tokens("33 LIGHT INFANTRY DIVISION", True)[0] == "33"


def test_parentheses_acronyms_and_qualifiers() -> None:
    assert name_variants("MYANMAR GEMS ENTERPRISE (MGE)") == [("MYANMAR GEMS ENTERPRISE", False)]
    assert name_variants("VTB Bank (Belarus) JSC") == [("VTB Bank Belarus JSC", False)]
    assert name_variants("Minski Avtomobilnyi Zavod MAZ (Minsk Automobile Plant)") == [
        ("Minski Avtomobilnyi Zavod MAZ", False), ("Minsk Automobile Plant", True)]
    form = normalize_name("99TH LIGHT INFANTRY DIVISION OF THE BURMESE ARMY", organisation=True)
    assert form.qualifiers == {canonical_token("myanmar"), canonical_token("army")}


# --- token similarity and the index's classes -----------------------------------------------------------


def test_short_chinese_given_names_one_letter_apart_are_not_the_same() -> None:
    assert token_similarity("hailun", "hailin") < 0.85
    assert token_similarity(canonical_token("mingguo"), canonical_token("quanguo")) == 0.0
    assert token_similarity("kim", "kin") == 0.0


def test_similar_tokens_always_share_a_class(lists: dict[str, SanctionsList]) -> None:
    """The index only proposes pairs sharing a class: token_similarity > 0 must imply one."""
    vocabulary = sorted({t for lst in lists.values() for e in lst.entries[:3000] for n in e.names
                         for t in name_form(n, e.type).tokens})
    rng = random.Random(4)
    by_prefix: dict[str, list[str]] = {}
    for token in vocabulary:
        by_prefix.setdefault(token[:2], []).append(token)
    checked = 0
    for group in by_prefix.values():
        for a, b in (rng.sample(group, 2) for _ in range(min(20, len(group) // 2))):
            if token_similarity(a, b) > 0:
                assert token_class(a) == token_class(b), (a, b)
                checked += 1
    assert checked > 20


def test_the_bound_is_never_below_the_score(matcher: Matcher) -> None:
    """Candidate generation drops a pair only when its bound is below the floor: the bound must hold."""
    us, uk = matcher.prepared("us"), matcher.prepared("uk")
    sample = np.arange(0, len(us.table), 7)
    pairs = candidate_pairs(us.matrix.rows(sample), uk.matrix, 0.0, dob_bonus=0.0, nationality_bonus=0.0)
    assert len(pairs) > 1000
    for ref_row, other_row, bound in zip(pairs.ref_rows[:5000], pairs.other_rows[:5000], pairs.bound[:5000],
                                         strict=True):
        a, b = us.table.forms[sample[ref_row]], uk.table.forms[other_row]
        person = bool(us.matrix.person[sample[ref_row]])
        assert name_score(a, b, matcher.vocabulary, person=person) <= bound + 1e-4, (a, b)  # scores are rounded


# --- evidence -------------------------------------------------------------------------------------------


def person(uid: str, *dobs: PartialDate, nationality: str | None = None) -> Entry:
    return Entry("us", uid, EntryType.INDIVIDUAL, Name("X Y"), dobs=dobs,
                 nationalities=(nationality,) if nationality else ())


@pytest.mark.parametrize(("a", "b", "label", "sign"), [
    (PartialDate(1955, 11, 3), PartialDate(1955, 11, 3), "dob-day", 1),
    (PartialDate(1955, 11), PartialDate(1955, 11, 3), "dob-month", 1),
    (PartialDate(1955), PartialDate(1955, 11), "dob-year", 1),
    (PartialDate(1972, 2, 1), PartialDate(1972, 1, 2), "dob-swapped", 1),
    (PartialDate(1976), PartialDate(1975, 11, 28), "dob-near", -1),
    (PartialDate(1973, 7, 1), PartialDate(1973, 7, 10), "dob-near", -1),
    (PartialDate(1966, 10, 15), PartialDate(1952, 2, 12), "dob-conflict", -1),
])
def test_dates_of_birth(a: PartialDate, b: PartialDate, label: str, sign: int) -> None:
    found = compare_dobs(person("1", a), person("2", b))
    assert found is not None and found.label == label and (found.delta > 0) == (sign > 0)


def test_nationality_codes_and_identifiers() -> None:
    assert compare_nationalities(person("1", nationality="Burma"), person("2", nationality="Myanmar")).delta > 0
    assert compare_nationalities(person("1", nationality="Iran"), person("2", nationality="Syria")).delta < 0
    ship = Entry("us", "1", EntryType.VESSEL, Name("KEMEROVO"), identifiers=(Identifier(IdKind.IMO, "IMO 9292125"),))
    renamed = replace(ship, list="uk", name=Name("NS COLUMBUS"), identifiers=(Identifier(IdKind.IMO, "9292125"),))
    other = replace(renamed, identifiers=(Identifier(IdKind.IMO, "9303039"),))
    assert compare_identifiers(ship, renamed).label == "imo-shared"
    assert compare_identifiers(ship, other).label == "imo-conflict"


# --- alignment on the real lists ------------------------------------------------------------------------


def matches(matcher: Matcher, by_key: dict[str, Entry], key: str, code: str) -> set[str]:
    return {c.entry.uid for c in matcher.align([by_key[key]], [code]).of(by_key[key], code).matches}


@pytest.mark.parametrize(("key", "code", "expected"), [
    ("us:29220", "uk", set()), ("us:29220", "ca", {"china-p1-5"}),  # Chen Quanguo
    ("us:29219", "uk", {"GHR0078"}), ("us:29219", "ca", {"china-p1-1"}),  # Zhu Hailun
    ("us:29159", "uk", set()), ("us:29159", "ca", set()),  # Xinjiang Public Security Bureau
    ("us:29299", "uk", set()), ("us:29299", "ca", set()),  # XPCC
    ("us:10391", "uk", {"INU0080"}),  # IRGC, not its Qods Force (INU0082)
    ("us:34682", "ca", {"russia-1p2-81"}),  # Alfa-Bank, not Alfa-Bank Belarus
    ("us:40718", "ca", set()),  # MTS Bank is not MTS the telecom operator
    ("us:9760", "ca", {"belarus-1p1-8"}),  # Lukashenka (Belarusian) = Lukashenko, not his sons
])
def test_real_alignments(matcher: Matcher, by_key: dict[str, Entry], key: str, code: str,
                         expected: set[str]) -> None:
    assert matches(matcher, by_key, key, code) == expected


def test_explain_shows_the_xpcc_psb_below_the_review_band(matcher: Matcher, by_key: dict[str, Entry]) -> None:
    alignment = explain(matcher, by_key["us:29299"], ["uk", "ca"])
    uk = alignment.of(by_key["us:29299"], "uk")
    psb = next(c for c in uk.review if c.entry.uid == "GHR0079")
    assert psb.score < matcher.thresholds.possible and not uk.matches
    assert psb.detail is not None and psb.detail.name.unmatched_b  # the words that make it another body


def test_two_claims_on_one_counterpart_are_flagged(matcher: Matcher, by_key: dict[str, Entry]) -> None:
    chen = by_key["us:29220"]
    # a woman whose name only adds a word: no date to compare with Canada's, but she cannot be Chen listed twice
    weaker = replace(chen, uid="9999001", name=Name("CHEN, Quanguo Ahmad"), dobs=(), gender="Female", other_names=())
    alignment = matcher.align([chen, weaker], ["ca"])
    strong, weak = alignment.of(chen, "ca"), alignment.of(weaker, "ca")
    assert [c.entry.uid for c in strong.matches] == ["china-p1-5"]
    assert strong.matches[0].shared_with == (weaker.key,)
    assert not weak.matches and weak.review[0].entry.uid == "china-p1-5"


def test_overrides_decide_both_ways(lists: dict[str, SanctionsList], by_key: dict[str, Entry],
                                    tmp_path: Path) -> None:
    toml = tmp_path / "overrides.toml"
    toml.write_text('[[different]]\na = "ca:china-p1-5"\nb = "us:29220"\n'
                    '[[same]]\na = "us:29299"\nb = "uk:GHR0079"\nnote = "for the test only"\n', encoding="utf-8")
    as_csv = tmp_path / "overrides.csv"
    as_csv.write_text("a,b,decision,note\nus:29220,ca:china-p1-5,different,\nus:29299,uk:GHR0079,same,"
                      "for the test only\n", encoding="utf-8")
    for path in (toml, as_csv):
        matcher = Matcher({c: lst.entries for c, lst in lists.items()}, overrides=load_overrides(path))
        alignment = matcher.align([by_key["us:29220"], by_key["us:29299"]], ["uk", "ca"])
        assert not alignment.of(by_key["us:29220"], "ca").matches
        forced = alignment.of(by_key["us:29299"], "uk").matches
        assert [c.entry.uid for c in forced] == ["GHR0079"] and forced[0].override == "for the test only"


def test_a_malformed_overrides_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[same]]\na = 'us29220'\nb = 'ca:x'\n", encoding="utf-8")
    with pytest.raises(UsageError, match="list:uid"):
        load_overrides(bad)
    bad.write_text("[[same]\n", encoding="utf-8")
    with pytest.raises(UsageError, match="malformed"):
        load_overrides(bad)


def test_search(matcher: Matcher) -> None:
    hits = search(matcher, "Chen Quanguo", ["us", "uk", "ca"])
    assert hits["us"][0].entry.uid == "29220" and hits["ca"][0].entry.uid == "china-p1-5"
    assert not hits["uk"] or hits["uk"][0].score < matcher.thresholds.match
    surname_only = search(matcher, "Rotenberg", ["uk"])["uk"]
    assert surname_only and all(h.score < Thresholds().match for h in surname_only)


# --- the quality bar --------------------------------------------------------------------------------------


def test_dev_set_precision_and_recall(lists: dict[str, SanctionsList], matcher: Matcher) -> None:
    """The hand-labelled development set (benchmarks/devset): precision >= 0.98, recall >= 0.97 per pair."""
    spec = importlib.util.spec_from_file_location("evaluate", DEVSET.parents[1] / "evaluate.py")
    evaluate = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules.setdefault("evaluate", evaluate)  # its dataclasses look their module up
    spec.loader.exec_module(evaluate)  # type: ignore[union-attr]
    labels = evaluate.read_labels(DEVSET)
    us = {e.uid: e for e in lists["us"].entries}
    alignment = matcher.align([us[label.us_uid] for label in labels], ["uk", "ca"])
    for code in ("uk", "ca"):
        tp = fp = fn = 0
        for label in labels:
            predicted = {c.entry.uid for c in alignment.of(us[label.us_uid], code).matches}
            tp += len(predicted & label.truth[code])
            fp += len(predicted - label.truth[code])
            fn += len(label.truth[code] - predicted)
        assert tp / (tp + fp) >= 0.98, code
        assert tp / (tp + fn) >= 0.97, code


def test_a_surname_ending_in_ovich_is_not_an_omitted_patronymic(matcher: Matcher) -> None:
    lukashenko = normalize_name("LUKASHENKO, Aleksandr Grigorevich", organisation=False)
    volfovich = normalize_name("Aleksandr Grigoryevich VOLFOVICH", organisation=False)
    assert name_score(lukashenko, volfovich, matcher.vocabulary, person=True) < Thresholds().possible
    without_patronymic = normalize_name("Aleksandr LUKASHENKO", organisation=False)
    assert name_score(lukashenko, without_patronymic, matcher.vocabulary, person=True) >= 0.9
