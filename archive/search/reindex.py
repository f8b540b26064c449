"""Rebuild the search index in place from the articles (``bantin db reindex``).

PostgreSQL: in one transaction (searches wait for it, none sees a half-built index), the
index definitions are read from the catalogue, the secondary indexes dropped, the rows (and the
title words of "did you mean") rebuilt in batches of article ids by ``bantin_article_search_fill``
(migration 0005's backfill; since migration 0016 it folds a batch in a parallel plan into a
temporary table, then copies it), the indexes created again and the table analysed. SQLite:
FTS5's ``delete-all``, then the same statements migration 0002's triggers run, batch by batch.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text

from bantin.archive.engine import Database
from bantin.archive.search.sqlite import sqlite_fill

__all__ = ["BATCH", "reindex"]

BATCH = 5_000

Progress = Callable[[int, int], None]


def _id_range(conn: Connection) -> tuple[int, int, int]:
    low, high, count = conn.execute(text("SELECT min(id), max(id), count(*) FROM articles")).one()
    return int(low or 0), int(high or 0), int(count)


def reindex(db: Database, progress: Progress | None = None, batch: int = BATCH) -> int:
    """Rebuild the search index of every article; ``progress(done, total)`` after each batch.
    Returns the number of articles indexed."""
    report = progress or (lambda done, total: None)
    with db.engine.begin() as conn:
        low, high, count = _id_range(conn)
        report(0, count)
        if db.backend == "postgresql":
            done = _postgres(conn, low, high, count, batch, report)
        else:
            for table in ("article_fts", "article_head_fts", "article_title_words"):
                conn.execute(text(f"INSERT INTO {table} ({table}) VALUES ('delete-all')"))
            conn.execute(text("DELETE FROM article_search"))
            done = 0
            for start in range(low, high + 1, batch):
                done += sqlite_fill(conn, start, start + batch)
                report(done, count)
    return done


def _postgres(conn: Connection, low: int, high: int, count: int, batch: int, report: Progress) -> int:
    conn.execute(text("LOCK TABLE article_search IN ACCESS EXCLUSIVE MODE"))
    conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    indexes = conn.execute(text("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        JOIN pg_index x ON x.indexrelid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
        WHERE i.tablename = 'article_search' AND i.schemaname = ANY(current_schemas(false)) AND NOT x.indisprimary
        """)).all()
    for name, _ in indexes:
        conn.execute(text(f'DROP INDEX "{name}"'))
    # (the title words too: its triggers add back those of the articles still there, migration 0014)
    conn.execute(text("TRUNCATE article_search, search_vocabulary"))
    done = 0
    for start in range(low, high + 1, batch):
        done += conn.execute(text("SELECT bantin_article_search_fill(:lo, :hi)"),
                             {"lo": start, "hi": start + batch}).scalar_one()
        report(done, count)
    for _, definition in indexes:
        conn.execute(text(definition))
    conn.execute(text("ANALYZE article_search"))
    return done
