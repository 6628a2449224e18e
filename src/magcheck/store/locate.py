"""Find a list's files under their official names in a user's data directory."""

from __future__ import annotations

from pathlib import Path

from magcheck.errors import ListFileError
from magcheck.sources import Layout, Source


def _index_dir(directory: Path) -> dict[str, Path]:
    """Files of a directory keyed by lower-case name (official names vary in case: sdn.csv / SDN.CSV)."""
    if not directory.is_dir():
        return {}
    return {p.name.lower(): p for p in sorted(directory.iterdir()) if p.is_file()}


def find_layout_files(directory: Path, source: Source) -> tuple[Layout, dict[str, Path]]:
    """The first layout of `source` whose required files are all in DIR/<code> or DIR itself.

    The per-list subfolder wins so one directory can hold several lists side by side.
    """
    for folder in (directory / source.code, directory):
        present = _index_dir(folder)
        for layout in source.layouts:
            if all(name.lower() in present for name in layout.required):
                files = {f.name: present[f.name.lower()] for f in layout.files if f.name.lower() in present}
                return layout, files
    raise ListFileError(source.code, expected_files(source), f"not found in {directory} or {directory / source.code}")


def expected_files(source: Source) -> str:
    """`SDN.CSV+ALT.CSV`, `UK-Sanctions-List.xml or ConList.csv`: what a data dir must hold for a list."""
    return " or ".join("+".join(layout.required) for layout in source.layouts)


def has_any_file(directory: Path, source: Source) -> bool:
    """Whether DIR/<code> or DIR holds any file of any layout of `source` (a list that is simply not there
    is left out of a run; one whose files are there but incomplete is an error)."""
    names = {f.name.lower() for layout in source.layouts for f in layout.files}
    return any(name in names for folder in (directory / source.code, directory) for name in _index_dir(folder))
