"""What a programme tag is about: its families (`human-rights`, `russia`, ...) and, for a country regime, the
country (`data/programmes.tsv`). Two records of one target are often listed for the same reason in every list,
so a family shared corroborates a match whose other evidence conflicts; regimes do not follow nationality (the
UK lists Prigozhin under Libya), so a family differing is never held against a pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from magcheck.matching.data import read_rows

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Programmes:
    families: frozenset[str]
    countries: frozenset[str]  # territory codes of the country regimes


@cache
def _table() -> dict[tuple[str, ...], tuple[frozenset[str], str]]:
    return {tuple(_WORD.findall(phrase)): (frozenset(families.split("|")), country)
            for phrase, families, country in read_rows("programmes.tsv")}


@lru_cache(maxsize=4096)
def _of_tag(tag: str) -> Programmes:
    words = _WORD.findall(tag.lower())
    families: set[str] = set()
    countries: set[str] = set()
    table = _table()
    longest = max(map(len, table))
    start = 0
    while start < len(words):
        length = next((n for n in range(min(longest, len(words) - start), 0, -1)
                       if tuple(words[start:start + n]) in table), 0)
        if length:
            found_families, country = table[tuple(words[start:start + length])]
            families.update(found_families)
            if country != "-":
                countries.add(country)
        start += max(length, 1)
    return Programmes(frozenset(families), frozenset(countries))


@lru_cache(maxsize=4096)
def programmes(tags: tuple[str, ...]) -> Programmes:
    """The families and regime countries of some programme tags, as an entry gives them (unknown tags add
    nothing)."""
    found = [_of_tag(tag) for tag in tags]
    return Programmes(frozenset().union(*(p.families for p in found)),
                      frozenset().union(*(p.countries for p in found)))
