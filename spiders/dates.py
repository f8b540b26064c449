"""Dates as Vietnamese news sites write them, parsed to Asia/Ho_Chi_Minh-aware datetimes.

Handles ISO 8601 (``datetime`` attributes, JSON-LD, ``article:published_time``), RFC 822 feed
dates as feeds really write them (two-digit years, full month names, no weekday, ``GMT+7``),
and the sites' own forms: ``Thứ tư, 22/10/2025, 19:25 (GMT+7)``, ``22/10/2025 - 19:25``,
``19:25 22/10/2025``, ``2025-10-22 19:25``, ``22-10-2025 07:25 PM`` and bare ``22/10/2025``.
A time without an offset is local Vietnamese time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

__all__ = ["VIETNAM", "parse_datetime"]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_TIME = re.compile(r"(?<![\d/])(\d{1,2})[:hg](\d{2})(?::(\d{2}))?\s*(AM|PM|SA|CH)?(?![\d/])", re.IGNORECASE)
_GMT = re.compile(r"(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
# RFC 822 as feeds really write it: weekday optional or spelled out, a missing blank after the
# comma, two-digit years ("Sat, 27 Jan 24 14:15:00 +0700", Thanh Niên and CafeF feeds), full
# month names, no seconds, and a zone as "+0700", "+07:00", "GMT+7", "GMT", "UTC", "Z" or a name.
_RFC822 = re.compile(
    r"^(?:[A-Za-z]+\.?,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{4}|\d{2})"
    r"(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(?:([+-]\d{2}:?\d{2})|(?:GMT|UTC)\s*([+-]\d{1,2}(?::?\d{2})?)"
    r"|(GMT|UTC|UT|Z)|([A-Z]{2,5}))?\s*$",
    re.IGNORECASE,
)
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_ZONES = {"ict": 7 * 60, "est": -5 * 60, "edt": -4 * 60, "pst": -8 * 60, "pdt": -7 * 60, "cet": 60, "cest": 120}


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


def _zone(numeric: str | None, gmt: str | None, utc: str | None, name: str | None) -> timezone | ZoneInfo:
    if numeric:
        digits = numeric[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
        return timezone(timedelta(minutes=minutes if numeric[0] == "+" else -minutes))
    if gmt:
        hours, _, mins = gmt[1:].partition(":")
        if not mins and len(hours) > 2:  # "+0700", "+730"
            hours, mins = hours[:-2], hours[-2:]
        minutes = int(hours) * 60 + int(mins or 0)
        return timezone(timedelta(minutes=minutes if gmt[0] == "+" else -minutes))
    if utc:
        return UTC
    if name and name.lower() in _ZONES:
        return timezone(timedelta(minutes=_ZONES[name.lower()]))
    return VIETNAM  # no zone, or one nobody can know: local time


def _rfc822(match: re.Match[str]) -> datetime:
    day, month_name, year_text = int(match.group(1)), match.group(2).lower()[:3], match.group(3)
    month = _MONTHS.get(month_name)
    if month is None:
        raise ValueError(f"unknown month {match.group(2)!r}")
    year = int(year_text)
    if len(year_text) == 2:  # RFC 2822 section 4.3: 00-49 is 2000-2049, 50-99 is 1950-1999
        year += 2000 if year < 50 else 1900
    hour, minute, second = int(match.group(4) or 0), int(match.group(5) or 0), int(match.group(6) or 0)
    tz = _zone(match.group(7), match.group(8), match.group(9), match.group(10))
    return datetime(year, month, day, hour, minute, second, tzinfo=tz)


def parse_datetime(text: str) -> datetime:
    """``text`` as an aware datetime in Asia/Ho_Chi_Minh; ``ValueError`` when it holds no date."""
    clean = " ".join(str(text).split())
    if not clean:
        raise ValueError("empty date")
    rfc = _RFC822.match(clean)
    if rfc:
        try:
            return _rfc822(rfc).astimezone(VIETNAM)
        except OverflowError as exc:  # 31 Dec 9999 at -23:59 is past datetime.max here
            raise ValueError(f"date out of range: {clean!r}") from exc
        except ValueError as exc:  # 31 Feb, month "Foo"
            raise ValueError(f"not a date: {clean!r} ({exc})") from exc
    iso = _ISO.search(clean)
    try:
        return (_iso(iso) if iso else _local(clean)).astimezone(VIETNAM)
    except (ValueError, OverflowError) as exc:  # day 31 of February, year 9999 at -23:59 and the like
        raise ValueError(f"not a date: {clean!r} ({exc})") from exc
