"""Precision, recall and F1 of the matcher per list pair on the hand-labelled development set.

    python benchmarks/evaluate.py [--data-dir ../shared/data] [--labels benchmarks/devset/labels.csv]

Each labelled US entry is aligned against the full UK and Canadian lists (token rarity over the full
lists, exactly as `magcheck gaps` does). A predicted counterpart is a match at or above the `match`
threshold. Every error is printed with the names and evidence behind it: each one is a bug to understand.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from magcheck.matching.align import Alignment, Matcher
from magcheck.model import Entry
from magcheck.store.load import load_from_dir

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data"
OTHERS = ("uk", "ca")


@dataclass
class Label:
    us_uid: str
    truth: dict[str, set[str]]  # other list -> set of uids (empty: no counterpart)
    note: str


def read_labels(path: Path) -> list[Label]:
    labels = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            truth = {}
            for code in OTHERS:
                cell = (row[f"{code}_uids"] or "").strip()
                truth[code] = set() if cell.lower() in {"", "none"} else {u.strip() for u in cell.split(";")}
            labels.append(Label(row["us_uid"].strip(), truth, row.get("notes", "")))
    return labels


def describe(entry: Entry) -> str:
    return f"{entry.key} {entry.name.text!r}"


def evaluate(alignment: Alignment, labels: list[Label], us_by_uid: dict[str, Entry]) -> int:
    errors = 0
    for code in OTHERS:
        tp = fp = fn = 0
        lines = []
        for label in labels:
            entry = us_by_uid[label.us_uid]
            coverage = alignment.of(entry, code)
            predicted = {c.entry.uid for c in coverage.matches}
            truth = label.truth[code]
            tp += len(predicted & truth)
            for uid in sorted(predicted - truth):
                fp += 1
                counterpart = next(c for c in coverage.matches if c.entry.uid == uid)
                detail = counterpart.detail
                evidence = ", ".join(f"{e.label}{e.delta:+.2f}" for e in detail.evidence) if detail else "override"
                lines.append(f"  FP {describe(entry)} -> {describe(counterpart.entry)} score {counterpart.score:.3f}"
                             f" [{evidence}] truth={sorted(truth) or 'none'}")
            for uid in sorted(truth - predicted):
                fn += 1
                near = next((c for c in coverage.review if c.entry.uid == uid), None)
                seen = f"in review at {near.score:.3f}" if near else "not proposed"
                lines.append(f"  FN {describe(entry)} -> {code}:{uid} ({seen})")
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"us-{code}: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f} "
              f"(TP {tp}, FP {fp}, FN {fn}; {len(labels)} labelled US entries)")
        for line in lines:
            print(line)
        errors += fp + fn
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--labels", type=Path, default=HERE / "devset" / "labels.csv")
    args = parser.parse_args()
    lists = {code: load_from_dir(args.data_dir, code) for code in ("us", *OTHERS)}
    labels = read_labels(args.labels)
    us_by_uid = {e.uid: e for e in lists["us"].entries}
    missing = [label.us_uid for label in labels if label.us_uid not in us_by_uid]
    if missing:
        print(f"labels name US entries not in SDN.CSV: {missing}", file=sys.stderr)
        return 2
    matcher = Matcher({code: lst.entries for code, lst in lists.items()})
    alignment = matcher.align([us_by_uid[label.us_uid] for label in labels], OTHERS)
    evaluate(alignment, labels, us_by_uid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
