"""SQLAlchemy 2 models of the archive. Schema changes go through a new Alembic revision."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bantin.archive.types import NFCText, UTCDateTime

__all__ = ["STORY_SUFFIX", "Article", "ArticleEntity", "Base", "CrawlRun", "Edition", "EditionItem", "Source", "StoryLink",
           "Summary", "utcnow"]

# A summary drawn from all the articles of a story has a model id ending so; it is stored on one of
# them (``bantin.archive.story_summaries``) and is never that article's own summary.
STORY_SUFFIX = "+story"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime, str: NFCText}


class Source(Base):
    """A news outlet (or one section of it) that bantin crawls."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str]
    homepage: Mapped[str]
    feeds: Mapped[list[Any]] = mapped_column(default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_success_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None]
    last_error_at: Mapped[datetime | None]

    articles: Mapped[list[Article]] = relationship(back_populates="source")


class Article(Base):
    """One article, stored once per canonical URL; all text in NFC."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_published_at", "published_at"),
        Index("ix_articles_content_hash", "content_hash"),
        Index("ix_articles_cluster_id", "cluster_id"),
        Index("ix_articles_source_id", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[str]
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str]
    lead: Mapped[str] = mapped_column(default="")
    body: Mapped[str] = mapped_column(default="")
    author: Mapped[str | None]
    published_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    language: Mapped[str] = mapped_column(String(16), default="vi")
    content_hash: Mapped[str] = mapped_column(String(64))
    minhash: Mapped[list[Any] | None] = mapped_column(default=None)
    cluster_id: Mapped[int | None] = mapped_column(Integer, default=None)
    relevance: Mapped[float] = mapped_column(Float, default=0.0)
    topics: Mapped[list[Any]] = mapped_column(default=list)
    extraction: Mapped[str] = mapped_column(String(32), default="selectors")
    # field -> "selector:<css>", "fallback:<origin>" or "missing" (migration 0004); None before.
    # Deferred and without a Python default, so code that reads or writes articles at an older
    # revision (a migration test, a backfill) never names the column.
    provenance: Mapped[dict[str, Any] | None] = mapped_column(deferred=True)

    source: Mapped[Source] = relationship(back_populates="articles")
    summaries: Mapped[list[Summary]] = relationship(back_populates="article", cascade="all, delete-orphan")


class Summary(Base):
    """A summary of an article by one model with one set of options; never made twice.

    A story summary (model id ending in ``STORY_SUFFIX``) is stored here too, on the first article
    of its story; its options say which articles it was drawn from (``archive/story_summaries.py``).
    """

    __tablename__ = "summaries"
    __table_args__ = (UniqueConstraint("article_id", "model_id", "options_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    model_id: Mapped[str] = mapped_column(String(512))
    options_hash: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(32))
    device: Mapped[str] = mapped_column(String(16), default="cpu")
    compute_type: Mapped[str] = mapped_column(String(32), default="")
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    text: Mapped[str]
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="summaries")


class Edition(Base):
    """One newsletter edition of a kind (daily, weekly) for one period."""

    __tablename__ = "editions"
    __table_args__ = (UniqueConstraint("kind", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[str] = mapped_column(default="")
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    output_dir: Mapped[str | None]
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    delivered_at: Mapped[datetime | None]
    delivery_error: Mapped[str | None]
    # The overview paragraph a decoder-only model wrote when the edition was built, and its model id (0008).
    overview_text: Mapped[str | None]
    overview_model: Mapped[str | None] = mapped_column(String(512))

    items: Mapped[list[EditionItem]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", order_by="EditionItem.position"
    )


class EditionItem(Base):
    """An article an edition carried, with its place and section."""

    __tablename__ = "edition_items"
    __table_args__ = (UniqueConstraint("edition_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(64), default="")
    also_covered: Mapped[list[Any]] = mapped_column(default=list)

    edition: Mapped[Edition] = relationship(back_populates="items")
    article: Mapped[Article] = relationship()


class EditionPost(Base):
    """An edition's digest posted (or not yet) to one chat channel (an Apprise URL, kept as a hash)."""

    __tablename__ = "edition_posts"
    __table_args__ = (UniqueConstraint("edition_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(64))  # sha256 of the URL: the URL carries tokens
    shown: Mapped[str] = mapped_column(String(64))  # "tgram://…": what an operator is shown
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    posted_at: Mapped[datetime | None]
    error: Mapped[str | None]


class CrawlRun(Base):
    """What one crawl of one source did."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    discovered: Mapped[int] = mapped_column(Integer, default=0)
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    used_fallback: Mapped[int] = mapped_column(Integer, default=0)
    reasons: Mapped[dict[str, Any]] = mapped_column(default=dict)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    reason: Mapped[str | None] = mapped_column(String(64), deferred=True)  # why a failed source failed (0004)

    source: Mapped[Source] = relationship()


class ArticleEntity(Base):
    """How often an entity of the entities file is named in one article (title, lead, body)."""

    __tablename__ = "article_entities"
    __table_args__ = (Index("ix_article_entities_entity_key", "entity_key"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    entity_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    in_title: Mapped[int] = mapped_column(Integer, default=0)
    in_lead: Mapped[int] = mapped_column(Integer, default=0)
    in_body: Mapped[int] = mapped_column(Integer, default=0)


class StoryLink(Base):
    """An article that continues an earlier story (not a copy of it), with the evidence."""

    __tablename__ = "story_links"
    __table_args__ = (Index("ix_story_links_earlier_id", "earlier_id"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    earlier_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    shared: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
