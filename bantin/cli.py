"""The ``bantin`` command: a Typer app whose sub-commands live in ``bantin/commands/``.

Errors become words here only: a ``BantinError`` prints one line on stderr and exits 2; any other
exception is a bug, exits 1, and shows its traceback under ``--debug``.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Annotated

import typer

from bantin import __version__
from bantin.commands.state import AppState, state_of
from bantin.errors import BantinError

__all__ = ["app", "main"]

# Each module registers its commands with ``register(app)``; a new area adds one line here.
COMMAND_MODULES = (
    "bantin.commands.db",
    "bantin.commands.config",
    "bantin.commands.pipeline",
    "bantin.commands.status",
    "bantin.commands.newsletter",
    "bantin.commands.model",
    "bantin.commands.summarize",
    "bantin.commands.crawl",
    "bantin.commands.sources",
    "bantin.commands.search",
    "bantin.commands.web",
    "bantin.commands.entities",
)

app = typer.Typer(
    name="bantin",
    help="Watch Vietnamese AI and technology news, archive it, summarize it and publish a newsletter.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bantin {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
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
    state = state_of(ctx)
    state.debug = debug
    state.database_url = database_url


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)


def _fail(message: str, code: int) -> None:
    """Print ``message`` as one line on stderr and exit with ``code``."""
    print(f"bantin: error: {' '.join(message.split())}", file=sys.stderr)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``bantin`` console script."""
    # Prefect's ephemeral server would try to send telemetry, which an offline machine cannot.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect's temporary server (bantin run/demo without PREFECT_API_URL) waits 20 s for its own
    # start by default; a busy two-core machine needs longer.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    state = AppState()
    try:
        app(args=argv, prog_name="bantin", obj=state)
    except BantinError as exc:
        if state.debug:  # the error and the cause it keeps (raise ... from exc)
            traceback.print_exception(exc)
        _fail(str(exc) or type(exc).__name__, 2)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # noqa: BLE001 - the edge that turns bugs into one line
        if state.debug:
            traceback.print_exception(exc)
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", 1)


if __name__ == "__main__":
    main()
