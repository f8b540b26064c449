"""The archive's locks: one pipeline at a time, one crawl per source.

PostgreSQL: session advisory locks, keyed by a 64-bit hash of the lock's name (``advisory_key``,
the one key scheme of the project). SQLite: a lock file beside the database, taken with
``filelock`` (``flock`` underneath). Both belong to the holder's connection or open file, so a
process that dies (even by SIGKILL) releases them at once and the next run is never blocked by
a stale lock.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager

from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from bantin.archive.engine import Database
from bantin.errors import PipelineBusy

__all__ = ["advisory_key", "free_locks", "pipeline_lock"]


def advisory_key(name: str) -> int:
    """The signed 64-bit advisory-lock key of ``name`` (a hash: distinct names never share one)."""
    return int.from_bytes(hashlib.blake2b(f"bantin:{name}".encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def pipeline_lock(db: Database, *, name: str = "pipeline", wait_s: float = 0.0) -> Iterator[None]:
    """Hold the archive's ``name`` lock; raise ``PipelineBusy`` if it is still taken after ``wait_s``."""
    lock = _postgres_lock if db.backend == "postgresql" else _sqlite_lock
    with lock(db, name, wait_s):
        yield


@contextmanager
def free_locks(db: Database, names: Sequence[str]) -> Iterator[set[str]]:
    """Take each of the ``names`` locks that is free now; yields the names held until the block ends.

    A busy name is left out (another process owns it); nothing waits.
    """
    if db.backend != "postgresql":
        with ExitStack() as stack:
            held = set()
            for name in names:
                try:
                    stack.enter_context(_sqlite_lock(db, name, 0.0))
                    held.add(name)
                except PipelineBusy:
                    pass
            yield held
        return
    with db.engine.connect() as conn:
        held = {name for name in names if _try_advisory(conn, name)}
        conn.commit()
        try:
            yield held
        finally:
            _release(conn, "SELECT pg_advisory_unlock_all()", {})


def _busy(db: Database, name: str) -> PipelineBusy:
    return PipelineBusy(
        f"another bantin {name} is running on {db.shown_url}; wait for it to finish (nothing was changed)"
    )


def _try_advisory(conn: Connection, name: str) -> bool:
    return bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": advisory_key(name)}).scalar_one())


def _release(conn: Connection, sql: str, params: dict[str, int]) -> None:
    try:
        conn.execute(text(sql), params)
        conn.commit()
    except SQLAlchemyError:
        # The connection was cut (pg_terminate_backend, a server restart): the server dropped
        # its locks with it. Closing it for good keeps a dead connection out of the pool; the
        # work done under the lock is not failed for it.
        conn.invalidate()


@contextmanager
def _postgres_lock(db: Database, name: str, wait_s: float) -> Iterator[None]:
    deadline = time.monotonic() + wait_s
    with db.engine.connect() as conn:
        while not _try_advisory(conn, name):
            if time.monotonic() >= deadline:
                raise _busy(db, name)
            time.sleep(0.5)
        conn.commit()
        try:
            yield
        finally:
            _release(conn, "SELECT pg_advisory_unlock(:k)", {"k": advisory_key(name)})


@contextmanager
def _sqlite_lock(db: Database, name: str, wait_s: float) -> Iterator[None]:
    database = make_url(db.url).database
    if not database or database == ":memory:":
        yield  # a private in-memory database cannot be shared with another process
        return
    lock = FileLock(f"{database}.{name}.lock", timeout=wait_s, poll_interval=0.5, thread_local=False)
    try:
        lock.acquire()
    except Timeout as exc:
        raise _busy(db, name) from exc
    try:
        yield
    finally:
        lock.release()
