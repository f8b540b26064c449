"""``bantin web``: serve the read-only web archive and its JSON API."""

from __future__ import annotations

from typing import Annotated

import typer

from bantin.commands.state import open_database, settings_of

__all__ = ["register", "web_cmd"]


def web_cmd(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """Serve the archive: search, articles, editions, sources; JSON under /api/ (no JavaScript).

    A SQLite archive file replaced while serving (deleted and made again) is noticed within a
    second and the new file served.

    Example: [bold]bantin web --port 8000[/bold]  then open http://127.0.0.1:8000/?q=tri+tue+nhan+tao
    """
    import uvicorn

    from bantin.configure import web_options
    from bantin.web import create_app

    with open_database(ctx) as db:
        app = create_app(web_options(settings_of(ctx)), db)
        try:
            uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
        finally:
            app.state.watch.close()  # archives reopened after their file was replaced


def register(app: typer.Typer) -> None:
    app.command("web")(web_cmd)
