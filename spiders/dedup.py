"""Near-duplicate detection across outlets: MinHash over folded word shingles, story clusters.

Exact duplicates (same canonical URL, same content hash) are the repository's job; here,
syndicated and rewritten copies of one story are grouped: an article whose estimated Jaccard
similarity to an archived one reaches ``threshold`` joins that article's cluster, whose id is
the id of the cluster's earliest stored article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from datasketch import MinHash, MinHashLSH
from sqlalchemy.orm import Session

from bantin.archive.clusters import recent_signatures
from bantin.archive.models import utcnow
from bantin.text import canonical_tones, fold

__all__ = ["NUM_PERM", "StoryClusters", "minhash_from_values", "minhash_of", "shingles"]

NUM_PERM = 128
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures are only comparable within one
SHINGLE = 3
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Word ``size``-grams of ``text`` after folding (no diacritics, đ -> d, lowercase)."""
    words = _WORD.findall(fold(canonical_tones(text)))
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def minhash_of(title: str, lead: str, body: str) -> MinHash:
    """The MinHash signature of an article's text."""
    signature = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    grams = shingles(f"{title}\n{lead}\n{body}")
    signature.update_batch([g.encode("utf-8") for g in grams])
    return signature


def minhash_from_values(values: list[int]) -> MinHash:
    """A signature rebuilt from the values stored in ``articles.minhash``."""
    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=values, scheme=SCHEME)


@dataclass
class _Member:
    article_id: int
    cluster_id: int
    signature: MinHash


class StoryClusters:
    """An in-memory LSH index of recent archived articles, keyed by canonical URL."""

    def __init__(self, threshold: float = 0.3) -> None:
        self.threshold = threshold
        self.index = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.members: dict[str, _Member] = {}

    def load(self, session: Session, *, days: int = 30, limit: int = 50_000) -> StoryClusters:
        """Index the archive's articles fetched in the last ``days`` days."""
        since = utcnow() - timedelta(days=days)
        for article_id, url, cluster_id, values in recent_signatures(session, since, limit=limit):
            if values and len(values) == NUM_PERM:
                self.add(url, article_id, cluster_id or article_id, minhash_from_values(values))
        return self

    def match(self, url: str, signature: MinHash) -> set[int]:
        """The cluster ids of indexed articles (other than ``url``) similar enough to ``signature``.

        More than one id means the new article bridges stories that were stored apart; the
        caller merges them into the smallest (earliest) id with ``merge``.
        """
        found = set()
        for key in self.index.query(signature):
            member = self.members[key]
            if key != url and member.signature.jaccard(signature) >= self.threshold:
                found.add(member.cluster_id)
        return found

    def merge(self, into: int, others: set[int]) -> None:
        """Relabel the members of clusters ``others`` as cluster ``into``."""
        for member in self.members.values():
            if member.cluster_id in others:
                member.cluster_id = into

    def add(self, url: str, article_id: int, cluster_id: int, signature: MinHash) -> None:
        if url in self.members:
            self.index.remove(url)
        self.members[url] = _Member(article_id, cluster_id, signature)
        self.index.insert(url, signature)
