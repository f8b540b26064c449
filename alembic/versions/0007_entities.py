"""entities and story continuity: article_entities (mentions per article of the entities file)
and story_links (an article continuing an earlier story).

``article_entities`` is filled by the crawl's store path and by ``bantin entities index`` (for
articles stored before this revision); ``story_links`` by the crawl and ``bantin entities
index`` too. Both tables go with their articles (ON DELETE CASCADE). Same on both backends.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_entities",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("entity_key", sa.String(length=64), nullable=False),
        sa.Column("in_title", sa.Integer(), nullable=False),
        sa.Column("in_lead", sa.Integer(), nullable=False),
        sa.Column("in_body", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_article_entities_article_id_articles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "entity_key", name=op.f("pk_article_entities")),
    )
    op.create_index("ix_article_entities_entity_key", "article_entities", ["entity_key"])
    op.create_table(
        "story_links",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("earlier_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("shared", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_story_links_article_id_articles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["earlier_id"], ["articles.id"], name=op.f("fk_story_links_earlier_id_articles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "earlier_id", name=op.f("pk_story_links")),
    )
    op.create_index("ix_story_links_earlier_id", "story_links", ["earlier_id"])


def downgrade() -> None:
    op.drop_index("ix_story_links_earlier_id", table_name="story_links")
    op.drop_table("story_links")
    op.drop_index("ix_article_entities_entity_key", table_name="article_entities")
    op.drop_table("article_entities")
