"""Prefect state hooks of ``pipeline_flow`` that alert the operator about scheduled runs.

Only runs of a deployment (the schedules, ``prefect deploy``) alert; ``bantin run`` prints its own
outcome. A completed run alerts when its status is ``partial`` or ``failed``; a run that raised
alerts with the stage and the error; a run whose process died alerts from the runner (Prefect
calls ``on_crashed`` hooks in the process that watched it). Alerting never raises: a problem with
a channel is logged on the run.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from prefect.logging import get_logger
from prefect.settings import PREFECT_UI_URL

from bantin import configure
from bantin.flows.alerts import Alert, RunFacts, crash_alert, failure_alert, result_alert, send_alert
from bantin.flows.stages import settings_for

__all__ = ["alert_on_completion", "alert_on_crash", "alert_on_failure"]

logger = get_logger("bantin.alerts")


def _facts(flow_run: Any, timezone: str) -> RunFacts:
    when = flow_run.expected_start_time
    ui = PREFECT_UI_URL.value()
    period = (flow_run.parameters or {}).get("period", "daily")
    return RunFacts(
        name=flow_run.name,
        deployment=f"bantin-{period}",
        period=period,
        when=when.astimezone(ZoneInfo(timezone)).strftime("%H:%M %d/%m/%Y") if when else "?",
        link=f"{ui}/runs/flow-run/{flow_run.id}" if ui else None,
    )


def _send(flow_run: Any, make: Any) -> None:
    """Build the alert with ``make(facts)`` and send it where the run's settings say."""
    if flow_run.deployment_id is None:
        return
    settings = settings_for((flow_run.parameters or {}).get("overrides"))
    options = configure.alert_options(settings)
    alert: Alert | None = make(_facts(flow_run, settings.timezone))
    if alert is None:
        return
    if not options.configured:
        logger.warning("%s (no BANTIN_ALERT_URLS or BANTIN_ALERT_RECIPIENTS: nobody was told)", alert.title)
        return
    for problem in send_alert(options, alert):
        logger.error("alert not sent: %s", problem)


def alert_on_completion(flow: Any, flow_run: Any, state: Any) -> None:
    """A finished scheduled run whose totals say ``partial`` or ``failed``."""
    result = state.result(raise_on_failure=False)
    if isinstance(result, dict):
        _send(flow_run, lambda facts: result_alert(facts, result))


def alert_on_failure(flow: Any, flow_run: Any, state: Any) -> None:
    """A scheduled run that raised."""
    error = state.result(raise_on_failure=False)
    if not isinstance(error, BaseException):
        error = state.message or "unknown error"
    _send(flow_run, lambda facts: failure_alert(facts, error))


def alert_on_crash(flow: Any, flow_run: Any, state: Any) -> None:
    """A scheduled run whose process died (called in the scheduler's process)."""
    _send(flow_run, lambda facts: crash_alert(facts, state.message))
