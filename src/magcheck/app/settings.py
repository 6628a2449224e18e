"""Every setting of every command, read once: flags, then `MAGCHECK_*` environment variables, then defaults.

One table (`OPTIONS`) says, for each setting, its flag, its environment variable, its default and how its
text is checked; the command line builds its options from it and the README documents it. A bad value, from a
flag or from the environment, is one clear `UsageError` (exit 2) naming where it came from — never a silent
default, never a traceback.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from magcheck.errors import UsageError

GAPS_FORMATS = ("table", "json", "csv", "markdown", "html")
LOOKUP_FORMATS = ("table", "json")
SCOPES = ("magnitsky", "all")
ENTRY_TYPES = ("individual", "entity", "vessel", "aircraft")
COMMANDS = ("lists", "fetch", "gaps", "search", "explain", "history")
SORTS = ("age", "name", "listed")  # gaps.SORTS (not imported: the settings load before the library)
MEASURES = ("any", "asset-freeze")  # gaps.MEASURES


class Kind(StrEnum):
    VALUE = "value"  # takes a value: --cache-dir DIR
    FLAG = "flag"  # on when given: --offline
    COUNT = "count"  # repeatable: -v -v
    MULTIPLE = "multiple"  # repeatable value: --program GLOMAG --program MAGNIT


Parser = Callable[[str], Any]  # text -> value; raises ValueError("why") for a bad value


@dataclass(frozen=True)
class Option:
    """One row of the settings table."""

    name: str  # the Settings attribute
    flags: tuple[str, ...]  # command-line spellings; () for a setting only the environment sets
    env: str | None  # its MAGCHECK_* variable, if any
    default: Any
    help: str | Callable[[], str]  # a callable for help that names the registry's lists
    parse: Parser = str
    kind: Kind = Kind.VALUE
    metavar: str | None = None
    commands: frozenset[str] = frozenset(COMMANDS)  # where it applies
    empty_is_a_value: bool = False  # an empty variable is a value ("" turns the pager off), not "unset"


# --- value parsers: each raises ValueError with the reason a human needs ------------------------------------


def directory(text: str) -> Path:
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise ValueError(f"{text!r} is not a directory")
    return path


def file_path(text: str) -> Path:
    if not text.strip():
        raise ValueError("the path is empty")
    return Path(text).expanduser()


def existing_file(text: str) -> Path:
    path = file_path(text)
    if not path.is_file():
        raise ValueError(f"{text!r} is not a file")
    return path


def http_url(text: str) -> str:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid address ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{text!r} must be an http:// or https:// address")
    return text.rstrip("/")


def seconds(minimum: float, *, strict: bool) -> Parser:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number of seconds") from None
        if not math.isfinite(value) or value < minimum or (strict and value == minimum):
            bound = f"greater than {minimum:g}" if strict else f"at least {minimum:g}"
            raise ValueError(f"{text!r} must be a finite number of seconds {bound}")
        return value

    return parse


def whole(minimum: int, maximum: int) -> Parser:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
        if not minimum <= value <= maximum:
            raise ValueError(f"{text!r} must be between {minimum} and {maximum}")
        return value

    return parse


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{text!r} is not a yes/no value (use 1 or 0)")


def choice(*allowed: str) -> Parser:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in allowed:
            raise ValueError(f"{text!r} is not one of {', '.join(allowed)}")
        return value

    return parse


def list_code(text: str) -> str:
    from magcheck.sources import all_sources

    code = text.strip().lower()
    if code not in all_sources():
        raise ValueError(f"unknown list {text!r} (known: {', '.join(all_sources())})")
    return code


def list_codes(text: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(c.strip().lower() for c in text.split(",") if c.strip()))
    if not codes:
        raise ValueError("no list named")
    from magcheck.sources import all_sources

    unknown = [c for c in codes if c not in all_sources()]
    if unknown:
        raise ValueError(f"unknown list {', '.join(unknown)} (known: {', '.join(all_sources())})")
    return codes


def country(text: str) -> str:
    """A country as the user writes it (name, ISO code, common variant: PRC, Burma, Russian Federation); an
    unknown one is an error with a suggestion, never an empty report that reads like "no gaps"."""
    from magcheck.matching.countries import resolve_country, suggest_country

    if not text.strip():
        raise ValueError("the country is empty")
    if resolve_country(text) is None:
        close = suggest_country(text)
        hint = f" (did you mean {' or '.join(close[:3])}?)" if close else " (give its name or ISO code)"
        raise ValueError(f"unknown country {text!r}{hint}")
    return text.strip()


def known_lists_help(text: str) -> Callable[[], str]:
    """Help naming the lists of the registry, computed only when help is shown (the registry imports parsers)."""
    def render() -> str:
        from magcheck.sources import all_sources

        return text.format(lists=", ".join(all_sources()))

    return render


# --- the table ---------------------------------------------------------------------------------------------

READERS = frozenset({"lists", "gaps", "search", "explain", "history"})
WITH_OVERRIDES = frozenset({"gaps", "explain", "history"})

OPTIONS: tuple[Option, ...] = (
    # where the lists come from
    Option("data_dir", ("--data-dir",), "MAGCHECK_DATA_DIR", None,
           "Read the official files from DIR (or DIR/<list>) instead of the cache.", directory, metavar="DIR",
           commands=READERS),
    Option("cache_dir", ("--cache-dir",), "MAGCHECK_CACHE_DIR", None,
           "Cache directory (default: the user cache dir).", directory, metavar="DIR"),
    Option("mirror", ("--mirror",), "MAGCHECK_MIRROR", None,
           "Download every file from BASE/<list>/<official file name>.", http_url, metavar="BASE"),
    Option("offline", ("--offline",), "MAGCHECK_OFFLINE", False,
           "Never touch the network: use the cache, else the bundled snapshot.", boolean, Kind.FLAG),
    Option("quiet", ("-q", "--quiet"), "MAGCHECK_QUIET", False,
           "Only errors and degraded-data warnings on stderr.", boolean, Kind.FLAG),
    Option("verbose", ("-v", "--verbose"), "MAGCHECK_VERBOSE", 0,
           "Log each request and its outcome (repeat for more).", whole(0, 5), Kind.COUNT),
    # network and locking (environment only: operators set them once)
    Option("timeout", (), "MAGCHECK_TIMEOUT", 60.0, "Read time-out per request, seconds.", seconds(0, strict=True)),
    Option("connect_timeout", (), "MAGCHECK_CONNECT_TIMEOUT", 10.0, "Connect time-out, seconds.",
           seconds(0, strict=True)),
    Option("retries", (), "MAGCHECK_RETRIES", 2, "Retries after the first try of a download.", whole(0, 10)),
    Option("transfer_timeout", (), "MAGCHECK_TRANSFER_TIMEOUT", 600.0,
           "The longest one file may take to download, retries included, seconds.", seconds(0, strict=True)),
    Option("refresh_timeout", (), "MAGCHECK_REFRESH_TIMEOUT", 900.0,
           "The longest a refresh of all lists (fetched in parallel) may take, seconds.", seconds(0, strict=True)),
    Option("backoff", (), "MAGCHECK_BACKOFF", 1.0, "Seconds before the first retry, doubled each time.",
           seconds(0, strict=False)),
    Option("lock_timeout", (), "MAGCHECK_LOCK_TIMEOUT", 300.0,
           "Seconds to wait for another run's lock on the cache.", seconds(0, strict=False)),
    Option("stale_days", (), "MAGCHECK_STALE_DAYS", 7,
           "A cached copy the server has not confirmed current for more days than this is stale.", whole(1, 3650)),
    Option("workers", (), "MAGCHECK_WORKERS", 0,
           "Processes for large alignments (0: one per CPU).", whole(0, 256)),
    # lists and fetch
    Option("list_codes", ("--list",), None, (), known_lists_help("Comma-separated lists ({lists}; default: all)."),
           list_codes, metavar="CODES", commands=frozenset({"lists", "fetch", "search"})),
    Option("force", ("--force",), None, False, "Accept a new copy even if it shrank a lot.", boolean, Kind.FLAG,
           commands=frozenset({"fetch"})),
    # gaps
    Option("reference", ("--reference",), "MAGCHECK_REFERENCE", "us",
           known_lists_help("Whose designations are the yardstick ({lists})."), list_code, metavar="LIST",
           commands=frozenset({"gaps"})),
    Option("against", ("--against",), "MAGCHECK_AGAINST", (),
           known_lists_help("Comma-separated lists checked against the reference (of {lists}; default: every "
                            "other list with a Magnitsky-style regime that is available)."),
           list_codes, metavar="CODES", commands=frozenset({"gaps"})),
    Option("scope", ("--scope",), "MAGCHECK_SCOPE", "magnitsky",
           "The reference list's Magnitsky-style programmes, or all of them.", choice(*SCOPES),
           metavar="[magnitsky|all]", commands=frozenset({"gaps"})),
    Option("programs", ("--program",), None, (),
           "A raw programme or regime name of the reference list (repeatable; replaces --scope).",
           kind=Kind.MULTIPLE, metavar="TAG", commands=frozenset({"gaps"})),
    Option("types", ("--type",), None, (), f"Only targets of this type ({', '.join(ENTRY_TYPES)}; repeatable).",
           choice(*ENTRY_TYPES), Kind.MULTIPLE, metavar="TYPE", commands=frozenset({"gaps"})),
    Option("country", ("--country",), None, None,
           "Only targets of this nationality, or naming it in their record (a name, an ISO code or a common "
           "variant: PRC, Burma, Russian Federation).", country, metavar="NAME", commands=frozenset({"gaps"})),
    Option("name", ("--name",), None, None, "Only targets with a name containing TEXT.", metavar="TEXT",
           commands=frozenset({"gaps"})),
    Option("matrix", ("--matrix",), None, False,
           "Every target of every list in scope, one row per real-world target.", boolean, Kind.FLAG,
           commands=frozenset({"gaps"})),
    Option("format", ("--format",), None, "table", f"Output format ({', '.join(GAPS_FORMATS)}).",
           choice(*GAPS_FORMATS), metavar="FORMAT", commands=frozenset({"gaps"})),
    Option("format", ("--format",), None, "table", f"Output format ({', '.join(LOOKUP_FORMATS)}).",
           choice(*LOOKUP_FORMATS), metavar="FORMAT", commands=frozenset({"lists", "search", "explain", "history"})),
    Option("output", ("-o", "--output"), None, None,
           "Write the report to FILE (atomically; '-' is stdout) instead of stdout.", file_path, metavar="FILE",
           commands=frozenset({"gaps"})),
    Option("bom", ("--bom",), None, False, "CSV: start with a UTF-8 byte-order mark (for Excel).", boolean,
           Kind.FLAG, commands=frozenset({"gaps"})),
    Option("changes", ("--changes",), None, False,
           "Report gaps opened and closed since the previous run of this scope (keeps run history).", boolean,
           Kind.FLAG, commands=frozenset({"gaps"})),
    Option("exit_code", ("--exit-code",), None, False,
           "Exit 10 when there are gaps (with --changes: new gaps), 11 when that rests on stale data.", boolean,
           Kind.FLAG, commands=frozenset({"gaps"})),
    Option("state_dir", ("--state-dir",), "MAGCHECK_STATE_DIR", None,
           "Where --changes keeps each run's result (default: the user state dir).", directory, metavar="DIR",
           commands=frozenset({"gaps", "history"})),
    Option("sort", ("--sort",), None, "age",
           "Order of the targets: age (oldest gap first, undated last), name, or listed (earliest reference "
           "listing first).", choice(*SORTS), metavar="[age|name|listed]", commands=frozenset({"gaps"})),
    Option("measures", ("--measures",), None, "any",
           "Which listings count as covers: any, or asset-freeze (a listing whose list states its measures and "
           "has no asset freeze, e.g. a UK travel ban only, is a gap).", choice(*MEASURES),
           metavar="[any|asset-freeze]", commands=frozenset({"gaps", "history"})),
    Option("overrides", ("--overrides",), "MAGCHECK_OVERRIDES", None,
           "Analyst decisions (TOML or CSV) applied after matching (default: ~/.config/magcheck/overrides.toml "
           "when it exists).", existing_file, metavar="FILE", commands=WITH_OVERRIDES),
    # search
    Option("limit", ("--limit",), None, 5, "Best matches per list.", whole(1, 100), metavar="N",
           commands=frozenset({"search"})),
    Option("limit", ("--limit",), None, None,
           "At most N rows per government in the table and Markdown reports (JSON, CSV and HTML stay whole).",
           whole(1, 10_000_000), metavar="N", commands=frozenset({"gaps"})),
    # the terminal
    Option("no_pager", ("--no-pager",), None, False,
           "Print straight to the terminal, without a pager.", boolean, Kind.FLAG, commands=READERS),
    Option("pager", (), "MAGCHECK_PAGER", None,
           "The pager for reports longer than the terminal (default: $PAGER, else less -FRX; empty: none).",
           str, commands=READERS, empty_is_a_value=True),
)


def options_for(command: str) -> tuple[Option, ...]:
    return tuple(option for option in OPTIONS if command in option.commands)


@dataclass(frozen=True)
class Settings:
    """What one run was asked to do, validated; built by `build_settings`, never changed afterwards."""

    command: str = "gaps"
    data_dir: Path | None = None
    cache_dir: Path | None = None
    mirror: str | None = None
    offline: bool = False
    quiet: bool = False
    verbose: int = 0
    timeout: float = 60.0
    connect_timeout: float = 10.0
    retries: int = 2
    transfer_timeout: float = 600.0
    refresh_timeout: float = 900.0
    backoff: float = 1.0
    lock_timeout: float = 300.0
    stale_days: int = 7
    workers: int = 0
    list_codes: tuple[str, ...] = ()
    force: bool = False
    reference: str = "us"
    against: tuple[str, ...] = ()
    scope: str = "magnitsky"
    programs: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    country: str | None = None
    name: str | None = None
    matrix: bool = False
    format: str = "table"
    output: Path | None = None
    bom: bool = False
    changes: bool = False
    exit_code: bool = False
    state_dir: Path | None = None
    overrides: Path | None = None
    sort: str = "age"
    measures: str = "any"
    limit: int | None = 5  # search: best matches per list; gaps: rows per government (None: all)
    no_pager: bool = False
    pager: str | None = None
    sources: dict[str, str] = field(default_factory=dict, compare=False)  # setting -> where its value came from

    def but(self, **changes: Any) -> Settings:
        """A copy with some settings changed (tests, and commands that derive a setting)."""
        return replace(self, **changes)


def build_settings(command: str, given: Mapping[str, Any], environ: Mapping[str, str]) -> Settings:
    """Settings for `command` from the options typed on the command line (`given`: only those actually
    typed, values as click passed them), the environment, and the defaults; UsageError for a bad value."""
    values: dict[str, Any] = {"command": command}
    origins: dict[str, str] = {}
    for option in options_for(command):
        value, origin = _resolve(option, given, environ)
        values[option.name] = value
        origins[option.name] = origin
    settings = Settings(**values, sources=origins)
    _check_combinations(settings)
    return settings


def _resolve(option: Option, given: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[Any, str]:
    if option.name in given:
        label = "/".join(option.flags)
        return _parsed(option, given[option.name], label), label
    if option.env:
        text = environ.get(option.env)
        if text is not None and (text.strip() or option.kind is Kind.FLAG or option.empty_is_a_value):
            return _parsed(option, text, option.env), option.env
    return option.default, "default"


def _parsed(option: Option, raw: Any, label: str) -> Any:
    try:
        if option.kind is Kind.MULTIPLE:
            items = raw if isinstance(raw, (list, tuple)) else [raw]
            return tuple(option.parse(str(item)) for item in items)
        if option.kind in (Kind.FLAG, Kind.COUNT) and not isinstance(raw, str):
            return raw
        return option.parse(str(raw))
    except ValueError as exc:
        shown = f"{label}={raw!r}" if label.startswith("MAGCHECK_") else label
        raise UsageError(f"{shown}: {exc}") from None


def _check_combinations(settings: Settings) -> None:
    """Rules between settings, checked before anything is read or downloaded."""
    if settings.command == "fetch" and settings.offline:
        raise UsageError("fetch downloads the lists; it cannot run with --offline (or MAGCHECK_OFFLINE)")
    if settings.command == "gaps":
        if settings.reference in settings.against:
            raise UsageError(f"--against cannot include the reference list {settings.reference!r}")
        if settings.matrix and settings.changes:
            raise UsageError("--changes applies to the gaps report, not to --matrix")
        for name, flag in (("sort", "--sort"), ("measures", "--measures")):
            if settings.matrix and settings.sources.get(name, "default") != "default":
                raise UsageError(f"{flag} applies to the gaps report, not to --matrix")


def documented(command: str | None = None) -> list[Option]:
    """The table rows, each once, for help and the README."""
    seen: set[tuple[str, tuple[str, ...], frozenset[str]]] = set()
    rows = []
    for option in OPTIONS:
        if command is not None and command not in option.commands:
            continue
        key = (option.name, option.flags, option.commands)
        if key not in seen:
            seen.add(key)
            rows.append(option)
    return rows


def env_only(options: Collection[Option]) -> list[Option]:
    return [option for option in options if not option.flags]



def markdown_table() -> str:
    """The README's settings table, generated from `OPTIONS` (a test keeps the README in step with it)."""
    lines = ["| option | environment variable | commands | default | what it does |", "|---|---|---|---|---|"]
    for option in documented():
        flags = ", ".join(f"`{flag}`" for flag in option.flags) + (f" {option.metavar}" if option.metavar
                                                                   and option.kind is not Kind.FLAG else "")
        commands = "all" if option.commands == frozenset(COMMANDS) else ", ".join(
            c for c in COMMANDS if c in option.commands)
        default = "" if option.default in (None, (), False) or option.kind is Kind.COUNT else f"`{option.default}`"
        text = option.help() if callable(option.help) else option.help
        env = f"`{option.env}`" if option.env else ""
        cells = (flags.strip(), env, commands, default, text)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def parse_entry_key(key: str) -> tuple[str, str]:
    """`LIST:UID` (explain, history) as (list code, uid); UsageError for anything else."""
    from magcheck.sources import all_sources

    code, _, uid = key.partition(":")
    code, uid = code.strip().lower(), uid.strip()
    if not uid or code not in all_sources():
        raise UsageError(f"expected LIST:UID such as us:29220, not {key!r} (lists: {', '.join(all_sources())})")
    return code, uid
