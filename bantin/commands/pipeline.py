"""``bantin run``, ``bantin demo`` and ``bantin schedule``: the pipeline, now or on a schedule."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from bantin.commands.state import settings_of, state_of

__all__ = ["register"]

PARTIAL_EXIT = 3
Period = Annotated[str, typer.Option("--period", help="Edition kind: daily or weekly.")]


def _overrides(ctx: typer.Context, **extra: Any) -> dict[str, Any]:
    """The settings a flow run re-reads on its worker: the global options, then ``extra``."""
    values = {"database_url": state_of(ctx).database_url} if state_of(ctx).database_url else {}
    values.update({k: str(v) if isinstance(v, Path) else v for k, v in extra.items() if v is not None})
    return values


def _check_period(period: str) -> None:
    from bantin.errors import ConfigError

    if period not in ("daily", "weekly"):
        raise ConfigError(f"unknown period {period!r}: use daily or weekly")


def _print_run(result: dict[str, Any]) -> None:
    console = Console()
    crawl = result["crawl"]
    table = Table("source", "status", "fetched", "new", "upd", "dup", "rej", "failed", "fallback",
                  title="1. crawl", caption="upd: updated, dup: duplicate, rej: rejected")
    for row in crawl["sources"]:
        table.add_row(row["key"], row["status"], *(str(row.get(n, 0)) for n in
                      ("fetched", "new", "updated", "duplicate", "rejected", "failed", "used_fallback")))
    console.print(table)
    s = result["summarize"]
    console.print(f"2. summarize: {s['summarized']} new summaries, {s.get('stories', 0)} of stories told by several "
                  f"outlets, {s['skipped']} skipped, {s['failed']} failed")
    edition, delivery = result["newsletter"]["edition"], result["newsletter"]["delivery"]
    if edition["skipped"]:
        console.print("3. newsletter: nothing new in the period; no edition (BANTIN_NEWSLETTER_EMPTY=skip)")
    else:
        state = "new" if edition["created"] else "already built"
        console.print(f"3. newsletter: edition {edition['edition_id']} ({state}), {edition['items']} items")
        console.print(f"   written to {edition['output_dir']}", soft_wrap=True)
    if delivery["configured"]:
        console.print(f"   e-mail: sent {len(delivery['sent'])}, failed {len(delivery['failed'])}")
    else:
        console.print("   e-mail: SMTP not configured, files only")
    console.print(f"pipeline: {result['status']}")


def run_cmd(
    ctx: typer.Context,
    period: Period = "daily",
    source: Annotated[list[str] | None, typer.Option("--source", help="Crawl only this source key (repeatable).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most N articles per source.")] = None,
) -> None:
    """Run the whole pipeline once now: crawl, summarize, publish. Exit 3 when some stage partly failed.

    Example: [bold]bantin run --period daily[/bold]
    """
    from bantin.flows import pipeline_flow
    from bantin.spiders.sources import load_sources, select_sources

    _check_period(period)
    select_sources(load_sources(settings_of(ctx).sources_file), source)  # bad input fails before any work
    result = pipeline_flow(period=period, sources=source or None, limit=limit, overrides=_overrides(ctx))
    _print_run(result)
    if result["status"] != "ok":
        raise typer.Exit(PARTIAL_EXIT)


def demo_cmd(
    ctx: typer.Context,
    period: Period = "daily",
    keep: Annotated[bool, typer.Option("--keep", help="Keep the demo archive of an earlier demo.")] = False,
) -> None:
    """Serve the bundled site mirror on loopback and run the whole pipeline on it, offline.

    The demo has its own archive (data folder/demo) and output folder (out folder/demo), so it
    never mixes with the real archive; each demo starts afresh unless --keep, by emptying that
    archive in place (never deleting the file: a `bantin web` serving it keeps working). With
    --period weekly the mirror's dates spread over five weeks, so the edition shows "Xu hướng tuần".

    Example: [bold]bantin demo[/bold]
    """
    from bantin.flows import pipeline_flow
    from bantin.spiders.mirror import serve, write_sources_file

    _check_period(period)
    settings = settings_of(ctx)
    home = Path(settings.data_dir) / "demo"
    if home.exists() and not keep:
        _start_afresh(home)
    home.mkdir(parents=True, exist_ok=True)
    with serve(history=period == "weekly") as mirror:  # weekly: dates over five weeks, for "Xu hướng tuần"
        sources = write_sources_file(mirror.base_url, home / "sources.toml")
        overrides = _overrides(
            ctx,
            database_url=f"sqlite:///{(home / 'bantin.db').resolve()}",
            sources_file=sources,
            out_dir=Path(settings.out_dir) / "demo",
            smtp_host=None,
        )
        Console().print(f"demo: mirror at {mirror.base_url}, archive {home / 'bantin.db'}")
        result = pipeline_flow(period=period, overrides=overrides)
    _print_run(result)
    if result["status"] != "ok":
        raise typer.Exit(PARTIAL_EXIT)


def _start_afresh(home: Path) -> None:
    """Empty the demo archive in place (a server may have it open); other demo files go.

    Only a file that cannot be opened as an archive is deleted, and the console says so.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from bantin.archive.engine import Database
    from bantin.archive.reset import empty_archive
    from bantin.errors import BantinError

    archive = home / "bantin.db"
    for entry in home.iterdir():
        if entry.name.startswith("bantin.db"):
            continue
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    if not archive.exists():
        return
    try:
        with Database.connect(f"sqlite:///{archive.resolve()}") as db:
            rows = empty_archive(db)
        Console().print(f"demo: emptied the earlier demo archive in place ({rows} rows)")
    except (BantinError, SQLAlchemyError, OSError) as exc:  # an unusable file is replaced, and said so
        for stale in home.glob("bantin.db*"):
            stale.unlink()
        Console().print(f"demo: the earlier demo archive could not be opened ({exc}); starting a new file")


def schedule_cmd(ctx: typer.Context) -> None:
    """Serve the daily and weekly pipeline runs on their schedules until SIGINT (Ctrl-C) or SIGTERM.

    Runs are recorded by a persistent local Prefect server (database in the data folder, UI at
    the printed address; PREFECT_API_URL: that server instead). A run missed while the scheduler
    was stopped is made up once at start (BANTIN_SCHEDULE_CATCH_UP); a failed or partial run
    alerts BANTIN_ALERT_URLS / BANTIN_ALERT_RECIPIENTS. Stopping cancels a run in progress and
    exits 0 within 10 seconds. Schedules: BANTIN_SCHEDULE_DAILY_CRON / _WEEKLY_CRON in BANTIN_TIMEZONE.

    Example: [bold]bantin schedule[/bold]   (then [bold]bantin status[/bold] in another terminal)
    """
    from bantin.flows import serve_schedules

    settings = settings_of(ctx)
    stopped_by = serve_schedules(settings, _overrides(ctx), on_ready=_print_serving)
    print(f"bantin schedule: stopped ({stopped_by})", flush=True)
    # The process ends now: leave Prefect's large heap to the OS instead of a final collection that
    # takes seconds on a busy machine (the stop must fit in 10 s).
    gc.freeze()


def _print_serving(serving: Any) -> None:
    """The scheduler is ready: where its UI is, what it serves, what it made up."""
    api = serving.api
    where = "PREFECT_API_URL" if api.external else f"database {api.database}"
    print(f"bantin schedule: Prefect UI {api.ui_url} ({where})", flush=True)
    for item in serving.deployments:
        print(f"bantin schedule: serving {item.name} ({item.cron}, {item.timezone})", flush=True)
    for made in serving.catch_up:
        if made.cancelled:
            print(f"bantin schedule: {made.deployment}: cancelled {made.cancelled} run(s) missed while stopped",
                  flush=True)
        if made.run_name:
            print(f"bantin schedule: {made.deployment}: making up the run of {made.due:%Y-%m-%d %H:%M} once "
                  f"({made.run_name})", flush=True)
    print("bantin schedule: ready; Ctrl-C or SIGTERM stops", flush=True)


def register(app: typer.Typer) -> None:
    app.command("run")(run_cmd)
    app.command("demo")(demo_cmd)
    app.command("schedule")(schedule_cmd)
