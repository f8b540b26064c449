"""Scrapy settings for a crawl, derived from bantin's ``Settings``: politeness, limits, cache.

Polite by default: robots.txt obeyed, AutoThrottle on, bounded per-domain concurrency, a
configurable User-Agent, retries with backoff on 429/5xx honouring ``Retry-After``, pages over
``crawl_max_page_bytes`` dropped. Every request is bounded: ``DOWNLOAD_TIMEOUT`` covers the whole
download (a server that accepts and sends nothing, or drips bytes, times out), ``DOWNLOAD_MAXSIZE``
cancels an endless body, ``REDIRECT_MAX_TIMES`` ends a redirect loop. The HTTP cache (development) lives in the data folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bantin.config import Settings

__all__ = ["Politeness", "scrapy_settings"]


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
    settings: Settings,
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
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": settings.crawl_obey_robots,
        "CONCURRENT_REQUESTS": polite.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.crawl_concurrency_per_domain,
        "DOWNLOAD_DELAY": 0.5,  # `bantin crawl` sets each source's own delay_s
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": polite.autothrottle_start_s,
        "AUTOTHROTTLE_MAX_DELAY": polite.autothrottle_max_s,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(settings.crawl_concurrency_per_domain),
        "DOWNLOAD_TIMEOUT": settings.crawl_timeout_s,
        "DOWNLOAD_MAXSIZE": settings.crawl_max_page_bytes,
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
        "HTTPCACHE_ENABLED": settings.crawl_http_cache,
        "HTTPCACHE_DIR": str((Path(settings.data_dir) / "httpcache").resolve()),
        "HTTPCACHE_IGNORE_HTTP_CODES": [429, 500, 502, 503, 504],
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "BANTIN_DATABASE_URL": settings.effective_database_url,
        "BANTIN_SOURCES_FILE": str(settings.sources_file) if settings.sources_file else None,
        "BANTIN_SINCE": since.isoformat() if since else None,
        "BANTIN_LIMIT": limit or 0,
        "BANTIN_REFRESH": refresh,
    }
    values.update(extra or {})
    return values
