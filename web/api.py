"""The JSON API under ``/api/``: search, article, editions, sources (read-only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from bantin.archive.search import search
from bantin.web.app import filters_from
from bantin.web.reads import article_view, edition_view, editions_list, sources_list

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["archive"])


@router.get("/search", summary="Search articles (diacritics optional)")
async def api_search(
    request: Request,
    q: Annotated[str, Query(description='Words, "phrases", -excluded, OR', max_length=20_000)],
    source: Annotated[list[str] | None, Query()] = None,
    topic: Annotated[list[str] | None, Query()] = None,
    entity: Annotated[list[str] | None, Query(description="entity key (bantin entities list)")] = None,
    since: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="YYYY-MM-DD, inclusive")] = None,
    min_relevance: Annotated[str | None, Query()] = None,
    page: Annotated[str | None, Query()] = None,
    per_page: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    options = request.app.state.options
    params = {"source": source, "topic": topic, "entity": entity, "since": since, "until": until, "min_relevance": min_relevance,
              "page": page, "per_page": per_page}
    filters = filters_from(params, options.timezone)
    result = await run_in_threadpool(search, request.app.state.db, q, filters)
    return result.to_dict()


@router.get("/articles/{article_id}", summary="One article with its summary and the other outlets' coverage")
async def api_article(request: Request, article_id: int) -> dict[str, Any]:
    view = await run_in_threadpool(article_view, request.app.state.db, article_id)
    if view is None:
        raise HTTPException(404, f"no article {article_id}")
    return view


@router.get("/editions", summary="Newsletter editions, newest first")
async def api_editions(request: Request, page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> dict[str, Any]:
    return await run_in_threadpool(editions_list, request.app.state.db, page)


@router.get("/editions/{edition_id}", summary="One edition as published")
async def api_edition(request: Request, edition_id: int) -> dict[str, Any]:
    view = await run_in_threadpool(edition_view, request.app.state.db, edition_id)
    if view is None:
        raise HTTPException(404, f"no edition {edition_id}")
    return view


@router.get("/sources", summary="Sources and their health")
async def api_sources(request: Request) -> list[dict[str, Any]]:
    return await run_in_threadpool(sources_list, request.app.state.db)
