"""What the web pages and the JSON API read from the archive: plain dicts, ready to render or dump."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bantin.archive.engine import Database
from bantin.archive.models import Article, Edition, EditionItem, Source, Summary
from bantin.safety import http_url
from bantin.web.entities import earlier_briefs

__all__ = ["EDITIONS_PER_PAGE", "article_view", "edition_view", "editions_list", "safe_url", "sources_list"]

EDITIONS_PER_PAGE = 30


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (no javascript:, data:, relative links)."""
    return http_url(url)


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _article_brief(article: Article, source: Source) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "url": safe_url(article.url),
        "source": source.key,
        "source_name": source.name,
        "published_at": _when(article.published_at),
    }


def article_view(db: Database, article_id: int) -> dict[str, Any] | None:
    """An article with its source, newest summary and the other articles of its story cluster."""
    with db.sessions() as session:
        row = session.execute(
            select(Article, Source).join(Source, Source.id == Article.source_id).where(Article.id == article_id)
        ).first()
        if row is None:
            return None
        article, source = row
        summary = session.scalars(
            select(Summary).where(Summary.article_id == article_id).order_by(Summary.created_at.desc(), Summary.id.desc())
        ).first()
        others = []
        if article.cluster_id is not None:
            others = session.execute(
                select(Article, Source).join(Source, Source.id == Article.source_id)
                .where(Article.cluster_id == article.cluster_id, Article.id != article.id)
                .order_by(Article.published_at.desc().nulls_last(), Article.id.desc()).limit(20)
            ).all()
        return {
            **_article_brief(article, source),
            "homepage": safe_url(source.homepage),
            "author": article.author,
            "fetched_at": _when(article.fetched_at),
            "lead": article.lead,
            "body": article.body,
            "topics": [str(t) for t in article.topics or []],
            "relevance": article.relevance,
            "cluster_id": article.cluster_id,
            "summary": {"text": summary.text, "model_id": summary.model_id, "engine": summary.engine,
                        "created_at": _when(summary.created_at)} if summary else None,
            "also_covered_by": [_article_brief(a, s) for a, s in others],
            "earlier": earlier_briefs(session, article.id),
        }


def editions_list(db: Database, page: int = 1) -> dict[str, Any]:
    """Editions, newest first, ``EDITIONS_PER_PAGE`` a page."""
    with db.sessions() as session:
        total = session.scalar(select(func.count()).select_from(Edition)) or 0
        rows = session.scalars(
            select(Edition).order_by(Edition.period_end.desc(), Edition.id.desc())
            .offset((page - 1) * EDITIONS_PER_PAGE).limit(EDITIONS_PER_PAGE)
        ).all()
        return {
            "page": page,
            "pages": max(1, -(-total // EDITIONS_PER_PAGE)),
            "total": total,
            "editions": [_edition_brief(e) for e in rows],
        }


def _edition_brief(edition: Edition) -> dict[str, Any]:
    return {
        "id": edition.id,
        "kind": edition.kind,
        "title": edition.title,
        "period_start": _when(edition.period_start),
        "period_end": _when(edition.period_end),
        "created_at": _when(edition.created_at),
        "item_count": edition.item_count,
        "delivered": edition.delivered,
    }


def edition_view(db: Database, edition_id: int) -> dict[str, Any] | None:
    """An edition as published: its items in order, by section, from the database."""
    with db.sessions() as session:
        edition = session.get(Edition, edition_id)
        if edition is None:
            return None
        rows = session.execute(
            select(EditionItem, Article, Source).join(Article, Article.id == EditionItem.article_id)
            .join(Source, Source.id == Article.source_id)
            .where(EditionItem.edition_id == edition_id).order_by(EditionItem.position)
        ).all()
        items = [{**_article_brief(a, s), "position": item.position, "section": item.section, "lead": a.lead}
                 for item, a, s in rows]
        return {**_edition_brief(edition), "items": items}


def sources_list(db: Database) -> list[dict[str, Any]]:
    """Every source with its health: last success, consecutive failures, last error, article count."""
    with db.sessions() as session:
        counts = dict(session.execute(select(Article.source_id, func.count()).group_by(Article.source_id)).all())
        return [
            {
                "key": s.key,
                "name": s.name,
                "homepage": safe_url(s.homepage),
                "enabled": s.enabled,
                "articles": counts.get(s.id, 0),
                "last_success_at": _when(s.last_success_at),
                "consecutive_failures": s.consecutive_failures,
                "last_error": s.last_error,
                "last_error_at": _when(s.last_error_at),
            }
            for s in session.scalars(select(Source).order_by(Source.key))
        ]
