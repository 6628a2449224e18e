"""Prepared lists (app.prepared, app.prepared_codec): a list read once is kept parsed, normalised and indexed, and
the next run reads it back exactly, never from a file made by other code, other files or another version, never
from a damaged file (rebuilt with a warning), never through pickle.

The lists are the trimmed real excerpts of tests/fixtures (a data dir) and the bundled snapshot."""

from __future__ import annotations

import ast
import dataclasses
import errno
import os
import pickle
import shutil
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import orjson
import pytest

import magcheck
from magcheck.app import prepared, prepared_codec
from magcheck.app.prepared import PreparedLists
from magcheck.app.prepared_codec import ENTRY_FIELDS, LazyEntry, PreparedEntries, PreparedList
from magcheck.errors import ListFileError
from magcheck.matching.align import Matcher
from magcheck.matching.index import build_list_index
from magcheck.model import Entry, SanctionsList
from magcheck.notices import Severity
from magcheck.store.bundled import bundled_request, load_bundled, with_snapshot_date
from magcheck.store.cache import Cache
from magcheck.store.load import StoreLoader, dir_request, load_from_dir
from magcheck.store.prepared import PrepareRequest
from tests.app.conftest import CODES
from tests.conftest import FIXTURES


class Counted:
    """Requests whose parsing is counted: a hit parses nothing."""

    def __init__(self) -> None:
        self.parsed: list[str] = []

    def wrap(self, request: PrepareRequest) -> PrepareRequest:
        def parse() -> SanctionsList:
            self.parsed.append(request.code)
            return request.parse()

        return dataclasses.replace(request, parse=parse)


def load(cache: PreparedLists, data_dir: Path, counted: Counted, codes: tuple[str, ...] = CODES) -> list[SanctionsList]:
    found = cache.load([counted.wrap(dir_request(data_dir, code)) for code in codes])
    assert all(isinstance(lst, SanctionsList) for lst in found), found
    return found  # type: ignore[return-value]


def prepared_files(root: Path) -> list[Path]:
    return sorted(root.glob("*.prepared"))


def test_a_list_read_again_comes_prepared_and_equal(tmp_path: Path, data_dir: Path) -> None:
    cache, counted = PreparedLists(tmp_path / "prepared"), Counted()
    first = load(cache, data_dir, counted)
    assert counted.parsed == list(CODES) and len(prepared_files(cache.root)) == len(CODES)
    second = Counted()
    again = load(PreparedLists(tmp_path / "prepared"), data_dir, second)
    assert second.parsed == []  # every list from its prepared file
    for lst, parsed in zip(again, first, strict=True):
        reference = load_from_dir(data_dir, lst.code)
        assert isinstance(lst, PreparedList) and isinstance(lst.entries, PreparedEntries)
        assert (lst.code, lst.title, lst.date, lst.files, lst.date_note, lst.warnings) == (
            reference.code, reference.title, reference.date, reference.files, reference.date_note, reference.warnings)
        assert lst.origin is None  # the loader gives it
        assert len(lst.entries) == len(reference.entries) and list(lst.entries) == reference.entries
        assert lst.latest_listing == reference.latest_listing
        assert lst.count_by_type() == reference.count_by_type()
        assert lst.entries.name_count == sum(1 + len(e.other_names) for e in reference.entries)
        assert list(parsed.entries) == reference.entries


def test_the_prepared_index_is_the_one_built_from_the_entries(tmp_path: Path, data_dir: Path) -> None:
    load(PreparedLists(tmp_path / "prepared"), data_dir, Counted())
    for lst in load(PreparedLists(tmp_path / "prepared"), data_dir, Counted()):
        assert isinstance(lst.entries, PreparedEntries)
        stored, built = lst.entries.name_index, build_list_index(load_from_dir(data_dir, lst.code).entries)
        assert list(stored.classes) == list(built.classes)
        for name in ("classes", "lengths", "missing", "qualifier"):
            assert np.array_equal(getattr(stored.layout, name), getattr(built.layout, name)), name
        assert np.array_equal(stored.frequency, built.frequency)
        assert np.array_equal(stored.table.row_entry, built.table.row_entry)
        assert np.array_equal(stored.table.weak, built.table.weak)
        assert list(stored.table.forms) == list(built.table.forms)
        assert list(stored.table.names) == list(built.table.names)
        assert dict(stored.identifiers) == dict(built.identifiers)
        assert dict(stored.doubtful) == dict(built.doubtful)
        assert stored.positions == built.positions
        kinds, expected = stored.table.entry_kinds(), built.table.entry_kinds()
        assert all(np.array_equal(getattr(kinds, k), getattr(expected, k)) for k in ("person", "dated", "national"))


def test_matching_prepared_lists_gives_the_same_answers(tmp_path: Path, data_dir: Path) -> None:
    load(PreparedLists(tmp_path / "prepared"), data_dir, Counted())
    ready = {lst.code: lst.entries for lst in load(PreparedLists(tmp_path / "prepared"), data_dir, Counted())}
    parsed = {code: load_from_dir(data_dir, code).entries for code in CODES}

    def answers(lists: Mapping[str, Sequence[Entry]]) -> list[tuple[object, ...]]:
        matcher = Matcher(lists)
        found: list[tuple[object, ...]] = []
        for code in ("us", "uk"):
            others = [c for c in CODES if c != code]
            alignment = matcher.align(list(lists[code]), others)
            for key, by_list in alignment.coverage.items():
                for other, coverage in by_list.items():
                    for counterpart in (*coverage.matches, *coverage.review):
                        detail = counterpart.detail
                        assert detail is not None
                        found.append((key, other, counterpart.entry.key, counterpart.score,
                                      tuple(e.label for e in detail.evidence), counterpart.outranked_by))
        return found

    expected = answers(parsed)
    assert len(expected) > 20
    assert answers(ready) == expected


def test_a_changed_file_is_prepared_again(tmp_path: Path, data_dir: Path) -> None:
    cache = PreparedLists(tmp_path / "prepared")
    load(cache, data_dir, Counted(), ("ca",))
    (old,) = prepared_files(cache.root)
    path = data_dir / "ca" / "sema-lmes.xml"
    path.write_bytes(path.read_bytes().replace(b"<GivenName>", b"<GivenName> ", 1))
    counted = Counted()
    (lst,) = load(cache, data_dir, counted, ("ca",))
    assert counted.parsed == ["ca"]
    assert list(lst.entries) == load_from_dir(data_dir, "ca").entries
    assert old in prepared_files(cache.root) and len(prepared_files(cache.root)) == 2  # the older one kept a while


def test_changed_code_is_never_served_what_older_code_made(tmp_path: Path, data_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    cache = PreparedLists(tmp_path / "prepared")
    load(cache, data_dir, Counted(), ("un",))
    fingerprint = prepared.code_fingerprint()
    assert len(fingerprint) == 64 and prepared.code_fingerprint() == fingerprint  # stable within a run
    monkeypatch.setattr(prepared, "code_fingerprint", lambda: "0" * 64)
    counted = Counted()
    load(cache, data_dir, counted, ("un",))
    assert counted.parsed == ["un"]


def test_the_fingerprint_covers_the_parsers_normalisation_and_the_index() -> None:
    shaping = {str(p.relative_to(prepared.PACKAGE)) for relative in prepared.SHAPING
               for p in (prepared.PACKAGE / relative).rglob("*.py")} | set(prepared.SHAPING)
    for module in ("sources/us.py", "sources/uk.py", "matching/normalize.py", "matching/index.py", "model.py",
                   "store/validate.py", "app/prepared_codec.py"):
        assert module in shaping, module
    assert any(p.suffix == ".tsv" for p in (prepared.PACKAGE / "matching" / "data").iterdir())  # the tables too


def test_another_version_prepares_again(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = PreparedLists(tmp_path / "prepared")
    load(cache, data_dir, Counted(), ("un",))
    monkeypatch.setattr(magcheck, "__version__", "99.0.0")
    counted = Counted()
    load(cache, data_dir, counted, ("un",))
    assert counted.parsed == ["un"]


def damage_body(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["flipped-byte", "cut-short", "empty", "not-ours", "header-garbage"])
def test_a_damaged_prepared_file_is_rebuilt_with_a_warning(tmp_path: Path, data_dir: Path, damage: str) -> None:
    cache = PreparedLists(tmp_path / "prepared")
    load(cache, data_dir, Counted(), ("ca",))
    (path,) = prepared_files(cache.root)
    good = path.read_bytes()
    if damage == "flipped-byte":
        damage_body(path)
    elif damage == "cut-short":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "not-ours":
        path.write_bytes(b"\x80\x04\x95pickle or anything else")
    else:
        path.write_bytes(prepared_codec.MAGIC + b"\xff\xff\x00\x00{not json")
    cache, counted = PreparedLists(tmp_path / "prepared"), Counted()
    (lst,) = load(cache, data_dir, counted, ("ca",))
    assert counted.parsed == ["ca"]
    assert list(lst.entries) == load_from_dir(data_dir, "ca").entries
    (notice,) = cache.take_notices()
    assert notice.severity is Severity.WARNING and notice.list == "ca"
    assert notice.text.startswith(f"ca: the prepared copy {path.name} was damaged (")
    assert notice.text.endswith("): prepared again")
    assert path.read_bytes() == good  # rebuilt whole


def forge(path: Path, edit: Callable[[dict[str, object], bytearray], None]) -> None:
    """Rewrite a prepared file with an edited header or body and a checksum that matches (a forged file)."""
    unpacked = prepared_codec.unpack(path.read_bytes())
    header, body = dict(unpacked.header), bytearray(unpacked.body)
    edit(header, body)
    sections = {}
    for name, (offset, length, kind, _) in header.pop("sections").items():  # type: ignore[attr-defined]
        data = bytes(body[offset:offset + length])
        sections[name] = data if kind == "bytes" else np.frombuffer(data, dtype=prepared_codec._DTYPES[kind])
    for key in ("body", "crc32"):
        header.pop(key)
    path.write_bytes(prepared_codec.pack(header, sections))


def test_a_forged_file_declaring_objects_is_refused_not_unpickled(tmp_path: Path, data_dir: Path) -> None:
    cache = PreparedLists(tmp_path / "prepared")
    load(cache, data_dir, Counted(), ("un",))
    (path,) = prepared_files(cache.root)
    unpacked = prepared_codec.unpack(path.read_bytes())
    header = dict(unpacked.header)
    header["sections"] = {**header["sections"], "frequency": [*header["sections"]["frequency"][:2], "O", 1]}
    head = orjson.dumps(header)
    start = len(prepared_codec.MAGIC) + 4 + len(head)
    path.write_bytes(prepared_codec.MAGIC + len(head).to_bytes(4, "little") + head + b"\0" * (-start % 8)
                     + bytes(unpacked.body))
    lists = {lst.code: lst for lst in load(PreparedLists(tmp_path / "prepared"), data_dir, Counted(), ("un",))}
    with pytest.raises(ListFileError, match=r"prepared copy is inconsistent .*section frequency"):
        Matcher({"un": lists["un"].entries})
    assert not path.exists()  # removed: the next run prepares it again


def test_an_entry_that_does_not_decode_ends_the_run_in_one_line(tmp_path: Path, data_dir: Path) -> None:
    cache = PreparedLists(tmp_path / "prepared")
    load(cache, data_dir, Counted(), ("un",))
    (path,) = prepared_files(cache.root)

    def break_first_entry(header: dict[str, object], body: bytearray) -> None:
        offset = header["sections"]["entries"][0]  # type: ignore[index]
        body[offset:offset + 2] = b"{{"

    forge(path, break_first_entry)
    (lst,) = load(PreparedLists(tmp_path / "prepared"), data_dir, Counted(), ("un",))
    first = lst.entries[0]
    assert first.uid  # the id is read with the heads
    with pytest.raises(ListFileError) as caught:
        _ = first.name
    assert str(caught.value).startswith(f"un: {path.name}: prepared copy is inconsistent (entry 0 cannot be decoded")
    assert not path.exists()


def test_reading_never_unpickles(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load(PreparedLists(tmp_path / "prepared"), data_dir, Counted())

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pickle used")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    monkeypatch.setattr(np, "load", refuse)
    for lst in load(PreparedLists(tmp_path / "prepared"), data_dir, Counted()):
        assert isinstance(lst.entries, PreparedEntries)
        assert len(list(lst.entries)) == len(lst.entries) and lst.entries.name_index.table.forms[0].tokens


def test_the_prepared_modules_import_no_pickling_module() -> None:
    for module in (prepared, prepared_codec):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {"pickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}, module.__name__
        assert "allow_pickle=True" not in Path(module.__file__).read_text(encoding="utf-8")


def test_a_prepared_file_appears_whole_or_not_at_all(tmp_path: Path, data_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", no_space)  # the rename that installs a written file
    cache = PreparedLists(tmp_path / "prepared")
    lists = load(cache, data_dir, Counted(), ("us", "ca"))
    monkeypatch.undo()
    assert list(cache.root.iterdir()) == []  # no prepared file, no temporary file left
    assert [list(lst.entries) for lst in lists] == [load_from_dir(data_dir, c).entries for c in ("us", "ca")]
    (notice,) = cache.take_notices()  # said once for the run, not once per list
    assert notice.severity is Severity.WARNING
    assert notice.text == (f"cannot keep prepared lists in {cache.root} (No space left on device): every run reads "
                           "the files again")


def test_bad_files_are_the_parsers_errors_not_prepared(tmp_path: Path, data_dir: Path) -> None:
    (data_dir / "ca" / "sema-lmes.xml").write_bytes(b"<html>disk rot</html>")
    cache = PreparedLists(tmp_path / "prepared")
    (result,) = cache.load([dir_request(data_dir, "ca")])
    assert isinstance(result, ListFileError) and result.list_code == "ca" and "HTML" in result.reason
    assert prepared_files(cache.root) == []


def test_lists_prepared_side_by_side_are_those_prepared_one_by_one(tmp_path: Path, data_dir: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (data_dir / "uk" / "UK-Sanctions-List.xml").write_bytes(b"<html>disk rot</html>")
    (data_dir / "uk" / "ConList.csv").unlink()
    monkeypatch.setattr(prepared, "PARALLEL_MIN_BYTES", 0)
    parallel = PreparedLists(tmp_path / "parallel", workers=2)
    results = parallel.load([dir_request(data_dir, code) for code in CODES])
    error = results[CODES.index("uk")]
    assert isinstance(error, ListFileError) and error.list_code == "uk" and "HTML" in error.reason  # travels whole
    serial = PreparedLists(tmp_path / "serial", workers=1)
    expected = serial.load([dir_request(data_dir, code) for code in CODES if code != "uk"])
    found = [r for r in results if not isinstance(r, ListFileError)]
    for lst, other in zip(found, expected, strict=True):
        assert isinstance(lst, SanctionsList) and isinstance(other, SanctionsList)
        assert list(lst.entries) == list(other.entries)
    assert [p.read_bytes() for p in prepared_files(parallel.root)] == [p.read_bytes()
                                                                       for p in prepared_files(serial.root)]


def test_the_bundled_snapshot_is_prepared_on_first_use(tmp_path: Path) -> None:
    cache, counted = PreparedLists(tmp_path / "prepared"), Counted()
    cache.load([counted.wrap(bundled_request("ca"))])
    (again,) = cache.load([counted.wrap(bundled_request("ca"))])
    assert counted.parsed == ["ca"]
    assert isinstance(again, SanctionsList)
    expected = load_bundled("ca")
    assert expected is not None
    dated = with_snapshot_date(again, "ca")
    assert (dated.date, dated.date_note, dated.origin) == (expected.date, expected.date_note, expected.origin)
    assert list(dated.entries) == expected.entries


def test_a_store_loader_reads_prepared_copies_of_its_cache(tmp_path: Path) -> None:
    """The cached copy's key is its meta.json's SHA-256; a file whose size no longer matches is not trusted."""
    cache = Cache(tmp_path / "cache")
    with cache.locked(), cache.staging("ca") as staging:
        shutil.copy(FIXTURES / "ca" / "sema-lmes.xml", staging / "sema-lmes.xml")
        from magcheck.store.cache import CopyMeta, FileMeta
        from magcheck.store.prepared import file_digest

        path = staging / "sema-lmes.xml"
        meta = CopyMeta("ca", "Canada", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z",
                        {"sema-lmes.xml": FileMeta("sema-lmes.xml", "https://example.org/sema-lmes.xml",
                                                   "2026-01-01T00:00:00Z", file_digest(path), path.stat().st_size)},
                        ["sema-lmes.xml"], 0)
        copy = cache.install("ca", staging, meta)
    preparer = PreparedLists(tmp_path / "cache" / "prepared")
    loader = StoreLoader(cache=cache, offline=True, preparer=preparer)
    loader.fetch = lambda *a, **k: pytest.fail("no download")  # type: ignore[method-assign]
    first = loader.load(["ca"]).lists["ca"]
    assert len(prepared_files(preparer.root)) == 1
    second = loader.load(["ca"]).lists["ca"]
    assert isinstance(second.entries, PreparedEntries) and second.origin == first.origin
    assert list(second.entries) == list(first.entries)
    copy.files["sema-lmes.xml"].write_bytes(b"<html>disk rot</html>")  # another size: the parser decides
    loaded = loader.load(["ca"])
    assert loaded.lists["ca"].origin is not None and loaded.lists["ca"].origin.is_bundled
    assert any("is unreadable" in n.text for n in loaded.notices)


def test_lazy_entries_are_entries(tmp_path: Path, data_dir: Path) -> None:
    load(PreparedLists(tmp_path / "prepared"), data_dir, Counted(), ("us",))
    (lst,) = load(PreparedLists(tmp_path / "prepared"), data_dir, Counted(), ("us",))
    expected = load_from_dir(data_dir, "us").entries
    assert {f.name for f in dataclasses.fields(Entry)} == set(ENTRY_FIELDS)  # a new field must be encoded
    lazy = lst.entries[3]
    assert isinstance(lazy, LazyEntry) and lst.entries[3] is lazy and lst.entries[-len(expected) + 3] is lazy
    assert lazy.key == expected[3].key and lazy.programs == expected[3].programs
    assert lazy == expected[3] and expected[3] == lazy and lazy != expected[4]
    assert repr(lazy) == repr(expected[3])
    changed = lst.entries[5]
    changed.remarks = "edited"  # set before anything was decoded: kept, the rest decoded around it
    assert changed.remarks == "edited" and changed.name == expected[5].name
    assert dataclasses.replace(lst.entries[6], uid="x") == dataclasses.replace(expected[6], uid="x")
    assert pickle.loads(pickle.dumps(lst.entries[7])) == expected[7]
    assert lst.entries[1:3] == expected[1:3]
    with pytest.raises(AttributeError):
        _ = lazy.no_such_field  # type: ignore[attr-defined]


def test_a_replaced_entry_list_is_counted_anew(tmp_path: Path, data_dir: Path) -> None:
    load(PreparedLists(tmp_path / "prepared"), data_dir, Counted(), ("ca",))
    (lst,) = load(PreparedLists(tmp_path / "prepared"), data_dir, Counted(), ("ca",))
    kept = [e for e in lst.entries if e.listed != lst.latest_listing]
    smaller = dataclasses.replace(lst, entries=kept)
    assert smaller.latest_listing == max(e.listed for e in kept if e.listed)
    assert smaller.count_by_type() == SanctionsList("ca", "", None, (), kept).count_by_type()


def test_old_prepared_files_are_pruned(tmp_path: Path, data_dir: Path) -> None:
    cache = PreparedLists(tmp_path / "prepared")
    path = data_dir / "un" / "consolidated.xml"
    original = path.read_bytes()
    for extra in range(prepared.KEEP_PER_LIST + 2):
        path.write_bytes(original + b"\n" * (extra + 1))
        load(cache, data_dir, Counted(), ("un",))
    assert len(prepared_files(cache.root)) == prepared.KEEP_PER_LIST


def test_the_checksum_covers_the_body(tmp_path: Path, data_dir: Path) -> None:
    load(PreparedLists(tmp_path / "prepared"), data_dir, Counted(), ("un",))
    (path,) = prepared_files(tmp_path / "prepared")
    unpacked = prepared_codec.unpack(path.read_bytes())
    assert unpacked.header["crc32"] == zlib.crc32(unpacked.body)
    assert unpacked.header["list"] == "un" and unpacked.header["magcheck"] == magcheck.__version__


def test_a_worker_that_cannot_write_sends_its_list_back(tmp_path: Path, data_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    parent, write = os.getpid(), prepared.write_atomically

    def only_in_the_parent(path: Path, data: bytes) -> None:
        if os.getpid() != parent:
            (tmp_path / f"refused-{os.getpid()}-{path.name}").touch()  # the worker tried
            raise OSError(28, "No space left on device")
        write(path, data)

    monkeypatch.setattr(prepared, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(prepared, "write_atomically", only_in_the_parent)
    cache = PreparedLists(tmp_path / "prepared", workers=2)
    found = cache.load([dir_request(data_dir, code) for code in CODES])
    expected = PreparedLists(tmp_path / "serial", workers=1).load([dir_request(data_dir, code) for code in CODES])
    assert [list(lst.entries) for lst in found] == [list(lst.entries) for lst in expected]  # type: ignore[union-attr]
    assert len(prepared_files(cache.root)) == len(CODES) and cache.take_notices() == []
    assert len(list(tmp_path.glob("refused-*"))) == len(CODES)  # every list came back from its worker as bytes
