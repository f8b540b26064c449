"""``bantin web``: serve the read-only web archive and its JSON API."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["register", "web_cmd"]


def web_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """Serve the archive: search, articles, editions, sources; JSON under /api/ (no JavaScript).

    Example: [bold]bantin web --port 8000[/bold]  then open http://127.0.0.1:8000/?q=tri+tue+nhan+tao
    """
    import uvicorn

    from bantin.web import create_app
    from bantin.cli import settings_of
    from bantin.commands.db import open_database

    settings = settings_of()
    app = create_app(settings, open_database())
    try:
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
    finally:
        app.state.db.close()


def register(app: typer.Typer) -> None:
    app.command("web")(web_cmd)
