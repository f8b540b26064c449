"""``bantin entities``: the entities file, counting its mentions in the archive, and names it lacks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from bantin.commands.state import open_database, settings_of

__all__ = ["register"]

entities_app = typer.Typer(
    help="The entities file (companies, labs, models, people …) and their mentions in the archive.",
    no_args_is_help=True,
)

EntitiesFile = Annotated[
    Path | None,
    typer.Option("--entities", help="Entities file (default: the shipped spiders/entities.toml).", dir_okay=False),
]


def _since(ctx: typer.Context, since: str | None, default_days: int | None) -> datetime | None:
    from bantin.archive.search import parse_day

    if since:
        return parse_day(since, timezone=settings_of(ctx).timezone)
    return datetime.now(UTC) - timedelta(days=default_days) if default_days else None


@entities_app.command("list")
def list_cmd(
    entities: EntitiesFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per entity.")] = False,
) -> None:
    """Check the entities file and list its entities: key, kind, display name, aliases.

    A duplicate alias, an empty name or a bad regular expression is reported with the file, line
    and key (exit 2).

    Example: [bold]bantin entities list --entities my-entities.toml[/bold]
    """
    from bantin.archive.entities import load_catalog

    catalog = load_catalog(entities)
    for entity in catalog.entities.values():
        if as_json:
            typer.echo(json.dumps({"key": entity.key, "name": entity.name, "kind": entity.kind,
                                   "aliases": list(entity.aliases), "case": entity.case}, ensure_ascii=False))
        else:
            typer.echo(f"{entity.key:18} {entity.kind:8} {entity.name} ({', '.join(entity.aliases)})")
    if not as_json:
        typer.echo(f"{len(catalog)} entities in {catalog.path}")


@entities_app.command("index")
def index_cmd(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Only articles from this day (YYYY-MM-DD).")] = None,
    entities: EntitiesFile = None,
) -> None:
    """Count the entities in archived articles again (after editing the entities file).

    For articles stored before entities were counted, or after the file changed; the crawl counts
    new and changed articles itself.

    Example: [bold]bantin entities index --since 2026-11-01[/bold]
    """
    from bantin.archive.entities import load_catalog
    from bantin.archive.mentions import index_articles

    catalog = load_catalog(entities)
    start = _since(ctx, since, None)
    with open_database(ctx) as db, db.session() as session:
        articles, mentions = index_articles(session, since=start, catalog=catalog)
    typer.echo(f"{articles} articles indexed, {mentions} mentions of {len(catalog)} entities")


@entities_app.command("suggest")
def suggest_cmd(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="From this day (YYYY-MM-DD); default: the last 30 days.")] = None,
    min_articles: Annotated[int, typer.Option("--min-articles", min=1, help="Named in at least this many articles.")] = 2,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="At most this many names.")] = 30,
    entities: EntitiesFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per name.")] = False,
) -> None:
    """Frequent capitalized names that the entities file lacks: candidates for an editor to add.

    Vietnamese proper names capitalize every syllable, so runs of two or more capitalized words
    named in at least --min-articles articles of the period, and not known or ignored by the file.

    Example: [bold]bantin entities suggest --since 2026-11-01 --min-articles 3[/bold]
    """
    from bantin.archive.entities import load_catalog, suggest_names
    from bantin.archive.mentions import texts_between

    catalog = load_catalog(entities)
    start = _since(ctx, since, 30)
    with open_database(ctx) as db, db.session() as session:
        names = suggest_names(texts_between(session, start), catalog, min_articles=min_articles, limit=limit)
    for name, count in names:
        typer.echo(json.dumps({"name": name, "articles": count}, ensure_ascii=False) if as_json else f"{count:5}  {name}")
    if not names and not as_json:
        typer.echo("no new names: every frequent capitalized name is in the entities file or ignored")


def register(app: typer.Typer) -> None:
    app.add_typer(entities_app, name="entities")
