"""What alignment finds for one reference entry in one other list: its counterparts and near-misses.

Kept apart from `align` so that `overrides`, which edits coverages, and `align`, which applies overrides, do
not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from magcheck.matching.score import PairScore
from magcheck.model import Entry


@dataclass(frozen=True)
class Thresholds:
    match: float = 0.85
    possible: float = 0.65
    review_per_list: int = 3  # near-misses kept per reference entry and list
    shared_certain: float = 0.95  # two claims within `tie_margin` of each other both stand only above this
    tie_margin: float = 0.01  # claims closer than this are a tie (see `claims`)
    close_margin: float = 0.05  # claims closer than this are told apart by their support first


@dataclass(slots=True)
class Counterpart:
    entry: Entry
    score: float
    detail: PairScore | None  # None when set by an analyst override
    override: str | None = None  # the analyst's note when an override decided
    shared_with: tuple[str, ...] = ()  # other entries of the reference's list claiming this counterpart
    # the entries whose stronger claims kept this one from standing (another entry of the reference's list
    # claiming this counterpart, or another counterpart of this reference entry): it is then in review
    outranked_by: tuple[str, ...] = ()
    outranked_why: str = ""  # which rule of `claims` decided, per rival: `us:15885: a close score, under ...`


@dataclass(slots=True)
class Coverage:
    matches: list[Counterpart] = field(default_factory=list)
    review: list[Counterpart] = field(default_factory=list)

    @property
    def best(self) -> Counterpart | None:
        return self.matches[0] if self.matches else None
