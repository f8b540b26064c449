"""Search filters and paging: validated once, before any SQL is built."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bantin.errors import BadQuery

__all__ = ["MAX_PER_PAGE", "SearchFilters", "parse_day"]

MAX_PER_PAGE = 100
MAX_FILTER_VALUES = 20


def parse_day(text: str, *, timezone: str = "Asia/Ho_Chi_Minh", end: bool = False) -> datetime:
    """``YYYY-MM-DD`` (or an ISO date-time) as an aware datetime; a day's end when ``end``.

    ``--until 2026-11-29`` means up to the end of that day in ``timezone``.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadQuery(f"unknown time zone {timezone!r}") from exc
    value = (text or "").strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=zone)
        else:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
        if not 1900 <= moment.year <= 2999:
            raise OverflowError(moment.year)
        return moment.astimezone(UTC)
    except ValueError as exc:
        raise BadQuery(f"invalid date {value[:40]!r}: use YYYY-MM-DD") from exc
    except OverflowError as exc:  # 0001-01-01 at +07:00 is before datetime.min in UTC
        raise BadQuery(f"date {value[:40]!r} is out of range: use a year from 1900 to 2999") from exc


@dataclass(frozen=True)
class SearchFilters:
    """What to search in and which page to return.

    sources: source keys (any of them); topics: topic names (any of them); entities: keys of the
    entities file (articles naming any of them, ``article_entities``); since/until: aware
    datetimes bounding the article's time (published, else fetched), ``until`` exclusive;
    min_relevance: 0..1; page: 1-based; per_page: 1..100.
    """

    sources: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    min_relevance: float | None = None
    page: int = 1
    per_page: int = 20
    entities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.sources, str) or isinstance(self.topics, str):
            raise BadQuery("sources and topics are lists of names")
        if len(self.sources) > MAX_FILTER_VALUES or len(self.topics) > MAX_FILTER_VALUES:
            raise BadQuery(f"at most {MAX_FILTER_VALUES} sources and {MAX_FILTER_VALUES} topics")
        if isinstance(self.entities, str) or len(self.entities) > MAX_FILTER_VALUES:
            raise BadQuery(f"entities is a list of at most {MAX_FILTER_VALUES} entity keys")
        for name in (*self.sources, *self.topics, *self.entities):
            if not isinstance(name, str) or not name.strip() or len(name) > 100:
                raise BadQuery(f"invalid source or topic name {str(name)[:40]!r}")
        for moment in (self.since, self.until):
            if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
                raise BadQuery("dates must be timezone-aware datetimes")
        if self.since and self.until and self.since >= self.until:
            raise BadQuery("inverted date range: 'since' must be before 'until'")
        if self.min_relevance is not None and not (
            isinstance(self.min_relevance, int | float) and math.isfinite(self.min_relevance)
            and 0 <= self.min_relevance <= 1
        ):
            raise BadQuery("minimum relevance must be a number from 0 to 1")
        if not isinstance(self.page, int) or not 1 <= self.page <= 100_000:
            raise BadQuery("page must be a whole number from 1")
        if not isinstance(self.per_page, int) or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise BadQuery(f"per_page must be a whole number from 1 to {MAX_PER_PAGE}")
