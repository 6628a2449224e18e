"""Command-line interface: a thin click layer over the library.

Every command accepts the data-source options; every `MagcheckError` becomes one line on stderr and its
documented exit code (see `errors.ExitStatus` and the README).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from platformdirs import user_config_dir
from rich.console import Console

from magcheck import __version__
from magcheck.errors import ExitStatus, MagcheckError, UsageError
from magcheck.gaps import SCOPES, Scope, build_matcher, compute_gaps, compute_matrix
from magcheck.history import RunHistory, compare_runs, run_record
from magcheck.matching.align import Matcher, explain, search
from magcheck.matching.overrides import load_overrides
from magcheck.model import EntryType, SanctionsList
from magcheck.report import GAPS_FORMATS, Terminal, render_explain, render_gaps, render_matrix, render_search
from magcheck.report.lists import render_lists
from magcheck.report.output import write_atomically
from magcheck.sources import all_sources
from magcheck.store.cache import Cache
from magcheck.store.fetch import fetch_lists
from magcheck.store.http import Reporter
from magcheck.store.load import LoadResult, load_lists


@dataclass
class Options:
    """The data-source and verbosity options shared by every command."""

    data_dir: Path | None
    cache_dir: Path | None
    mirror: str | None
    offline: bool
    quiet: bool
    verbose: int


def source_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the shared options (each with its MAGCHECK_* environment variable) to a command."""

    @click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), envvar="MAGCHECK_DATA_DIR",
                  help="Read the official files from DIR (or DIR/us, DIR/uk, DIR/ca) instead of the cache.")
    @click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), envvar="MAGCHECK_CACHE_DIR",
                  help="Cache directory (default: the user cache dir).")
    @click.option("--mirror", metavar="BASE", envvar="MAGCHECK_MIRROR",
                  help="Download every file from BASE/<list>/<official file name>.")
    @click.option("--offline", is_flag=True, envvar="MAGCHECK_OFFLINE",
                  help="Never touch the network: use the cache, else the bundled snapshot.")
    @click.option("-q", "--quiet", is_flag=True, envvar="MAGCHECK_QUIET", help="Only errors on stderr.")
    @click.option("-v", "--verbose", count=True, help="Log each request and its outcome.")
    @functools.wraps(func)
    def wrapper(*args: Any, data_dir: Path | None, cache_dir: Path | None, mirror: str | None,
                offline: bool, quiet: bool, verbose: int, **kwargs: Any) -> Any:
        opts = Options(data_dir, cache_dir, mirror, offline, quiet, verbose)
        return func(*args, opts=opts, **kwargs)

    return wrapper


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def parse_list_codes(value: str | None, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
    known = all_sources()
    if not value:
        return default if default is not None else tuple(known)
    codes = tuple(dict.fromkeys(c.strip().lower() for c in value.split(",") if c.strip()))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise UsageError(f"unknown list {', '.join(unknown)} (known: {', '.join(known)})")
    return codes


def report_load(result: LoadResult, opts: Options) -> None:
    if opts.quiet:
        return
    err = stderr_console()
    for warning in result.warnings:
        err.print(f"magcheck: warning: {warning}", markup=False, soft_wrap=True)


def make_reporter(opts: Options) -> Reporter:
    """Progress bars on a terminal, the -v request log, silence with --quiet (all on stderr)."""
    return Reporter(quiet=opts.quiet, verbose=opts.verbose, console=stderr_console())


def load_for(opts: Options, codes: tuple[str, ...]) -> LoadResult:
    """Load the lists as every reading command should (data-dir, else cache, else fetch, else snapshot)
    and print the warnings; the caller exits with `result.status` (or worse)."""
    result = load_lists(codes, data_dir=opts.data_dir, cache_dir=opts.cache_dir, offline=opts.offline,
                        mirror=opts.mirror, reporter=make_reporter(opts))
    report_load(result, opts)
    return result


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="magcheck")
def cli() -> None:
    """Who has one government sanctioned that the others have not.

    magcheck reads the official US (OFAC SDN), UK (UK Sanctions List) and Canadian (SEMA / JVCFOA)
    sanctions lists, aligns their entries and reports the gaps.

    \b
    Example:
      magcheck gaps
      magcheck lists --data-dir ./data --format json
    """


@cli.command("lists")
@click.option("--list", "list_codes", metavar="CODES", help="Comma-separated lists to read (default: all).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@source_options
def lists_command(opts: Options, list_codes: str | None, fmt: str) -> None:
    """Show each list: files read, the date it states, and counts by type.

    \b
    Example:
      magcheck lists --data-dir ../shared/data --format json
    """
    result = load_for(opts, parse_list_codes(list_codes))
    emit(render_lists(list(result.lists.values()), fmt, terminal=terminal_for_stdout(None)), None)
    sys.exit(result.status)


@cli.command("fetch")
@click.option("--list", "list_codes", metavar="CODES", help="Comma-separated lists to fetch (default: all).")
@click.option("--force", is_flag=True, help="Accept a new copy even if it shrank by more than half.")
@source_options
def fetch_command(opts: Options, list_codes: str | None, force: bool) -> None:
    """Download the newest official lists into the cache (nothing when they have not changed).

    Each download is validated with the list's parser before it replaces the cached copy; a failed
    download keeps the last good copy. Exit status: 0 all current, 1 some list kept an older copy,
    3 some list has no usable copy, 4 the cache is not writable.

    \b
    Example (crontab):
      17 4 * * *  magcheck fetch --quiet
    """
    if opts.offline:
        raise UsageError("fetch downloads the lists; it cannot run with --offline")
    if opts.data_dir is not None:
        raise UsageError("fetch fills the cache; --data-dir (or MAGCHECK_DATA_DIR) is for reading local files")
    report = fetch_lists(parse_list_codes(list_codes), cache=Cache(opts.cache_dir), mirror=opts.mirror,
                         force=force, reporter=make_reporter(opts))
    for outcome in report.outcomes:
        if outcome.ok:
            if not opts.quiet:
                click.echo(outcome.summary())
        else:
            level = "warning" if outcome.copy is not None else "error"
            click.echo(f"magcheck: {level}: {_one_line(outcome.problem())}", err=True)
    sys.exit(report.status)


SCOPE_EPILOG = """\b
Scope (--scope magnitsky, the default), per reference list:
  us  OFAC programmes GLOMAG, MAGNIT, UHRPA
  uk  the Global Human Rights and Global Anti-Corruption regimes
  ca  the Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)
A target counts as covered when a government lists it under any programme."""


def default_overrides_path() -> Path | None:
    path = Path(user_config_dir("magcheck", appauthor=False)) / "overrides.toml"
    return path if path.is_file() else None


def build_run_matcher(lists: dict[str, SanctionsList], overrides_path: Path | None) -> Matcher:
    path = overrides_path or default_overrides_path()
    return build_matcher(lists, overrides=load_overrides(path) if path else None)


def terminal_for_stdout(output: Path | None) -> Terminal:
    return Terminal.detect(sys.stdout, to_file=output is not None)


def emit(text: str, output: Path | None) -> None:
    """Print the report, or write it to --output atomically (a reader never sees half a file)."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_atomically(output, text)


@cli.command("gaps", epilog=SCOPE_EPILOG)
@click.option("--reference", type=click.Choice(list(all_sources())), default="us", show_default=True,
              envvar="MAGCHECK_REFERENCE", help="Whose designations are the yardstick.")
@click.option("--against", metavar="CODES", envvar="MAGCHECK_AGAINST",
              help="Comma-separated lists checked against the reference (default: every other list).")
@click.option("--scope", "scope_name", type=click.Choice(SCOPES), default="magnitsky", show_default=True,
              help="The reference list's Magnitsky-style programmes, or all of them.")
@click.option("--program", "programs", multiple=True, metavar="TAG",
              help="A raw programme or regime name of the reference list (repeatable; replaces --scope).")
@click.option("--type", "types", multiple=True, type=click.Choice([t.value for t in EntryType]),
              help="Only targets of this type (repeatable).")
@click.option("--country", metavar="NAME", help="Only targets of this nationality, or naming it in their record.")
@click.option("--name", metavar="TEXT", help="Only targets with a name containing TEXT.")
@click.option("--matrix", is_flag=True, help="Every target of every list in scope, one row per real-world target.")
@click.option("--format", "fmt", type=click.Choice(GAPS_FORMATS), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to FILE (atomically) instead of stdout.")
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 byte-order mark (for Excel).")
@click.option("--changes", is_flag=True, help="Report gaps opened and closed since the previous run of this scope.")
@click.option("--exit-code", is_flag=True,
              help="Exit 10 when there are gaps (with --changes: new gaps), for cron alerts.")
@click.option("--overrides", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              envvar="MAGCHECK_OVERRIDES", help="Analyst decisions (TOML or CSV) applied after matching.")
@click.option("--state-dir", type=click.Path(path_type=Path, file_okay=False), envvar="MAGCHECK_STATE_DIR",
              help="Where each run's result is kept for --changes (default: the user state dir).")
@source_options
def gaps_command(opts: Options, reference: str, against: str | None, scope_name: str, programs: tuple[str, ...],
                 types: tuple[str, ...], country: str | None, name: str | None, matrix: bool, fmt: str,
                 output: Path | None, bom: bool, changes: bool, exit_code: bool, overrides: Path | None,
                 state_dir: Path | None) -> None:
    """Who the reference government has sanctioned and the others have not.

    \b
    Examples:
      magcheck gaps                          US Magnitsky targets the UK or Canada have not listed
      magcheck gaps --reference uk --against us
      magcheck gaps --country China --format markdown -o gaps.md
      magcheck gaps --matrix --format csv -o matrix.csv
      magcheck gaps --changes --exit-code --quiet     (cron: exit 10 on new gaps)
    """
    codes = tuple(all_sources())
    against_codes = parse_list_codes(against, tuple(c for c in codes if c != reference))
    if reference in against_codes:
        raise UsageError(f"--against cannot include the reference list {reference!r}")
    if matrix and changes:
        raise UsageError("--changes applies to the gaps report, not to --matrix")
    scope = Scope(reference, against_codes, scope_name, programs, types, country, name)
    result = load_for(opts, codes)
    matcher = build_run_matcher(result.lists, overrides)
    terminal = terminal_for_stdout(output)
    if matrix:
        emit(render_matrix(compute_matrix(result.lists, (reference, *against_codes), scope, matcher), fmt,
                           terminal=terminal, csv_bom=bom), output)
        sys.exit(result.status)
    report = compute_gaps(result.lists, scope, matcher)
    history = RunHistory(state_dir)
    record = run_record(report)
    found = compare_runs(history.previous(scope.key()), record, reference) if changes else None
    emit(render_gaps(report, fmt, terminal=terminal, changes=found, csv_bom=bom), output)
    history.record(record)
    alert = bool(found.new) if found is not None else any(t.missing_from for t in report.targets)
    sys.exit(ExitStatus.GAPS if exit_code and alert else result.status)


@cli.command("search")
@click.argument("name")
@click.option("--list", "list_codes", metavar="CODES", help="Comma-separated lists to search (default: all).")
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True, help="Best matches per list.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@source_options
def search_command(opts: Options, name: str, list_codes: str | None, limit: int, fmt: str) -> None:
    """The best matches for a name in every list, with their scores.

    \b
    Examples:
      magcheck search "Chen Quanguo"
      magcheck search "Xinjiang Production and Construction Corps" --list uk,ca
    """
    if not name.strip():
        raise UsageError("the name to search for is empty")
    codes = tuple(all_sources())
    result = load_for(opts, codes)
    hits = search(build_matcher(result.lists), name, parse_list_codes(list_codes), limit=limit)
    emit(render_search(hits, name, fmt, terminal=terminal_for_stdout(None)), None)
    sys.exit(result.status)


@cli.command("explain")
@click.argument("key", metavar="LIST:UID")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--overrides", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              envvar="MAGCHECK_OVERRIDES", help="Analyst decisions (TOML or CSV) applied after matching.")
@source_options
def explain_command(opts: Options, key: str, fmt: str, overrides: Path | None) -> None:
    """One entry's counterparts and near-misses in every other list, and the evidence behind each score.

    \b
    Examples:
      magcheck explain us:29220          Chen Quanguo (OFAC entry 29220)
      magcheck explain uk:GHR0079        the XPCC Public Security Bureau
    """
    code, _, uid = key.partition(":")
    code = code.strip().lower()
    if not uid or code not in all_sources():
        raise UsageError(f"expected LIST:UID such as us:29220, not {key!r}")
    codes = tuple(all_sources())
    result = load_for(opts, codes)
    entry = next((e for e in result.lists[code].entries if e.uid == uid.strip()), None)
    if entry is None:
        raise UsageError(f"{code} has no entry {uid.strip()!r} in the list dated "
                         f"{result.lists[code].date or 'not stated'}")
    matcher = build_run_matcher(result.lists, overrides)
    alignment = explain(matcher, entry, codes)
    emit(render_explain(entry, alignment, matcher.thresholds, fmt, terminal=terminal_for_stdout(None)), None)
    sys.exit(result.status)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning every known failure into one line and an exit code."""
    try:
        returned = cli.main(args=argv, prog_name="magcheck", standalone_mode=False)
        sys.exit(returned if isinstance(returned, int) else ExitStatus.OK)  # --help, --version
    except MagcheckError as exc:
        click.echo(f"magcheck: error: {_one_line(str(exc))}", err=True)
        sys.exit(exc.exit_status)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("magcheck: interrupted", err=True)
        sys.exit(ExitStatus.INTERRUPTED)
    except click.ClickException as exc:
        hint = ""
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            hint = f" (see '{ctx.command_path} --help')"
        click.echo(f"magcheck: error: {_one_line(exc.format_message())}{hint}", err=True)
        sys.exit(ExitStatus.USAGE)
    except KeyboardInterrupt:
        click.echo("magcheck: interrupted", err=True)
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (e.g. `magcheck gaps | head`); nothing useful left to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(ExitStatus.OK)
    except Exception as exc:  # a bug: still one line, with the way to get the details
        if os.environ.get("MAGCHECK_DEBUG"):
            raise
        click.echo(f"magcheck: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
                   "(set MAGCHECK_DEBUG=1 for the traceback, and please report it)", err=True)
        sys.exit(ExitStatus.INTERNAL)
