"""What the templates see: an edition's items with their articles, summaries and sections.

The view is built from planned or stored items alike, so a stored edition can be rendered again
(``bantin editions show``, a retried delivery, the web archive) exactly as it was laid out. An item
whose story several outlets told shows the story's summary when the summarize step made one from
the story's articles of the edition's period (``archive.story_summaries``), else its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bantin.archive.editions import articles_with_sources, failing_sources, newest_summaries
from bantin.archive.entities import load_catalog
from bantin.archive.health import drift_notes
from bantin.archive.models import Article, EditionItem, Source, Summary
from bantin.archive.story_summaries import edition_story_summaries, story_outlets
from bantin.newsletter.insights import with_insights
from bantin.newsletter.rank import TOP_SECTION, PlannedItem
from bantin.newsletter.sections import SectionConfig
from bantin.newsletter.select import Period
from bantin.newsletter.trends import compute_trends

__all__ = ["EditionView", "ItemView", "Link", "SectionView", "compose_view", "planned_from_stored"]


@dataclass(frozen=True)
class Link:
    """Another outlet's article on the same story."""

    source: str
    url: str
    title: str


@dataclass(frozen=True)
class ItemView:
    """One item as the templates show it; ``summary_model`` is None when the lead stands in;
    ``summary_sources`` is the number of outlets a story summary was drawn from (1: its own)."""

    position: int
    section: str
    title: str
    url: str
    source: str
    published_at: datetime | None
    summary: str
    summary_model: str | None
    summary_engine: str | None
    author: str | None
    also_covered: tuple[Link, ...]
    earlier: tuple[Any, ...] = ()  # earlier coverage of the story (bantin.archive.continuity.Earlier)
    summary_sources: int = 1

    @property
    def fallback(self) -> bool:
        """True when the article had no summary and its lead is shown instead."""
        return self.summary_model is None


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class EditionView:
    """Everything an edition's templates need (times are aware UTC; templates localize them)."""

    edition_id: int | None
    kind: str
    period_start: datetime
    period_end: datetime
    generated_at: datetime
    timezone: str
    top: tuple[ItemView, ...]
    sections: tuple[SectionView, ...]
    models: tuple[str, ...]
    threshold: float
    version: str
    failing_sources: tuple[tuple[str, str], ...] = ()  # (outlet, its last error) of sources now failing
    drifting_sources: tuple[str, ...] = ()  # "bộ chọn của X không còn khớp: …" (archive.health)
    trends: Any = None  # a weekly edition's TrendReport ("Xu hướng tuần"), see newsletter/trends.py
    overview: Any = None  # the opening headline and key points (newsletter/overview.py)

    @property
    def items(self) -> tuple[ItemView, ...]:
        return (*self.top, *(item for section in self.sections for item in section.items))

    @property
    def story_count(self) -> int:
        return len(self.items)

    @property
    def article_count(self) -> int:
        return sum(1 + len(item.also_covered) for item in self.items)

    @property
    def outlet_count(self) -> int:
        names = {item.source for item in self.items}
        names.update(link.source for item in self.items for link in item.also_covered)
        return len(names)


def planned_from_stored(items: Iterable[EditionItem]) -> list[PlannedItem]:
    """Stored edition items as planned items, in their stored order."""
    return [
        PlannedItem(item.article_id, item.position, item.section, tuple(item.also_covered or ()))
        for item in sorted(items, key=lambda item: item.position)
    ]


def _item_view(planned: PlannedItem, article: Article, source: Source, summary: Summary | None,
               story: Summary | None = None) -> ItemView:
    links = tuple(_link(entry) for entry in planned.also_covered)
    summary = story or summary
    return ItemView(
        position=planned.position,
        section=planned.section,
        title=article.title,
        url=article.url or article.canonical_url,
        source=source.name or source.key,
        published_at=article.published_at,
        summary=summary.text if summary is not None else (article.lead or ""),
        summary_model=summary.model_id if summary is not None else None,
        summary_engine=summary.engine if summary is not None else None,
        author=article.author,
        also_covered=links,
        summary_sources=story_outlets(story) if story is not None else 1,
    )


def _link(entry: dict[str, Any]) -> Link:
    return Link(source=str(entry.get("source", "")), url=str(entry.get("url", "")), title=str(entry.get("title", "")))


def compose_view(
    session: Session,
    planned: Sequence[PlannedItem],
    period: Period,
    config: SectionConfig,
    *,
    edition_id: int | None,
    generated_at: datetime,
    timezone: str,
    threshold: float,
    version: str,
    entities_file: Path | None = None,
) -> EditionView:
    """Join planned items with their articles, sources and newest summaries (a story's, when made;
    names shown as ``entities_file`` writes them; None: the shipped entities file)."""
    catalog = load_catalog(entities_file)
    ids = [item.article_id for item in planned]
    articles = articles_with_sources(session, ids)
    summaries = newest_summaries(session, ids)
    stories = edition_story_summaries(session, ids, period.start, period.end)
    views = [
        _item_view(item, *articles[item.article_id], summaries.get(item.article_id), stories.get(item.article_id))
        for item in sorted(planned, key=lambda item: item.position)
        if item.article_id in articles
    ]
    ordered = [item for item in sorted(planned, key=lambda item: item.position) if item.article_id in articles]
    views, overview = with_insights(session, views, ordered, {i: a.topics or [] for i, (a, _) in articles.items()}, period.kind,
                                    catalog)
    top = tuple(view for view in views if view.section == TOP_SECTION)
    sections = []
    for section in config.sections:
        members = tuple(v for v in views if v.section != TOP_SECTION and config.by_key(v.section).key == section.key)
        if members:
            sections.append(SectionView(section.key, section.title, members))
    models = tuple(sorted({view.summary_model for view in views if view.summary_model}))
    return EditionView(
        edition_id=edition_id,
        kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        generated_at=generated_at,
        timezone=timezone,
        top=top,
        sections=tuple(sections),
        models=models,
        threshold=threshold,
        version=version,
        failing_sources=failing_sources(session),
        drifting_sources=tuple(drift_notes(session, verdicts=("drifting",))),
        trends=compute_trends(session, period="weekly", end=period.end, catalog=catalog) if period.kind == "weekly" else None,
        overview=overview,
    )
