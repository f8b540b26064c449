"""Source health: are a source's selectors still matching, and do its crawls still succeed?

Per source, over its last N stored articles: how many had each field (title, lead, body, author,
published) from its selectors, from the fallback (page metadata or trafilatura) or not at all
(``articles.provenance``; articles stored before it existed count by their ``extraction``); and
from ``sources`` / ``crawl_runs``: the last successful crawl, consecutive failures and the last
failure's reason. The verdict: ``failing`` after ``FAILING_AFTER`` failed crawls in a row,
``drifting`` when more than ``threshold`` of the recent articles used the fallback extraction
(at least ``MIN_ARTICLES`` of them), else ``ok``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.archive.models import Article, CrawlRun, Source

__all__ = [
    "DEFAULT_LAST",
    "DEFAULT_THRESHOLD",
    "FAILING_AFTER",
    "FIELDS",
    "MIN_ARTICLES",
    "FieldCounts",
    "SourceHealth",
    "drift_notes",
    "source_health",
]

FIELDS = ("title", "lead", "body", "author", "published")
DEFAULT_LAST = 50
DEFAULT_THRESHOLD = 0.3
MIN_ARTICLES = 3
FAILING_AFTER = 2


@dataclass(frozen=True)
class FieldCounts:
    """How many of the recent articles had one field from selectors, from the fallback, or not at all."""

    selectors: int = 0
    fallback: int = 0
    missing: int = 0


@dataclass(frozen=True)
class SourceHealth:
    """One source's health over its last ``articles`` articles and its crawls."""

    key: str
    name: str
    enabled: bool
    verdict: str
    articles: int = 0
    fallback_articles: int = 0
    fields: dict[str, FieldCounts] = field(default_factory=dict)
    last_success_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = None
    last_reason: str | None = None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_success_at"] = self.last_success_at.isoformat() if self.last_success_at else None
        return data


def _short_name(name: str) -> str:
    """The outlet's name without the section: "Dân trí - Sức mạnh số" -> "Dân trí"."""
    return re.split(r"\s+[-–—|]\s+", name, maxsplit=1)[0].strip() or name


def _kind(value: Any) -> str:
    text = str(value or "")
    if text.startswith("selector:"):
        return "selectors"
    if text.startswith("fallback:"):
        return "fallback"
    return "missing"


def _counts(rows: Sequence[tuple[str, dict[str, Any] | None]]) -> dict[str, FieldCounts]:
    tally = {name: {"selectors": 0, "fallback": 0, "missing": 0} for name in FIELDS}
    for extraction, provenance in rows:
        for name in FIELDS:
            if isinstance(provenance, dict):
                kind = _kind(provenance.get(name))
            else:  # stored before provenance was kept: the article's method stands for every field
                kind = "fallback" if extraction == "fallback" else "selectors"
            tally[name][kind] += 1
    return {name: FieldCounts(**values) for name, values in tally.items()}


def _verdict(articles: int, fallback: int, failures: int, threshold: float) -> str:
    if failures >= FAILING_AFTER:
        return "failing"
    if articles >= MIN_ARTICLES and fallback / articles > threshold:
        return "drifting"
    return "ok"


def _message(health: SourceHealth) -> str:
    """The one Vietnamese line an edition footer and the web sources page show."""
    name = _short_name(health.name)
    if health.verdict == "drifting":
        return (f"bộ chọn của {name} không còn khớp: {health.fallback_articles}/{health.articles} "
                "bài gần nhất dùng trích xuất dự phòng")
    if health.verdict == "failing":
        why = f" (lỗi gần nhất: {health.last_reason})" if health.last_reason else ""
        return f"không tải được {name} {health.consecutive_failures} lần liền{why}"
    return ""


def source_health(
    session: Session,
    *,
    last: int = DEFAULT_LAST,
    threshold: float = DEFAULT_THRESHOLD,
    keys: Sequence[str] | None = None,
) -> list[SourceHealth]:
    """The health of every source (or of those in ``keys``), in key order."""
    query = select(Source).order_by(Source.key)
    if keys:
        query = query.where(Source.key.in_(list(keys)))
    out: list[SourceHealth] = []
    for source in session.scalars(query):
        rows = session.execute(
            select(Article.extraction, Article.provenance)
            .where(Article.source_id == source.id)
            .order_by(Article.fetched_at.desc(), Article.id.desc())
            .limit(max(1, last))
        ).all()
        fallback = sum(1 for extraction, _ in rows if extraction == "fallback")
        reason = session.scalar(
            select(CrawlRun.reason)
            .where(CrawlRun.source_id == source.id, CrawlRun.status == "failed")
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
            .limit(1)
        )
        failures = source.consecutive_failures or 0
        health = SourceHealth(
            key=source.key, name=source.name, enabled=bool(source.enabled),
            verdict=_verdict(len(rows), fallback, failures, threshold),
            articles=len(rows), fallback_articles=fallback, fields=_counts([tuple(r) for r in rows]),
            last_success_at=source.last_success_at, consecutive_failures=failures,
            last_error=source.last_error, last_reason=reason,
        )
        out.append(SourceHealth(**{**health.__dict__, "message": _message(health)}))
    return out


def drift_notes(
    session: Session,
    *,
    last: int = DEFAULT_LAST,
    threshold: float = DEFAULT_THRESHOLD,
    verdicts: Sequence[str] = ("drifting", "failing"),
) -> list[str]:
    """The Vietnamese lines of every enabled source whose verdict is one of ``verdicts`` (for the
    edition footer and the web archive's sources page); empty when all is well."""
    return [h.message for h in source_health(session, last=last, threshold=threshold)
            if h.enabled and h.verdict in verdicts and h.message]
