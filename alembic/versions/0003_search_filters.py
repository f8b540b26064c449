"""search filters: (source, time) and topic indexes and a finer sort-time histogram on PostgreSQL.

``ix_article_search_source_sort_at`` serves a search filtered to one outlet in time order, or
as a bitmap of that outlet's rows in a date range. ``ix_article_search_topics`` (GIN) finds the
rows of a topic, and tells at once that no row has an unknown one. The sort-time histogram gets
1,000 buckets (PostgreSQL's default is 100): search reads its recency window's start from it.
SQLite: nothing changes (FTS5 and its small time table are enough there).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgres():
        return
    op.execute("CREATE INDEX ix_article_search_source_sort_at ON article_search "
               "(source_id, sort_at DESC, article_id DESC)")
    op.execute("CREATE INDEX ix_article_search_topics ON article_search USING gin (topics)")
    op.execute("ALTER TABLE article_search ALTER COLUMN sort_at SET STATISTICS 1000")
    op.execute("ANALYZE article_search")


def downgrade() -> None:
    if not _postgres():
        return
    op.execute("ALTER TABLE article_search ALTER COLUMN sort_at SET STATISTICS -1")
    op.execute("DROP INDEX IF EXISTS ix_article_search_topics")
    op.execute("DROP INDEX IF EXISTS ix_article_search_source_sort_at")
