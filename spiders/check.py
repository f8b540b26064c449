"""One page through one source's selectors, selector by selector: what ``bantin sources check
--page`` prints so a maintainer can see which selector stopped matching and fix it in minutes."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from parsel import Selector

from bantin.errors import ExtractionError
from bantin.spiders.decoding import decode_html
from bantin.spiders.extraction import FIELDS, ExtractedPage, extract_page
from bantin.spiders.sources import SourceConfig
from bantin.text import collapse_space

__all__ = ["PageCheck", "SelectorHit", "check_page"]

_SHOWN = 100


@dataclass(frozen=True)
class SelectorHit:
    """What one selector of one field found on the page."""

    field: str
    selector: str
    matches: int
    text: str  # the first non-empty match, shortened; "" when nothing matched


@dataclass(frozen=True)
class PageCheck:
    """Every selector's result, and the article the extraction made of the page (or why none)."""

    source: str
    hits: tuple[SelectorHit, ...]
    page: ExtractedPage | None
    error: str = ""

    def value(self, name: str) -> str:
        if self.page is None:
            return ""
        if name == "published":
            return self.page.published_at.isoformat() if self.page.published_at else ""
        return str(getattr(self.page, name) or "")


def _shorten(text: str) -> str:
    text = collapse_space(" ".join(text.split()))
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _try(page: Selector, name: str, css: str) -> SelectorHit:
    try:
        found = page.css(css)
    except (ValueError, SyntaxError, etree.XPathError) as exc:  # a selector parsel cannot read
        return SelectorHit(name, css, 0, f"(bad selector: {exc})")
    for node in found:
        root = node.root
        text = "".join(root.itertext()) if isinstance(root, etree._Element) else str(root)
        if text.strip():
            return SelectorHit(name, css, len(found), _shorten(text))
    return SelectorHit(name, css, len(found), "")


def check_page(html: str | bytes, url: str, source: SourceConfig, *, content_type: str | None = None) -> PageCheck:
    """Run ``html`` through each selector of ``source`` and through the whole extraction."""
    text = decode_html(html, content_type) if isinstance(html, bytes) else html
    hits: list[SelectorHit] = []
    try:
        page = Selector(text=text or "<html></html>", type="html")
    except (ValueError, etree.ParserError):
        page = Selector(text="<html></html>", type="html")
    for name in FIELDS:
        for css in getattr(source.selectors, name):
            hits.append(_try(page, name, css))
    try:
        extracted, error = extract_page(text, url, source), ""
    except ExtractionError as exc:
        extracted, error = None, str(exc)
    return PageCheck(source.key, tuple(hits), extracted, error)
