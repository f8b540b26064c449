"""Story summaries as stored: one summary drawn from all the articles several outlets wrote on a story.

They have no table of their own. A story summary is a ``summaries`` row whose model id ends in
``STORY_SUFFIX``, stored on the first (lowest id) article it was drawn from; its options carry
``{"story": {"members": [article ids], "outlets": n}}`` and its options hash covers the members, so
the same story with the same articles is summarized once, and a story that gains an article gets
a new summary (the old one is kept). Queries for an article's own summary leave them out
(``editions.newest_summaries``, ``stories.story_rows``).

The summarize step asks ``story_groups`` which stories the next editions will carry; the
newsletter asks ``edition_story_summaries`` which stored story summary each item shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bantin.archive.models import STORY_SUFFIX, Article, Summary
from bantin.archive.stories import KINDS, in_period, open_period_start, story_rows

__all__ = [
    "STORY_OPTION",
    "STORY_SUFFIX",
    "StoryGroup",
    "edition_story_summaries",
    "story_groups",
    "story_members",
    "story_options",
    "story_outlets",
]

STORY_OPTION = "story"  # the key of the story's members in a story summary's options


@dataclass(frozen=True)
class StoryGroup:
    """A story told by several outlets: its articles in an edition's period, oldest first."""

    key: int
    articles: tuple[Article, ...]


def story_options(options: dict[str, Any], members: Sequence[int], outlets: int) -> dict[str, Any]:
    """``options`` (a summary's options) with the story's members and outlet count added."""
    return {**options, STORY_OPTION: {"members": sorted(set(members)), "outlets": outlets}}


def story_members(row: Summary) -> frozenset[int]:
    """The articles a stored story summary was drawn from (none for another summary)."""
    story = (row.options or {}).get(STORY_OPTION) or {}
    return frozenset(int(member) for member in story.get("members") or ())


def story_outlets(row: Summary) -> int:
    """How many outlets a stored story summary was drawn from."""
    return int(((row.options or {}).get(STORY_OPTION) or {}).get("outlets") or 0)


def story_groups(session: Session, now: datetime, threshold: float) -> list[StoryGroup]:
    """The stories the editions built at ``now`` would carry told by two outlets or more, with their
    articles of the period: for each kind, the period from the end of the previous edition of that
    kind to ``now`` (``open_period_start``) and the newsletter's own rule (``story_rows``). A story
    whose articles are the same for both kinds is listed once."""
    seen: set[tuple[int, ...]] = set()
    groups: list[StoryGroup] = []
    for kind in KINDS:
        start = open_period_start(session, kind, now)
        if start >= now:
            continue
        by_key: dict[int, list[Any]] = defaultdict(list)
        for row in story_rows(session, kind, start, now, threshold):
            by_key[row.story_key].append(row)
        for key, rows in sorted(by_key.items()):
            members = tuple(sorted(row.article.id for row in rows))
            if len({row.source.id for row in rows}) < 2 or members in seen:
                continue
            seen.add(members)
            ordered = sorted(rows, key=lambda row: (row.news_time, row.article.id))
            groups.append(StoryGroup(key, tuple(row.article for row in ordered)))
    return groups


def edition_story_summaries(session: Session, article_ids: Sequence[int], start: datetime,
                            end: datetime) -> dict[int, Summary]:
    """For each of ``article_ids`` (an edition's items), the newest story summary of its story drawn
    only from the story's articles of [start, end) and from two outlets or more; items without one
    are left out. Rendering a stored edition again picks the same one, since a later summary of the
    story drawn from a later article does not fit its period."""
    if not article_ids:
        return {}
    key = func.coalesce(Article.cluster_id, Article.id)
    wanted = select(Article.id, key).where(Article.id.in_(list(article_ids)))
    keys = {article: story for article, story in session.execute(wanted)}
    window: dict[int, set[int]] = defaultdict(set)
    for article_id, story in session.execute(
        select(Article.id, key).where(key.in_(set(keys.values())), in_period(start, end))
    ):
        window[story].add(article_id)
    members = {article for ids in window.values() for article in ids}
    if not members:
        return {}
    rows = session.scalars(
        select(Summary)
        .where(Summary.article_id.in_(members), Summary.model_id.like("%" + STORY_SUFFIX))
        .order_by(Summary.created_at.desc(), Summary.id.desc())
    )
    chosen: dict[int, Summary] = {}
    candidates = list(rows)
    for article_id, story in keys.items():
        articles = window.get(story, set())
        for row in candidates:
            drawn = story_members(row)
            if drawn and drawn <= articles and story_outlets(row) >= 2:
                chosen[article_id] = row
                break
    return chosen
