"""Precision, recall and F1 of the matcher in all six directions on the hand-labelled development sets.

    python benchmarks/evaluate.py [--data-dir ../shared/data] [--no-symmetry]

Three sets, one per reference list (benchmarks/devset): `labels.csv` (US entries -> UK / Canadian
counterparts), `labels_uk.csv` (UK -> US / Canada) and `labels_ca.csv` (Canada -> US / UK). Each set's
labelled entries are aligned the way `magcheck gaps --reference X` aligns them: the reference entries against
the other lists searched whole, one Matcher over the three full lists. A predicted counterpart is a match at
or above the `match` threshold. Every error is printed with the names, score and evidence behind it: each one
is a bug to understand.

Then symmetry: every entry of each list is aligned against each other list, both ways, and a pair matched in
one direction but not in the other is an asymmetric decision (target 0), printed with both scores.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from magcheck.matching.align import Alignment, Matcher
from magcheck.matching.coverage import Counterpart
from magcheck.model import Entry
from magcheck.store.load import load_from_dir

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data"
DEVSET = HERE / "devset"
LISTS = ("us", "uk", "ca")
LABEL_FILES = {"us": DEVSET / "labels.csv", "uk": DEVSET / "labels_uk.csv", "ca": DEVSET / "labels_ca.csv"}
OTHERS = ("uk", "ca")  # the US-reference set's other lists (bench_align.py)


@dataclass
class Label:
    reference: str  # the list the labelled entry belongs to
    uid: str
    truth: dict[str, set[str]]  # other list -> set of uids (empty: no counterpart)
    note: str

    @property
    def us_uid(self) -> str:
        """The US-reference set's name for `uid`."""
        return self.uid


def read_labels(path: Path) -> list[Label]:
    """One set; its reference list is the one its first column names (`us_uid`, `uk_uid`, `ca_uid`)."""
    labels = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        reference = (reader.fieldnames or ["?"])[0].removesuffix("_uid")
        others = [code for code in LISTS if code != reference]
        for row in reader:
            truth = {}
            for code in others:
                cell = (row[f"{code}_uids"] or "").strip()
                truth[code] = set() if cell.lower() in {"", "none"} else {u.strip() for u in cell.split(";")}
            labels.append(Label(reference, row[f"{reference}_uid"].strip(), truth, row.get("notes", "")))
    return labels


def describe(entry: Entry) -> str:
    return f"{entry.key} {entry.name.text!r}"


def explain_counterpart(counterpart: Counterpart) -> str:
    """Score, the names that met, the name score and every piece of evidence."""
    detail = counterpart.detail
    if detail is None:
        return f"score {counterpart.score:.3f} [override: {counterpart.override}]"
    evidence = ", ".join(f"{e.label}{e.delta:+.2f}" for e in detail.evidence)
    notes = "; ".join(detail.name.notes)
    shared = f" shared with {', '.join(counterpart.shared_with)}" if counterpart.shared_with else ""
    outranked = f" outranked by {counterpart.outranked_why}" if counterpart.outranked_by else ""
    return (f"score {counterpart.score:.3f} (names {detail.name_a.text!r} ~ {detail.name_b.text!r} "
            f"{detail.name.score:.3f}{'; ' + notes if notes else ''}) [{evidence}]{shared}{outranked}")


@dataclass
class Direction:
    reference: str
    other: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self, labelled: int) -> str:
        return (f"{self.reference}->{self.other}: precision {self.precision:.3f} recall {self.recall:.3f} "
                f"F1 {self.f1:.3f} (TP {self.tp}, FP {self.fp}, FN {self.fn}; {labelled} labelled entries)")


def score_direction(alignment: Alignment, labels: Sequence[Label], entries: dict[str, Entry],
                    other: str) -> tuple[Direction, list[str]]:
    """Counts for one directed pair, and one line per error."""
    reference = labels[0].reference
    result = Direction(reference, other)
    lines = []
    for label in labels:
        entry = entries[f"{reference}:{label.uid}"]
        coverage = alignment.of(entry, other)
        predicted = {c.entry.uid: c for c in coverage.matches}
        truth = label.truth[other]
        result.tp += len(predicted.keys() & truth)
        for uid in sorted(predicted.keys() - truth):
            result.fp += 1
            counterpart = predicted[uid]
            lines.append(f"  FP {describe(entry)} -> {describe(counterpart.entry)} {explain_counterpart(counterpart)}"
                         f" truth={sorted(truth) or 'none'}")
        for uid in sorted(truth - predicted.keys()):
            result.fn += 1
            near = next((c for c in coverage.review if c.entry.uid == uid), None)
            target = entries.get(f"{other}:{uid}")
            shown = describe(target) if target else f"{other}:{uid} (not in the list!)"
            seen = f"in review: {explain_counterpart(near)}" if near else "not proposed"
            lines.append(f"  FN {describe(entry)} -> {shown} {seen}")
    return result, lines


def evaluate_set(matcher: Matcher, labels: Sequence[Label], entries: dict[str, Entry]) -> list[Direction]:
    reference = labels[0].reference
    missing = [label.uid for label in labels if f"{reference}:{label.uid}" not in entries]
    if missing:
        raise SystemExit(f"labels name {reference} entries not in the list: {missing}")
    others = [code for code in LISTS if code != reference]
    alignment = matcher.align([entries[f"{reference}:{label.uid}"] for label in labels], others)
    results = []
    for other in others:
        result, lines = score_direction(alignment, labels, entries, other)
        print(result.summary(len(labels)))
        for line in lines:
            print(line)
        results.append(result)
    return results


def matched_pairs(alignment: Alignment, reference: Iterable[Entry], other: str) -> dict[frozenset[str], float]:
    return {frozenset((entry.key, c.entry.key)): c.score for entry in reference
            for c in alignment.of(entry, other).matches}


def asymmetric_decisions(matcher: Matcher, lists: Mapping[str, Sequence[Entry]]) -> list[str]:
    """Pairs matched with one list as the reference and not with the other, over the whole lists."""
    found = []
    for a, b in combinations(lists, 2):
        forward = matched_pairs(matcher.align(lists[a], [b]), lists[a], b)
        backward = matched_pairs(matcher.align(lists[b], [a]), lists[b], a)
        for pair in sorted(forward.keys() ^ backward.keys(), key=sorted):
            found.append(f"  {a}<->{b} {' / '.join(sorted(pair))}: {a}-reference "
                         f"{forward.get(pair, 'no match')} vs {b}-reference {backward.get(pair, 'no match')}")
        print(f"{a}<->{b}: {len(forward)} pairs matched {a}-reference, {len(backward)} {b}-reference, "
              f"{len(forward.keys() ^ backward.keys())} asymmetric")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-symmetry", action="store_true", help="skip the whole-list symmetry check")
    args = parser.parse_args()
    lists = {code: load_from_dir(args.data_dir, code).entries for code in LISTS}
    entries = {e.key: e for found in lists.values() for e in found}
    matcher = Matcher(lists)
    results = []
    for code in LISTS:
        results += evaluate_set(matcher, read_labels(LABEL_FILES[code]), entries)
    print("\nsummary")
    for result in results:
        print(f"  {result.reference}->{result.other}: P {result.precision:.3f} R {result.recall:.3f} "
              f"F1 {result.f1:.3f} (TP {result.tp} FP {result.fp} FN {result.fn})")
    if not args.no_symmetry:
        print("\nsymmetry over the whole lists")
        asymmetric = asymmetric_decisions(matcher, lists)
        print(f"asymmetric decisions: {len(asymmetric)}")
        for line in asymmetric:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
