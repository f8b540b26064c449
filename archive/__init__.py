"""The archive: models, database access, the article repository and (later) search."""

from bantin.archive.engine import Database
from bantin.archive.models import Article, Base, CrawlRun, Edition, EditionItem, Source, Summary
from bantin.archive.search import SearchFilters, SearchHit, SearchPage  # search itself: archive.search.search

__all__ = ["Article", "Base", "CrawlRun", "Database", "Edition", "EditionItem", "SearchFilters", "SearchHit", "SearchPage",
           "Source", "Summary"]
