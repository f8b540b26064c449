"""What the app, the pages and the API share: options, the words file, query filters, local times.

The routers (``api``, ``pages``, ``feeds``) import this module and never ``app``; ``app`` builds
the FastAPI application and includes them, so the import graph points one way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bantin.archive.entities import known_entity_keys, load_catalog
from bantin.archive.search import SearchFilters, parse_day
from bantin.errors import BadQuery
from bantin.resources import shipped
from bantin.tomlfile import load_toml

__all__ = [
    "MAX_ID",
    "MAX_YEAR",
    "MIN_YEAR",
    "WebOptions",
    "Words",
    "filters_from",
    "local_day",
    "local_iso",
    "local_time",
    "say_error",
    "words",
]

# ids are 64-bit signed integers in both databases; anything larger cannot exist (404, not an overflow)
MAX_ID = 2**63 - 1
# the dates a filter accepts: far enough for any archive, near enough that no arithmetic overflows
MIN_YEAR, MAX_YEAR = 1900, 2999
_DAY = re.compile(r"^\s*(\d{1,6})-\d{1,2}-\d{1,2}")


@dataclass(frozen=True)
class WebOptions:
    """What the web archive needs: the readers' time zone, the token that allows changes (None:
    read-only), the newsletter's layout and threshold (an edition is shown as it was mailed), and
    the entities file whose keys and display names the entity pages, filters and editions use."""

    timezone: str = "Asia/Ho_Chi_Minh"
    token: str | None = None
    sections_file: Path | None = None
    relevance_threshold: float = 0.2
    entities_file: Path | None = None


class _Pattern(BaseModel):
    model_config = ConfigDict(extra="forbid")
    match: str
    say: str


class _Errors(BaseModel):
    model_config = ConfigDict(extra="forbid")
    messages: dict[str, str]
    patterns: list[_Pattern] = []


class Words(BaseModel):
    """The web's words file (``templates/web/words.toml``)."""

    model_config = ConfigDict(extra="forbid")
    labels: dict[str, str]
    zones: dict[str, str]
    kinds: dict[str, str]
    sections: dict[str, str]
    topics: dict[str, str]
    errors: _Errors

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def zone(self, timezone: str) -> str:
        """``giờ Việt Nam`` for Asia/Ho_Chi_Minh; ``múi giờ <name>`` for a zone without a name here."""
        return self.zones.get(timezone) or f"{self.label('zone_note')} {timezone}"

    def kind(self, key: str | None) -> str:
        return self.kinds.get(key or "", key or "")

    def section(self, key: str | None) -> str:
        """A section's Vietnamese name; a stored title that is not a key is already a name."""
        return self.sections.get(key or "", key or self.sections.get("other", ""))

    def topic(self, key: str) -> str:
        return self.topics.get(key, key.replace("_", " "))

    def message(self, key: str, **values: Any) -> str:
        return self.errors.messages[key].format(**values)


@lru_cache(maxsize=1)
def words() -> Words:
    """The words file, read once."""
    return load_toml(shipped("bantin", "templates", "web", "words.toml"), Words)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p.match), p.say) for p in words().errors.patterns)


def say_error(message: str, *, notice: bool = False) -> str:
    """A search or filter message (English, for operators) as a reader reads it, in Vietnamese.

    A message the words file does not know reads as ``bad_query`` for an error; a notice (not an
    error) that it does not know is shown as it is rather than as a wrong error.
    """
    for pattern, say in _patterns():
        found = pattern.search(message)
        if found:
            return say.format(*(group[:60] for group in found.groups()))
    return message if notice else words().message("bad_query")


class BadDate(BadQuery):
    """A date filter outside ``MIN_YEAR``..``MAX_YEAR``: the message in Vietnamese, ``detail`` in English."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.detail = detail


def _day(value: str, timezone: str, *, end: bool) -> datetime:
    found = _DAY.match(value)
    shown = value.strip()[:40]
    said = words().message("date_range", value=shown, low=MIN_YEAR, high=MAX_YEAR)
    detail = f"date {shown!r} out of range: years {MIN_YEAR}-{MAX_YEAR}"
    if found and not MIN_YEAR <= int(found.group(1)) <= MAX_YEAR:
        raise BadDate(said, detail)
    try:
        return parse_day(value, timezone=timezone, end=end)
    except OverflowError as exc:
        raise BadDate(said, detail) from exc


def filters_from(params: dict[str, Any], timezone: str, *, query: str = "", entities_file: Path | None = None) -> SearchFilters:
    """SearchFilters from query parameters (strings); raise ``BadQuery`` for anything invalid, an
    entity key (``entity`` or an ``entity:KEY`` term of ``query``) that ``entities_file`` lacks included."""
    def number(name: str, kind: type, default: Any) -> Any:
        value = params.get(name)
        if value in (None, ""):
            return default
        try:
            return kind(value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise BadQuery(f"{name} must be a number") from exc

    def names(name: str) -> tuple[str, ...]:
        value = params.get(name) or ()
        return tuple(v.strip() for v in ([value] if isinstance(value, str) else value) if v and v.strip())

    since, until = params.get("since"), params.get("until")
    return SearchFilters(
        sources=names("source"), topics=names("topic"),
        entities=known_entity_keys(names("entity"), query, load_catalog(entities_file)),
        since=_day(since, timezone, end=False) if since else None,
        until=_day(until, timezone, end=True) if until else None,
        min_relevance=number("min_relevance", float, None), page=number("page", int, 1),
        per_page=number("per_page", int, 20),
    )


def _zone(timezone: str) -> ZoneInfo:
    return ZoneInfo(timezone)


def _aware(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_iso(value: datetime | str | None, timezone: str) -> str | None:
    """ISO 8601 with the local offset (``2026-12-02T03:25:00+07:00``); None stays None."""
    moment = _aware(value)
    return moment.astimezone(_zone(timezone)).isoformat() if moment is not None else None


def local_time(value: datetime | str | None, timezone: str) -> str:
    """``02/12/2026 03:25`` in the readers' zone ('' for None)."""
    moment = _aware(value)
    return moment.astimezone(_zone(timezone)).strftime("%d/%m/%Y %H:%M") if moment is not None else ""


def local_day(value: datetime | date | str | None, timezone: str) -> str:
    """``02/12/2026`` in the readers' zone ('' for None)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    moment = _aware(value)
    return moment.astimezone(_zone(timezone)).strftime("%d/%m/%Y") if moment is not None else ""
