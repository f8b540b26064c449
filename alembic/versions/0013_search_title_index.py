"""search title index (PostgreSQL): a GIN index of the title's lexemes beside the head's.

A frequent query of one or two words finds its title matches first (``postgres._title_matches``:
the word, or both words, in the title; then either word in the title or both in title and lead).
Migration 0009 answered those from the GIN index of ``head`` (title, weight A, and lead, weight B)
with weighted queries (``'nhan':A``). GIN keeps no weights, so that index listed every head with
the word, lead-only ones too, and each was read and rechecked: for "trí tuệ" at 200,000 articles
7,779 heads listed and read for 2,161 that count. ``ix_article_search_title`` indexes
``ts_filter(head, '{a}')`` (the title's lexemes, about 8 MiB at 200,000 articles, built in about
5 s) and answers those questions exactly; the head index still answers "both words in the title
or lead" and the queries of three words or more. Measured at 200,000 articles, alternating with
the previous code on the same archive: 'nhan tao' 85 -> 68 ms, 'va co' 106 -> 75, 'nguoi da'
98 -> 77, single words unchanged.

The ANALYZE gives the planner the title lexemes' frequencies (the estimate that sizes a title
window and chooses between the index and reading the newest rows in time order).

SQLite: nothing changes (``article_head_fts`` already answers title-only questions with a
column filter, in a small index).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.execute("CREATE INDEX ix_article_search_title ON article_search USING gin (ts_filter(head, '{a}'))")
    op.execute("ANALYZE article_search")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_article_search_title")
