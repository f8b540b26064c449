"""From an article page to its title, lead, clean body paragraphs, author, date and canonical URL.

Extraction sequence (``extract_page``):

1. decode bytes (wrong or missing charset tolerated) and parse the page once;
2. read the page's own metadata (JSON-LD, OpenGraph, ``article:*``, canonical link, language);
3. with a source whose selectors match: title, lead, author and date from its selectors, body
   paragraphs from its body node after dropping the noise nodes (related links, "Xem thêm",
   captions, ads, author boxes) -> ``method="selectors"``;
4. otherwise (no source, no selectors, or selectors that stopped matching): trafilatura for the
   body, metadata for the rest -> ``method="fallback"``;
5. normalize: HTML character references resolved, NFC, collapsed whitespace, canonical URL,
   Asia/Ho_Chi_Minh dates; authors through the author rules (``bantin.spiders.authors``).

``ExtractedPage.provenance`` says, per field (title, lead, body, author, published), which
selector produced it (``selector:<css>``), which fallback (``fallback:json-ld``, ``og``, ``meta``,
``title-tag``, ``trafilatura``, ``byline``) or that nothing did (``missing``); the archive keeps
it so that ``bantin sources check`` can tell selectors that stopped matching.

Hostile pages: script, style and hidden nodes (``hidden``, ``display:none``,
``visibility:hidden``) are never text, and control, bidi-override and bidi-isolate characters
(a U+202E that shows "gpj.exe" as "exe.jpg") are removed from every stored field.

A page without a title or with less than ``MIN_BODY_CHARS`` of body text (a video-only or
gallery-only page, a login wall) raises ``ExtractionError``; nothing partial is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import trafilatura
from cssselect import GenericTranslator, SelectorError
from lxml import etree
from parsel import Selector

from bantin.errors import ExtractionError
from bantin.safety import http_url, strip_controls
from bantin.spiders.authors import clean_authors, outlet_marks
from bantin.spiders.dates import parse_datetime
from bantin.spiders.decoding import decode_html
from bantin.spiders.metadata import PageMeta, read_meta
from bantin.spiders.sources import Selectors, SourceConfig
from bantin.spiders.urls import canonical_url
from bantin.text import clean_field, collapse_space, looks_vietnamese

__all__ = ["FIELDS", "MIN_BODY_CHARS", "MISSING", "ExtractedPage", "extract_page"]

MIN_BODY_CHARS = 200
# the fields whose provenance an article keeps, and the provenance of a field nothing produced
FIELDS = ("title", "lead", "body", "author", "published")
MISSING = "missing"

_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"}
_ALWAYS_DROP = "script, style, noscript, iframe, video, audio, figure, figcaption, button, form, svg, template"
# never article text: code, and what a reader of the page does not see
_INVISIBLE = (
    "script, style, noscript, template, [hidden], [style*='display:none'], [style*='display: none'],"
    " [style*='visibility:hidden'], [style*='visibility: hidden']"
)
# characters lxml refuses in text it builds (a dropped node's tail joined to its neighbour)
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# a flood of blanks (a 50 MB page of spaces) is one line break: trafilatura refuses pages over 20 MB
_BLANK_FLOOD = re.compile(r"[ \t\r\n\f]{1024,}")
_NOISE = re.compile(
    r"^(?:>>\s*)?(?:xem thêm|đọc thêm|xem tiếp|tin liên quan|bài liên quan|xem video|video:|ảnh:|nguồn ảnh:)",
    re.IGNORECASE,
)
_RELATED = (
    "//*[contains(@class, 'related') or contains(@class, 'relate-') or contains(@class, 'tinlienquan')"
    " or contains(@class, 'lienquan') or contains(@class, 'lien-quan')]"
)
_CSS = GenericTranslator()


@dataclass(frozen=True)
class ExtractedPage:
    """An article as extracted from one page; all text NFC with collapsed whitespace."""

    url: str
    canonical_url: str
    title: str
    lead: str
    body: str
    author: str | None
    published_at: datetime | None
    language: str
    method: str
    provenance: dict[str, str] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[str]:
        return self.body.split("\n\n") if self.body else []


def _text(node: etree._Element) -> str:
    return collapse_space(" ".join("".join(node.itertext()).split()))


def _texts(found: Selector) -> str:
    root = found.root
    return _text(root) if isinstance(root, etree._Element) else collapse_space(str(root))


def _first(page: Selector, selectors: tuple[str, ...]) -> tuple[str, str]:
    """(text, selector) of the first selector that matches something non-empty; ("", "") if none."""
    for css in selectors:
        for found in page.css(css):
            value = _texts(found)
            if value:
                return value, css
    return "", ""


def _every(page: Selector, selectors: tuple[str, ...]) -> tuple[list[str], str]:
    """(texts, selector): every non-empty match of the first selector that matches (several authors)."""
    for css in selectors:
        values = [value for value in (_texts(found) for found in page.css(css)) if value]
        if values:
            return values, css
    return [], ""


def _drop(nodes: list[Selector]) -> None:
    for node in nodes:
        root = node.root
        if isinstance(root, etree._Element) and root.getparent() is not None:
            root.drop_tree()


def _inside_block(node: etree._Element, root: etree._Element) -> bool:
    """Whether ``node`` sits inside another paragraph-level element below ``root``."""
    for ancestor in node.iterancestors():
        if ancestor is root:
            return False
        if isinstance(ancestor.tag, str) and ancestor.tag in _BLOCKS:
            return True
    return False


def _paragraphs(root: etree._Element) -> list[str]:
    out: list[str] = []
    for node in root.iter():
        if not isinstance(node.tag, str) or node.tag not in _BLOCKS:
            continue
        if _inside_block(node, root):
            continue
        text = _text(node)
        if text:
            out.append(text)
    return out


def _clean(paragraphs: list[str], drop_text: tuple[str, ...], title: str, lead: str) -> list[str]:
    patterns = [re.compile(p, re.IGNORECASE) for p in drop_text]
    kept = []
    for text in paragraphs:
        if _NOISE.match(text) or any(p.search(text) for p in patterns) or text in (title, lead):
            continue
        if not kept or kept[-1] != text:
            kept.append(text)
    return kept


def _strip_lead(lead: str, patterns: tuple[str, ...]) -> str:
    for pattern in patterns:
        lead = re.sub(pattern, "", lead, flags=re.IGNORECASE)
    return collapse_space(lead)


def _parse(text: str) -> datetime | None:
    try:
        return parse_datetime(text) if text else None
    except ValueError:
        return None


def _date(page: Selector, selectors: tuple[str, ...], meta: PageMeta) -> tuple[datetime | None, str]:
    """(date, provenance) from the first selector whose text is a date, else the page metadata.

    A date to the minute that the metadata repeats with seconds takes the seconds."""
    declared = _parse(meta.published)
    precise = [d for d in (_parse(value) for _, value in meta.dates) if d is not None and d.second]
    for css in selectors:
        found = _parse(_first(page, (css,))[0])
        if found is not None:
            return _seconds(found, precise), f"selector:{css}"
    if declared is not None:
        return _seconds(declared, precise), "fallback:" + meta.origins.get("published", "meta")
    return None, MISSING


def _seconds(found: datetime, precise: list[datetime]) -> datetime:
    if found.second:
        return found
    return next((d for d in precise if d.replace(second=0, microsecond=0) == found), found)


def _meta_author(meta: PageMeta, marks: frozenset[str]) -> tuple[str, str]:
    """(authors, provenance) from the page metadata: the first value the author rules accept."""
    for origin, value in meta.authors:
        names = clean_authors(value, marks)
        if names:
            return names, f"fallback:{origin}"
    return "", MISSING


@dataclass(frozen=True)
class _Parts:
    title: str
    lead: str
    paragraphs: list[str]
    author: str
    published_at: datetime | None
    provenance: dict[str, str]


def _by_selectors(page: Selector, sel: Selectors, meta: PageMeta, marks: frozenset[str]) -> _Parts | None:
    title, title_css = _first(page, sel.title)
    body_css = next((css for css in sel.body if page.css(css)), "")
    if not title or not body_css:
        return None
    names, author_css = _every(page, sel.author)
    author = clean_authors(names, marks)
    author_from = f"selector:{author_css}" if author else MISSING
    if not author:
        author, author_from = _meta_author(meta, marks)
    published, published_from = _date(page, sel.published, meta)
    lead_css = next((css for css in sel.lead if page.css(css)), "")
    lead_nodes = page.css(lead_css)[:1] if lead_css else []
    for css in sel.drop:
        _drop(page.css(css))
    if lead_nodes and _text(lead_nodes[0].root):
        lead, lead_from = _text(lead_nodes[0].root), f"selector:{lead_css}"
    else:
        lead = meta.description
        lead_from = "fallback:" + meta.origins.get("description", "meta") if lead else MISSING
    lead = _strip_lead(lead, sel.lead_strip)
    body = page.css(body_css)[0]
    _drop(body.css(_ALWAYS_DROP))
    paragraphs = _clean(_paragraphs(body.root), sel.drop_text, title, lead)
    provenance = {"title": f"selector:{title_css}", "lead": lead_from, "body": f"selector:{body_css}",
                  "author": author_from, "published": published_from}
    return _Parts(title, lead, paragraphs, author, published, provenance)


def _prune_xpaths(sel: Selectors | None) -> list[str]:
    """Related-article boxes (always) and the source's own drop selectors, as XPath for trafilatura."""
    paths = [_RELATED, _CSS.css_to_xpath(_INVISIBLE)]
    for css in sel.drop if sel else ():
        try:
            paths.append(_CSS.css_to_xpath(css.split("::")[0]))
        except SelectorError:
            continue
    return paths


def _byline(paragraphs: list[str]) -> str:
    """A short last paragraph without sentence punctuation is the author line ("Bảo Lâm")."""
    last = paragraphs[-1] if paragraphs else ""
    return last if last and len(last) <= 40 and len(last.split()) <= 6 and not re.search(r"[.:!?;]", last) else ""


def _by_fallback(
    html: str, url: str, page: Selector, meta: PageMeta, sel: Selectors | None, marks: frozenset[str]
) -> _Parts:
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False, deduplicate=False,
        prune_xpath=_prune_xpaths(sel),
    )
    text = getattr(doc, "text", None) or ""
    title, title_from = meta.title, "fallback:" + meta.origins.get("title", "meta")
    if not title:
        title, title_from = clean_field(getattr(doc, "title", None) or ""), "fallback:trafilatura"
    lead = _strip_lead(meta.description, sel.lead_strip if sel else ())
    lead_from = "fallback:" + meta.origins.get("description", "meta") if lead else MISSING
    paragraphs = _clean([collapse_space(line) for line in text.split("\n")], sel.drop_text if sel else (), title, lead)
    paragraphs = [p for p in paragraphs if p and not (lead and lead in p and len(p) < len(lead) + 40)]
    author, author_from = _meta_author(meta, marks)
    if not author:
        author = clean_authors(getattr(doc, "author", None) or "", marks)
        author_from = "fallback:trafilatura" if author else MISSING
    byline = _byline(paragraphs)
    if byline and (not author or byline == author) and clean_authors(byline, marks) == byline:
        paragraphs = paragraphs[:-1]
        if not author:
            author, author_from = byline, "fallback:byline"
    published, published_from = _date(page, (), meta)
    if published is None:
        published = _parse(getattr(doc, "date", None) or "")
        published_from = "fallback:trafilatura" if published else MISSING
    provenance = {"title": title_from if title else MISSING, "lead": lead_from,
                  "body": "fallback:trafilatura" if paragraphs else MISSING,
                  "author": author_from, "published": published_from}
    return _Parts(title, lead, paragraphs, author, published, provenance)


def _scrub(text: str) -> str:
    """``text`` without control and bidi-control characters and HTML character references
    (``&#xE1;`` left in a page's text), NFC, blanks collapsed again."""
    return clean_field(strip_controls(text))


def _language(meta: PageMeta, text: str, source: SourceConfig | None) -> str:
    if meta.language:
        return meta.language
    if source is not None:
        return source.language
    return "vi" if looks_vietnamese(text) else "en"


def _canonical(meta: PageMeta, url: str) -> str:
    """The page's declared canonical URL, unless it names a home page or is no http(s) URL at all
    (``javascript:``, a port out of range, a broken IPv6 host): then the URL itself."""
    if meta.canonical:
        try:
            declared = canonical_url(meta.canonical, base=url)
            usable = http_url(declared) is not None and bool(urlsplit(declared).path.strip("/"))
        except ValueError:
            usable = False
        if usable:
            return declared
    return canonical_url(url)


def extract_page(
    html: str | bytes, url: str, source: SourceConfig | None = None, *, content_type: str | None = None
) -> ExtractedPage:
    """The article on the page at ``url``; ``ExtractionError`` when it holds no usable article.

    ``source`` brings the site's selectors; without it (or when they no longer match) the
    trafilatura + JSON-LD/OpenGraph fallback is used. ``content_type`` is the HTTP header, used
    only when ``html`` is bytes in a charset other than UTF-8.
    """
    text = decode_html(html, content_type) if isinstance(html, bytes) else html
    text = _BLANK_FLOOD.sub("\n", _XML_INVALID.sub("", text))
    if not text.strip():
        raise ExtractionError(f"{url}: empty page")
    try:
        page = Selector(text=text, type="html")
    except (ValueError, etree.ParserError) as exc:
        raise ExtractionError(f"{url}: not parseable as HTML ({exc})") from exc
    meta = read_meta(page)  # JSON-LD is read before the scripts go
    marks = outlet_marks(url, meta.site_name, *((source.name, source.homepage) if source else ()))
    _drop(page.css(_INVISIBLE))
    parts = None
    if source is not None and source.selectors.usable:
        parts = _by_selectors(page, source.selectors, meta, marks)
        if parts is not None and sum(len(p) for p in parts.paragraphs) < MIN_BODY_CHARS:
            parts = None
    method = "selectors"
    if parts is None:
        method = "fallback"
        parts = _by_fallback(text, url, page, meta, source.selectors if source else None, marks)
    title = _scrub(parts.title)
    if not title:
        raise ExtractionError(f"{url}: no article title")
    body = _scrub("\n\n".join(parts.paragraphs))
    if len(body) < MIN_BODY_CHARS:
        raise ExtractionError(f"{url}: no article text ({len(body)} characters; a video, gallery or login page?)")
    return ExtractedPage(
        url=url,
        canonical_url=_canonical(meta, url),
        title=title,
        lead=_scrub(parts.lead),
        body=body,
        author=_scrub(parts.author) or None,
        published_at=parts.published_at,
        language=_language(meta, body, source),
        method=method,
        provenance=parts.provenance,
    )
