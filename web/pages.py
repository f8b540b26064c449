"""The HTML pages: search, article, editions, sources (no JavaScript anywhere)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from bantin.archive.search import SearchPage, search, to_html
from bantin.errors import BadQuery
from bantin.resources import shipped
from bantin.web.app import filters_from
from bantin.web.reads import (
    article_view,
    edition_view,
    editions_list,
    safe_url,
    sources_list,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_FORM_FIELDS = ("q", "source", "topic", "entity", "since", "until", "min_relevance", "per_page")


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


def _page_link(form: dict[str, str], page: int) -> str:
    return "/?" + urlencode({**{k: v for k, v in form.items() if v}, "page": page})


def _results_context(result: SearchPage, form: dict[str, str]) -> dict[str, Any]:
    hits = [{"id": h.article_id, "title_html": to_html(h.title_marked), "snippet_html": to_html(h.snippet_marked),
             "source_name": h.source_name, "time": h.sort_at, "url": safe_url(h.url)} for h in result.hits]
    return {
        "result": result,
        "hits": hits,
        "prev_link": _page_link(form, result.page - 1) if result.page > 1 and result.page <= result.pages else None,
        "next_link": _page_link(form, result.page + 1) if result.has_next else None,
        "suggestion_link": _page_link({**form, "q": result.suggestion}, 1) if result.suggestion else None,
    }


@router.get("/")
async def search_page(request: Request, q: Annotated[str | None, Query(max_length=20_000)] = None) -> Response:
    options = request.app.state.options
    form = {k: request.query_params.get(k, "") for k in _FORM_FIELDS}
    context: dict[str, Any] = {"form": form, "sources": await run_in_threadpool(sources_list, request.app.state.db)}
    if q is None:
        return _render(request, "search.html", context)
    try:
        params = {**form, "page": request.query_params.get("page")}
        filters = filters_from(params, options.timezone)
        result = await run_in_threadpool(search, request.app.state.db, q, filters)
    except BadQuery as exc:
        return _render(request, "search.html", {**context, "error": str(exc)}, status=400)
    return _render(request, "search.html", {**context, **_results_context(result, form)})


@router.get("/articles/{article_id}")
async def article_page(request: Request, article_id: int) -> Response:
    view = await run_in_threadpool(article_view, request.app.state.db, article_id)
    if view is None:
        raise HTTPException(404, f"no article {article_id}")
    paragraphs = [p for p in view["body"].split("\n") if p.strip()]
    return _render(request, "article.html", {"a": view, "paragraphs": paragraphs})


@router.get("/editions")
async def editions_page(request: Request, page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    listing = await run_in_threadpool(editions_list, request.app.state.db, page)
    return _render(request, "editions.html", {"listing": listing})


@router.get("/editions/{edition_id}")
async def edition_page(request: Request, edition_id: int) -> Response:
    view = await run_in_threadpool(edition_view, request.app.state.db, edition_id)
    if view is None:
        raise HTTPException(404, f"no edition {edition_id}")
    sections: dict[str, list[dict[str, Any]]] = {}
    for item in view["items"]:
        sections.setdefault(item["section"] or "", []).append(item)
    return _render(request, "edition.html", {"e": view, "sections": sections})


@router.get("/sources")
async def sources_page(request: Request) -> Response:
    return _render(request, "sources.html", {"sources": await run_in_threadpool(sources_list, request.app.state.db)})


@router.get("/style.css")
async def stylesheet() -> Response:
    return FileResponse(shipped("bantin", "templates", "web", "style.css"), media_type="text/css")
