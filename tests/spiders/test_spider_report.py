"""Counting: reasons, statuses of sources and crawls, and how failures get their reason."""

from __future__ import annotations

import pytest
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError as TwistedConnectionRefused
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from bantin.spiders.news import failure_reason
from bantin.spiders.report import CrawlReport, SourceCounts, SourceReport, SourceStats


def test_notes_rejections_and_failures_count_apart() -> None:
    tally = SourceStats(get_crawler().stats, "genk")
    for reason in ("not-html", "no-article", "http-404", "timeout", "already-archived", "duplicate-feed-item"):
        tally.note(reason, f"{reason} happened")
    counts = tally.counts()
    assert (counts.rejected, counts.failed) == (2, 2)
    assert counts.reasons == dict.fromkeys(
        ("not-html", "no-article", "http-404", "timeout", "already-archived", "duplicate-feed-item"), 1
    )
    assert counts.errors == ["not-html happened", "no-article happened", "http-404 happened", "timeout happened"]


def _report(**counts: int) -> SourceReport:
    values = SourceCounts(**counts)
    return SourceReport.from_counts("k", "K", values)


def test_source_and_crawl_status() -> None:
    ok = _report(discovery_ok=1, fetched=3, new=3)
    partial = _report(discovery_ok=1, fetched=3, failed=1)
    failed = _report(discovery_failed=2, failed=2)
    assert (ok.status, partial.status, failed.status) == ("ok", "partial", "failed")
    assert SourceReport.from_counts("k", "K", SourceCounts(discovery_ok=1), "crawl ended early: shutdown").status == "failed"
    assert CrawlReport((ok, ok)).status == "ok"
    assert CrawlReport((ok, partial)).status == "partial"
    assert CrawlReport((ok, failed)).status == "partial"
    assert CrawlReport((failed, failed)).status == "failed"
    assert CrawlReport((ok, failed)).as_dict()["sources"][1]["status"] == "failed"


def _failure(exc: Exception) -> Failure:
    try:
        raise exc
    except Exception:  # noqa: BLE001 - building a Failure the way Twisted does
        return Failure()


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (HttpError(Response("https://x.vn/a", status=410), "Ignoring non-200 response"), "http-410"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots-disallowed"),
        (DownloadTimeoutError("Getting https://x.vn/a took longer than 1.0 seconds."), "timeout"),
        (
            DownloadCancelledError("Expected to receive 6000000 bytes which is larger than download max size (500000)"),
            "too-large",
        ),
        (DNSLookupError("x.invalid"), "dns-error"),
        (TwistedConnectionRefused(), "connection-error"),
        (ValueError("boom"), "error-valueerror"),
    ],
)
def test_failure_reasons(exc: Exception, reason: str) -> None:
    assert failure_reason(_failure(exc)) == reason


def test_source_stats_count_in_the_crawlers_stats_collector() -> None:
    stats = get_crawler().stats  # Scrapy's own collector, as a crawl has it
    tally = SourceStats(stats, "genk")
    for reason in ("not-html", "http-404", "already-archived", "http-404"):
        tally.note(reason, f"{reason} happened")
    tally.add("fetched", 3)
    tally.add("extraction_s", 0.25)
    tally.fallback("https://genk.vn/a.chn")
    assert stats.get_value("bantin/genk/reason/http-404") == 2 and stats.get_value("bantin/genk/fetched") == 3
    counts = tally.counts()
    assert (counts.rejected, counts.failed, counts.reasons, counts.errors) == (
        1, 2, {"not-html": 1, "http-404": 2, "already-archived": 1},
        ["not-html happened", "http-404 happened", "http-404 happened"],
    )
    assert (counts.fetched, counts.extraction_s, counts.used_fallback) == (3, 0.25, 1)
    assert counts.fallback_urls == ["https://genk.vn/a.chn"] and counts.new == 0
    assert SourceStats(stats, "other").counts() == SourceCounts()  # one source's keys only
