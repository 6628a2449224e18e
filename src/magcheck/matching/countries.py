"""Country names as the lists and users write them, reduced to one code (`Burma` = `Myanmar` = `mm`).

The table is magcheck's own (`data/territories.tsv`, derived from rigour's territory database plus the lists'
own spellings and demonyms). Names are compared as sets of words, without case, accents, punctuation or
`the`/`of`/`and`, so that the lists' inverted forms need no entry of their own: `Korea, North` = `North Korea`,
`Congo (Democratic Republic)` = `Democratic Republic of the Congo`, `Iran (Islamic Republic of)` = `Iran`.
Codes are ISO 3166 alpha-2 in lower case where one exists, rigour's otherwise (`suhh` for the Soviet Union,
`ua-cri` for Crimea).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from magcheck.matching.data import read_rows
from magcheck.matching.normalize import to_ascii

_WORD = re.compile(r"[a-z0-9]+")
_DROP_APOSTROPHES = {ord(c): None for c in "'`´ʼʻ’‘\u02b9\u02ba"}
_NOISE_WORDS = frozenset({"the", "of", "and"})
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
# Words before a country that say how sure or how old the statement is (`possibly Palestinian`, `ex-Yugoslavia`).
_HEDGE = re.compile(r"^\s*(?:possibly|probably|reportedly|allegedly|formerly|former|ex|region)\b[\s:.-]*",
                    re.IGNORECASE)
# `Former USSR Currently Belarus`, `Ukrainian SSR now Ukraine`: the country it is now.
_NOW = re.compile(r"\b(?:now|currently)\b", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\(([^()]*)\)")


def _words(text: str) -> list[str]:
    """Lower-case ASCII words, runs of single letters joined (`U.S.A.` -> `usa`, `D.P.R. Korea` -> `dpr korea`)."""
    text = to_ascii(text).lower().replace("&", " and ").translate(_DROP_APOSTROPHES)
    words: list[str] = []
    letters = ""
    for word in _WORD.findall(text):
        if len(word) == 1 and word.isalpha():
            letters += word
            continue
        if letters:
            words.append(letters)
            letters = ""
        words.append(word)
    if letters:
        words.append(letters)
    return words


def country_key(text: str) -> str:
    """How a country name is looked up: its distinct words, sorted, without `the`, `of`, `and`."""
    return " ".join(sorted({_ABBREVIATIONS.get(w, w) for w in _words(text)} - _NOISE_WORDS))


@dataclass(frozen=True, slots=True)
class Territories:
    by_key: dict[str, str]  # country_key of every known name -> code
    by_code: dict[str, str]  # code and ISO alpha-3, lower case -> code
    names: dict[str, str]  # code -> the name to show


@cache
def territories() -> Territories:
    """The table, read on first use (about 2 ms)."""
    by_key: dict[str, str] = {}
    by_code: dict[str, str] = {}
    names: dict[str, str] = {}
    for code, alpha3, name, keys in read_rows("territories.tsv"):
        names[code] = name
        by_code[code] = code
        if alpha3:
            by_code[alpha3] = code
        by_key.update(dict.fromkeys(keys.split("|"), code))
    return Territories(by_key, by_code, names)


def _readings(text: str) -> Iterator[str]:
    """The ways to read a country field, most literal first: as written, without a hedge (`possibly ...`),
    the country it is `now`, outside its parenthesis (`Russia (USSR)`), inside it (`Tunisi (Tunisia)`)."""
    yield text
    hedged = _HEDGE.sub("", text)
    if hedged != text:
        yield hedged
    parts = _NOW.split(text)
    if len(parts) > 1:
        yield parts[-1]
    if "(" in text:
        yield _PARENTHESIS.sub(" ", text)
        yield from _PARENTHESIS.findall(text)


@lru_cache(maxsize=8192)
def resolve_country(text: str) -> str | None:
    """The code of a country name, demonym or ISO code as a list or a user writes it; None when unknown.

    `Russia`, `Russian Federation`, `RU`, `RUS` and `Russian` all give `ru`; `Korea, North`, `DPRK` give `kp`.
    """
    table = territories()
    compact = text.strip().casefold()
    if compact in table.by_code:
        return table.by_code[compact]
    for reading in _readings(text):
        code = table.by_key.get(country_key(reading))
        if code is not None:
            return code
    return None


def country_code(name: str) -> str:
    """The territory code for a known country name, else the case-folded name itself (so that two lists
    writing the same unknown place still agree)."""
    return resolve_country(name) or " ".join(name.split()).casefold()


def country_name(code: str) -> str:
    """The name to show for a code (`kp` -> `North Korea`); anything else comes back as given."""
    return territories().names.get(code.casefold(), code)


@cache
def _suggestion_keys() -> tuple[list[str], list[str]]:
    by_key = territories().by_key
    return list(by_key), list(by_key.values())


def suggest_country(text: str, limit: int = 5) -> list[str]:
    """Names of the countries closest to an unknown one (`Chinaa` -> `China`), best first, for a `did you mean`.

    Closeness is edit distance with transpositions (`Syrai` is one slip from `Syria`), over every known name.
    """
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    keys, codes = _suggestion_keys()
    found: list[str] = []
    for _, _, index in process.extract(country_key(text), keys, scorer=OSA.normalized_similarity,
                                       limit=10 * limit, score_cutoff=0.75):
        name = country_name(codes[index])
        if name not in found:
            found.append(name)
    return found[:limit]
