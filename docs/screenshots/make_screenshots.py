"""Remake the README screenshots: the top of the HTML report (1280 x 800) for the default job and the China matrix.

Runs the real command on the bundled snapshot (`--offline`: no network) and photographs each page in Debian's
headless Chromium through Playwright (`apt-get install chromium`, `pip install playwright`):

    python docs/screenshots/make_screenshots.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = {
    "gaps-default.png": ["gaps"],
    "matrix-china.png": ["gaps", "--matrix", "--country", "China"],
}


def render(arguments: list[str], output: Path) -> None:
    """The report as `magcheck` writes it; exit status 1 (bundled snapshot, not current lists) is expected."""
    command = [sys.executable, "-m", "magcheck", *arguments, "--offline", "--format", "html", "-o", str(output)]
    completed = subprocess.run(command, check=False, capture_output=True, text=True)
    if not output.is_file():
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}): {completed.stderr.strip()}")


def main() -> None:
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(Path(work) / "profile"), executable_path=CHROMIUM, args=FLAGS,
            viewport={"width": 1280, "height": 800})
        page = context.new_page()
        for name, arguments in SHOTS.items():
            report = Path(work) / name.replace(".png", ".html")
            render(arguments, report)
            page.goto(report.as_uri(), wait_until="load")
            page.screenshot(path=str(HERE / name))
            print(HERE / name)
        context.close()


if __name__ == "__main__":
    main()
