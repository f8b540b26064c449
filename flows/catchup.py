"""Runs missed while the scheduler was stopped: the newest one is made up once, the rest cancelled.

Prefect's scheduler service creates every scheduled run ahead of time; when the machine was off at
06:30, that run is still ``Scheduled`` (``Late``) when ``bantin schedule`` starts again, beside the
runs of the days before, and a runner would start them all at once. Before the runner polls,
``make_up_missed_runs`` decides per deployment:

1. the slot that counts is the newest cron time before now (``due``);
2. it was missed when no run of the deployment started at or after it, and the scheduler knew the
   deployment then (created before ``due``, or a pre-created run of a past time is still waiting);
3. every waiting run of a past time is cancelled, with a message saying why;
4. a missed slot gets one catch-up run now (``BANTIN_SCHEDULE_CATCH_UP``, default on), created
   with an idempotency key made of the deployment and the slot, so that Prefect returns the same run
   to any later start: a slot is never made up twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from cronsim import CronSim
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterExpectedStartTime,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.states import Cancelled, Scheduled

__all__ = ["CATCH_UP_TAG", "CatchUp", "ServedDeployment", "cron_slot", "due_slot", "make_up_missed_runs"]

CATCH_UP_TAG = "catch-up"


@dataclass(frozen=True)
class ServedDeployment:
    """A served deployment: its id, name and cron schedule."""

    deployment_id: UUID
    name: str
    cron: str
    timezone: str


@dataclass(frozen=True)
class CatchUp:
    """What happened to one deployment's missed runs at start."""

    deployment: str
    due: datetime  # the newest slot before the start
    cancelled: int  # waiting runs of past times that were cancelled
    run_id: UUID | None  # the catch-up run (new, or the one an earlier start made), else None
    run_name: str | None


def cron_slot(cron: str, timezone: str, now: datetime, *, due: bool) -> datetime:
    """A time of ``cron`` (in ``timezone``, aware): with ``due`` the newest at or before ``now``
    (the slot that fell due), else the first after ``now`` (the next run)."""
    local = now.astimezone(ZoneInfo(timezone)).replace(microsecond=0)
    if due:
        return next(CronSim(cron, local + timedelta(seconds=1), reverse=True))  # reverse: strictly before
    return next(CronSim(cron, local))


def due_slot(cron: str, timezone: str, now: datetime) -> datetime:
    """The newest time of ``cron`` (in ``timezone``) at or before ``now``."""
    return cron_slot(cron, timezone, now, due=True)


async def make_up_missed_runs(client: Any, served: list[ServedDeployment], *, enabled: bool,
                              now: datetime | None = None) -> list[CatchUp]:
    """Cancel the runs that waited while the scheduler was stopped and make up the newest slot once."""
    now = now or datetime.now(UTC)
    return [await _one(client, item, enabled=enabled, now=now) for item in served]


async def _one(client: Any, item: ServedDeployment, *, enabled: bool, now: datetime) -> CatchUp:
    # 1. the slot that counts
    due = due_slot(item.cron, item.timezone, now)
    key = f"bantin-catch-up/{item.name}/{due.isoformat()}"
    runs = await client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[item.deployment_id])),
        flow_run_filter=FlowRunFilter(expected_start_time=FlowRunFilterExpectedStartTime(before_=now)),
        sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=200)
    waiting = [r for r in runs if r.state_type == StateType.SCHEDULED]
    # an earlier start's catch-up run of this slot that has not run yet: it still runs
    mine = next((r for r in waiting if r.idempotency_key == key), None) if enabled else None
    waiting = [r for r in waiting if r is not mine]
    # 2. missed?
    started = any(r.start_time is not None and r.expected_start_time >= due for r in runs)
    deployment = await client.read_deployment(item.deployment_id)
    known = (deployment.created is not None and deployment.created <= due) or bool(waiting)
    # 3. cancel what waited
    why = ("missed while bantin schedule was stopped; " +
           ("made up once by a catch-up run" if enabled else "not made up (BANTIN_SCHEDULE_CATCH_UP=false)"))
    for run in waiting:
        await client.set_flow_run_state(run.id, Cancelled(message=why), force=True)
    # 4. one catch-up run
    run = mine
    if run is None and enabled and known and not started:
        run = await client.create_flow_run_from_deployment(
            item.deployment_id, state=Scheduled(scheduled_time=now), tags=[CATCH_UP_TAG], idempotency_key=key,
            name=f"catch-up-{due:%Y%m%d-%H%M}")
    return CatchUp(item.name, due, len(waiting), run.id if run else None, run.name if run else None)

