"""The schedules' state from the Prefect API: each deployment's next run, and the last runs.

``bantin status`` shows these beside the archive's totals of each run. Times are aware (UTC);
the caller shows them in local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from prefect import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterExpectedStartTime,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort

from bantin.flows.catchup import cron_slot
from bantin.flows.pipeline import pipeline_flow

__all__ = ["DeploymentState", "History", "RunState", "read_history"]


@dataclass(frozen=True)
class DeploymentState:
    name: str  # flow/deployment
    schedules: tuple[str, ...]  # cron (time zone)
    paused: bool
    next_run: datetime | None  # the next scheduled run Prefect holds


@dataclass(frozen=True)
class RunState:
    name: str
    deployment: str
    state: str  # Completed, Failed, Cancelled, Crashed, Running, Late...
    message: str
    expected: datetime | None
    start: datetime | None
    end: datetime | None
    ran: bool  # it started (a missed run cancelled before it ran did not)
    tags: tuple[str, ...]


@dataclass(frozen=True)
class History:
    deployments: tuple[DeploymentState, ...]
    runs: tuple[RunState, ...]


def _schedule_text(schedule: Any) -> str:
    cron = getattr(schedule.schedule, "cron", None)
    zone = getattr(schedule.schedule, "timezone", None)
    return f"{cron} ({zone})" if cron else str(schedule.schedule)


def _next_by_schedule(schedules: Any, now: datetime) -> datetime | None:
    """The earliest next time of the deployment's cron schedules after ``now`` (None without one):
    what the next run will be when Prefect's scheduler has not put the run in its queue yet."""
    times = []
    for item in schedules or ():
        if not getattr(item, "active", True):
            continue
        cron, zone = getattr(item.schedule, "cron", None), getattr(item.schedule, "timezone", None) or "UTC"
        if cron:
            times.append(cron_slot(cron, zone, now, due=False).astimezone(UTC))
    return min(times, default=None)


async def read_history(limit: int = 10, now: datetime | None = None) -> History:
    """The pipeline's deployments with their next run, and their ``limit`` last runs, newest first."""
    now = now or datetime.now(UTC)
    async with get_client() as client:
        found = await client.read_deployments(flow_filter=FlowFilter(name=FlowFilterName(any_=[pipeline_flow.name])))
        names = {d.id: f"{pipeline_flow.name}/{d.name}" for d in found}
        states = []
        for deployment in sorted(found, key=lambda d: d.name):
            upcoming = await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
                flow_run_filter=FlowRunFilter(
                    expected_start_time=FlowRunFilterExpectedStartTime(after_=now),
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=1)
            states.append(DeploymentState(names[deployment.id], tuple(_schedule_text(s) for s in deployment.schedules),
                                          bool(deployment.paused),
                                          upcoming[0].expected_start_time if upcoming
                                          else _next_by_schedule(deployment.schedules, now)))
        runs = await client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=list(names))),
            flow_run_filter=FlowRunFilter(expected_start_time=FlowRunFilterExpectedStartTime(before_=now)),
            sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=limit) if names else []
    return History(tuple(states), tuple(_run_state(run, names) for run in runs))


def _run_state(run: Any, names: dict[UUID, str]) -> RunState:
    return RunState(
        name=run.name,
        deployment=names.get(run.deployment_id, "?"),
        state=run.state_name or (run.state_type.value if run.state_type else "?"),
        message=" ".join(str(run.state.message or "").split()) if run.state else "",
        expected=run.expected_start_time,
        start=run.start_time,
        end=run.end_time,
        ran=bool(run.run_count),
        tags=tuple(run.tags or ()),
    )
