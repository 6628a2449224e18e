"""The cache: atomic installs, dated previous copies, recovery from damage, and clear errors when unwritable."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from magcheck.errors import CacheError, ExitStatus
from magcheck.store.cache import Cache, CopyMeta, FileMeta, default_cache_root
from magcheck.store.fetch import Outcome, fetch_lists
from tests.store.support import (  # noqa: F401
    CA_200,
    CA_FILE,
    FAST_HTTP,
    _no_outside_settings,
    run_cli,
    tree_bytes,
    trimmed_ca,
)


def make_copy(cache: Cache, code: str, body: bytes, fetched_at: str, entries: int = 1) -> None:
    """Install a copy directly, the way fetch does once a download validated."""
    with cache.locked(), cache.staging(code) as staging:
        (staging / "data.txt").write_bytes(body)
        meta = CopyMeta(list=code, title=code, fetched_at=fetched_at, checked_at=fetched_at,
                        files={"data.txt": FileMeta("data.txt", "http://x/data.txt", fetched_at, "0", len(body))},
                        layout_files=["data.txt"], entries=entries)
        cache.install(code, staging, meta)


def test_default_root_is_the_user_cache_dir() -> None:
    assert default_cache_root().name == "magcheck"


def test_previous_copies_are_kept_dated_and_pruned(tmp_path: Path) -> None:
    cache = Cache(tmp_path, keep=5)
    for day in range(1, 9):
        make_copy(cache, "xx", f"version {day}".encode(), f"2026-11-0{day}T04:00:00Z")
    copies = cache.copies("xx")
    assert len(copies) == 6  # the current one and five previous
    assert copies[0].files["data.txt"].read_bytes() == b"version 8"
    assert [c.meta.fetched_at[:10] for c in cache.previous("xx")] == [f"2026-11-0{d}" for d in (7, 6, 5, 4, 3)]
    assert copies[0].directory.name.endswith("-20261108T040000Z")


def test_a_damaged_newest_copy_falls_back_to_the_previous_one(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    make_copy(cache, "xx", b"good", "2026-11-01T04:00:00Z")
    make_copy(cache, "xx", b"newer", "2026-11-02T04:00:00Z")
    (cache.current("xx").directory / "meta.json").write_text("{not json")
    assert cache.current("xx").files["data.txt"].read_bytes() == b"good"


def test_leftovers_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    leftover = tmp_path / "xx" / ".staging-dead"
    leftover.mkdir(parents=True)
    (leftover / "data.txt.part").write_bytes(b"half")
    make_copy(cache, "xx", b"good", "2026-11-01T04:00:00Z")
    assert not leftover.exists()
    assert cache.current("xx").files["data.txt"].read_bytes() == b"good"


def test_cache_path_under_a_regular_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(CacheError, match="cannot write the cache at"), Cache(blocker / "cache").locked():
        pass
    result = run_cli(["fetch", "--list", "ca"], env={"MAGCHECK_CACHE_DIR": str(blocker / "cache"),
                                                     "MAGCHECK_MIRROR": "http://127.0.0.1:9"})
    assert result.code == ExitStatus.CACHE
    assert len(result.stderr_lines) == 1, result.stderr
    assert result.stderr.startswith("magcheck: error: cannot write the cache at ")
    assert "Traceback" not in result.stderr


def serve_ca(httpserver: HTTPServer, body: bytes) -> None:
    httpserver.expect_request(f"/ca/{CA_FILE}").respond_with_data(
        body, headers={"Last-Modified": "Wed, 24 Sep 2025 10:00:00 GMT"})


@pytest.mark.parametrize("where", ["writing-the-download", "installing-the-copy"])
def test_disk_full_keeps_the_last_good_copy(httpserver: HTTPServer, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    serve_ca(httpserver, CA_200)
    env = {"MAGCHECK_CACHE_DIR": str(tmp_path), "MAGCHECK_MIRROR": httpserver.url_for("/")}
    assert run_cli(["fetch", "--list", "ca"], env=env).code == 0
    before = tree_bytes(tmp_path)
    httpserver.clear()
    serve_ca(httpserver, trimmed_ca(196))

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if where == "writing-the-download":
        monkeypatch.setattr(os, "replace", no_space)
    else:
        import magcheck.store.cache

        monkeypatch.setattr(magcheck.store.cache, "write_atomically", no_space)
    result = run_cli(["fetch", "--list", "ca"], env=env)
    monkeypatch.undo()
    assert result.code == ExitStatus.CACHE
    assert result.stderr_lines == [f"magcheck: error: cannot write the cache at {tmp_path}: disk full "
                                   "(no space left on device) (use --cache-dir or MAGCHECK_CACHE_DIR to "
                                   "choose another place)"]
    assert tree_bytes(tmp_path) == before
    assert not list((tmp_path / "ca").glob(".staging-*"))


def test_metadata_records_what_was_read(httpserver: HTTPServer, tmp_path: Path) -> None:
    import hashlib

    serve_ca(httpserver, CA_200)
    report = fetch_lists(["ca"], cache=Cache(tmp_path), mirror=httpserver.url_for("/"), http=FAST_HTTP)
    assert report.outcomes[0].outcome is Outcome.FRESH
    meta = Cache(tmp_path).current("ca").meta
    file = meta.files[CA_FILE]
    assert file.sha256 == hashlib.sha256(CA_200).hexdigest()
    assert file.size == len(CA_200)
    assert file.fetched_at.endswith("Z") and meta.checked_at.endswith("Z")
    assert (meta.list, meta.entries, meta.layout_files) == ("ca", 200, [CA_FILE])
    assert (meta.list_date, meta.date_note) == ("2025-09-24", "server Last-Modified")
