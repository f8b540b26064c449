"""``bantin db``: create, upgrade and inspect the archive database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bantin.commands.state import open_database

__all__ = ["db_app", "register"]

db_app = typer.Typer(help="Create, upgrade and inspect the archive database.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_cmd(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Migrate the archive to the newest schema (a no-op when it is there already).

    Example: [bold]BANTIN_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bantin bantin db upgrade[/bold]
    """
    from bantin.archive.migrate import status, upgrade

    with open_database(ctx, upgrade_embedded=False) as db:
        upgrade(db, revision)
        info = status(db)
    typer.echo(f"{info['url']}: at revision {info['revision']} ({info['backend']})")


@db_app.command("downgrade")
def downgrade_cmd(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision; 'base' drops every table.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Migrate the archive down to REVISION (data in dropped tables is lost).

    Example: [bold]bantin db downgrade base --yes[/bold]
    """
    from bantin.archive.migrate import downgrade, status

    if not yes:
        typer.confirm(f"Downgrade the archive to {revision}? Dropped tables lose their rows", abort=True)
    with open_database(ctx, upgrade_embedded=False) as db:
        downgrade(db, revision)
        info = status(db)
    typer.echo(f"{info['url']}: at revision {info['revision'] or 'base'} ({info['backend']})")


@db_app.command("reindex")
def reindex_cmd(ctx: typer.Context) -> None:
    """Rebuild the search index from the articles, in place, with a progress bar.

    Searches wait until it is done (one transaction). Example: [bold]bantin db reindex[/bold]
    """
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bantin.archive.search.reindex import reindex

    started = time.perf_counter()
    with open_database(ctx) as db, Progress(
        TextColumn("reindexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task("reindex", total=None)
        done = reindex(db, lambda done, total: bar.update(task, completed=done, total=total))
    seconds = time.perf_counter() - started
    typer.echo(f"search index rebuilt: {done:,} articles in {seconds:.1f} s ({done / max(seconds, 1e-9):,.0f} articles/s)")


@db_app.command("status")
def status_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show the backend, the schema revision and the row count of every table.

    Example: [bold]bantin db status --json[/bold]
    """
    from bantin.archive.migrate import status

    with open_database(ctx, upgrade_embedded=False) as db:
        info = status(db)
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False))
        return
    console = Console()
    state = "up to date" if info["up_to_date"] else f"behind (head is {info['head']}); run: bantin db upgrade"
    console.print(f"[bold]{info['url']}[/bold] ({info['backend']}), revision {info['revision'] or 'none'}: {state}")
    table = Table("table", "rows")
    for name, count in info["counts"].items():
        table.add_row(name, "-" if count is None else str(count))
    console.print(table)


@db_app.command("backup")
def backup_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Backup file to write (gzip'd JSON lines).")],
) -> None:
    """Copy every archive table into one portable file (any backend restores it).

    Example: [bold]bantin db backup bantin-2026-11-29.jsonl.gz[/bold]
    """
    from bantin.archive.backup import backup

    with open_database(ctx) as db:
        counts = backup(db, path)
    typer.echo(f"wrote {path}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))


@db_app.command("restore")
def restore_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A file written by bantin db backup.")],
) -> None:
    """Load a backup into an empty archive at the same schema revision.

    Example: [bold]bantin --database-url postgresql+psycopg://postgres@127.0.0.1/bantin db restore b.jsonl.gz[/bold]
    """
    from bantin.archive.backup import restore

    with open_database(ctx) as db:
        counts = restore(db, path)
    typer.echo(f"restored {path}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
