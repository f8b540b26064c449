"""``bantin crawl``: crawl the sources into the archive and print the per-source report."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bantin.commands.state import settings_of

__all__ = ["EXIT_SOURCE_FAILED", "crawl_cmd", "register", "report_table"]

EXIT_SOURCE_FAILED = 3


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date like 2025-10-22") from exc


def report_table(report) -> Table:
    """The per-source table of a ``CrawlReport``."""
    table = Table(title=f"crawl: {report.status} in {report.seconds:.1f} s")
    columns = ("source", "status", "found", "fetched", "new", "upd", "dup", "rej", "fail", "fallbk", "reason")
    for column in columns:
        table.add_column(column, justify="left" if column in ("source", "status", "reason") else "right", no_wrap=True)
    for item in report.sources:
        style = {"ok": "green", "partial": "yellow", "failed": "red"}[item.status]
        table.add_row(item.key, f"[{style}]{item.status}[/{style}]", *(str(v) for v in item.counts().values()),
                      item.reason)
    return table


def crawl_cmd(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Source key to crawl (repeatable); default: all enabled.")
    ] = None,
    sources_file: Annotated[
        Path | None,
        typer.Option("--sources-file", help="Sources TOML (default: BANTIN_SOURCES_FILE or the shipped one)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Skip articles published before this day (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Fetch at most N articles per source.")] = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Fetch again URLs already in the archive.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Crawl Vietnamese AI/tech news into the archive, in a child process, with a per-source report.

    Exit status: 0 when no source failed (some pages may have been rejected or failed; see the
    table), 3 when at least one source failed (its feeds could not be read), 2 on a usage or
    configuration error (bad sources file, unreachable database).

    Example: [bold]bantin crawl --source vnexpress --source genk --since 2025-10-20 --limit 50[/bold]
    """
    from bantin.configure import crawl_options
    from bantin.spiders import run_crawl

    report = run_crawl(
        crawl_options(settings_of(ctx), sources_file=sources_file), sources=source or None, since=_day(since), limit=limit,
        refresh=refresh, progress=not (quiet or as_json),
    )
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        console = Console()
        console.print(report_table(report))
        for item in report.sources:
            if item.reasons:
                console.print(f"{item.key}: " + ", ".join(f"{name} {count}" for name, count in item.reasons.items()))
            if item.status == "failed":
                console.print(f"[red]{item.key}[/red]: {'; '.join(item.errors[:3])}")
            if item.fallback_urls:
                console.print(
                    f"{item.key}: fallback extraction for {len(item.fallback_urls)}: "
                    + ", ".join(item.fallback_urls[:5])
                )
    if report.failed_sources:
        raise typer.Exit(EXIT_SOURCE_FAILED)


def register(app: typer.Typer) -> None:
    app.command("crawl")(crawl_cmd)
