"""Dates as Vietnamese news sites write them, parsed to Asia/Ho_Chi_Minh-aware datetimes.

Handles ISO 8601 (``datetime`` attributes, JSON-LD, ``article:published_time``), RFC 822 feed
dates, and the sites' own forms: ``Thứ tư, 22/10/2025, 19:25 (GMT+7)``, ``22/10/2025 - 19:25``,
``19:25 22/10/2025``, ``2025-10-22 19:25``, ``22-10-2025 07:25 PM`` and bare ``22/10/2025``.
A time without an offset is local Vietnamese time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

__all__ = ["VIETNAM", "parse_datetime"]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_TIME = re.compile(r"(?<![\d/])(\d{1,2})[:hg](\d{2})(?::(\d{2}))?\s*(AM|PM|SA|CH)?(?![\d/])", re.IGNORECASE)
_GMT = re.compile(r"(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_RFC822 = re.compile(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}")


def _offset(text: str) -> timezone | None:
    match = _GMT.search(text)
    if not match:
        return None
    minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
    return timezone(timedelta(minutes=minutes if match.group(1) == "+" else -minutes))


def _iso(match: re.Match[str]) -> datetime:
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    hour, minute, second = int(match.group(4) or 0), int(match.group(5) or 0), int(match.group(6) or 0)
    zone = match.group(7)
    if zone is None:
        tz = VIETNAM
    elif zone == "Z":
        tz = UTC
    else:
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return datetime(year, month, day, hour, minute, second, tzinfo=tz)


def _local(text: str) -> datetime:
    date = _DMY.search(text)
    if not date:
        raise ValueError(f"no date in {text!r}")
    day, month, year = int(date.group(1)), int(date.group(2)), int(date.group(3))
    rest = text[: date.start()] + " " + text[date.end() :]
    hour = minute = second = 0
    clock = _TIME.search(rest)
    if clock:
        hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        marker = (clock.group(4) or "").upper()
        if marker in ("PM", "CH") and hour < 12:
            hour += 12
        elif marker in ("AM", "SA") and hour == 12:
            hour = 0
    return datetime(year, month, day, hour, minute, second, tzinfo=_offset(rest) or VIETNAM)


def parse_datetime(text: str) -> datetime:
    """``text`` as an aware datetime in Asia/Ho_Chi_Minh; ``ValueError`` when it holds no date."""
    clean = " ".join(str(text).split())
    if not clean:
        raise ValueError("empty date")
    if _RFC822.match(clean):
        try:
            parsed = parsedate_to_datetime(clean)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=VIETNAM)
            try:
                return parsed.astimezone(VIETNAM)
            except OverflowError as exc:  # 31 Dec 9999 at -23:59 is past datetime.max here
                raise ValueError(f"date out of range: {clean!r}") from exc
    iso = _ISO.search(clean)
    try:
        return (_iso(iso) if iso else _local(clean)).astimezone(VIETNAM)
    except (ValueError, OverflowError) as exc:  # day 31 of February, year 9999 at -23:59 and the like
        raise ValueError(f"not a date: {clean!r} ({exc})") from exc
