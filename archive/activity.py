"""What the archive recorded in a span of time: the totals of one pipeline run, for ``bantin status``.

A scheduled run's crawl writes ``crawl_runs`` rows, its summaries ``summaries`` rows and its
edition an ``editions`` row, each stamped when it was made; the rows made between the run's start
and end are that run's work (runs never overlap: the pipeline lock sees to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bantin.archive.models import CrawlRun, Edition, Source, Summary

__all__ = ["Activity", "activity_between"]


@dataclass(frozen=True)
class Activity:
    """Totals of the rows made in a span of time."""

    sources: int  # sources crawled
    failed_sources: tuple[str, ...]  # keys of the sources whose crawl failed
    fetched: int
    new: int
    summaries: int
    editions: tuple[tuple[int, int, bool], ...]  # (edition id, items, delivered)


def activity_between(session: Session, start: datetime, end: datetime) -> Activity:
    """The crawl, summary and edition totals of the rows made from ``start`` to ``end`` (aware times)."""
    crawls = session.execute(
        select(Source.key, CrawlRun.status, CrawlRun.fetched, CrawlRun.new)
        .join(Source, Source.id == CrawlRun.source_id)
        .where(CrawlRun.started_at >= start, CrawlRun.started_at <= end)
    ).all()
    summaries = session.scalar(
        select(func.count()).select_from(Summary).where(Summary.created_at >= start, Summary.created_at <= end)
    )
    editions = session.execute(
        select(Edition.id, Edition.item_count, Edition.delivered)
        .where(Edition.created_at >= start, Edition.created_at <= end)
        .order_by(Edition.id)
    ).all()
    return Activity(
        sources=len({row.key for row in crawls}),
        failed_sources=tuple(sorted({row.key for row in crawls if row.status == "failed"})),
        fetched=sum(row.fetched for row in crawls),
        new=sum(row.new for row in crawls),
        summaries=int(summaries or 0),
        editions=tuple((row.id, row.item_count, bool(row.delivered)) for row in editions),
    )
