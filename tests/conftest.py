"""Shared fixtures: the archive on both backends.

PostgreSQL: ``BANTIN_TEST_DATABASE_URL`` names a server database (default: ``test`` on
127.0.0.1); each test session creates its own fresh database next to it and drops it at the end,
so runs never see each other's rows. SQLite: a file in the test's temp folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from bantin_test_support import migrate, new_postgres_database
from sqlalchemy import text

from bantin.archive.engine import Database
from bantin.archive.models import Base


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    with new_postgres_database(f"bantin_test_{os.getpid()}") as url:
        yield url


@pytest.fixture(scope="session")
def pg_migrated(pg_url: str) -> str:
    migrate(pg_url)
    return pg_url


def _empty_tables(db: Database) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        # (the title words of "did you mean", migration 0014, outlive their articles by design)
        conn.execute(text(f"TRUNCATE {names}, search_vocabulary RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:  # noqa: ANN001
    """An empty archive at the newest revision, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        database = Database.connect(f"sqlite:///{tmp_path / 'bantin.db'}")
    else:
        database = Database.connect(request.getfixturevalue("pg_migrated"), upgrade_embedded=False)
        _empty_tables(database)
    try:
        yield database
    finally:
        database.close()
