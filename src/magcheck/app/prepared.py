"""Prepared lists: every list a run reads, kept parsed, normalised and indexed, so the next run starts matching.

Parsing the official files and normalising every name take most of a run that reads them. So the first run
over some files (a data dir, a cached copy, the bundled snapshot) and every `magcheck fetch` keep each list, with
its name index, in one file under the cache dir:

    <cache>/prepared/<list>-<key>.prepared

`key` is a hash of what made the file: the format, the magcheck version, a fingerprint of the code that shapes
the data (the parsers, the model, normalisation and the index: `code_fingerprint`) and the identity of the files
read (their SHA-256, from the cached copy's meta.json or by hashing a data dir's files; the snapshot's manifest
and bytes). Change any of them and the key changes: the next run prepares the list again, never serving what
older code or other files made. A file is written atomically and checked whole (its CRC-32, its header, how its
parts fit) every time it is read; a damaged one is removed and rebuilt with a warning, never trusted, never a
crash. Nothing in it is code (`prepared_codec`: numpy arrays and JSON, no pickle), so a cache dir needs no trust.

When several lists must be prepared at once (a cold run), they are prepared side by side in forked processes, the
largest first, each writing its file (atomically) and the parent reading it back: nothing large crosses a pipe.
Where a worker cannot write it, it sends the bytes back instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import magcheck
from magcheck.app.cachefolder import CacheFolder
from magcheck.app.prepared_codec import FORMAT, Inconsistent, decode_list, encode_list, unpack
from magcheck.errors import ListFileError
from magcheck.fsutil import write_atomically
from magcheck.gcpause import gc_paused
from magcheck.matching.align import quiet_child
from magcheck.matching.index import build_list_index
from magcheck.model import SanctionsList
from magcheck.store.bundled import snapshot_info
from magcheck.store.prepared import PrepareRequest

PREPARED_DIR = "prepared"  # under the cache root
SUFFIX = ".prepared"
KEEP_PER_LIST = 3  # prepared files kept per list (a data dir, the cached copy and the snapshot may alternate)
PARALLEL_MIN_BYTES = 4 * 1024 * 1024  # smaller batches are prepared in this process, one list after another
PACKAGE = Path(magcheck.__file__).resolve().parent
# What shapes a prepared list: the model, the parsers and the checks the store applies, normalisation and the
# index, and the prepared format itself. (Paths relative to the package; folders are taken whole.)
SHAPING = ("model.py", "text.py", "sources", "store", "matching", "app/prepared.py", "app/prepared_codec.py")


@cache
def code_fingerprint() -> str:
    """A hash of the source of everything that shapes a prepared list (about 50 small files: a few ms)."""
    digest = hashlib.sha256()
    for relative in SHAPING:
        path = PACKAGE / relative
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(PACKAGE)).encode("utf-8") + b"\0")
            with contextlib.suppress(OSError):  # unreadable source: its name still counts
                digest.update(file.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _workers(configured: int) -> int:
    """As the matcher: as configured, else the CPUs; one where fork is not safe (not Linux)."""
    if not sys.platform.startswith("linux"):
        return 1
    return configured if configured > 0 else (os.cpu_count() or 1)


@dataclass(frozen=True)
class Written:
    """A prepared file a worker wrote where `PreparedLists.path` says."""


Built = bytes | Written | SanctionsList | ListFileError  # a prepared file's bytes or the file itself, a list that
# could not be prepared, an error


class PreparedLists(CacheFolder):
    """The prepared-list cache under `root`: the `ListPreparer` the application gives the store."""

    def __init__(self, root: Path, *, workers: int = 0) -> None:
        super().__init__(root, SUFFIX, "cannot keep prepared lists in {root} ({why}): every run reads the files again")
        self.workers = workers  # processes for a batch to prepare (0: one per CPU)

    def path(self, request: PrepareRequest) -> Path:
        made_of = "\n".join((str(FORMAT), magcheck.__version__, code_fingerprint(), request.source))
        return self.root / f"{request.code}-{hashlib.sha256(made_of.encode('utf-8')).hexdigest()[:24]}{SUFFIX}"

    def load(self, requests: Sequence[PrepareRequest]) -> list[SanctionsList | ListFileError]:
        """Each list prepared when a file for it exists, else prepared now (and kept), in order."""
        results: list[SanctionsList | ListFileError | None] = [
            self._read(request) if request.source else None for request in requests]
        missing = [i for i, found in enumerate(results) if found is None]
        for i, built in zip(missing, self._build([requests[i] for i in missing]), strict=True):
            results[i] = self._keep(requests[i], built) if isinstance(built, bytes | Written) else built
        return [found for found in results if found is not None]

    # -- reading ---------------------------------------------------------------------------------------------

    def _read(self, request: PrepareRequest) -> SanctionsList | None:
        path = self.path(request)
        data = self.read(path, self._damage_message(request.code, path), request.code)
        if data is None:
            return None
        try:
            found = self._decode(request, data, path)
        except Inconsistent as exc:
            self.damaged(path, self._damage_message(request.code, path).format(why=exc), request.code)
            return None
        self.used(path)
        return found

    def _decode(self, request: PrepareRequest, data: bytes, path: Path) -> SanctionsList:
        unpacked = unpack(data)
        header = unpacked.header
        expected = {"magcheck": magcheck.__version__, "fingerprint": code_fingerprint(), "source": request.source,
                    "list": request.code}
        if any(header.get(key) != value for key, value in expected.items()):
            raise Inconsistent("made from other files or by another version")
        return decode_list(unpacked, path.name, lambda: self.remove(path))

    @staticmethod
    def _damage_message(code: str, path: Path) -> str:
        return f"{code}: the prepared copy {path.name} was damaged ({{why}}): prepared again"

    # -- preparing -------------------------------------------------------------------------------------------

    def _build(self, requests: Sequence[PrepareRequest]) -> list[Built]:
        workers = min(_workers(self.workers), len(requests))
        if workers < 2 or sum(r.size for r in requests) < PARALLEL_MIN_BYTES:
            return [prepare(request, self._header(request)) for request in requests]
        return self._build_in_parallel(requests, workers)

    def _build_in_parallel(self, requests: Sequence[PrepareRequest], workers: int) -> list[Built]:
        """Each list prepared in a forked process (the requests, parsers included, are inherited), the longest
        first, each worker taking the next when it is done; a list that could not be encoded is parsed again
        here."""
        global _FORK_REQUESTS
        order = sorted(range(len(requests)), key=lambda i: -_work(requests[i]))
        writable = self.writable()
        _FORK_REQUESTS = [(request, self._header(request), self.path(request) if writable else None)
                          for request in requests]
        try:
            with multiprocessing.get_context("fork").Pool(workers, initializer=quiet_child) as pool:
                done = dict(zip(order, pool.imap(_prepare_in_child, order, chunksize=1), strict=True))
        finally:
            _FORK_REQUESTS = []
        built: list[Built] = []
        for i, request in enumerate(requests):
            outcome = done[i]
            if isinstance(outcome, bytes):
                built.append(outcome)
            elif outcome == WRITTEN:
                built.append(Written())
            elif outcome is None:
                built.append(prepare(request, self._header(request)))
            else:
                built.append(ListFileError(*outcome))
        return built

    def _header(self, request: PrepareRequest) -> dict[str, str]:
        return {"magcheck": magcheck.__version__, "fingerprint": code_fingerprint(), "source": request.source}

    def _keep(self, request: PrepareRequest, built: bytes | Written) -> SanctionsList | ListFileError:
        """Write a prepared file (unless a worker did), and read the list back from its bytes (lazily, as a later
        run will)."""
        path = self.path(request)
        if isinstance(built, Written):
            try:
                data = path.read_bytes()
            except OSError:  # gone since the worker wrote it: prepare it here
                again = prepare(request, self._header(request))
                return self._keep(request, again) if isinstance(again, bytes) else again
            self.prune(request.code, path, KEEP_PER_LIST)
        else:
            data = built
            if request.source and self.writable():
                try:
                    write_atomically(path, data)
                    self.prune(request.code, path, KEEP_PER_LIST)
                except OSError as exc:
                    self.cannot_write(exc)
        try:
            return decode_list(unpack(data), path.name, lambda: self.remove(path))
        except Inconsistent as exc:  # a bug: never a partial list
            raise ListFileError(request.code, path.name, f"prepared copy is inconsistent ({exc})") from None


def _work(request: PrepareRequest) -> float:
    """How long a list takes to prepare, roughly: in proportion to its names (about 30 us each, parsing
    included, whatever the format), as many as its bundled snapshot had; else to the size of its files."""
    info = snapshot_info(request.code)
    return float(info.names) * 30e-6 if info is not None and info.names else request.size * 0.1e-6


def prepare(request: PrepareRequest, header: dict[str, str]) -> bytes | SanctionsList | ListFileError:
    """Parse a list and index its names; the prepared file's bytes (the parsed list itself when it cannot be
    stored as one, the error when its files are bad)."""
    with gc_paused():  # hundreds of thousands of objects that all live on: nothing for the collector
        try:
            parsed = request.parse()
        except ListFileError as exc:
            return exc
        if not request.source:
            return parsed
        try:
            return encode_list(parsed, build_list_index(parsed.entries), header)
        except ValueError:
            return parsed


_FORK_REQUESTS: list[tuple[PrepareRequest, dict[str, str], Path | None]] = []
WRITTEN = "written"


def _prepare_in_child(index: int) -> str | bytes | tuple[str, str, str] | None:
    """In a forked worker: WRITTEN once the prepared file is written where `path` says, else its bytes; or a
    ListFileError's parts (exceptions with arguments do not travel whole), or None for a list to prepare in the
    parent."""
    request, header, path = _FORK_REQUESTS[index]
    built = prepare(request, header)
    if isinstance(built, bytes):
        if path is not None:
            with contextlib.suppress(OSError):  # the parent writes it, or says why it cannot
                write_atomically(path, built)
                return WRITTEN
        return built
    if isinstance(built, ListFileError):
        return built.list_code, built.file, built.reason
    return None
