"""``bantin sources check``: selector drift and crawl health per source, or one page through a
source's selectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bantin.commands.state import open_database, settings_of

__all__ = ["EXIT_UNHEALTHY", "register", "sources_check_cmd"]

EXIT_UNHEALTHY = 3
_STYLE = {"ok": "green", "drifting": "yellow", "failing": "red"}

sources_app = typer.Typer(help="The outlets bantin crawls: are their selectors and feeds still working?",
                          no_args_is_help=True)


def _read_page(spec: str, user_agent: str, timeout: float) -> tuple[bytes, str, str | None]:
    """(bytes, url, content type) of a URL or a saved HTML file."""
    if spec.startswith(("http://", "https://")):
        import httpx

        from bantin.errors import FetchError

        try:
            with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": user_agent}) as client:
                response = client.get(spec)
        except httpx.HTTPError as exc:
            raise FetchError(f"{spec}: cannot fetch ({type(exc).__name__}: {exc})") from exc
        if response.status_code >= 400:
            raise FetchError(f"{spec}: HTTP {response.status_code}")
        return response.content, str(response.url), response.headers.get("content-type")
    path = Path(spec)
    if not path.is_file():
        raise typer.BadParameter(f"{spec}: no such file (give a URL or a saved HTML file)", param_hint="--page")
    return path.read_bytes(), path.resolve().as_uri(), None


def _check_page(ctx: typer.Context, spec: str, key: str, sources_file: Path | None, as_json: bool) -> None:
    from bantin.spiders.check import check_page
    from bantin.spiders.sources import load_sources, select_sources

    settings = settings_of(ctx)
    [source] = select_sources(load_sources(sources_file or settings.sources_file), [key])
    data, url, content_type = _read_page(spec, settings.user_agent, settings.crawl_timeout_s)
    result = check_page(data, url, source, content_type=content_type)
    if as_json:
        typer.echo(json.dumps({
            "source": key, "page": spec, "method": result.page.method if result.page else None,
            "error": result.error or None,
            "selectors": [{"field": h.field, "selector": h.selector, "matches": h.matches, "text": h.text}
                          for h in result.hits],
            "fields": {name: {"value": result.value(name), "from": (result.page.provenance.get(name) if result.page
                                                                    else None)}
                       for name in ("title", "lead", "body", "author", "published")},
        }, ensure_ascii=False))
        return
    console = Console()
    table = Table(title=f"{key}: selectors on {spec}")
    for column in ("field", "selector", "matches", "first text"):
        table.add_column(column, overflow="fold")
    for hit in result.hits:
        style = "green" if hit.text else "red"
        table.add_row(hit.field, escape(hit.selector), f"[{style}]{hit.matches}[/{style}]", escape(hit.text or "—"))
    console.print(table)
    if result.page is None:
        console.print(f"[red]no article[/red]: {escape(result.error)}")
        return
    console.print(f"extraction: [bold]{result.page.method}[/bold]")
    for name in ("title", "lead", "author", "published", "body"):
        value = result.value(name)
        shown = value if len(value) <= 160 else value[:159] + "…"
        console.print(f"  {name:<9} [{escape(result.page.provenance.get(name, '?'))}] {escape(shown) or '—'}")


def _share(counts: Any) -> str:
    return f"{counts.selectors}/{counts.fallback}/{counts.missing}"


def sources_check_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (one object per source).")] = False,
    last: Annotated[int, typer.Option("--last", min=1, help="How many of each source's newest articles to look at.")] = 50,
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.0, max=1.0, help="Share of fallback extractions above which a source drifts.")
    ] = 0.3,
    page: Annotated[
        str | None, typer.Option("--page", help="Run one page (URL or saved HTML file) through --source's selectors.")
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Source key (repeatable; one with --page).")
    ] = None,
    sources_file: Annotated[
        Path | None, typer.Option("--sources-file", help="Sources TOML for --page (default: BANTIN_SOURCES_FILE or shipped).")
    ] = None,
) -> None:
    """Tell selector drift and failing feeds per source, from the archive.

    Per source over its last N articles: how many got each field (title, lead, body, author,
    published) from its selectors / from the fallback / not at all, the last successful crawl,
    consecutive failed crawls and the last failure's reason, and a verdict: [bold]ok[/bold],
    [bold]drifting[/bold] (more than --threshold of the articles used the fallback extraction) or
    [bold]failing[/bold] (2 or more failed crawls in a row). Exit status 3 when an enabled source is
    drifting or failing, 0 otherwise.

    With --page, runs one page through the source's selectors and prints what each selector found
    and what the extraction made of each field (nothing is stored).

    Example: [bold]bantin sources check --last 20[/bold]; [bold]bantin sources check --page saved.html --source dantri[/bold]
    """
    if page is not None:
        if not source or len(source) != 1:
            raise typer.BadParameter("--page needs exactly one --source KEY", param_hint="--source")
        _check_page(ctx, page, source[0], sources_file, as_json)
        return
    from bantin.archive.health import source_health

    with open_database(ctx) as db, db.session() as session:
        report = source_health(session, last=last, threshold=threshold, keys=source)
    unknown = sorted(set(source or ()) - {health.key for health in report})
    if unknown:
        raise typer.BadParameter(f"not in the archive: {', '.join(unknown)}", param_hint="--source")
    if as_json:
        for health in report:
            typer.echo(json.dumps(health.as_dict(), ensure_ascii=False))
    elif not report:
        typer.echo("no sources in the archive yet (run bantin crawl first)")
    else:
        console = Console()
        table = Table(title=f"sources: last {last} articles each; fields as selectors/fallback/missing")
        for column in ("source", "verdict", "articles", "fallback", "title", "lead", "body", "author", "published",
                       "last success", "fails", "reason"):
            table.add_column(column, no_wrap=column != "reason")
        for health in report:
            style = _STYLE[health.verdict]
            success = health.last_success_at.strftime("%Y-%m-%d %H:%M") if health.last_success_at else "never"
            table.add_row(health.key, f"[{style}]{health.verdict}[/{style}]", str(health.articles),
                          str(health.fallback_articles), *(_share(health.fields[name]) for name in
                                                          ("title", "lead", "body", "author", "published")),
                          success, str(health.consecutive_failures), escape(health.last_reason or ""))
        console.print(table)
        for health in report:
            if health.message:
                console.print(f"[{_STYLE[health.verdict]}]{health.key}[/]: {escape(health.message)}")
    if any(h.enabled and h.verdict != "ok" for h in report):
        raise typer.Exit(EXIT_UNHEALTHY)


def register(app: typer.Typer) -> None:
    sources_app.command("check")(sources_check_cmd)
    app.add_typer(sources_app, name="sources")
