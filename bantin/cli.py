"""The ``bantin`` command: a Typer app whose sub-commands live in ``bantin/commands/``.

Errors become words here only: a ``BantinError`` prints one line on stderr and exits 2; any other
exception is a bug, exits 1, and shows its traceback under ``--debug``.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer

from bantin import __version__
from bantin.config import Settings, load_settings
from bantin.errors import BantinError

__all__ = ["AppState", "app", "main", "settings_of"]

# Each module registers its commands with ``register(app)``; a new area adds one line here.
COMMAND_MODULES = (
    "bantin.commands.db",
    "bantin.commands.config",
    "bantin.commands.pipeline",
    "bantin.commands.newsletter",
    "bantin.commands.model",
    "bantin.commands.summarize",
    "bantin.commands.crawl",
    "bantin.commands.search",
    "bantin.commands.web",
)

app = typer.Typer(
    name="bantin",
    help="Watch Vietnamese AI and technology news, archive it, summarize it and publish a newsletter.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class AppState:
    """What the global options say; commands turn it into ``Settings`` once."""

    debug: bool = False
    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(**self.overrides)
        return self._settings


STATE = AppState()


def settings_of(ctx: typer.Context | None = None) -> Settings:
    """The process's settings, read once from the environment, ``.env`` and global options."""
    return STATE.settings()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bantin {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Archive database (overrides BANTIN_DATABASE_URL).")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """bantin: Vietnamese AI news, archived, summarized, published.

    Example: [bold]bantin db upgrade && bantin db status[/bold]
    """
    STATE.debug = debug
    STATE.overrides = {"database_url": database_url}
    STATE._settings = None


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)


def fail(message: str, code: int = 2) -> None:
    """Print ``message`` as one line on stderr and exit with ``code``."""
    print(f"bantin: error: {' '.join(message.split())}", file=sys.stderr)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``bantin`` console script."""
    # Prefect's ephemeral server would try to send telemetry, which an offline machine cannot.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    try:
        app(args=argv, prog_name="bantin")
    except BantinError as exc:
        fail(str(exc) or type(exc).__name__, 2)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Exception as exc:  # noqa: BLE001 - the edge that turns bugs into one line
        if STATE.debug:
            traceback.print_exc()
        fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", 1)


if __name__ == "__main__":
    main()
