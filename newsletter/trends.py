"""What is rising: entities and topics named in more articles this period than their own baseline.

The rule, stated once (the edition and ``bantin trends`` print it too):

- count: the number of articles of the period that name the entity (or carry the topic tag);
- baseline: the mean count over the previous ``BASELINE_PERIODS`` periods of the same length that
  the archive covers (a period before the archive's first article does not count as a zero),
  at least ``BASELINE_FLOOR`` so that a name new this period can rise;
- rising: count >= ``MIN_COUNT`` and the Poisson upper tail P(X >= count | baseline) < ``ALPHA``;
  falling: baseline >= ``MIN_COUNT`` and the lower tail P(X <= count | baseline) < ``ALPHA``.
  Ranked by the tail probability (smallest first), then by the rise.
- too little data: fewer than ``MIN_ARTICLES`` articles in the period, or an archive that covers
  fewer than ``MIN_BASELINE_PERIODS`` of the baseline periods: no trends, one sentence says why.

An entity going from 2 a week to 12 a week has P(X >= 12 | 2) ~ 1e-6: rising. An archive where
every name keeps its weekly count has tails near 0.5: nothing rises.
"""

from __future__ import annotations

import math
import tomllib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bantin.archive.entities import Catalog, load_catalog
from bantin.archive.mentions import (
    EntityArticle,
    article_bounds,
    articles_naming,
    mention_times,
    strongest_with_topic,
    topic_times,
)

__all__ = ["ALPHA", "BASELINE_PERIODS", "MIN_COUNT", "RULE", "Driver", "Trend", "TrendReport", "compute_trends", "counts_table",
           "poisson_tail", "topic_labels"]

BASELINE_PERIODS = 4
MIN_BASELINE_PERIODS = 2
MIN_COUNT = 3
MIN_ARTICLES = 5
ALPHA = 0.01
BASELINE_FLOOR = 0.5
LENGTHS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
RULE = (f"Tăng khi số bài nhắc tới ≥ {MIN_COUNT} và xác suất Poisson P(X ≥ số bài | trung bình {BASELINE_PERIODS} kỳ "
        f"trước) < {ALPHA:g}; giảm khi P(X ≤ số bài) < {ALPHA:g}.")


def poisson_tail(count: int, mean: float, *, upper: bool = True) -> float:
    """P(X >= count) (``upper``) or P(X <= count) for X ~ Poisson(mean)."""
    mean = max(mean, 1e-9)
    below = 0.0  # P(X <= count - 1) when upper, else P(X <= count)
    last = count - 1 if upper else count
    term = math.exp(-mean)
    for k in range(0, last + 1):
        if k:
            term *= mean / k
        below += term
    return max(0.0, 1.0 - below) if upper else min(1.0, below)


@dataclass(frozen=True)
class Driver:
    """The article that drove a rise: the one that names the entity most (its title first)."""

    title: str
    url: str
    source: str
    published_at: datetime | None


@dataclass(frozen=True)
class Trend:
    key: str
    kind: str  # "entity" or "topic"
    name: str
    count: int
    baseline: float
    history: tuple[int, ...]
    p_value: float
    driver: Driver | None = None

    @property
    def change(self) -> float:
        return self.count - self.baseline

    @property
    def ratio(self) -> float:
        return self.count / self.baseline if self.baseline else float("inf")


@dataclass(frozen=True)
class TrendReport:
    """The trends of one period; ``enough`` is False (and ``reason`` one sentence) with too little data."""

    period: str
    start: datetime
    end: datetime
    articles: int
    baseline_periods: int
    enough: bool
    reason: str = ""
    rising: tuple[Trend, ...] = ()
    falling: tuple[Trend, ...] = ()
    rule: str = RULE
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def peak(self) -> float:
        """The largest count or baseline shown: the bar chart's 100%."""
        values = [t.count for t in self.rising] + [t.baseline for t in self.rising]
        return max(values, default=1.0) or 1.0

    def bar(self, value: float) -> int:
        """``value`` as a bar's width in percent of the chart (at least 1 so that a cell shows)."""
        return max(1, min(100, round(100 * value / self.peak)))

    @property
    def title(self) -> str:
        return "Xu hướng tuần" if self.period == "weekly" else "Xu hướng trong ngày"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("start", "end"):
            data[key] = data[key].isoformat()
        for trend in data["rising"] + data["falling"]:
            if trend["driver"] and trend["driver"]["published_at"]:
                trend["driver"]["published_at"] = trend["driver"]["published_at"].isoformat()
        data.pop("extra")
        return data


def topic_labels() -> dict[str, str]:
    """The lexicon's label of each topic tag (``chips`` -> "Chip và bán dẫn")."""
    try:
        from bantin.resources import shipped

        data = tomllib.loads(shipped("bantin.spiders", "lexicon.toml").read_text(encoding="utf-8"))
        return {key: str(topic.get("label", key)) for key, topic in data.get("topics", {}).items()}
    except Exception:  # noqa: BLE001 - labels are cosmetic; the key stands in
        return {}


def _bucket(times: list[tuple[str, datetime]], start: datetime, length: timedelta, periods: int) -> dict[str, list[int]]:
    """Counts per key in each of ``periods`` periods starting at ``start`` (oldest first)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * periods)
    for key, at in times:
        index = int((at - start) // length)
        if 0 <= index < periods:
            counts[key][index] += 1
    return counts


def _driver(article: EntityArticle | None) -> Driver | None:
    if article is None:
        return None
    return Driver(article.title, article.url, article.source, article.published_at)


def compute_trends(session: Session, *, period: str = "weekly", end: datetime, catalog: Catalog | None = None,
                   topics: bool = True, limit: int = 8) -> TrendReport:
    """Rising and falling entities (and topics) of the ``period`` ending at ``end``."""
    if period not in LENGTHS:
        raise ValueError(f"unknown period {period!r}: use daily or weekly")
    catalog = catalog or load_catalog()
    length = LENGTHS[period]
    start = end - length
    window_start = start - BASELINE_PERIODS * length
    first, articles = article_bounds(session, start, end)
    covered = 0 if first is None else sum(
        1 for i in range(BASELINE_PERIODS) if first < window_start + (i + 1) * length
    )
    covered = min(covered, BASELINE_PERIODS)
    unit = "tuần" if period == "weekly" else "ngày"
    base = dict(period=period, start=start, end=end, articles=articles, baseline_periods=covered)
    if articles < MIN_ARTICLES:
        return TrendReport(**base, enough=False,
                           reason=f"Chưa đủ dữ liệu để tính xu hướng: kỳ này mới có {articles} bài (cần ít nhất {MIN_ARTICLES}).")
    if covered < MIN_BASELINE_PERIODS:
        return TrendReport(**base, enough=False,
                           reason=f"Chưa đủ dữ liệu để tính xu hướng: kho lưu trữ mới có bài của {covered} trong "
                                  f"{BASELINE_PERIODS} {unit} trước (cần ít nhất {MIN_BASELINE_PERIODS}).")
    periods = BASELINE_PERIODS + 1
    series: dict[tuple[str, str], list[int]] = {}
    for key, counts in _bucket(mention_times(session, window_start, end), window_start, length, periods).items():
        series[("entity", key)] = counts
    if topics:
        for key, counts in _bucket(topic_times(session, window_start, end), window_start, length, periods).items():
            if key != "ai":  # the generic tag is on nearly every article
                series[("topic", key)] = counts
    labels = topic_labels() if topics else {}
    rising: list[Trend] = []
    falling: list[Trend] = []
    for (kind, key), counts in series.items():
        history = tuple(counts[BASELINE_PERIODS - covered: BASELINE_PERIODS])
        count = counts[-1]
        mean = sum(history) / len(history)
        baseline = max(mean, BASELINE_FLOOR)
        name = catalog.name_of(key) if kind == "entity" else labels.get(key, key)
        if count >= MIN_COUNT and count > baseline:
            p = poisson_tail(count, baseline, upper=True)
            if p < ALPHA:
                rising.append(Trend(key, kind, name, count, round(mean, 2), history, p))
        elif mean >= MIN_COUNT and count < mean:
            p = poisson_tail(count, mean, upper=False)
            if p < ALPHA:
                falling.append(Trend(key, kind, name, count, round(mean, 2), history, p))
    rising.sort(key=lambda t: (t.p_value, -t.change, t.key))
    falling.sort(key=lambda t: (t.p_value, t.change, t.key))
    rising = [_with_driver(session, t, start, end) for t in rising[:limit]]
    return TrendReport(**base, enough=True, rising=tuple(rising), falling=tuple(falling[:limit]))


def _with_driver(session: Session, trend: Trend, start: datetime, end: datetime) -> Trend:
    if trend.kind == "entity":
        found = articles_naming(session, trend.key, start=start, end=end, limit=1, strongest=True)
        article = found[0] if found else None
    else:
        article = strongest_with_topic(session, trend.key, start, end)
    return Trend(trend.key, trend.kind, trend.name, trend.count, trend.baseline, trend.history, trend.p_value,
                 _driver(article))


def counts_table(report: TrendReport) -> list[dict[str, Any]]:
    """Rows for a plain table: name, kind, count, baseline, change, p-value, driver title."""
    rows = []
    for direction, trends in (("rising", report.rising), ("falling", report.falling)):
        for t in trends:
            rows.append({"direction": direction, "name": t.name, "kind": t.kind, "count": t.count,
                         "baseline": t.baseline, "p_value": t.p_value, "driver": t.driver.title if t.driver else ""})
    return rows

