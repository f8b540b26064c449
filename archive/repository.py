"""The operations the stages need on the archive, each on a caller's ``Session``.

The caller owns the transaction (``Database.session()`` commits or rolls back), so a stage can
group several operations into one unit of work and a crash loses only the work in flight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bantin.archive.models import Article, CrawlRun, Source, Summary, utcnow
from bantin.text import collapse_space, content_hash

__all__ = [
    "COUNTERS",
    "ArticleIn",
    "SummaryIn",
    "Upsert",
    "UpsertResult",
    "crawl_run",
    "articles_with_leads",
    "ensure_source",
    "finish_crawl_run",
    "known_urls",
    "pending_articles",
    "record_source_failure",
    "record_source_success",
    "running_crawl_runs",
    "start_crawl_run",
    "store_summary",
    "upsert_article",
]


@dataclass(frozen=True)
class ArticleIn:
    """An extracted article, as the crawl pipeline hands it to the archive."""

    source_key: str
    url: str
    canonical_url: str
    title: str
    lead: str = ""
    body: str = ""
    author: str | None = None
    published_at: datetime | None = None
    language: str = "vi"
    relevance: float = 0.0
    topics: tuple[str, ...] = ()
    extraction: str = "selectors"
    provenance: dict[str, str] | None = None
    minhash: tuple[int, ...] | None = None
    cluster_id: int | None = None


class Upsert(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class UpsertResult:
    article_id: int
    outcome: Upsert


@dataclass(frozen=True)
class SummaryIn:
    """A summary and the info that made it (engine, model, device, compute type, options)."""

    article_id: int
    model_id: str
    options_hash: str
    engine: str
    text: str
    device: str = "cpu"
    compute_type: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0


def ensure_source(
    session: Session,
    key: str,
    *,
    name: str | None = None,
    homepage: str = "",
    feeds: Sequence[str] = (),
    enabled: bool | None = None,
) -> Source:
    """The source row for ``key``, created if missing; the given fields are refreshed."""
    source = session.scalar(select(Source).where(Source.key == key))
    if source is None:
        source = Source(key=key, name=name or key, homepage=homepage, feeds=list(feeds), enabled=enabled is not False)
        session.add(source)
        session.flush()
        return source
    if name is not None:
        source.name = name
    if homepage:
        source.homepage = homepage
    if feeds:
        source.feeds = list(feeds)
    if enabled is not None:
        source.enabled = enabled
    return source


def known_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` that are already archived (as canonical or fetched URL)."""
    wanted = list(dict.fromkeys(urls))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(Article.canonical_url).where(Article.canonical_url.in_(chunk))))
        found.update(session.scalars(select(Article.url).where(Article.url.in_(chunk))))
    return found


def upsert_article(session: Session, item: ArticleIn) -> UpsertResult:
    """Store ``item`` once per canonical URL.

    A new URL whose content hash matches another article is a ``DUPLICATE`` (nothing stored).
    A known URL with changed text updates the row and its hash (``UPDATED``).
    """
    title = collapse_space(item.title)
    lead = collapse_space(item.lead)
    body = collapse_space(item.body)
    digest = content_hash(title, body)
    canonical = collapse_space(item.canonical_url)
    article = session.scalar(select(Article).where(Article.canonical_url == canonical))
    if article is None:
        twin = session.scalar(select(Article.id).where(Article.content_hash == digest).limit(1))
        if twin is not None:
            return UpsertResult(twin, Upsert.DUPLICATE)
        article = Article(
            source_id=ensure_source(session, item.source_key).id,
            canonical_url=canonical,
            content_hash=digest,
        )
        _copy(article, item, title, lead, body)
        try:
            with session.begin_nested():
                session.add(article)
                session.flush()
        except IntegrityError:  # another writer stored the same URL a moment ago
            existing = session.scalar(select(Article.id).where(Article.canonical_url == canonical))
            if existing is None:
                raise
            return UpsertResult(existing, Upsert.UNCHANGED)
        return UpsertResult(article.id, Upsert.NEW)
    if article.content_hash == digest and article.lead == lead:
        if item.provenance is not None and (article.provenance != item.provenance or article.extraction != item.extraction):
            article.provenance = dict(item.provenance)  # same text, got another way: drift shows on a refresh
            article.extraction = item.extraction
            session.flush()
        return UpsertResult(article.id, Upsert.UNCHANGED)
    _copy(article, item, title, lead, body)
    article.content_hash = digest
    article.updated_at = utcnow()
    session.flush()
    return UpsertResult(article.id, Upsert.UPDATED)


def _copy(article: Article, item: ArticleIn, title: str, lead: str, body: str) -> None:
    article.url = item.url
    article.title = title
    article.lead = lead
    article.body = body
    article.author = collapse_space(item.author) if item.author else None
    article.published_at = item.published_at
    article.fetched_at = utcnow()
    article.language = item.language
    article.relevance = float(item.relevance)
    article.topics = list(item.topics)
    article.extraction = item.extraction
    if item.provenance is not None:
        article.provenance = dict(item.provenance)
    article.minhash = list(item.minhash) if item.minhash is not None else None
    if item.cluster_id is not None:
        article.cluster_id = item.cluster_id


def pending_articles(
    session: Session,
    model_id: str,
    options_hash: str,
    *,
    limit: int | None = None,
    min_relevance: float | None = None,
    ids: Sequence[int] | None = None,
) -> list[Article]:
    """Articles with no summary for (``model_id``, ``options_hash``), newest first (among ``ids`` if given)."""
    done = exists().where(
        Summary.article_id == Article.id,
        Summary.model_id == model_id,
        Summary.options_hash == options_hash,
    )
    query = select(Article).where(~done).order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
    if min_relevance is not None:
        query = query.where(Article.relevance >= min_relevance)
    if ids is not None:
        query = query.where(Article.id.in_(list(ids)))
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def articles_with_leads(session: Session, *, limit: int | None = None) -> list[tuple[str, str, str]]:
    """(title, lead, body) of articles that have both a lead (the outlet's sapo) and a body, newest
    first: what ``bantin model train-extractive`` learns from."""
    query = (
        select(Article.title, Article.lead, Article.body)
        .where(Article.lead != "", Article.body != "")
        .order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [(title, lead, body) for title, lead, body in session.execute(query)]


def store_summary(session: Session, summary: SummaryIn) -> tuple[Summary, bool]:
    """Store ``summary`` unless one exists for its key; returns (row, created)."""
    key = (Summary.article_id == summary.article_id, Summary.model_id == summary.model_id,
           Summary.options_hash == summary.options_hash)
    existing = session.scalar(select(Summary).where(*key))
    if existing is not None:
        return existing, False
    row = Summary(
        article_id=summary.article_id,
        model_id=summary.model_id,
        options_hash=summary.options_hash,
        engine=summary.engine,
        device=summary.device,
        compute_type=summary.compute_type,
        options=dict(summary.options),
        text=collapse_space(summary.text),
        input_tokens=summary.input_tokens,
        output_tokens=summary.output_tokens,
        seconds=summary.seconds,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # a concurrent run stored it first
        return session.scalars(select(Summary).where(*key)).one(), False
    return row, True


# The per-source counters of a crawl run (crawl_runs columns), in report order.
COUNTERS = ("discovered", "fetched", "new", "updated", "duplicate", "rejected", "failed", "used_fallback")


def start_crawl_run(session: Session, source_key: str) -> CrawlRun:
    """A ``running`` crawl run for ``source_key`` (the source row is created if needed)."""
    source = ensure_source(session, source_key)
    run = CrawlRun(source_id=source.id, status="running")
    session.add(run)
    session.flush()
    return run


def running_crawl_runs(session: Session, source_key: str) -> list[CrawlRun]:
    """The crawl runs of ``source_key`` still marked ``running``."""
    query = select(CrawlRun).join(Source).where(Source.key == source_key, CrawlRun.status == "running")
    return list(session.scalars(query))


def crawl_run(session: Session, run_id: int) -> CrawlRun | None:
    """The crawl run ``run_id``, or None."""
    return session.get(CrawlRun, run_id)


def finish_crawl_run(
    session: Session,
    run: CrawlRun,
    *,
    status: str = "ok",
    counts: dict[str, int] | None = None,
    reasons: dict[str, int] | None = None,
    errors: Sequence[str] = (),
    reason: str | None = None,
) -> CrawlRun:
    """Close ``run`` with its counters, rejection reasons, errors and (failed) its short reason."""
    for name, value in (counts or {}).items():
        if name not in COUNTERS:
            raise ValueError(f"unknown crawl counter {name!r}")
        setattr(run, name, int(value))
    run.reasons = dict(reasons or {})
    run.errors = list(errors)
    if reason:
        run.reason = collapse_space(reason)[:64]
    run.status = status
    run.finished_at = utcnow()
    session.flush()
    return run


def record_source_success(session: Session, source_key: str) -> Source:
    source = ensure_source(session, source_key)
    source.last_success_at = utcnow()
    source.consecutive_failures = 0
    return source


def record_source_failure(session: Session, source_key: str, error: str) -> Source:
    """Count one more consecutive failure and keep the error to show on the source's row."""
    source = ensure_source(session, source_key)
    source.consecutive_failures = (source.consecutive_failures or 0) + 1
    source.last_error = collapse_space(error)[:2000]
    source.last_error_at = utcnow()
    return source
