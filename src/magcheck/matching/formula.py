"""The name-score formula, written once for one pair (floats) and for many (numpy arrays).

`score` computes the exact name score of a pair; `index` computes, for every candidate pair at once, the
highest score the pair could reach. The bound is only valid if both use the same formula, so both call these
functions: a change here moves both together.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

SINGLE_TOKEN_CAP = 0.6  # a one-word person name (`Chen`, the alias `Farooq`) identifies nobody
QUALIFIER_WEIGHT = 0.25  # what an `of ...` qualifier missing from the other name still counts
PERSON_SHORT_SHARE = 0.5  # people: how much of the score is the shorter name being fully found
# Matched token weight that earns full confidence: about two rare words for a person, one rare word and a
# common one for an organisation (`Wagner Group`, `Belneftekhim`).
INFORMATION_FULL_PERSON = 16.0
INFORMATION_FULL_ORGANISATION = 12.0
INFORMATION_BASE = 0.75  # the factor for a name that agrees on nothing rare
# An organisation known by one word (`Naftan`, the alias `Victoria`) has only that word to prove it: when the
# word is common it proves less (`Victoria`, a Moldovan bloc's alias, is also a Russian OOO).
INFORMATION_BASE_ONE_WORD = 0.7

Number = TypeVar("Number", float, np.ndarray)


def at_most_one(value: Number) -> Number:
    if isinstance(value, np.ndarray):
        clipped: np.ndarray = np.minimum(value, 1.0)
        return clipped
    return min(value, 1.0)


def person_name_score(short_cover: Number, long_cover: Number) -> Number:
    """People: the shorter name found whole counts half, the longer one (short of omissible words) the rest."""
    return PERSON_SHORT_SHARE * short_cover + (1 - PERSON_SHORT_SHARE) * long_cover


def information_factor(information: Number, person: bool, one_word: bool | np.ndarray = False) -> Number:
    """Names made only of common words (`Mohammad Ali`, `Kim Chol`) prove less when they agree; an
    organisation's one-word name (`one_word`, per pair) starts from a lower base."""
    full = INFORMATION_FULL_PERSON if person else INFORMATION_FULL_ORGANISATION
    if isinstance(information, np.ndarray):
        base = INFORMATION_BASE - (INFORMATION_BASE - INFORMATION_BASE_ONE_WORD) * np.asarray(one_word, dtype=float)
        factor: np.ndarray = np.minimum(base + (1 - base) * information / full, 1.0)
        return factor
    base_one = INFORMATION_BASE_ONE_WORD if one_word else INFORMATION_BASE
    return min(base_one + (1 - base_one) * information / full, 1.0)
