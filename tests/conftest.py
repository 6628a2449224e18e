"""Shared test fixtures: the trimmed real excerpts in tests/fixtures and the full snapshots in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(os.environ.get("MAGCHECK_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The full official snapshots; tests that need them are skipped where the folder is absent."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.skip(f"full snapshots not found at {SHARED_DATA} (set MAGCHECK_SHARED_DATA)")
    return SHARED_DATA
