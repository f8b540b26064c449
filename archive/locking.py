"""One pipeline at a time per archive: a PostgreSQL advisory lock, or a file lock for SQLite.

Both locks belong to the holder's connection or open file, so a process that dies (even by
SIGKILL) releases them at once and the next run is never blocked by a stale lock.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bantin.archive.engine import Database
from bantin.errors import PipelineBusy

__all__ = ["pipeline_lock"]

# Any fixed 64-bit number; "bantin" in ASCII.
LOCK_KEY = 0x62616E74696E


@contextmanager
def pipeline_lock(db: Database, *, name: str = "pipeline", wait_s: float = 0.0) -> Iterator[None]:
    """Hold the archive's ``name`` lock; raise ``PipelineBusy`` if it is still taken after ``wait_s``."""
    lock = _postgres_lock if db.backend == "postgresql" else _sqlite_lock
    with lock(db, name, wait_s):
        yield


def _busy(db: Database, name: str) -> PipelineBusy:
    return PipelineBusy(
        f"another bantin {name} is running on {db.shown_url}; wait for it to finish (nothing was changed)"
    )


@contextmanager
def _postgres_lock(db: Database, name: str, wait_s: float) -> Iterator[None]:
    key = LOCK_KEY + sum(name.encode())
    deadline = time.monotonic() + wait_s
    with db.engine.connect() as conn:
        while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one():
            if time.monotonic() >= deadline:
                raise _busy(db, name)
            time.sleep(0.5)
        conn.commit()
        try:
            yield
        finally:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
            except SQLAlchemyError:
                # The connection was cut (pg_terminate_backend, a server restart): the server
                # dropped the lock with it. Closing it for good keeps a dead connection out of
                # the pool; the work done under the lock is not failed for it.
                conn.invalidate()


@contextmanager
def _sqlite_lock(db: Database, name: str, wait_s: float) -> Iterator[None]:
    database = make_url(db.url).database
    if not database or database == ":memory:":
        yield  # a private in-memory database cannot be shared with another process
        return
    path = Path(f"{database}.{name}.lock")
    deadline = time.monotonic() + wait_s
    with path.open("a+") as handle:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _busy(db, name) from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
