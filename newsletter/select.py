"""Choosing an edition's stories: the period, the eligible articles, one story per cluster.

An article belongs to a period when its news time (``published_at``, else ``fetched_at``) falls in
it, or when it was fetched in the period and published at most one period length before it
(crawl latency must not lose news). A story is a cluster of articles (``cluster_id``, the id of
the cluster's earliest article; a lone article is its own story). A story is eligible when one of
its articles in the period reaches the relevance threshold and no earlier edition of the same
kind carried any article of that story.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bantin.archive.stories import KINDS, previous_edition, story_rows
from bantin.errors import NewsletterError

__all__ = ["KINDS", "Candidate", "Period", "Story", "previous_edition", "resolve_period", "select_stories"]


@dataclass(frozen=True)
class Period:
    """The kind of edition and the half-open UTC interval [start, end) it covers."""

    kind: str
    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class Candidate:
    """One eligible article, as ranking needs it."""

    article_id: int
    story_key: int
    source_key: str
    source_name: str
    title: str
    url: str
    news_time: datetime
    relevance: float
    topics: tuple[str, ...]
    has_summary: bool


@dataclass(frozen=True)
class Story:
    """One story: the article that represents it and one article per other outlet."""

    key: int
    lead: Candidate
    others: tuple[Candidate, ...]

    @property
    def members(self) -> tuple[Candidate, ...]:
        return (self.lead, *self.others)

    @property
    def relevance(self) -> float:
        return max(member.relevance for member in self.members)

    @property
    def latest(self) -> datetime:
        return max(member.news_time for member in self.members)

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(topic for member in self.members for topic in member.topics))


def _whole_seconds(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise NewsletterError(f"naive datetime {moment.isoformat()}: pass a time zone")
    return moment.replace(microsecond=0)


def resolve_period(
    session: Session, kind: str, since: datetime | None, until: datetime | None, now: datetime
) -> Period:
    """The period an edition covers: ``since`` (default: the end of the previous edition of the
    kind, else one period length before ``until``) to ``until`` (default: ``now``).

    Without ``since``, when the previous edition ends exactly at ``until``, its period is the
    answer, so a retried or repeated run finds that edition instead of an empty period.
    """
    if kind not in KINDS:
        raise NewsletterError(f"unknown edition period {kind!r}: use {' or '.join(KINDS)}")
    end = _whole_seconds(until or now)
    if since is not None:
        start = _whole_seconds(since)
    else:
        previous = previous_edition(session, kind, before=end)
        if previous is not None and previous.period_end == end:  # built up to here already: that edition
            return Period(kind, previous.period_start, previous.period_end)
        start = previous.period_end if previous is not None else end - KINDS[kind]
    if start >= end:
        raise NewsletterError(
            f"empty {kind} period {start.isoformat()} .. {end.isoformat()}: the start must come before the end"
            + ("" if since is not None else " (the previous edition already covers it)")
        )
    return Period(kind, start, end)


def select_stories(session: Session, period: Period, threshold: float) -> list[Story]:
    """Eligible stories of ``period`` (unordered; ranking orders them)."""
    rows = story_rows(session, period.kind, period.start, period.end, threshold)
    groups: dict[int, list[Candidate]] = defaultdict(list)
    for article, source, key, news_time, has_summary in rows:
        groups[key].append(
            Candidate(
                article_id=article.id,
                story_key=key,
                source_key=source.key,
                source_name=source.name or source.key,
                title=article.title,
                url=article.url or article.canonical_url,
                news_time=news_time,
                relevance=float(article.relevance or 0.0),
                topics=tuple(str(topic) for topic in (article.topics or ()) if topic),
                has_summary=bool(has_summary),
            )
        )
    return [_story(key, members) for key, members in groups.items()]


def _story(key: int, members: list[Candidate]) -> Story:
    """The lead is the summarized, most relevant, earliest article; then one per other outlet."""
    ordered = sorted(members, key=lambda c: (not c.has_summary, -c.relevance, c.news_time, c.article_id))
    lead = ordered[0]
    seen = {lead.source_key}
    others: list[Candidate] = []
    for member in sorted(ordered[1:], key=lambda c: (c.news_time, c.article_id)):
        if member.source_key not in seen:
            seen.add(member.source_key)
            others.append(member)
    return Story(key, lead, tuple(others))
