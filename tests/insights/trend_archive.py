"""A synthetic archive for the trend tests: articles naming entities at set weekly rates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bantin.archive.engine import Database
from bantin.archive.mentions import index_articles
from bantin.archive.repository import ArticleIn, upsert_article

END = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
NAMES = {"nvidia": "Nvidia", "fpt": "FPT", "viettel": "Viettel", "openai": "OpenAI", "anthropic": "Anthropic"}


def fill(db: Database, weekly: dict[str, list[int]], *, end: datetime = END) -> int:
    """Store, for each entity key, ``weekly[key][i]`` articles in week i (the last is the week
    before ``end``); every article names its entity in the title. Returns the number stored."""
    stored = 0
    with db.session() as session:
        for key, counts in weekly.items():
            weeks = len(counts)
            for week, count in enumerate(counts):
                week_start = end - timedelta(days=7 * (weeks - week))
                for n in range(count):
                    at = week_start + timedelta(hours=3 + n * 7)
                    url = f"https://example.vn/{key}/{week}/{n}.html"
                    upsert_article(session, ArticleIn(
                        source_key="vnexpress", url=url, canonical_url=url, published_at=at,
                        title=f"{NAMES[key]} công bố kế hoạch số {week}-{n}",
                        body=f"Bài số {n} tuần {week} về {NAMES[key]} và thị trường.",
                        topics=("chips",) if key == "nvidia" else ("generative",), relevance=0.8,
                    ))
                    stored += 1
        index_articles(session)
    return stored
