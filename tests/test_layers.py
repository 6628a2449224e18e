"""The architecture holds: each layer imports only the layers below it (lazy imports included).

    errors, notices, text, fsutil, gcpause, jsontext -> model -> sources -> store
                                           model -> matching -> gaps, history -> report -> app -> cli
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "magcheck"
BASE = {"errors", "notices", "text", "fsutil", "gcpause", "jsontext", "__init__"}
# layer -> the layers it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "base": set(),
    "model": {"base"},
    "sources": {"base", "model"},
    "snapshot": set(),
    "store": {"base", "model", "sources", "snapshot"},
    "matching": {"base", "model"},
    "gaps": {"base", "model", "sources", "matching"},
    "history": {"base", "model", "gaps"},
    "report": {"base", "model", "sources", "matching", "gaps", "history"},
    "app": {"base", "model", "sources", "store", "matching", "gaps", "history", "report"},
    "cli": {"base", "model", "app", "report", "store", "sources"},
    "__main__": {"base", "cli"},
}


def layer_of(module: str) -> str:
    """`magcheck.store.cache` -> `store`; the small foundation modules are `base`."""
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else "__init__"
    return "base" if head in BASE else head


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name == "magcheck" or name.startswith("magcheck.")}


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    own = layer_of(module_name(path))
    assert own in ALLOWED, f"{path}: layer {own!r} is not in the architecture; add it to ALLOWED"
    wrong = sorted(name for name in imported(path)
                   if name != "magcheck" and (other := layer_of(name)) != own and other not in ALLOWED[own])
    assert not wrong, f"{module_name(path)} ({own}) imports {wrong}"


def test_every_layer_is_checked() -> None:
    assert len(MODULES) > 30
    assert {layer_of(module_name(p)) for p in MODULES} <= set(ALLOWED)
