"""Turn a name as published into comparable tokens.

Steps: transliterate to ASCII (anyascii; Han characters syllable by syllable), case-fold, drop apostrophes,
split on everything else that is not a letter or digit. People: the SDN's `SURNAME, Given` is read `Given
SURNAME`, leading honorifics go, and initials are kept apart (`Olga G.`: checked against a patronymic as
evidence, not compared as a word). Organisations: legal forms go (tables in `data/`: `OOO` = `Limited Liability
Company` = `LLC`), country names and adjectives become one word (`Union of Burma`, `Myanma`, `Burmese` ->
`myanmar`, remembered as the places the name names), and the words that say whose or what body it is rather
than which are marked as qualifiers (a leading country, an `of <country>` or `of the Ministry ...` phrase, a
ministry opening the name of one of its units, Canada's `Parent,` before a subsidiary, a generic word). Then
Arabic articles are glued to the word they belong to (`al-Otaibi` = `Alotaibi`) and each token is spelt
canonically so that common variants coincide (`Aleksandr`/`Alexander`, `Yevgeniy`/`Evgeny`,
`Sergeevich`/`Sergeyevich`, `Defence`/`Defense`). Order is kept but never relied upon: matching compares token
sets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from anyascii import anyascii

from magcheck.matching.data import read_rows

# Arabic articles and name particles that one list writes apart and another glues on (al-Otaibi / Alotaibi).
_GLUED_PARTICLES = frozenset({"al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "an", "abd", "abdel",
                              "abdul", "abu", "abou"})
# Articles and prepositions that carry no identity in organisation names.
_ORG_STOPWORDS = frozenset({"the", "of", "and", "for", "in", "on", "de", "del", "la", "le", "les", "du",
                            "des", "und", "der", "y", "et", "i"})

_REPEATS = re.compile(r"(.)\1+")
_SLAVIC_PATRONYMIC = re.compile(r"(ovi\w?ch|evi\w?ch|ovna|evna)$")
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
# letters. `ch` is kept apart from the `c` -> `k` rule by a placeholder. `tsch` is the German `ch`
# (`Vyatscheslav`), `dz` the `-zh-` some lists drop (`Dzambekovich` / `Dzhambekovich`), and `-eev-` the Russian
# `-eev-` that `ee` -> `i` must not take (`Sergeevich` = `Sergeyevich`).
_DIGRAPHS = (("tsch", "ch"), ("tch", "ch"), ("sch", "sh"), ("dzh", "j"), ("dz", "j"), ("dj", "j"), ("zh", "j"),
             ("kh", "h"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("ph", "f"), ("ck", "k"), ("ou", "u"),
             ("oo", "u"), ("eev", "ev"), ("ee", "i"))
_ANY_DIGRAPH = re.compile("|".join(digraph for digraph, _ in _DIGRAPHS))
_CH = "\x01"
_LETTERS = str.maketrans({"x": "ks", "q": "k", "c": "k", "w": "v", "y": "i"})
_POSITIONAL = re.compile(r"^ie|(?<=[aeiou])[jh]$")
_DOUBLED_CONSONANT = re.compile(r"([^aeiou])\1+")
# `y` after a vowel before `e` is the same sound as no `y` (`Agayev` / `Agaev`, `Sergeyevich` / `Sergeevich`),
# and `yo` after a consonant is Russian `ё`, which other lists write `e` (`Artyom` / `Artem`, `Fyodorovich`).
_VOWEL_YE = re.compile(r"(?<=[aeiou])ye")
_CONSONANT_YO = re.compile(r"(?<=[bcdfgklmnprstvz])yo")
# One word, several spellings: British and American (`Defence` / `Defense`, inside organisation names), and a
# few name words whose variants differ by more than transliteration rules can tell (`Shaikh` / `Sheikh`).
_SPELLINGS = {"defence": "defense", "offence": "offense", "licence": "license", "centre": "center",
              "centres": "centers", "theatre": "theater", "programme": "program", "programmes": "programs",
              "armour": "armor", "labour": "labor", "harbour": "harbor", "honour": "honor", "colour": "color",
              "catalogue": "catalog", "aluminium": "aluminum", "jewellery": "jewelry", "fibre": "fiber",
              "metre": "meter", "litre": "liter", "calibre": "caliber", "sheikh": "shaykh", "shaikh": "shaykh",
              "sheik": "shaykh", "shaykh": "shaykh"}
_ISATION = re.compile(r"isation(s?)$")  # organisation, militarisation: organization, militarization


def _positional(match: re.Match[str]) -> str:
    text = match.group()
    return "e" if text == "ie" else ("i" if text == "j" else "")


def british_to_american(token: str) -> str:
    """`defence` -> `defense`, `organisation` -> `organization`: one spelling of one word."""
    spelled = _SPELLINGS.get(token)
    if spelled is not None:
        return spelled
    return _ISATION.sub(r"ization\1", token) if "isation" in token else token


@lru_cache(maxsize=200_000)
def canonical_token(token: str) -> str:
    """One spelling for transliteration variants: `alexander` -> `aleksander`, `yevgeniy` -> `evgeni`."""
    if not token.isalpha():
        return _ORDINAL.sub(r"\1", token)  # numbers and codes kept as written, but `33rd` = `33`
    token = british_to_american(token)
    german_j = token.startswith("j") and _SLAVIC_PATRONYMIC.search(token) is not None  # `Jakovlevitch`
    if "ye" in token:
        token = _VOWEL_YE.sub("e", token)
    if "yo" in token and len(token) >= 6:
        token = _CONSONANT_YO.sub("e", token)
    if "h" in token and _DOUBLED_CONSONANT.search(token):
        token = _DOUBLED_CONSONANT.sub(r"\1", token)  # `Bekkhan` = `Bekhan`: one letter before the digraphs
    if _ANY_DIGRAPH.search(token):
        for digraph, sound in _DIGRAPHS:
            if digraph in token:
                token = token.replace(digraph, sound)
    token = token.replace("ch", _CH).translate(_LETTERS).replace(_CH, "ch")
    if token.startswith("ie") or token.endswith(("j", "h")):
        token = _POSITIONAL.sub(_positional, token)
    if german_j and token.startswith("j"):
        token = "i" + token[1:]
    return _REPEATS.sub(r"\1", token) if _REPEATS.search(token) else token


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Consonants only (`muhamad` / `mohamed` -> `mhmd`): a blocking key for vowel-level variants."""
    return _REPEATS.sub(r"\1", _VOWELS.sub("", token))


def _glue_particles(tokens: list[str], marked: set[int]) -> tuple[list[str], set[int]]:
    """`al otaibi` -> `alotaibi`; `marked` positions move with their words (a glued word is marked when the
    word it was glued to was)."""
    out: list[str] = []
    moved: set[int] = set()
    carry = ""
    for i, token in enumerate(tokens):
        if token in _GLUED_PARTICLES:
            carry += token
            continue
        if i in marked:
            moved.add(len(out))
        out.append(carry + token)
        carry = ""
    if carry:
        out.append(carry)
    return out, moved


def strip_particle(token: str) -> str:
    """`alotaibi` -> `otaibi`: the core some lists write without the article."""
    for prefix in ("al", "el", "ul"):
        if token.startswith(prefix) and len(token) - len(prefix) >= 4:
            return token[len(prefix):]
    return token


class NameForm(NamedTuple):
    """A name as compared (a tuple: built for every name of every list, and cheap to send to another process)."""

    tokens: tuple[str, ...]  # distinct canonical tokens, in published order
    legal: frozenset[str] = frozenset()  # generic legal-form classes found (llc, jsc, ...)
    # organisation tokens that say whose or what body it is, not which: a leading country (`Iranian Cyber
    # Police`), an `of <country>` phrase (`X of the Burmese Army`), a generic word (`Wagner Group`)
    qualifiers: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()  # organisations: the countries the name itself names (territory codes)
    initials: frozenset[str] = frozenset()  # people: the initials left out of `tokens` (`Olga G. Stepanova`)
    literal: tuple[str, ...] = ()  # the words as written (folded): weak aliases must agree on these


_TOKEN = re.compile(r"[a-z0-9]+")
_NONE: frozenset[str] = frozenset()
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


def _legal_form_free(tokens: list[str]) -> tuple[list[int], frozenset[str]]:
    """Positions of the tokens that are not part of a legal form (longest first, left to right), and the
    forms' generic classes."""
    table = legal_forms()
    if table.starts.isdisjoint(tokens):
        return list(range(len(tokens))), _NONE
    kept: list[int] = []
    classes: set[str] = set()
    i = 0
    while i < len(tokens):
        length = table.match_at(tokens, i, len(tokens))
        if length:
            classes.add(table.phrases[tuple(tokens[i:i + length])])
            i += length
        else:
            kept.append(i)
            i += 1
    return kept, frozenset(classes - {""})


def strip_legal_forms(tokens: list[str]) -> tuple[list[str], frozenset[str]]:
    """The tokens without their legal forms (longest first, left to right), and the forms' generic classes.

    A name that is nothing but a legal form (`ZAKRYTOE AKTSIONERNOE OBSHCHESTVO`, a stray alias) keeps no
    tokens: it names no one.
    """
    if legal_forms().starts.isdisjoint(tokens):
        return tokens, _NONE
    kept, classes = _legal_form_free(tokens)
    return [tokens[i] for i in kept], classes


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
                      "assn": "association", "univ": "university",
                      # the translations of one Russian word (otryad): `Terek Special Rapid Response Team / Unit`
                      "team": "unit", "detachment": "unit", "squad": "unit"}
_LEGAL_FRAGMENTS = frozenset({"pte", "pvt", "sdn", "fzc", "fzllc"})
# Words saying what kind of body it is: missing from another list's name they count for little, like an
# `of ...` qualifier (`Concern Almaz-Antey` / `Almaz-Antey`, `Wagner Group` / `Wagner`). Not `bank`: a
# group's bank is another target (`MTS Bank` / `MTS`).
_GENERIC_ORG_WORDS = frozenset({"company", "corporation", "concern", "kontsern", "holding", "holdings",
                                "group", "enterprise", "firm", "organization", "organisation", "kompaniya",
                                "kompaniia", "korporatsiya"})
GENERIC_ORG_TOKENS = frozenset(canonical_token(w) for w in _GENERIC_ORG_WORDS)
# Words naming only the kind of body: a name adding one of these to another's is not a sub-body of it.
BODY_KIND_TOKENS = GENERIC_ORG_TOKENS | {canonical_token("bank")}
# Burmese honorifics (U = Mr, Daw = Mrs) that lists write into the name itself.
_NAME_HONORIFICS = frozenset({"u", "daw"})


def name_variants(text: str) -> list[tuple[str, bool]]:
    """A name and the names it carries in parentheses: (text, derived).

    `MINSKI AVTOMOBILNYI ZAVOD (Minsk Automobile Plant)` holds a translation and `CRIMEAN RAILWAY
    (FEDERAL STATE UNITED ENTERPRISE)` a description: the name is compared without them, and what the
    parenthesis holds becomes a derived name (matched exactly only, like a weak alias). A country stays part
    of the name (`VTB Bank (Belarus)` is not VTB Bank), and the acronym of the words before it is dropped
    (`MYANMAR GEMS ENTERPRISE (MGE)`); any other single word is an abbreviation or a brand, which other lists
    write inside the name or leave out: the name is kept both with and without it, and the word alone is a
    derived name (`... (GOSNIIOKHT)`, `IRAN MARINE INDUSTRIAL COMPANY (SADRA)` / `..., SADRA`).
    """
    if "(" not in text:
        return [(text, False)]

    def replace(match: re.Match[str]) -> str:
        inside = match.group(1).strip()
        words = inside.split()
        if len(words) != 1:
            if words:
                derived.append(inside)
            return " "
        word = _TOKEN.findall(to_ascii(words[0]).lower())
        if len(word) == 1 and country_words().match_at(word, 0, 1):
            return f" {inside} "
        before = _TOKEN.findall(to_ascii(text[:match.start()]).lower())
        acronym = "".join(w[0] for w in before)
        if len(words[0]) >= 2 and words[0].lower().replace(".", "") in acronym:
            return " "
        single.append(inside)
        return f" {_KEEP}{len(single) - 1} "

    derived: list[str] = []
    single: list[str] = []
    marked = " ".join(_PARENTHESES.sub(replace, text).split())
    outside = " ".join(w for w in marked.split() if not w.startswith(_KEEP))
    if not outside:
        return [(text, False)]
    found = [(outside, False)]
    if single:
        found.append((" ".join(single[int(w[1:])] if w.startswith(_KEEP) else w for w in marked.split()), False))
        derived += single
    return [*found, *((d, True) for d in derived)]


_KEEP = "\x02"  # marks where a one-word parenthesis stood


def _drop_acronyms(tokens: list[str]) -> list[str]:
    """`MINSKI AVTOMOBILNYI ZAVOD MAZ`: a token spelling the initials of the words before it adds nothing."""
    if len(tokens) < 3:
        return tokens
    initials = "".join(t[0] for t in tokens)
    return [t for i, t in enumerate(tokens) if not (2 <= len(t) <= 6 and i >= len(t) and t in initials[:i])]


@lru_cache(maxsize=1)
def country_words() -> PhraseTable:
    """Country names and adjectives inside organisation names (`Union of Burma`, `Iranian`), each standing for
    `code word`: the territory and the one word the name is then given."""
    rows: list[tuple[str, str]] = []
    for code, word, phrases in read_rows("country_words.tsv"):
        rows += [(phrase, f"{code} {word}") for phrase in phrases.split("|")]
    return PhraseTable.build(rows)


# An `of` phrase opening with one of these says whose body it is: `27th Scientific Centre of the Ministry of
# Defence`, `Main Directorate for Combating Organized Crime ... of the MVD`, `85th GTsSS of the GRU`.
_PARENT_BODIES = frozenset({"ministry", "mvd", "fsb", "gru", "kgb", "mgb", "government", "army", "armed", "navy",
                            "irgc", "cabinet", "presidency"})
# What a ministry is of, where a ministry's name opens the name of one of its units (`Ministry of Defence
# Quartermaster General Office`): the ministry then says whose unit it is.
_MINISTRIES = PhraseTable.build([(subject, "") for subject in (
    "defence", "defense", "national defence", "national defense", "interior", "internal affairs",
    "foreign affairs", "state security", "public security", "peoples security", "people security", "intelligence",
    "intelligence and security", "information", "justice", "finance", "emergency situations")])
# Where an `of` phrase ends: `The Popular Front for the Liberation of Palestine - General Command`.
_SEPARATOR = re.compile(r"\s[-\u2013\u2014]+\s|[,;:/]")
_POSSESSIVE = re.compile(r"(\w+)['\u2019]s\b")


def _country_possessive(match: re.Match[str]) -> str:
    """`Syria's Army Supply Bureau` -> `Syria Army Supply Bureau`; other possessives keep their `s` (`Zvi's
    Farm` = `ZVIS FARM`)."""
    stem = match.group(1)
    return stem if stem in country_words().starts else stem + "s"


@dataclass(slots=True)
class _OrgWords:
    """An organisation name's words with, for each, its segment (between separators) and whether it is a
    country; kept in step while legal forms and stopwords are taken out."""

    tokens: list[str]
    segments: list[int]
    country: list[bool]
    places: set[str]

    @classmethod
    def read(cls, lowered: str) -> _OrgWords:
        tokens: list[str] = []
        segments: list[int] = []
        parts = _SEPARATOR.split(lowered)
        for segment, part in enumerate(parts):
            found = _TOKEN.findall(part)
            tokens += found
            segments += [segment] * len(found)
        words = cls(tokens, segments, [False] * len(tokens), set())
        words._mark_countries()
        return words

    def keep(self, indices: list[int]) -> None:
        self.tokens = [self.tokens[i] for i in indices]
        self.segments = [self.segments[i] for i in indices]
        self.country = [self.country[i] for i in indices]

    def _mark_countries(self) -> None:
        """`Union of Burma`, `Myanma`, `Burmese` -> `myanmar`, remembered as a country word."""
        table = country_words()
        if table.starts.isdisjoint(self.tokens):
            return
        tokens, segments, country = [], [], []
        i = 0
        while i < len(self.tokens):
            length = table.match_at(self.tokens, i, len(self.tokens))
            if length:
                code, word = table.phrases[tuple(self.tokens[i:i + length])].split(" ")
                self.places.add(code)
                tokens.append(word)
                segments.append(self.segments[i])
                country.append(True)
                i += length
            else:
                tokens.append(self.tokens[i])
                segments.append(self.segments[i])
                country.append(False)
                i += 1
        self.tokens, self.segments, self.country = tokens, segments, country

    def _ministry_prefix(self, start: int) -> set[int]:
        """`Ministry of Defence` opening a longer name (`... Quartermaster General Office`, `... Logistics and
        Export`): the ministry's words, which say whose unit it is."""
        if start + 2 >= len(self.tokens) or self.tokens[start:start + 2] != ["ministry", "of"]:
            return set()
        length = _MINISTRIES.match_at(self.tokens, start + 2, len(self.tokens))
        end = start + 2 + length
        rest = [k for k in range(end, len(self.tokens)) if self.tokens[k] not in _ORG_STOPWORDS and not self.country[k]]
        return set(range(start, end)) if length and rest else set()

    def qualifier_positions(self) -> set[int]:
        """Words saying whose body it is rather than which: a leading country (`Iranian Cyber Police`), and an
        `of` phrase that opens with a country or a parent body, to the end of its segment (`Sberbank of Russia`,
        `99th Light Infantry Division of the Burmese Army`, `Main Directorate ... of the MVD`). Other `of`
        phrases are the identity (`Ministry of State Security Bureau 7` is not the Ministry of State
        Security)."""
        found: set[int] = set()
        k = 0
        while k < len(self.tokens) and self.tokens[k] in _ORG_STOPWORDS:
            k += 1
        while k < len(self.tokens) and self.country[k]:
            found.add(k)
            k += 1
        if k < len(self.tokens) and self.tokens[k] == "ministry":
            found |= self._ministry_prefix(k)
        if "of" not in self.tokens:
            return found
        for i, token in enumerate(self.tokens):
            if token != "of" or i == 0:
                continue
            j = i + 1
            while j < len(self.tokens) and self.tokens[j] == "the":
                j += 1
            if j < len(self.tokens) and (self.country[j] or self.tokens[j] in _PARENT_BODIES):
                found.update(k for k in range(j, len(self.tokens)) if self.segments[k] == self.segments[i])
        return found


# Canada names a subsidiary after its parent: `Tactical Missiles Corporation, 'Krasny Gidropress' JSC`. A first
# part of two words or more ending in one of these, followed by more than a legal form, is whose body it is.
_PARENT_WORDS = frozenset({"corporation", "concern", "holding", "holdings", "group", "university", "company"})


def _parent_positions(words: _OrgWords) -> set[int]:
    """The words of a leading `Parent,` part (see `_PARENT_WORDS`)."""
    if not words.segments or words.segments[-1] == 0:
        return set()
    first = [i for i, segment in enumerate(words.segments) if segment == 0]
    rest = [i for i, segment in enumerate(words.segments) if segment > 0 and words.tokens[i] not in _ORG_STOPWORDS]
    if len(first) < 2 or not rest or words.tokens[first[-1]] not in _PARENT_WORDS:
        return set()
    return set(first)


def _organisation_form(lowered: str) -> tuple[list[str], frozenset[str], set[int], frozenset[str]]:
    """Tokens, legal-form classes, qualifier positions (in the tokens) and places of an organisation name."""
    if not _SEPARATOR.search(lowered):
        plain = _TOKEN.findall(lowered)
        if country_words().starts.isdisjoint(plain) and "of" not in plain and plain[:1] != ["ministry"]:
            return _plain_organisation_form(plain)  # most names: nothing but words and legal forms
    words = _OrgWords.read(lowered)
    kept, legal = _legal_form_free(words.tokens)
    if len(kept) != len(words.tokens):
        words.keep(kept)
    qualifying = words.qualifier_positions() | _parent_positions(words)
    tokens: list[str] = []
    qualifiers: set[int] = set()
    for i, token in enumerate(words.tokens):
        if token in _ORG_STOPWORDS or token in _LEGAL_FRAGMENTS:
            continue
        token = _ORG_ABBREVIATIONS.get(token, token)
        if i in qualifying or token in _GENERIC_ORG_WORDS:
            qualifiers.add(len(tokens))
        tokens.append(token)
    kept_tokens = _drop_acronyms(tokens)
    if len(kept_tokens) != len(tokens):
        kept_set = {i for i, t in enumerate(tokens) if t in kept_tokens}
        order = sorted(kept_set)
        qualifiers = {order.index(i) for i in qualifiers if i in kept_set}
        tokens = [tokens[i] for i in order]
    return tokens, legal, qualifiers, frozenset(words.places)


def _plain_organisation_form(words: list[str]) -> tuple[list[str], frozenset[str], set[int], frozenset[str]]:
    """`_organisation_form` for a name of one segment naming no country and no `of` phrase."""
    words, legal = strip_legal_forms(words)
    tokens = [_ORG_ABBREVIATIONS.get(t, t) for t in words if t not in _ORG_STOPWORDS and t not in _LEGAL_FRAGMENTS]
    if len(tokens) >= 3:
        tokens = _drop_acronyms(tokens)
    if _GENERIC_ORG_WORDS.isdisjoint(tokens):
        return tokens, legal, set(), _NONE
    return tokens, legal, {i for i, t in enumerate(tokens) if t in _GENERIC_ORG_WORDS}, _NONE


def _person_tokens(text: str, lowered: str) -> tuple[list[str], frozenset[str]]:
    """A person's tokens in `Given SURNAME` order (the SDN's `SURNAME, Given` turned round, so that honorifics
    and Arabic particles read the same in every list), without honorifics, and the initials taken out."""
    if "," in lowered and lowered.count(",") == 1:
        surname, given = lowered.split(",")
        lowered = f"{given} {surname}"
    tokens = _TOKEN.findall(lowered)
    if tokens and tokens[0] in honorifics().starts and _written_in_latin(text):
        tokens = strip_honorifics(tokens)
    if not _NAME_HONORIFICS.isdisjoint(tokens):
        tokens = [t for t in tokens if t not in _NAME_HONORIFICS] or tokens
    if tokens and min(map(len, tokens)) == 1:
        initials = [t for t in tokens if len(t) == 1 and t.isalpha()]
        if initials and len(tokens) - len(initials) >= 2:
            tokens = [t for t in tokens if not (len(t) == 1 and t.isalpha())]
            return tokens, frozenset(map(canonical_token, initials))
    return tokens, _NONE


def normalize_name(text: str, *, organisation: bool) -> NameForm:
    """Comparable tokens of one name; organisations lose their legal form, people their honorifics."""
    lowered = to_ascii(text).lower()
    if organisation and ("'" in lowered or "\u2019" in lowered):
        lowered = _POSSESSIVE.sub(_country_possessive, lowered)
    if "'" in lowered or '"' in lowered or "`" in lowered or not lowered.isascii():
        lowered = lowered.translate(_DROP_APOSTROPHES)
    legal = places = initials = _NONE
    qualifying: set[int] = set()
    if organisation:
        tokens, legal, qualifying, places = _organisation_form(lowered)
    else:
        tokens, initials = _person_tokens(text, lowered)
    if not _GLUED_PARTICLES.isdisjoint(tokens):
        tokens, qualifying = _glue_particles(tokens, qualifying)
    canonical = list(map(canonical_token, tokens))
    distinct = tuple(dict.fromkeys(canonical))
    qualifiers = frozenset(canonical[i] for i in qualifying) if qualifying else _NONE
    return NameForm(distinct, legal, qualifiers, places, initials, tuple(tokens))
