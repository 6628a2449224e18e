"""Turn a name as published into comparable tokens.

Steps: transliterate to ASCII (anyascii; Han characters syllable by syllable), case-fold, drop apostrophes,
split on everything else that is not a letter or digit, glue Arabic articles to the word they belong to
(`al-Otaibi` = `Alotaibi`), strip leading honorifics and, for organisations, legal forms (tables in `data/`
derived from rigour's: `OOO` = `Limited Liability Company` = `LLC`), then spell each token canonically so that
common transliteration variants coincide (`Aleksandr`/`Alexander`, `Yevgeniy`/`Evgeny`, `Sergei`/`Sergey`).
Order is kept but never relied upon: matching compares token sets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from magcheck.matching.data import read_rows

# Arabic articles and name particles that one list writes apart and another glues on (al-Otaibi / Alotaibi).
_GLUED_PARTICLES = frozenset({"al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "an", "abd", "abdel",
                              "abdul", "abu", "abou"})
# Articles and prepositions that carry no identity in organisation names.
_ORG_STOPWORDS = frozenset({"the", "of", "and", "for", "in", "on", "de", "del", "la", "le", "les", "du",
                            "des", "und", "der", "y", "et", "i"})

_REPEATS = re.compile(r"(.)\1+")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_VOWELS = re.compile(r"[aeiou]")


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _han_to_pinyin(text: str) -> str:
    """陈全国 -> `Chen Quanguo`: surname syllable, then the given name joined, as Latin lists write it."""
    syllables = [anyascii(c).lower() for c in _HAN.findall(text)]
    if len(syllables) <= 1:
        return " ".join(syllables)
    return f"{syllables[0]} {''.join(syllables[1:])}"


def to_ascii(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    if _HAN.search(text):
        return _han_to_pinyin(text)
    return anyascii(text)


# Spellings that transliteration schemes use for one sound: digraphs first (in this order), then single
# letters. `ch` is kept apart from the `c` -> `k` rule by a placeholder.
_DIGRAPHS = (("tch", "ch"), ("sch", "sh"), ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("gh", "g"),
             ("dh", "d"), ("th", "t"), ("ph", "f"), ("ck", "k"), ("ou", "u"), ("oo", "u"), ("ee", "i"))
_CH = "\x01"
_LETTERS = str.maketrans({"x": "ks", "q": "k", "c": "k", "w": "v", "y": "i"})
_POSITIONAL = re.compile(r"^ie|(?<=[aeiou])[jh]$")


def _positional(match: re.Match[str]) -> str:
    text = match.group()
    return "e" if text == "ie" else ("i" if text == "j" else "")


@lru_cache(maxsize=200_000)
def canonical_token(token: str) -> str:
    """One spelling for transliteration variants: `alexander` -> `aleksander`, `yevgeniy` -> `evgeni`."""
    if not token.isalpha():
        return _ORDINAL.sub(r"\1", token)  # numbers and codes kept as written, but `33rd` = `33`
    for digraph, sound in _DIGRAPHS:
        if digraph in token:
            token = token.replace(digraph, sound)
    token = token.replace("ch", _CH).translate(_LETTERS).replace(_CH, "ch")
    if token.startswith("ie") or token.endswith(("j", "h")):
        token = _POSITIONAL.sub(_positional, token)
    return _REPEATS.sub(r"\1", token)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Consonants only (`muhamad` / `mohamed` -> `mhmd`): a blocking key for vowel-level variants."""
    return _REPEATS.sub(r"\1", _VOWELS.sub("", token))


def _glue_particles(tokens: list[str]) -> list[str]:
    out: list[str] = []
    carry = ""
    for token in tokens:
        if token in _GLUED_PARTICLES:
            carry += token
            continue
        out.append(carry + token)
        carry = ""
    if carry:
        out.append(carry)
    return out


def strip_particle(token: str) -> str:
    """`alotaibi` -> `otaibi`: the core some lists write without the article."""
    for prefix in ("al", "el", "ul"):
        if token.startswith(prefix) and len(token) - len(prefix) >= 4:
            return token[len(prefix):]
    return token


@dataclass(frozen=True, slots=True)
class NameForm:
    tokens: tuple[str, ...]  # distinct canonical tokens, in published order
    legal: frozenset[str] = frozenset()  # generic legal-form classes found (llc, jsc, ...)
    qualifiers: frozenset[str] = frozenset()  # organisation tokens after "of": `X of the Burmese Army`


_TOKEN = re.compile(r"[a-z0-9]+")
_DROP_APOSTROPHES = {ord(c): None for c in "'`´ʼʻ’‘\u02b9\u02ba\"«»“”"}


@dataclass(frozen=True, slots=True)
class PhraseTable:
    """Phrases of whole words (`limited liability company`, `his excellency`) and what each stands for."""

    phrases: dict[tuple[str, ...], str]
    starts: frozenset[str]  # first words: most tokens are ruled out by one lookup
    longest: int

    @classmethod
    def build(cls, rows: list[tuple[str, str]]) -> PhraseTable:
        phrases = {tuple(text.split()): value for text, value in rows}
        return cls(phrases, frozenset(p[0] for p in phrases), max(map(len, phrases), default=0))

    def match_at(self, tokens: list[str], start: int, end: int) -> int:
        """Length of the longest phrase in `tokens[start:end]` that begins at `start` (0: none)."""
        if tokens[start] not in self.starts:
            return 0
        for length in range(min(self.longest, end - start), 0, -1):
            if tuple(tokens[start:start + length]) in self.phrases:
                return length
        return 0


@lru_cache(maxsize=1)
def legal_forms() -> PhraseTable:
    """Legal forms and their generic class (`ooo` -> llc; empty for a form without a class)."""
    return PhraseTable.build([(form, "" if cls == "-" else cls) for form, cls in read_rows("legal_forms.tsv")])


@lru_cache(maxsize=1)
def honorifics() -> PhraseTable:
    """Mr, Dr, General, His Excellency ..."""
    return PhraseTable.build([(row[0], "") for row in read_rows("honorifics.txt")])


def strip_legal_forms(tokens: list[str]) -> tuple[list[str], frozenset[str]]:
    """The tokens without their legal forms (longest first, left to right), and the forms' generic classes.

    A name that is nothing but a legal form (`ZAKRYTOE AKTSIONERNOE OBSHCHESTVO`, a stray alias) keeps no
    tokens: it names no one.
    """
    table = legal_forms()
    if table.starts.isdisjoint(tokens):
        return tokens, frozenset()
    kept: list[str] = []
    classes: set[str] = set()
    i = 0
    while i < len(tokens):
        length = table.match_at(tokens, i, len(tokens))
        if length:
            classes.add(table.phrases[tuple(tokens[i:i + length])])
            i += length
        else:
            kept.append(tokens[i])
            i += 1
    return kept, frozenset(classes - {""})


def _written_in_latin(text: str) -> bool:
    """Whether a name starts in Latin letters: honorifics are English words, and the transliteration of
    another script can spell one by accident (Arabic `عمر`, Omar, arrives as `mr`)."""
    first = next((c for c in text if c.isalpha()), "")
    return first.isascii() or unicodedata.name(first, "").startswith("LATIN")


def strip_honorifics(tokens: list[str]) -> list[str]:
    """The tokens without the honorifics they open with (`general ivan petrov` -> `ivan petrov`); the last
    token always stays, so a name that is only a title (`General`) is kept."""
    table = honorifics()
    i = 0
    while i < len(tokens) - 1 and (length := table.match_at(tokens, i, len(tokens) - 1)):
        i += length
    return tokens[i:]


_PARENTHESES = re.compile(r"\(([^()]*)\)")
# Generic organisation words that lists abbreviate, and legal-form fragments the table leaves behind when the
# list spells the rest out (`PTE LIMITED`).
_ORG_ABBREVIATIONS = {"co": "company", "corp": "corporation", "intl": "international", "natl": "national",
                      "mfg": "manufacturing", "dept": "department", "govt": "government", "inst": "institute",
                      "assn": "association", "univ": "university"}
_LEGAL_FRAGMENTS = frozenset({"pte", "pvt", "sdn", "fzc", "fzllc"})
# Words saying what kind of body it is: missing from another list's name they count for little, like an
# `of ...` qualifier (`Concern Almaz-Antey` / `Almaz-Antey`, `Wagner Group` / `Wagner`). Not `bank`: a
# group's bank is another target (`MTS Bank` / `MTS`).
_GENERIC_ORG_WORDS = frozenset({"company", "corporation", "concern", "kontsern", "holding", "holdings",
                                "group", "enterprise", "firm", "organization", "organisation"})
GENERIC_ORG_TOKENS = frozenset(canonical_token(w) for w in _GENERIC_ORG_WORDS)
# Words naming only the kind of body: a name adding one of these to another's is not a sub-body of it.
BODY_KIND_TOKENS = GENERIC_ORG_TOKENS | {canonical_token("bank")}
# Burmese honorifics (U = Mr, Daw = Mrs) that lists write into the name itself.
_NAME_HONORIFICS = frozenset({"u", "daw"})


def name_variants(text: str) -> list[tuple[str, bool]]:
    """A name and the names it carries in parentheses: (text, derived).

    `MINSKI AVTOMOBILNYI ZAVOD (Minsk Automobile Plant)` holds a translation and `CRIMEAN RAILWAY
    (FEDERAL STATE UNITED ENTERPRISE)` a description: the name is compared without them, and a
    parenthesis of two words or more becomes a derived name (matched exactly only, like a weak alias).
    A one-word parenthesis stays part of the name (`VTB Bank (Belarus)` is not VTB Bank) unless it is
    the acronym of the words before it (`MYANMAR GEMS ENTERPRISE (MGE)`).
    """
    if "(" not in text:
        return [(text, False)]
    derived: list[str] = []

    def replace(match: re.Match[str]) -> str:
        inside = match.group(1).strip()
        words = inside.split()
        if len(words) >= 2:
            derived.append(inside)
            return " "
        before = _TOKEN.findall(to_ascii(text[:match.start()]).lower())
        acronym = "".join(w[0] for w in before)
        if words and len(words[0]) >= 2 and words[0].lower().replace(".", "") in acronym:
            return " "
        return f" {inside} "

    outside = " ".join(_PARENTHESES.sub(replace, text).split())
    return [(outside or text, False), *((d, True) for d in derived)]


def _drop_acronyms(tokens: list[str]) -> list[str]:
    """`MINSKI AVTOMOBILNYI ZAVOD MAZ`: a token spelling the initials of the words before it adds nothing."""
    if len(tokens) < 3:
        return tokens
    initials = "".join(t[0] for t in tokens)
    return [t for i, t in enumerate(tokens) if not (2 <= len(t) <= 6 and i >= len(t) and t in initials[:i])]


def _qualifiers(tokens: list[str]) -> frozenset[str]:
    """Tokens after the first `of`: they say whose body it is, not which body (`Sberbank of Russia`)."""
    if "of" not in tokens[1:]:
        return frozenset()
    return frozenset(tokens[tokens.index("of", 1) + 1:])


def _organisation_tokens(tokens: list[str]) -> tuple[list[str], frozenset[str], frozenset[str]]:
    tokens, legal = strip_legal_forms(tokens)
    qualifiers = _qualifiers(tokens) | _GENERIC_ORG_WORDS.intersection(tokens)
    tokens = [_ORG_ABBREVIATIONS.get(t, t) for t in tokens if t not in _ORG_STOPWORDS and t not in _LEGAL_FRAGMENTS]
    return _drop_acronyms(tokens), legal, qualifiers


def normalize_name(text: str, *, organisation: bool) -> NameForm:
    """Comparable tokens of one name; organisations lose their legal form, people their honorifics."""
    lowered = to_ascii(text).lower()
    if "'" in lowered or '"' in lowered or "`" in lowered or not lowered.isascii():
        lowered = lowered.translate(_DROP_APOSTROPHES)
    tokens = _TOKEN.findall(lowered)
    legal: frozenset[str] = frozenset()
    qualifiers: frozenset[str] = frozenset()
    if organisation:
        tokens, legal, qualifiers = _organisation_tokens(tokens)
    else:
        if tokens and tokens[0] in honorifics().starts and _written_in_latin(text):
            tokens = strip_honorifics(tokens)
        tokens = [t for t in tokens if t not in _NAME_HONORIFICS] or tokens
    if not _GLUED_PARTICLES.isdisjoint(tokens):
        tokens = _glue_particles(tokens)
    canonical = tuple(dict.fromkeys(map(canonical_token, tokens)))
    if qualifiers:
        qualifiers = frozenset(canonical_token(t) for t in _glue_particles(sorted(qualifiers))) & set(canonical)
    return NameForm(canonical, legal, qualifiers)
