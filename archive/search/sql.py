"""SQL helpers both search backends share: the time and relevance conditions, typed date
parameters and timestamps read back as aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BindParameter, bindparam

from bantin.archive.search.filters import SearchFilters
from bantin.archive.search.results import HALF_LIFE_DAYS
from bantin.archive.types import UTCDateTime

__all__ = ["aware", "score_sql", "time_and_relevance_sql", "typed_dates"]


def time_and_relevance_sql(filters: SearchFilters, params: dict[str, Any], relevance_of: str = "a") -> list[str]:
    """The conditions both backends write alike: time window (on ``s.sort_at``) and minimum relevance."""
    conditions = []
    for name, operator in (("since", ">="), ("until", "<")):
        if getattr(filters, name) is not None:
            conditions.append(f"s.sort_at {operator} :{name}")
            params[name] = getattr(filters, name)
    if filters.min_relevance is not None:
        conditions.append(f"{relevance_of}.relevance >= :min_relevance")
        params["min_relevance"] = filters.min_relevance
    return conditions


def score_sql(dialect: str, text_rank: str, sort_at: str) -> str:
    """``results.rank``'s score (without adjacency) as SQL: text rank x recency boost at ``:now``
    (PostgreSQL: at ``:now_epoch``, the same moment in Unix seconds)."""
    if dialect == "postgresql":
        # ``:now_epoch``: ``:now`` as Unix seconds. (extract() gives a numeric since PostgreSQL
        # 14, whose arithmetic cost 0.3 us a row more: a few ms for 10,000 matches all ranked)
        age = f"greatest(0.0, (CAST(:now_epoch AS double precision) - date_part('epoch', {sort_at})) / 86400.0)"
    else:
        age = f"max(0.0, julianday(:now) - julianday({sort_at}))"
    return f"({text_rank}) * (1.0 + power(2.0, -({age}) / {HALF_LIFE_DAYS}))"


def typed_dates(params: dict[str, Any], sql: str) -> list[BindParameter[Any]]:
    """Bind parameters of ``sql`` that store the date filters (and ``now``) the way the archive
    stores times."""
    return [bindparam(name, type_=UTCDateTime()) for name in ("since", "until", "now")
            if name in params and re.search(f":{name}\\b", sql)]


def aware(value: datetime | str) -> datetime:
    """A timestamp read back from either backend, as an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
