"""What a search returns (the same shape on every backend) and how candidates are ranked."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bantin.archive.search.highlight import Segment, plain, to_html

__all__ = [
    "ADJACENCY",
    "CANDIDATES",
    "HALF_LIFE_DAYS",
    "Candidate",
    "Found",
    "SearchHit",
    "SearchPage",
    "approximately",
    "rank",
]

# Ranking work is bounded by cost: a backend ranks every match of a query with up to about 20,000
# matches; above that, the newest CANDIDATES matches (more for a deep page) and the newest title
# matches (see each backend's ``*_candidates``).
CANDIDATES = 500
# Unquoted words side by side: score x (1 + ADJACENCY * share of the query's neighbouring word
# pairs that the article has side by side, in order). "tri tue nhan tao" as a phrase ranks above
# the same four syllables scattered over a text, wherever they are.
ADJACENCY = 1.0
# The recency boost: score = text rank * (1 + 2 ** -(age in days / HALF_LIFE_DAYS)); a match
# published now counts up to twice as much as an old one, and the boost halves every HALF_LIFE_DAYS.
HALF_LIFE_DAYS = 30.0


@dataclass(frozen=True)
class Candidate:
    """A matching article as a backend found it: its id, text rank and time (published or fetched)."""

    article_id: int
    text_rank: float
    sort_at: datetime


@dataclass(frozen=True)
class Found:
    """What a backend found: the candidates to rank and the number of matches (``estimated``
    when not all matches were read)."""

    candidates: list[Candidate]
    total: int
    estimated: bool


def rank(
    candidates: list[Candidate], now: datetime, adjacency: dict[int, float] | None = None
) -> list[tuple[Candidate, float]]:
    """Candidates with their scores, best first; ties go to the newer article, then the higher id.

    ``adjacency`` (article id -> share of the query's word pairs found side by side, 0 to 1)
    multiplies a score by up to ``1 + ADJACENCY``.
    """
    scored = []
    for cand in candidates:
        age_days = max(0.0, (now - cand.sort_at).total_seconds() / 86400)
        boost = 1.0 + math.pow(2.0, -age_days / HALF_LIFE_DAYS)
        near = 1.0 + ADJACENCY * (adjacency or {}).get(cand.article_id, 0.0)
        scored.append((cand, max(cand.text_rank, 0.0) * boost * near))
    scored.sort(key=lambda pair: (-round(pair[1], 12), -pair[0].sort_at.timestamp(), -pair[0].article_id))
    return scored


def approximately(total: int) -> str:
    """A large count as a reader reads an estimate: three significant digits, Vietnamese
    thousands separator ("66.600")."""
    digits = max(0, len(str(total)) - 3)
    rounded = round(total, -digits) if digits else total
    return f"{rounded:,}".replace(",", ".")


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
    """One page of results. ``total`` counts the matches; ``capped`` says it is an estimate."""

    query: str
    hits: tuple[SearchHit, ...]
    page: int
    per_page: int
    total: int
    capped: bool = False
    suggestion: str | None = None
    messages: tuple[str, ...] = field(default=())

    @property
    def total_text(self) -> str:
        """The count as shown to a reader: "12 kết quả", "khoảng 66.600 kết quả"."""
        if self.capped:
            return f"khoảng {approximately(self.total)} kết quả"
        return f"{self.total:,} kết quả".replace(",", ".")

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
            "total_text": self.total_text,
            "suggestion": self.suggestion,
            "messages": list(self.messages),
            "hits": [hit.to_dict() for hit in self.hits],
        }
