"""Benchmark: align every US entry against the full UK and Canadian lists, against the naive baseline.

    python benchmarks/bench_align.py [--data-dir ../shared/data] [--runs 5] [--baseline-runs 3]

magcheck: each run is a fresh process (no warm caches) that parses the three lists and aligns all US
entries (every programme) against both other lists; the median wall time is reported, parsing included.

Baseline, measured in the same run: every US name against every UK and Canadian name with rapidfuzz
`process.cdist` (token_sort_ratio, names preprocessed once, all cores), best candidate per name; its time
excludes parsing. Both are scored on the hand-labelled development set (benchmarks/devset/labels.csv),
along with the recall of magcheck's candidate generation (true counterparts among the entry pairs its
index proposes). The UK- and Canada-reference directions are measured by benchmarks/evaluate.py.

Other programs share the machine: the load average before and after the runs is printed with the times, and
two versions are only comparable when measured one after the other, several runs each.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import DEFAULT_DATA, OTHERS, read_labels

from magcheck.matching.align import Matcher
from magcheck.store.load import load_from_dir

HERE = Path(__file__).resolve().parent
BASELINE_THRESHOLDS = (85, 90, 95)


def run_once(data_dir: Path) -> dict[str, float]:
    """One end-to-end run in this process: parse, then align all US entries against UK and Canada.

    The cyclic GC is off, as in the `magcheck` command (see magcheck/__main__.py)."""
    gc.disable()
    start = time.perf_counter()
    lists = {code: load_from_dir(data_dir, code) for code in ("us", *OTHERS)}
    parsed = time.perf_counter()
    matcher = Matcher({code: lst.entries for code, lst in lists.items()})
    alignment = matcher.align(lists["us"].entries, OTHERS)
    done = time.perf_counter()
    matched = {c: sum(1 for cov in alignment.coverage.values() if cov[c].matches) for c in OTHERS}
    return {"parse": parsed - start, "align": done - parsed, "total": done - start, **matched}


def time_magcheck(data_dir: Path, runs: int) -> list[dict[str, float]]:
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, __file__, "--once", "--data-dir", str(data_dir)],
                             check=True, capture_output=True, text=True)
        results.append(json.loads(out.stdout))
    return results


def entry_names(entries):
    """(entry index, processed name) for every name of every entry, as the baseline sees them."""
    rows, names = [], []
    for index, entry in enumerate(entries):
        for name in entry.names:
            rows.append(index)
            names.append(utils.default_process(name.text))
    return np.asarray(rows), names


def baseline(lists) -> tuple[float, dict[str, dict[int, tuple[int, float]]]]:
    """All-pairs cdist; for each US entry, the best other entry and its score."""
    us_rows, us_names = entry_names(lists["us"].entries)
    best: dict[str, dict[int, tuple[int, float]]] = {}
    start = time.perf_counter()
    for code in OTHERS:
        other_rows, other_names = entry_names(lists[code].entries)
        best_score = np.zeros(len(us_names), dtype=np.uint8)
        best_col = np.zeros(len(us_names), dtype=np.int64)
        chunk = 4000
        for lo in range(0, len(us_names), chunk):
            scores = process.cdist(us_names[lo:lo + chunk], other_names, scorer=fuzz.token_sort_ratio,
                                   processor=None, dtype=np.uint8, workers=-1)
            best_col[lo:lo + chunk] = scores.argmax(axis=1)
            best_score[lo:lo + chunk] = scores.max(axis=1)
        per_entry: dict[int, tuple[int, float]] = {}
        for row, entry_index in enumerate(us_rows.tolist()):
            candidate = (int(other_rows[best_col[row]]), float(best_score[row]))
            if entry_index not in per_entry or candidate[1] > per_entry[entry_index][1]:
                per_entry[entry_index] = candidate
        best[code] = per_entry
    return time.perf_counter() - start, best


def prf(tp: int, fp: int, fn: int) -> str:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return f"precision {precision:.3f} recall {recall:.3f} (TP {tp} FP {fp} FN {fn})"


def score_predictions(labels, predicted: dict[str, dict[str, set[str]]]) -> dict[str, str]:
    out = {}
    for code in OTHERS:
        tp = fp = fn = 0
        for label in labels:
            guess = predicted[code].get(label.us_uid, set())
            truth = label.truth[code]
            tp += len(guess & truth)
            fp += len(guess - truth)
            fn += len(truth - guess)
        out[code] = prf(tp, fp, fn)
    return out


def candidate_recall(matcher: Matcher, lists, labels) -> dict[str, str]:
    """Share of true (US, other) counterpart pairs that the index proposes as candidate entry pairs."""
    us_entries = lists["us"].entries
    keys = {e.key for lst in lists.values() for e in lst.entries}
    out = {}
    for code in OTHERS:
        groups = matcher.candidate_entry_pairs(us_entries, code)
        wanted = [(f"us:{lb.us_uid}", f"{code}:{uid}") for lb in labels for uid in lb.truth[code]
                  if f"{code}:{uid}" in keys]
        found = sum(1 for pair in wanted if pair in groups)
        out[code] = f"{found}/{len(wanted)} = {found / max(len(wanted), 1):.3f} ({len(groups):,} entry pairs proposed)"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--labels", type=Path, default=HERE / "devset" / "labels.csv")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        print(json.dumps(run_once(args.data_dir)))
        return 0

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    runs = time_magcheck(args.data_dir, args.runs)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lists = {code: load_from_dir(args.data_dir, code) for code in ("us", *OTHERS)}
    us_names = sum(len(e.names) for e in lists["us"].entries)
    other_names = sum(len(e.names) for c in OTHERS for e in lists[c].entries)
    baseline_times = []
    best = {}
    for _ in range(args.baseline_runs):
        elapsed, best = baseline(lists)
        baseline_times.append(elapsed)

    ours = statistics.median(r["total"] for r in runs)
    base = statistics.median(baseline_times)
    print(f"US entries {len(lists['us'].entries):,} ({us_names:,} names) against "
          f"{other_names:,} UK and Canadian names")
    print(f"magcheck end to end (parse + align), median of {len(runs)} fresh runs: {ours:.2f} s "
          f"(parse {statistics.median(r['parse'] for r in runs):.2f} s, "
          f"align {statistics.median(r['align'] for r in runs):.2f} s); runs: "
          + ", ".join(f"{r['total']:.2f}" for r in runs)
          + f" (1-minute load average {load_before:.2f} before, {load_after:.2f} after, {os.cpu_count()} CPUs)")
    print(f"baseline cdist all pairs (parsing excluded), median of {len(baseline_times)}: {base:.2f} s; runs: "
          + ", ".join(f"{t:.2f}" for t in baseline_times))
    print(f"speed-up: {base / ours:.1f}x")
    print(f"US entries with a match: UK {runs[0]['uk']:,}, Canada {runs[0]['ca']:,}")

    if not args.labels.is_file():
        print(f"no labels at {args.labels}: accuracy skipped")
        return 0
    labels = read_labels(args.labels)
    us_by_uid = {e.uid: e for e in lists["us"].entries}
    labelled = [us_by_uid[lb.us_uid] for lb in labels]
    matcher = Matcher({code: lst.entries for code, lst in lists.items()})
    alignment = matcher.align(labelled, OTHERS)
    ours_predicted = {c: {e.uid: {m.entry.uid for m in alignment.of(e, c).matches} for e in labelled}
                      for c in OTHERS}
    print(f"\naccuracy on {len(labels)} labelled US entries")
    for code, text in score_predictions(labels, ours_predicted).items():
        print(f"  magcheck us-{code}: {text}")
    us_pos = {e.uid: i for i, e in enumerate(lists["us"].entries)}
    for threshold in BASELINE_THRESHOLDS:
        predicted = {c: {} for c in OTHERS}
        for code in OTHERS:
            for label in labels:
                other_index, score = best[code].get(us_pos[label.us_uid], (-1, 0.0))
                if score >= threshold:
                    predicted[code][label.us_uid] = {lists[code].entries[other_index].uid}
        for code, text in score_predictions(labels, predicted).items():
            print(f"  baseline (best >= {threshold}) us-{code}: {text}")
    for code, text in candidate_recall(matcher, lists, labels).items():
        print(f"  candidate recall us-{code}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
