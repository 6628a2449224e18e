"""Download one official file the way a careful cron job should.

Government servers are slow, flaky, sometimes answer with an error page, redirect to short-lived storage
links, or reject clients that do not look like a browser. This module follows redirects, retries network
errors and 5xx with exponential backoff (but not a name-resolution failure: with no network at all magcheck
must fall back to its cache or snapshot at once), sends conditional requests so an unchanged file is not
downloaded again, and streams the body to a temporary file that is only renamed once it is complete.

This module holds what the rest of the store shares about transfers (settings, progress, validators, the
outcome of a request); the downloader itself, with requests, is `store.download`, imported only to download.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from magcheck.errors import FetchError
from magcheck.text import printable

# OFAC's firewall rejected clients without a browser-like User-Agent in 2026.
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 "
    "magcheck (+https://github.com/magcheck)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MISSING_STATUSES = frozenset({404, 410})
CHUNK_SIZE = 64 * 1024


CANCELLED = threading.Event()  # set on Ctrl-C or SIGTERM: every transfer stops at its next chunk or retry


def interruptible_sleep(seconds: float) -> None:
    """Wait before a retry, but not past a cancellation."""
    CANCELLED.wait(seconds)


@dataclass(frozen=True)
class HttpSettings:
    """Time-outs and retry policy; tests inject tiny values so failures are fast."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0  # the longest silence tolerated while waiting for or reading an answer
    attempts: int = 3  # total tries for one file on network errors and 5xx
    backoff: float = 1.0  # seconds before the 2nd try; doubled for each further try
    transfer_timeout: float = 600.0  # the longest one file may take, all tries included (a trickling server)
    max_retry_after: float = 120.0  # a server's Retry-After is honoured up to this many seconds
    user_agent: str = BROWSER_USER_AGENT
    sleep: Callable[[float], None] = interruptible_sleep
    clock: Callable[[], float] = time.monotonic


class MissingFile(FetchError):
    """The server says the file does not exist (404/410): fine for optional files."""


@dataclass
class Reporter:
    """Where progress and the -v request log go: stderr, and only when someone is watching.

    On a terminal one live display shows every file being fetched (lists are fetched in parallel), including
    which one is still waiting for its server; `quiet` leaves nothing but errors (which the CLI prints).
    """

    quiet: bool = False
    verbose: int = 0
    console: Console = field(default_factory=lambda: Console(stderr=True, highlight=False))
    _live: Progress | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def show_progress(self) -> bool:
        return not self.quiet and self.console.is_terminal

    def log(self, message: str) -> None:
        """A -v line: each request and its outcome."""
        if self.verbose and not self.quiet:
            with self._lock:
                self.console.print(f"magcheck: {printable(message)}", markup=False, highlight=False,
                                   soft_wrap=True)

    @contextmanager
    def session(self) -> Iterator[None]:
        """One live display for everything fetched inside (nested sessions share it)."""
        if not self.show_progress or self._live is not None:
            yield
            return
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), _ForDownloads(DownloadColumn()),
                   _ForDownloads(TransferSpeedColumn()), TimeElapsedColumn())
        with Progress(*columns, console=self.console, transient=True) as live:
            self._live = live
            try:
                yield
            finally:
                self._live = None

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        """A spinner line for a step of the run (reading the lists, matching) while it lasts; nothing off a
        terminal or with --quiet."""
        with self.session():
            live = self._live
            if live is None:
                yield
                return
            task = live.add_task(printable(label), total=None)
            try:
                yield
            finally:
                live.remove_task(task)

    @contextmanager
    def progress(self, label: str, total: int | None = None) -> Iterator[FileProgress]:
        """A line for one file: `waiting` until the first byte, then a bar; nothing off a terminal."""
        with self.session():
            live = self._live
            if live is None:
                yield FileProgress(None, None, label)
                return
            task = live.add_task(f"{printable(label)}: waiting for the server", total=total, download=True)
            try:
                yield FileProgress(live, task, label)
            finally:
                live.remove_task(task)


class _ForDownloads(ProgressColumn):
    """A column shown only on the lines of files being downloaded (not on a step's spinner line)."""

    def __init__(self, column: ProgressColumn) -> None:
        super().__init__()
        self.column = column

    def render(self, task: Task) -> RenderableType:
        return self.column.render(task) if task.fields.get("download") else ""


@dataclass
class FileProgress:
    """The display line of one file being fetched (no-op off a terminal)."""

    live: Progress | None
    task: TaskID | None
    label: str

    def started(self, total: int | None) -> None:
        if self.live is not None and self.task is not None:
            self.live.update(self.task, description=printable(self.label), total=total, completed=0)

    def advance(self, size: int) -> None:
        if self.live is not None and self.task is not None:
            self.live.advance(self.task, size)


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


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from now; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
