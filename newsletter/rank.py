"""Ranking stories and laying them out: the "top stories" block, then the topic sections.

A story's score is a weighted sum (weights in the sections file) of its best relevance, how late
in the period it broke (1 at the end, 0 at the start) and how many outlets covered it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bantin.newsletter.sections import SectionConfig
from bantin.newsletter.select import Candidate, Period, Story

__all__ = ["TOP_SECTION", "PlannedItem", "plan_edition", "score"]

TOP_SECTION = "top"


@dataclass(frozen=True)
class PlannedItem:
    """One item of an edition: its article, place, section key and the other outlets' links."""

    article_id: int
    position: int
    section: str
    also_covered: tuple[dict[str, Any], ...] = ()
    score: float = 0.0


def score(story: Story, period: Period, config: SectionConfig) -> float:
    """The story's score in ``period`` (higher ranks first)."""
    weights = config.ranking
    seconds = max(period.length.total_seconds(), 1.0)
    recency = min(max((story.latest - period.start).total_seconds() / seconds, 0.0), 1.0)
    outlets = min(len(story.members) - 1, weights.outlets_full - 1) / (weights.outlets_full - 1)
    return weights.relevance * story.relevance + weights.recency * recency + weights.outlets * outlets


def plan_edition(stories: list[Story], period: Period, config: SectionConfig) -> list[PlannedItem]:
    """The edition's items in display order: top stories, then each section by score.

    At most ``config.max_items`` stories are kept, the best ranked ones.
    """
    scored = sorted(
        ((score(story, period, config), story) for story in stories),
        key=lambda pair: (-pair[0], -pair[1].relevance, pair[1].lead.news_time, pair[1].key),
    )[: config.max_items]
    top = scored[: config.top_stories]
    rest = scored[config.top_stories :]
    by_section: dict[str, list[tuple[float, Story]]] = {section.key: [] for section in config.sections}
    for value, story in rest:
        by_section[config.section_for_story([member.topics for member in story.members]).key].append((value, story))
    ordered = [(TOP_SECTION, value, story) for value, story in top]
    for section in config.sections:
        ordered.extend((section.key, value, story) for value, story in by_section[section.key])
    return [
        PlannedItem(
            article_id=story.lead.article_id,
            position=position,
            section=section,
            also_covered=tuple(_link(other) for other in story.others),
            score=round(value, 6),
        )
        for position, (section, value, story) in enumerate(ordered, start=1)
    ]


def _link(candidate: Candidate) -> dict[str, Any]:
    return {
        "article_id": candidate.article_id,
        "source": candidate.source_name,
        "source_key": candidate.source_key,
        "title": candidate.title,
        "url": candidate.url,
    }
