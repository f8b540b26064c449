"""The HTML pages: home and search, article, editions, sources (no JavaScript anywhere)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from bantin.archive.search import SearchPage, search, to_html
from bantin.errors import BadQuery
from bantin.resources import shipped
from bantin.web.deps import BadDate, filters_from, say_error, words
from bantin.web.reads import (
    article_view,
    cluster_members,
    edition_view,
    editions_list,
    latest_articles,
    safe_url,
    source_drift,
    sources_list,
    topic_articles,
    topic_counts,
)
from bantin.web.stories import group_hits

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_FORM_FIELDS = ("q", "source", "topic", "entity", "since", "until", "min_relevance", "per_page")
CACHE_S = 30.0  # the lists beside the search form (sources, topics) are read at most this often


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


async def _cached(request: Request, key: str, read: Callable[[], Any]) -> Any:
    """``read()`` at most every ``CACHE_S`` seconds per app (small lists every page shows)."""
    cache: dict[str, tuple[float, Any]] = request.app.state.cache
    now = time.monotonic()
    hit = cache.get(key)
    if hit is None or now - hit[0] > CACHE_S:
        hit = (now, await run_in_threadpool(read))
        cache[key] = hit
    return hit[1]


def _page_link(form: dict[str, str], page: int) -> str:
    return "/?" + urlencode({**{k: v for k, v in form.items() if v}, "page": page})


def _hit(h: Any) -> dict[str, Any]:
    return {"id": h.article_id, "title_html": to_html(h.title_marked), "snippet_html": to_html(h.snippet_marked),
            "source_name": h.source_name, "time": h.sort_at, "url": safe_url(h.url), "title": h.title}


def _results_context(result: SearchPage, form: dict[str, str], members: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    """One result per story: its best hit, then the story's other articles (matching or not)."""
    stories = []
    for best, others in group_hits(result.hits, lambda h: h.cluster_id):
        story = members.get(best.cluster_id, []) if best.cluster_id is not None else []
        rest = [{"id": a["id"], "source_name": a["source_name"], "title": a["title"]} for a in story
                if a["id"] != best.article_id]
        if not rest:
            rest = [_hit(o) for o in others]
        stories.append({**_hit(best), "others": rest})
    return {
        "result": result,
        "stories": stories,
        "messages": [say_error(m, notice=True) for m in result.messages],
        "prev_link": _page_link(form, result.page - 1) if result.page > 1 and result.page <= result.pages else None,
        "next_link": _page_link(form, result.page + 1) if result.has_next else None,
        "suggestion_link": _page_link({**form, "q": result.suggestion}, 1) if result.suggestion else None,
        "feed_link": "/search.atom?" + urlencode({k: v for k, v in form.items() if v and k in ("q", "source", "topic")}),
    }


async def _form_lists(request: Request) -> dict[str, Any]:
    db, zone = request.app.state.db, request.app.state.options.timezone
    return {
        "sources": await _cached(request, "sources", lambda: sources_list(db, zone)),
        "topics": await _cached(request, "topics", lambda: topic_counts(db)),
    }


@router.get("/")
async def search_page(request: Request, q: Annotated[str | None, Query(max_length=20_000)] = None) -> Response:
    options = request.app.state.options
    form = {k: request.query_params.get(k, "") for k in _FORM_FIELDS}
    context: dict[str, Any] = {"form": form, **await _form_lists(request)}
    if q is None:
        return _render(request, "home.html", {**context, **await _home(request)})
    try:
        params = {**form, "page": request.query_params.get("page")}
        filters = filters_from(params, options.timezone, query=q, entities_file=options.entities_file)
        result = await run_in_threadpool(search, request.app.state.db, q, filters)
    except BadQuery as exc:
        text = str(exc) if isinstance(exc, BadDate) else say_error(str(exc))
        return _render(request, "search.html", {**context, "error": text}, status=400)
    clusters = [hit.cluster_id for hit in result.hits if hit.cluster_id is not None]
    members = await run_in_threadpool(cluster_members, request.app.state.db, clusters, options.timezone) if clusters else {}
    return _render(request, "search.html", {**context, **_results_context(result, form, members)})


async def _home(request: Request) -> dict[str, Any]:
    db, options = request.app.state.db, request.app.state.options

    def read() -> dict[str, Any]:
        latest = editions_list(db, 1, options.timezone)["editions"][:1]
        edition = None
        if latest:
            found = edition_view(db, latest[0]["id"], options.timezone, sections_file=options.sections_file,
                                 threshold=options.relevance_threshold,
                                 entities_file=options.entities_file)
            edition = found[1] if found else None
        return {"edition": edition, "edition_brief": latest[0] if latest else None,
                "latest": latest_articles(db, 10, options.timezone)}

    return await _cached(request, "home", read)


@router.get("/articles/{article_id}")
async def article_page(request: Request, article_id: int) -> Response:
    view = await run_in_threadpool(article_view, request.app.state.db, article_id, request.app.state.options.timezone)
    if view is None:
        raise HTTPException(404, words().message("no_article", id=article_id))
    paragraphs = [p for p in (view["body"] or "").split("\n") if p.strip()]
    return _render(request, "article.html", {"a": view, "paragraphs": paragraphs})


@router.get("/editions")
async def editions_page(request: Request, page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    listing = await run_in_threadpool(editions_list, request.app.state.db, page, request.app.state.options.timezone)
    return _render(request, "editions.html", {"listing": listing})


@router.get("/editions/{edition_id}")
async def edition_page(request: Request, edition_id: int) -> Response:
    options = request.app.state.options
    found = await run_in_threadpool(edition_view, request.app.state.db, edition_id, options.timezone,
                                    sections_file=options.sections_file, threshold=options.relevance_threshold,
                                    entities_file=options.entities_file)
    if found is None:
        raise HTTPException(404, words().message("no_edition", id=edition_id))
    brief, view = found
    return _render(request, "edition.html", {"e": brief, "edition": view})


@router.get("/topics/{topic}")
async def topic_page(request: Request, topic: Annotated[str, Path(max_length=64)]) -> Response:
    db, zone = request.app.state.db, request.app.state.options.timezone
    known = dict(await _cached(request, "topics", lambda: topic_counts(db)))
    if topic not in known:
        raise HTTPException(404, words().message("no_topic", topic=topic[:64]))
    articles = await run_in_threadpool(topic_articles, db, topic, 30, zone)
    return _render(request, "topic.html", {"topic": topic, "articles": articles, "count": known[topic]})


@router.get("/sources")
async def sources_page(request: Request) -> Response:
    db = request.app.state.db
    sources = await run_in_threadpool(sources_list, db, request.app.state.options.timezone)
    return _render(request, "sources.html", {"sources": sources, "drift": await run_in_threadpool(source_drift, db)})


@router.get("/style.css")
async def stylesheet() -> Response:
    return FileResponse(shipped("bantin", "templates", "web", "style.css"), media_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600"})


@router.get("/favicon.ico")
@router.get("/favicon.svg")
async def favicon() -> Response:
    return FileResponse(shipped("bantin", "templates", "web", "favicon.svg"), media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})
