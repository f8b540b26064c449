"""Reading stored editions back: the list, and one edition with its items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.archive.models import Article, Edition, EditionItem, Source
from bantin.archive.posts import PostState, post_states
from bantin.errors import NewsletterError

__all__ = ["EditionDetail", "EditionInfo", "ItemInfo", "edition_detail", "list_editions"]


@dataclass(frozen=True)
class EditionInfo:
    """One stored edition, as ``bantin editions list`` shows it."""

    edition_id: int
    kind: str
    period_start: datetime
    period_end: datetime
    created_at: datetime
    title: str
    item_count: int
    output_dir: str | None
    delivered: bool
    delivered_at: datetime | None
    delivery_error: str | None
    posts: tuple[PostState, ...] = ()  # its chat digests (BANTIN_NOTIFY_URLS), one per channel

    @classmethod
    def of(cls, edition: Edition, posts: tuple[PostState, ...] = ()) -> EditionInfo:
        return cls(
            edition.id, edition.kind, edition.period_start, edition.period_end, edition.created_at, edition.title,
            edition.item_count, edition.output_dir, edition.delivered, edition.delivered_at, edition.delivery_error,
            posts,
        )


@dataclass(frozen=True)
class ItemInfo:
    """One item of a stored edition."""

    position: int
    section: str
    article_id: int
    title: str
    source: str
    url: str
    also_covered: tuple[str, ...]


@dataclass(frozen=True)
class EditionDetail:
    edition: EditionInfo
    items: tuple[ItemInfo, ...]


def list_editions(session: Session, *, kind: str | None = None, limit: int = 20) -> list[EditionInfo]:
    """The newest ``limit`` editions (of ``kind``, when given), newest first."""
    query = select(Edition).order_by(Edition.period_end.desc(), Edition.id.desc()).limit(max(1, limit))
    if kind is not None:
        query = query.where(Edition.kind == kind)
    editions = list(session.scalars(query))
    posts = post_states(session, [edition.id for edition in editions])
    return [EditionInfo.of(edition, tuple(posts.get(edition.id, ()))) for edition in editions]


def edition_detail(session: Session, edition_id: int) -> EditionDetail:
    """Edition ``edition_id`` with its items in order; ``NewsletterError`` if there is none."""
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NewsletterError(f"no edition {edition_id}; `bantin editions list` shows the stored ones")
    rows = session.execute(
        select(EditionItem, Article, Source)
        .join(Article, Article.id == EditionItem.article_id)
        .join(Source, Source.id == Article.source_id)
        .where(EditionItem.edition_id == edition_id)
        .order_by(EditionItem.position)
    ).all()
    items = tuple(
        ItemInfo(
            position=item.position,
            section=item.section,
            article_id=article.id,
            title=article.title,
            source=source.name or source.key,
            url=article.url or article.canonical_url,
            also_covered=tuple(str(entry.get("source", "")) for entry in item.also_covered or ()),
        )
        for item, article, source in rows
    )
    posts = tuple(post_states(session, [edition_id]).get(edition_id, ()))
    return EditionDetail(EditionInfo.of(edition, posts), items)
