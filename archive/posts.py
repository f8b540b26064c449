"""Repository of edition posts: each edition's chat digest per channel, posted or waiting to retry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.archive.models import Edition, EditionPost, utcnow

__all__ = ["PostState", "pending_posts", "plan_posts", "post_states", "record_post"]


@dataclass(frozen=True)
class PostState:
    """One edition's digest on one channel."""

    edition_id: int
    channel: str
    shown: str
    attempts: int
    posted_at: datetime | None
    error: str | None


def _state(row: EditionPost) -> PostState:
    return PostState(row.edition_id, row.channel, row.shown, row.attempts, row.posted_at, row.error)


def plan_posts(session: Session, edition_ids: Iterable[int], channels: dict[str, str]) -> int:
    """Make a waiting post of each edition on each channel (``channel -> shown``) that has none; how many were made."""
    made = 0
    for edition_id in edition_ids:
        if session.get(Edition, edition_id) is None:
            continue
        have = set(session.scalars(select(EditionPost.channel).where(EditionPost.edition_id == edition_id)))
        for channel, shown in channels.items():
            if channel not in have:
                session.add(EditionPost(edition_id=edition_id, channel=channel, shown=shown[:64]))
                made += 1
    session.flush()
    return made


def pending_posts(session: Session, channels: Iterable[str]) -> list[PostState]:
    """The posts not yet made on ``channels`` (new ones and failed ones), oldest edition first."""
    rows = session.scalars(
        select(EditionPost).where(EditionPost.posted_at.is_(None), EditionPost.channel.in_(list(channels)))
        .order_by(EditionPost.edition_id, EditionPost.id)
    )
    return [_state(row) for row in rows]


def record_post(session: Session, edition_id: int, channel: str, error: str | None) -> None:
    """One attempt's outcome: posted now (``error`` None) or failed with ``error`` (retried later)."""
    row = session.scalars(
        select(EditionPost).where(EditionPost.edition_id == edition_id, EditionPost.channel == channel)
    ).one()
    row.attempts += 1
    row.error = error
    if error is None:
        row.posted_at = utcnow()


def post_states(session: Session, edition_ids: Iterable[int]) -> dict[int, list[PostState]]:
    """Every post of ``edition_ids`` by edition (for `bantin editions list`)."""
    states: dict[int, list[PostState]] = {}
    ids = list(edition_ids)
    if not ids:
        return states
    for row in session.scalars(select(EditionPost).where(EditionPost.edition_id.in_(ids)).order_by(EditionPost.id)):
        states.setdefault(row.edition_id, []).append(_state(row))
    return states
