"""Search hits grouped by story: the archive's story clusters (``articles.cluster_id``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

__all__ = ["group_hits"]

H = TypeVar("H")


def group_hits(hits: Sequence[H], cluster_of: Callable[[H], Hashable | None]) -> list[tuple[H, list[H]]]:
    """(best hit, the story's other hits) per story, in the order of each story's best hit.

    ``hits`` come ranked best first, so a story's first hit is its best; a hit without a cluster
    is a story of its own.
    """
    groups: list[tuple[H, list[H]]] = []
    index: dict[Hashable, int] = {}
    for hit in hits:
        cluster = cluster_of(hit)
        if cluster is not None and cluster in index:
            groups[index[cluster]][1].append(hit)
            continue
        if cluster is not None:
            index[cluster] = len(groups)
        groups.append((hit, []))
    return groups
