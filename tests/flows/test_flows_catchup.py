"""Missed runs against the test harness's Prefect server: made up once, never twice, or not at all."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from prefect import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.schedules import Cron
from prefect.states import Completed, Running, Scheduled

from bantin.flows.catchup import CATCH_UP_TAG, ServedDeployment, due_slot, make_up_missed_runs
from bantin.flows.pipeline import pipeline_flow

CRON = "30 6 * * *"
ZONE = "Asia/Ho_Chi_Minh"


def test_due_slot_is_the_newest_cron_time_not_after_now():
    local = ZoneInfo(ZONE)
    assert due_slot(CRON, ZONE, datetime(2026, 12, 2, 6, 29, tzinfo=local)) == datetime(2026, 12, 1, 6, 30, tzinfo=local)
    assert due_slot(CRON, ZONE, datetime(2026, 12, 2, 6, 30, tzinfo=local)) == datetime(2026, 12, 2, 6, 30, tzinfo=local)
    # 23:45 UTC on the 1st is 06:45 on the 2nd in Hanoi
    assert due_slot(CRON, ZONE, datetime(2026, 12, 1, 23, 45, tzinfo=UTC)) == datetime(2026, 12, 2, 6, 30, tzinfo=local)


def _deployment() -> ServedDeployment:
    deployment = pipeline_flow.to_deployment(name=f"catch-up-test-{uuid4().hex[:8]}",
                                             schedules=[Cron(CRON, timezone=ZONE)], parameters={"period": "daily"})
    return ServedDeployment(deployment.apply(), f"bantin-pipeline/{deployment.name}", CRON, ZONE)


async def _runs(client, served: ServedDeployment) -> list:  # noqa: ANN001
    return await client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[served.deployment_id])))


async def _wait_behind(client, served: ServedDeployment, *days: int) -> None:  # noqa: ANN001
    """Runs Prefect created ahead of time for slots now ``days`` past, never run (the machine was off)."""
    due = due_slot(CRON, ZONE, datetime.now(UTC))
    for day in days:
        await client.create_flow_run_from_deployment(served.deployment_id,
                                                     state=Scheduled(scheduled_time=due - timedelta(days=day)))


def test_newest_missed_slot_is_made_up_once_and_never_twice():
    served = _deployment()

    async def story() -> None:
        async with get_client() as client:
            await _wait_behind(client, served, 0, 1, 2)
            [first] = await make_up_missed_runs(client, [served], enabled=True)
            assert first.cancelled == 3 and first.run_id is not None
            assert first.due == due_slot(CRON, ZONE, datetime.now(UTC))
            runs = {run.id: run for run in await _runs(client, served)}
            made = runs.pop(first.run_id)
            assert CATCH_UP_TAG in made.tags and made.state.is_scheduled()
            assert all(run.state.is_cancelled() and "made up once" in run.state.message for run in runs.values())
            # a second start before the catch-up ran: the same run, nothing new
            [again] = await make_up_missed_runs(client, [served], enabled=True)
            assert (again.run_id, again.cancelled) == (first.run_id, 0)
            # the catch-up ran; a third start finds the slot served
            await client.set_flow_run_state(first.run_id, Running(), force=True)
            await client.set_flow_run_state(first.run_id, Completed(), force=True)
            [third] = await make_up_missed_runs(client, [served], enabled=True)
            assert third.run_id is None and third.cancelled == 0
            assert len(await _runs(client, served)) == 4

    asyncio.run(story())


@pytest.mark.parametrize("enabled", [True, False], ids=["catch-up-on", "catch-up-off"])
def test_nothing_is_made_up_without_a_missed_slot_or_when_switched_off(enabled):
    served = _deployment()

    async def story() -> None:
        async with get_client() as client:
            # registered after its last slot, nothing waiting: a first start is not a missed run
            [fresh] = await make_up_missed_runs(client, [served], enabled=enabled)
            assert (fresh.run_id, fresh.cancelled) == (None, 0)
            if enabled:
                return
            await _wait_behind(client, served, 0)
            [off] = await make_up_missed_runs(client, [served], enabled=False)
            assert off.run_id is None and off.cancelled == 1
            [run] = await _runs(client, served)
            assert run.state.is_cancelled() and "BANTIN_SCHEDULE_CATCH_UP=false" in run.state.message

    asyncio.run(story())
