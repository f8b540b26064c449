"""search statistics (PostgreSQL): the sort-time histogram back to PostgreSQL's 100 buckets.

Migrations 0003 and 0005 gave ``article_search.sort_at`` a statistics target of 1,000, for a
histogram fine enough to cut recency windows from. ANALYZE samples 300 rows per unit of the
largest target of the table *and its index expressions*, so that target made it read 300,000
rows, and compute the words-and-pairs lexemes of each for the expression index's statistics: at
200,000 articles, 59 s of every ANALYZE (the index build's, ``bantin db reindex``'s, every
autovacuum's) instead of 8 s. Search now interpolates inside a histogram bucket
(``postgres._window_start``: news arrives at a steady pace), so 100 buckets cut windows as
finely. Migration 0005 no longer raises the target, and 0009 no longer runs an ANALYZE that
gathered nothing new (an index of a plain column has no statistics of its own).

The histogram already gathered keeps its 1,000 bounds until the next ANALYZE; search reads
either.

SQLite: nothing changes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE article_search ALTER COLUMN sort_at SET STATISTICS -1")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE article_search ALTER COLUMN sort_at SET STATISTICS 1000")
