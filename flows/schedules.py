"""The editor's schedules: the daily and weekly pipeline runs, served or deployed to a work pool."""

from __future__ import annotations

from typing import Any

from prefect import serve
from prefect.schedules import Cron

from bantin.flows.pipeline import pipeline_flow
from bantin.settings import Settings

__all__ = ["deployments", "serve_schedules"]


def deployments(settings: Settings, overrides: dict[str, Any] | None = None) -> list[Any]:
    """The daily and weekly pipeline deployments, with cron schedules in the local time zone."""
    return [
        pipeline_flow.to_deployment(
            name=f"bantin-{period}",
            schedules=[Cron(cron, timezone=settings.timezone)],
            parameters={"period": period, "overrides": overrides or {}},
            description=f"The {period} bantin edition: crawl, summarize, publish.",
            tags=["bantin", period],
        )
        for period, cron in (("daily", settings.schedule_daily_cron), ("weekly", settings.schedule_weekly_cron))
    ]


def serve_schedules(settings: Settings, overrides: dict[str, Any] | None = None) -> None:
    """Serve both deployments from this process until it is stopped (Ctrl-C)."""
    serve(*deployments(settings, overrides))
