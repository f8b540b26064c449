"""The editor's schedules: the daily and weekly pipeline runs, served by ``bantin schedule``.

``serve_schedules`` runs the scheduler in this process until SIGINT or SIGTERM:

1. find or start the Prefect server that keeps the run history (``flows/server.py``);
2. register the daily and weekly deployments with it;
3. cancel the runs that waited while the scheduler was stopped and make up the newest missed slot
   once (``flows/catchup.py``);
4. run what falls due, one run at a time (a weekly run due while the daily one runs waits for it,
   instead of failing on the pipeline lock), each in its own process;
5. on SIGINT or SIGTERM: stop polling, cancel the run in progress (its process is stopped and
   the run marked ``Cancelled``) within ``STOP_BUDGET_S``, then stop the server: the command
   ends within 10 s.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psutil
from cronsim import CronSim, CronSimError
from prefect import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterParentFlowRunId,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import TERMINAL_STATES as TERMINAL
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.deployments.runner import EntrypointType
from prefect.events.worker import EventsWorker
from prefect.logging.handlers import APILogHandler
from prefect.runner import Runner
from prefect.schedules import Cron
from prefect.states import Cancelled, State

from bantin.errors import ConfigError, SchedulerError
from bantin.flows.alerts import unusable_urls
from bantin.flows.catchup import CatchUp, ServedDeployment, make_up_missed_runs
from bantin.flows.pipeline import pipeline_flow
from bantin.flows.server import PrefectApi, prefect_api
from bantin.settings import Settings

__all__ = ["KILL_AFTER_S", "STOP_BUDGET_S", "Serving", "check_schedules", "deployments", "serve_schedules"]

STOP_BUDGET_S = 6.0  # the runs' cancellation; the server's stop and the exit fit in the rest of 10 s
KILL_AFTER_S = 1.5  # a run's process that ignores SIGTERM this long is killed


@dataclass(frozen=True)
class Serving:
    """What the scheduler serves, once it is ready: the CLI prints it."""

    api: PrefectApi
    deployments: tuple[ServedDeployment, ...]
    catch_up: tuple[CatchUp, ...]


def _crons(settings: Settings) -> dict[str, str]:
    return {"daily": settings.schedule_daily_cron, "weekly": settings.schedule_weekly_cron}


def deployments(settings: Settings, overrides: dict[str, Any] | None = None) -> list[Any]:
    """The daily and weekly pipeline deployments, with cron schedules in the local time zone."""
    return [
        pipeline_flow.to_deployment(
            name=f"bantin-{period}",
            schedules=[Cron(cron, timezone=settings.timezone)],
            parameters={"period": period, "overrides": overrides or {}},
            description=f"The {period} bantin edition: crawl, summarize, publish.",
            tags=["bantin", period],
            entrypoint_type=EntrypointType.MODULE_PATH,  # bantin.flows.pipeline.pipeline_flow, wherever installed
        )
        for period, cron in _crons(settings).items()
    ]


def check_schedules(settings: Settings) -> None:
    """``ConfigError`` for a cron expression or an alert URL that cannot work (before anything starts)."""
    for period, cron in _crons(settings).items():
        try:
            CronSim(cron, datetime.now(UTC))
        except CronSimError as exc:
            raise ConfigError(f"BANTIN_SCHEDULE_{period.upper()}_CRON={cron!r} is not a cron expression: {exc}") from exc
    bad = unusable_urls(settings.alert_urls)
    if bad:
        raise ConfigError(f"BANTIN_ALERT_URLS: Apprise does not know {', '.join(bad)}")


def serve_schedules(settings: Settings, overrides: dict[str, Any] | None = None, *,
                    on_ready: Callable[[Serving], None] = lambda serving: None) -> str:
    """Serve both deployments until SIGINT or SIGTERM; returns the name of the signal that stopped it."""
    check_schedules(settings)
    planned = deployments(settings, overrides)  # built outside the event loop (to_deployment is sync here)
    # A signal while the server boots or the deployments register stops the start cleanly too
    # (the server is stopped on the way out); once serving, step 5 handles them.
    previous = {sig: signal.signal(sig, _stop_starting) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        # 1. the Prefect server
        with prefect_api(settings, reuse=False) as api:
            return asyncio.run(_serve(settings, planned, api, on_ready))
    except _StoppedWhileStarting as stopped:
        return f"{stopped.args[0]}, while starting"
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _StoppedWhileStarting(BaseException):  # noqa: N818 - not an error: the operator's stop
    """A stop signal arrived before the scheduler was serving."""


def _stop_starting(signum: int, frame: Any) -> None:
    raise _StoppedWhileStarting(signal.Signals(signum).name)


async def _serve(settings: Settings, planned: list[Any], api: PrefectApi, on_ready: Callable[[Serving], None]) -> str:
    runner = Runner(name="bantin-schedule", pause_on_shutdown=False, limit=1)
    # 2. register the deployments
    served = []
    for deployment, (period, cron) in zip(planned, _crons(settings).items(), strict=True):
        deployment_id = await runner.aadd_deployment(deployment)
        served.append(ServedDeployment(deployment_id, f"{pipeline_flow.name}/bantin-{period}", cron, settings.timezone))
    # 3. missed runs
    async with get_client() as client:
        catch_up = await make_up_missed_runs(client, served, enabled=settings.schedule_catch_up)
    # 4. run what falls due until a signal
    stop = asyncio.Event()
    received: list[str] = []
    running = asyncio.create_task(runner.start())
    await asyncio.sleep(0)  # start() installs Prefect's SIGTERM handler before its first await: ours replace it
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda sig=sig: (received.append(sig.name), stop.set()))
    on_ready(Serving(api, tuple(served), tuple(catch_up)))
    waiting = asyncio.create_task(stop.wait())
    await asyncio.wait({running, waiting}, return_when=asyncio.FIRST_COMPLETED)
    # 5. stop
    since = datetime.now(UTC)
    try:
        await asyncio.wait_for(_stop(runner, running), STOP_BUDGET_S)
    except TimeoutError:
        running.cancel()
    finally:
        waiting.cancel()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the bounded stop short
    async with get_client() as client:
        await _settle_stopped_runs(client, [item.deployment_id for item in served], since)
    await _flush_to_server()
    return received[0] if received else "runner stopped"


async def _stop(runner: Runner, running: asyncio.Task[None]) -> None:
    """Stop polling and cancel the run in progress, marked ``Cancelled``; then let ``start`` return.

    Prefect's runner sends the run's process SIGTERM and waits for it to end; a run blocked in a
    crawl does not end soon (its worker threads wait for the crawl), so after ``KILL_AFTER_S`` the
    run's processes are killed, and the runner goes on to mark the run cancelled.
    """
    if not runner.started:
        running.cancel()
    else:
        stopping = asyncio.create_task(runner.astop())
        done, _ = await asyncio.wait({stopping}, timeout=KILL_AFTER_S)
        if not done:
            _kill_run_processes()
        await stopping
    try:
        await running
    except asyncio.CancelledError:
        pass
    except Exception as exc:  # the runner ended on its own, before any signal (its server gone...)
        raise SchedulerError(f"the scheduler's Prefect runner stopped: {exc}") from exc


def _kill_run_processes() -> None:
    """SIGKILL this process's descendants in its own process group: the flow runs and their crawls
    (the Prefect server has its own session and stops after them)."""
    group = os.getpgid(0)
    for child in psutil.Process().children(recursive=True):
        try:
            if os.getpgid(child.pid) == group:
                child.kill()
        except (ProcessLookupError, psutil.NoSuchProcess):
            continue


async def _settle_stopped_runs(client: Any, deployment_ids: list[Any], since: datetime) -> None:
    """Make the history of the runs cancelled at stop true.

    A run that had already finished while its process was still exiting (sending its last logs or
    its alert) gets its final state back: Prefect's runner cancels every process it still holds,
    with ``force``. The unfinished subflows (crawl, summarize, newsletter) of the runs really
    cancelled are cancelled too (their process is gone; the server would show them running until
    its next start).
    """
    recent = await client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=deployment_ids)),
        flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.CANCELLED]))),
        sort=FlowRunSort.END_TIME_DESC, limit=10)
    interrupted = []
    for run in (run for run in recent if run.state and run.state.timestamp >= since):
        states = sorted(await client.read_flow_run_states(run.id), key=lambda state: state.timestamp)
        before = states[-2] if len(states) > 1 else None
        if before is not None and before.is_final() and not before.is_cancelled():
            await client.set_flow_run_state(run.id, State(type=before.type, name=before.name, message=before.message,
                                                          data=before.data), force=True)
        else:
            interrupted.append(run.id)
    if not interrupted:
        return
    children = await client.read_flow_runs(flow_run_filter=FlowRunFilter(
        parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=interrupted),
        state=FlowRunFilterState(type=FlowRunFilterStateType(not_any_=list(TERMINAL)))))
    for child in children:
        await client.set_flow_run_state(child.id, Cancelled(message="its parent run was cancelled"), force=True)


async def _flush_to_server() -> None:
    """Send the logs and events still queued while the server is up (at exit they would retry
    against a stopped server for seconds)."""
    await APILogHandler.aflush()
    drained = EventsWorker.drain_all(timeout=1.0)
    if inspect.isawaitable(drained):
        await drained
