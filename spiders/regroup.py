"""Regroup story clusters after crawls that ran apart.

Each source crawls in its own process, so two outlets' copies of one story can be stored at the
same moment without either crawl seeing the other. After the crawls, ``recluster_recent`` joins
every pair of recent articles whose MinHash similarity reaches the threshold (union-find over
the LSH candidates) and labels each story with the id of its earliest article.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from archive.models import Article, utcnow
from spiders.dedup import NUM_PERM, StoryClusters, _from_values

__all__ = ["recluster_recent"]


def _root(parent: dict[int, int], node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def recluster_recent(session: Session, *, days: int = 7, threshold: float = 0.3) -> int:
    """Re-label the clusters of articles fetched in the last ``days``; returns how many changed."""
    since = utcnow() - timedelta(days=days)
    rows = session.execute(
        select(Article.id, Article.canonical_url, Article.cluster_id, Article.minhash)
        .where(Article.fetched_at >= since, Article.minhash.is_not(None))
        .order_by(Article.id)
    ).all()
    index = StoryClusters(threshold=threshold)
    parent: dict[int, int] = {}
    current: dict[int, int] = {}
    for article_id, url, cluster_id, values in rows:
        if not values or len(values) != NUM_PERM:
            continue
        signature = _from_values(values)
        # an article keeps the cluster it already has (possibly an older story) ...
        label = cluster_id or article_id
        parent.setdefault(label, label)
        parent.setdefault(article_id, article_id)
        parent[_root(parent, article_id)] = _root(parent, label)
        # ... and joins every similar article seen before it
        for other in index.match(url, signature):
            a, b = _root(parent, other), _root(parent, label)
            parent[max(a, b)] = min(a, b)
        index.add(url, article_id, label, signature)
        current[article_id] = cluster_id or article_id
    changed = 0
    for article_id, old in current.items():
        new = _root(parent, article_id)
        if new != old:
            session.execute(update(Article).where(Article.id == article_id).values(cluster_id=new))
            changed += 1
    return changed
