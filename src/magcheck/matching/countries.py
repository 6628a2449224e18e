"""Country names as the lists write them, reduced to one code (`Burma` = `Myanmar` = `mm`).

Built from rigour's territory database (strong names only, case-folded): rigour's own fuzzy
`lookup_territory` indexes every weak name and place on first use, which costs a second per run.
"""

from __future__ import annotations

from functools import cache

from rigour._core import territories_jsonl
from rigour.data import iter_jsonl_text


@cache
def _names_to_codes() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for territory in iter_jsonl_text(territories_jsonl()):
        for name in (*territory.get("names_strong", ()), territory.get("name"), territory.get("full_name")):
            if name:
                mapping.setdefault(name.casefold(), territory["code"])
    return mapping


def country_code(name: str) -> str:
    """The territory code for a known country name, else the case-folded name itself."""
    key = " ".join(name.split()).casefold()
    return _names_to_codes().get(key, key)
