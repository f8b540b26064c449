"""What the web pages and the JSON API read from the archive: plain dicts, ready to render or dump.

Times come out as ISO 8601 with the readers' offset (``timezone``, ``BANTIN_TIMEZONE``). An
edition is read through the newsletter's own view model (``stored_view``), so the web edition
shows what the e-mail showed: summaries, sections, the other outlets, the empty-edition text.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from bantin.archive.editions import edition_by_id
from bantin.archive.engine import Database
from bantin.archive.models import Article, Edition, Source
from bantin.archive.reads import (
    article_with_source,
    cluster_rows,
    edition_page,
    latest_rows,
    newest_summary,
    source_rows,
    story_others,
    topic_rows,
    topic_tag_counts,
)
from bantin.newsletter.build import stored_view
from bantin.newsletter.options import NewsletterOptions
from bantin.newsletter.rank import TOP_SECTION
from bantin.newsletter.sections import SectionConfig, load_sections
from bantin.newsletter.view import EditionView, ItemView
from bantin.safety import http_url
from bantin.web.deps import MAX_ID, local_iso, words
from bantin.web.entities import earlier_briefs

__all__ = [
    "EDITIONS_PER_PAGE",
    "article_view",
    "cluster_members",
    "edition_view",
    "editions_list",
    "latest_articles",
    "safe_url",
    "source_drift",
    "sources_list",
    "topic_articles",
    "topic_counts",
]

EDITIONS_PER_PAGE = 30
UTC_ZONE = "UTC"


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (no javascript:, data:, relative links)."""
    return http_url(url)


def _exists(identifier: int) -> bool:
    """False for ids no database row can have (negative, zero, past 64 bits): 404 without a query."""
    return 1 <= identifier <= MAX_ID


def _article_brief(article: Article, source: Source, timezone: str) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "url": safe_url(article.url),
        "source": source.key,
        "source_name": source.name,
        "published_at": local_iso(article.published_at, timezone),
    }


def article_view(db: Database, article_id: int, timezone: str = UTC_ZONE) -> dict[str, Any] | None:
    """An article with its source, newest summary and the other articles of its story cluster."""
    if not _exists(article_id):
        return None
    with db.sessions() as session:
        row = article_with_source(session, article_id)
        if row is None:
            return None
        article, source = row
        summary = newest_summary(session, article_id)
        others = story_others(session, article)
        return {
            **_article_brief(article, source, timezone),
            "homepage": safe_url(source.homepage),
            "author": article.author,
            "fetched_at": local_iso(article.fetched_at, timezone),
            "lead": article.lead,
            "body": article.body,
            "topics": [str(t) for t in article.topics or []],
            "relevance": article.relevance,
            "cluster_id": article.cluster_id,
            "summary": {"text": summary.text, "model_id": summary.model_id, "engine": summary.engine,
                        "created_at": local_iso(summary.created_at, timezone)} if summary else None,
            "also_covered_by": [_article_brief(a, s, timezone) for a, s in others],
            "earlier": earlier_briefs(session, article.id),
        }


def cluster_members(db: Database, cluster_ids: list[int], timezone: str = UTC_ZONE,
                    limit: int = 20) -> dict[int, list[dict[str, Any]]]:
    """The articles of each story cluster (newest first, at most ``limit`` each), for grouped results."""
    wanted = sorted({c for c in cluster_ids if c is not None})
    members: dict[int, list[dict[str, Any]]] = {}
    if not wanted:
        return members
    with db.sessions() as session:
        rows = cluster_rows(session, wanted)
    for article, source in rows:
        group = members.setdefault(article.cluster_id, [])
        if len(group) < limit:
            group.append(_article_brief(article, source, timezone))
    return members


def latest_articles(db: Database, limit: int = 10, timezone: str = UTC_ZONE) -> list[dict[str, Any]]:
    """The newest articles (by publication, else fetch time), for the home page."""
    with db.sessions() as session:
        rows = latest_rows(session, limit)
        return [{**_article_brief(a, s, timezone), "topics": [str(t) for t in a.topics or []]} for a, s in rows]


def topic_articles(db: Database, topic: str, limit: int = 30, timezone: str = UTC_ZONE) -> list[dict[str, Any]]:
    """The newest articles tagged ``topic`` (by publication, else fetch time)."""
    with db.sessions() as session:
        rows = topic_rows(session, topic, limit)
        return [_article_brief(a, s, timezone) for a, s in rows]


def topic_counts(db: Database) -> list[tuple[str, int]]:
    """Every topic tag of the archive with its number of articles, most first."""
    with db.sessions() as session:
        return topic_tag_counts(session)


def editions_list(db: Database, page: int = 1, timezone: str = UTC_ZONE) -> dict[str, Any]:
    """Editions, newest first, ``EDITIONS_PER_PAGE`` a page."""
    with db.sessions() as session:
        total, rows = edition_page(session, (page - 1) * EDITIONS_PER_PAGE, EDITIONS_PER_PAGE)
        return {
            "page": page,
            "pages": max(1, -(-total // EDITIONS_PER_PAGE)),
            "total": total,
            "editions": [_edition_brief(e, timezone) for e in rows],
        }


def _edition_brief(edition: Edition, timezone: str) -> dict[str, Any]:
    return {
        "id": edition.id,
        "number": edition.id,
        "kind": edition.kind,
        "title": edition.title,
        "period_start": local_iso(edition.period_start, timezone),
        "period_end": local_iso(edition.period_end, timezone),
        "created_at": local_iso(edition.created_at, timezone),
        "item_count": edition.item_count,
        "delivered": edition.delivered,
    }


@lru_cache(maxsize=4)
def _sections(path: Path | None) -> SectionConfig:
    return load_sections(path)


def edition_view(
    db: Database, edition_id: int, timezone: str = UTC_ZONE, *,
    sections_file: Path | None = None, threshold: float = 0.2, entities_file: Path | None = None,
) -> tuple[dict[str, Any], EditionView] | None:
    """An edition as published: (its JSON form, the newsletter's view model of it); None if none."""
    if not _exists(edition_id):
        return None
    with db.sessions() as session:
        edition = edition_by_id(session, edition_id)
        if edition is None:
            return None
        options = NewsletterOptions(timezone=timezone, relevance_threshold=threshold, sections_file=sections_file,
                                    entities_file=entities_file)
        view = stored_view(session, edition, options, _sections(sections_file))
        ids = {item.position: item.article_id for item in edition.items}
        brief = _edition_brief(edition, timezone)
    titles = {section.key: section.title for section in view.sections}
    keys = {id(item): section.key for section in view.sections for item in section.items}

    def item_json(item: ItemView, section: str) -> dict[str, Any]:
        return {
            "id": ids.get(item.position, 0), "title": item.title, "url": safe_url(item.url), "source": item.source,
            "source_name": item.source, "published_at": local_iso(item.published_at, timezone),
            "position": item.position, "section": section,
            "section_title": words().section(TOP_SECTION) if section == TOP_SECTION else titles.get(section, section),
            "summary": item.summary, "summary_automatic": not item.fallback,
            "summary_sources": item.summary_sources,
            "also_covered": [{"source": link.source, "url": safe_url(link.url), "title": link.title}
                             for link in item.also_covered],
        }

    items = [item_json(item, TOP_SECTION) for item in view.top]
    items += [item_json(item, keys[id(item)]) for section in view.sections for item in section.items]
    return {**brief, "overview": _overview_json(view.overview), "items": items}, view


def _overview_json(overview: Any) -> dict[str, Any] | None:  # noqa: ANN401 - newsletter.overview.Overview
    """The edition's opening as the API gives it (the paragraph null when no model wrote one)."""
    if overview is None:
        return None
    return {"headline": overview.headline,
            "points": [{"text": p.text, "title": p.title, "url": safe_url(p.url), "source": p.source} for p in overview.points],
            "paragraph": overview.paragraph or None, "paragraph_model": overview.paragraph_model or None}


def sources_list(db: Database, timezone: str = UTC_ZONE) -> list[dict[str, Any]]:
    """Every source with its health: last success, consecutive failures, last error, article count."""
    with db.sessions() as session:
        return [
            {
                "key": s.key,
                "name": s.name,
                "homepage": safe_url(s.homepage),
                "enabled": s.enabled,
                "articles": count,
                "last_success_at": local_iso(s.last_success_at, timezone),
                "consecutive_failures": s.consecutive_failures,
                "last_error": s.last_error,
                "last_error_at": local_iso(s.last_error_at, timezone),
                "healthy": s.enabled and not s.consecutive_failures,
            }
            for s, count in source_rows(session)
        ]


def source_drift(db: Database) -> list[str]:
    """The Vietnamese lines of enabled sources whose selectors stopped matching or whose crawls
    keep failing (``bantin sources check``'s verdicts), for the sources page."""
    from bantin.archive.health import drift_notes

    with db.sessions() as session:
        return drift_notes(session)
