"""Benchmark: the enhanced XML export's listing dates, alone and joined onto the US list.

    python benchmarks/bench_enhanced.py [--data-dir ../shared/data] [--runs 7] [--scale 40]

Each measurement is a fresh process (imports excluded, the GC off as in the `magcheck` command); the
figure is the median. Measured:
- `read_enhanced` of the real CONS_ENHANCED.ZIP (443 entities, 3.4 MB of XML) and of its XML unzipped;
- the US list (SDN.CSV + ALT.CSV) without and with that export saved as SDN_ENHANCED.ZIP;
- with `--scale N`: a stand-in for the ~100 MB SDN export, made of the real export's entities repeated
  N times under new entity numbers (synthetic: for time and memory only), read as XML and as ZIP, with
  the peak resident memory each read adds (VmHWM, Linux).
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from magcheck.sources._ofac_enhanced import read_enhanced
from magcheck.store.load import load_from_dir

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
_ENTITY = re.compile(rb'(<entity id=")(\d+)(")')


def peak_kb() -> int:
    status = Path("/proc/self/status")
    if not status.is_file():
        return 0
    found = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
    return int(found.group(1)) if found else 0


def measure_once(kind: str, path: Path) -> dict[str, float]:
    """One measurement in this (fresh) process."""
    gc.disable()
    before = peak_kb()
    start = time.perf_counter()
    if kind == "enhanced":
        count = len(read_enhanced(path).sdn_listed)
    else:  # a data directory holding the US files
        count = sum(e.listed is not None for e in load_from_dir(path, "us").entries)
    return {"seconds": time.perf_counter() - start, "peak_kb": peak_kb() - before, "dated": count}


def fresh(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--once", kind, str(path)], check=True, capture_output=True,
                         text=True)
    result: dict[str, float] = json.loads(out.stdout)
    return result


def medians(runs: int, cases: list[tuple[str, str, Path]]) -> None:
    """Run every case once per round, `runs` rounds, so that a machine busier at one moment than another
    weighs on all cases alike; print each case's medians."""
    results: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in cases}
    for _ in range(runs):
        for label, kind, path in cases:
            results[label].append(fresh(kind, path))
    for label, measured in results.items():
        seconds = statistics.median(r["seconds"] for r in measured)
        fastest = min(r["seconds"] for r in measured)
        peak = statistics.median(r["peak_kb"] for r in measured)
        print(f"{label:<62} median {seconds * 1000:6.0f} ms, min {fastest * 1000:6.0f} ms, "
              f"peak +{peak / 1024:5.1f} MB ({measured[0]['dated']:,.0f} dated)")


def us_dir(root: Path, data: Path, enhanced: Path | None) -> Path:
    """A data directory of links to the real SDN.CSV and ALT.CSV (and `enhanced` as SDN_ENHANCED.ZIP)."""
    folder = root / "us"
    folder.mkdir(parents=True)
    for name in ("SDN.CSV", "ALT.CSV"):
        (folder / name).symlink_to(data / "us" / name)
    if enhanced is not None:
        (folder / "SDN_ENHANCED.ZIP").symlink_to(enhanced)
    return root


def scaled_export(xml: bytes, times: int, folder: Path) -> tuple[Path, Path]:
    """The real entities repeated `times` times, each copy under entity numbers offset by 1,000,000."""
    head, rest = xml.split(b"  <entities>\n", 1)
    body, tail = rest.rsplit(b"  </entities>", 1)
    def renumbered(copy: int) -> bytes:
        def offset(m: re.Match[bytes]) -> bytes:
            return m.group(1) + str(int(m.group(2)) + copy * 1_000_000).encode() + m.group(3)

        return _ENTITY.sub(offset, body)

    copies = [renumbered(n) for n in range(times)]
    big = head + b"  <entities>\n" + b"".join(copies) + b"  </entities>" + tail
    xml_path = folder / "SCALED_ENHANCED.XML"
    xml_path.write_bytes(big)
    zip_path = folder / "SCALED_ENHANCED.ZIP"
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(xml_path, xml_path.name)
    return xml_path, zip_path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scale", type=int, default=0, help="also time a synthetic export N times the real one")
    parser.add_argument("--once", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        print(json.dumps(measure_once(args.once[0], Path(args.once[1]))))
        return 0
    real_zip = args.data_dir / "us" / "CONS_ENHANCED.ZIP"
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(real_zip) as archive:
        root = Path(tmp)
        xml = archive.read(archive.namelist()[0])
        real_xml = root / "CONS_ENHANCED.XML"
        real_xml.write_bytes(xml)
        print(f"median of {args.runs} fresh processes each")
        cases = [
            ("read_enhanced CONS_ENHANCED.ZIP (3.4 MB of XML, 443 entities)", "enhanced", real_zip),
            ("read_enhanced CONS_ENHANCED.XML", "enhanced", real_xml),
            ("US list: SDN.CSV + ALT.CSV", "dir", us_dir(root / "plain", args.data_dir, None)),
            ("US list: SDN.CSV + ALT.CSV + SDN_ENHANCED.ZIP (CONS export)", "dir",
             us_dir(root / "joined", args.data_dir, real_zip)),
        ]
        if args.scale:
            big_xml, big_zip = scaled_export(xml, args.scale, root)
            megabytes = big_xml.stat().st_size / 1024 / 1024
            label = f"x{args.scale} synthetic ({megabytes:,.0f} MB, {443 * args.scale:,} entities)"
            cases += [(f"{label}, XML", "enhanced", big_xml), (f"{label}, ZIP", "enhanced", big_zip)]
        medians(args.runs, cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
