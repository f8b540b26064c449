"""Regroup story clusters across articles that were stored apart.

Each crawl process clusters against the archive as it was when the process started, so sources
crawled in parallel (one process each) can store copies of one story in separate clusters.
``recluster_recent`` joins, among recent articles, every pair whose MinHash similarity reaches
the threshold, keeps articles that already share a cluster together, and labels each group with
the id of its earliest article (the smallest id, or an older cluster id a member already has).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from bantin.archive.clusters import recent_signatures, relabel
from bantin.archive.models import utcnow
from bantin.spiders.dedup import NUM_PERM, StoryClusters, minhash_from_values

__all__ = ["recluster_recent"]


def _find(parent: dict[int, int], item: int) -> int:
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def _union(parent: dict[int, int], a: int, b: int) -> None:
    root_a, root_b = _find(parent, a), _find(parent, b)
    if root_a != root_b:
        parent[max(root_a, root_b)] = min(root_a, root_b)


def recluster_recent(session: Session, *, days: int = 7, threshold: float = 0.3) -> int:
    """Merge the story clusters of articles fetched in the last ``days``; returns articles relabelled."""
    rows = recent_signatures(session, utcnow() - timedelta(days=days))
    rows = [row for row in rows if row.minhash and len(row.minhash) == NUM_PERM]
    index = StoryClusters(threshold)
    # labels: article ids, plus older cluster ids members point at (they stay the group's name)
    parent: dict[int, int] = {}
    for row in rows:
        parent.setdefault(row.id, row.id)
        label = row.cluster_id or row.id
        parent.setdefault(label, label)
        _union(parent, row.id, label)
    for row in rows:
        signature = minhash_from_values(row.minhash)
        for other in index.match(row.canonical_url, signature):
            _union(parent, row.id, other)
        index.add(row.canonical_url, row.id, row.id, signature)
    labels = {row.id: _find(parent, row.id) for row in rows}
    moved = {row.id: labels[row.id] for row in rows if row.cluster_id != labels[row.id]}
    relabel(session, moved)
    return len(moved)
