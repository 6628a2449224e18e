"""The report layer: turns gap reports, matrices, searches and explanations into text.

It sits below the CLI and above `gaps`, `matching` and `model`; it never reads or writes lists itself.
Every renderer returns a string ending with a newline; `output.write_atomically` writes one to a file.
"""

from magcheck.report.gaps import GAPS_FORMATS, render_gaps
from magcheck.report.lists import render_lists
from magcheck.report.lookup import LOOKUP_FORMATS, render_explain, render_search
from magcheck.report.matrix import MATRIX_FORMATS, render_matrix
from magcheck.report.output import OutputError, write_atomically
from magcheck.report.terminal import Terminal

__all__ = [
    "GAPS_FORMATS",
    "LOOKUP_FORMATS",
    "MATRIX_FORMATS",
    "OutputError",
    "Terminal",
    "render_explain",
    "render_gaps",
    "render_lists",
    "render_matrix",
    "render_search",
    "write_atomically",
]
