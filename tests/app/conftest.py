"""Shared by the prepared-list and pair-score tests: a data dir of every list's trimmed real excerpt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

CODES = ("us", "uk", "ca", "au", "un")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the fixtures' data dir (tests edit its files)."""
    target = tmp_path / "data"
    for code in CODES:
        shutil.copytree(FIXTURES / code, target / code, ignore=shutil.ignore_patterns("*.py", "*.md", "2026"))
    return target
