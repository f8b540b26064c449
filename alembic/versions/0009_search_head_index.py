"""search head index (PostgreSQL): the GIN index over the title and lead, not the title alone.

Migration 0005 indexed the title's lexemes (``ts_filter(head, '{a}')``) to find the title matches
of frequent queries. A query of three words or more ranks highest the articles whose title *and
lead* hold several of its words, which the title alone does not find; so the index now covers
``head`` (title, weight A, and lead, weight B). A title-only match is a weighted tsquery
(``'nhan':A``) over the same index, checked against ``head`` on the row.

SQLite: nothing changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_article_search_title")
    # (an index of a plain column adds no statistics: no ANALYZE, see migration 0012)
    op.execute("CREATE INDEX ix_article_search_head ON article_search USING gin (head)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_article_search_head")
    op.execute("CREATE INDEX ix_article_search_title ON article_search USING gin (ts_filter(head, '{a}'))")
    op.execute("ANALYZE article_search")
