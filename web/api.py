"""The JSON API under ``/api/``: search, article, editions, sources (read-only).

Times are ISO 8601 with the readers' offset; errors are ``{"error": "<Vietnamese>", "detail": …}``
with status 400 (bad input) or 404 (nothing there), as the schema documents.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from bantin.archive.search import search
from bantin.web.deps import filters_from, local_iso, words
from bantin.web.reads import article_view, edition_view, editions_list, sources_list
from bantin.web.schemas import ArticleOut, EditionList, EditionOut, ErrorOut, SearchOut, SourceOut
from bantin.web.stories import group_hits

__all__ = ["router"]

_BAD = {400: {"model": ErrorOut, "description": "Invalid input (the reason in Vietnamese under `error`)"}}
_MISSING = {404: {"model": ErrorOut, "description": "No such item"}}

router = APIRouter(prefix="/api", tags=["archive"])


def _local_hit(hit: dict[str, Any], timezone: str) -> dict[str, Any]:
    return {**hit, "published_at": local_iso(hit["published_at"], timezone), "time": local_iso(hit["time"], timezone)}


@router.get("/search", summary="Search articles (diacritics optional)", response_model=SearchOut, responses=_BAD)
async def api_search(
    request: Request,
    q: Annotated[str, Query(description='Words, "phrases", -excluded, OR', max_length=20_000)],
    source: Annotated[list[str] | None, Query()] = None,
    topic: Annotated[list[str] | None, Query()] = None,
    entity: Annotated[list[str] | None, Query(description="entity key (bantin entities list)")] = None,
    since: Annotated[str | None, Query(description="YYYY-MM-DD (local day)")] = None,
    until: Annotated[str | None, Query(description="YYYY-MM-DD, inclusive (local day)")] = None,
    min_relevance: Annotated[str | None, Query()] = None,
    page: Annotated[str | None, Query()] = None,
    per_page: Annotated[str | None, Query()] = None,
    group: Annotated[bool, Query(description="one hit per story (its other articles under `others`)")] = False,
) -> dict[str, Any]:
    options = request.app.state.options
    params = {"source": source, "topic": topic, "entity": entity, "since": since, "until": until, "min_relevance": min_relevance,
              "page": page, "per_page": per_page}
    filters = filters_from(params, options.timezone, query=q, entities_file=options.entities_file)
    result = await run_in_threadpool(search, request.app.state.db, q, filters)
    data = result.to_dict()
    hits = [_local_hit(hit, options.timezone) for hit in data["hits"]]
    if group:
        hits = [{**first, "others": others} for first, others in group_hits(hits, lambda h: h["cluster_id"])]
    return {**data, "hits": hits, "grouped": group}


@router.get("/articles/{article_id}", summary="One article with its summary and the other outlets' coverage",
            response_model=ArticleOut, responses={**_BAD, **_MISSING})
async def api_article(request: Request, article_id: int) -> dict[str, Any]:
    view = await run_in_threadpool(article_view, request.app.state.db, article_id, request.app.state.options.timezone)
    if view is None:
        raise HTTPException(404, words().message("no_article", id=article_id))
    return view


@router.get("/editions", summary="Newsletter editions, newest first", response_model=EditionList, responses=_BAD)
async def api_editions(request: Request, page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> dict[str, Any]:
    return await run_in_threadpool(editions_list, request.app.state.db, page, request.app.state.options.timezone)


@router.get("/editions/{edition_id}", summary="One edition as published (as the e-mail showed it)",
            response_model=EditionOut, responses={**_BAD, **_MISSING})
async def api_edition(request: Request, edition_id: int) -> dict[str, Any]:
    options = request.app.state.options
    found = await run_in_threadpool(edition_view, request.app.state.db, edition_id, options.timezone,
                                    sections_file=options.sections_file, threshold=options.relevance_threshold,
                                    entities_file=options.entities_file)
    if found is None:
        raise HTTPException(404, words().message("no_edition", id=edition_id))
    return found[0]


@router.get("/sources", summary="Sources and their health", response_model=list[SourceOut])
async def api_sources(request: Request) -> list[dict[str, Any]]:
    return await run_in_threadpool(sources_list, request.app.state.db, request.app.state.options.timezone)
