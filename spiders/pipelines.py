"""Item pipeline: validate, then store (relevance, MinHash cluster, upsert) and count.

Rejections become ``DropItem("reason")``; a storage error fails that article only. The counts go
to the crawler's stats (``SourceStats``), never onto the spider.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import DropItem

from bantin.archive.repository import Upsert
from bantin.spiders.extraction import MIN_BODY_CHARS, ExtractedPage
from bantin.spiders.report import SourceStats
from bantin.spiders.store import shared_store

__all__ = ["ArchivePipeline", "ArticleItem"]


@dataclass(frozen=True)
class ArticleItem:
    """An extracted article on its way to the archive."""

    source_key: str
    page: ExtractedPage


class ArchivePipeline:
    """Stores each article; counts new / updated / duplicate in the crawler's stats."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.database_url = crawler.settings.get("BANTIN_DATABASE_URL")
        self.store_args = (crawler.settings.get("BANTIN_ENTITIES_FILE"), crawler.settings.get("BANTIN_CONTINUITY"))

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        page = item.page
        tally = SourceStats(self.crawler.stats, item.source_key)
        if not page.title or len(page.body) < MIN_BODY_CHARS:
            tally.note("no-article", f"{page.url}: incomplete article")
            raise DropItem("no-article")
        stored = shared_store(self.database_url, *self.store_args).store(item.source_key, page)
        tally.add("storage_s", stored.seconds)
        if stored.outcome is Upsert.NEW:
            tally.add("new")
        elif stored.outcome is Upsert.UPDATED:
            tally.add("updated")
        elif stored.outcome is Upsert.DUPLICATE:
            tally.add("duplicate")
            tally.note("duplicate-content")
        else:
            tally.note("unchanged")
        if page.method == "fallback":
            tally.fallback(page.canonical_url)
        return item
