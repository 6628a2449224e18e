"""`magcheck fetch` against a local HTTP server: caching, conditional requests, and every way a download fails.

Each failure must keep the last good copy byte-for-byte, print one clear line and exit with the documented
code (1 when a previous copy is kept, 3 when there is none).
"""

from __future__ import annotations

import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from rich.console import Console
from werkzeug import Request, Response

from magcheck.errors import ExitStatus
from magcheck.sources import get_source
from magcheck.store.cache import Cache
from magcheck.store.fetch import Outcome, fetch_lists, file_url
from magcheck.store.http import HttpSettings, Reporter
from tests.store.support import (  # noqa: F401
    CA_200,
    CA_FILE,
    FAST_HTTP,
    HTML_ERROR_PAGE,
    _no_outside_settings,
    run_cli,
    serve_directory,
    tree_bytes,
    trimmed_ca,
)

LAST_MODIFIED = "Wed, 24 Sep 2025 10:00:00 GMT"
ETAG = '"ca-v1"'
CA_PATH = f"/ca/{CA_FILE}"


@pytest.fixture(scope="module")
def make_httpserver():
    """A threaded test server, so a request that stalls does not hold up the client's retries."""
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def serve_ca(httpserver: HTTPServer, body: bytes = CA_200, etag: str = ETAG,
             last_modified: str = LAST_MODIFIED) -> None:
    """Serve the Canadian file like a real server: validators, and 304 to a matching conditional request."""

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag or request.headers.get("If-Modified-Since") == last_modified:
            return Response(status=304, headers={"ETag": etag, "Last-Modified": last_modified})
        return Response(body, headers={"ETag": etag, "Last-Modified": last_modified,
                                       "Content-Type": "application/xml"})

    httpserver.expect_request(CA_PATH).respond_with_handler(handler)


def fetch_ca(httpserver: HTTPServer, cache_dir: Path, *extra: str):
    return run_cli(["fetch", "--list", "ca", *extra],
                   env={"MAGCHECK_CACHE_DIR": str(cache_dir), "MAGCHECK_MIRROR": httpserver.url_for("/")})


def seeded_cache(httpserver: HTTPServer, tmp_path: Path) -> Path:
    """A cache holding one good copy of the Canadian list; the server is then reset for the test."""
    cache_dir = tmp_path / "cache"
    serve_ca(httpserver)
    assert fetch_ca(httpserver, cache_dir).code == 0
    httpserver.clear()
    return cache_dir


def requests_seen(httpserver: HTTPServer, path: str = CA_PATH) -> list[Request]:
    return [request for request, _ in httpserver.log if request.path == path]


# -- the happy paths ------------------------------------------------------------------------------------


def test_first_fetch_fills_the_cache(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_ca(httpserver)
    result = fetch_ca(httpserver, tmp_path / "cache")
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == "ca: updated: 200 entries, list date 2025-09-24 (server Last-Modified)"
    assert result.stderr == ""
    copy = Cache(tmp_path / "cache").current("ca")
    assert copy is not None
    assert copy.files[CA_FILE].read_bytes() == CA_200
    meta = copy.meta.files[CA_FILE]
    assert (meta.etag, meta.last_modified, meta.size) == (ETAG, LAST_MODIFIED, len(CA_200))
    assert meta.url == httpserver.url_for(CA_PATH)
    assert copy.meta.entries == 200
    assert copy.meta.list_date == "2025-09-24"
    assert "User-Agent" in requests_seen(httpserver)[0].headers
    assert "Mozilla/5.0" in requests_seen(httpserver)[0].headers["User-Agent"]


def test_unchanged_list_is_not_downloaded_again(httpserver: HTTPServer, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    serve_ca(httpserver)
    assert fetch_ca(httpserver, cache_dir).code == 0
    before = tree_bytes(cache_dir)
    result = fetch_ca(httpserver, cache_dir)
    assert result.code == 0
    assert result.stdout.startswith("ca: unchanged: 200 entries")
    second = requests_seen(httpserver)[1]
    assert second.headers["If-None-Match"] == ETAG
    assert second.headers["If-Modified-Since"] == LAST_MODIFIED
    response = httpserver.log[1][1]
    assert response.status_code == 304
    assert response.get_data() == b""
    after = tree_bytes(cache_dir)
    assert [k for k in after if not k.endswith("meta.json")] == [k for k in before if not k.endswith("meta.json")]
    assert len(Cache(cache_dir).copies("ca")) == 1


def test_redirect_to_a_storage_link_is_followed(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(CA_PATH).respond_with_response(
        Response(status=302, headers={"Location": httpserver.url_for("/storage/xyz?sig=abc")}))
    httpserver.expect_request("/storage/xyz").respond_with_data(CA_200, headers={"Last-Modified": LAST_MODIFIED})
    result = fetch_ca(httpserver, tmp_path / "cache")
    assert result.code == 0, result.stderr
    copy = Cache(tmp_path / "cache").current("ca")
    assert copy is not None and copy.files[CA_FILE].read_bytes() == CA_200
    assert copy.meta.files[CA_FILE].url == httpserver.url_for(CA_PATH)  # the stable URL, not the short-lived one


def test_force_accepts_a_list_that_shrank(httpserver: HTTPServer, tmp_path: Path) -> None:
    cache_dir = seeded_cache(httpserver, tmp_path)
    serve_ca(httpserver, body=trimmed_ca(20), etag='"v2"', last_modified="Thu, 25 Sep 2025 10:00:00 GMT")
    refused = fetch_ca(httpserver, cache_dir)
    assert refused.code == ExitStatus.STALE
    assert "(90% fewer" in refused.stderr and "--force" in refused.stderr
    result = fetch_ca(httpserver, cache_dir, "--force")
    assert result.code == 0, result.stderr
    cache = Cache(cache_dir)
    assert cache.current("ca").meta.entries == 20
    assert [c.meta.entries for c in cache.previous("ca")] == [200]  # the old copy is kept, dated


# -- every failure keeps the last good copy ------------------------------------------------------------


def _status(code: int):
    return lambda httpserver: httpserver.expect_request(CA_PATH).respond_with_data(b"oops", status=code)


def _body(body: bytes):
    return lambda httpserver: httpserver.expect_request(CA_PATH).respond_with_data(body)


def _reset_mid_body(httpserver: HTTPServer) -> None:
    """Announce the whole file, send a third of it, close the connection."""

    def handler(request: Request) -> Response:
        cut = CA_200[: len(CA_200) // 3]
        response = Response(iter([cut]), headers={"Content-Length": str(len(CA_200))})
        response.automatically_set_content_length = False
        return response

    httpserver.expect_request(CA_PATH).respond_with_handler(handler)


def _slow(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        time.sleep(0.6)  # twice the injected read time-out
        return Response(CA_200)

    httpserver.expect_request(CA_PATH).respond_with_handler(handler)


def _stall_mid_body(httpserver: HTTPServer) -> None:
    """Send the headers and half the body, then go quiet for longer than the read time-out."""

    def handler(request: Request) -> Response:
        def body():
            yield CA_200[: len(CA_200) // 2]
            time.sleep(0.6)
            yield CA_200[len(CA_200) // 2:]

        return Response(body(), headers={"Content-Length": str(len(CA_200))})

    httpserver.expect_request(CA_PATH).respond_with_handler(handler)


FAILURES = {
    "http-500-three-times": (_status(500), "HTTP 500 Internal Server Error", 3),
    "http-403": (_status(403), "HTTP 403 Forbidden", 1),
    "html-error-page": (_body(HTML_ERROR_PAGE), "is an HTML page", 1),
    "truncated-xml": (_body(CA_200[: len(CA_200) * 2 // 3]), "truncated or malformed XML", 1),
    "empty-body": (_body(b""), "is empty", 1),
    "connection-reset-mid-body": (_reset_mid_body, "mid-download", 3),
    "timeout": (_slow, "timed out", None),  # a single-threaded test server logs the retries late
    "stall-mid-body": (_stall_mid_body, "timed out", None),
    "shrank-by-90-percent": (_body(trimmed_ca(20)), "20 entries where the last good copy had 200 (90% fewer", 1),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_failure_keeps_the_last_good_copy(httpserver: HTTPServer, tmp_path: Path, case: str) -> None:
    misbehave, reason, attempts = FAILURES[case]
    cache_dir = seeded_cache(httpserver, tmp_path)
    before = tree_bytes(cache_dir)
    misbehave(httpserver)
    result = fetch_ca(httpserver, cache_dir)
    assert result.code == ExitStatus.STALE
    assert "Traceback" not in result.stderr
    assert len(result.stderr_lines) == 1, result.stderr
    line = result.stderr_lines[0]
    assert line.startswith("magcheck: warning: ca: could not refresh: ")
    assert reason.lower() in line.lower()
    assert "kept the previous copy (fetched " in line
    assert tree_bytes(cache_dir) == before  # byte-for-byte, metadata included
    if attempts is not None:
        assert len(requests_seen(httpserver)) == attempts
    if attempts != 1:
        assert "(after 3 attempts)" in line


@pytest.mark.parametrize("case", ["http-403", "html-error-page", "empty-body"])
def test_failure_without_a_previous_copy_is_exit_3(httpserver: HTTPServer, tmp_path: Path, case: str) -> None:
    FAILURES[case][0](httpserver)
    result = fetch_ca(httpserver, tmp_path / "cache")
    assert result.code == ExitStatus.NO_DATA
    assert len(result.stderr_lines) == 1
    assert result.stderr_lines[0].startswith("magcheck: error: ca: could not fetch: ")
    assert "no usable copy" in result.stderr
    assert Cache(tmp_path / "cache").current("ca") is None
    assert not list((tmp_path / "cache" / "ca").glob(".staging-*"))  # nothing half-written left behind


def test_one_failing_list_does_not_stop_the_others(httpserver: HTTPServer, tmp_path: Path) -> None:
    sources = {"ca": get_source("ca")}
    assert sources  # with only one list known, the per-list outcome is still reported
    serve_ca(httpserver)
    report = fetch_lists(["ca"], cache=Cache(tmp_path), mirror=httpserver.url_for("/"), http=FAST_HTTP)
    assert [o.outcome for o in report.outcomes] == [Outcome.FRESH]
    assert report.status == ExitStatus.OK


# -- network policy ---------------------------------------------------------------------------------------


def test_name_resolution_failure_is_not_retried(tmp_path: Path) -> None:
    slept: list[float] = []
    settings = HttpSettings(attempts=5, backoff=10.0, sleep=slept.append)
    started = time.monotonic()
    report = fetch_lists(["ca"], cache=Cache(tmp_path), mirror="http://no-such-host.invalid", http=settings)
    assert time.monotonic() - started < 2
    outcome = report.outcomes[0]
    assert outcome.outcome is Outcome.FAILED
    assert "cannot resolve no-such-host.invalid" in (outcome.reason or "")
    assert slept == []  # no backoff, no second try


def test_connection_refused_is_retried_with_backoff(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    slept: list[float] = []
    settings = HttpSettings(attempts=3, backoff=0.5, sleep=slept.append)
    report = fetch_lists(["us", "ca"], cache=Cache(tmp_path), mirror=f"http://127.0.0.1:{port}", http=settings)
    assert [o.outcome for o in report.outcomes] == [Outcome.FAILED, Outcome.FAILED]
    assert all(o.reason == f"connection refused by 127.0.0.1:{port}" for o in report.outcomes)
    # exponential backoff between three tries, for each list on its own (in parallel: one list's failing
    # server never decides for another's)
    assert sorted(slept) == [0.5, 0.5, 1.0, 1.0]
    assert report.status == ExitStatus.NO_DATA


def test_a_passing_server_error_is_retried(httpserver: HTTPServer, tmp_path: Path) -> None:
    for _ in range(2):
        httpserver.expect_ordered_request(CA_PATH).respond_with_data(b"busy", status=503)
    httpserver.expect_ordered_request(CA_PATH).respond_with_data(CA_200)
    report = fetch_lists(["ca"], cache=Cache(tmp_path), mirror=httpserver.url_for("/"), http=FAST_HTTP)
    assert report.outcomes[0].outcome is Outcome.FRESH
    assert len(requests_seen(httpserver)) == 3


def test_mirror_url_uses_the_official_file_name() -> None:
    source = get_source("ca")
    file = source.live.files[0]
    assert file_url(source, file, "http://mirror.example/base/") == "http://mirror.example/base/ca/sema-lmes.xml"
    assert file_url(source, file, None) == file.url


def test_verbose_logs_each_request_and_outcome(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_ca(httpserver)
    env = {"MAGCHECK_CACHE_DIR": str(tmp_path), "MAGCHECK_MIRROR": httpserver.url_for("/")}
    first = run_cli(["fetch", "--list", "ca", "-v"], env=env)
    second = run_cli(["fetch", "--list", "ca", "-v"], env=env)
    assert f"GET {httpserver.url_for(CA_PATH)}" in first.stderr
    assert "200 OK" in first.stderr
    assert "If-None-Match" in second.stderr and "304 Not Modified" in second.stderr


def test_quiet_prints_nothing_on_success(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_ca(httpserver)
    result = run_cli(["fetch", "--list", "ca", "--quiet"],
                     env={"MAGCHECK_CACHE_DIR": str(tmp_path), "MAGCHECK_MIRROR": httpserver.url_for("/")})
    assert (result.code, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(("terminal", "quiet", "drawn"), [(True, False, True), (False, False, False),
                                                          (True, True, False)])
def test_progress_bar_only_on_a_terminal(httpserver: HTTPServer, tmp_path: Path, terminal: bool, quiet: bool,
                                         drawn: bool) -> None:
    serve_ca(httpserver)
    buffer = StringIO()
    reporter = Reporter(quiet=quiet, console=Console(file=buffer, force_terminal=terminal, width=100))
    fetch_lists(["ca"], cache=Cache(tmp_path), mirror=httpserver.url_for("/"), http=FAST_HTTP, reporter=reporter)
    assert bool(buffer.getvalue()) is drawn


def test_fetch_refuses_offline_and_data_dir(tmp_path: Path) -> None:
    for args, env, said in ((["fetch", "--offline"], {}, "fetch downloads the lists"),
                            (["fetch"], {"MAGCHECK_OFFLINE": "1"}, "fetch downloads the lists"),
                            (["fetch", "--data-dir", str(tmp_path)], {}, "No such option '--data-dir'")):
        result = run_cli(args, env={"MAGCHECK_CACHE_DIR": str(tmp_path), **env})
        assert result.code == ExitStatus.USAGE
        assert len(result.stderr_lines) == 1 and result.stderr.startswith("magcheck: error: ")
        assert said in result.stderr


# -- two runs at once ---------------------------------------------------------------------------------------


def test_concurrent_fetches_do_not_corrupt_the_cache(httpserver: HTTPServer, tmp_path: Path) -> None:
    def slow_handler(request: Request) -> Response:
        time.sleep(0.05)
        return Response(CA_200, headers={"Last-Modified": LAST_MODIFIED})

    httpserver.expect_request(CA_PATH).respond_with_handler(slow_handler)
    outcomes: list[Outcome] = []

    def run() -> None:
        report = fetch_lists(["ca"], cache=Cache(tmp_path), mirror=httpserver.url_for("/"), http=FAST_HTTP)
        outcomes.extend(o.outcome for o in report.outcomes)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes and all(o in (Outcome.FRESH, Outcome.UNCHANGED) for o in outcomes)
    assert len(outcomes) == 4
    for copy in Cache(tmp_path).copies("ca"):
        assert copy.files[CA_FILE].read_bytes() == CA_200
    assert not list((tmp_path / "ca").glob(".staging-*"))


def test_a_second_run_waits_then_gives_up_clearly(tmp_path: Path) -> None:
    import filelock

    cache = Cache(tmp_path)
    with cache.locked():
        holder = filelock.FileLock(tmp_path / ".lock", timeout=0)
        with pytest.raises(filelock.Timeout):
            holder.acquire()
        result = run_cli(["fetch", "--list", "ca"], env={"MAGCHECK_CACHE_DIR": str(tmp_path),
                                                         "MAGCHECK_LOCK_TIMEOUT": "0.2",
                                                         "MAGCHECK_MIRROR": "http://127.0.0.1:9"})
    assert result.code == ExitStatus.CACHE
    assert len(result.stderr_lines) == 1
    assert "another magcheck run is updating the cache" in result.stderr


def test_same_bytes_from_a_server_without_validators_count_as_unchanged(httpserver: HTTPServer,
                                                                       tmp_path: Path) -> None:
    httpserver.expect_request(CA_PATH).respond_with_data(CA_200)  # no ETag, no Last-Modified, never 304
    assert fetch_ca(httpserver, tmp_path).code == 0
    result = fetch_ca(httpserver, tmp_path)
    assert result.code == 0 and result.stdout.startswith("ca: unchanged: ")
    assert len(Cache(tmp_path).copies("ca")) == 1


def test_a_mirror_must_be_an_http_address(tmp_path: Path) -> None:
    result = run_cli(["fetch", "--mirror", "127.0.0.1:8000"], env={"MAGCHECK_CACHE_DIR": str(tmp_path)})
    assert result.code == ExitStatus.USAGE
    assert result.stderr_lines == ["magcheck: error: --mirror: '127.0.0.1:8000' must be an http:// or https:// "
                                   "address"]


def test_optional_files_are_kept_when_served_and_skipped_when_missing(httpserver: HTTPServer, tmp_path: Path,
                                                                      fixtures_dir: Path) -> None:
    import shutil

    mirror = tmp_path / "mirror"
    shutil.copytree(fixtures_dir / "us", mirror / "us")
    serve_directory(httpserver, mirror)
    cache = Cache(tmp_path / "cache")
    first = fetch_lists(["us"], cache=cache, mirror=httpserver.url_for("/"), http=FAST_HTTP)
    assert first.outcomes[0].outcome is Outcome.FRESH, first.outcomes[0].reason
    assert sorted(cache.current("us").files) == ["ADD.CSV", "ALT.CSV", "SDN.CSV", "SDN_COMMENTS.CSV"]
    (mirror / "us" / "ADD.CSV").unlink()
    (mirror / "us" / "SDN_COMMENTS.CSV").unlink()
    second = fetch_lists(["us"], cache=cache, mirror=httpserver.url_for("/"), http=FAST_HTTP)
    assert second.outcomes[0].outcome is Outcome.FRESH  # a different set of files is a new copy
    assert sorted(cache.current("us").files) == ["ALT.CSV", "SDN.CSV"]
    assert sorted(cache.previous("us")[0].files) == ["ADD.CSV", "ALT.CSV", "SDN.CSV", "SDN_COMMENTS.CSV"]


def test_quiet_still_reports_a_failed_refresh(httpserver: HTTPServer, tmp_path: Path) -> None:
    cache_dir = seeded_cache(httpserver, tmp_path)
    httpserver.expect_request(CA_PATH).respond_with_data(b"no", status=403)
    result = fetch_ca(httpserver, cache_dir, "--quiet")
    assert result.code == ExitStatus.STALE
    assert result.stdout == ""
    assert len(result.stderr_lines) == 1 and "HTTP 403 Forbidden" in result.stderr
