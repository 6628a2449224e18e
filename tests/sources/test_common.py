"""Shared parsing helpers (`sources/_common.py`): one namespace stripper, one month table, one safe XML parse,
one IMO check, used by the UK and Canadian parsers alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from magcheck.errors import ListFileError
from magcheck.model import PartialDate
from magcheck.sources import _common, ca, uk
from magcheck.sources._common import imo_number, is_imo_number, local_tag, month_from_word, month_number, parse_xml


@pytest.mark.parametrize(("tag", "local"), [
    ("Designation", "Designation"),
    ("{http://www.w3.org/2001/XMLSchema-instance}Designation", "Designation"),
    ("{urn:x}Country-Pays", "Country-Pays"),
])
def test_local_tag(tag: str, local: str) -> None:
    assert local_tag(tag) == local


def test_local_tag_of_comments_and_processing_instructions() -> None:
    root = etree.fromstring(b"<data-set><!-- a comment --><?pi x?><record/></data-set>")
    assert [local_tag(child.tag) for child in root] == ["", "", "record"]


def test_both_parsers_strip_namespaces_with_it() -> None:
    assert not hasattr(uk, "_local")
    assert ca._field_key("{urn:x}ShipIMONumber-NumeroOMIDuNavire") == "shipimonumber"


@pytest.mark.parametrize(("word", "month"), [
    ("Sep", 9), ("sept", 9), ("Sept.", 9), ("September", 9), ("may", 5), ("DEC", 12), ("Marshal", None),
    ("Se", None), ("Septembre", None), ("", None),
])
def test_month_from_word(word: str, month: int | None) -> None:
    assert month_from_word(word) == month


def test_month_words_agree_with_month_number() -> None:
    """The strict table and the older first-three-letters reader agree on every real month word."""
    assert _common.MONTH_WORDS and all(month_number(word) == month for word, month in _common.MONTH_WORDS.items())
    assert month_number("Marshal") == 3  # why `month_from_word` exists


def test_canada_reads_months_from_the_shared_table() -> None:
    assert not hasattr(ca, "_MONTH_WORDS")
    assert ca.parse_dob("Sep-65") == ((PartialDate(1965, 9),), None)
    assert ca.parse_dob("Marshal-65") == ((), "Marshal-65")


def test_parse_xml_with_a_root_predicate(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "ca" / "2026" / "ammitto_record_spec_2026-08-27.xml").read_bytes()
    root = parse_xml("ca", "sema-lmes.xml", data, "data-set", root_matches=lambda name: name.startswith("data-set"))
    assert local_tag(root.tag) == "data-set" and len(root) == 2
    with pytest.raises(ListFileError, match=r"unexpected XML root <data-set>, expected <Designations>"):
        parse_xml("uk", "UK-Sanctions-List.xml", data, "Designations")
    with pytest.raises(ListFileError, match=r"root <data-set>, expected <records>"):
        parse_xml("ca", "sema-lmes.xml", data, "records", root_matches=lambda name: name == "records")


def test_canada_parses_through_the_shared_safe_parser() -> None:
    assert not hasattr(ca, "_safe_parser")


@pytest.mark.parametrize(("text", "imo"), [
    ("9562233", "9562233"),  # Petrel 8 (UK FCDO sample, 2026)
    ("IMO9562233", "9562233"),
    ("IMO 8517839", "8517839"),  # M/V Maria (Canada, 2025 and 2026)
    (" 8898740 ", "8898740"),  # JI SONG 6 (UK, 2025)
    ("8898741", None),  # one digit changed: the check digit fails
    ("Omskiy 103", None),
    ("IMO 103", None),
    ("95622330", None),
    (None, None),
])
def test_imo_number(text: str | None, imo: str | None) -> None:
    assert imo_number(text) == imo


def test_every_imo_of_the_full_files_passes_the_check(shared_data: Path) -> None:
    uk_imos = [i.value for e in uk.parse_xml_files({uk.XML_FILE: shared_data / "uk" / uk.XML_FILE}).entries
               for i in e.identifiers if i.kind.value == "imo"]
    ca_imos = [i.value for e in ca.parse_files({ca.FILE: shared_data / "ca" / ca.FILE}).entries
               for i in e.identifiers if i.kind.value == "imo"]
    assert (len(uk_imos), len(ca_imos)) == (15, 310)
    assert all(is_imo_number(value) for value in uk_imos + ca_imos)
