"""Pair scores kept between runs: a run aligning the same entries against the same list scores only what it keeps.

Proposing candidates and scoring them is most of an alignment once the lists come prepared, and most of what is
scored (about 70% of a full alignment) falls short of the review band. Which candidate pairs reach it is a pure
function of the two prepared lists, the entries aligned, the floor and thresholds, and the code that scores. So
the matcher (`matching.align.ScoreMemo`) keeps, per alignment of some entries against one list, the pairs it
kept with their scores whole (`matching.align.memo_sections`), in one file under the cache dir:

    <cache>/scores/<reference>-<other>-<key>.scores

`key` is a hash of the matcher's own key (both lists' prepared keys, the entries aligned, floor, thresholds) with
the format, the magcheck version and the code fingerprint (`prepared.code_fingerprint`, which covers matching).
The next run takes those pairs and scores as they were, in the same order (floats and texts come back exactly),
without proposing candidates or scoring anything. A file is written atomically and checked whole
(CRC-32, header, the full key, how its arrays fit the lists) on every read; a damaged one is removed and
rebuilt with a warning. Nothing in it is code (`prepared_codec`'s container: numpy arrays and JSON, no pickle).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

import magcheck
from magcheck.app import prepared
from magcheck.app.cachefolder import CacheFolder
from magcheck.app.prepared_codec import Inconsistent, PreparedEntries, pack, unpack
from magcheck.fsutil import write_atomically
from magcheck.matching.align import MemoSection
from magcheck.model import Entry

SCORES_DIR = "scores"  # under the cache root
SUFFIX = ".scores"
MAGIC = b"magcheck pair scores\n"
FORMAT = 1  # bump when the layout of the file changes
KEEP_PER_PAIR = 6  # files kept per pair of lists (the default job, the full alignment, a few other scopes)
_KINDS = {"i8": np.dtype("<i8"), "f8": np.dtype("<f8")}


class PairScoreFiles(CacheFolder):
    """The pair-score memo under `root`: the `ScoreMemo` the application gives a Matcher."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, SUFFIX, "cannot keep pair scores in {root} ({why}): every run scores the lists again")

    def identity(self, entries: Sequence[Entry]) -> str | None:
        """A prepared list is known by its prepared file (whose name is its key); any other list is not memoised."""
        return entries.where if isinstance(entries, PreparedEntries) else None

    def made_of(self, key: str) -> str:
        return "\n".join((str(FORMAT), magcheck.__version__, prepared.code_fingerprint(), key))

    def path(self, label: str, key: str) -> Path:
        return self.root / f"{label}-{hashlib.sha256(self.made_of(key).encode('utf-8')).hexdigest()[:24]}{SUFFIX}"

    def get(self, label: str, key: str) -> dict[str, MemoSection] | None:
        path = self.path(label, key)
        data = self.read(path, self._damage_message(label, path), _code(label))
        if data is None:
            return None
        try:
            unpacked = unpack(data, magic=MAGIC, version=FORMAT)
            if unpacked.header.get("made_of") != self.made_of(key):
                raise Inconsistent("made for other lists or by another version")
            sections: dict[str, MemoSection] = {}
            for name, place in unpacked.header["sections"].items():
                kind = place[2] if isinstance(place, list) and len(place) == 4 else None
                if kind == "bytes":
                    sections[name] = bytes(unpacked.bytes(name))
                elif kind in _KINDS:
                    sections[name] = unpacked.array(name, kind)
                else:
                    raise Inconsistent(f"section {name} is of no known type")
        except Inconsistent as exc:
            self._damaged(label, path, str(exc))
            return None
        self.used(path)
        return sections

    def put(self, label: str, key: str, sections: Mapping[str, MemoSection]) -> None:
        """Keep the sections (a cache that cannot be written is said once: the run goes on)."""
        path = self.path(label, key)
        for name, values in sections.items():
            if isinstance(values, np.ndarray) and f"{values.dtype.kind}{values.dtype.itemsize}" not in _KINDS:
                raise ValueError(f"section {name}: no column type for {values.dtype}")
        data = pack({"format": FORMAT, "made_of": self.made_of(key)}, dict(sections), magic=MAGIC)
        if not self.writable():
            return
        try:
            write_atomically(path, data)
            self.prune(label, path, KEEP_PER_PAIR)
        except OSError as exc:
            self.cannot_write(exc)

    def discard(self, label: str, key: str, why: str) -> None:
        self._damaged(label, self.path(label, key), why)

    def _damaged(self, label: str, path: Path, why: str) -> None:
        self.damaged(path, self._damage_message(label, path).format(why=why), _code(label))

    @staticmethod
    def _damage_message(label: str, path: Path) -> str:
        return f"{label}: the kept pair scores {path.name} were damaged ({{why}}): scored again"


def _code(label: str) -> str:
    """The reference list of a pair's label (`us-uk`: us), whom a warning about it concerns."""
    return label.split("-", 1)[0]
