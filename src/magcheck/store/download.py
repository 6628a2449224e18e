"""The downloader: one official file fetched with requests, the way a careful cron job should (see `http`).

Kept apart from `http` (settings, progress, validators) so that a run that reads only cached or prepared lists
never imports requests and its TLS stack (about 70 ms of every start).
"""

from __future__ import annotations

import hashlib
import http.client
import os
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import requests
import urllib3

from magcheck.errors import FetchError
from magcheck.sources.base import DEFAULT_MAX_BYTES
from magcheck.store.http import (
    CANCELLED,
    CHUNK_SIZE,
    MISSING_STATUSES,
    RETRY_STATUSES,
    Download,
    FileProgress,
    HttpSettings,
    MissingFile,
    Reporter,
    Validators,
    retry_after_seconds,
)
from magcheck.text import printable

NO_VALIDATORS = Validators()  # a first download: nothing to make the request conditional on


class _Retryable(Exception):
    """A failure worth another try (network hiccup, time-out, 5xx); carries the user-facing reason and how long
    the server asked us to wait (Retry-After), if it did."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Downloader:
    """Downloads files with one requests.Session. Each list gets its own downloader (lists are fetched in
    parallel and independently: one list's broken server never stops another's), sharing only the memory of
    host names that did not resolve, so that with no network at all the run ends at once."""

    def __init__(self, settings: HttpSettings | None = None, reporter: Reporter | None = None,
                 session: requests.Session | None = None, *, unresolved: dict[str, str] | None = None) -> None:
        self.settings = settings or HttpSettings()
        self.reporter = reporter or Reporter(quiet=True)
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = self.settings.user_agent
        self.session.headers["Accept"] = "*/*"
        self.unresolved = unresolved if unresolved is not None else {}  # host -> why: not tried again

    def close(self) -> None:
        self.session.close()

    def fetch(self, url: str, dest: Path, validators: Validators = NO_VALIDATORS, *,
              max_bytes: int = DEFAULT_MAX_BYTES, read_timeout: float | None = None,
              deadline: float | None = None) -> Download:
        """Download `url` to `dest` (written as dest.part, renamed when complete), or report 304.

        Gives up when the file takes longer than `transfer_timeout` (all tries included) or the refresh
        `deadline` (a `clock()` time) passes, and when it grows beyond `max_bytes` once decompressed.
        Raises MissingFile for 404/410 and FetchError for everything else that went wrong.
        """
        host = urlsplit(url).hostname or url
        if host in self.unresolved:
            raise FetchError(self.unresolved[host])
        clock = self.settings.clock
        until = clock() + self.settings.transfer_timeout
        if deadline is not None:
            until = min(until, deadline)
        attempts = max(1, self.settings.attempts)
        for attempt in range(1, attempts + 1):
            if CANCELLED.is_set():
                raise FetchError(f"interrupted before {url} was downloaded")
            retry_after: float | None = None
            try:
                return self._attempt(url, dest, validators, _Budget(until, clock, max_bytes,
                                                                    read_timeout or self.settings.read_timeout))
            except _Retryable as exc:
                reason, give_up, retry_after = str(exc), attempt == attempts, exc.retry_after
                if give_up and attempts > 1:
                    reason += f" (after {attempts} attempts)"
            except requests.ConnectionError as exc:  # refused, reset, connect time-out, DNS, garbage answers
                reason = describe_connection_error(url, exc)
                give_up = attempt == attempts
                if is_name_resolution_error(exc):
                    self.unresolved[host] = reason
                    give_up = True
            except requests.RequestException as exc:  # invalid URL, too many redirects...: not worth a retry
                raise FetchError(f"cannot download {url}: {_short(exc)}") from None
            if give_up:
                raise FetchError(reason)
            delay = self._delay(attempt, retry_after)
            if clock() + delay >= until:
                raise FetchError(f"{reason}; gave up: no time left for another try "
                                 f"(MAGCHECK_TRANSFER_TIMEOUT / MAGCHECK_REFRESH_TIMEOUT)")
            self.reporter.log(f"{reason}; retrying in {delay:g} s (attempt {attempt + 1} of {attempts})")
            self.settings.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff, or the server's Retry-After when it gives one (within reason)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.settings.max_retry_after)
        return float(self.settings.backoff * 2.0 ** (attempt - 1))

    def _attempt(self, url: str, dest: Path, validators: Validators, budget: _Budget) -> Download:
        headers = validators.headers()
        shown = f" ({', '.join(f'{k}: {v}' for k, v in headers.items())})" if headers else ""
        self.reporter.log(f"GET {url}{shown}")
        started = budget.clock()
        read_timeout = budget.timeout(budget.read_timeout)
        try:
            with self.reporter.progress(dest.name) as line:
                response = self.session.get(url, headers=headers, stream=True, allow_redirects=True,
                                            timeout=(budget.timeout(self.settings.connect_timeout), read_timeout))
                with response:
                    if response.history:
                        self.reporter.log(f"redirected to {response.url}")
                    return self._handle_response(url, response, dest, started, budget, line)
        except requests.ConnectTimeout:
            raise  # a connection error (the host may be down), not a slow answer: see fetch()
        except requests.Timeout:
            raise _Retryable(f"timed out after {read_timeout:g} s waiting for {url}") from None

    def _handle_response(self, url: str, response: requests.Response, dest: Path, started: float,
                         budget: _Budget, line: FileProgress) -> Download:
        status = response.status_code
        said = _status_text(response)
        if status == 304:
            self.reporter.log(f"{said}: {url}")
            return Download(url, None, response.headers.get("ETag"), response.headers.get("Last-Modified"))
        if status in MISSING_STATUSES:
            self.reporter.log(f"{said}: {url}")
            raise MissingFile(f"{said} from {url}")
        if status in RETRY_STATUSES:
            raise _Retryable(f"{said} from {url}", retry_after_seconds(response.headers.get("Retry-After")))
        if status != 200:
            hint = " (the server refused the download)" if status in (401, 403) else ""
            self.reporter.log(f"{said}: {url}")
            raise FetchError(f"{said} from {url}{hint}")
        sha256, size = self._stream_to_file(url, response, dest, budget, line)
        elapsed = budget.clock() - started
        self.reporter.log(f"200 OK: {url}: {size:,} bytes in {elapsed:.1f} s")
        return Download(url, dest, response.headers.get("ETag"), response.headers.get("Last-Modified"),
                        sha256, size)

    def _stream_to_file(self, url: str, response: requests.Response, dest: Path, budget: _Budget,
                        line: FileProgress) -> tuple[str, int]:
        """Write the body to dest.part, check it is complete and within bounds, then rename it to dest."""
        expected = _expected_length(response)
        if expected is not None and expected > budget.max_bytes:
            raise FetchError(f"{url} announces {expected:,} bytes, more than the {budget.max_bytes:,}-byte limit "
                             "for this file (not a real list)")
        part = dest.with_name(dest.name + ".part")
        digest = hashlib.sha256()
        size = 0
        line.started(expected)
        try:
            with open(part, "wb") as out:
                for chunk in _chunks(response):
                    size += len(chunk)
                    if size > budget.max_bytes:  # counted after decompression: a gzip bomb stops here
                        raise FetchError(f"{url} is larger than the {budget.max_bytes:,}-byte limit for this file "
                                         "once decompressed (not a real list)")
                    if budget.clock() > budget.until or CANCELLED.is_set():
                        raise FetchError(f"gave up on {url}: still downloading after the time allowed "
                                         f"(got {size:,} bytes; MAGCHECK_TRANSFER_TIMEOUT)")
                    out.write(chunk)
                    digest.update(chunk)
                    line.advance(len(chunk))
            if expected is not None and size != expected:
                raise _Retryable(f"connection closed mid-download of {url} "
                                 f"(got {size:,} of {expected:,} bytes)")
            os.replace(part, dest)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            _remove_quietly(part)
            if _is_timeout(exc):
                raise _Retryable(f"timed out after {budget.read_timeout:g} s reading {url}") from None
            got = f" (got {size:,} of {expected:,} bytes)" if expected and size else ""
            raise _Retryable(f"connection broken mid-download of {url}{got}: {_short(exc)}") from None
        except requests.Timeout:
            _remove_quietly(part)
            raise _Retryable(f"timed out after {budget.read_timeout:g} s reading {url}") from None
        except BaseException:  # includes OSError writing the file: the cache turns it into a CacheError
            _remove_quietly(part)
            raise
        return digest.hexdigest(), size


def _chunks(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives (decompressed), a chunk per read, so that the caller's time limit is checked even
    when a server trickles a byte at a time (requests' iter_content waits to fill each chunk). urllib3's errors
    become the requests errors the caller handles."""
    raw = response.raw
    try:
        while chunk := raw.read1(CHUNK_SIZE, decode_content=True):
            yield chunk
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from exc
    except urllib3.exceptions.DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from exc
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.SSLError, OSError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, ConnectionError | TimeoutError):
            raise
        raise requests.exceptions.ChunkedEncodingError(exc) from exc


@dataclass(frozen=True)
class _Budget:
    """What one file may still take: until a clock time, up to a size, with this read time-out."""

    until: float
    clock: Callable[[], float]
    max_bytes: int
    read_timeout: float

    def timeout(self, wanted: float) -> float:
        """A socket time-out that never outlives the budget (at least a little, so a request can start)."""
        return max(0.05, min(wanted, self.until - self.clock()))


def _status_text(response: requests.Response) -> str:
    """`HTTP 403 Forbidden`: the standard phrase, whatever the server sent (its own phrase is not shown raw)."""
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = printable(response.reason or "")[:80]
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
    causes = list(_causes(exc))
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError) or "Connection refused" in str(cause):
            return f"connection refused by {host}"
        if isinstance(cause, ConnectionResetError) or "Connection reset" in str(cause):
            return f"connection reset by {host}"
    for cause in causes:
        if isinstance(cause, http.client.HTTPException) and not isinstance(cause, http.client.RemoteDisconnected):
            return f"the server at {host} sent a malformed answer ({_short(cause)})"
    return f"cannot connect to {host}: {_short(exc)}"


def _short(exc: BaseException) -> str:
    """The innermost message of a nested urllib3 error, on one line."""
    innermost = exc
    for cause in _causes(exc):
        innermost = cause
    text = str(innermost) or type(innermost).__name__
    return printable(" ".join(text.split()))[:200]
