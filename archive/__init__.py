"""The archive: models, database access, the article repository and (later) search."""

from archive.engine import Database, mask_url
from archive.models import Article, Base, CrawlRun, Edition, EditionItem, Source, Summary

__all__ = ["Article", "Base", "CrawlRun", "Database", "Edition", "EditionItem", "Source", "Summary", "mask_url"]
