"""SQL helpers both search backends share: the time and relevance conditions, typed date
parameters and timestamps read back as aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BindParameter, bindparam

from bantin.archive.search.filters import SearchFilters
from bantin.archive.types import UTCDateTime

__all__ = ["aware", "time_and_relevance_sql", "typed_dates"]


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


def typed_dates(params: dict[str, Any]) -> list[BindParameter[Any]]:
    """Bind parameters that store the date filters the way the archive stores times."""
    return [bindparam(name, type_=UTCDateTime()) for name in ("since", "until") if name in params]


def aware(value: datetime | str) -> datetime:
    """A timestamp read back from either backend, as an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
