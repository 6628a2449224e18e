"""Helpers shared by the fetch, cache and load tests: small real list files, a CLI runner, cache snapshots.

No test here touches the internet: the lists are served by pytest-httpserver on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from magcheck.cli import main
from magcheck.store.http import HttpSettings

CA_FILE = "sema-lmes.xml"
FAST_HTTP = HttpSettings(connect_timeout=1.0, read_timeout=0.3, attempts=3, backoff=0.0)
# The same policy for CLI runs, through the documented environment variables.
FAST_ENV = {"MAGCHECK_TIMEOUT": "0.3", "MAGCHECK_CONNECT_TIMEOUT": "1", "MAGCHECK_RETRIES": "2",
            "MAGCHECK_BACKOFF": "0", "MAGCHECK_LOCK_TIMEOUT": "5"}
HTML_ERROR_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>"
                   b"<body><h1>Please try again later</h1></body></html>\n")


def snapshot_bytes(name: str) -> bytes:
    """An official file from the bundled snapshot (always present, unlike ../shared/data)."""
    return gzip.decompress(resources.files("magcheck.snapshot").joinpath(f"{name}.gz").read_bytes())


def trimmed_ca(records: int) -> bytes:
    """The real Canadian file cut down to its first `records` records: small, fast, still valid."""
    text = snapshot_bytes(CA_FILE).decode("utf-8")
    head = text[: text.index("\t<record>")]
    found = re.findall(r"\t<record>.*?</record>\n", text, flags=re.DOTALL)
    assert len(found) >= records
    return (head + "".join(found[:records]) + "</data-set>\n").encode("utf-8")


CA_200 = trimmed_ca(200)


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_cli(args: list[str], env: dict[str, str] | None = None) -> CliResult:
    """Run `magcheck ARGS` through `main()` (the real entry point, with its error handling)."""
    runner = CliRunner()
    code = 0
    with runner.isolation(env={**FAST_ENV, **(env or {})}) as (out, err, _):
        try:
            main(args)
        except SystemExit as exc:
            code = int(exc.code or 0)
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return CliResult(code, stdout, stderr)


def tree_bytes(root: Path) -> dict[str, str]:
    """Every file under `root` (but the lock) with a digest of its bytes: to prove nothing changed."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".lock"}


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own MAGCHECK_* variables must not leak into these tests."""
    import os

    for name in list(os.environ):
        if name.startswith("MAGCHECK_") and name != "MAGCHECK_SHARED_DATA":
            monkeypatch.delenv(name)


def serve_directory(httpserver, root: Path) -> None:
    """Serve `root` like `python -m http.server` does: Last-Modified, 304 to If-Modified-Since, 404."""
    from email.utils import formatdate, parsedate_to_datetime

    from werkzeug import Request, Response

    def handler(request: Request) -> Response:
        path = (root / request.path.lstrip("/")).resolve()
        if not path.is_file() or root.resolve() not in path.parents:
            return Response("File not found", status=404)
        stamp = int(path.stat().st_mtime)
        last_modified = formatdate(stamp, usegmt=True)
        since = request.headers.get("If-Modified-Since")
        if since and parsedate_to_datetime(since).timestamp() >= stamp:
            return Response(status=304, headers={"Last-Modified": last_modified})
        return Response(path.read_bytes(), headers={"Last-Modified": last_modified})

    httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(handler)
