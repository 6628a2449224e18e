"""Shared test fixtures: the trimmed real excerpts in tests/fixtures and the full snapshots in ../shared/data."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(os.environ.get("MAGCHECK_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture(scope="session", autouse=True)
def _own_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every magcheck a test runs, in this process or a subprocess, keeps its cache (prepared lists, pair
    scores), run history and config under this run's temporary folder, never the developer's own: the user
    dirs come from XDG_* (platformdirs on Linux) unless a test names its own."""
    root = tmp_path_factory.mktemp("user-dirs")
    saved = {name: os.environ.get(name) for name in XDG_DIRS}
    os.environ.update({name: str(root / name.lower()) for name in XDG_DIRS})
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


XDG_DIRS = ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME")


@pytest.fixture(scope="session", autouse=True)
def _offline() -> Iterator[None]:
    """Tests never reach a remote address, whatever a list's files or a test's URL strings name: in this process a
    connection to anything but this machine fails at once (the test fails with it), and a magcheck a test starts
    sends any remote request to a proxy on a closed local port, where it fails as a network error would."""
    real_connect = socket.socket.connect

    def local_only(sock: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and not _is_local(str(host)):
            raise OSError(f"tests run offline: refused a connection to {host}")
        real_connect(sock, address)  # type: ignore[arg-type]

    saved = {name: os.environ.get(name) for name in PROXY_VARIABLES}
    os.environ.update({name: CLOSED_LOCAL_PROXY for name in PROXY_VARIABLES if "no_" not in name.lower()})
    os.environ.update({name: NOT_PROXIED for name in PROXY_VARIABLES if "no_" in name.lower()})
    socket.socket.connect = local_only  # type: ignore[method-assign]
    yield
    socket.socket.connect = real_connect  # type: ignore[method-assign]
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy")
CLOSED_LOCAL_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens there
# This machine, and `.invalid` (a name that never resolves: the tests of a failed name resolution need it unproxied).
NOT_PROXIED = "127.0.0.1,localhost,::1,.invalid"


def _is_local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The full official snapshots; tests that need them are skipped where the folder is absent."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.skip(f"full snapshots not found at {SHARED_DATA} (set MAGCHECK_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def bundled_lists() -> dict:
    """The bundled snapshot's US, UK (ConList.csv) and Canadian lists, parsed once per test run."""
    from magcheck.store.bundled import load_bundled

    return {code: load_bundled(code) for code in ("us", "uk", "ca")}


@pytest.fixture(scope="session")
def bundled_matcher(bundled_lists: dict):
    """One Matcher over the three bundled lists (about a second to build); tests must not modify it."""
    from magcheck.matching.align import Matcher

    return Matcher({code: lst.entries for code, lst in bundled_lists.items()})
