"""What the web archive reads: articles with their sources, story clusters, topics, editions and
sources as ORM rows (``bantin.web.reads`` turns them into what pages and the API show)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bantin.archive.editions import articles_with_sources, newest_summaries, with_source
from bantin.archive.models import Article, Edition, Source, Summary

__all__ = [
    "article_with_source",
    "cluster_rows",
    "edition_page",
    "latest_rows",
    "newest_summary",
    "source_rows",
    "story_others",
    "topic_rows",
    "topic_tag_counts",
]

_NEWS_TIME = func.coalesce(Article.published_at, Article.fetched_at)


def article_with_source(session: Session, article_id: int) -> tuple[Article, Source] | None:
    """Article ``article_id`` and its source, or None."""
    return articles_with_sources(session, [article_id]).get(article_id)


def newest_summary(session: Session, article_id: int) -> Summary | None:
    """The article's newest stored summary, or None."""
    return newest_summaries(session, [article_id]).get(article_id)


def story_others(session: Session, article: Article, limit: int = 20) -> list[tuple[Article, Source]]:
    """The other articles of ``article``'s story cluster, newest first."""
    if article.cluster_id is None:
        return []
    rows = session.execute(
        with_source().where(Article.cluster_id == article.cluster_id, Article.id != article.id)
        .order_by(Article.published_at.desc().nulls_last(), Article.id.desc()).limit(limit)
    )
    return [(a, s) for a, s in rows]


def cluster_rows(session: Session, cluster_ids: Sequence[int]) -> list[tuple[Article, Source]]:
    """The articles of the clusters ``cluster_ids``, by cluster, newest first in each."""
    rows = session.execute(
        with_source().where(Article.cluster_id.in_(list(cluster_ids)))
        .order_by(Article.cluster_id, Article.published_at.desc().nulls_last(), Article.id.desc())
    )
    return [(a, s) for a, s in rows]


def latest_rows(session: Session, limit: int) -> list[tuple[Article, Source]]:
    """The newest articles (by publication, else fetch time)."""
    rows = session.execute(with_source().order_by(_NEWS_TIME.desc(), Article.id.desc()).limit(limit))
    return [(a, s) for a, s in rows]


def topic_rows(session: Session, topic: str, limit: int) -> list[tuple[Article, Source]]:
    """The newest articles tagged ``topic`` (by publication, else fetch time)."""
    if session.get_bind().dialect.name == "postgresql":
        tagged = text("CAST(articles.topics AS jsonb) @> CAST(:tags AS jsonb)").bindparams(tags=json.dumps([topic]))
    else:
        tagged = text("EXISTS (SELECT 1 FROM json_each(articles.topics) AS t WHERE t.value = :topic)").bindparams(
            topic=topic)
    rows = session.execute(with_source().where(tagged).order_by(_NEWS_TIME.desc(), Article.id.desc()).limit(limit))
    return [(a, s) for a, s in rows]


def topic_tag_counts(session: Session) -> list[tuple[str, int]]:
    """Every topic tag of the archive with its number of articles, most first."""
    counts: dict[str, int] = {}
    for topics in session.scalars(select(Article.topics).where(Article.topics.is_not(None))):
        for topic in topics or ():
            counts[str(topic)] = counts.get(str(topic), 0) + 1
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def edition_page(session: Session, offset: int, limit: int) -> tuple[int, list[Edition]]:
    """(how many editions there are, ``limit`` of them from ``offset``, newest first)."""
    total = session.scalar(select(func.count()).select_from(Edition)) or 0
    rows = session.scalars(
        select(Edition).order_by(Edition.period_end.desc(), Edition.id.desc()).offset(offset).limit(limit)
    )
    return total, list(rows)


def source_rows(session: Session) -> list[tuple[Source, int]]:
    """Every source (by key) with its number of archived articles."""
    counts = dict(session.execute(select(Article.source_id, func.count()).group_by(Article.source_id)).all())
    return [(source, counts.get(source.id, 0)) for source in session.scalars(select(Source).order_by(Source.key))]
