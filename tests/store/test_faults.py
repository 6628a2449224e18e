"""Fault injection: a careful operator's and an attacker's inputs, on a local server only (issue 14).

Each test plays one fault and asserts what a cron job relies on: the exit code, one line on stderr per list
that failed, no traceback, and the last good copy byte-identical. The classes follow the issue: (1) -o and
special files, (2) stale data never silent, (3) half a list or a changed schema, (4) dates not taken on trust,
(5) no escape sequences, (6) user mistakes are usage errors, (7) Ctrl-C and SIGTERM, (8) stalled or broken
servers, (9) a damaged cache after a 304, (10) bounded memory, (11) damaged state; plus faults handled before.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import socketserver
import stat
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from magcheck.errors import ExitStatus
from magcheck.store.cache import Cache
from magcheck.store.download import Downloader
from magcheck.store.fetch import fetch_lists
from magcheck.store.http import HttpSettings
from tests.store.support import (  # noqa: F401
    CA_200,
    CA_FILE,
    FAST_HTTP,
    _no_outside_settings,
    run_cli,
    snapshot_bytes,
    tree_bytes,
    trimmed_ca,
)
from tests.support import FixtureLoader, run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OLD = "Sat, 04 May 2024 10:00:00 GMT"  # a date of the snapshot era: no "newer than its content" doubt
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
GAPS = ["gaps", "--against", "uk,ca"]  # the lists whose fixtures carry no parser warning of their own


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "Error:" not in text.replace("magcheck: error:", "")


# --- a mirror of small real files, served with validators -----------------------------------------------------


class Mirror:
    """Files served like a plain web server (ETag from the bytes, Last-Modified, 304), changeable per test."""

    def __init__(self, httpserver: HTTPServer) -> None:
        self.server = httpserver
        self.files: dict[str, bytes] = {}
        self.last_modified: dict[str, str] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.chunked: set[str] = set()
        httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)

    def put(self, path: str, body: bytes, last_modified: str = OLD, *, chunked: bool = False, **headers: str) -> None:
        """`chunked`: sent without a Content-Length, the connection simply closed at the end."""
        self.files[path] = body
        self.last_modified[path] = last_modified
        self.headers[path] = headers
        if chunked:
            self.chunked.add(path)
        else:
            self.chunked.discard(path)

    def handle(self, request: Request) -> Response:
        body = self.files.get(request.path)
        if body is None:
            return Response("not found", status=404)
        etag = f'"{zlib.crc32(body):08x}-{len(body)}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        headers = {"ETag": etag, "Last-Modified": self.last_modified[request.path], **self.headers[request.path]}
        return Response(iter([body]) if request.path in self.chunked else body, headers=headers)

    @property
    def base(self) -> str:
        return self.server.url_for("/")


@pytest.fixture
def mirror(httpserver: HTTPServer) -> Mirror:
    served = Mirror(httpserver)
    for name in ("SDN.CSV", "ALT.CSV"):
        served.put(f"/us/{name}", (FIXTURES / "us" / name).read_bytes())
    served.put("/uk/UK-Sanctions-List.xml", (FIXTURES / "uk" / "UK-Sanctions-List.xml").read_bytes())
    served.put(f"/ca/{CA_FILE}", CA_200)
    return served


def fetch(mirror: Mirror, cache: Path, *args: str, **env: str) -> object:
    return run_cli(["fetch", *args], env={"MAGCHECK_CACHE_DIR": str(cache), "MAGCHECK_MIRROR": mirror.base, **env})


@pytest.fixture
def seeded(mirror: Mirror, tmp_path: Path) -> Path:
    """A cache with a good copy of the US, UK and Canadian excerpts."""
    cache = tmp_path / "cache"
    done = fetch(mirror, cache, "--list", "us,uk,ca")
    assert done.code == 0, done.stderr
    return cache


def refused(done: object, code: str, said: str) -> None:
    """One list refused: exit 1, one stderr line naming it and the reason, the old copy kept."""
    assert done.code == ExitStatus.STALE, done.stderr
    assert len(done.stderr_lines) == 1, done.stderr
    line = done.stderr_lines[0]
    assert line.startswith(f"magcheck: warning: {code}: could not refresh: ") and said in line, line
    assert line.endswith(")") and "kept the previous copy" in line
    no_traceback(done.stderr)


# --- (1) -o never replaces a special file; '-' is stdout -------------------------------------------------------


def test_output_to_a_device_writes_to_it_and_keeps_it(tmp_path: Path) -> None:
    done = run([*GAPS, "--format", "json", "-o", "/dev/null"], FixtureLoader())
    assert done.code == 0 and done.err == ""
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_to_a_full_device_is_exit_4_in_one_line() -> None:
    done = run([*GAPS, "--format", "json", "-o", "/dev/full"], FixtureLoader())
    assert done.code == ExitStatus.CACHE
    assert done.err_lines == ["magcheck: error: cannot write /dev/full: disk full (no space left on device)"]
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_output_to_a_fifo_writes_through_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = run([*GAPS, "--format", "json", "-o", str(fifo)], FixtureLoader())
    reader.join(10)
    assert done.code == 0 and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(received[0])["schema"].startswith("magcheck.gaps/")


def test_dash_is_stdout_and_creates_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = run([*GAPS, "--format", "csv", "-o", "-"], FixtureLoader())
    assert done.code == 0 and done.out.startswith("list,uid,name") and not (tmp_path / "-").exists()


def run_process(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "MAGCHECK_DATA_DIR": str(FIXTURES), "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "magcheck", *args], env=env, check=False, timeout=120,
                          **kwargs)  # type: ignore[call-overload,no-any-return]


def test_dev_stdout_is_written_in_place() -> None:
    done = run_process(["lists", "--format", "json", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    through = run_process(["gaps", "--against", "uk", "--format", "json", "-q", "-o", "/dev/stdout"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode in (0, 1) and through.returncode in (0, 1)
    assert json.loads(through.stdout)["against"] == ["uk"]


def test_a_full_disk_on_stdout_is_exit_4_in_one_line() -> None:
    with open("/dev/full", "wb") as full:
        done = run_process(["lists", "--format", "json", "-q"], stdout=full, stderr=subprocess.PIPE)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == ExitStatus.CACHE
    assert lines[-1] == "magcheck: error: cannot write the report to standard output: disk full (no space left on " \
                        "device)"
    assert "Traceback" not in done.stderr.decode() and "Exception ignored" not in done.stderr.decode()


# --- (2) stale data is never silent, and never mails a plain alert -----------------------------------------------


def test_the_crontab_line_on_the_bundled_snapshot_exits_11_and_says_why(tmp_path: Path) -> None:
    """The README's cron line: yesterday's run is the baseline; today the data falls back to the snapshot and a
    gap is new. Quiet, it still says the data is the snapshot, and exits 11, not the 10 the line mails on."""
    environ = {"MAGCHECK_STATE_DIR": str(tmp_path / "state")}
    cron = [*GAPS, "--changes", "--exit-code", "--quiet", "--format", "markdown", "-o", str(tmp_path / "gaps.md")]

    def without_zhu(lst):
        import dataclasses
        return dataclasses.replace(lst, entries=[e for e in lst.entries if e.uid != "GHR0078"]) \
            if lst.code == "uk" else lst

    assert run(cron, FixtureLoader(), environ).code == ExitStatus.OK
    done = run(cron, FixtureLoader(bundled=True, edit=without_zhu), environ)
    assert done.code == ExitStatus.GAPS_ON_STALE_DATA
    # us, uk, ca, and the UN's list (read for Canada's UN rule)
    assert all("using the bundled snapshot" in line for line in done.err_lines) and len(done.err_lines) == 4


# --- (3) half a list, or a list with a changed schema, is refused -------------------------------------------------


def rows(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


@pytest.mark.parametrize("how", ["half-at-a-line", "70-percent-with-end-byte", "70-percent-no-end-byte"])
def test_a_cut_sdn_is_refused(mirror: Mirror, seeded: Path, how: str) -> None:
    before = tree_bytes(seeded)
    lines = rows(mirror.files["/us/SDN.CSV"])
    keep = len(lines) // 2 if how.startswith("half") else int(len(lines) * 0.7)
    body = b"".join(lines[:keep]) + (b"\x1a" if "with-end-byte" in how else b"")
    mirror.put("/us/SDN.CSV", body)
    refused(fetch(mirror, seeded, "--list", "us"), "us", "fewer")
    assert tree_bytes(seeded) == before


def test_a_body_closed_at_a_row_boundary_without_content_length_is_refused(mirror: Mirror, seeded: Path) -> None:
    before = tree_bytes(seeded)
    lines = rows(mirror.files["/us/SDN.CSV"])
    mirror.put("/us/SDN.CSV", b"".join(lines[: len(lines) // 2]), chunked=True)
    refused(fetch(mirror, seeded, "--list", "us"), "us", "fewer")
    assert tree_bytes(seeded) == before


def test_half_the_aliases_is_refused(mirror: Mirror, seeded: Path) -> None:
    before = tree_bytes(seeded)
    lines = rows(mirror.files["/us/ALT.CSV"])
    mirror.put("/us/ALT.CSV", b"".join(lines[: len(lines) // 2]))
    refused(fetch(mirror, seeded, "--list", "us"), "us", "names where the last good copy had")
    assert tree_bytes(seeded) == before


def test_a_renamed_uk_regime_element_is_refused(mirror: Mirror, seeded: Path) -> None:
    before = tree_bytes(seeded)
    body = mirror.files["/uk/UK-Sanctions-List.xml"].replace(b"RegimeName>", b"RegimeTitle>")
    mirror.put("/uk/UK-Sanctions-List.xml", body)
    refused(fetch(mirror, seeded, "--list", "uk"), "uk", "have programs")
    assert tree_bytes(seeded) == before


def test_a_renamed_canadian_listing_date_is_refused(mirror: Mirror, seeded: Path) -> None:
    before = tree_bytes(seeded)
    mirror.put(f"/ca/{CA_FILE}", CA_200.replace(b"DateOfListing>", b"DateListed>"))
    refused(fetch(mirror, seeded, "--list", "ca"), "ca", "have listed")
    assert tree_bytes(seeded) == before


def test_force_accepts_a_real_shrink(mirror: Mirror, seeded: Path) -> None:
    lines = rows(mirror.files["/us/SDN.CSV"])
    mirror.put("/us/SDN.CSV", b"".join(lines[: len(lines) // 2]))
    done = fetch(mirror, seeded, "--list", "us", "--force")
    assert done.code == 0 and done.stdout.startswith("us: updated: ")


def test_a_cut_list_in_a_data_dir_is_read_but_loudly(tmp_path: Path) -> None:
    """8,000 of the 14,965 real SDN rows, cut at a line boundary: there is no last good copy to refuse it
    against, so it is read, and said to be degraded (exit 1, even with --quiet)."""
    folder = tmp_path / "us"
    folder.mkdir()
    (folder / "SDN.CSV").write_bytes(b"".join(rows(snapshot_bytes("SDN.CSV"))[:8000]))
    (folder / "ALT.CSV").write_bytes(snapshot_bytes("ALT.CSV"))
    done = run_cli(["lists", "--list", "us", "--data-dir", str(tmp_path), "--quiet", "--format", "json"])
    assert done.code == ExitStatus.STALE
    assert done.stderr_lines == ["magcheck: warning: us: the list read from the data dir has 8,000 entries where "
                                 "the bundled snapshot of 2024-05-03 had 14,965 (47% fewer; more than 5% at once is "
                                 "far more likely a broken file than real delistings): it may be cut short"]


def test_a_schema_change_in_a_data_dir_is_exit_3(tmp_path: Path) -> None:
    (tmp_path / "ca").mkdir()
    (tmp_path / "ca" / CA_FILE).write_bytes(CA_200.replace(b"DateOfListing>", b"DateListed>"))
    done = run_cli(["lists", "--list", "ca", "--data-dir", str(tmp_path)])
    assert done.code == ExitStatus.NO_DATA and len(done.stderr_lines) == 1
    assert "only 0 of 200 records have listed" in done.stderr


# --- (4) dates are not taken on trust --------------------------------------------------------------------------


def test_an_old_list_from_a_mirror_with_a_fresh_last_modified_is_dated_by_its_content(
        mirror: Mirror, tmp_path: Path) -> None:
    """The May 2024 SDN list served today: it holds nothing newer than the bundled snapshot of 2024-05-03."""
    mirror.put("/us/SDN.CSV", snapshot_bytes("SDN.CSV"), last_modified="Tue, 01 Dec 2026 04:00:00 GMT")
    mirror.put("/us/ALT.CSV", snapshot_bytes("ALT.CSV"), last_modified="Tue, 01 Dec 2026 04:00:00 GMT")
    done = fetch(mirror, tmp_path / "cache", "--list", "us")
    assert done.code == 0
    assert done.stdout.strip() == "us: updated: 14,965 entries, list date 2024-05-03 (not newer than the bundled " \
                                  "snapshot)"
    assert done.stderr_lines == ["magcheck: warning: us: the server dates the file 2026-12-01, but it holds nothing "
                                 "newer than the bundled snapshot of 2024-05-03: dated 2024-05-03 (an old copy?)"]


def test_a_last_modified_in_the_future_is_not_a_list_date(mirror: Mirror, tmp_path: Path) -> None:
    mirror.put(f"/ca/{CA_FILE}", CA_200, last_modified="Fri, 31 Dec 9999 23:59:59 GMT")
    done = fetch(mirror, tmp_path / "cache", "--list", "ca")
    assert done.code == 0 and done.stdout.strip() == "ca: updated: 200 entries, list date not stated"
    assert done.stderr_lines == ["magcheck: warning: ca: the server's Last-Modified (9999-12-31) is in the future: "
                                 "the list is left undated"]


def test_a_rollback_to_an_older_file_is_refused(mirror: Mirror, seeded: Path) -> None:
    before = tree_bytes(seeded)
    xml = mirror.files["/uk/UK-Sanctions-List.xml"]
    stated = re.search(rb"<DateGenerated>([^<]+)</DateGenerated>", xml)
    assert stated is not None
    mirror.put("/uk/UK-Sanctions-List.xml", xml.replace(stated.group(0), b"<DateGenerated>01/01/2020</DateGenerated>"))
    refused(fetch(mirror, seeded, "--list", "uk"), "uk", "older than the cached copy")
    assert tree_bytes(seeded) == before
    assert fetch(mirror, seeded, "--list", "uk", "--force").code == 0


# --- (5) no escape sequence reaches the terminal ----------------------------------------------------------------

HOSTILE = "\x1b[2J\x1b]8;;http://evil.example/\x07Quanguo\x1b]8;;\x07 \x1b]0;owned\x07\x07\x9b31m"


def test_control_characters_in_names_never_reach_the_output(tmp_path: Path) -> None:
    """A name carrying ESC[2J, an OSC 8 link, an OSC 0 title, BEL and a C1 CSI, in every command and format."""
    import dataclasses

    def hostile(lst):
        from magcheck.store.validate import sanitized
        entries = [dataclasses.replace(e, name=dataclasses.replace(e.name, text=e.name.text + HOSTILE))
                   if e.uid in ("29220", "china-p1-5") else e for e in lst.entries]
        return sanitized(dataclasses.replace(lst, entries=entries))

    outputs = [run([*GAPS, "--format", fmt], FixtureLoader(edit=hostile)).out
               for fmt in ("table", "markdown", "csv", "json", "html")]
    outputs += [run(["search", "Quanguo"], FixtureLoader(edit=hostile)).out,
                run(["explain", "us:29220"], FixtureLoader(edit=hostile)).out,
                run(["lists"], FixtureLoader(edit=hostile)).out]
    for text in outputs:
        assert "Quanguo" in text or "list" in text
        assert CONTROLS.sub("", text.replace("\n", "").replace("\t", "").replace("\r", "")) == \
            text.replace("\n", "").replace("\t", "").replace("\r", "")


def test_control_characters_in_an_ofac_csv_are_cleaned_when_read(tmp_path: Path) -> None:
    (tmp_path / "us").mkdir()
    sdn = (FIXTURES / "us" / "SDN.CSV").read_bytes().replace(b'"CHEN, Quanguo"', b'"CHEN, Quanguo\x1b[2J\x07"')
    (tmp_path / "us" / "SDN.CSV").write_bytes(sdn)
    (tmp_path / "us" / "ALT.CSV").write_bytes((FIXTURES / "us" / "ALT.CSV").read_bytes())
    done = run_cli(["lists", "--list", "us", "--data-dir", str(tmp_path), "--format", "json"])
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    from magcheck.store.load import load_from_dir

    chen = next(e for e in load_from_dir(tmp_path, "us").entries if e.uid == "29220")
    assert chen.name.text == "CHEN, Quanguo\ufffd[2J\ufffd"


def test_a_hostile_reason_phrase_is_not_printed_raw(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(f"/ca/{CA_FILE}").respond_with_response(
        Response("no", status="599 \x1b[2J\x1b]0;owned\x07"))
    done = run_cli(["fetch", "--list", "ca"], env={"MAGCHECK_CACHE_DIR": str(tmp_path),
                                                   "MAGCHECK_MIRROR": httpserver.url_for("/")})
    assert done.code == ExitStatus.NO_DATA and len(done.stderr_lines) == 1
    assert not CONTROLS.search(done.stderr.replace("\n", ""))


# --- (6) user mistakes are usage errors, not internal ones ----------------------------------------------------------


@pytest.mark.parametrize(("variable", "value"), [("MAGCHECK_TIMEOUT", "-1"), ("MAGCHECK_TIMEOUT", "nan"),
                                                 ("MAGCHECK_CONNECT_TIMEOUT", "0"), ("MAGCHECK_LOCK_TIMEOUT", "-1"),
                                                 ("MAGCHECK_MIRROR", "http://[::1")])
def test_bad_settings_are_exit_2_in_one_line(variable: str, value: str, tmp_path: Path) -> None:
    done = run_cli(["fetch"], env={"MAGCHECK_CACHE_DIR": str(tmp_path), variable: value})
    assert done.code == ExitStatus.USAGE and len(done.stderr_lines) == 1 and variable in done.stderr
    no_traceback(done.stderr)


def test_a_bad_mirror_flag_is_exit_2(tmp_path: Path) -> None:
    done = run_cli(["fetch", "--mirror", "http://[::1"], env={"MAGCHECK_CACHE_DIR": str(tmp_path)})
    assert done.code == ExitStatus.USAGE and done.stderr_lines == [
        "magcheck: error: --mirror: 'http://[::1' is not a valid address (Invalid IPv6 URL)"]


# --- (7) Ctrl-C and SIGTERM at any moment ---------------------------------------------------------------------------


@pytest.mark.parametrize(("sent", "status", "said"), [(signal.SIGINT, 130, "interrupted"),
                                                      (signal.SIGTERM, 143, "terminated")])
@pytest.mark.parametrize("after", [0.05, 0.4, 1.2])
def test_a_signal_ends_the_run_in_one_line(tmp_path: Path, sent: int, status: int, said: str, after: float) -> None:
    env = {**os.environ, "MAGCHECK_CACHE_DIR": str(tmp_path / "cache"), "MAGCHECK_STATE_DIR": str(tmp_path / "s")}
    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "magcheck", "gaps", "--offline", "--quiet", "-o",
                                str(out / "gaps.md"), "--format", "markdown"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(after)
    process.send_signal(sent)
    _, err = process.communicate(timeout=60)
    if process.returncode in (0, 1):  # finished before the signal: nothing to check
        pytest.skip("the run ended before the signal")
    assert process.returncode == status, err
    lines = [line for line in err.decode().splitlines() if "bundled snapshot" not in line]
    assert lines == [f"magcheck: {said}"], err.decode()
    assert [p.name for p in out.iterdir() if p.name != "gaps.md"] == []  # no temporary file left


# --- (8) a stalled or broken server holds up nothing else -------------------------------------------------------------


class RawServer:
    """A TCP server whose answers a test writes byte by byte: no answer, garbage, a trickle."""

    def __init__(self, answer: Callable[[socket.socket, bytes], None]) -> None:
        handler = type("Handler", (socketserver.BaseRequestHandler,), {
            "handle": lambda self: answer(self.request, self.request.recv(65536))})
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def raw() -> Iterator[Callable[[Callable[[socket.socket, bytes], None]], RawServer]]:
    servers: list[RawServer] = []

    def start(answer: Callable[[socket.socket, bytes], None]) -> RawServer:
        servers.append(RawServer(answer))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def never_answer(connection: socket.socket, _request: bytes) -> None:
    time.sleep(30)


def test_a_server_that_never_answers_holds_the_lists_up_in_parallel_not_in_turn(raw, tmp_path: Path) -> None:
    server = raw(never_answer)
    started = time.monotonic()
    done = run_cli(["fetch", "--list", "us,uk,ca,un"], env={"MAGCHECK_CACHE_DIR": str(tmp_path),
                                                             "MAGCHECK_MIRROR": server.base,
                                                             "MAGCHECK_TIMEOUT": "0.5", "MAGCHECK_RETRIES": "1"})
    elapsed = time.monotonic() - started
    assert done.code == ExitStatus.NO_DATA and len(done.stderr_lines) == 4
    assert all("timed out after 0.5 s waiting for" in line for line in done.stderr_lines)
    assert elapsed < 4  # four lists x two tries x 0.5 s = 4 s one after another; in parallel about 1 s


def test_the_whole_refresh_is_bounded(raw, tmp_path: Path) -> None:
    server = raw(never_answer)
    started = time.monotonic()
    done = run_cli(["fetch", "--list", "ca"], env={"MAGCHECK_CACHE_DIR": str(tmp_path), "MAGCHECK_MIRROR": server.base,
                                                   "MAGCHECK_TIMEOUT": "20", "MAGCHECK_REFRESH_TIMEOUT": "1"})
    assert time.monotonic() - started < 5
    assert done.code == ExitStatus.NO_DATA and len(done.stderr_lines) == 1


def trickle(connection: socket.socket, _request: bytes) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
    for _ in range(60):
        try:
            connection.sendall(b"<")
        except OSError:
            return
        time.sleep(0.1)


def test_a_trickling_server_is_given_up_on(raw, tmp_path: Path) -> None:
    server = raw(trickle)
    started = time.monotonic()
    done = run_cli(["fetch", "--list", "ca"], env={"MAGCHECK_CACHE_DIR": str(tmp_path), "MAGCHECK_MIRROR": server.base,
                                                   "MAGCHECK_TIMEOUT": "5", "MAGCHECK_TRANSFER_TIMEOUT": "1"})
    assert time.monotonic() - started < 4
    assert done.code == ExitStatus.NO_DATA and "still downloading after the time allowed" in done.stderr


GARBAGE = {
    "no-status-line": b"this is not HTTP\r\n\r\n",
    "huge-header-line": b"HTTP/1.1 200 OK\r\nX-Junk: " + b"x" * 100_000 + b"\r\n\r\n",
    "150-headers": b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n",
}


@pytest.mark.parametrize("answer", [*GARBAGE, "redirect-to-a-closed-port"])
def test_one_lists_garbage_answer_does_not_stop_the_others(raw, httpserver: HTTPServer, tmp_path: Path,
                                                           answer: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    def broken(connection: socket.socket, _request: bytes) -> None:
        if answer == "redirect-to-a-closed-port":
            connection.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%d/x\r\nContent-Length: 0\r\n\r\n"
                               % closed_port)
        else:
            connection.sendall(GARBAGE[answer])

    bad = raw(broken)
    httpserver.expect_request("/ca/" + CA_FILE).respond_with_data(CA_200, headers={"Last-Modified": OLD})
    httpserver.expect_request(re.compile("/us/.*")).respond_with_handler(
        lambda request: Response(status=302, headers={"Location": f"{bad.base}{request.path}"}))
    done = run_cli(["fetch", "--list", "us,ca"], env={"MAGCHECK_CACHE_DIR": str(tmp_path),
                                                      "MAGCHECK_MIRROR": httpserver.url_for("/")})
    assert done.code == ExitStatus.NO_DATA
    assert done.stdout.startswith("ca: updated: 200 entries")
    assert len(done.stderr_lines) == 1 and done.stderr_lines[0].startswith("magcheck: error: us: could not fetch: ")
    no_traceback(done.stderr)


def test_retry_after_is_honoured(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_ordered_request(f"/ca/{CA_FILE}").respond_with_data("busy", status=503,
                                                                           headers={"Retry-After": "7"})
    httpserver.expect_ordered_request(f"/ca/{CA_FILE}").respond_with_data(CA_200)
    slept: list[float] = []
    settings = HttpSettings(connect_timeout=1, read_timeout=1, attempts=3, backoff=0.5, sleep=slept.append)
    report = fetch_lists(["ca"], cache=Cache(tmp_path), mirror=httpserver.url_for("/"), http=settings)
    assert report.outcomes[0].ok and slept == [7.0]


# --- (9) a damaged cached copy is never confirmed by a 304 ---------------------------------------------------------


def test_a_cached_file_edited_in_place_is_downloaded_again(mirror: Mirror, seeded: Path) -> None:
    cached = Cache(seeded).current("uk")
    assert cached is not None
    path = cached.files["UK-Sanctions-List.xml"]
    path.write_bytes(path.read_bytes().replace(b"<Name6>", b"<Name6>X", 1))  # disk rot or a hand edit
    done = fetch(mirror, seeded, "--list", "uk")
    assert done.code == 0 and done.stdout.startswith("uk: updated: ")
    fresh = Cache(seeded).current("uk")
    assert fresh is not None
    assert fresh.files["UK-Sanctions-List.xml"].read_bytes() == mirror.files["/uk/UK-Sanctions-List.xml"]


def test_a_truncated_cached_file_is_downloaded_again(mirror: Mirror, seeded: Path) -> None:
    cached = Cache(seeded).current("ca")
    assert cached is not None
    path = cached.files[CA_FILE]
    path.write_bytes(path.read_bytes()[:1000])
    done = fetch(mirror, seeded, "--list", "ca")
    assert done.code == 0
    fresh = Cache(seeded).current("ca")
    assert fresh is not None and fresh.files[CA_FILE].read_bytes() == CA_200


# --- (10) small inputs never take unbounded memory or disk ----------------------------------------------------------


def gzip_bomb(size: int) -> bytes:
    """A gzip body that expands to `size` zero bytes (made a block at a time: little memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + packer.flush()


def test_a_gzip_bomb_is_stopped_at_the_size_cap(httpserver: HTTPServer, tmp_path: Path) -> None:
    body = gzip_bomb(64 * 1024 * 1024)
    assert len(body) < 200_000
    httpserver.expect_request("/bomb").respond_with_data(body, headers={"Content-Encoding": "gzip"})
    downloader = Downloader(FAST_HTTP)
    with pytest.raises(Exception, match="larger than the 8,388,608-byte limit for this file once decompressed"):
        downloader.fetch(httpserver.url_for("/bomb"), tmp_path / "f.xml", max_bytes=8 * 1024 * 1024)
    assert list(tmp_path.iterdir()) == []  # the partial file is gone


def test_every_official_file_has_a_size_cap() -> None:
    from magcheck.sources import all_sources

    for source in all_sources().values():
        for file in source.live.files:
            assert 1024 * 1024 <= file.max_bytes <= 1024 ** 3, (source.code, file.name)


def test_millions_of_empty_elements_are_refused_unparsed(tmp_path: Path) -> None:
    (tmp_path / "ca").mkdir()
    (tmp_path / "ca" / CA_FILE).write_bytes(b"<data-set>" + b"<a/>" * 8_400_000 + b"</data-set>")
    started = time.monotonic()
    done = run_cli(["lists", "--list", "ca", "--data-dir", str(tmp_path)])
    assert time.monotonic() - started < 10
    assert done.code == ExitStatus.NO_DATA and len(done.stderr_lines) == 1
    assert "far more than any real list" in done.stderr


# --- (11) damaged state is reported, set aside and rebuilt -----------------------------------------------------------


@pytest.mark.parametrize("damage", ['"a string"', '{"list": "ca"}', "ENTRIES_MANY", "\x00\x01random bytes"])
def test_a_damaged_meta_json_is_set_aside_and_rebuilt(mirror: Mirror, seeded: Path, damage: str) -> None:
    cached = Cache(seeded).current("ca")
    assert cached is not None
    meta = cached.directory / "meta.json"
    text = meta.read_text()
    meta.write_text(re.sub(r'"entries": \d+', '"entries": "many"', text) if damage == "ENTRIES_MANY" else damage)
    listed = run_cli(["lists", "--list", "ca", "--offline", "--format", "json"],
                     env={"MAGCHECK_CACHE_DIR": str(seeded)})
    assert listed.code == ExitStatus.STALE  # falls back to the snapshot, and says so
    damaged = [line for line in listed.stderr_lines if "is damaged" in line]
    assert len(damaged) == 1 and "set aside as .damaged-" in damaged[0]
    assert not cached.directory.exists() and (cached.directory.parent / f".damaged-{cached.directory.name}").is_dir()
    rebuilt = fetch(mirror, seeded, "--list", "ca")
    assert rebuilt.code == 0 and rebuilt.stdout.startswith("ca: updated: ")


# --- faults handled before, kept handled ------------------------------------------------------------------------------


def test_a_redirect_to_another_scheme_is_refused(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(f"/ca/{CA_FILE}").respond_with_response(
        Response(status=302, headers={"Location": "file:///etc/passwd"}))
    done = run_cli(["fetch", "--list", "ca"], env={"MAGCHECK_CACHE_DIR": str(tmp_path),
                                                   "MAGCHECK_MIRROR": httpserver.url_for("/")})
    assert done.code == ExitStatus.NO_DATA and len(done.stderr_lines) == 1
    assert not (tmp_path / "ca").exists() or not list(Cache(tmp_path).copies("ca"))


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xml = CA_200.decode().replace("<data-set>", f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>\n<data-set>', 1)
    xml = xml.replace("<GivenName>", "<GivenName>&x;", 1)
    (tmp_path / "ca").mkdir()
    (tmp_path / "ca" / CA_FILE).write_text(xml)
    done = run_cli(["lists", "--list", "ca", "--data-dir", str(tmp_path), "--format", "json"])
    assert "TOP SECRET" not in done.stdout + done.stderr


def test_a_killed_fetch_leaves_the_last_good_copy_and_its_leftovers_are_cleaned(mirror: Mirror, seeded: Path) -> None:
    before = tree_bytes(seeded)
    leftover = seeded / "ca" / ".staging-killed"
    leftover.mkdir()
    (leftover / CA_FILE).write_bytes(b"<data-set>half")
    assert tree_bytes(seeded) != before
    done = fetch(mirror, seeded, "--list", "ca")
    assert done.code == 0 and not leftover.exists()
    assert Cache(seeded).current("ca").files[CA_FILE].read_bytes() == CA_200  # type: ignore[union-attr]



@pytest.mark.parametrize(("content", "said"), [
    ("same = 5\n", "'same' must be a list of tables"),
    ('[[same]]\na = "us:29220"\nb = "ca:china-p1-5"\n[same.inner]\nx = 1\n', "unknown key 'inner'"),
    ('[[samee]]\na = "us:1"\nb = "uk:X"\n', "unknown section 'samee'"),
    ('[[same]]\na = "us:1"\n', "a and b are both needed"),
    ('[[same]]\na = 1\nb = "uk:X"\n', "a must be text"),
    (b"\xff\xfe\x00bad", "is not UTF-8 text"),
])
def test_a_malformed_overrides_file_is_exit_2_in_one_line(tmp_path: Path, content: str | bytes, said: str) -> None:
    overrides = tmp_path / "overrides.toml"
    overrides.write_bytes(content if isinstance(content, bytes) else content.encode())
    done = run([*GAPS, "--overrides", str(overrides)], FixtureLoader())
    assert done.code == ExitStatus.USAGE and len(done.err_lines) == 1 and said in done.err
    no_traceback(done.err)
