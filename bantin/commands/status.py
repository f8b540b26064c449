"""``bantin status``: the schedules, their next runs and the last runs with their totals."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from bantin.commands.state import open_database, settings_of

__all__ = ["register"]


def _local(moment: datetime | None, zone: str) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _took(start: datetime | None, end: datetime | None) -> str:
    if start is None:
        return "—"
    seconds = int(((end or datetime.now(UTC)) - start).total_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}" + ("" if end else "…")


def _totals(ctx: typer.Context, runs: tuple[Any, ...]) -> list[Any]:
    """The archive's totals of each run that started (None for the others)."""
    from bantin.archive.activity import activity_between

    found: list[Any] = []
    with open_database(ctx) as db, db.session() as session:
        for run in runs:
            ran = run.ran and run.start is not None
            found.append(activity_between(session, run.start, run.end or datetime.now(UTC)) if ran else None)
    return found


def _crawl_text(activity: Any) -> str:
    if activity is None:
        return "—"
    text = f"{activity.sources} source{'' if activity.sources == 1 else 's'}, {activity.new} new"
    return text + (f", failed: {', '.join(activity.failed_sources)}" if activity.failed_sources else "")


def _edition_text(activity: Any) -> str:
    if activity is None or not activity.editions:
        return "none"
    return ", ".join(f"#{eid} ({items} items, {'delivered' if sent else 'not delivered'})"
                     for eid, items, sent in activity.editions)


def _state_text(run: Any) -> str:
    """The Prefect state, with the pipeline's own verdict when it finished (``Completed, partial``)."""
    from bantin.flows.pipeline import OUTCOME_PREFIX

    if run.message.startswith(OUTCOME_PREFIX):
        return f"{run.state}, {run.message.removeprefix(OUTCOME_PREFIX).partition(':')[0]}"
    return run.state


def _print(api: Any, running: bool | None, history: Any, totals: list[Any], zone: str) -> None:
    from bantin.flows.pipeline import OUTCOME_PREFIX

    console = Console()
    if api.external:
        head = f"Prefect UI {api.ui_url} (PREFECT_API_URL)"
    elif running:
        head = f"Prefect UI {api.ui_url} (database {api.database}); scheduler running"
    else:
        head = f"scheduler not running; history read from {api.database}"
    console.print(head, soft_wrap=True)
    if not history.deployments:
        console.print("No schedules yet: start them with [bold]bantin schedule[/bold].")
        return
    table = Table("deployment", "schedule", f"next run ({zone})", title="schedules")
    for item in history.deployments:
        table.add_row(item.name, ", ".join(item.schedules), _local(item.next_run, zone) + (" (paused)" if item.paused else ""))
    console.print(table)
    console.print(f"last {len(history.runs)} runs ({zone}):", highlight=False)
    width = max((len(run.name) for run in history.runs), default=0)
    for run, activity in zip(history.runs, totals, strict=True):
        kind = run.deployment.rpartition("bantin-")[2]
        console.print(f"  {_local(run.expected, zone)}  {kind:<6} {run.name:<{width}}  {_state_text(run):<20} "
                      f"{_took(run.start if activity else None, run.end)}", highlight=False, soft_wrap=True)
        if activity is not None:
            console.print(f"      crawl {_crawl_text(activity)}; {activity.summaries} summaries; "
                          f"edition {_edition_text(activity)}", highlight=False, soft_wrap=True)
        if run.message and not run.message.startswith(OUTCOME_PREFIX):
            console.print(f"      {run.message}", highlight=False, soft_wrap=True)


def _as_json(api: Any, running: bool | None, history: Any, totals: list[Any]) -> str:
    from dataclasses import asdict

    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    return json.dumps({
        "prefect_ui": api.ui_url, "scheduler_running": running,
        "deployments": [{k: plain(v) for k, v in asdict(d).items()} for d in history.deployments],
        "runs": [{**{k: plain(v) for k, v in asdict(run).items()}, "totals": asdict(activity) if activity else None}
                 for run, activity in zip(history.runs, totals, strict=True)],
    }, ensure_ascii=False)


def status_cmd(
    ctx: typer.Context,
    runs: Annotated[int, typer.Option("--runs", min=1, max=200, help="How many of the last runs to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object instead of tables.")] = False,
) -> None:
    """Show the schedules: next run of each (local time) and the last runs, their state and totals.

    Reads the Prefect server that `bantin schedule` runs (or PREFECT_API_URL); when the scheduler
    is stopped, starts the stored server for a moment to read its history. Totals of each run
    (sources crawled, articles, summaries, edition) come from the archive.

    Example: [bold]bantin status --runs 5[/bold]
    """
    import asyncio

    from bantin.flows.history import read_history
    from bantin.flows.server import has_history, prefect_api

    settings = settings_of(ctx)
    if not has_history(settings):
        print(json.dumps({"scheduler_running": False, "deployments": [], "runs": []}) if as_json else
              "No schedules yet: start them with `bantin schedule`.")
        return
    if not as_json:
        print("bantin status: reading the Prefect server…", file=sys.stderr, flush=True)
    with prefect_api(settings, reuse=True, services=False) as api:
        history = asyncio.run(read_history(limit=runs))
        running = None if api.external else not api.started_here
    totals = _totals(ctx, history.runs)
    if as_json:
        print(_as_json(api, running, history, totals))
    else:
        _print(api, running, history, totals, settings.timezone)


def register(app: typer.Typer) -> None:
    app.command("status")(status_cmd)
