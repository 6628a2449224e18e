"""Benchmark: the Australian and UN parsers on the full files, and the two xlsx readers the AU parser could use.

    python benchmarks/bench_new_sources.py [--data-dir ../shared/data] [--runs 5] [--current PATH]

Every figure is the median of `--runs` fresh processes (cold caches), the module's import timed apart:
- `au` / `un`: the parser on the full file (regulation8_consolidated.xlsx, consolidated.xml), from bytes on
  disk to the finished `SanctionsList` (the AU parser imports python-calamine inside: that is in "parse");
- `calamine` / `openpyxl`: read every row of the AU workbook's first sheet as Python values, nothing else
  (openpyxl in read_only mode, the fastest it has);
- `--current PATH` adds the same for a workbook in the current layout (Australian_Sanctions_Consolidated_List.xlsx,
  e.g. DFAT's file of 24 Feb 2026: see tests/fixtures/au/README.md for where to get it).
openpyxl is only needed for the comparison (`pip install openpyxl`); the row is skipped without it.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def run_once(task: str, path: Path) -> dict[str, float]:
    gc.disable()  # as in the `magcheck` command
    start = time.perf_counter()
    if task == "au":
        from magcheck.sources.au import parse_workbook

        imported = time.perf_counter()
        count = len(parse_workbook(path, path.name).entries)
    elif task == "un":
        from magcheck.sources.un import parse_files

        imported = time.perf_counter()
        count = len(parse_files({path.name: path}).entries)
    elif task == "calamine":
        from python_calamine import CalamineWorkbook

        imported = time.perf_counter()
        count = len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())
    else:
        import openpyxl

        imported = time.perf_counter()
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
    done = time.perf_counter()
    return {"seconds": done - imported, "import": imported - start, "count": count}


def fresh(task: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--once", task, "--path", str(path)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def available(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--current", type=Path, help="a workbook in the current AU layout")
    parser.add_argument("--once", help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        print(json.dumps(run_once(args.once, args.path)))
        return 0
    former = args.data_dir / "au" / "regulation8_consolidated.xlsx"
    tasks = [("au", former), ("un", args.data_dir / "un" / "consolidated.xml"), ("calamine", former)]
    if available("openpyxl"):
        tasks.append(("openpyxl", former))
    if args.current:
        tasks += [("au", args.current), ("calamine", args.current)]
        if available("openpyxl"):
            tasks.append(("openpyxl", args.current))
    results: dict[tuple[str, Path], list[dict[str, float]]] = {task: [] for task in tasks}
    for _ in range(args.runs):  # interleaved, so that a busy machine slows every task alike
        for task in tasks:
            results[task].append(fresh(*task))
    for (task, path), runs in results.items():
        times = sorted(r["seconds"] for r in runs)
        imports = statistics.median(r["import"] for r in runs)
        print(f"{task:9} {path.name:45} parse median {statistics.median(times):.3f} s "
              f"(min {times[0]:.3f}, max {times[-1]:.3f}), import {imports:.3f} s; "
              f"{int(runs[0]['count']):,} entries or rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
