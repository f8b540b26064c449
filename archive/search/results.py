"""What a search returns (the same shape on every backend) and how candidates are ranked."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bantin.archive.search.highlight import Segment, plain, to_html

__all__ = ["CANDIDATES", "HALF_LIFE_DAYS", "Candidate", "SearchHit", "SearchPage", "rank"]

# Ranking work is bounded: a backend ranks at most the CANDIDATES newest matches of a query (all
# of them when fewer match). A term found in a third of the archive thus costs as much as a rare
# one, and what it loses is an old article that the recency boost would rank low anyway.
CANDIDATES = 500
# The recency boost: score = text rank * (1 + 2 ** -(age in days / HALF_LIFE_DAYS)); a match
# published now counts up to twice as much as an old one, and the boost halves every HALF_LIFE_DAYS.
HALF_LIFE_DAYS = 30.0


@dataclass(frozen=True)
class Candidate:
    """A matching article as a backend found it: its id, text rank and time (published or fetched)."""

    article_id: int
    text_rank: float
    sort_at: datetime


def rank(candidates: list[Candidate], now: datetime) -> list[tuple[Candidate, float]]:
    """Candidates with their scores, best first; ties go to the newer article, then the higher id."""
    scored = []
    for cand in candidates:
        age_days = max(0.0, (now - cand.sort_at).total_seconds() / 86400)
        boost = 1.0 + math.pow(2.0, -age_days / HALF_LIFE_DAYS)
        scored.append((cand, max(cand.text_rank, 0.0) * boost))
    scored.sort(key=lambda pair: (-round(pair[1], 12), -pair[0].sort_at.timestamp(), -pair[0].article_id))
    return scored


@dataclass(frozen=True)
class SearchHit:
    """One found article, with its title and a snippet marked where the query matched."""

    article_id: int
    title: str
    url: str
    source_key: str
    source_name: str
    published_at: datetime | None
    sort_at: datetime
    score: float
    relevance: float
    topics: tuple[str, ...]
    cluster_id: int | None
    title_marked: tuple[Segment, ...]
    snippet_marked: tuple[Segment, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: plain strings plus ``*_html`` (escaped, matches in ``<mark>``)."""
        return {
            "id": self.article_id,
            "title": self.title,
            "url": self.url,
            "source": self.source_key,
            "source_name": self.source_name,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "time": self.sort_at.isoformat(),
            "score": round(self.score, 6),
            "relevance": self.relevance,
            "topics": list(self.topics),
            "cluster_id": self.cluster_id,
            "title_html": str(to_html(self.title_marked)),
            "snippet": plain(self.snippet_marked),
            "snippet_html": str(to_html(self.snippet_marked)),
            "matched": sorted({s.text for s in (*self.title_marked, *self.snippet_marked) if s.marked}),
        }


@dataclass(frozen=True)
class SearchPage:
    """One page of results. ``total`` counts the matches ranked; ``capped`` says there are more."""

    query: str
    hits: tuple[SearchHit, ...]
    page: int
    per_page: int
    total: int
    capped: bool = False
    suggestion: str | None = None
    messages: tuple[str, ...] = field(default=())

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "total": self.total,
            "capped": self.capped,
            "suggestion": self.suggestion,
            "messages": list(self.messages),
            "hits": [hit.to_dict() for hit in self.hits],
        }
