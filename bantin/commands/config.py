"""``bantin config``: show the settings in force."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bantin.commands.state import settings_of
from bantin.errors import ConfigError

__all__ = ["config_app", "register"]

config_app = typer.Typer(help="Show the configuration.", no_args_is_help=True)


@config_app.command("show")
def show_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Print every setting and where to set it (secrets masked).

    Example: [bold]BANTIN_SMTP_HOST=mail.example.com bantin config show[/bold]
    """
    from bantin.configure import model_path

    settings = settings_of(ctx)
    shown = settings.shown()
    try:
        pulled = model_path(settings)
    except ConfigError as exc:  # shown, not fatal: this command is where one looks
        shown["model_path"] = f"unusable: {exc}"
    else:
        if settings.model_path is None and pulled is not None:
            shown["model_path"] = f"{pulled} (bantin model use)"
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
        return
    table = Table("setting", "environment variable", "value")
    for name, value in shown.items():
        table.add_row(name, f"BANTIN_{name.upper()}", value)
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
