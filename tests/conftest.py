"""Shared fixtures: the archive on both backends.

PostgreSQL: ``BANTIN_TEST_DATABASE_URL`` names a server database (default: ``test`` on
127.0.0.1); each test session creates its own fresh database next to it and drops it at the end,
so runs never see each other's rows. SQLite: a file in the test's temp folder.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from archive.engine import Database
from archive.migrate import upgrade
from archive.models import Base

PG_ADMIN_URL = os.environ.get("BANTIN_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"bantin_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_migrated(pg_url: str) -> str:
    db = Database.connect(pg_url, upgrade_embedded=False)
    try:
        upgrade(db)
    finally:
        db.close()
    return pg_url


def _empty_tables(db: Database) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


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
