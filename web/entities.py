"""Entity pages and trends in the web archive (no JavaScript): ``/entities`` (who is named most),
``/entities/{key}`` (latest articles, a weekly mentions chart drawn as server-side SVG, the names
most often named with it), ``/trends`` (the weekly trends), and their JSON under ``/api/``.
Keys and display names come from the app's entities file (``WebOptions.entities_file``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from bantin.archive.continuity import earlier_coverage, story_timeline
from bantin.archive.engine import Database
from bantin.archive.entities import load_catalog
from bantin.archive.mentions import articles_naming, co_mentioned, entity_article_counts, entity_times
from bantin.newsletter.trends import compute_trends
from bantin.web.deps import words

__all__ = ["WEEKS", "earlier_briefs", "entity_data", "router", "story_data", "weekly_chart"]

router = APIRouter()
WEEKS = 12
_CHART_W, _CHART_H, _PAD = 600, 160, 24


def weekly_chart(counts: list[int], ends: list[datetime]) -> dict[str, Any]:
    """Geometry of a bar chart of ``counts`` (one bar a week) for the template's inline SVG."""
    peak = max(counts, default=0) or 1
    slot = (_CHART_W - 2 * _PAD) / max(len(counts), 1)
    bars = []
    for i, (count, end) in enumerate(zip(counts, ends, strict=True)):
        height = round((_CHART_H - 2 * _PAD) * count / peak, 1)
        bars.append({"x": round(_PAD + i * slot + slot * 0.1, 1), "y": round(_CHART_H - _PAD - height, 1),
                     "width": round(slot * 0.8, 1), "height": height, "count": count,
                     "label": (end - timedelta(days=1)).strftime("%d/%m"), "label_x": round(_PAD + i * slot + slot / 2, 1)})
    return {"width": _CHART_W, "height": _CHART_H, "base_y": _CHART_H - _PAD, "bars": bars, "peak": peak}


def entity_data(db: Database, key: str, now: datetime | None = None, entities_file: Path | None = None) -> dict[str, Any] | None:
    """Everything the entity page shows; None for a key ``entities_file`` (None: the shipped one) does not have."""
    catalog = load_catalog(entities_file)
    entity = catalog.entities.get(key)
    if entity is None:
        return None
    now = now or datetime.now(UTC)
    start = now - timedelta(weeks=WEEKS)
    with db.session() as session:
        times = entity_times(session, key, start, now)
        latest = articles_naming(session, key, limit=20)
        together = co_mentioned(session, key, limit=10)
    counts = [0] * WEEKS
    for at in times:
        index = int((at - start) // timedelta(weeks=1))
        if 0 <= index < WEEKS:
            counts[index] += 1
    ends = [start + timedelta(weeks=i + 1) for i in range(WEEKS)]
    return {
        "key": key, "name": entity.name, "kind": entity.kind, "aliases": list(entity.aliases),
        "weekly": [{"week_end": e.isoformat(), "articles": c} for e, c in zip(ends, counts, strict=True)],
        "chart": weekly_chart(counts, ends),
        "articles": [{"id": a.article_id, "title": a.title, "source": a.source, "mentions": a.mentions,
                      "published_at": a.published_at.isoformat() if a.published_at else None} for a in latest],
        "together": [{"key": k, "name": catalog.name_of(k), "articles": n} for k, n in together],
    }


def earlier_briefs(session: Any, article_id: int) -> list[dict[str, Any]]:
    """The earlier coverage of an article's story (for the article page), newest first."""
    return [{"id": e.article_id, "title": e.title, "source_name": e.source,
             "published_at": e.published_at.isoformat() if e.published_at else None}
            for e in earlier_coverage(session, [article_id], limit=5).get(article_id, [])]


def story_data(db: Database, article_id: int) -> list[dict[str, Any]]:
    """The story's timeline across outlets, oldest first (empty for an unknown article)."""
    with db.session() as session:
        return [{"id": e.article_id, "title": e.title, "source_name": e.source, "current": e.article_id == article_id,
                 "published_at": e.published_at.isoformat() if e.published_at else None}
                for e in story_timeline(session, article_id)]


def _overview(db: Database, entities_file: Path | None) -> list[dict[str, Any]]:
    catalog = load_catalog(entities_file)
    now = datetime.now(UTC)
    with db.session() as session:
        recent = entity_article_counts(session, now - timedelta(weeks=WEEKS), now)
        total = entity_article_counts(session)
    keys = sorted(catalog.entities, key=lambda k: (-recent.get(k, 0), -total.get(k, 0), catalog.name_of(k).casefold()))
    return [{"key": k, "name": catalog.name_of(k), "kind": catalog.kind_of(k), "recent": recent.get(k, 0),
             "total": total.get(k, 0)} for k in keys]


def _trends(db: Database, entities_file: Path | None) -> Any:
    with db.session() as session:
        return compute_trends(session, period="weekly", end=datetime.now(UTC), catalog=load_catalog(entities_file))


def _entity(request: Request, key: str) -> Any:
    """The entity page's data for ``key`` in the app's entities file; 404 in the reader's words."""
    data = entity_data(request.app.state.db, key, entities_file=request.app.state.options.entities_file)
    if data is None:
        raise HTTPException(404, words().message("no_entity", name=key[:60]))
    return data


def _render(request: Request, name: str, context: dict[str, Any]) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context)


@router.get("/entities", include_in_schema=False)
async def entities_page(request: Request) -> Response:
    rows = await run_in_threadpool(_overview, request.app.state.db, request.app.state.options.entities_file)
    return _render(request, "entities.html", {"rows": rows, "weeks": WEEKS})


@router.get("/entities/{key}", include_in_schema=False)
async def entity_page(request: Request, key: str) -> Response:
    data = await run_in_threadpool(_entity, request, key)
    return _render(request, "entity.html", {"e": data, "weeks": WEEKS})


@router.get("/stories/{article_id}", include_in_schema=False)
async def story_page(request: Request, article_id: int) -> Response:
    timeline = await run_in_threadpool(story_data, request.app.state.db, article_id)
    if not timeline:
        raise HTTPException(404, f"no article {article_id}")
    return _render(request, "story.html", {"timeline": timeline, "article_id": article_id})


@router.get("/api/stories/{article_id}", summary="The story of an article: its timeline across outlets",
            tags=["archive"])
async def api_story(request: Request, article_id: int) -> dict[str, Any]:
    timeline = await run_in_threadpool(story_data, request.app.state.db, article_id)
    if not timeline:
        raise HTTPException(404, f"no article {article_id}")
    return {"article_id": article_id, "timeline": timeline}


@router.get("/trends", include_in_schema=False)
async def trends_page(request: Request) -> Response:
    report = await run_in_threadpool(_trends, request.app.state.db, request.app.state.options.entities_file)
    return _render(request, "trends.html", {"tr": report})


@router.get("/api/entities/{key}", summary="An entity: weekly mentions, latest articles, names named with it",
            tags=["archive"])
async def api_entity(request: Request, key: str) -> dict[str, Any]:
    data = await run_in_threadpool(_entity, request, key)
    return {k: v for k, v in data.items() if k != "chart"}


@router.get("/api/trends", summary="Entities and topics rising this week against the previous four", tags=["archive"])
async def api_trends(request: Request) -> dict[str, Any]:
    report = await run_in_threadpool(_trends, request.app.state.db, request.app.state.options.entities_file)
    return report.as_dict()
