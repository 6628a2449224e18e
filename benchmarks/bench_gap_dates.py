"""Benchmark: what the US listing dates cost a whole `magcheck gaps` run.

    python benchmarks/bench_gap_dates.py [--data-dir ../shared/data] [--runs 7] [--scale 40] [--against uk,ca]

Each measurement is the wall-clock time of a fresh `python -m magcheck gaps ... --format json -o FILE` process
(imports, parsing, matching, the cells, rendering), on a data directory of links to the real files:
- without `SDN_ENHANCED.ZIP` (SDN.CSV and ALT.CSV only: no US dates, no US lags or gap ages);
- with the real enhanced export saved as `SDN_ENHANCED.ZIP` (OFAC's consolidated export of 10 Jan 2025, 443
  entities, 77 of them joined onto SDN.CSV entries);
- with `--scale N`: with a stand-in for the ~100 MB SDN export instead, the real export's entities repeated N
  times under new entity numbers (synthetic: for time only; made by bench_enhanced.scaled_export).
Cases run interleaved, one round after another, so a busier moment weighs on all alike; the figure is the
median, with the minimum.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_enhanced import DEFAULT_DATA, scaled_export  # a sibling script, not a package

OTHER_LISTS = ("uk", "ca", "un", "au")


def data_dir(root: Path, data: Path, enhanced: Path | None) -> Path:
    """Links to the real US SDN.CSV and ALT.CSV (and `enhanced` as SDN_ENHANCED.ZIP) and the other lists."""
    (root / "us").mkdir(parents=True)
    for name in ("SDN.CSV", "ALT.CSV"):
        (root / "us" / name).symlink_to(data / "us" / name)
    if enhanced is not None:
        (root / "us" / "SDN_ENHANCED.ZIP").symlink_to(enhanced)
    for code in OTHER_LISTS:
        if (data / code).is_dir():
            (root / code).symlink_to(data / code, target_is_directory=True)
    return root


def one_run(folder: Path, against: str, out: Path, state: Path) -> float:
    command = [sys.executable, "-m", "magcheck", "gaps", "--data-dir", str(folder), "--against", against,
               "--format", "json", "-o", str(out)]
    env = {"MAGCHECK_STATE_DIR": str(state), "MAGCHECK_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: a list older than a week, said on stderr: fine for timing
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
    return elapsed


def dated_targets(out: Path) -> int:
    import json

    document = json.loads(out.read_text(encoding="utf-8"))
    return sum(1 for t in document["targets"] if t["listed"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scale", type=int, default=0, help="also time a synthetic export N times the real one")
    parser.add_argument("--against", default="uk,ca")
    args = parser.parse_args()
    real_zip = args.data_dir / "us" / "CONS_ENHANCED.ZIP"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases = [("no SDN_ENHANCED.ZIP (no US dates)", data_dir(root / "plain", args.data_dir, None)),
                 ("SDN_ENHANCED.ZIP = the real CONS export (443 entities)",
                  data_dir(root / "real", args.data_dir, real_zip))]
        if args.scale:
            with zipfile.ZipFile(real_zip) as archive:
                xml = archive.read(archive.namelist()[0])
            _, big_zip = scaled_export(xml, args.scale, root)
            cases.append((f"SDN_ENHANCED.ZIP = x{args.scale} synthetic ({443 * args.scale:,} entities)",
                          data_dir(root / "scaled", args.data_dir, big_zip)))
        timings: dict[str, list[float]] = {label: [] for label, _ in cases}
        dated: dict[str, int] = {}
        for round_ in range(args.runs):
            for index, (label, folder) in enumerate(cases):
                out = root / f"out-{index}.json"
                timings[label].append(one_run(folder, args.against, out, root / "state"))
                if round_ == 0:
                    dated[label] = dated_targets(out)
        print(f"magcheck gaps --against {args.against} --format json: median of {args.runs} fresh processes")
        base = statistics.median(timings[cases[0][0]])
        for label, measured in timings.items():
            median = statistics.median(measured)
            print(f"{label:<58} median {median:6.2f} s, min {min(measured):6.2f} s, "
                  f"{median - base:+5.2f} s ({dated[label]} targets in scope dated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
