"""What a source module provides: where its files are published and how to parse them.

A list may be published in more than one layout (the UK's FCDO XML, and the former OFSI CSV kept for
historical snapshots). The first layout is the live official one, the one `fetch` downloads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from magcheck.model import SanctionsList

DEFAULT_MAX_BYTES = 256 * 1024 * 1024  # about 8x the largest real list file (the UK XML, about 30 MB)


@dataclass(frozen=True)
class SourceFile:
    name: str  # the official file name, e.g. "SDN.CSV"
    url: str | None  # the official download address (None for a retired format)
    required: bool = True
    # A download larger than this (after decompression) is refused: a small gzip body must not fill the disk.
    max_bytes: int = DEFAULT_MAX_BYTES
    # Seconds to wait for the first byte when the server builds the file on request (the EU's takes minutes);
    # None: the run's read time-out (MAGCHECK_TIMEOUT).
    read_timeout: float | None = None


Parser = Callable[[Mapping[str, Path]], SanctionsList]


@dataclass(frozen=True)
class Layout:
    """One published form of a list: its files and the parser that reads them.

    The parser receives the files found, keyed by official name (optional ones may be absent), and
    raises `ListFileError` for anything it cannot trust; it never returns a partial list.
    """

    files: tuple[SourceFile, ...]
    parse: Parser

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.files if f.required)


@dataclass(frozen=True)
class Source:
    code: str  # "us", "uk", "ca"
    title: str  # e.g. "United States - OFAC SDN List"
    government: str  # e.g. "United States", used in report headings
    layouts: tuple[Layout, ...]
    magnitsky_programs: frozenset[str] = frozenset()  # the programme tags that make up its Magnitsky scope
    landing_page: str | None = None  # where a human finds the current download link
    bundled: bool = False  # the package ships a snapshot of it (see magcheck/snapshot/manifest.json)
    order: int = 100  # where it comes in listings and report columns (lower first)
    # The government implements UN Security Council listings outside this list (Canada: UN Act regulations,
    # not SEMA), so a target on the UN list counts as covered by it through the UN listing.
    un_listings_elsewhere: bool = False
    # Share of entries that must carry each field for a file to be trusted: a renamed element (every programme
    # or every listing date lost) means the schema changed, and the file is refused rather than half read.
    # Fields: "programs", "listed", "dobs" (of individuals) ...; names are always required.
    expected_fields: Mapping[str, float] = field(default_factory=lambda: {"programs": 0.95})

    @property
    def live(self) -> Layout:
        return self.layouts[0]
