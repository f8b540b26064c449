"""The newsletter's story queries: the articles of a period, grouped by story, and the editions
before it. Choosing and ranking stories is the newsletter's job (``bantin.newsletter.select``).

An article belongs to a period when its news time (``published_at``, else ``fetched_at``) falls in
it, or when it was fetched in the period and published at most one period length before it. A
story's key is its cluster id (a lone article is its own story).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from bantin.archive.models import STORY_SUFFIX, Article, Edition, EditionItem, Source, Summary

__all__ = ["KINDS", "StoryRow", "in_period", "open_period_start", "previous_edition", "story_rows"]

# The kinds of edition and the length of the period each covers.
KINDS: dict[str, timedelta] = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


class StoryRow(NamedTuple):
    """One eligible article of a period with its source, story key, news time and whether it has a
    summary of its own (a story summary stored on it does not count)."""

    article: Article
    source: Source
    story_key: int
    news_time: datetime
    has_summary: bool


def previous_edition(session: Session, kind: str, before: datetime | None = None) -> Edition | None:
    """The edition of ``kind`` that ends last (ending no later than ``before``, when given)."""
    query = select(Edition).where(Edition.kind == kind)
    if before is not None:
        query = query.where(Edition.period_end <= before)
    return session.scalars(query.order_by(Edition.period_end.desc(), Edition.id.desc()).limit(1)).first()


def open_period_start(session: Session, kind: str, end: datetime) -> datetime:
    """Where the next edition of ``kind`` ending at ``end`` starts by default: the end of the
    previous one (ending no later than ``end``), else one period length before ``end``."""
    previous = previous_edition(session, kind, before=end)
    return previous.period_end if previous is not None else end - KINDS[kind]


def in_period(start: datetime, end: datetime):  # noqa: ANN202 - a SQL expression
    """True for the articles of the period [start, end) (see the module docstring)."""
    news_time = func.coalesce(Article.published_at, Article.fetched_at)
    on_time = and_(news_time >= start, news_time < end)
    late = and_(
        Article.fetched_at >= start,
        Article.fetched_at < end,
        Article.published_at >= start - (end - start),
        Article.published_at < end,
    )
    return or_(on_time, late)


def _carried_stories(kind: str):  # noqa: ANN202 - a SQL select
    carried = aliased(Article)
    return (
        select(func.coalesce(carried.cluster_id, carried.id))
        .join(EditionItem, EditionItem.article_id == carried.id)
        .join(Edition, Edition.id == EditionItem.edition_id)
        .where(Edition.kind == kind)
    )


def story_rows(session: Session, kind: str, start: datetime, end: datetime, threshold: float) -> list[StoryRow]:
    """The articles of [start, end) whose story has an article at ``threshold`` relevance or more,
    leaving out stories an earlier edition of ``kind`` carried."""
    story_key = func.coalesce(Article.cluster_id, Article.id)
    period = in_period(start, end)
    relevant = select(story_key).where(period, Article.relevance >= threshold)
    summarized = select(Summary.article_id).where(
        Summary.article_id == Article.id, Summary.model_id.not_like("%" + STORY_SUFFIX)
    ).exists()
    rows = session.execute(
        select(Article, Source, story_key, func.coalesce(Article.published_at, Article.fetched_at), summarized)
        .join(Source, Source.id == Article.source_id)
        .where(period, story_key.in_(relevant), story_key.not_in(_carried_stories(kind)))
    )
    return [StoryRow(article, source, key, news_time, bool(has_summary))
            for article, source, key, news_time, has_summary in rows]
