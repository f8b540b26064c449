"""The one feed-driven spider, configured per source by the sources file.

Discovery: RSS/Atom feeds, news sitemaps (and sitemap indexes), section pages to a bounded
depth. Already-archived URLs are skipped unless ``BANTIN_REFRESH``; ``BANTIN_SINCE`` and
``BANTIN_LIMIT`` bound a run. Every page that is not stored is counted with its reason.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from bantin.errors import ExtractionError, FeedError
from bantin.safety import http_url
from bantin.spiders.dates import VIETNAM
from bantin.spiders.extraction import extract_page
from bantin.spiders.feeds import FeedItem, parse_feed, parse_sitemap
from bantin.spiders.pipelines import ArticleItem
from bantin.spiders.report import SourceStats
from bantin.spiders.sources import SourceConfig, load_sources
from bantin.spiders.store import shared_store
from bantin.spiders.urls import canonical_url, is_same_site

__all__ = ["NewsSpider", "failure_reason"]

_HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def _request_url(link: str, base: str) -> str | None:
    """``link`` made absolute against ``base``; None unless it is an http(s) URL a request can have
    (feeds list ``javascript:`` links, relative paths, ports out of range, broken IPv6 hosts)."""
    return http_url(link, base=base)


def failure_reason(failure: Failure) -> str:
    """A short reason for a failed request: ``http-404``, ``timeout``, ``too-large`` …"""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"http-{exc.response.status}"
    name = type(exc).__name__
    text = str(exc)
    if "robots.txt" in text:
        return "robots-disallowed"
    if "max size" in text or "maxsize" in text.lower() or name == "DownloadCancelledError":
        return "too-large"
    if "Timeout" in name or "timed out" in text.lower() or "took longer than" in text:
        return "timeout"
    if "DNS" in name:
        return "dns-error"
    if "Connection" in name or "ConnectError" in name:
        return "connection-error"
    return "error-" + name.lower()


class NewsSpider(scrapy.Spider):
    """Crawl one source: ``scrapy crawl news -a source=vnexpress`` (from the repository root)."""

    name = "news"

    def __init__(self, source: SourceConfig | str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source_arg = source
        self.seen: set[str] = set()
        self._last_progress = 0.0

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        source = spider.source_arg
        if not isinstance(source, SourceConfig):
            sources = {s.key: s for s in load_sources(settings.get("BANTIN_SOURCES_FILE"))}
            if source not in sources:
                raise ValueError(f"unknown source {source!r}; pass -a source=KEY, one of: {', '.join(sources)}")
            source = sources[source]
        spider.source = source
        spider.name = f"news:{source.key}"
        spider.store = shared_store(settings.get("BANTIN_DATABASE_URL"), settings.get("BANTIN_ENTITIES_FILE"),
                                    settings.get("BANTIN_CONTINUITY"))
        since = settings.get("BANTIN_SINCE")
        spider.since = date.fromisoformat(since) if isinstance(since, str) else since
        spider.limit = settings.getint("BANTIN_LIMIT", 0) or None
        spider.refresh = settings.getbool("BANTIN_REFRESH", False)
        spider.progress_hook = settings.get("BANTIN_PROGRESS_HOOK")
        spider.closed_hook = settings.get("BANTIN_CLOSED_HOOK")
        crawler.signals.connect(spider.callback_failed, signal=signals.spider_error)
        crawler.signals.connect(spider.store_failed, signal=signals.item_error)
        crawler.signals.connect(spider.stored, signal=signals.item_scraped)
        return spider

    @property
    def tally(self) -> SourceStats:
        """This source's counters in the crawler's stats (there from the crawl's start on)."""
        return SourceStats(self.crawler.stats, self.source.key)

    # -- discovery -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.store.register(self.source)
        for url in self.source.feeds:
            yield scrapy.Request(url, self.parse_feed, errback=self.discovery_failed, dont_filter=True)
        for url in self.source.sitemaps:
            yield scrapy.Request(url, self.parse_sitemap, errback=self.discovery_failed, dont_filter=True)
        for url in self.source.sections:
            yield scrapy.Request(url, self.parse_section, errback=self.discovery_failed, meta={"section_depth": 0})

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            items = parse_feed(response.body)
        except FeedError as exc:
            yield from self._bad_discovery(response, exc)
            return
        self.tally.add("discovery_ok")
        yield from self._articles(items, response.url)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            items, children = parse_sitemap(response.body)
        except FeedError as exc:
            yield from self._bad_discovery(response, exc)
            return
        self.tally.add("discovery_ok")
        for child in children[:50]:
            yield scrapy.Request(urljoin(response.url, child), self.parse_sitemap, errback=self.discovery_failed)
        yield from self._articles(items, response.url)

    def parse_section(self, response: Response) -> Iterator[scrapy.Request]:
        self.tally.add("discovery_ok")
        depth = response.meta.get("section_depth", 0)
        items, deeper = [], []
        prefix = urlsplit(response.url).path.rsplit("/", 1)[0]
        for href in response.css("a::attr(href)").getall():
            url = _request_url(href, response.url)
            if url is None or not is_same_site(url, response.url):
                continue
            if self.source.is_article_url(urlsplit(url).path):
                items.append(FeedItem(url))
            elif depth < self.source.section_depth and urlsplit(url).path.startswith(prefix + "/"):
                deeper.append(url)
        yield from self._articles(items, response.url)
        for url in deeper:
            yield scrapy.Request(url, self.parse_section, errback=self.discovery_failed, meta={"section_depth": depth + 1})

    def _bad_discovery(self, response: Response, exc: Exception) -> Iterator[scrapy.Request]:
        self.tally.add("discovery_failed")
        reason = "feed-empty" if "empty" in str(exc) or "no items" in str(exc) else "feed-malformed"
        self.tally.note(reason, f"{response.url}: {exc}")
        self.progress()
        return iter(())

    def discovery_failed(self, failure: Failure) -> None:
        self.tally.add("discovery_failed")
        self.tally.note("feed-" + failure_reason(failure), f"{failure.request.url}: {failure.getErrorMessage()}")
        self.progress()

    def _articles(self, items: list[FeedItem], base: str) -> Iterator[scrapy.Request]:
        fresh: dict[str, FeedItem] = {}
        for listed in items:
            link = _request_url(listed.url, base)
            if link is None:
                self.tally.note("bad-link", f"{base}: not an http(s) link: {listed.url[:200]!r}")
                continue
            item = replace(listed, url=link)
            url = canonical_url(item.url)
            if url in self.seen or url in fresh:
                self.tally.note("duplicate-feed-item")
                continue
            fresh[url] = item
        self.seen.update(fresh)
        self.tally.add("discovered", len(fresh))
        if self.since:
            old = {u for u, i in fresh.items() if i.published and i.published.astimezone(VIETNAM).date() < self.since}
            for url in old:
                self.tally.note("older-than-since")
                del fresh[url]
        known = set() if self.refresh else self.store.known([*fresh, *(i.url for i in fresh.values())])
        for url, item in fresh.items():
            if url in known or item.url in known:
                self.tally.note("already-archived")
                continue
            if self.limit is not None and self.tally.get("scheduled") >= self.limit:
                self.tally.note("over-limit")
                continue
            self.tally.add("scheduled")
            yield scrapy.Request(item.url, self.parse_article, errback=self.article_failed, cb_kwargs={"listed": url})
        self.progress()

    # -- articles --------------------------------------------------------------------------

    def parse_article(self, response: Response, listed: str) -> Iterator[ArticleItem]:
        self.tally.add("fetched")
        self.tally.add("done")
        reason = self._unusable(response, listed)
        if reason:
            self.tally.note(reason, f"{listed}: {reason} ({response.url})")
            self.progress()
            return
        started = time.perf_counter()
        try:
            page = extract_page(response.body, response.url, self.source,
                                content_type=response.headers.get("Content-Type", b"").decode("latin-1"))
        except ExtractionError as exc:
            self.tally.note("no-article", str(exc))
            self.progress()
            return
        finally:
            self.tally.add("extraction_s", time.perf_counter() - started)
        if self.since and page.published_at and page.published_at.date() < self.since:
            self.tally.note("older-than-since")
            return
        yield ArticleItem(self.source.key, page)

    def _unusable(self, response: Response, listed: str) -> str | None:
        content_type = response.headers.get("Content-Type", b"").split(b";")[0].strip().lower()
        if content_type and content_type not in _HTML_TYPES:
            return "not-html"
        if response.meta.get("redirect_urls"):
            path = urlsplit(response.url).path
            if path in ("", "/") or "login" in response.url.lower() or "dang-nhap" in path:
                return "redirected-away"
            if self.source.article_pattern and not self.source.is_article_url(path):
                return "redirected-away"
        return None

    def article_failed(self, failure: Failure) -> None:
        self.tally.add("done")
        reason = failure_reason(failure)
        self.tally.note(reason, f"{failure.request.url}: {failure.getErrorMessage()[:300]}")
        self.progress()

    # -- reporting -------------------------------------------------------------------------

    def callback_failed(self, failure: Failure, response: Response, spider: scrapy.Spider) -> None:
        """A bug in a callback fails that page only; it is counted, not hidden."""
        if spider is self:
            self.tally.note("error-" + type(failure.value).__name__.lower(), f"{response.url}: {failure.value}")

    def store_failed(self, item: ArticleItem, response: Response, spider: scrapy.Spider, failure: Failure) -> None:
        """Storing an article failed (its transaction was rolled back): count it as failed."""
        if spider is self:
            self.tally.note("store-error", f"{item.page.url}: {type(failure.value).__name__}: {failure.value}")

    def stored(self, item: ArticleItem, response: Response, spider: scrapy.Spider) -> None:
        """The item pipeline stored (or skipped as unchanged) an article: show the progress."""
        if spider is self:
            self.progress()

    def progress(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.progress_hook is not None and (force or now - self._last_progress > 0.2):
            self._last_progress = now
            self.progress_hook(self.source.key, self.tally.counts())

    def closed(self, reason: str) -> None:
        self.progress(force=True)
        if self.closed_hook is not None:
            self.closed_hook(self.source, self.tally.counts(), reason)
        else:
            self.logger.info("crawl of %s %s: %s", self.source.key, reason, self.tally.counts())
