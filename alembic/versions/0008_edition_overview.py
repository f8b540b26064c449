"""edition overview: the overview paragraph a decoder-only model wrote for an edition, and that model.

``editions.overview_text`` (NULL when no decoder-only model was configured, or it failed) is
written once, when the edition is built; every later render (files, e-mail, the web page) shows
the stored text. ``editions.overview_model`` is the model id that wrote it, for the "machine-written"
mark. Same on both backends.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


# Plain ALTER TABLE ADD/DROP COLUMN on both backends (SQLite >= 3.35), like 0004.
def upgrade() -> None:
    op.add_column("editions", sa.Column("overview_text", sa.Text(), nullable=True))
    op.add_column("editions", sa.Column("overview_model", sa.String(512), nullable=True))


def downgrade() -> None:
    op.drop_column("editions", "overview_model")
    op.drop_column("editions", "overview_text")
