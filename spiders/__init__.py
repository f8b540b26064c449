"""The Scrapy side of bantin: sources, the feed-driven spider, extraction, pipelines, the crawl.

``run_crawl`` runs one crawl in a child process (Twisted's reactor cannot restart inside a
long-lived process) and returns a ``CrawlReport``; ``extract_page`` turns one page into an
``ExtractedPage``; ``load_sources`` reads a sources file; ``score_relevance`` scores AI
relevance. Importing this package does not import Scrapy.
"""

from bantin.spiders.crawlsettings import CrawlOptions, Politeness
from bantin.spiders.extraction import ExtractedPage, extract_page
from bantin.spiders.regroup import recluster_recent
from bantin.spiders.relevance import Relevance, score_relevance
from bantin.spiders.report import CrawlReport, SourceReport
from bantin.spiders.run import run_crawl
from bantin.spiders.sources import Selectors, SourceConfig, load_sources, select_sources
from bantin.spiders.urls import canonical_url

__all__ = [
    "CrawlOptions",
    "CrawlReport",
    "ExtractedPage",
    "Politeness",
    "Relevance",
    "Selectors",
    "SourceConfig",
    "SourceReport",
    "canonical_url",
    "extract_page",
    "load_sources",
    "recluster_recent",
    "run_crawl",
    "score_relevance",
    "select_sources",
]
