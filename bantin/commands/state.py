"""What the global options say, carried in Typer's ``ctx.obj``; commands read their settings here.

``bantin.cli.main`` creates one ``AppState`` per invocation and hands it to Typer as ``obj``; the
root callback fills it from the global options. A command takes ``ctx: typer.Context`` and calls
``settings_of(ctx)`` (read once, from the environment, ``.env`` and the global options) or
``open_database(ctx)``. Nothing here is a module global.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from bantin.archive.engine import Database
    from bantin.settings import Settings

__all__ = ["AppState", "open_database", "settings_of", "state_of"]


@dataclass
class AppState:
    """The global options of one ``bantin`` invocation, and the settings they lead to."""

    debug: bool = False
    database_url: str | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from bantin.settings import load_settings

            self._settings = load_settings(database_url=self.database_url)
        return self._settings


def state_of(ctx: typer.Context) -> AppState:
    """The invocation's ``AppState`` (created when a command runs without the root callback)."""
    return ctx.find_object(AppState) or ctx.ensure_object(AppState)


def settings_of(ctx: typer.Context) -> Settings:
    """The invocation's settings, read once."""
    return state_of(ctx).settings


def open_database(ctx: typer.Context, *, upgrade_embedded: bool = True) -> Database:
    """The configured archive (the embedded SQLite default is upgraded on first use); a context manager."""
    from bantin.archive.engine import Database

    return Database.connect(settings_of(ctx).effective_database_url, upgrade_embedded=upgrade_embedded)
