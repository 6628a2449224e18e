"""The snapshot shipped inside the package, so magcheck does its job on a machine with no internet.

The real official files are stored gzip-compressed next to `manifest.json`, which says for each list which
files it has, the date of the snapshot (SDN.CSV and the Canadian file state none) and where they came from.
They are decompressed into a temporary folder and read with the list's own parser and matching layout
(the UK snapshot is the former OFSI ConList.csv, the UK source's second layout).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from magcheck import __version__
from magcheck.errors import ListFileError
from magcheck.model import Origin, OriginKind, SanctionsList
from magcheck.sources import get_source
from magcheck.store.locate import find_layout_files
from magcheck.store.prepared import PrepareRequest, bundled_source
from magcheck.store.validate import sanitized

SNAPSHOT_PACKAGE = "magcheck.snapshot"
ORIGIN = Origin(OriginKind.BUNDLED)


@dataclass(frozen=True)
class SnapshotInfo:
    code: str
    files: dict[str, str]  # official file name -> compressed resource name
    date: date | None
    date_note: str | None
    source: str
    newest: dict[str, str] | None = None  # the snapshot's newest record: {"listing": ISO date} or {"uid": "123"}
    entries: int | None = None  # how big the real list was then (a list given later is not much smaller)
    names: int | None = None


@cache
def _manifest() -> dict[str, Any]:
    text = resources.files(SNAPSHOT_PACKAGE).joinpath("manifest.json").read_text(encoding="utf-8")
    manifest: dict[str, Any] = json.loads(text)
    return manifest


def snapshot_info(code: str) -> SnapshotInfo | None:
    """What the package bundles for a list, or None when it has no snapshot of it."""
    entry = _manifest().get("lists", {}).get(code)
    if entry is None:
        return None
    stated = entry.get("date")
    return SnapshotInfo(code, dict(entry["files"]), date.fromisoformat(stated) if stated else None,
                        entry.get("date_note"), entry.get("source", ""), entry.get("newest"), entry.get("entries"),
                        entry.get("names"))


def load_bundled(code: str) -> SanctionsList | None:
    """Decompress and parse the bundled copy of a list; None when the package has none for it."""
    info = snapshot_info(code)
    if info is None:
        return None
    return _dated(_parse_snapshot(info), info)


def _parse_snapshot(info: SnapshotInfo) -> SanctionsList:
    with tempfile.TemporaryDirectory(prefix="magcheck-snapshot-") as tmp:
        folder = Path(tmp)
        _decompress(info, folder)
        layout, files = find_layout_files(folder, get_source(info.code))
        return sanitized(layout.parse(files))


def bundled_request(code: str) -> PrepareRequest:
    """The bundled snapshot of a list (which must have one), known by its manifest entry and the bytes of its
    compressed files in this version of the package."""
    info = snapshot_info(code)
    assert info is not None
    package = resources.files(SNAPSHOT_PACKAGE)
    digests = {}
    size = 0
    for compressed in info.files.values():
        try:
            data = package.joinpath(compressed).read_bytes()
        except OSError:
            data = b""  # a damaged install: parsing says so
        digests[compressed] = hashlib.sha256(data).hexdigest()
        size += len(data)
    entry = json.dumps([_manifest()["lists"][code], digests], sort_keys=True)
    return PrepareRequest(code, bundled_source(code, entry, __version__), lambda: _parse_snapshot(info), size)


def with_snapshot_date(parsed: SanctionsList, code: str) -> SanctionsList:
    """A parsed snapshot as `load_bundled` returns it: from the bundle, dated by the manifest where needed."""
    info = snapshot_info(code)
    assert info is not None
    return _dated(parsed, info)


def _decompress(info: SnapshotInfo, folder: Path) -> None:
    package = resources.files(SNAPSHOT_PACKAGE)
    for official, compressed in info.files.items():
        try:
            with package.joinpath(compressed).open("rb") as raw, gzip.open(raw) as source, \
                    open(folder / official, "wb") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
        except (OSError, EOFError) as exc:  # a damaged install: say which file, do not crash
            raise ListFileError(info.code, compressed, f"bundled snapshot unreadable ({exc})") from None


def _dated(parsed: SanctionsList, info: SnapshotInfo) -> SanctionsList:
    """Mark the origin; use the manifest's date where the file itself states none."""
    result = replace(parsed, origin=ORIGIN)
    if result.date is None and info.date is not None:
        result = replace(result, date=info.date, date_note=info.date_note)
    return result
