"""Where the lists come from on a given run: a user's data directory, the cache, or the bundled snapshot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from magcheck.errors import ExitStatus
from magcheck.model import SanctionsList
from magcheck.sources import get_source
from magcheck.store.locate import find_layout_files


@dataclass
class LoadResult:
    lists: dict[str, SanctionsList]
    warnings: list[str] = field(default_factory=list)
    status: ExitStatus = ExitStatus.OK


def load_from_dir(directory: Path, code: str) -> SanctionsList:
    source = get_source(code)
    layout, files = find_layout_files(directory, source)
    parsed = layout.parse(files)
    return replace(parsed, origin=f"data-dir {directory}")


def load_lists(codes: Iterable[str], *, data_dir: Path | None = None) -> LoadResult:
    """Parse each requested list. With `data_dir`, read the files there and nowhere else."""
    lists: dict[str, SanctionsList] = {}
    for code in codes:
        if data_dir is not None:
            lists[code] = load_from_dir(data_dir, code)
    return LoadResult(lists)
