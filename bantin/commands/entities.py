"""``bantin entities`` (the entities file, their mentions in the archive, names it lacks) and
``bantin trends`` (what is rising against its own baseline)."""

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
    typer.Option("--entities", help="Entities file (default: BANTIN_ENTITIES_FILE, else the shipped one).", dir_okay=False),
]


def _since(ctx: typer.Context, since: str | None, default_days: int | None) -> datetime | None:
    from bantin.archive.search import parse_day

    if since:
        return parse_day(since, timezone=settings_of(ctx).timezone)
    return datetime.now(UTC) - timedelta(days=default_days) if default_days else None


@entities_app.command("list")
def list_cmd(
    ctx: typer.Context,
    entities: EntitiesFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per entity.")] = False,
) -> None:
    """Check the entities file and list its entities: key, kind, display name, aliases.

    A duplicate alias, an empty name or a bad regular expression is reported with the file, line
    and key (exit 2).

    Example: [bold]bantin entities list --entities my-entities.toml[/bold]
    """
    from bantin.archive.entities import load_catalog

    catalog = load_catalog(entities or settings_of(ctx).entities_file)
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
    """Count the entities in archived articles again and relink their stories.

    For articles stored before entities were counted, or after the entities file changed; the
    crawl counts and links new and changed articles itself.

    Example: [bold]bantin entities index --since 2026-11-01[/bold]
    """
    from bantin.archive.continuity import link_stories
    from bantin.archive.entities import load_catalog
    from bantin.archive.mentions import index_articles
    from bantin.configure import continuity_options

    catalog = load_catalog(entities or settings_of(ctx).entities_file)
    start = _since(ctx, since, None)
    with open_database(ctx) as db, db.session() as session:
        articles, mentions = index_articles(session, since=start, catalog=catalog)
        links = link_stories(session, since=start, options=continuity_options(settings_of(ctx)))
    typer.echo(f"{articles} articles indexed, {mentions} mentions of {len(catalog)} entities, {links} story links")


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

    catalog = load_catalog(entities or settings_of(ctx).entities_file)
    start = _since(ctx, since, 30)
    with open_database(ctx) as db, db.session() as session:
        names = suggest_names(texts_between(session, start), catalog, min_articles=min_articles, limit=limit)
    for name, count in names:
        typer.echo(json.dumps({"name": name, "articles": count}, ensure_ascii=False) if as_json else f"{count:5}  {name}")
    if not names and not as_json:
        typer.echo("no new names: every frequent capitalized name is in the entities file or ignored")


def trends_cmd(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="daily or weekly: the period and its baseline unit.")] = "weekly",
    until: Annotated[str | None, typer.Option("--until", help="End of the period (YYYY-MM-DD, inclusive, or an ISO time); "
                                                               "default: now.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=50, help="At most this many rising and falling names.")] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="The whole report as one JSON object.")] = False,
) -> None:
    """Entities and topics rising (and falling) against their own baseline, the previous 4 periods.

    Rule: rising when named in >= 3 articles of the period and the Poisson tail P(X >= count |
    baseline mean) < 0.01; too little data is said in one sentence. Each rise names the article
    that drove it.

    Example: [bold]bantin trends --period weekly --json[/bold]
    """
    from bantin.archive.entities import load_catalog
    from bantin.archive.search import parse_day
    from bantin.errors import ConfigError
    from bantin.newsletter.trends import compute_trends

    if period not in ("daily", "weekly"):
        raise ConfigError(f"unknown period {period!r}: use daily or weekly")
    settings = settings_of(ctx)
    end = parse_day(until, timezone=settings.timezone, end=True) if until else datetime.now(UTC)
    catalog = load_catalog(settings.entities_file)
    with open_database(ctx) as db, db.session() as session:
        report = compute_trends(session, period=period, end=end, limit=limit, catalog=catalog)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    typer.echo(f"{period} {report.start:%Y-%m-%d %H:%M} .. {report.end:%Y-%m-%d %H:%M} UTC: {report.articles} articles")
    if not report.enough:
        typer.echo(report.reason)
        return
    for title, trends in (("rising", report.rising), ("falling", report.falling)):
        typer.echo(f"{title}:")
        if not trends:
            typer.echo("  (none)")
        for t in trends:
            driver = f"  <- {t.driver.title} ({t.driver.source})" if t.driver else ""
            typer.echo(f"  {t.name:32} {t.kind:6} {t.count:4} vs {t.baseline:5.1f}  p={t.p_value:.1e}{driver}")
    typer.echo(report.rule)


def register(app: typer.Typer) -> None:
    app.add_typer(entities_app, name="entities")
    app.command("trends")(trends_cmd)
