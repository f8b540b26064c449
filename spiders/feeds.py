"""Discovery documents: RSS 2.0, Atom and (news) sitemaps, parsed into feed items.

A feed that is empty, is not XML, or lists no links raises ``FeedError`` naming the problem;
mildly broken XML (an unescaped ``&``) is read in lxml's recovery mode. Titles are unescaped
(also when a feed escaped them twice, ``&amp;#xE1;``), NFC and stripped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from bantin.errors import FeedError
from bantin.spiders.dates import parse_datetime
from bantin.text import clean_field

__all__ = ["FeedItem", "parse_feed", "parse_sitemap"]


@dataclass(frozen=True)
class FeedItem:
    """One link a feed or sitemap lists, with its date when it gives one."""

    url: str
    title: str = ""
    published: datetime | None = None


_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def _xml_char_ref(match: re.Match[bytes]) -> bytes:
    """A numeric character reference if XML allows its character; nothing for ``&#xD800;`` and
    the like (recovery mode would keep a surrogate as bytes that later fail to decode)."""
    digits = match.group(1)
    value = int(digits[1:], 16) if digits[:1] in b"xX" else int(digits)
    allowed = value in (0x9, 0xA, 0xD) or 0x20 <= value <= 0xD7FF or 0xE000 <= value <= 0xFFFD or 0x10000 <= value <= 0x10FFFF
    return match.group(0) if allowed else b""


def _root(body: bytes, what: str) -> etree._Element:
    if not body.strip():
        raise FeedError(f"empty {what}")
    body = _CHAR_REF.sub(_xml_char_ref, body)
    strict = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(body.strip(), strict)
    except etree.XMLSyntaxError as exc:
        first_error = exc
    lenient = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(body.strip(), lenient)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise FeedError(f"malformed {what}: {first_error}")
    return root


def _local_name(node: etree._Element) -> str:
    """The element's name without namespace or prefix (recovery mode keeps an unbound ``news:`` prefix)."""
    return str(node.tag).rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _text(node: etree._Element, name: str) -> str:
    found = node.xpath(f"./*[local-name()='{name}']")
    return "".join(found[0].itertext()).strip() if found else ""


def _date(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return parse_datetime(text)
    except ValueError:
        return None


def _atom_link(entry: etree._Element) -> str:
    for link in entry.xpath("./*[local-name()='link']"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href").strip()
    return ""


def parse_feed(body: bytes) -> list[FeedItem]:
    """The items of an RSS 2.0 or Atom feed, in feed order; ``FeedError`` if it has none."""
    root = _root(body, "feed")
    items: list[FeedItem] = []
    for item in root.xpath("//*[local-name()='item']"):
        link = _text(item, "link") or (
            _text(item, "guid") if item.xpath("./*[local-name()='guid'][not(@isPermaLink='false')]") else ""
        )
        if link:
            date = _text(item, "pubDate") or _text(item, "date") or _text(item, "published")
            items.append(FeedItem(link, clean_field(_text(item, "title")), _date(date)))
    for entry in root.xpath("//*[local-name()='entry']"):
        link = _atom_link(entry)
        if link:
            date = _text(entry, "published") or _text(entry, "updated")
            items.append(FeedItem(link, clean_field(_text(entry, "title")), _date(date)))
    if not items:
        kind = _local_name(root)
        if kind in ("rss", "feed", "RDF") and root.xpath("//*[local-name()='channel' or local-name()='feed']") is not None:
            broken = not root.xpath("//*[local-name()='item' or local-name()='entry']")
            raise FeedError("feed lists no items" if broken else "feed items have no links")
        raise FeedError(f"not an RSS or Atom feed (root element <{kind}>)")
    return items


def parse_sitemap(body: bytes) -> tuple[list[FeedItem], list[str]]:
    """(article links, child sitemap links) of a sitemap or sitemap index."""
    root = _root(body, "sitemap")
    kind = _local_name(root)
    if kind == "sitemapindex":
        return [], [loc.strip() for loc in root.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()")]
    if kind != "urlset":
        raise FeedError(f"not a sitemap (root element <{kind}>)")
    items = []
    for url in root.xpath("//*[local-name()='url']"):
        loc = _text(url, "loc")
        news = url.xpath("./*[local-name()='news']")
        date = _text(news[0], "publication_date") if news else _text(url, "lastmod")
        title = clean_field(_text(news[0], "title")) if news else ""
        if loc:
            items.append(FeedItem(loc, title, _date(date)))
    return items, []
