"""Tables the matcher reads: legal forms, honorifics, territories (see each file's header for its source).

They ship inside the package and are read on first use, not at import, so that start-up stays cheap.
"""

from __future__ import annotations

from importlib.resources import files


def read_rows(name: str) -> list[list[str]]:
    """The tab-separated rows of one table, without its `#` comment lines and blank lines."""
    text = files(__name__).joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
