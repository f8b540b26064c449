"""What a page says about itself: JSON-LD, OpenGraph, ``article:*`` meta, canonical link, language.

These back up the site selectors and feed the fallback extractor when selectors stop matching.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from parsel import Selector

from bantin.text import collapse_space

__all__ = ["PageMeta", "read_meta"]

_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "webpage"}


@dataclass(frozen=True)
class PageMeta:
    """Metadata a page declares; empty strings where it declares nothing."""

    title: str = ""
    description: str = ""
    author: str = ""
    published: str = ""
    canonical: str = ""
    language: str = ""
    site_name: str = ""


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in node:
                yield from _walk(node[key])


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", "")
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def _name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("name", ""))
    if isinstance(value, list):
        return ", ".join(name for name in (_name(v) for v in value) if name)
    return ""


def _json_ld(page: Selector) -> dict[str, str]:
    for script in page.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(script, strict=False)
        except ValueError:
            continue
        for node in _walk(data):
            if not _types(node) & _ARTICLE_TYPES or not (node.get("headline") or node.get("name")):
                continue
            entity = node.get("mainEntityOfPage")
            url = entity.get("@id", "") if isinstance(entity, dict) else entity if isinstance(entity, str) else ""
            return {
                "title": str(node.get("headline") or node.get("name") or ""),
                "description": str(node.get("description") or ""),
                "author": _name(node.get("author")),
                "published": str(node.get("datePublished") or ""),
                "canonical": str(node.get("url") or url or ""),
            }
    return {}


def _meta(page: Selector, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            value = page.xpath(f"//meta[@{attr}=$n]/@content", n=name).get()
            if value and value.strip():
                return value.strip()
    return ""


def read_meta(page: Selector) -> PageMeta:
    """The metadata of ``page``; JSON-LD wins over OpenGraph, which wins over plain meta."""
    ld = _json_ld(page)
    lang = page.xpath("/html/@lang").get() or _meta(page, "og:locale", "language", "content-language")
    return PageMeta(
        title=collapse_space(ld.get("title") or _meta(page, "og:title", "twitter:title") or page.css("title::text").get("")),
        description=collapse_space(ld.get("description") or _meta(page, "og:description", "description")),
        author=collapse_space(ld.get("author") or _meta(page, "article:author", "author", "dable:author")),
        published=ld.get("published") or _meta(page, "article:published_time", "datePublished", "pubdate", "og:published_time"),
        canonical=(page.css('link[rel="canonical"]::attr(href)').get() or "").strip()
        or _meta(page, "og:url") or ld.get("canonical", ""),
        language=lang.strip().replace("_", "-").split("-")[0].lower(),
        site_name=_meta(page, "og:site_name"),
    )
