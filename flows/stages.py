"""Prefect tasks: thin wrappers that call the packages with the options ``bantin.configure`` makes.

Tasks take JSON-friendly arguments (settings overrides as a dict) so the same code runs in this
process, on a Prefect worker, or on a Dask worker; each process reads its settings once (its own
environment: a GPU worker has its own ``BANTIN_MODEL_DEVICE``) and reuses them for every task.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from prefect import task
from sqlalchemy.exc import InterfaceError, OperationalError

from bantin import configure
from bantin.archive.engine import Database
from bantin.errors import DatabaseUnavailable, FetchError
from bantin.settings import Settings, load_settings

__all__ = [
    "crawl_source",
    "deliver_editions",
    "make_edition",
    "pending_ids",
    "recluster",
    "settings_for",
    "summarize_batch",
    "summarize_stories",
]

# Transient failures worth another try: the network and a database that is restarting.
TRANSIENT = (DatabaseUnavailable, OperationalError, InterfaceError, FetchError, ConnectionError, TimeoutError)


def settings_for(overrides: dict[str, Any] | None) -> Settings:
    """The settings a flow run uses: this process's environment and ``.env``, then ``overrides``
    (read once per process and set of overrides)."""
    return _settings(json.dumps(overrides or {}, sort_keys=True, default=str))


@lru_cache(maxsize=16)
def _settings(overrides_json: str) -> Settings:
    return load_settings(**json.loads(overrides_json))


def _retry_transient(task, task_run, state) -> bool:  # noqa: ANN001 - Prefect retry hook
    try:
        state.result()
    except TRANSIENT:
        return True
    except BaseException:  # noqa: BLE001 - any other error is a bug or bad input: no retry
        return False
    return False


@task(name="crawl source", retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_retry_transient)
def crawl_source(overrides: dict[str, Any] | None, key: str, *, since: date | None = None,
                 limit: int | None = None, refresh: bool = False) -> dict[str, Any]:
    """Crawl one source in its own process; its report as a dict."""
    from bantin.spiders.run import run_crawl

    options = configure.crawl_options(settings_for(overrides))
    report = run_crawl(options, sources=[key], since=since, limit=limit, refresh=refresh)
    return asdict(report.sources[0])


@task(name="recluster stories", retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_retry_transient)
def recluster(overrides: dict[str, Any] | None, days: int = 7) -> int:
    """Group stories that parallel crawls stored apart; returns how many articles moved."""
    from bantin.spiders.regroup import recluster_recent

    with Database.connect(settings_for(overrides).effective_database_url) as db, db.session() as session:
        return recluster_recent(session, days=days)


@task(name="list pending summaries", retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_retry_transient)
def pending_ids(overrides: dict[str, Any] | None, limit: int | None = None) -> list[int]:
    """Ids of the articles that still lack a summary by the configured model and options."""
    from bantin.archive.repository import pending_articles
    from bantin.summarizer import SummaryOptions

    settings = settings_for(overrides)
    model_id = configure.model_spec(settings).model_id  # known without loading the model
    with Database.connect(settings.effective_database_url) as db, db.session() as session:
        rows = pending_articles(session, model_id, SummaryOptions().options_hash(), limit=limit)
        return [row.id for row in rows]


@task(name="summarize batch", retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_retry_transient)
def summarize_batch(overrides: dict[str, Any] | None, article_ids: list[int] | None = None,
                    limit: int | None = None) -> dict[str, Any]:
    """Summarize and store ``article_ids`` (all pending when None); the model loads once per process."""
    from bantin.summarizer import SummaryOptions, load_summarizer, summarize_pending

    settings = settings_for(overrides)
    with Database.connect(settings.effective_database_url) as db:
        report = summarize_pending(db, load_summarizer(configure.model_spec(settings)), SummaryOptions(),
                                   limit=limit, batch_size=settings.summarize_batch_size, article_ids=article_ids)
    return asdict(report)


@task(name="summarize stories", retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_retry_transient)
def summarize_stories(overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Make the story summaries the next editions show (stories several outlets told)."""
    from bantin.summarizer import SummaryOptions, load_summarizer
    from bantin.summarizer.pending import summarize_stories as make_story_summaries

    settings = settings_for(overrides)
    with Database.connect(settings.effective_database_url) as db:
        report = make_story_summaries(db, load_summarizer(configure.model_spec(settings)), SummaryOptions(),
                                      threshold=settings.relevance_threshold)
    return asdict(report)


@task(name="build edition", retries=2, retry_delay_seconds=[2, 10], retry_condition_fn=_retry_transient)
def make_edition(overrides: dict[str, Any] | None, period: str, *, since: datetime | None = None,
                 until: datetime | None = None) -> dict[str, Any]:
    """Build, store and write the edition of ``period``."""
    from bantin.newsletter import build_edition

    settings = settings_for(overrides)
    with Database.connect(settings.effective_database_url) as db:
        result = build_edition(db, configure.newsletter_options(settings), period=period, since=since, until=until,
                               write_overview=configure.overview_writer(settings))
    for warning in result.warnings:
        print(f"warning: {warning}")  # the flow logs prints
    return {
        "edition_id": result.edition_id, "created": result.created, "items": result.item_count,
        "warnings": list(result.warnings),
        "skipped": result.skipped, "output_dir": str(result.output_dir) if result.output_dir else None,
        "period_start": result.period_start.isoformat(), "period_end": result.period_end.isoformat(),
    }


@task(name="deliver editions", retries=2, retry_delay_seconds=[5, 30], retry_condition_fn=_retry_transient)
def deliver_editions(overrides: dict[str, Any] | None) -> dict[str, Any]:
    """E-mail every undelivered edition (a no-op when SMTP is not configured)."""
    from bantin.newsletter import deliver_pending

    settings = settings_for(overrides)
    with Database.connect(settings.effective_database_url) as db:
        report = deliver_pending(db, configure.newsletter_options(settings))
    return {"configured": report.configured, "sent": list(report.sent),
            "failed": [list(pair) for pair in report.failed]}


@task(name="post digests", retries=1, retry_delay_seconds=[10])
def post_digests(overrides: dict[str, Any] | None, new_editions: list[int]) -> dict[str, Any]:
    """Post the new editions' digests to BANTIN_NOTIFY_URLS and retry failed posts (no-op when unset)."""
    from bantin.newsletter.chat import post_editions

    settings = settings_for(overrides)
    with Database.connect(settings.effective_database_url) as db:
        report = post_editions(db, configure.newsletter_options(settings), configure.chat_options(settings), new_editions)
    return {"configured": report.configured, "posted": [list(pair) for pair in report.posted],
            "failed": [list(row) for row in report.failed]}
