"""Engines and sessions for PostgreSQL (production) and SQLite (the embedded default)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bantin.errors import DatabaseUnavailable
from bantin.safety import mask_url

__all__ = ["Database"]


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI hook
    # pysqlite's own transaction handling is off; SQLAlchemy's "begin" event below starts them.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:  # noqa: ANN001 - SQLAlchemy hook
    """Take SQLite's write lock when a transaction starts.

    A deferred transaction that reads and then writes cannot wait for a writer in another
    process: SQLite answers "database is locked" at once instead of using the busy timeout.
    Crawls run one process per source, so every transaction begins IMMEDIATE and queues for the
    lock (up to ``busy_timeout``). This also makes SAVEPOINTs work as documented on pysqlite.
    """
    conn.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class Database:
    """An archive database: the engine and its session factory; a context manager that closes it.

    ``with Database.connect(url) as db: ...``.
    ``Database.connect(url)`` checks the connection and, for the embedded SQLite default, brings
    the schema to the newest revision; PostgreSQL is upgraded by ``bantin db upgrade``.
    """

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def shown_url(self) -> str:
        return mask_url(self.url)

    @classmethod
    def connect(cls, url: str, *, upgrade_embedded: bool = True) -> Database:
        """Open ``url``; raise ``DatabaseUnavailable`` (password masked) if it cannot be used."""
        shown = mask_url(url)
        try:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            options: dict = {"future": True}
            if parsed.get_backend_name() == "postgresql":
                options.update(pool_pre_ping=True, connect_args={"connect_timeout": 10})
            engine = create_engine(url, **options)
        except (NoSuchModuleError, ArgumentError, ImportError) as exc:
            raise DatabaseUnavailable(f"cannot use database {shown}: unknown or invalid driver ({exc})") from exc
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except (OperationalError, SQLAlchemyError) as exc:
            engine.dispose()
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DatabaseUnavailable(f"cannot connect to database {shown}: {reason}") from exc
        db = cls(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
        if upgrade_embedded and db.backend == "sqlite":
            from bantin.archive.migrate import upgrade_if_behind

            upgrade_if_behind(db)
        return db

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        """Close every pooled connection (the ``with`` block does this on exit)."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
