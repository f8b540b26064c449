"""provenance: which selector (or the fallback) produced each field of an article, and why a
source's crawl failed.

``articles.provenance`` (JSON, NULL for articles stored before): field name (title, lead, body,
author, published) -> ``selector:<css>``, ``fallback:<json-ld|og|meta|title-tag|trafilatura|byline>``
or ``missing``; ``bantin sources check`` counts them per source to tell selector drift.
``crawl_runs.reason``: a short reason for a failed source (``dns``, ``timeout``, ``http-403``, …).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# Plain ALTER TABLE ADD/DROP COLUMN on both backends (SQLite >= 3.35): a batch "move and copy"
# would drop the search triggers that 0002 put on ``articles``.


def upgrade() -> None:
    op.add_column("articles", sa.Column("provenance", sa.JSON(), nullable=True))
    op.add_column("crawl_runs", sa.Column("reason", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("crawl_runs", "reason")
    op.drop_column("articles", "provenance")
