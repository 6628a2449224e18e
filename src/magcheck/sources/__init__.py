"""Registry of the sanctions lists magcheck knows: every module here that defines `SOURCE`.

Adding a list means adding one module to this package; nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from magcheck.sources.base import Layout, Source, SourceFile

__all__ = ["Layout", "Source", "SourceFile", "all_sources", "get_source"]

@cache
def all_sources() -> dict[str, Source]:
    found: dict[str, Source] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        source = getattr(module, "SOURCE", None)
        if isinstance(source, Source):
            found[source.code] = source
    return dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))


def get_source(code: str) -> Source:
    sources = all_sources()
    if code not in sources:
        from magcheck.errors import UsageError

        raise UsageError(f"unknown list {code!r} (known: {', '.join(sources)})")
    return sources[code]
