"""``bantin search``: search the archive from the terminal (a Rich table or JSON lines)."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bantin.commands.state import open_database, settings_of

__all__ = ["register", "search_cmd"]


def _styled(segments: tuple[Any, ...]) -> Text:
    """Rich text with the matches in bold yellow; scraped text is never read as Rich markup."""
    out = Text()
    for segment in segments:
        out.append(segment.text, style="bold yellow" if segment.marked else None)
    return out


def _print_table(page: Any, timezone: str) -> None:  # noqa: ANN401 - archive.search.SearchPage
    from zoneinfo import ZoneInfo

    from bantin.archive.search.results import approximately

    console = Console()
    if not page.hits:
        console.print(Text(page.messages[0] if page.messages else f"no results for {page.query}"))
        if page.suggestion:
            console.print(Text(f"did you mean: {page.suggestion}"))
        return
    table = Table("title", "outlet", "date", "snippet", show_lines=True)
    zone = ZoneInfo(timezone)
    for hit in page.hits:
        table.add_row(_styled(hit.title_marked), Text(hit.source_name), hit.sort_at.astimezone(zone).strftime("%Y-%m-%d"),
                      _styled(hit.snippet_marked))
    console.print(table)
    count = f"about {approximately(page.total).replace('.', ',')}" if page.capped else f"{page.total:,}"
    console.print(Text(f"page {page.page} of {page.pages} ({count} results for {page.query})"))


def search_cmd(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words, "phrases", -excluded, OR; diacritics optional.')],
    source: Annotated[list[str] | None, typer.Option("--source", help="Only this source key (repeatable).")] = None,
    topic: Annotated[list[str] | None, typer.Option("--topic", help="Only this topic (repeatable).")] = None,
    entity: Annotated[list[str] | None, typer.Option("--entity", help="Only articles naming this entity key "
                                                     "(bantin entities list; repeatable; an unknown key exits 2).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this day, inclusive (YYYY-MM-DD).")] = None,
    min_relevance: Annotated[float | None, typer.Option("--min-relevance", help="Minimum AI relevance, 0..1.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Results per page (1..100).")] = 10,
    page: Annotated[int, typer.Option("--page", help="Page number, from 1.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines, one result per line.")] = False,
) -> None:
    """Search the archive; diacritics are optional ("tri tue nhan tao" finds "trí tuệ nhân tạo").

    Example: [bold]bantin search '"tri tue nhan tao" -bitcoin' --source vnexpress --since 2025-01-01[/bold]
    """
    from bantin.archive.entities import known_entity_keys, load_catalog
    from bantin.archive.search import SearchFilters, parse_day, search

    settings = settings_of(ctx)
    entities = known_entity_keys(entity or (), query, load_catalog(settings.entities_file))  # unknown: exit 2
    filters = SearchFilters(
        sources=tuple(source or ()), topics=tuple(topic or ()), entities=entities,
        since=parse_day(since, timezone=settings.timezone) if since else None,
        until=parse_day(until, timezone=settings.timezone, end=True) if until else None,
        min_relevance=min_relevance, page=page, per_page=limit,
    )
    with open_database(ctx) as db:
        result = search(db, query, filters)
    if not as_json:
        _print_table(result, settings.timezone)
        return
    for hit in result.hits:
        typer.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
    for message in result.messages:
        print(message, file=sys.stderr)
    if result.suggestion:
        print(f"did you mean: {result.suggestion}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    app.command("search")(search_cmd)
