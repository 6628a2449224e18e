"""What a command returns to the command line: its result, its notices and one exit status.

The exit status follows one documented precedence (README, "Exit codes"): a failure that stopped the run is
raised as a `MagcheckError` and wins over everything; otherwise an alert (`--exit-code` with gaps) is 11 when
it rests on stale or fallback data and 10 when it does not; otherwise 1 when the data is stale or a fallback,
else 0. So a cron job alerting on 10 never mails gaps computed from a 2024 snapshot without saying so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from magcheck.errors import ExitStatus
from magcheck.model import Origin, SanctionsList
from magcheck.notices import Notice, Severity

R = TypeVar("R")


def exit_status(*, degraded: bool, alert: bool = False, problem: ExitStatus | None = None) -> ExitStatus:
    """The documented precedence: a problem that did not stop the run (e.g. the run history could not be
    written) > alert on stale data (11) > alert (10) > stale or fallback data (1) > success (0)."""
    if problem is not None and problem != ExitStatus.OK:
        return problem
    if alert:
        return ExitStatus.GAPS_ON_STALE_DATA if degraded else ExitStatus.GAPS
    return ExitStatus.STALE if degraded else ExitStatus.OK


def is_degraded(notices: Iterable[Notice]) -> bool:
    return any(n.severity is Severity.DEGRADED for n in notices)


@dataclass
class Outcome(Generic[R]):
    result: R
    notices: list[Notice] = field(default_factory=list)
    status: ExitStatus = ExitStatus.OK
    origins: dict[str, Origin] = field(default_factory=dict)  # where each list of the run came from

    @classmethod
    def of(cls, result: R, notices: list[Notice], lists: dict[str, SanctionsList], *, alert: bool = False,
           problem: ExitStatus | None = None) -> Outcome[R]:
        origins = {code: lst.origin for code, lst in lists.items() if lst.origin is not None}
        status = exit_status(degraded=is_degraded(notices), alert=alert, problem=problem)
        return cls(result, notices, status, origins)
