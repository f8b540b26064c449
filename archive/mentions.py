"""Entity mentions in the archive: storing what the matcher counts, and the counts trends,
suggestions, continuity and the web read back. All SQL of the entities feature lives here.

An article's mentions are replaced as a whole each time it is stored or updated
(``index_article``), so they follow its current text. ``index_articles`` fills them for articles
stored before (``bantin entities index``) or after the entities file changed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bantin.archive.entities import Catalog, Mentions, load_catalog, match_article
from bantin.archive.models import Article, ArticleEntity, Source

__all__ = [
    "EntityArticle",
    "article_bounds",
    "article_time",
    "articles_naming",
    "co_mentioned",
    "entity_article_counts",
    "entity_times",
    "entities_of",
    "index_article",
    "index_articles",
    "mention_times",
    "store_mentions",
    "strongest_with_topic",
    "texts_between",
    "topic_times",
]


def article_time():  # noqa: ANN201 - a SQL expression
    """When an article counts as published: its publication time, else when it was fetched."""
    return func.coalesce(Article.published_at, Article.fetched_at)


def store_mentions(session: Session, article_id: int, mentions: Mentions) -> int:
    """Replace the stored mentions of ``article_id`` with ``mentions``; the number of entities named."""
    session.execute(delete(ArticleEntity).where(ArticleEntity.article_id == article_id))
    rows = mentions.rows()
    session.add_all(
        ArticleEntity(article_id=article_id, entity_key=key, in_title=t, in_lead=ld, in_body=b) for key, t, ld, b in rows
    )
    session.flush()
    return len(rows)


def index_article(session: Session, article_id: int, catalog: Catalog | None = None) -> Mentions:
    """Count the entities in the stored text of ``article_id`` and store the counts."""
    article = session.get(Article, article_id)
    if article is None:
        return Mentions()
    mentions = match_article(article.title, article.lead, article.body, catalog or load_catalog())
    store_mentions(session, article_id, mentions)
    return mentions


def index_articles(session: Session, *, since: datetime | None = None, catalog: Catalog | None = None,
                   batch: int = 200) -> tuple[int, int]:
    """Re-count every article (published or fetched since ``since``); (articles, mentions stored)."""
    catalog = catalog or load_catalog()
    query = select(Article.id).order_by(Article.id)
    if since is not None:
        query = query.where(article_time() >= since)
    ids = list(session.scalars(query))
    articles = mentions = 0
    for start in range(0, len(ids), batch):
        for article in session.scalars(select(Article).where(Article.id.in_(ids[start: start + batch]))):
            found = match_article(article.title, article.lead, article.body, catalog)
            store_mentions(session, article.id, found)
            articles += 1
            mentions += sum(found.total().values())
        session.flush()
        session.expunge_all()
    return articles, mentions


def mention_times(session: Session, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
    """(entity key, article time) for every article in [start, end) that names an entity."""
    when = article_time().label("at")
    query = (select(ArticleEntity.entity_key, when).join(Article, Article.id == ArticleEntity.article_id)
             .where(when >= start, when < end))
    return [(key, at) for key, at in session.execute(query)]


def topic_times(session: Session, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
    """(topic, article time) for every topic tag of every article in [start, end)."""
    when = article_time().label("at")
    rows = session.execute(select(Article.topics, when).where(when >= start, when < end))
    return [(topic, at) for topics, at in rows for topic in (topics or [])]


def article_bounds(session: Session, start: datetime, end: datetime) -> tuple[datetime | None, int]:
    """(time of the archive's earliest article, number of articles in [start, end))."""
    when = article_time()
    first = session.scalar(select(func.min(when)))
    count = session.scalar(select(func.count()).select_from(Article).where(when >= start, when < end)) or 0
    return first, int(count)


@dataclass(frozen=True)
class EntityArticle:
    """An article that names an entity, with how often (title mentions weigh most)."""

    article_id: int
    title: str
    url: str
    source: str
    published_at: datetime | None
    mentions: int
    in_title: int


def articles_naming(session: Session, key: str, *, start: datetime | None = None, end: datetime | None = None,
                    limit: int = 20, strongest: bool = False) -> list[EntityArticle]:
    """Articles that name entity ``key`` (in [start, end) when given): newest first, or the ones that
    name it most (title first) when ``strongest``."""
    when = article_time()
    query = (select(Article.id, Article.title, Article.url, Source.name, when, ArticleEntity.in_title,
                    ArticleEntity.in_lead, ArticleEntity.in_body)
             .join(ArticleEntity, ArticleEntity.article_id == Article.id).join(Source, Source.id == Article.source_id)
             .where(ArticleEntity.entity_key == key))
    if start is not None:
        query = query.where(when >= start)
    if end is not None:
        query = query.where(when < end)
    weight = ArticleEntity.in_title * 3 + ArticleEntity.in_lead * 2 + ArticleEntity.in_body
    if strongest:
        query = query.order_by(weight.desc(), Article.relevance.desc(), when.desc(), Article.id)
    else:
        query = query.order_by(when.desc(), Article.id.desc())
    return [EntityArticle(i, t, u, s, at, ti + ld + b, ti) for i, t, u, s, at, ti, ld, b in session.execute(query.limit(limit))]


def entities_of(session: Session, article_ids: Sequence[int]) -> dict[int, Counter[str]]:
    """Mentions per entity of each of ``article_ids`` (articles naming none are left out)."""
    out: dict[int, Counter[str]] = defaultdict(Counter)
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), 500):
        query = (select(ArticleEntity.article_id, ArticleEntity.entity_key,
                        ArticleEntity.in_title + ArticleEntity.in_lead + ArticleEntity.in_body)
                 .where(ArticleEntity.article_id.in_(ids[start: start + 500])))
        for article_id, key, count in session.execute(query):
            out[article_id][key] = int(count)
    return dict(out)


def texts_between(session: Session, start: datetime | None = None, end: datetime | None = None,
                  batch: int = 500) -> Iterator[str]:
    """Title, lead and body of every article in [start, end), one string per article."""
    when = article_time()
    query = select(Article.title, Article.lead, Article.body).order_by(Article.id).execution_options(yield_per=batch)
    if start is not None:
        query = query.where(when >= start)
    if end is not None:
        query = query.where(when < end)
    for title, lead, body in session.execute(query):
        yield f"{title}.\n{lead}\n{body}"


def strongest_with_topic(session: Session, topic: str, start: datetime, end: datetime) -> EntityArticle | None:
    """The most relevant article of [start, end) tagged ``topic`` (topic lists are read in Python:
    JSON containment differs between the backends)."""
    when = article_time().label("at")
    query = (select(Article.id, Article.title, Article.url, Source.name, when, Article.topics, Article.relevance)
             .join(Source, Source.id == Article.source_id).where(when >= start, when < end))
    best = None
    for row in session.execute(query):
        if topic in (row.topics or []) and (best is None or (row.relevance, row.at) > (best.relevance, best.at)):
            best = row
    if best is None:
        return None
    return EntityArticle(best.id, best.title, best.url, best.name, best.at, 0, 0)


def entity_times(session: Session, key: str, start: datetime, end: datetime) -> list[datetime]:
    """The time of every article in [start, end) that names entity ``key``."""
    when = article_time().label("at")
    query = (select(when).join(ArticleEntity, ArticleEntity.article_id == Article.id)
             .where(ArticleEntity.entity_key == key, when >= start, when < end))
    return list(session.scalars(query))


def entity_article_counts(session: Session, start: datetime | None = None, end: datetime | None = None) -> Counter[str]:
    """Number of articles naming each entity (in [start, end) when given)."""
    when = article_time()
    query = (select(ArticleEntity.entity_key, func.count()).join(Article, Article.id == ArticleEntity.article_id)
             .group_by(ArticleEntity.entity_key))
    if start is not None:
        query = query.where(when >= start)
    if end is not None:
        query = query.where(when < end)
    return Counter({key: int(n) for key, n in session.execute(query)})


def co_mentioned(session: Session, key: str, *, start: datetime | None = None, limit: int = 10) -> list[tuple[str, int]]:
    """The entities most often named in the same articles as ``key``: (entity key, articles)."""
    other = ArticleEntity.__table__.alias("other")
    when = article_time()
    query = (select(other.c.entity_key, func.count().label("n"))
             .select_from(ArticleEntity)
             .join(other, (other.c.article_id == ArticleEntity.article_id) & (other.c.entity_key != key))
             .join(Article, Article.id == ArticleEntity.article_id)
             .where(ArticleEntity.entity_key == key)
             .group_by(other.c.entity_key).order_by(func.count().desc(), other.c.entity_key).limit(limit))
    if start is not None:
        query = query.where(when >= start)
    return [(k, int(n)) for k, n in session.execute(query)]
