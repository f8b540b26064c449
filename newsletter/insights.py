"""What an edition adds from the entities feature: each item's earlier coverage of its story
("Tin liên quan trước đó") and the overview at the top (headline and three key points).
``compose_view`` calls ``with_insights`` once; everything here reads the archive only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from bantin.archive.continuity import earlier_coverage
from bantin.archive.entities import Catalog
from bantin.archive.mentions import entities_of
from bantin.newsletter.overview import Overview, compose_overview
from bantin.newsletter.rank import TOP_SECTION
from bantin.newsletter.trends import topic_labels

__all__ = ["with_insights"]


def with_insights(session: Session, views: Sequence[Any], planned: Sequence[Any], topics: Mapping[int, Sequence[str]],
                  kind: str, catalog: Catalog | None = None) -> tuple[list[Any], Overview | None]:
    """``views`` (item views in the order of ``planned``) with their earlier coverage, and the
    overview (names from ``catalog``; None: the shipped entities file)."""
    ids = [item.article_id for item in planned]
    earlier = earlier_coverage(session, ids, limit=2)
    views = [replace(view, earlier=tuple(earlier.get(item.article_id, ()))) for view, item in zip(views, planned, strict=True)]
    top_ids = [item.article_id for item in planned if item.section == TOP_SECTION]
    overview = compose_overview(views, top_ids, ids, entities_of(session, ids), topics, kind=kind,
                                topic_labels=topic_labels(), catalog=catalog)
    return views, overview
