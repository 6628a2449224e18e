"""Text from a list or a server made safe to show: one line, no control characters.

Entry names and HTTP reason phrases come from the network: an ESC[2J, an OSC 8 link or a BEL in them must
never reach a terminal as a control sequence. Every string magcheck prints to a terminal or writes into a
text report passes through `printable`.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls; and the Unicode bidi overrides that can reorder what a
# reader sees (the "Trojan Source" characters).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
REPLACEMENT = "\ufffd"


def has_controls(text: str) -> bool:
    if text.isascii() and text.isprintable():  # the common case, checked in C without a regex
        return False
    return _CONTROLS.search(text) is not None


def printable(text: str) -> str:
    """`text` with every control character replaced by U+FFFD (tabs and newlines kept)."""
    return _CONTROLS.sub(REPLACEMENT, text) if _CONTROLS.search(text) else text


def one_line(text: str) -> str:
    """Whitespace (newlines included) collapsed to single spaces."""
    return " ".join(text.split())
