"""Benchmark: whole runs of magcheck, each a fresh process, against naive baselines measured in the same run.

    python benchmarks/bench_run.py [--data-dir ../shared/data] [--runs 5]

Measured, as medians of `--runs` fresh processes, interleaved so that a busy machine slows every column alike:

- `magcheck --version`;
- the default job (`magcheck gaps`: the US Magnitsky-style targets against every other list), cold (no prepared
  lists in the cache) and warm (a second run over the same files);
- the full alignment (`gaps --scope all --format json`: every US entry), cold and warm;
- the naive Magnitsky-scope baseline: parse the same files with the same parsers, then compare the targets'
  names with every name of the lists checked, by `rapidfuzz.process.cdist` (token_sort_ratio, all cores);
- the naive all-pairs baseline: the same for every US name.

It prints each median, the runs behind it, and the ratios magcheck / baseline (issue 13's targets: `--version`
<= 0.15 s; default job warm <= 0.25x and cold <= 1x the Magnitsky baseline; full alignment warm <= 0.1x the
all-pairs baseline) and the peak memory (max RSS) of each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data"
CHECKED = ("uk", "ca", "au")  # the default job's governments on ../shared/data (the EU's list is not there)


def baseline(data_dir: Path, scope: str) -> None:
    """The naive script: parse with magcheck's own parsers, then score names all against all with rapidfuzz."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from magcheck.gaps import Scope, select_targets
    from magcheck.store.load import load_from_dir

    lists = {code: load_from_dir(data_dir, code) for code in ("us", *CHECKED)}
    targets = lists["us"].entries if scope == "all" else select_targets(lists["us"].entries, "us", Scope())
    queries = [name.text for entry in targets for name in entry.names]
    choices = [name.text for code in CHECKED for entry in lists[code].entries for name in entry.names]
    scores = process.cdist(queries, choices, scorer=fuzz.token_sort_ratio, processor=str.lower, workers=-1,
                           dtype=np.uint8, score_cutoff=85)
    print(int((scores >= 85).sum()), file=sys.stderr)


def byte_compile() -> None:
    """Write the .pyc of every magcheck module (pip does at install; an editable checkout run with
    PYTHONDONTWRITEBYTECODE=1, as here, would otherwise compile the changed modules in every timed run)."""
    import compileall

    import magcheck

    compileall.compile_dir(Path(magcheck.__file__).parent, quiet=1)


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time of one fresh process, and its own peak memory (KiB, from wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    return elapsed, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", choices=("magnitsky", "all"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        baseline(args.data_dir, args.baseline)
        return 0
    magcheck = [sys.executable, "-m", "magcheck"]
    job = [*magcheck, "gaps", "--data-dir", str(args.data_dir), "--against", ",".join(CHECKED), "--no-pager",
           "--quiet", "--format", "json", "-o", os.devnull]
    script = shutil.which("magcheck")
    cases = {
        "--version": ([script or sys.executable, *([] if script else ["-m", "magcheck"]), "--version"], False),
        "default job, cold": (job, True),
        "default job, warm": (job, False),
        "full alignment, cold": ([*job, "--scope", "all"], True),
        "full alignment, warm": ([*job, "--scope", "all"], False),
        "naive Magnitsky baseline": ([sys.executable, __file__, "--data-dir", str(args.data_dir),
                                      "--baseline", "magnitsky"], False),
        "naive all-pairs baseline": ([sys.executable, __file__, "--data-dir", str(args.data_dir),
                                      "--baseline", "all"], False),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    memory: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="magcheck-bench-") as tmp:
        cache = Path(tmp) / "cache"
        env = {**os.environ, "MAGCHECK_CACHE_DIR": str(cache), "MAGCHECK_STATE_DIR": str(Path(tmp) / "state"),
               "PYTHONDONTWRITEBYTECODE": "1"}
        byte_compile()  # as an install does: otherwise every run compiles the modules changed since the last .pyc
        subprocess.run(job, env=env, check=False, capture_output=True)  # warm the OS file cache
        for _ in range(args.runs):
            for name, (command, cold) in cases.items():
                if cold:
                    shutil.rmtree(cache, ignore_errors=True)
                elif "warm" in name:
                    subprocess.run(command, env=env, check=False, capture_output=True)
                elapsed, peak = timed(command, env)
                times[name].append(elapsed)
                memory[name] = max(memory.get(name, 0), peak)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:28} median {medians[name]:6.2f} s   (runs {runs}; peak RSS {memory[name] / 1024:,.0f} MB)")
    magnitsky, everything = medians["naive Magnitsky baseline"], medians["naive all-pairs baseline"]
    print()
    print(f"--version: {medians['--version']:.3f} s (target <= 0.15 s)")
    for name, base, label, target in (("default job, warm", magnitsky, "Magnitsky", 0.25),
                                      ("default job, cold", magnitsky, "Magnitsky", 1.0),
                                      ("full alignment, warm", everything, "all-pairs", 0.1),
                                      ("full alignment, cold", everything, "all-pairs", None)):
        goal = f" (target <= {target}x)" if target else ""
        print(f"{name}: {medians[name] / base:.2f}x the naive {label} baseline{goal}")
    print(f"machine load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
