"""The archive as the crawl sees it: known URLs, and storing an extracted article with its
relevance, MinHash signature and story cluster. One instance per process and database."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bantin.archive.clusters import cluster_of, merge_clusters
from bantin.archive.continuity import ContinuityOptions, VectorCache, link_story
from bantin.archive.engine import Database
from bantin.archive.entities import load_catalog
from bantin.archive.mentions import index_article
from bantin.archive.repository import (
    ArticleIn,
    Upsert,
    ensure_source,
    known_urls,
    upsert_article,
)
from bantin.spiders.dedup import StoryClusters, minhash_of
from bantin.spiders.extraction import ExtractedPage
from bantin.spiders.relevance import score_relevance
from bantin.spiders.sources import SourceConfig

__all__ = ["ArchiveStore", "Stored", "shared_store"]

_STORES: dict[str, ArchiveStore] = {}


@dataclass(frozen=True)
class Stored:
    """What storing one article did."""

    article_id: int
    outcome: Upsert
    cluster_id: int | None
    relevance: float
    seconds: float


class ArchiveStore:
    """Writes articles into the archive at ``url``; keeps the story-cluster index in memory."""

    def __init__(self, url: str, entities_file: str | Path | None = None, continuity: dict | None = None) -> None:
        self.catalog = load_catalog(Path(entities_file) if entities_file else None)  # a bad file fails the crawl now
        self.continuity = ContinuityOptions(**dict(continuity)) if continuity else ContinuityOptions()
        self.vectors = VectorCache()
        self.db = Database.connect(url)
        with self.db.session() as session:
            self.clusters = StoryClusters().load(session)

    def known(self, urls: Iterable[str]) -> set[str]:
        with self.db.session() as session:
            return known_urls(session, urls)

    def register(self, source: SourceConfig) -> None:
        with self.db.session() as session:
            ensure_source(session, source.key, name=source.name, homepage=source.homepage, feeds=source.feeds)

    def store(self, source_key: str, page: ExtractedPage) -> Stored:
        """Score, sign, cluster and upsert ``page`` in one transaction."""
        started = time.perf_counter()
        relevance = score_relevance(page.title, page.lead, page.body)
        signature = minhash_of(page.title, page.lead, page.body)
        similar = self.clusters.match(page.canonical_url, signature)
        cluster = min(similar) if similar else None
        item = ArticleIn(
            source_key=source_key, url=page.url, canonical_url=page.canonical_url, title=page.title,
            lead=page.lead, body=page.body, author=page.author, published_at=page.published_at,
            language=page.language, relevance=relevance.score, topics=relevance.topics,
            extraction=page.method, provenance=page.provenance or None,
            minhash=tuple(int(v) for v in signature.hashvalues), cluster_id=cluster,
        )
        with self.db.session() as session:
            result = upsert_article(session, item)
            if len(similar) > 1:  # this article bridges stories stored apart: one cluster now
                merge_clusters(session, cluster, similar - {cluster})
                self.clusters.merge(cluster, similar - {cluster})
            if result.outcome is Upsert.NEW and cluster is None:
                cluster = cluster_of(session, result.article_id, default=result.article_id)
            elif result.outcome is not Upsert.NEW:
                cluster = cluster_of(session, result.article_id)
            if result.outcome in (Upsert.NEW, Upsert.UPDATED):  # entity mentions and story links follow the text
                index_article(session, result.article_id, self.catalog)
                link_story(session, result.article_id, self.continuity, self.vectors)
        if result.outcome in (Upsert.NEW, Upsert.UPDATED):
            self.clusters.add(page.canonical_url, result.article_id, cluster or result.article_id, signature)
        return Stored(result.article_id, result.outcome, cluster, relevance.score, time.perf_counter() - started)

    def close(self) -> None:
        self.db.close()


def shared_store(url: str, entities_file: str | None = None, continuity: dict | None = None) -> ArchiveStore:
    """The process's store for the database at ``url`` (created on first use)."""
    if url not in _STORES:
        _STORES[url] = ArchiveStore(url, entities_file, continuity)
    return _STORES[url]
