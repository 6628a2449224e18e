"""Command-line interface: a thin click layer over the application (`magcheck.app`).

Each command maps its options to `Settings` (built from the one settings table, so every flag has its
`MAGCHECK_*` variable and one validation), calls its `run_*` function, prints the notices under one verbosity
policy (quiet never hides degraded data), renders the result and exits with the outcome's status. Every
`MagcheckError` becomes one line on stderr and its documented exit code, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

import click
from click.core import ParameterSource

from magcheck import __version__
from magcheck.app.settings import Kind, Option, Settings, build_settings, options_for, parse_entry_key
from magcheck.errors import ExitStatus, Interrupted, MagcheckError, Terminated
from magcheck.notices import Notice, should_show
from magcheck.text import one_line, printable

if TYPE_CHECKING:  # the application is imported only when a command runs (start-up time)
    from magcheck.app.commands import ListLoader
    from magcheck.store.http import Reporter
    from magcheck.store.load import StoreLoader


@dataclass
class Environment:
    """What a run reads from the world, injectable for tests: the environment variables, the streams, and
    how lists are loaded (default: the store: data dir, cache, download, bundled snapshot)."""

    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    stdout: TextIO | None = None  # None: sys.stdout at the time of writing
    stderr: TextIO | None = None
    make_loader: Callable[[Settings], ListLoader] | None = None

    @property
    def out(self) -> TextIO:
        return self.stdout or sys.stdout

    @property
    def err(self) -> TextIO:
        return self.stderr or sys.stderr


class HelpOption(click.Option):
    """An option whose help may be computed when help is shown (to name the registry's lists without importing
    every parser on start-up), with its environment variable and default appended."""

    def __init__(self, *args: Any, spec: Option, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        spec = self.spec
        self.help = spec.help() if callable(spec.help) else spec.help
        extra = []
        if spec.env:
            extra.append(f"env {spec.env}")
        if spec.kind is Kind.VALUE and spec.default not in (None, ()):
            extra.append(f"default {spec.default}")
        if extra:
            self.help = f"{self.help} [{'; '.join(extra)}]"
        return super().get_help_record(ctx)


def settings_options(command: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the command's options from the settings table; values stay text until `build_settings` checks them."""
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for spec in reversed([o for o in options_for(command) if o.flags]):
            kwargs: dict[str, Any] = {"cls": HelpOption, "spec": spec, "metavar": spec.metavar}
            if spec.kind is Kind.FLAG:
                kwargs.update(is_flag=True, default=False)
            elif spec.kind is Kind.COUNT:
                kwargs.update(count=True, default=0)
            elif spec.kind is Kind.MULTIPLE:
                kwargs.update(multiple=True, type=str)
            else:
                kwargs.update(type=str, default=None)
            func = click.option(*spec.flags, spec.name, **kwargs)(func)
        return func

    return decorate


def typed_options(ctx: click.Context, params: Mapping[str, Any]) -> dict[str, Any]:
    """Only the options the user actually typed: the rest come from the environment or the defaults."""
    return {name: value for name, value in params.items()
            if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE}


def environment(ctx: click.Context) -> Environment:
    obj = ctx.find_object(Environment)
    return obj if obj is not None else Environment()


def settings_for(ctx: click.Context, command: str, params: Mapping[str, Any]) -> Settings:
    return build_settings(command, typed_options(ctx, params), environment(ctx).environ)


def loader_for(env: Environment, settings: Settings) -> ListLoader:
    if env.make_loader is not None:
        return env.make_loader(settings)
    return store_loader(settings, env)


def reporter_for(settings: Settings, env: Environment) -> Reporter:
    """Progress on stderr, on a terminal only and never with --quiet: downloads and the run's steps."""
    from magcheck.store.http import Reporter

    return Reporter(quiet=settings.quiet, verbose=settings.verbose, console=stderr_console(env))


def steps_for(settings: Settings, env: Environment) -> Callable[[str], AbstractContextManager[None]]:
    return reporter_for(settings, env).step


def store_loader(settings: Settings, env: Environment) -> StoreLoader:
    from magcheck.store.cache import Cache
    from magcheck.store.http import HttpSettings
    from magcheck.store.load import StoreLoader

    http = HttpSettings(connect_timeout=settings.connect_timeout, read_timeout=settings.timeout,
                        attempts=settings.retries + 1, backoff=settings.backoff,
                        transfer_timeout=settings.transfer_timeout)
    reporter = reporter_for(settings, env)
    return StoreLoader(data_dir=settings.data_dir, cache=Cache(settings.cache_dir, lock_timeout=settings.lock_timeout),
                       offline=settings.offline, mirror=settings.mirror, http=http, reporter=reporter,
                       stale_days=settings.stale_days, refresh_timeout=settings.refresh_timeout)


def stderr_console(env: Environment) -> Any:
    from rich.console import Console

    return Console(file=env.err, highlight=False)


def print_notices(notices: list[Notice], settings: Settings, env: Environment) -> None:
    """The one verbosity policy (notices.should_show): --quiet hides warnings, never degraded data or errors."""
    for notice in notices:
        if should_show(notice, quiet=settings.quiet, verbose=settings.verbose):
            click.echo(printable(one_line(notice.line())), file=env.err)


def terminal_for(settings: Settings, env: Environment) -> Any:
    from magcheck.report.terminal import Terminal

    to_file = settings.output is not None and str(settings.output) != "-"
    return Terminal.detect(env.out, to_file=to_file, env=env.environ)


def emit(text: str, settings: Settings, env: Environment) -> None:
    """Print the report (through a pager when it is longer than the terminal), or write it to --output
    (atomically for a regular file; '-' is stdout)."""
    if settings.output is None or str(settings.output) == "-":
        if page(text, settings, env):
            return
        try:
            env.out.write(text if text.endswith("\n") else text + "\n")
            env.out.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise StdoutError(exc) from None
        return
    from magcheck.report.output import write_atomically

    write_atomically(settings.output, text)


class StdoutError(MagcheckError):
    """The report could not be written to stdout (a full disk behind a redirection, a closed stream): exit 4,
    like every other disk failure."""

    exit_status = ExitStatus.CACHE

    def __init__(self, exc: OSError) -> None:
        reason = "disk full (no space left on device)" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        super().__init__(f"cannot write the report to standard output: {reason}")


def pager_command(settings: Settings, env: Environment) -> list[str] | None:
    """The pager, like git's: MAGCHECK_PAGER, else $PAGER, else `less -FRX` where less exists; none with
    --no-pager or an empty MAGCHECK_PAGER."""
    if settings.no_pager:
        return None
    command = settings.pager if settings.pager is not None else env.environ.get("PAGER")
    if command is None:
        return ["less", "-FRX"] if shutil.which("less") else None
    return shlex.split(command) or None


def page(text: str, settings: Settings, env: Environment) -> bool:
    """Show `text` through the pager when stdout is a terminal and the text is longer than it; False when the
    report should be printed as usual (a pipe, a file, a short report, no pager, a pager that failed)."""
    try:
        on_terminal = env.out.isatty()
    except (AttributeError, ValueError, OSError):
        return False
    command = pager_command(settings, env) if on_terminal else None
    if command is None or text.count("\n") < shutil.get_terminal_size((100, 24)).lines:
        return False
    environ = {**env.environ, "LESS": env.environ.get("LESS", "FRX"), "LV": env.environ.get("LV", "-c")}
    try:
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=environ)
    except OSError:
        return False  # no such pager: print instead
    assert pager.stdin is not None
    with contextlib.suppress(BrokenPipeError, OSError):  # the reader quit the pager early
        pager.stdin.write(text.encode(getattr(env.out, "encoding", None) or "utf-8", "replace"))
        pager.stdin.close()
    pager.wait()
    return True


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="magcheck")
def cli() -> None:
    """Who has one government sanctioned that the others have not.

    magcheck reads the official sanctions lists (US OFAC SDN, UK Sanctions List, Canada's SEMA and
    JVCFOA lists, and more), aligns their entries and reports the gaps, with each list's date.

    \b
    Example:
      magcheck gaps
      magcheck lists --data-dir ./data --format json
    """


@cli.command("lists")
@settings_options("lists")
@click.pass_context
def lists_command(ctx: click.Context, /, **params: Any) -> None:
    """Show each list: files read, the date it states, and counts by type.

    \b
    Example:
      magcheck lists --data-dir ../shared/data --format json
    """
    env, settings = environment(ctx), settings_for(ctx, "lists", params)  # a bad setting: exit 2, nothing loaded
    from magcheck.app.commands import run_lists
    from magcheck.report.lists import render_lists

    outcome = run_lists(settings, loader_for(env, settings), steps=steps_for(settings, env))
    print_notices(outcome.notices, settings, env)
    emit(render_lists(outcome.result, settings.format, terminal=terminal_for(settings, env)), settings, env)
    ctx.exit(outcome.status)


@cli.command("fetch")
@settings_options("fetch")
@click.pass_context
def fetch_command(ctx: click.Context, /, **params: Any) -> None:
    """Download the newest official lists into the cache (nothing when they have not changed).

    Each download is validated with the list's parser before it replaces the cached copy; a failed
    download keeps the last good copy. Exit status: 0 all current, 1 some list kept an older copy,
    3 some list has no usable copy, 4 the cache is not writable.

    \b
    Example (crontab):
      17 4 * * *  magcheck fetch --quiet
    """
    env, settings = environment(ctx), settings_for(ctx, "fetch", params)
    from magcheck.app.commands import run_fetch

    loader = loader_for(env, settings)
    outcome = run_fetch(settings, loader)  # type: ignore[arg-type]
    if not settings.quiet:
        for done in outcome.result.outcomes:
            if done.ok:
                click.echo(printable(done.summary()), file=env.out)
    print_notices(outcome.notices, settings, env)
    ctx.exit(outcome.status)


class ScopeHelpCommand(click.Command):
    """`gaps --help` ends with each list's Magnitsky-style programmes, read from the registry when shown."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from magcheck.sources import all_sources

        formatter.write_paragraph()
        formatter.write_text("Scope (--scope magnitsky, the default), per reference list:")
        with formatter.indentation():
            formatter.write_dl([(code, ", ".join(sorted(source.magnitsky_programs)) or "(no such regime)")
                                for code, source in all_sources().items()])
        formatter.write_paragraph()
        formatter.write_text("A target counts as covered when a government lists it under any programme.")


@cli.command("gaps", cls=ScopeHelpCommand)
@settings_options("gaps")
@click.pass_context
def gaps_command(ctx: click.Context, /, **params: Any) -> None:
    """Who the reference government has sanctioned and the others have not.

    \b
    Examples:
      magcheck gaps                          US Magnitsky targets the others have not listed
      magcheck gaps --reference uk --against us
      magcheck gaps --country China --format markdown -o gaps.md
      magcheck gaps --matrix --format csv -o matrix.csv
      magcheck gaps --changes --exit-code --quiet     (cron: exit 10 on new gaps)
    """
    env, settings = environment(ctx), settings_for(ctx, "gaps", params)
    from magcheck.app.commands import run_gaps
    from magcheck.report import render_gaps, render_matrix

    outcome = run_gaps(settings, loader_for(env, settings), steps=steps_for(settings, env))
    print_notices(outcome.notices, settings, env)
    result, terminal = outcome.result, terminal_for(settings, env)
    if result.matrix is not None:
        text = render_matrix(result.matrix, settings.format, terminal=terminal, csv_bom=settings.bom)
    else:
        assert result.report is not None
        text = render_gaps(result.report, settings.format, terminal=terminal, changes=result.changes,
                           csv_bom=settings.bom, limit=settings.limit)
    emit(text, settings, env)
    ctx.exit(outcome.status)


@cli.command("search")
@click.argument("query", metavar="NAME")
@settings_options("search")
@click.pass_context
def search_command(ctx: click.Context, /, query: str, **params: Any) -> None:
    """The best matches for a name in every list, with their scores.

    \b
    Examples:
      magcheck search "Chen Quanguo"
      magcheck search "Xinjiang Production and Construction Corps" --list uk,ca
    """
    env, settings = environment(ctx), settings_for(ctx, "search", params)
    from magcheck.app.commands import run_search
    from magcheck.report import render_search

    outcome = run_search(settings, loader_for(env, settings), query, steps=steps_for(settings, env))
    print_notices(outcome.notices, settings, env)
    emit(render_search(outcome.result.hits, query, settings.format, terminal=terminal_for(settings, env)),
         settings, env)
    ctx.exit(outcome.status)


@cli.command("explain")
@click.argument("key", metavar="LIST:UID")
@settings_options("explain")
@click.pass_context
def explain_command(ctx: click.Context, /, key: str, **params: Any) -> None:
    """One entry's counterparts and near-misses in every other list, and the evidence behind each score.

    \b
    Examples:
      magcheck explain us:29220          Chen Quanguo (OFAC entry 29220)
      magcheck explain uk:GHR0079        the XPCC Public Security Bureau
    """
    env, settings = environment(ctx), settings_for(ctx, "explain", params)
    parse_entry_key(key)  # a malformed key is a usage error before anything is read
    from magcheck.app.commands import run_explain
    from magcheck.report import render_explain

    outcome = run_explain(settings, loader_for(env, settings), key, steps=steps_for(settings, env))
    print_notices(outcome.notices, settings, env)
    result = outcome.result
    emit(render_explain(result.entry, result.alignment, result.matcher.thresholds, settings.format,
                        terminal=terminal_for(settings, env)), settings, env)
    ctx.exit(outcome.status)


@cli.command("history")
@click.argument("key", metavar="LIST:UID")
@settings_options("history")
@click.pass_context
def history_command(ctx: click.Context, /, key: str, **params: Any) -> None:
    """One target's timeline: when each government listed it, how long the others took or have gone without,
    and when recorded runs (gaps --changes) first saw each gap and cover.

    Without run history the timeline comes from the lists alone, and says so.

    \b
    Examples:
      magcheck history us:29220          Chen Quanguo: US, then Canada, the UK not yet
      magcheck history ca:china-p1-1 --format json
    """
    from datetime import UTC, datetime

    env, settings = environment(ctx), settings_for(ctx, "history", params)
    parse_entry_key(key)  # a malformed key is a usage error before anything is read
    from magcheck.app.commands import run_history
    from magcheck.report.timeline import render_timeline

    moment = datetime.now(UTC)
    outcome = run_history(settings, loader_for(env, settings), key, now=moment)
    print_notices(outcome.notices, settings, env)
    emit(render_timeline(outcome.result.timeline, outcome.result.lists, settings.format, generated=moment),
         settings, env)
    ctx.exit(outcome.status)


def main(argv: list[str] | None = None, env: Environment | None = None) -> None:
    """Entry point: run the CLI, turning every known failure into one line and an exit code."""
    env = env or Environment()
    try:
        returned = cli.main(args=argv, prog_name="magcheck", standalone_mode=False, obj=env)
        sys.exit(returned if isinstance(returned, int) else ExitStatus.OK)  # --help, --version
    except MagcheckError as exc:
        if isinstance(exc, StdoutError):
            _silence_stdout()  # the unwritten rest must not fail again, noisily, at exit
        fail(env, f"magcheck: error: {one_line(str(exc))}", exc.exit_status)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        fail(env, "magcheck: interrupted", ExitStatus.INTERRUPTED)
    except click.ClickException as exc:
        hint = ""
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            hint = f" (see '{ctx.command_path} --help')"
        fail(env, f"magcheck: error: {one_line(exc.format_message())}{hint}", ExitStatus.USAGE)
    except (KeyboardInterrupt, Interrupted):
        fail(env, "magcheck: interrupted", ExitStatus.INTERRUPTED)
    except Terminated:
        fail(env, "magcheck: terminated", ExitStatus.TERMINATED)
    except BrokenPipeError:
        # The reader went away (e.g. `magcheck gaps | head`); nothing useful left to say.
        _silence_stdout()
        sys.exit(ExitStatus.OK)
    except Exception as exc:  # a bug: still one line, with the way to get the details
        if env.environ.get("MAGCHECK_DEBUG"):
            raise
        fail(env, f"magcheck: internal error: {type(exc).__name__}: {one_line(str(exc))} "
                  "(set MAGCHECK_DEBUG=1 for the traceback, and please report it)", ExitStatus.INTERNAL)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so Python's final flush of what could not be written stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced (tests) or already closed
        pass


def fail(env: Environment, line: str, status: ExitStatus) -> None:
    click.echo(printable(line), file=env.err)
    sys.exit(status)
