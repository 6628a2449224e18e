"""Running the command line in-process on small real fixtures: a loader that hands the commands the trimmed
real excerpts of tests/fixtures (no cache, no network, no full-list parse), and a runner that captures
stdout, stderr and the exit status."""

from __future__ import annotations

import contextlib
import dataclasses
import io
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from magcheck.cli import Environment, main
from magcheck.model import Origin, OriginKind, SanctionsList
from magcheck.notices import degraded
from magcheck.store.load import LoadedLists, load_from_dir, parser_notices

FIXTURES = Path(__file__).parent / "fixtures"


# Where each list's trimmed real excerpt is (most sit in tests/fixtures/<code>; the EU's by export date).
FIXTURE_DIRS = {"eu": FIXTURES / "eu" / "2020-04-15-head"}


@cache
def fixture_list(code: str) -> SanctionsList:
    return load_from_dir(FIXTURE_DIRS.get(code, FIXTURES), code)


@dataclass
class FixtureLoader:
    """A `ListLoader` over tests/fixtures: records what each run asked for; can play the bundled snapshot."""

    bundled: bool = False  # say every list is the bundled snapshot (degraded data)
    only: Collection[str] | None = None  # lists that exist at all (others are absent)
    edit: Callable[[SanctionsList], SanctionsList] | None = None  # change a list before the run sees it
    requests: list[tuple[str, ...]] = field(default_factory=list)

    def load(self, codes: Sequence[str]) -> LoadedLists:
        self.requests.append(tuple(codes))
        result = LoadedLists({})
        for code in codes:
            if self.only is not None and code not in self.only:
                result.absent[code] = "not in this test's fixtures"
                continue
            lst = fixture_list(code)
            if self.edit is not None:
                lst = self.edit(lst)
            if self.bundled:
                lst = dataclasses.replace(lst, origin=Origin(OriginKind.BUNDLED))
                result.notices.append(degraded(f"{code}: using the bundled snapshot of {lst.date} (test)", code))
            result.lists[code] = lst
            result.notices.extend(parser_notices(lst))
        return result

    @property
    def loaded(self) -> list[str]:
        return [code for codes in self.requests for code in codes]


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def run(argv: list[str], loader: FixtureLoader | None = None, environ: dict[str, str] | None = None) -> Run:
    """`magcheck ARGV` through the real entry point, with the environment injected (nothing from the host)."""
    out, err = io.StringIO(), io.StringIO()
    env = Environment(environ=dict(environ or {}), stdout=out, stderr=err,
                      make_loader=(lambda _settings: loader) if loader is not None else None)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):  # click's own help and errors
            main(argv, env)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Run(code, out.getvalue(), err.getvalue())
