"""Which match-level pairs stand when an entry is claimed by more than one entry of the other list.

A pair (a, b) is outranked when a pair sharing one of its entries is better and goes to another target: b's
own counterpart is another entry of a's list (two brothers, one UK record), or a's counterpart is another
entry of b's list (two namesakes, the right one also listed). Better means a score clearly higher (by more
than `close`); between close scores, the better supported claim: the one whose entries are listed under
programmes of one family (the Magnitsky-case Krivoruchko, not the Kalashnikov one), then the one whose primary
names agree (not a record that carries another's name as an alias), then a score higher by `margin`. A rival
is no rival when it is the same target listed twice in its list: the shared entry is the best counterpart of
both, and `SameTarget` says they may be one (Canada lists Almaz-Antey twice; brothers sharing one UK record are
two, and so are a record and another that carries its name as an alias). Claims within `margin` that nothing
else tells apart both stand when both are near-certain; otherwise the one whose pair of keys sorts first
stands.

The rule looks at both entries of a pair in the same way and at every claim on them from the whole of both
lists, so a pair gets the same decision whichever list is the reference and whatever part of it is in scope.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

SameTarget = Callable[[str, str], bool]  # two entries of one list, by key: one target listed twice?


@dataclass(frozen=True, slots=True)
class Claim:
    a: str  # an entry of one list (key)
    b: str  # an entry of the other list (key)
    score: float

    @property
    def order(self) -> tuple[float, tuple[str, ...]]:
        """Higher score first, then the pair's keys: the same order whichever entry is `a`."""
        return -self.score, tuple(sorted((self.a, self.b)))


# What supports a claim beyond its score: (listed under programmes of one family, how alike the primary names are)
Support = Callable[[Claim], tuple[bool, float]]


@dataclass
class Verdict:
    outranked_by: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (a, b) -> rival entries
    why: dict[tuple[str, str], str] = field(default_factory=dict)  # (a, b) -> which rule outranked it
    shared_with: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (a, b) -> other claimants of b

    def stands(self, a: str, b: str) -> bool:
        return (a, b) not in self.outranked_by


@dataclass
class _Claims:
    """Every claim, by each of its entries."""

    by_a: dict[str, list[Claim]]
    by_b: dict[str, list[Claim]]
    support: Support  # asked only of claims with a close rival
    certain: float
    margin: float
    close: float

    def beats(self, rival: Claim, claim: Claim) -> str | None:
        """Why `rival` outranks `claim` (a claim sharing one of its entries), or None when it does not."""
        difference = rival.score - claim.score
        if abs(difference) > self.close:
            return "a clearly higher score" if difference > 0 else None
        (rival_family, rival_primary), (claim_family, claim_primary) = self.support(rival), self.support(claim)
        if rival_family != claim_family:
            return "a close score, under programmes of one family" if rival_family else None
        if abs(rival_primary - claim_primary) > self.margin:
            return "a close score, with primary names that agree" if rival_primary > claim_primary else None
        if abs(difference) > self.margin:
            return "a higher score" if difference > 0 else None
        if min(rival.score, claim.score) < self.certain and rival.order < claim.order:
            return "an equal score, neither near-certain (the first pair of keys stands)"
        return None

    def first(self, claim: Claim, side: dict[str, list[Claim]], entry: str) -> bool:
        """Whether `claim` is not outranked among the claims on `entry` (one of its two entries)."""
        return not any(self.beats(other, claim) for other in side[entry] if other is not claim)

    def rivals(self, claim: Claim, same_a: SameTarget, same_b: SameTarget) -> list[tuple[str, str]]:
        """(entry, why) for every claim outranking `claim`: another claimant of its b, another counterpart of its
        a, unless the two are one target listed twice (both claims their shared entry's best, `SameTarget`)."""
        found = []
        for rival in self.by_b[claim.b]:
            why = self.beats(rival, claim) if rival.a != claim.a else None
            if why and not (self.first(claim, self.by_a, claim.a) and self.first(rival, self.by_a, rival.a)
                            and same_a(claim.a, rival.a)):
                found.append((rival.a, why))
        for rival in self.by_a[claim.a]:
            why = self.beats(rival, claim) if rival.b != claim.b else None
            if why and not (self.first(claim, self.by_b, claim.b) and self.first(rival, self.by_b, rival.b)
                            and same_b(claim.b, rival.b)):
                found.append((rival.b, why))
        return found


def judge(claims: Iterable[Claim], same_a: SameTarget, same_b: SameTarget, support: Support, *, certain: float,
          margin: float, close: float) -> Verdict:
    """The verdict on every claim of `claims`: the match-level pairs between two lists around the pairs to
    decide (all claims on each of their entries)."""
    unique = {(c.a, c.b): c for c in claims}
    by_a: dict[str, list[Claim]] = defaultdict(list)
    by_b: dict[str, list[Claim]] = defaultdict(list)
    for claim in unique.values():
        by_a[claim.a].append(claim)
        by_b[claim.b].append(claim)
    every = _Claims(by_a, by_b, support, certain, margin, close)
    verdict = Verdict()
    for pair, claim in unique.items():
        rivals = every.rivals(claim, same_a, same_b) if len(by_a[claim.a]) > 1 or len(by_b[claim.b]) > 1 else []
        if rivals:
            verdict.outranked_by[pair] = tuple(sorted({entry for entry, _ in rivals}))
            verdict.why[pair] = "; ".join(sorted({f"{entry}: {why}" for entry, why in rivals}))
        others = tuple(sorted(rival.a for rival in by_b[claim.b] if rival.a != claim.a))
        if others:
            verdict.shared_with[pair] = others
    return verdict
