"""Alignment as good with the UK or Canada as the reference as with the US (issue 11), on real records of the
bundled snapshot (US SDN May 2024, UK Apr 2025, Canada Sept 2025; session fixtures in tests/conftest.py).

Each error class of the issue has a test on a real pair, checked from both sides: the pair gets the same
decision whichever list is the reference. Then symmetry over whole lists, rarity that does not depend on what
else is loaded, truthful explanations, and the dev-set quality bar in all six directions."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from magcheck.matching.align import Alignment, Matcher
from magcheck.matching.coverage import Counterpart, Thresholds
from magcheck.matching.normalize import canonical_token, normalize_name
from magcheck.model import Entry, Name, SanctionsList

MATCH = Thresholds().match
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def entries(bundled_lists: dict[str, SanctionsList]) -> dict[str, Entry]:
    return {e.key: e for lst in bundled_lists.values() for e in lst.entries}


def found(matcher: Matcher, entries: dict[str, Entry], key: str, code: str) -> tuple[list[Counterpart], ...]:
    entry = entries[key]
    coverage = matcher.align([entry], [code]).of(entry, code)
    return coverage.matches, coverage.review


def matched(matcher: Matcher, entries: dict[str, Entry], key: str, code: str) -> set[str]:
    return {c.entry.uid for c in found(matcher, entries, key, code)[0]}


def assert_pair(matcher: Matcher, entries: dict[str, Entry], a: str, b: str, same: bool) -> None:
    """The pair is matched (or not) with either entry as the reference."""
    for ref, other in ((a, b), (b, a)):
        code, uid = other.split(":", 1)
        assert (uid in matched(matcher, entries, ref, code)) is same, (ref, other)


# --- British and American spelling --------------------------------------------------------------------------------


def test_one_spelling_for_british_and_american_words() -> None:
    for british, american in (("defence", "defense"), ("organisation", "organization"), ("centre", "center"),
                              ("programme", "program")):
        assert canonical_token(british) == canonical_token(american)


@pytest.mark.parametrize(("a", "b"), [
    ("uk:INU0223", "us:10153"),  # DEFENCE INDUSTRIES ORGANISATION (DIO) / DEFENSE INDUSTRIES ORGANIZATION
    ("uk:INU0223", "ca:iran-1p1-180"),  # ... / Defence Industries Organization
    ("uk:MYA0030", "us:33536"),  # MYANMAR WAR VETERANS ORGANISATION / ORGANIZATION
    ("uk:CHW0006", "us:9352"),  # SCIENTIFIC STUDIES AND RESEARCH CENTRE (SSRC) / CENTER
])
def test_british_and_american_spellings_meet(bundled_matcher: Matcher, entries: dict[str, Entry], a: str,
                                              b: str) -> None:
    assert_pair(bundled_matcher, entries, a, b, True)


# --- a short name and a long legal name ---------------------------------------------------------------------------


def test_a_long_legal_form_and_a_generic_word_leave_the_name() -> None:
    long = normalize_name("STATE OWNED FOREIGN TRADE UNITARY ENTERPRISE BELSPETSVNESHTECHNIKA", organisation=True)
    assert long.tokens == normalize_name("BELSPETSVNESHTECHNIKA", organisation=True).tokens and long.legal == {"soe"}
    kompaniya = normalize_name("KOMPANIYA GAZ-ALYANS, OOO", organisation=True)  # US 23576
    assert set(kompaniya.tokens) == {*normalize_name("GAZ-ALYANS OOO", organisation=True).tokens,
                                     canonical_token("kompaniya")}
    assert kompaniya.qualifiers == {canonical_token("kompaniya")}  # counts for little when missing


@pytest.mark.parametrize(("a", "b"), [
    ("uk:RUS1092", "us:34776"),  # BELSPETSVNESHTECHNIKA / STATE OWNED FOREIGN TRADE UNITARY ENTERPRISE ...
    ("ca:belarus-1p2-34", "us:34776"),
    ("ca:russia-1p2-630", "us:46769"),  # Azia Shipping Company LLC / OOO Sudokhodnaia Kompaniia Azia
    ("ca:myanmar-p1-20", "us:31516"),  # Myanma Economic Corporation (MEC) / MYANMAR ECONOMIC CORPORATION LIMITED
    ("ca:myanmar-p1-20", "uk:GHR0081"),
    ("ca:myanmar-p1-42", "us:31517"),  # Union of Burma Economic Holding Ltd. / MYANMA ECONOMIC HOLDINGS PUBLIC ...
    ("ca:myanmar-p1-42", "uk:GHR0080"),
])
def test_short_and_long_names_of_one_body_meet(bundled_matcher: Matcher, entries: dict[str, Entry], a: str,
                                               b: str) -> None:
    assert_pair(bundled_matcher, entries, a, b, True)


@pytest.mark.parametrize(("a", "b"), [("ca:myanmar-p1-20", "us:31517"), ("ca:myanmar-p1-42", "us:31516"),
                                      ("uk:GHR0081", "us:31517"), ("uk:GHR0080", "us:31516")])
def test_the_economic_corporation_is_not_the_economic_holdings(bundled_matcher: Matcher, entries: dict[str, Entry],
                                                                a: str, b: str) -> None:
    """MEC and MEHL share `Myanmar Economic` and a generic word each: two bodies."""
    assert_pair(bundled_matcher, entries, a, b, False)


def test_union_of_burma_is_myanmar() -> None:
    assert normalize_name("Union of Burma Economic Holding Ltd.", organisation=True).tokens == normalize_name(
        "Myanmar Economic Holding Ltd.", organisation=True).tokens == normalize_name(
        "Myanma Economic Holding", organisation=True).tokens


# --- Canada's `Parent, Subsidiary` -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [
    ("uk:RUS1892", "ca:russia-1p2-226"),  # JSC KRASNY GIDROPRESS / Tactical Missiles Corporation, 'Krasny Gidropress'
    ("uk:RUS1910", "ca:russia-1p2-233"),  # JSC ZVEZDA-STRELA / Tactical Missiles Corporation, Zvezda-Strela LLC
    ("uk:RUS0240", "ca:russia-1p2-99"),  # the parent itself
])
def test_the_subsidiary_is_the_counterpart(bundled_matcher: Matcher, entries: dict[str, Entry], a: str,
                                           b: str) -> None:
    assert_pair(bundled_matcher, entries, a, b, True)


def test_the_parent_is_never_a_subsidiary(bundled_matcher: Matcher, entries: dict[str, Entry]) -> None:
    """The UK's Tactical Missiles Corporation matches Canada's record of it and none of its ~20 subsidiaries,
    each named `Tactical Missiles Corporation, <plant>`."""
    subsidiaries = {e.uid for e in entries.values() if e.name.text.startswith("Tactical Missiles Corporation,")}
    assert len(subsidiaries) >= 15
    matches, review = found(bundled_matcher, entries, "uk:RUS0240", "ca")
    assert {c.entry.uid for c in matches} == {"russia-1p2-99"}
    assert all(c.score < MATCH for c in review)
    for uid in sorted(subsidiaries)[:5]:
        assert "RUS0240" not in matched(bundled_matcher, entries, f"ca:{uid}", "uk"), uid


# --- a sub-unit of a ministry ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b", "same"), [
    ("uk:GHR0048", "us:19789", True),  # MSS Bureau 7 = MSS Prisons Bureau (aliases Farm Guidance Bureau ...)
    ("uk:GHR0048", "us:20129", False),  # ... not the Ministry of State Security
    ("uk:GHR0048", "us:25437", False),  # ... nor the Luhansk MGB
    ("uk:GHR0049", "us:19790", True),  # MPS Correctional Bureau
    ("uk:GHR0049", "us:20118", False),  # ... not the Ministry of People's Security
    ("ca:myanmar-p1-56", "us:33538", True),  # Ministry of Defence Quartermaster General Office / QGO
    ("ca:myanmar-p1-56", "us:43396", False),  # ... not the ministry
    ("ca:myanmar-p1-90", "us:43396", True),  # Ministry of Defence of Myanmar / of Burma
    ("ca:myanmar-p1-90", "us:33538", False),  # ... not its units
    ("ca:myanmar-p1-90", "uk:SYR0317", False),  # ... nor Syria's ministry
    ("ca:myanmar-p1-90", "uk:DPR0176", False),  # ... nor the DPRK's
    ("ca:syria-p1-52", "us:15486", True),  # Syria's Army Supply Bureau / ARMY SUPPLY BUREAU
])
def test_a_ministry_is_not_its_units(bundled_matcher: Matcher, entries: dict[str, Entry], a: str, b: str,
                                     same: bool) -> None:
    assert_pair(bundled_matcher, entries, a, b, same)


# --- namesakes with different roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "right", "wrong"), [
    ("ca:jvcfor-49", "us:15898", "us:42982"),  # Natalya Vinogradova: the Magnitsky investigator, not the other
    ("ca:russia-1p1-23", "us:16688", "us:36799"),  # Sergei Ivanov (1953-01-31), not the senator
    ("uk:RUS0716", "us:34976", "us:39784"),  # Aleksandr Grigoryevich Volfovich, not Alexander (Cyprus/Israel)
    ("uk:MYA0040", "us:40479", "us:31946"),  # Htun Aung, not Tun Aung Myint
    ("uk:DPR0044", "us:12211", "us:17614"),  # two Kim Yong Chols: born 1946, not 1962
])
def test_the_right_namesake_wins(bundled_matcher: Matcher, entries: dict[str, Entry], a: str, right: str,
                                 wrong: str) -> None:
    assert_pair(bundled_matcher, entries, a, right, True)
    assert_pair(bundled_matcher, entries, a, wrong, False)


# --- one list's date of birth wrong ------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b", "why"), [
    ("uk:GHR0043", "us:31162", "also the date of birth of uk:GHR0045"),  # Al Asiri carries Al Musleh's date
    ("uk:GHR0064", "us:17295", "also the date of birth of uk:GHR0062"),  # Daudov carries Alaudinov's date
    ("uk:GHR0064", "ca:jvcfor-76", "also the date of birth of uk:GHR0062"),
    ("ca:belarus-1p1.1-39", "uk:RUS0747", "also the date of birth of ca:belarus-1p1.1-38"),  # Lenkevich
    ("ca:russia-1p1-822", "us:35128", "the full name with patronymic and the programme (russia) agree"),
])
def test_a_wrong_date_of_birth_is_outweighed_and_said(bundled_matcher: Matcher, entries: dict[str, Entry], a: str,
                                                      b: str, why: str) -> None:
    assert_pair(bundled_matcher, entries, a, b, True)
    code, uid = b.split(":", 1)
    counterpart = next(c for c in found(bundled_matcher, entries, a, code)[0] if c.entry.uid == uid)
    assert counterpart.detail is not None
    (dob,) = [e for e in counterpart.detail.evidence if e.label == "dob-conflict"]
    assert "the dates conflict" in dob.detail and why in dob.detail and dob.delta < 0


def test_a_full_name_and_programme_outweigh_a_date(bundled_matcher: Matcher, entries: dict[str, Entry]) -> None:
    """Gabril Abdul Kareem Badri (US 9613, c. 1961 / UK SUD0004 `JIBRIL ABDULKARIM IBRAHIM MAYU`, alias `Gabril
    Abdul Kareem BADRI`, 1967-01-01, the UN's SDi.004): every word of a three-word name agrees, both are listed
    under Sudan programmes."""
    assert_pair(bundled_matcher, entries, "us:9613", "uk:SUD0004", True)
    counterpart = next(c for c in found(bundled_matcher, entries, "us:9613", "uk")[0] if c.entry.uid == "SUD0004")
    assert counterpart.detail is not None
    (dob,) = [e for e in counterpart.detail.evidence if e.label == "dob-conflict"]
    assert "all 3 words of the name and the programme (sudan) agree" in dob.detail


def test_a_mistyped_year_is_one_digit_apart(bundled_matcher: Matcher, entries: dict[str, Entry]) -> None:
    """Vyacheslav Stepanovich Timchenko: US 1950-11-20, Canada and UK 1955-11-20."""
    assert_pair(bundled_matcher, entries, "ca:russia-1p1-697", "us:36877", True)
    counterpart = found(bundled_matcher, entries, "ca:russia-1p1-697", "us")[0][0]
    assert counterpart.detail is not None
    assert [e.label for e in counterpart.detail.evidence] == ["dob-one-digit"]


def test_a_date_conflict_without_that_support_stays_for_review(bundled_matcher: Matcher,
                                                               entries: dict[str, Entry]) -> None:
    """Hafiz Makhlouf (US 10569 `MAKHLUF, Hafiz` c. 1975 / UK SYR0060 1971-04-02): two words only, and no
    neighbouring record shares a date: the conflict keeps it in review."""
    matches, review = found(bundled_matcher, entries, "us:10569", "uk")
    assert "SYR0060" not in {c.entry.uid for c in matches}
    near = next(c for c in review if c.entry.uid == "SYR0060")
    assert near.detail is not None and [e.delta for e in near.detail.evidence if e.label == "dob-conflict"] == [-0.3]


# --- patronymics ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [
    ("uk:RUS0881", "us:36833"),  # Taimuraz Dzhambekovich / Dzambekovich MAMSUROV (-zh- / -z-)
    ("uk:RUS0881", "ca:russia-1p1-647"),
    ("uk:RUS0377", "us:35613"),  # Alexander Sergeevich / Sergeyevich DROZDOV (-e- / -ye-)
    ("uk:RUS0753", "us:35320"),  # Dmitry Sergeyvich / Sergeyevich PESKOV
    ("uk:RUS0655", "us:35505"),  # Andrey Fyodorovich / Fedorovich TRIFONOV (-yo- / -e-)
    ("uk:GAC0004", "us:15895"),  # Olga Germanovna STEPANOVA / STEPANOVA, Olga G.
    ("uk:GAC0029", "us:39597"),  # Ilan SHOR / Ilan Mironovich Shor: the patronymic omitted
    ("uk:RUS0150", "ca:russia-1p1-87"),  # Igor Nikoolaevich TURCHENYUK / Igor TURCHENYUK
])
def test_patronymic_variants_and_omissions(bundled_matcher: Matcher, entries: dict[str, Entry], a: str,
                                           b: str) -> None:
    assert_pair(bundled_matcher, entries, a, b, True)


def test_an_initial_is_checked_against_the_patronymic(bundled_matcher: Matcher, entries: dict[str, Entry]) -> None:
    """`Olga G.` stands for Germanovna and says so; the same record as `Olga P.` would be another woman."""
    olga = entries["us:15895"]
    counterpart = next(c for c in found(bundled_matcher, entries, "us:15895", "uk")[0] if c.entry.uid == "GAC0004")
    assert counterpart.detail is not None and counterpart.score >= MATCH
    (fits,) = [e for e in counterpart.detail.evidence if e.label == "initial-fits"]
    assert "G." in fits.detail and fits.delta == 0.0
    other = replace(olga, uid="15895-p", name=Name("STEPANOVA, Olga P."), other_names=())
    coverage = bundled_matcher.align([other], ["uk"]).of(other, "uk")
    assert "GAC0004" not in {c.entry.uid for c in coverage.matches}
    near = next(c for c in coverage.review if c.entry.uid == "GAC0004")
    assert near.detail is not None and "patronymic-differs" in {e.label for e in near.detail.evidence}


# --- symmetry and rarity -----------------------------------------------------------------------------------------


def matched_pairs(alignment: Alignment, reference: list[Entry], other: str) -> dict[frozenset[str], float]:
    return {frozenset((e.key, c.entry.key)): c.score for e in reference for c in alignment.of(e, other).matches}


@pytest.mark.parametrize(("a", "b"), [("uk", "ca"), ("us", "uk")])
def test_whole_lists_align_alike_from_either_side(bundled_lists: dict[str, SanctionsList], bundled_matcher: Matcher,
                                                  a: str, b: str) -> None:
    """Every entry of one list against the other, and the other way round: the same matched pairs with the same
    scores (claims on one entry are decided from both sides, scores and tie-breaks do not depend on the order)."""
    ref_a, ref_b = bundled_lists[a].entries, bundled_lists[b].entries
    forward = matched_pairs(bundled_matcher.align(ref_a, [b]), ref_a, b)
    backward = matched_pairs(bundled_matcher.align(ref_b, [a]), ref_b, a)
    assert len(forward) > 2000
    assert forward == backward


def test_a_pair_scores_alike_whatever_else_is_loaded(bundled_lists: dict[str, SanctionsList],
                                                     bundled_matcher: Matcher) -> None:
    """`gaps --against uk` loads the US and UK lists only; a run over every list loads Canada too. Rarity is
    counted over the two lists compared, so the US-UK scores and decisions are the same in both."""
    two = Matcher({code: bundled_lists[code].entries for code in ("us", "uk")})
    reference = [e for e in bundled_lists["us"].entries if "GLOMAG" in e.programs]
    assert len(reference) > 500
    alone = matched_pairs(two.align(reference, ["uk"]), reference, "uk")
    assert alone == matched_pairs(bundled_matcher.align(reference, ["uk"]), reference, "uk")
    assert len(alone) > 50


def test_a_partial_reference_decides_as_the_whole_list(bundled_lists: dict[str, SanctionsList],
                                                       bundled_matcher: Matcher, entries: dict[str, Entry]) -> None:
    """Claims on a counterpart come from the whole reference list, not only the entries in scope: Kamal
    al-Tikriti (US 7852) alone loses UK IRQ0083 to his brother Jamal (US 7864), as in the whole-list run."""
    kamal = entries["us:7852"]
    alone = bundled_matcher.align([kamal], ["uk"]).of(kamal, "uk")
    assert "IRQ0083" not in {c.entry.uid for c in alone.matches}
    assert alone.review[0].outranked_by == ("us:7864",)


# --- the quality bar on the development sets --------------------------------------------------------------------


def evaluate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("magcheck_devset_evaluate", BENCHMARKS / "evaluate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def directions(bundled_matcher: Matcher, entries: dict[str, Entry]) -> dict[str, tuple[Any, list[str]]]:
    evaluate = evaluate_module()
    results: dict[str, tuple[Any, list[str]]] = {}
    for code, path in evaluate.LABEL_FILES.items():
        labels = evaluate.read_labels(path)
        assert len(labels) >= 250 and all(label.reference == code for label in labels)
        others = [c for c in evaluate.LISTS if c != code]
        alignment = bundled_matcher.align([entries[f"{code}:{label.uid}"] for label in labels], others)
        for other in others:
            results[f"{code}->{other}"] = evaluate.score_direction(alignment, labels, entries, other)
    return results


@pytest.mark.parametrize("direction", ["us->uk", "us->ca", "uk->us", "uk->ca", "ca->us", "ca->uk"])
def test_dev_set_quality_in_every_direction(directions: dict[str, tuple[Any, list[str]]], direction: str) -> None:
    """benchmarks/devset: precision >= 0.995 and recall >= 0.98 in each of the six directed pairs."""
    result, errors = directions[direction]
    assert result.tp > 140, direction
    assert result.precision >= 0.995 and result.recall >= 0.98, (direction, result.summary(0), errors)


def test_names_normalised_in_another_process_are_the_same(bundled_lists: dict[str, SanctionsList],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A large Matcher normalises the names of all lists but the largest in a forked process: the forms it keeps
    are those this process would have computed."""
    from magcheck.matching import align, index

    lists = {"uk": bundled_lists["uk"].entries[:600], "ca": bundled_lists["ca"].entries[:300]}
    texts = [(name.text, e.type.value != "individual") for e in lists["ca"] for name in e.names if "(" not in name.text]
    expected = {key: normalize_name(key[0], organisation=key[1]) for key in texts}
    for key in texts:
        index._FORMS.pop(key, None)
    monkeypatch.setattr(align, "PARALLEL_MIN_NAMES", 10)
    with align._others_normalised(lists, workers=2) as first:
        assert first == ["uk"]  # the largest, left to this process
        assert not any(key in index._FORMS for key in texts)  # Canada's are being normalised elsewhere
    assert {key: index._FORMS[key] for key in texts} == expected
    assert any(form.qualifiers or form.places for form in expected.values())  # the rich fields travel too
