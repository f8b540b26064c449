"""What a crawl did, per source and overall; stored as crawl_runs rows and printed as a table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Protocol

from bantin.archive.repository import COUNTERS

__all__ = [
    "COUNTERS", "REJECT_REASONS", "CrawlReport", "SourceCounts", "SourceReport", "SourceStats", "failure_label",
    "overall_status",
]

# reasons that count as "rejected" (the page came but holds nothing to store, or the feed listed
# a link no request can have: "bad-link"); every other
# reason that is not a note counts as "failed" (the page or feed could not be had)
REJECT_REASONS = frozenset(
    {"not-html", "redirected-away", "no-article", "too-large", "robots-disallowed", "bad-link"}
)
# reasons that are notes only: counted in ``reasons`` but neither rejected nor failed
NOTES = frozenset(
    {"duplicate-feed-item", "already-archived", "unchanged", "over-limit", "duplicate-content", "older-than-since"}
)
MAX_ERRORS = 50  # example errors kept per source


def _counter_of(reason: str) -> str | None:
    """The counter a ``reason`` also bumps: ``rejected``, ``failed``, or None for a note."""
    if reason in NOTES:
        return None
    return "rejected" if reason in REJECT_REASONS else "failed"


_LABELS = {
    "dns-error": "DNS", "timeout": "timeout", "connection-error": "connection refused", "too-large": "too large",
    "robots-disallowed": "robots.txt", "malformed": "bad feed", "empty": "empty feed",
}


def failure_label(reasons: dict[str, int], error: str | None = None) -> str:
    """A short reason why a source failed, for the crawl table and ``crawl_runs.reason``: the most
    frequent feed failure (``DNS``, ``timeout``, ``HTTP 403``, ``bad feed`` …), else what ended
    the crawl (``busy``, ``crashed``)."""
    feed = {name.removeprefix("feed-"): count for name, count in reasons.items() if name.startswith("feed-")}
    if feed:
        name = max(feed, key=lambda n: (feed[n], n))
        if name.startswith("http-"):
            return "HTTP " + name.removeprefix("http-")
        return _LABELS.get(name, name.removeprefix("error-"))[:64]
    if error and "another crawl" in error:
        return "busy"
    if error:
        return "crashed" if "exited with code" in error or "ended early" in error else "error"
    return "no feed read"


def overall_status(states: Iterable[str]) -> str:
    """``ok`` when every part is ok (or there is none), ``failed`` when every part failed, else ``partial``."""
    found = set(states)
    if not found or found == {"ok"}:
        return "ok"
    if found == {"failed"}:
        return "failed"
    return "partial"


@dataclass
class SourceCounts:
    """One source's counters as the progress bar and the report read them (``SourceStats.counts``)."""

    discovered: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    rejected: int = 0
    failed: int = 0
    used_fallback: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    fallback_urls: list[str] = field(default_factory=list)
    scheduled: int = 0
    done: int = 0
    discovery_ok: int = 0
    discovery_failed: int = 0
    extraction_s: float = 0.0
    storage_s: float = 0.0


class Stats(Protocol):
    """What ``SourceStats`` uses of Scrapy's stats collector (``crawler.stats``)."""

    def get_value(self, key: str, default: Any = None) -> Any: ...
    def set_value(self, key: str, value: Any) -> None: ...
    def inc_value(self, key: str, count: int | float = 1, start: int = 0) -> None: ...
    def get_stats(self) -> dict[str, Any]: ...


_NUMBERS = tuple(f for f in fields(SourceCounts) if isinstance(f.default, (int, float)))


class SourceStats:
    """One source's counters kept in Scrapy's stats collector, the crawl's one place for them.

    Every ``SourceCounts`` number is the stat ``bantin/<source>/<counter>`` (``…/fetched``,
    ``…/extraction_s``), each reason ``bantin/<source>/reason/<reason>``; the example errors (up
    to 50) and the fallback URLs are tuples under ``bantin/<source>/errors`` and
    ``…/fallback_urls``. The spider and the item pipeline write through this; ``counts()`` reads
    the report value back where a report is made. Scrapy dumps the stats to the crawl log at the end.
    """

    def __init__(self, stats: Stats, source: str) -> None:
        self.stats = stats
        self.prefix = f"bantin/{source}/"

    def add(self, counter: str, amount: float = 1) -> None:
        """Add ``amount`` to ``counter`` (a ``SourceCounts`` number)."""
        self.stats.inc_value(self.prefix + counter, amount)

    def get(self, counter: str) -> float:
        return self.stats.get_value(self.prefix + counter, 0)

    def note(self, reason: str, error: str | None = None) -> None:
        """Count one ``reason``; rejections and failures also bump their counter and keep ``error``."""
        self.add("reason/" + reason)
        counter = _counter_of(reason)
        if counter is None:
            return
        self.add(counter)
        errors = self.stats.get_value(self.prefix + "errors", ())
        if error and len(errors) < MAX_ERRORS:
            self.stats.set_value(self.prefix + "errors", (*errors, error))

    def fallback(self, url: str) -> None:
        """An article stored by the fallback extractor: counted and its URL kept."""
        self.add("used_fallback")
        self.stats.set_value(self.prefix + "fallback_urls", (*self.stats.get_value(self.prefix + "fallback_urls", ()), url))

    def counts(self) -> SourceCounts:
        """The source's counters now, as the report value."""
        reason_prefix = self.prefix + "reason/"
        return SourceCounts(
            **{f.name: self.stats.get_value(self.prefix + f.name, f.default) for f in _NUMBERS},
            reasons={key.removeprefix(reason_prefix): value for key, value in self.stats.get_stats().items()
                     if key.startswith(reason_prefix)},
            errors=list(self.stats.get_value(self.prefix + "errors", ())),
            fallback_urls=list(self.stats.get_value(self.prefix + "fallback_urls", ())),
        )


@dataclass(frozen=True)
class SourceReport:
    """The outcome of crawling one source."""

    key: str
    name: str
    status: str
    discovered: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    rejected: int = 0
    failed: int = 0
    used_fallback: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    fallback_urls: tuple[str, ...] = ()
    extraction_s: float = 0.0
    storage_s: float = 0.0
    reason: str = ""  # why a failed source failed (failure_label); "" unless status is failed

    @classmethod
    def from_counts(cls, key: str, name: str, counts: SourceCounts, error: str | None = None) -> SourceReport:
        if error or (counts.discovery_failed and not counts.discovery_ok):
            status = "failed"
        elif counts.failed:
            status = "partial"
        else:
            status = "ok"
        errors = list(counts.errors) + ([error] if error else [])
        return cls(
            key=key, name=name, status=status, **{name_: getattr(counts, name_) for name_ in COUNTERS},
            reasons=dict(sorted(counts.reasons.items())), errors=tuple(errors),
            fallback_urls=tuple(counts.fallback_urls), extraction_s=counts.extraction_s, storage_s=counts.storage_s,
            reason=failure_label(counts.reasons, error) if status == "failed" else "",
        )

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTERS}


@dataclass(frozen=True)
class CrawlReport:
    """The outcome of one crawl: overall status and one ``SourceReport`` per source.

    ``status`` is ``ok`` when every source is ok, ``failed`` when every source failed, else
    ``partial``. A source is ``failed`` when none of its feeds/sitemaps/sections could be read
    (or its crawl crashed), ``partial`` when some pages or feeds failed.
    """

    sources: tuple[SourceReport, ...]
    seconds: float = 0.0

    @property
    def status(self) -> str:
        return overall_status(source.status for source in self.sources)

    @property
    def failed_sources(self) -> list[str]:
        return [source.key for source in self.sources if source.status == "failed"]

    def total(self, counter: str) -> int:
        return sum(getattr(source, counter) for source in self.sources)

    def by_key(self, key: str) -> SourceReport:
        return next(source for source in self.sources if source.key == key)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "seconds": round(self.seconds, 3), "sources": [asdict(s) for s in self.sources]}
