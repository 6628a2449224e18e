"""Download one official file the way a careful cron job should.

Government servers are slow, flaky, sometimes answer with an error page, redirect to short-lived storage
links, or reject clients that do not look like a browser. This module follows redirects, retries network
errors and 5xx with exponential backoff (but not a name-resolution failure: with no network at all magcheck
must fall back to its cache or snapshot at once), sends conditional requests so an unchanged file is not
downloaded again, and streams the body to a temporary file that is only renamed once it is complete.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import requests
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from magcheck.errors import FetchError

# OFAC's firewall rejected clients without a browser-like User-Agent in 2026.
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 "
    "magcheck (+https://github.com/magcheck)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MISSING_STATUSES = frozenset({404, 410})
CHUNK_SIZE = 64 * 1024


@dataclass(frozen=True)
class HttpSettings:
    """Time-outs and retry policy; tests inject tiny values so failures are fast."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    attempts: int = 3  # total tries for one file on network errors and 5xx
    backoff: float = 1.0  # seconds before the 2nd try; doubled for each further try
    user_agent: str = BROWSER_USER_AGENT
    sleep: Callable[[float], None] = time.sleep


class MissingFile(FetchError):
    """The server says the file does not exist (404/410): fine for optional files."""


@dataclass
class Reporter:
    """Where progress and the -v request log go: stderr, and only when someone is watching.

    Progress bars appear on a terminal only; `quiet` leaves nothing but errors (which the CLI prints).
    """

    quiet: bool = False
    verbose: int = 0
    console: Console = field(default_factory=lambda: Console(stderr=True, highlight=False))

    @property
    def show_progress(self) -> bool:
        return not self.quiet and self.console.is_terminal

    def log(self, message: str) -> None:
        """A -v line: each request and its outcome."""
        if self.verbose and not self.quiet:
            self.console.print(f"magcheck: {message}", markup=False, highlight=False, soft_wrap=True)

    @contextmanager
    def progress(self, label: str, total: int | None) -> Iterator[Callable[[int], None]]:
        """Yield an `advance(nbytes)` callback, drawing a bar only on a terminal."""
        if not self.show_progress:
            yield lambda _n: None
            return
        columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                   TransferSpeedColumn(), TimeRemainingColumn())
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(label, total=total)
            yield lambda n: bar.advance(task, n)


@dataclass(frozen=True)
class Validators:
    """What the cache remembers about a file so the server can answer 304 Not Modified."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Download:
    """The outcome of one request: either a complete new file, or "not modified" (path None)."""

    url: str
    path: Path | None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    size: int | None = None

    @property
    def not_modified(self) -> bool:
        return self.path is None


class _Retryable(Exception):
    """A failure worth another try (network hiccup, time-out, 5xx); carries the user-facing reason."""


class Downloader:
    """One requests.Session for a whole run, so connections and the "host unreachable" memory are shared."""

    def __init__(self, settings: HttpSettings | None = None, reporter: Reporter | None = None,
                 session: requests.Session | None = None) -> None:
        self.settings = settings or HttpSettings()
        self.reporter = reporter or Reporter(quiet=True)
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = self.settings.user_agent
        self.session.headers["Accept"] = "*/*"
        # A host that could not be reached once in this run is not tried again: no network means fail fast.
        self._unreachable: dict[str, str] = {}

    def close(self) -> None:
        self.session.close()

    def fetch(self, url: str, dest: Path, validators: Validators = Validators()) -> Download:
        """Download `url` to `dest` (written as dest.part, renamed when complete), or report 304.

        Raises MissingFile for 404/410 and FetchError for everything else that went wrong.
        """
        host = urlsplit(url).netloc
        if host in self._unreachable:
            raise FetchError(self._unreachable[host])
        attempts = max(1, self.settings.attempts)
        for attempt in range(1, attempts + 1):
            try:
                return self._attempt(url, dest, validators)
            except _Retryable as exc:
                reason, give_up = str(exc), attempt == attempts
                if give_up and attempts > 1:
                    reason += f" (after {attempts} attempts)"
            except requests.ConnectionError as exc:  # refused, reset, connect time-out, DNS
                reason = describe_connection_error(url, exc)
                give_up = attempt == attempts or is_name_resolution_error(exc)
                if give_up:
                    self._unreachable[host] = reason
            except requests.RequestException as exc:  # invalid URL, too many redirects...: not worth a retry
                raise FetchError(f"cannot download {url}: {_short(exc)}") from None
            if give_up:
                raise FetchError(reason)
            delay = self.settings.backoff * 2 ** (attempt - 1)
            self.reporter.log(f"{reason}; retrying in {delay:g} s (attempt {attempt + 1} of {attempts})")
            self.settings.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, url: str, dest: Path, validators: Validators) -> Download:
        headers = validators.headers()
        shown = f" ({', '.join(f'{k}: {v}' for k, v in headers.items())})" if headers else ""
        self.reporter.log(f"GET {url}{shown}")
        started = time.monotonic()
        try:
            response = self.session.get(url, headers=headers, stream=True, allow_redirects=True,
                                        timeout=(self.settings.connect_timeout, self.settings.read_timeout))
        except requests.ConnectTimeout:
            raise  # a connection error (the host may be down), not a slow answer: see fetch()
        except requests.Timeout:
            raise _Retryable(f"timed out after {self.settings.read_timeout:g} s waiting for {url}") from None
        with response:
            if response.history:
                self.reporter.log(f"redirected to {response.url}")
            return self._handle_response(url, response, dest, started)

    def _handle_response(self, url: str, response: requests.Response, dest: Path, started: float) -> Download:
        status = response.status_code
        said = _status_text(response)
        if status == 304:
            self.reporter.log(f"{said}: {url}")
            return Download(url, None, response.headers.get("ETag"), response.headers.get("Last-Modified"))
        if status in MISSING_STATUSES:
            self.reporter.log(f"{said}: {url}")
            raise MissingFile(f"{said} from {url}")
        if status in RETRY_STATUSES:
            raise _Retryable(f"{said} from {url}")
        if status != 200:
            hint = " (the server refused the download)" if status in (401, 403) else ""
            self.reporter.log(f"{said}: {url}")
            raise FetchError(f"{said} from {url}{hint}")
        sha256, size = self._stream_to_file(url, response, dest)
        elapsed = time.monotonic() - started
        self.reporter.log(f"200 OK: {url}: {size:,} bytes in {elapsed:.1f} s")
        return Download(url, dest, response.headers.get("ETag"), response.headers.get("Last-Modified"),
                        sha256, size)

    def _stream_to_file(self, url: str, response: requests.Response, dest: Path) -> tuple[str, int]:
        """Write the body to dest.part, check it is complete, then rename it to dest."""
        expected = _expected_length(response)
        part = dest.with_name(dest.name + ".part")
        digest = hashlib.sha256()
        size = 0
        try:
            with open(part, "wb") as out, self.reporter.progress(dest.name, expected) as advance:
                for chunk in response.iter_content(CHUNK_SIZE):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    advance(len(chunk))
            if expected is not None and size != expected:
                raise _Retryable(f"connection closed mid-download of {url} "
                                 f"(got {size:,} of {expected:,} bytes)")
            os.replace(part, dest)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            _remove_quietly(part)
            if _is_timeout(exc):
                raise _Retryable(f"timed out after {self.settings.read_timeout:g} s reading {url}") from None
            got = f" (got {size:,} of {expected:,} bytes)" if expected and size else ""
            raise _Retryable(f"connection broken mid-download of {url}{got}: {_short(exc)}") from None
        except requests.Timeout:
            _remove_quietly(part)
            raise _Retryable(f"timed out after {self.settings.read_timeout:g} s reading {url}") from None
        except BaseException:  # includes OSError writing the file: the cache turns it into a CacheError
            _remove_quietly(part)
            raise
        return digest.hexdigest(), size


def _status_text(response: requests.Response) -> str:
    """`HTTP 403 Forbidden`: the standard phrase, whatever casing the server used."""
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = response.reason or ""
    return f"HTTP {response.status_code} {phrase}".rstrip()


def _is_timeout(exc: BaseException) -> bool:
    return any(isinstance(c, TimeoutError) or "timed out" in str(c).lower() for c in _causes(exc))


def _expected_length(response: requests.Response) -> int | None:
    """Content-Length counts encoded bytes; only trust it when the body is not compressed on the wire."""
    if response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity"):
        return None
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _remove_quietly(path: Path) -> None:
    with suppress(OSError):
        path.unlink(missing_ok=True)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its wrapped reasons and its chained causes (urllib3 nests them deeply)."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for nested in (getattr(current, "reason", None), current.__cause__, current.__context__,
                       *[a for a in current.args if isinstance(a, BaseException)]):
            if isinstance(nested, BaseException):
                stack.append(nested)


def is_name_resolution_error(exc: BaseException) -> bool:
    """True when the host name could not be resolved: no network (or a typo), retrying will not help."""
    for cause in _causes(exc):
        name = type(cause).__name__
        if name in ("NameResolutionError", "gaierror"):
            return True
        text = str(cause)
        if "Failed to resolve" in text or "Name or service not known" in text \
                or "Temporary failure in name resolution" in text or "nodename nor servname" in text:
            return True
    return False


def describe_connection_error(url: str, exc: requests.ConnectionError) -> str:
    """A short human reason instead of urllib3's nested repr."""
    parts = urlsplit(url)
    if is_name_resolution_error(exc):
        return f"cannot resolve {parts.hostname or url} (no network?)"
    host = parts.netloc or url  # with the port: a mirror is often on a local port
    if isinstance(exc, requests.ConnectTimeout):
        return f"timed out connecting to {host}"
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError) or "Connection refused" in str(cause):
            return f"connection refused by {host}"
        if isinstance(cause, ConnectionResetError) or "Connection reset" in str(cause):
            return f"connection reset by {host}"
    return f"cannot connect to {host}: {_short(exc)}"


def _short(exc: BaseException) -> str:
    """The innermost message of a nested urllib3 error, on one line."""
    innermost = exc
    for cause in _causes(exc):
        innermost = cause
    text = str(innermost) or type(innermost).__name__
    return " ".join(text.split())[:200]
