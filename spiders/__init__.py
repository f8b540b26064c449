"""The Scrapy side of bantin: sources, the feed-driven spider, extraction, pipelines, the crawl.

``run_crawl`` runs one crawl in a child process (Twisted's reactor cannot restart inside a
long-lived process) and returns a ``CrawlReport``; ``extract_page`` turns one page into an
``ExtractedPage``; ``load_sources`` reads a sources file.
"""

from spiders.extraction import ExtractedPage, extract_page
from spiders.sources import Selectors, SourceConfig, load_sources

__all__ = ["ExtractedPage", "Selectors", "SourceConfig", "extract_page", "load_sources"]
