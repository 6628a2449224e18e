"""One settings table: flags win over MAGCHECK_* variables, which win over defaults; a bad value from either is
one usage error naming where it came from (exit 2), never a silent default, a fallback or a traceback."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from magcheck.app.settings import COMMANDS, OPTIONS, Kind, Settings, build_settings, markdown_table, options_for
from magcheck.errors import ExitStatus, UsageError

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_option_is_a_settings_field_and_every_field_an_option() -> None:
    names = {f.name for f in fields(Settings)} - {"command", "sources"}
    assert {o.name for o in OPTIONS} == names


def test_flag_beats_environment_beats_default() -> None:
    assert build_settings("gaps", {}, {}).timeout == 60.0
    assert build_settings("gaps", {}, {"MAGCHECK_TIMEOUT": "5"}).timeout == 5.0
    settings = build_settings("gaps", {"reference": "uk"}, {"MAGCHECK_REFERENCE": "ca"})
    assert settings.reference == "uk" and settings.sources["reference"] == "--reference"
    assert build_settings("gaps", {}, {"MAGCHECK_REFERENCE": "ca"}).sources["reference"] == "MAGCHECK_REFERENCE"
    assert build_settings("gaps", {}, {}).sources["reference"] == "default"


@pytest.mark.parametrize(("environ", "said"), [
    ({"MAGCHECK_TIMEOUT": "-1"}, "MAGCHECK_TIMEOUT='-1': '-1' must be a finite number of seconds greater than 0"),
    ({"MAGCHECK_TIMEOUT": "nan"}, "MAGCHECK_TIMEOUT='nan'"),
    ({"MAGCHECK_TIMEOUT": "inf"}, "must be a finite number"),
    ({"MAGCHECK_TIMEOUT": "soon"}, "is not a number of seconds"),
    ({"MAGCHECK_CONNECT_TIMEOUT": "0"}, "MAGCHECK_CONNECT_TIMEOUT='0'"),
    ({"MAGCHECK_LOCK_TIMEOUT": "-1"}, "must be a finite number of seconds at least 0"),
    ({"MAGCHECK_RETRIES": "three"}, "is not a whole number"),
    ({"MAGCHECK_RETRIES": "99"}, "must be between 0 and 10"),
    ({"MAGCHECK_BACKOFF": "-2"}, "MAGCHECK_BACKOFF"),
    ({"MAGCHECK_OFFLINE": "maybe"}, "is not a yes/no value"),
    ({"MAGCHECK_MIRROR": "http://[::1"}, "is not a valid address"),
    ({"MAGCHECK_MIRROR": "ftp://example.org"}, "must be an http:// or https:// address"),
    ({"MAGCHECK_MIRROR": "http://example.org:99999"}, "is not a valid address"),
    ({"MAGCHECK_REFERENCE": "fr"}, "unknown list 'fr'"),
    ({"MAGCHECK_AGAINST": "uk,xx"}, "unknown list xx"),
    ({"MAGCHECK_SCOPE": "everything"}, "is not one of magnitsky, all"),
    ({"MAGCHECK_STALE_DAYS": "0"}, "must be between 1 and 3650"),
    ({"MAGCHECK_WORKERS": "-1"}, "must be between 0 and 256"),
])
def test_a_bad_environment_value_is_one_usage_error(environ: dict[str, str], said: str) -> None:
    with pytest.raises(UsageError) as raised:
        build_settings("gaps", {}, environ)
    assert said in str(raised.value) and "\n" not in str(raised.value)
    assert raised.value.exit_status == ExitStatus.USAGE


@pytest.mark.parametrize(("given", "said"), [
    ({"mirror": "127.0.0.1:8000"}, "--mirror: '127.0.0.1:8000' must be an http:// or https:// address"),
    ({"format": "pdf"}, "--format: 'pdf' is not one of table, json, csv, markdown, html"),
    ({"types": ("person",)}, "--type: 'person' is not one of"),
    ({"against": "us", "reference": "us"}, "--against cannot include the reference list 'us'"),
    ({"matrix": True, "changes": True}, "--changes applies to the gaps report"),
    ({"country": "  "}, "--country: the country is empty"),
    ({"country": "Chinaa"}, "--country: unknown country 'Chinaa' (did you mean China?)"),
    ({"output": ""}, "-o/--output: the path is empty"),
])
def test_a_bad_flag_is_one_usage_error(given: dict[str, object], said: str) -> None:
    with pytest.raises(UsageError, match="^" + re.escape(said)):
        build_settings("gaps", given, {})


def test_an_existing_file_where_a_directory_is_wanted_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="is not a directory"):
        build_settings("gaps", {}, {"MAGCHECK_CACHE_DIR": str(tmp_path / "file")})


@pytest.mark.parametrize("text", ["China", "PRC", "People's Republic of China", "Russia", "Russian Federation",
                                  "Burma", "Myanmar", "Türkiye", "Turkey", "CN", "RUS"])
def test_countries_are_names_codes_or_common_variants(text: str) -> None:
    assert build_settings("gaps", {"country": text}, {}).country == text


def test_an_empty_variable_is_unset_but_an_empty_flag_variable_is_false() -> None:
    assert build_settings("gaps", {}, {"MAGCHECK_TIMEOUT": ""}).timeout == 60.0
    assert build_settings("gaps", {}, {"MAGCHECK_OFFLINE": ""}).offline is False
    assert build_settings("gaps", {}, {"MAGCHECK_OFFLINE": "yes"}).offline is True


def test_fetch_cannot_be_offline_even_from_the_environment() -> None:
    with pytest.raises(UsageError, match="fetch downloads the lists"):
        build_settings("fetch", {}, {"MAGCHECK_OFFLINE": "1"})


def test_a_setting_of_another_command_is_not_read() -> None:
    assert build_settings("lists", {}, {"MAGCHECK_REFERENCE": "fr"}).reference == "us"


def test_the_readme_holds_the_settings_table_as_generated() -> None:
    """Regenerate with: python -c "from magcheck.app.settings import markdown_table; print(markdown_table())"."""
    assert markdown_table() in README.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_flag_and_variable_of_a_command_is_in_the_table(command: str) -> None:
    table = markdown_table()
    for option in options_for(command):
        assert all(f"`{flag}`" in table for flag in option.flags)
        assert option.env is None or f"`{option.env}`" in table


def test_repeatable_options_collect_tuples() -> None:
    settings = build_settings("gaps", {"programs": ("GLOMAG", "MAGNIT"), "types": ("entity",)}, {})
    assert settings.programs == ("GLOMAG", "MAGNIT") and settings.types == ("entity",)
    assert all(o.kind is Kind.MULTIPLE for o in OPTIONS if o.name in ("programs", "types"))
