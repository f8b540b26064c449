"""Atom feeds (RFC 4287), for news readers (Miniflux, FreshRSS, Thunderbird …).

``/editions.atom``: the newest editions, each with its top stories. ``/search.atom?q=…&source=…
&topic=…``: the newest matches of a search (a saved search a reader subscribes to). Pages link
them with ``<link rel="alternate" type="application/atom+xml">``. The XML is built with
ElementTree (every text escaped) from text without control characters (XML forbids them).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from bantin.archive.search import search
from bantin.newsletter.render import plain
from bantin.safety import strip_controls
from bantin.web.deps import filters_from, local_day, local_iso, words
from bantin.web.reads import edition_view, editions_list, safe_url

__all__ = ["ATOM_TYPE", "router"]

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_ENTRIES = 30

router = APIRouter(include_in_schema=False)


def _text(value: Any) -> str:
    return strip_controls(plain(value))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = _text(text)
    return element


def _feed(request: Request, title: str, self_path: str, alternate_path: str, updated: str | None) -> ET.Element:
    base = str(request.base_url).rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "vi"})
    _sub(feed, "id", base + self_path)
    _sub(feed, "title", title)
    _sub(feed, "updated", updated or local_iso(datetime.now(UTC).replace(microsecond=0),
                                                  request.app.state.options.timezone))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=base + self_path)
    _sub(feed, "link", rel="alternate", type="text/html", href=base + alternate_path)
    author = _sub(feed, "author")
    _sub(author, "name", words().label("brand"))
    _sub(feed, "generator", "bantin")
    return feed


def _entry(feed: ET.Element, *, entry_id: str, title: str, link: str, updated: str, summary: str,
           related: str | None = None, published: str | None = None) -> None:
    entry = _sub(feed, "entry")
    _sub(entry, "id", entry_id)
    _sub(entry, "title", title)
    _sub(entry, "link", rel="alternate", type="text/html", href=link)
    if related:
        _sub(entry, "link", rel="related", type="text/html", href=related)
    if published:
        _sub(entry, "published", published)
    _sub(entry, "updated", updated)
    _sub(entry, "summary", summary, type="text")


def _response(feed: ET.Element) -> Response:
    ET.register_namespace("", ATOM)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=ATOM_TYPE, headers={"Cache-Control": "public, max-age=300"})


@router.get("/editions.atom")
async def editions_feed(request: Request) -> Response:
    db, options = request.app.state.db, request.app.state.options
    w, zone = words(), options.timezone

    def read() -> list[tuple[dict[str, Any], Any]]:
        listing = editions_list(db, 1, zone)["editions"][:FEED_ENTRIES]
        found = [edition_view(db, brief["id"], zone, sections_file=options.sections_file,
                              threshold=options.relevance_threshold,
                              entities_file=options.entities_file) for brief in listing]
        return [pair for pair in found if pair is not None]

    editions = await run_in_threadpool(read)
    base = str(request.base_url).rstrip("/")
    feed = _feed(request, f"{w.label('brand')} · {w.label('editions')}", "/editions.atom", "/editions",
                 editions[0][0]["created_at"] if editions else None)
    for brief, view in editions:
        stories = [item.title for item in (view.top or view.items)]
        summary = " · ".join(stories) if stories else w.label("empty_title")
        _entry(feed, entry_id=f"{base}/editions/{brief['id']}",
               title=f"{w.label('editions')} {w.kind(brief['kind'])} · {w.label('edition_no')} {brief['number']} · "
                     f"{local_day(brief['period_end'], zone)}",
               link=f"{base}/editions/{brief['id']}", updated=brief["created_at"], published=brief["created_at"],
               summary=summary)
    return _response(feed)


@router.get("/search.atom")
async def search_feed(
    request: Request,
    q: Annotated[str, Query(max_length=20_000)],
    source: Annotated[list[str] | None, Query()] = None,
    topic: Annotated[list[str] | None, Query()] = None,
) -> Response:
    options = request.app.state.options
    filters = filters_from({"source": source, "topic": topic, "per_page": FEED_ENTRIES}, options.timezone)
    result = await run_in_threadpool(search, request.app.state.db, q, filters)
    hits = sorted(result.hits, key=lambda hit: hit.sort_at, reverse=True)  # a feed is newest first
    base = str(request.base_url).rstrip("/")
    query = urlencode([("q", q), *(("source", s) for s in source or ()), *(("topic", t) for t in topic or ())])
    feed = _feed(request, f"{words().label('brand')} · {q}", f"/search.atom?{query}", f"/?{query}",
                 local_iso(hits[0].sort_at, options.timezone) if hits else None)
    for hit in hits:
        data = hit.to_dict()
        _entry(feed, entry_id=f"{base}/articles/{hit.article_id}", title=f"{hit.title} · {hit.source_name}",
               link=f"{base}/articles/{hit.article_id}", related=safe_url(hit.url),
               updated=local_iso(hit.sort_at, options.timezone) or "",
               published=local_iso(hit.published_at, options.timezone), summary=data["snippet"])
    return _response(feed)
