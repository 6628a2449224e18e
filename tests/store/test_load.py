"""`StoreLoader`, the one loader every reading command uses: data-dir, else cache, else fetch, else snapshot."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from magcheck.errors import ExitStatus, ListFileError
from magcheck.model import OriginKind
from magcheck.notices import Severity
from magcheck.sources import all_sources
from magcheck.store.cache import Cache
from magcheck.store.load import StoreLoader
from tests.store.support import (  # noqa: F401
    CA_200,
    CA_FILE,
    FAST_HTTP,
    _no_outside_settings,
    run_cli,
    serve_directory,
)

LAST_MODIFIED = "Wed, 24 Sep 2025 10:00:00 GMT"
SNAPSHOT_DATES = {"us": "2024-05-03", "uk": "2025-04-14", "ca": "2025-09-22", "au": "2024-11-11", "un": "2025-11-18"}
BUNDLED = [code for code, source in all_sources().items() if source.bundled]
FULL_COUNTS = {"us": 14965, "uk": 4688, "ca": 5090, "au": 3062, "un": 1000}  # the real files, in full


def serve_ca(httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"/ca/{CA_FILE}").respond_with_data(CA_200, headers={"Last-Modified": LAST_MODIFIED})


def lists_json(*args: str, env: dict[str, str]):
    result = run_cli(["lists", "--format", "json", *args], env=env)
    return result, (json.loads(result.stdout) if result.stdout.strip() else None)


def test_empty_cache_fetches_first_then_reads_the_cache(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_ca(httpserver)
    env = {"MAGCHECK_CACHE_DIR": str(tmp_path), "MAGCHECK_MIRROR": httpserver.url_for("/")}
    result, data = lists_json("--list", "ca", env=env)
    assert result.code == 0 and result.stderr == ""
    assert data[0]["origin"].startswith("cache (fetched ") and data[0]["origin"].endswith(" UTC)")
    assert (data[0]["date"], data[0]["date_note"], data[0]["entries"]) == ("2025-09-24", "server Last-Modified", 200)
    assert Cache(tmp_path).current("ca") is not None
    # the cached copy is now read without asking the server, even with no network at all
    again, data = lists_json("--list", "ca", env={**env, "MAGCHECK_MIRROR": "http://no-such-host.invalid"})
    assert again.code == 0 and again.stderr == ""
    assert data[0]["entries"] == 200
    assert len(httpserver.log) == 1


def test_offline_with_an_empty_cache_uses_the_bundled_snapshot(tmp_path: Path) -> None:
    started = time.monotonic()
    result, data = lists_json("--offline", env={"MAGCHECK_CACHE_DIR": str(tmp_path)})
    elapsed = time.monotonic() - started
    assert result.code == ExitStatus.STALE  # asked for, but still stale data: said, and in the status
    assert "Traceback" not in result.stderr
    codes = BUNDLED
    assert result.stderr_lines == [
        *(f"magcheck: warning: {code}: using the bundled snapshot of {SNAPSHOT_DATES[code]} "
          "(offline and nothing in the cache)" for code in codes),
        "magcheck: warning: eu: left out of this run: offline and nothing in the cache, and magcheck bundles no "
        "snapshot of this list"]
    assert [d["origin"] for d in data] == ["bundled snapshot"] * len(codes)
    assert {d["list"]: d["date"] for d in data} == {code: SNAPSHOT_DATES[code] for code in codes}
    assert {d["list"]: d["entries"] for d in data} == {code: FULL_COUNTS[code] for code in codes}
    assert not tmp_path.joinpath("ca").exists()  # offline never writes the cache
    assert elapsed < 10  # generous for CI; the real budget (well under 2 s) is checked by hand


def test_network_failure_with_no_cache_falls_back_with_status_1(tmp_path: Path) -> None:
    started = time.monotonic()
    result, data = lists_json("--list", "ca", env={"MAGCHECK_CACHE_DIR": str(tmp_path),
                                                   "MAGCHECK_MIRROR": "http://no-such-host.invalid"})
    assert time.monotonic() - started < 5
    assert result.code == ExitStatus.STALE
    assert result.stderr_lines == [
        "magcheck: warning: ca: using the bundled snapshot of 2025-09-22 "
        "(download failed: cannot resolve no-such-host.invalid (no network?))"]
    assert data[0]["origin"] == "bundled snapshot"
    assert (data[0]["date"], data[0]["date_note"]) == ("2025-09-22", "snapshot date")


def test_quiet_never_hides_that_the_data_is_a_fallback(tmp_path: Path) -> None:
    result, _ = lists_json("--list", "ca", "--quiet", env={"MAGCHECK_CACHE_DIR": str(tmp_path),
                                                           "MAGCHECK_MIRROR": "http://no-such-host.invalid"})
    assert result.code == ExitStatus.STALE
    assert result.stderr_lines == [
        "magcheck: warning: ca: using the bundled snapshot of 2025-09-22 "
        "(download failed: cannot resolve no-such-host.invalid (no network?))"]


def test_an_unreadable_cached_copy_is_reported_and_replaced(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_ca(httpserver)
    StoreLoader(cache=Cache(tmp_path), mirror=httpserver.url_for("/"), http=FAST_HTTP).load(["ca"])
    Cache(tmp_path).current("ca").files[CA_FILE].write_bytes(b"<html>disk rot</html>")
    loaded = StoreLoader(cache=Cache(tmp_path), offline=True).load(["ca"])
    assert loaded.lists["ca"].origin.kind is OriginKind.BUNDLED
    first, second = loaded.notices
    assert first.severity is Severity.WARNING and first.text.startswith("ca: the cached copy (fetched ")
    assert "is unreadable: sema-lmes.xml: is an HTML page" in first.text
    assert second.severity is Severity.DEGRADED
    assert second.text.startswith("ca: using the bundled snapshot of 2025-09-22 (cached copy unreadable")


def test_a_list_fetched_by_this_run_says_so_and_then_comes_from_the_cache(httpserver: HTTPServer,
                                                                          tmp_path: Path) -> None:
    serve_ca(httpserver)
    loader = StoreLoader(cache=Cache(tmp_path), mirror=httpserver.url_for("/"), http=FAST_HTTP)
    assert loader.load(["ca"]).lists["ca"].origin.kind is OriginKind.FETCHED
    again = loader.load(["ca"]).lists["ca"].origin
    assert again.kind is OriginKind.CACHE and again.fetched_at is not None and again.checked_at is not None


def test_a_cache_not_confirmed_for_weeks_is_degraded_data(httpserver: HTTPServer, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    serve_ca(httpserver)
    StoreLoader(cache=Cache(tmp_path), mirror=httpserver.url_for("/"), http=FAST_HTTP).load(["ca"])
    later = datetime.now(UTC) + timedelta(days=12)
    loaded = StoreLoader(cache=Cache(tmp_path), offline=True, now=later, stale_days=7).load(["ca"])
    assert loaded.degraded
    (notice,) = loaded.notices
    assert notice.severity is Severity.DEGRADED and "last confirmed current 12 days ago" in notice.text
    assert not StoreLoader(cache=Cache(tmp_path), offline=True, stale_days=30, now=later).load(["ca"]).degraded


def test_data_dir_reads_only_there(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "ca"
    folder.mkdir(parents=True)
    (folder / CA_FILE).write_bytes(CA_200)
    loaded = StoreLoader(data_dir=tmp_path / "data", cache=Cache(tmp_path / "cache")).load(["ca"])
    origin = loaded.lists["ca"].origin
    assert (origin.kind, origin.path, str(origin)) == (OriginKind.DATA_DIR, str(tmp_path / "data"),
                                                       f"data-dir {tmp_path / 'data'}")
    assert len(loaded.lists["ca"].entries) == 200
    assert not (tmp_path / "cache").exists()
    # 200 of the real 5,090 records: read as asked, but said loudly (it looks cut short)
    (notice,) = loaded.notices
    assert notice.severity is Severity.DEGRADED and loaded.degraded
    assert notice.text.startswith("ca: the list read from the data dir has 200 entries where the bundled snapshot "
                                  "of 2025-09-22 had 5,090 (96% fewer")


def test_a_list_with_no_files_in_the_data_dir_is_absent(tmp_path: Path) -> None:
    (tmp_path / "ca").mkdir()
    (tmp_path / "ca" / CA_FILE).write_bytes(CA_200)
    loaded = StoreLoader(data_dir=tmp_path).load(["ca", "uk"])
    assert list(loaded.lists) == ["ca"]
    assert loaded.absent["uk"].startswith("its files (UK-Sanctions-List.xml or ConList.csv) are not in ")


def test_a_broken_file_in_the_data_dir_is_an_error_not_an_absence(tmp_path: Path) -> None:
    (tmp_path / CA_FILE).write_bytes(CA_200[: len(CA_200) // 2])
    with pytest.raises(ListFileError, match="truncated or malformed XML"):
        StoreLoader(data_dir=tmp_path).load(["ca", "uk"])


def test_a_list_without_a_snapshot_is_absent_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A list magcheck bundles no snapshot of (the EU's) is left out of an offline run with a note."""
    import dataclasses

    from magcheck import sources

    registry = dict(sources.all_sources())
    registry["ca"] = dataclasses.replace(registry["ca"], bundled=False)
    monkeypatch.setattr("magcheck.store.load.get_source", registry.__getitem__)
    loaded = StoreLoader(cache=Cache(tmp_path), offline=True).load(["ca"])
    assert loaded.lists == {} and "bundles no snapshot" in loaded.absent["ca"] and loaded.notices == []


def test_unwritable_cache_is_a_clear_error_when_a_fetch_is_needed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli(["lists", "--list", "ca"], env={"MAGCHECK_CACHE_DIR": str(blocker / "cache"),
                                                     "MAGCHECK_MIRROR": "http://no-such-host.invalid"})
    assert result.code == ExitStatus.CACHE
    assert len(result.stderr_lines) == 1 and "cannot write the cache at" in result.stderr


def test_every_list_but_the_eu_has_a_bundled_snapshot() -> None:
    from magcheck.store.bundled import snapshot_info

    assert [code for code in all_sources() if code not in BUNDLED] == ["eu"]
    assert all(snapshot_info(code) is not None for code in BUNDLED) and snapshot_info("eu") is None


@pytest.mark.parametrize("code", BUNDLED)
def test_every_bundled_snapshot_is_described(code: str) -> None:
    """Cheap manifest check; the offline test above parses every snapshot."""
    from importlib import resources

    from magcheck.store.bundled import snapshot_info

    info = snapshot_info(code)
    assert info is not None and info.date is not None and info.date_note and info.source
    assert info.date.isoformat() == SNAPSHOT_DATES[code]
    package = resources.files("magcheck.snapshot")
    assert all(package.joinpath(name).is_file() for name in info.files.values())


def test_mirror_of_the_real_files_fills_the_cache_and_reruns_download_nothing(
        httpserver: HTTPServer, tmp_path: Path, shared_data: Path) -> None:
    """The issue's "done when": fetch from a mirror of ../shared/data, list, and a rerun downloads nothing."""
    serve_directory(httpserver, shared_data)
    env = {"MAGCHECK_CACHE_DIR": str(tmp_path), "MAGCHECK_MIRROR": httpserver.url_for("/")}
    # ../shared/data holds no EU file and Australia's only in its former layout, which is not downloaded
    codes = ["us", "uk", "ca", "un"]
    first = run_cli(["fetch", "--list", ",".join(codes)], env=env)
    assert first.code == 0, first.stderr
    assert [line.split(":")[0] for line in first.stdout.splitlines()] == codes
    result, data = lists_json("--list", ",".join(codes), env=env)
    assert result.code == 0 and result.stderr == ""
    assert all(d["origin"].startswith("cache (fetched ") and d["date"] for d in data)
    assert {d["list"]: d["entries"] for d in data} == {code: FULL_COUNTS[code] for code in codes}
    httpserver.clear_log()
    rerun = run_cli(["fetch", "--list", ",".join(codes)], env=env)
    assert rerun.code == 0
    assert all(": unchanged: " in line for line in rerun.stdout.splitlines())
    statuses = {response.status_code for _, response in httpserver.log}
    assert statuses <= {304, 404}  # unchanged files answer 304; optional OFAC files are absent
