"""Stored editions: the list, one edition with its items, and the queries that build,
render and deliver them (the newsletter's SQL lives here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bantin.archive.models import STORY_SUFFIX, Article, Edition, EditionItem, Source, Summary
from bantin.archive.posts import PostState, post_states
from bantin.errors import NewsletterError

__all__ = [
    "EditionDetail",
    "EditionInfo",
    "ItemInfo",
    "articles_with_sources",
    "edition_by_id",
    "edition_detail",
    "editions_by_ids",
    "failing_sources",
    "find_edition",
    "insert_edition",
    "list_editions",
    "newest_summaries",
    "undelivered_edition_ids",
    "with_source",
]


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
    overview_text: str | None = None  # the overview paragraph a decoder-only model wrote, if any
    overview_model: str | None = None  # ... and that model's id

    @classmethod
    def of(cls, edition: Edition, posts: tuple[PostState, ...] = ()) -> EditionInfo:
        return cls(
            edition.id, edition.kind, edition.period_start, edition.period_end, edition.created_at, edition.title,
            edition.item_count, edition.output_dir, edition.delivered, edition.delivered_at, edition.delivery_error,
            posts, edition.overview_text, edition.overview_model,
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


def edition_by_id(session: Session, edition_id: int) -> Edition | None:
    """Edition ``edition_id``, or None."""
    return session.get(Edition, edition_id)


def editions_by_ids(session: Session, edition_ids: Iterable[int]) -> list[Edition]:
    """The editions of ``edition_ids`` that exist."""
    return list(session.scalars(select(Edition).where(Edition.id.in_(list(edition_ids)))))


def undelivered_edition_ids(session: Session) -> list[int]:
    """Ids of the editions not delivered yet, oldest first."""
    return list(session.scalars(select(Edition.id).where(Edition.delivered.is_(False)).order_by(Edition.id)))


def find_edition(session: Session, kind: str, start: datetime, end: datetime) -> Edition | None:
    """The stored edition of ``kind`` for exactly [start, end), or None."""
    query = select(Edition).where(Edition.kind == kind, Edition.period_start == start, Edition.period_end == end)
    return session.scalars(query).first()


def insert_edition(
    session: Session,
    kind: str,
    start: datetime,
    end: datetime,
    created_at: datetime,
    items: Sequence[tuple[int, int, str, Sequence[Mapping[str, Any]]]],
) -> Edition:
    """Store an edition and its items (article id, position, section, also-covered links).

    No savepoint (pysqlite would commit at its release); a concurrent writer that stored the same
    period first gives ``NewsletterError``.
    """
    edition = Edition(kind=kind, period_start=start, period_end=end, created_at=created_at,
                      item_count=len(items), delivered=False)
    edition.items = [
        EditionItem(article_id=article_id, position=position, section=section,
                    also_covered=[dict(entry) for entry in also_covered])
        for article_id, position, section, also_covered in items
    ]
    session.add(edition)
    try:
        session.flush()
    except IntegrityError as exc:  # only a writer that ignores the build lock gets here
        raise NewsletterError(
            f"the {kind} edition {start.isoformat()} .. {end.isoformat()} was stored by another "
            "process at the same moment; run again to get it"
        ) from exc
    return edition


def with_source():  # noqa: ANN201 - a SQL select
    """``SELECT`` articles joined with their source: rows of (Article, Source), to narrow and order."""
    return select(Article, Source).join(Source, Source.id == Article.source_id)


def articles_with_sources(session: Session, article_ids: Sequence[int]) -> dict[int, tuple[Article, Source]]:
    """Each article of ``article_ids`` with its source, by article id."""
    if not article_ids:
        return {}
    rows = session.execute(with_source().where(Article.id.in_(list(article_ids))))
    return {article.id: (article, source) for article, source in rows}


def newest_summaries(session: Session, article_ids: Sequence[int]) -> dict[int, Summary]:
    """The newest stored summary of each article of ``article_ids`` that has one (its own: a story
    summary stored on it is left out)."""
    newest: dict[int, Summary] = {}
    if not article_ids:
        return newest
    rows = session.scalars(
        select(Summary)
        .where(Summary.article_id.in_(list(article_ids)), Summary.model_id.not_like("%" + STORY_SUFFIX))
        .order_by(Summary.article_id, Summary.created_at.desc(), Summary.id.desc())
    )
    for row in rows:
        newest.setdefault(row.article_id, row)
    return newest


def failing_sources(session: Session) -> tuple[tuple[str, str], ...]:
    """Enabled sources whose latest crawl failed, with the first line of the error."""
    rows = session.execute(
        select(Source.name, Source.last_error)
        .where(Source.enabled.is_(True), Source.consecutive_failures > 0)
        .order_by(Source.name)
    )
    return tuple((name, (error or "").splitlines()[0][:200] if error else "") for name, error in rows)
