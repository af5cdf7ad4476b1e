"""`ogi serve`: register the deployment `build-dataset/nightly` and execute its runs.

The deployment lives on the API named by PREFECT_API_URL (a `prefect server start`), runs
nightly at 02:00 Asia/Shanghai (the portals' time zone, so "last night" means the same thing
to everyone), and picks up runs triggered from the UI or `prefect deployment run`. This
process executes the runs itself (``flow.serve``): no work pool or worker is needed. See
prefect.yaml for the work-pool alternative.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flows.build import DEFAULT_OUT
from ogi.errors import OgiError
from pipeline.inputs import ALL_SOURCES
from pipeline.runner_spec import parse_runner

log = logging.getLogger(__name__)

DEPLOYMENT = "nightly"
CRON = "0 2 * * *"
TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """What `ogi serve` registers: defaults for the run parameters plus the schedule."""

    name: str = DEPLOYMENT
    cron: str = CRON
    timezone: str = TIMEZONE
    source: str = ALL_SOURCES
    out: str = DEFAULT_OUT
    runner: str = "process"
    limit: int | None = 1  # runs executed at once by this process: one build at a time per dataset

    def __post_init__(self) -> None:
        parse_runner(self.runner)  # fail now, not at 02:00
        if len(self.cron.split()) != 5:
            raise ValueError(f"cron needs 5 fields: {self.cron!r}")


def deployment_parameters(s: ServeSettings) -> dict:
    """Default parameters of the deployment (each one can be changed per run in the UI)."""
    return {"source": s.source, "out": s.out, "years": None, "force": False, "runner": s.runner}


def schedules(s: ServeSettings) -> list:
    from prefect.schedules import Cron

    return [Cron(s.cron, timezone=s.timezone)]


def serve(s: ServeSettings = ServeSettings()) -> None:
    """Register the deployment and block, executing scheduled and triggered runs (Ctrl-C/SIGTERM stops)."""
    from prefect.settings import get_current_settings

    from flows.build import build_dataset

    if not get_current_settings().api.url:
        raise OgiError("PREFECT_API_URL is not set: start `prefect server start --host 127.0.0.1` and export "
                       "PREFECT_API_URL=http://127.0.0.1:4200/api (a temporary server would vanish with this process)")
    log.info("serving build-dataset/%s, cron %r in %s", s.name, s.cron, s.timezone)
    build_dataset.serve(
        name=s.name,
        schedules=schedules(s),
        parameters=deployment_parameters(s),
        description="Fetch (for URL/source names), extract, check and publish the OGI annual-report dataset.",
        tags=["ogi"],
        limit=s.limit,
    )
