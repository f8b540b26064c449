"""What a page says about itself: JSON-LD, OpenGraph, ``article:*`` meta, canonical link, language.

These back up the site selectors and feed the fallback extractor when selectors stop matching.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from parsel import Selector

from bantin.text import clean_field as _clean_field

__all__ = ["PageMeta", "read_meta"]

_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "webpage"}


@dataclass(frozen=True)
class PageMeta:
    """Metadata a page declares; empty strings where it declares nothing.

    Every string is unescaped (``&#xE1;`` -> ``á``, also when escaped twice), NFC and stripped.
    ``origins`` says where each non-empty field came from: ``json-ld``, ``og``, ``meta`` or
    ``title-tag`` (stored as the article's provenance when the fallback uses the field).
    ``authors`` lists every (origin, author value) found (JSON-LD's names joined by ``;``, then
    ``article:author``, ``author``, ``dable:author``): ``bantin.spiders.authors`` picks from them; ``dates`` likewise every
    publication date declared (JSON-LD may round to the minute what ``article:published_time``
    gives to the second).
    """

    title: str = ""
    description: str = ""
    author: str = ""
    published: str = ""
    canonical: str = ""
    language: str = ""
    site_name: str = ""
    authors: tuple[tuple[str, str], ...] = ()
    dates: tuple[tuple[str, str], ...] = ()
    origins: dict[str, str] = field(default_factory=dict)


# an HTML tag left in a metadata string once unescaped (``&lt;p&gt;Tóm tắt&lt;/p&gt;``); never "5 < 7"
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def clean_field(value: object) -> str:
    """A metadata string as stored: ``bantin.text.clean_field`` (entities, NFC, blanks), and no
    HTML tags (a page's metadata holds text, never markup)."""
    text = _clean_field(value)
    return _clean_field(_TAG.sub(" ", text)) if "<" in text else text


def _walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 8:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in node:
                yield from _walk(node[key], depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", "")
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def _string(value: Any) -> str:
    """A JSON-LD value that should be text: a string (or the first string of a list), cleaned."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    return clean_field(value) if isinstance(value, str) else ""


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name", "")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [name for item in value[:20] for name in _names(item)]
    return []


def _load(script: str) -> Any:
    """A JSON-LD script's data; also when the page escaped it as HTML (``&quot;``); None if invalid."""
    for text in (script, html.unescape(script)):
        try:
            return json.loads(text, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _json_ld(page: Selector) -> dict[str, Any]:
    for script in page.css('script[type="application/ld+json"]::text').getall():
        data = _load(script)
        if data is None:
            continue
        for node in _walk(data):
            if not _types(node) & _ARTICLE_TYPES:
                continue
            title = _string(node.get("headline")) or _string(node.get("name"))
            if not title:
                continue
            entity = node.get("mainEntityOfPage")
            url = entity.get("@id", "") if isinstance(entity, dict) else entity
            return {
                "title": title,
                "description": _string(node.get("description")),
                "authors": [clean_field(name) for name in _names(node.get("author"))],
                "published": _string(node.get("datePublished")),
                "canonical": _string(node.get("url")) or _string(url),
            }
    return {}


def _meta(page: Selector, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            value = clean_field(page.xpath(f"//meta[@{attr}=$n]/@content", n=name).get() or "")
            if value:
                return value
    return ""


def _pick(origins: dict[str, str], name: str, *candidates: tuple[str, str]) -> str:
    for origin, value in candidates:
        if value:
            origins[name] = origin
            return value
    return ""


def read_meta(page: Selector) -> PageMeta:
    """The metadata of ``page``; JSON-LD wins over OpenGraph, which wins over plain meta."""
    ld = _json_ld(page)
    origins: dict[str, str] = {}
    lang = page.xpath("/html/@lang").get() or _meta(page, "og:locale", "language", "content-language")
    authors = [("json-ld", "; ".join(a for a in ld.get("authors", []) if a))]
    authors += [("meta", _meta(page, name)) for name in ("article:author", "author", "dable:author")]
    title = _pick(origins, "title", ("json-ld", ld.get("title", "")), ("og", _meta(page, "og:title", "twitter:title")),
                  ("title-tag", clean_field(page.css("title::text").get(""))))
    description = _pick(origins, "description", ("json-ld", ld.get("description", "")),
                        ("og", _meta(page, "og:description")), ("meta", _meta(page, "description")))
    dates = tuple((origin, value) for origin, value in (
        ("json-ld", ld.get("published", "")),
        ("meta", _meta(page, "article:published_time", "datePublished", "pubdate", "og:published_time")),
    ) if value)
    published = _pick(origins, "published", *dates)
    authors = [(origin, value) for origin, value in authors if value]
    return PageMeta(
        title=title,
        description=description,
        author=authors[0][1] if authors else "",
        published=published,
        canonical=clean_field(page.css('link[rel="canonical"]::attr(href)').get() or "")
        or _meta(page, "og:url") or ld.get("canonical", ""),
        language=clean_field(lang).replace("_", "-").split("-")[0].lower(),
        site_name=_meta(page, "og:site_name"),
        authors=tuple(authors),
        dates=dates,
        origins=origins,
    )
