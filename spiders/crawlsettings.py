"""Scrapy settings for a crawl, derived from ``CrawlOptions``: politeness, limits, cache.

Polite by default: robots.txt obeyed, AutoThrottle on, bounded per-domain concurrency, a
configurable User-Agent, retries with backoff on 429/5xx honouring ``Retry-After``, pages over
``crawl_max_page_bytes`` dropped. Every request is bounded: ``DOWNLOAD_TIMEOUT`` covers the whole
download (a server that accepts and sends nothing, or drips bytes, times out), ``DOWNLOAD_MAXSIZE``
cancels an endless body, ``REDIRECT_MAX_TIMES`` ends a redirect loop. The HTTP cache (development) lives in the data folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

__all__ = ["CrawlOptions", "Politeness", "scrapy_settings"]


@dataclass(frozen=True)
class CrawlOptions:
    """What a crawl needs from the configuration; the edges build it from ``Settings``.

    ``database_url``: the archive; ``sources_file``: the sources (None: the shipped file);
    ``data_dir``: where ``crawl.log`` and the development HTTP cache go; the rest are the polite
    limits a real site gets (User-Agent, parallel requests per domain, page size cap, download
    timeout, robots.txt, HTTP cache).
    """

    database_url: str
    sources_file: Path | None = None
    data_dir: Path = Path("bantin-data")
    user_agent: str = "bantin/0.1 (+https://example.invalid/bantin)"
    concurrency_per_domain: int = 2
    max_page_bytes: int = 5_000_000
    timeout_s: float = 30.0
    obey_robots: bool = True
    http_cache: bool = False
    entities_file: Path | None = None  # None: the shipped entities file
    continuity: Any = None  # a bantin.archive.continuity.ContinuityOptions; None: its defaults


@dataclass(frozen=True)
class Politeness:
    """Knobs tests and benchmarks turn down for a local server (defaults suit real sites).

    ``retry_times``: retries after the first attempt; ``backoff_s``: first retry delay, doubled
    each time, unless the server sends ``Retry-After``; ``max_delay_s`` caps both;
    ``autothrottle_start_s``: initial delay per site before AutoThrottle adapts;
    ``concurrent_requests``: across all sites in the process.
    """

    retry_times: int = 2
    backoff_s: float = 2.0
    max_delay_s: float = 60.0
    autothrottle_start_s: float = 1.0
    autothrottle_max_s: float = 30.0
    concurrent_requests: int = 16


def scrapy_settings(
    options: CrawlOptions,
    *,
    since: date | None = None,
    limit: int | None = None,
    refresh: bool = False,
    politeness: Politeness | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The Scrapy settings dict for one crawl."""
    polite = politeness or Politeness()
    values: dict[str, Any] = {
        "BOT_NAME": "bantin",
        "SPIDER_MODULES": ["bantin.spiders.news"],
        "USER_AGENT": options.user_agent,
        "ROBOTSTXT_OBEY": options.obey_robots,
        "CONCURRENT_REQUESTS": polite.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.concurrency_per_domain,
        "DOWNLOAD_DELAY": 0.5,  # `bantin crawl` sets each source's own delay_s
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": polite.autothrottle_start_s,
        "AUTOTHROTTLE_MAX_DELAY": polite.autothrottle_max_s,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(options.concurrency_per_domain),
        "DOWNLOAD_TIMEOUT": options.timeout_s,
        "DOWNLOAD_MAXSIZE": options.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": 5,  # news articles redirect once or twice; a loop stops here
        "DNS_TIMEOUT": 20,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": polite.retry_times,
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 522, 524, 408],
        "BANTIN_RETRY_BACKOFF_S": polite.backoff_s,
        "BANTIN_RETRY_MAX_DELAY_S": polite.max_delay_s,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "bantin.spiders.middlewares.BackoffRetryMiddleware": 550,
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            "bantin.spiders.middlewares.SafeMetaRefreshMiddleware": 580,
        },
        "ITEM_PIPELINES": {"bantin.spiders.pipelines.ArchivePipeline": 300},
        "HTTPCACHE_ENABLED": options.http_cache,
        "HTTPCACHE_DIR": str((Path(options.data_dir) / "httpcache").resolve()),
        "HTTPCACHE_IGNORE_HTTP_CODES": [429, 500, 502, 503, 504],
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "BANTIN_DATABASE_URL": options.database_url,
        "BANTIN_SOURCES_FILE": str(options.sources_file) if options.sources_file else None,
        "BANTIN_SINCE": since.isoformat() if since else None,
        "BANTIN_LIMIT": limit or 0,
        "BANTIN_REFRESH": refresh,
        "BANTIN_ENTITIES_FILE": str(options.entities_file) if options.entities_file else None,
        "BANTIN_CONTINUITY": asdict(options.continuity) if options.continuity else None,
    }
    values.update(extra or {})
    return values
