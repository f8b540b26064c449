"""Noticing a replaced archive file: ``bantin web`` keeps serving the file at the configured path.

A SQLite archive deleted and created again (an older ``bantin demo``, a restored copy) is a new
file at the same path; the open engine would keep reading the deleted one. ``ArchiveWatch``
compares the path's file identity (device, inode) with the one opened, at most every
``CHECK_S`` seconds, and opens the new file when they differ. PostgreSQL needs none of this.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from bantin.archive.engine import Database
from bantin.errors import BantinError

__all__ = ["CHECK_S", "ArchiveWatch"]

CHECK_S = 1.0


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


@dataclass
class ArchiveWatch:
    """The archive in use, reopened when its SQLite file is replaced; ``close()`` closes what it opened."""

    db: Database
    path: Path | None = None
    opened: tuple[int, int] | None = None
    checked: float = 0.0
    reopened: list[Database] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, db: Database) -> ArchiveWatch:
        url = make_url(db.url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return cls(db)
        path = Path(url.database).resolve()
        return cls(db, path, _identity(path), time.monotonic())

    def current(self) -> tuple[Database, bool]:
        """(the archive to use now, True when it was just reopened)."""
        if self.path is None or time.monotonic() - self.checked < CHECK_S:
            return self.db, False
        with self.lock:
            self.checked = time.monotonic()
            now = _identity(self.path)
            if now is None or now == self.opened:
                return self.db, False  # missing (being replaced): keep the open one until a new file is there
            try:
                fresh = Database.connect(self.db.url)
            except BantinError:
                return self.db, False
            self.db, self.opened = fresh, now
            self.reopened.append(fresh)
            return fresh, True

    # The replaced archive's engine is left open until ``close()``: closing its last connection
    # would make SQLite delete the WAL file by name, which is now the new archive's.

    def close(self) -> None:
        for db in self.reopened:
            db.close()
