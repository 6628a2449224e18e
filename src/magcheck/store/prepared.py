"""The hook between the store and the prepared-list cache: what a list read from its files is, by content.

The store knows where a run's lists come from (a data dir, a cached copy, the bundled snapshot) and what those
files hold; it does not know how a parsed list is kept ready for matching (that needs the matcher, a layer
above: `magcheck.app.prepared`). So every list the store reads goes through a `ListPreparer` as a
`PrepareRequest`: which list, an identity of the content to read (`source`: the files' names and SHA-256, or
the snapshot's manifest), and how to parse it when no prepared copy exists. The default preparer simply
parses (`ParseEach`); the application gives the store one that keeps prepared copies in the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from magcheck.errors import ListFileError
from magcheck.model import SanctionsList
from magcheck.notices import Notice

_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class PrepareRequest:
    """One list to read: prepared when a copy for exactly this content exists, else parsed by `parse`."""

    code: str
    source: str  # the identity of the content read (`files_source`, `bundled_source`)
    parse: Callable[[], SanctionsList]  # reads and checks the files; ListFileError when they are bad
    size: int = 0  # bytes of the files, to start the largest first when several are parsed at once


class ListPreparer(Protocol):
    """Turns requests into lists, in order: each a list, or the ListFileError its files raised."""

    def load(self, requests: Sequence[PrepareRequest]) -> list[SanctionsList | ListFileError]: ...

    def take_notices(self) -> list[Notice]:
        """What the preparer has to tell the user since it was last asked (a damaged prepared copy rebuilt)."""
        ...


class ParseEach:
    """No prepared lists: every list is parsed from its files (tests, and a store used on its own)."""

    def load(self, requests: Sequence[PrepareRequest]) -> list[SanctionsList | ListFileError]:
        results: list[SanctionsList | ListFileError] = []
        for request in requests:
            try:
                results.append(request.parse())
            except ListFileError as exc:
                results.append(exc)
        return results

    def take_notices(self) -> list[Notice]:
        return []


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def digests_source(digests: Mapping[str, str]) -> str:
    """The identity of a set of files by official name and SHA-256: the same files give the same identity in a
    data dir and in a cached copy."""
    return "files:" + ",".join(f"{name}={digest}" for name, digest in sorted(digests.items()))


def files_source(files: Mapping[str, Path]) -> tuple[str, int]:
    """The identity of a data dir's files (each hashed; SHA-256 reads about 2 GB/s) and their total size;
    OSError when one cannot be read (the parser then says so)."""
    return digests_source({name: file_digest(path) for name, path in files.items()}), \
        sum(path.stat().st_size for path in files.values())


def bundled_source(code: str, manifest: str, version: str) -> str:
    """The bundled snapshot's identity: what its manifest says it holds, in this version of the package."""
    return f"bundled:{code}:{version}:{hashlib.sha256(manifest.encode('utf-8')).hexdigest()}"


def counted_names(entries: object) -> int | None:
    """How many names the entries hold, when they know it without being decoded (a prepared list's do)."""
    count = getattr(entries, "name_count", None)
    return count if isinstance(count, int) else None
