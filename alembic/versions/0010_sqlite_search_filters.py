"""search filters on SQLite: source, relevance and topics copied into ``article_search``.

A filtered search on SQLite read each FTS5 match's ``articles`` row for its source, relevance
and topics; those columns come after the body in the row, so SQLite walked the body's overflow
pages for every match (a filtered query of a mid-frequency word: up to a quarter of a second at
200,000 articles). ``article_search`` (article id, sort time) now carries them too, kept by the
same triggers, plus one for an update of only those columns, as PostgreSQL's has since 0002.

PostgreSQL: nothing changes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _search_module():  # noqa: ANN202 - migration 0002, loaded by path for its trigger text
    spec = importlib.util.spec_from_file_location("bantin_revision_0002", Path(__file__).with_name("0002_search.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ROW = "(article_id, sort_at, source_id, relevance, topics)"


def _values(row: str) -> str:
    return f"({row}.id, coalesce({row}.published_at, {row}.fetched_at), {row}.source_id, {row}.relevance, {row}.topics)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    fts = _search_module()._fts_values
    for statement in (
        "DROP TRIGGER IF EXISTS articles_search_insert",
        "DROP TRIGGER IF EXISTS articles_search_update",
        "ALTER TABLE article_search ADD COLUMN source_id INTEGER",
        "ALTER TABLE article_search ADD COLUMN relevance FLOAT",
        "ALTER TABLE article_search ADD COLUMN topics JSON",
        """UPDATE article_search SET (source_id, relevance, topics) =
           (SELECT a.source_id, a.relevance, a.topics FROM articles a WHERE a.id = article_search.article_id)""",
        f"""CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
            INSERT INTO article_fts (rowid, title, lead, body) VALUES ({fts('new')});
            INSERT OR REPLACE INTO article_search {_ROW} VALUES {_values('new')};
        END""",
        f"""CREATE TRIGGER articles_search_update AFTER UPDATE OF title, lead, body, published_at, fetched_at
        ON articles BEGIN
            INSERT INTO article_fts (article_fts, rowid, title, lead, body) VALUES ('delete', {fts('old')});
            INSERT INTO article_fts (rowid, title, lead, body) VALUES ({fts('new')});
            INSERT OR REPLACE INTO article_search {_ROW} VALUES {_values('new')};
        END""",
        """CREATE TRIGGER articles_search_meta AFTER UPDATE OF source_id, relevance, topics ON articles BEGIN
            UPDATE article_search SET source_id = new.source_id, relevance = new.relevance, topics = new.topics
            WHERE article_id = new.id;
        END""",
    ):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    module = _search_module()
    triggers = [sql for sql in module.SQLITE_UP if "CREATE TRIGGER articles_search_insert" in sql
                or "CREATE TRIGGER articles_search_update" in sql]
    for statement in (
        "DROP TRIGGER IF EXISTS articles_search_meta",
        "DROP TRIGGER IF EXISTS articles_search_insert",
        "DROP TRIGGER IF EXISTS articles_search_update",
        "ALTER TABLE article_search DROP COLUMN topics",
        "ALTER TABLE article_search DROP COLUMN relevance",
        "ALTER TABLE article_search DROP COLUMN source_id",
        *triggers,
    ):
        op.execute(statement)
