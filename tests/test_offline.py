"""The suite's own guard (tests/conftest.py `_offline`): no test reaches a remote address, whatever URLs the
lists' files and the tests name (the UN file names un.org and interpol.int; the sources name every official
download)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def test_a_connection_to_a_remote_address_is_refused_in_this_process() -> None:
    refused = r"tests run offline: refused a connection to 192\.0\.2\.1"
    with socket.socket() as sock, pytest.raises(OSError, match=refused):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: would never answer anyway


def test_a_magcheck_started_by_a_test_cannot_download_the_official_file(tmp_path: Path) -> None:
    env = {**os.environ, "MAGCHECK_CACHE_DIR": str(tmp_path / "cache"), "MAGCHECK_RETRIES": "0"}
    done = subprocess.run([sys.executable, "-m", "magcheck", "fetch", "--list", "un"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 3, done.stderr  # no copy at all: nothing was downloaded
    assert "could not fetch: connection refused by scsanctions.un.org" in done.stderr  # by the dead local proxy
    assert not (tmp_path / "cache" / "un").exists() or not any((tmp_path / "cache" / "un").glob("0*"))
