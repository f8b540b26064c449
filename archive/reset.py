"""Emptying an archive in place: every row goes, the file, its schema and revision stay.

``bantin demo`` starts each run afresh this way instead of deleting the database file, so a
``bantin web`` serving the demo archive keeps a valid file and sees the new run's rows.
"""

from __future__ import annotations

from bantin.archive.engine import Database
from bantin.archive.models import Base

__all__ = ["empty_archive"]


def empty_archive(db: Database) -> int:
    """Delete every row of every archive table in one transaction (children first); the rows deleted.

    Search indexes follow through their triggers.
    """
    deleted = 0
    with db.session() as session:
        for table in reversed(Base.metadata.sorted_tables):
            deleted += session.execute(table.delete()).rowcount or 0
    return deleted
