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
from rich.console import Console

from magcheck import __version__
from magcheck.errors import ExitStatus, MagcheckError, UsageError
from magcheck.report.lists import render_lists_json, render_lists_table
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


def stdout_console() -> Console:
    """Colour and boxes only for a terminal that wants them (NO_COLOR is honoured by rich)."""
    return Console(highlight=False, soft_wrap=False)


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
    lists = list(result.lists.values())
    if fmt == "json":
        click.echo(render_lists_json(lists))
    else:
        render_lists_table(lists, stdout_console())
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


def _one_line(message: str) -> str:
    return " ".join(message.split())


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning every known failure into one line and an exit code."""
    try:
        cli.main(args=argv, prog_name="magcheck", standalone_mode=False)
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
