"""Alembic, run programmatically: upgrade, downgrade, current revision and status."""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from bantin.archive.models import Base
from bantin.errors import BantinError, MigrationError
from bantin.resources import shipped

if TYPE_CHECKING:  # migrate takes an open Database; Database.connect upgrades through migrate
    from bantin.archive.engine import Database

__all__ = ["alembic_config", "current_revision", "downgrade", "earlier_revision", "head_revision", "status", "upgrade",
           "upgrade_if_behind"]

# The migrations ship as package data (the repository's alembic/ folder, see pyproject.toml).
MIGRATIONS = ("bantin", "migrations")


def alembic_config(db: Database | None = None) -> Config:
    """An Alembic ``Config`` for bantin's migrations, bound to ``db``'s connection if given."""
    shipped(*MIGRATIONS, "env.py")  # a broken install fails here with one clear line
    shipped(*MIGRATIONS, "versions")
    cfg = Config()
    cfg.set_main_option("script_location", ":".join(MIGRATIONS))
    if db is not None:
        cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def earlier_revision(filename: str) -> ModuleType:
    """A revision file of bantin's migrations (``"0002_search.py"``), loaded by path: a later
    revision reuses its SQL text to rebuild or extend what it made."""
    spec = importlib.util.spec_from_file_location(f"bantin_revision_{filename[:4]}",
                                                  shipped(*MIGRATIONS, "versions", filename))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return heads[0]


def current_revision(db: Database) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _run(db: Database, action: str, revision: str) -> None:
    cfg = alembic_config(db)
    script = ScriptDirectory.from_config(cfg)
    current = current_revision(db)
    if current is not None:
        try:
            script.get_revision(current)
        except CommandError as exc:
            raise MigrationError(
                f"database {db.shown_url} is at revision {current!r}, which this version of bantin "
                "does not know (was it upgraded by a newer bantin?)"
            ) from exc
    try:
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, action)(cfg, revision)
    except CommandError as exc:
        raise MigrationError(f"cannot {action} {db.shown_url} to {revision!r}: {exc}") from exc
    except BantinError:
        raise
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise MigrationError(f"migration of {db.shown_url} failed: {reason}") from exc


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate ``db`` up to ``revision``; a no-op when it is already there."""
    _run(db, "upgrade", revision)


def downgrade(db: Database, revision: str) -> None:
    """Migrate ``db`` down to ``revision`` (``base`` removes every table)."""
    _run(db, "downgrade", revision)


def upgrade_if_behind(db: Database) -> None:
    """Upgrade ``db`` when it is not at the newest revision (the embedded default's first use)."""
    if current_revision(db) != head_revision():
        upgrade(db)


def status(db: Database) -> dict[str, Any]:
    """Backend, URL (masked), revisions and row counts per table."""
    current = current_revision(db)
    counts: dict[str, int | None] = {}
    existing = set(inspect(db.engine).get_table_names())
    with db.sessions() as session:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = (
                session.execute(select(func.count()).select_from(table)).scalar_one()
                if table.name in existing
                else None
            )
    return {
        "backend": db.backend,
        "url": db.shown_url,
        "revision": current,
        "head": head_revision(),
        "up_to_date": current == head_revision(),
        "counts": counts,
    }
