"""Story clusters as stored: the articles' MinHash signatures and cluster labels.

The clustering itself (MinHash, LSH, union-find) is the spiders' job (``bantin.spiders.dedup``,
``bantin.spiders.regroup``); these are the queries it needs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bantin.archive.models import Article

__all__ = ["Signed", "cluster_of", "merge_clusters", "recent_signatures", "relabel"]


class Signed(NamedTuple):
    """An archived article's id, canonical URL, cluster label and stored MinHash values."""

    id: int
    canonical_url: str
    cluster_id: int | None
    minhash: list[int]


def recent_signatures(session: Session, since: datetime, *, limit: int | None = None) -> Iterator[Signed]:
    """The signed articles fetched since ``since``, oldest id first."""
    query = (
        select(Article.id, Article.canonical_url, Article.cluster_id, Article.minhash)
        .where(Article.fetched_at >= since, Article.minhash.is_not(None))
        .order_by(Article.id)
    )
    if limit is not None:
        query = query.limit(limit)
    for row in session.execute(query):
        yield Signed(*row)


def merge_clusters(session: Session, into: int, others: set[int]) -> None:
    """Relabel every article of the clusters ``others`` as cluster ``into``."""
    if others:
        session.execute(update(Article).where(Article.cluster_id.in_(others)).values(cluster_id=into))


def relabel(session: Session, labels: Mapping[int, int]) -> None:
    """Set the cluster of each article id in ``labels``."""
    for article_id, label in labels.items():
        session.get(Article, article_id).cluster_id = label
    session.flush()


def cluster_of(session: Session, article_id: int, *, default: int | None = None) -> int | None:
    """The cluster of ``article_id``; when it has none and ``default`` is given, set it to that."""
    article = session.get(Article, article_id)
    if article.cluster_id is None and default is not None:
        article.cluster_id = default
    return article.cluster_id
