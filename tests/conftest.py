"""Shared test fixtures: the trimmed real excerpts in tests/fixtures and the full snapshots in ../shared/data."""

from __future__ import annotations

import os
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
