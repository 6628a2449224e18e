"""`gaps --matrix`: one row per real-world target, a column per list, on the real bundled snapshot."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re

import pytest

from magcheck.gaps import MatrixReport, MatrixRow
from magcheck.report import MATRIX_FORMATS, Terminal, render_matrix
from magcheck.report.data import matrix_columns, matrix_rows
from magcheck.report.formats import csv_safe
from tests.report.support import ANSI, BOX_DRAWING, CODES, matrix_report, schema_validator

PLAIN = Terminal.plain(width=200)
TTY = Terminal(is_tty=True, color=True, width=200)


@pytest.fixture(scope="module")
def report() -> MatrixReport:
    return matrix_report()


def row_of(report: MatrixReport, code: str, uid: str) -> MatrixRow:
    (row,) = [r for r in report.rows if any(e.uid == uid for e in r.entries.get(code, []))]
    return row


def small(report: MatrixReport) -> MatrixReport:
    keep = [row_of(report, "us", "29220"), row_of(report, "us", "29299"), row_of(report, "uk", "GHR0079")]
    return dataclasses.replace(report, rows=keep)


def test_json_document(report: MatrixReport) -> None:
    doc = json.loads(render_matrix(report, "json", terminal=PLAIN))
    assert doc["schema"] == "magcheck.matrix/1"
    assert list(doc["lists"]) == list(CODES)
    assert len(doc["rows"]) == len(report.rows) == doc["summary"]["targets"]
    for row in doc["rows"]:
        assert set(row["listings"]) == set(CODES)
        assert any(row["listings"].values())
    chen = next(r for r in doc["rows"] if (r["listings"]["us"] or [{}])[0].get("uid") == "29220")
    assert chen["listings"]["uk"] is None
    assert [e["uid"] for e in chen["listings"]["ca"]] == ["china-p1-5"]
    assert chen["listings"]["ca"][0]["listed"] == "2024-12-09"
    assert doc["summary"]["listed_by"]["us"] == sum(1 for r in doc["rows"] if r["listings"]["us"])


def test_trap_rows_stay_apart(report: MatrixReport) -> None:
    """XPCC and the XPCC Public Security Bureau are different bodies: two rows."""
    xpcc = row_of(report, "us", "29299")
    assert set(xpcc.entries) == {"us"}
    bureau = row_of(report, "uk", "GHR0079")
    assert "us" not in bureau.entries and "ca" in bureau.entries


def test_csv_reads_back_with_empty_gap_cells(report: MatrixReport) -> None:
    text = render_matrix(report, "csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows == [{k: csv_safe(v) for k, v in row.items()} for row in matrix_rows(report)]
    assert list(rows[0]) == list(matrix_columns(CODES))
    chen = next(r for r in rows if r["us_uid"] == "29220")
    assert chen["us"] == "listed"  # SDN.CSV gives no listing dates
    assert chen["uk"] == "" and chen["uk_uid"] == ""
    assert chen["ca"] == "2024-12-09" and chen["ca_uid"] == "china-p1-5"
    assert chen["listed_by"] == "us, ca"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    assert render_matrix(report, "csv", csv_bom=True) == "\ufeff" + text


def test_markdown_has_one_row_per_target(report: MatrixReport) -> None:
    text = render_matrix(report, "markdown")
    section = text.split("\n## Targets\n")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    assert len(rows) == len(report.rows)
    chen = next(line for line in rows if "CHEN, Quanguo" in line)
    assert "| listed (29220) | — | 2024-12-09 (china-p1-5) |" in chen


def test_table_gap_mark_depends_on_the_terminal(report: MatrixReport) -> None:
    plain = render_matrix(small(report), "table", terminal=PLAIN)
    assert not ANSI.search(plain) and not BOX_DRAWING.search(plain)
    chen = next(line for line in plain.splitlines() if "CHEN, Quanguo" in line)
    assert re.search(r"\| listed \(29220\)\s+\| -\s+\| 2024-12-09 \(china-p1-5\)\s+\|", chen)
    assert "—" not in plain
    fancy = render_matrix(small(report), "table", terminal=TTY)
    assert ANSI.search(fancy) and BOX_DRAWING.search(fancy) and "—" in fancy


def test_whole_table_renders(report: MatrixReport) -> None:
    text = render_matrix(report, "table", terminal=PLAIN)
    assert "WARNING: US is the BUNDLED SNAPSHOT" in text
    assert re.search(rf"\|\s+{len(report.rows)} \| ", text)
    assert re.search(rf"\| targets\s+\|\s+{len(report.rows)} \|", text)


@pytest.mark.parametrize("fmt", MATRIX_FORMATS)
def test_every_format_ends_with_a_newline(report: MatrixReport, fmt: str) -> None:
    assert render_matrix(small(report), fmt, terminal=PLAIN).endswith("\n")


def test_json_validates_against_the_shipped_schema(report: MatrixReport) -> None:
    validator = schema_validator("matrix-1.schema.json")
    doc = json.loads(render_matrix(report, "json"))
    assert [e.message for e in validator.iter_errors(doc)] == []
    assert list(validator.iter_errors({**doc, "rows": [{"name": "x"}]}))  # a row without its listings fails
