"""Benchmark: parse the three full official lists into the common model.

    python benchmarks/bench_parse.py [--data-dir ../shared/data] [--runs 7]

Each run is a fresh process (cold caches, imports excluded). The baseline, measured in the same run, is
the least any parser must do: read every file and tokenise it (csv.reader over the CSV rows, lxml over
the XML documents) without building anything, so the difference is the cost of the model itself.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree

from magcheck.sources import get_source
from magcheck.store.load import load_from_dir
from magcheck.store.locate import find_layout_files

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CODES = ("us", "uk", "ca")


def parse_once(data_dir: Path) -> dict[str, float]:
    gc.disable()  # as in the `magcheck` command (the parsers pause it themselves too)
    timings = {}
    for code in CODES:
        start = time.perf_counter()
        parsed = load_from_dir(data_dir, code)
        timings[code] = time.perf_counter() - start
        timings[f"{code}_entries"] = len(parsed.entries)
    start = time.perf_counter()
    conlist = get_source("uk").layouts[1].parse({"ConList.csv": data_dir / "uk" / "ConList.csv"})
    timings["uk_conlist"] = time.perf_counter() - start
    timings["uk_conlist_entries"] = len(conlist.entries)
    timings["total"] = sum(timings[c] for c in CODES)
    return timings


def baseline_once(data_dir: Path) -> float:
    """Read and tokenise the same files without building entries."""
    start = time.perf_counter()
    for code in CODES:
        _, files = find_layout_files(data_dir, get_source(code))
        for path in files.values():
            data = path.read_bytes()
            if path.suffix.lower() == ".xml":
                etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
            else:
                for _ in csv.reader(io.StringIO(data.decode("utf-8", errors="replace"))):
                    pass
    return time.perf_counter() - start


def fresh(data_dir: Path, mode: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, f"--{mode}", "--data-dir", str(data_dir)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        print(json.dumps(parse_once(args.data_dir)))
        return 0
    if args.baseline:
        print(json.dumps({"total": baseline_once(args.data_dir)}))
        return 0
    runs = [fresh(args.data_dir, "once") for _ in range(args.runs)]
    baselines = [fresh(args.data_dir, "baseline")["total"] for _ in range(args.runs)]

    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    first = runs[0]
    print(f"parsed: US {first['us_entries']:,} entries, UK {first['uk_entries']:,} (XML) / "
          f"{first['uk_conlist_entries']:,} (ConList), Canada {first['ca_entries']:,}")
    print(f"magcheck parse of all three lists, median of {len(runs)} fresh runs: {median('total'):.2f} s "
          f"(US {median('us'):.2f} s, UK XML {median('uk'):.2f} s, Canada {median('ca'):.2f} s; "
          f"UK ConList.csv {median('uk_conlist'):.2f} s); runs: " + ", ".join(f"{r['total']:.2f}" for r in runs))
    print(f"baseline (read + tokenise the same files, no model), median: {statistics.median(baselines):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
