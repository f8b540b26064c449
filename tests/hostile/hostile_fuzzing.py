"""Hypothesis strategies for fuzzing the extractor and the feed parser, and the targets they feed.

Shared by ``tests/hostile/test_hostile_fuzz.py`` (a short run in CI) and ``bench/fuzz.py`` (a
long run that counts crashes). A crash is any exception other than the documented failures:
``ExtractionError`` from ``extract_page``, ``FeedError`` from ``parse_feed``/``parse_sitemap``.

Inputs are made, not random bytes alone: element trees in the outlets' markup (their classes,
``<script type="application/ld+json">`` with arbitrary JSON, canonical links, dates), text with
Vietnamese letters, controls and bidi characters, encoded in a charset that may not be the one
declared, then optionally damaged (bytes inserted, cut short).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

from hypothesis import strategies as st

from bantin.errors import ExtractionError, FeedError
from bantin.spiders.extraction import extract_page
from bantin.spiders.feeds import parse_feed, parse_sitemap
from bantin.spiders.sources import SourceConfig, load_sources

__all__ = ["TARGETS", "Target", "extractor_input", "feed_input"]

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐƯƠ"
ODD = "\x00\x07\x1b\x7f\x85\u00ad\u061c\u200b\u200e\u200f\u202a\u202e\u2066\u2069\ufeff\ufffd\U0001f600<>&\"'/=;:%#\\"
TAGS = (
    "p",
    "div",
    "span",
    "h1",
    "h2",
    "h3",
    "article",
    "section",
    "a",
    "script",
    "style",
    "noscript",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "br",
    "img",
    "meta",
    "title",
    "head",
    "body",
    "svg",
    "math",
    "template",
    "iframe",
    "figure",
    "figcaption",
    "time",
    "strong",
    "pre",
    "blockquote",
    "form",
    "button",
    "video",
    "base",
    "link",
    "header",
    "footer",
    "nav",
    "main",
    "font",
    "center",
)
CLASSES = (
    "title-detail",
    "description",
    "fck_detail",
    "Normal",
    "date",
    "location-stamp",
    "box-tinlienquanv2",
    "tplCaption",
    "author_mail",
    "related",
    "sapo",
    "detail-content",
    "maincontent",
    "content-detail-title",
    "article__body",
    "detail-sapo",
    "detail__content",
    "e-magazine",
    "the-article-body",
)
ATTRIBUTES = (
    "class",
    "id",
    "style",
    "href",
    "src",
    "hidden",
    "onerror",
    "content",
    "property",
    "name",
    "itemprop",
    "rel",
    "charset",
    "http-equiv",
    "datetime",
    "lang",
    "dir",
    "type",
)
VALUES = (
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://h:99999999/x",
    "http://[::1",
    "//evil.example/a-1234567.html",
    "https://vnexpress.net/a-4960001.html",
    "",
    " ",
    "display:none",
    "visibility:hidden",
    "text/html; charset=x-unknown",
    "application/ld+json",
    "canonical",
    "og:title",
    "article:published_time",
    "datePublished",
    "2025-10-20T10:00:00+07:00",
    "2025-13-45T99:99:99",
    "99999999999999999999",
    "Thứ hai, 20/10/2025, 10:00 (GMT+7)",
    "-1",
    "0",
    "1e308",
    "NaN",
    "\u202e",
    "refresh",
    "0;url=javascript:alert(1)",
    "vi",
    "rtl",
    "utf-7",
    "x" * 300,
)
CHARSETS = (
    "utf-8",
    "utf-16",
    "utf-16-be",
    "utf-32",
    "cp1258",
    "windows-1252",
    "latin-1",
    "shift_jis",
    "gb18030",
    "koi8-r",
    "utf-7",
    "iso-2022-jp",
    "ascii",
)
CONTENT_TYPES = (
    None,
    "text/html",
    "text/html; charset=utf-8",
    "text/html; charset=iso-8859-1",
    "text/html; charset=windows-1258",
    "text/html; charset=utf-16",
    "text/html; charset=base64",
    "text/html; charset=rot13",
    "text/html; charset=punycode",
    "text/html; charset=idna",
    "text/html; charset=x-nonexistent",
    'text/html; charset="utf-8',
    "text/html; charset=utf-8; charset=ascii",
    "text/html; charset=zlib",
    "text/html; charset=uu",
    "text/html; charset=hex",
    "text/html; charset=mbcs",
)
URLS = (
    "https://vnexpress.net/mo-hinh-ai-4960001.html",
    "http://127.0.0.1:8000/doc/bai-1234567.html",
    "https://xn--vnxpress-9gg.net/a-1234567.html?utm_source=x#frag",
    "http://h/",
)
DATES = (
    "Mon, 20 Oct 2025 10:00:00 +0700",
    "2025-10-20T10:00:00+07:00",
    "99999999999999999999",
    "2025-02-30",
    "Thu, 01 Jan 1970 00:00:00 GMT",
    "0000-00-00",
    "9999-12-31T23:59:59-23:59",
    "-1",
    "1e400",
    "",
    "hôm qua",
    "20/10/2025 10:00",
    "31/12/99999 25:61",
    "Mon, 20 Oct 2025 10:00:00 +9999",
)


def _text(max_size: int = 40) -> st.SearchStrategy[str]:
    letters = st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + " .,0123456789" + ODD)
    return st.one_of(
        st.text(letters, max_size=max_size),
        st.text(max_size=max_size // 2),
        st.sampled_from(VALUES),
    )


def _attributes() -> st.SearchStrategy[str]:
    pair = st.tuples(
        st.sampled_from(ATTRIBUTES),
        st.one_of(st.sampled_from(VALUES + CLASSES), _text(20)),
    )
    return st.lists(pair, max_size=4).map(lambda pairs: "".join(f' {k}="{escape(v)}"' for k, v in pairs))


@st.composite
def _element(draw: Callable[..., Any], children: st.SearchStrategy[str]) -> str:
    tag = draw(st.sampled_from(TAGS))
    inner = "".join(draw(st.lists(children, max_size=4)))
    closing = draw(st.sampled_from((f"</{tag}>", f"</{tag}>", "", "</p>", "</div></div>")))
    return f"<{tag}{draw(_attributes())}>{inner}{closing}"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text(20),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                (
                    "@type",
                    "@graph",
                    "headline",
                    "datePublished",
                    "author",
                    "name",
                    "description",
                    "url",
                    "articleBody",
                    "inLanguage",
                    "mainEntityOfPage",
                    "@id",
                )
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
_markup = st.recursive(_text().map(escape) | _text(), _element, max_leaves=25)


ARTICLE_TEXT = "Trí tuệ nhân tạo giúp các tòa soạn tóm tắt tin tức nhanh hơn, theo các kỹ sư ở Hà Nội. "


@st.composite
def _article_core(draw: Callable[..., Any]) -> str:
    """A title and enough body text to pass the extractor's checks, so the code after them runs too."""
    title = draw(st.one_of(st.just("Trí tuệ nhân tạo thay đổi tòa soạn"), _text(60)))
    paragraphs = "".join(f'<p class="Normal">{escape(ARTICLE_TEXT * 2)}{draw(_markup)}</p>'
                         for _ in range(draw(st.integers(1, 4))))
    return f'<h1 class="title-detail">{escape(title)}</h1><article class="fck_detail">{paragraphs}</article>'


@st.composite
def _document(draw: Callable[..., Any]) -> str:
    head = "".join(draw(st.lists(st.one_of(
        _markup,
        _json.map(lambda value: f'<script type="application/ld+json">{json.dumps(value, ensure_ascii=False)}</script>'),
        st.sampled_from(VALUES + DATES).map(lambda v: f'<link rel="canonical" href="{escape(v)}">'),
        st.sampled_from(VALUES + DATES).map(lambda v: f'<meta property="og:url" content="{escape(v)}">'),
        st.sampled_from(DATES).map(lambda v: f'<meta property="article:published_time" content="{escape(v)}">'),
        st.sampled_from(CHARSETS).map(lambda c: f'<meta charset="{c}">'),
    ), max_size=5)))
    body = draw(st.lists(_markup, max_size=6))
    if draw(st.booleans()):
        body.insert(draw(st.integers(0, len(body))), draw(_article_core()))
    prefix = draw(st.sampled_from(("", "<!DOCTYPE html>", "\ufeff", "<?xml version='1.0'?>", "<!--", "<html lang='vi'>")))
    return f"{prefix}<html><head>{head}</head><body>{''.join(body)}</body></html>"


@st.composite
def _damaged(draw: Callable[..., Any], data: bytes) -> bytes:
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=6)) + data[at:]
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def _encoded(draw: Callable[..., Any], documents: st.SearchStrategy[str]) -> bytes | str:
    document = draw(documents)
    if draw(st.integers(0, 9)) == 0:
        return document  # a str goes in as it is
    data = document.encode(draw(st.sampled_from(CHARSETS)), errors="ignore")
    return draw(_damaged(data)) if draw(st.booleans()) else data


@cache
def shipped_sources() -> tuple[SourceConfig, ...]:
    return tuple(load_sources())


@dataclass(frozen=True)
class ExtractorInput:
    html: bytes | str
    url: str
    source: SourceConfig | None
    content_type: str | None


def extractor_input() -> st.SearchStrategy[ExtractorInput]:
    """Pages (str or bytes) with a URL, maybe a shipped source's selectors, maybe a content type."""
    html = st.one_of(_encoded(_document()), st.binary(max_size=300), st.text(max_size=300))
    source = st.one_of(
        st.none(),
        st.sampled_from(range(len(shipped_sources()))).map(lambda i: shipped_sources()[i]),
    )
    return st.builds(
        ExtractorInput,
        html,
        st.sampled_from(URLS),
        source,
        st.sampled_from(CONTENT_TYPES),
    )


FEED_TAGS = (
    "rss",
    "channel",
    "item",
    "link",
    "guid",
    "title",
    "pubDate",
    "description",
    "feed",
    "entry",
    "published",
    "updated",
    "urlset",
    "url",
    "loc",
    "lastmod",
    "news:news",
    "news:publication_date",
    "news:title",
    "sitemapindex",
    "sitemap",
    "dc:date",
    "rdf:RDF",
    "atom:link",
)
FEED_ATTRIBUTES = (
    "isPermaLink",
    "rel",
    "href",
    "version",
    "xmlns",
    "xmlns:news",
    "type",
)
DOCTYPES = (
    "",
    '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;">]>',
    '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE rss SYSTEM "http://evil.example/rss.dtd">',
    '<?xml version="1.0" encoding="windows-1258"?>',
    '<?xml version="1.0" encoding="x-unknown"?>',
    '<?xml version="1.0" encoding="utf-16"?>',
)


@st.composite
def _feed_element(draw: Callable[..., Any], children: st.SearchStrategy[str]) -> str:
    tag = draw(st.sampled_from(FEED_TAGS))
    attributes = "".join(
        f' {k}="{escape(v)}"'
        for k, v in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(FEED_ATTRIBUTES),
                    st.sampled_from(VALUES + URLS + ("false", "true", "alternate")),
                ),
                max_size=3,
            )
        )
    )
    inner = "".join(draw(st.lists(children, max_size=4)))
    return f"<{tag}{attributes}>{inner}</{tag}>"


_feed_text = st.one_of(
    st.sampled_from(URLS + DATES + VALUES).map(escape),
    _text().map(escape),
    st.sampled_from(("&x;", "&c;", "<![CDATA[<b>x</b>]]>", "&#0;", "&#xD800;", "&amp", "]]>")),
)
_feed_tree = st.recursive(_feed_text, _feed_element, max_leaves=25)


@st.composite
def _feed_document(draw: Callable[..., Any]) -> str:
    return draw(st.sampled_from(DOCTYPES)) + draw(_feed_element(_feed_tree))


def feed_input() -> st.SearchStrategy[bytes]:
    """Feed and sitemap documents (RSS, Atom, urlset, sitemapindex shapes), bytes, maybe damaged."""
    return st.one_of(
        _encoded(_feed_document()).map(lambda d: d.encode() if isinstance(d, str) else d),
        st.binary(max_size=300),
    )


def _extract(value: ExtractorInput) -> None:
    extract_page(value.html, value.url, value.source, content_type=value.content_type)


def _feeds(value: bytes) -> None:
    try:
        parse_feed(value)
    except FeedError:
        pass
    parse_sitemap(value)


@dataclass(frozen=True)
class Target:
    """One fuzzed function: its inputs, how to call it, the exceptions it documents."""

    name: str
    inputs: Callable[[], st.SearchStrategy[Any]]
    call: Callable[[Any], None]
    expected: tuple[type[BaseException], ...]


TARGETS = (
    Target("extract_page", extractor_input, _extract, (ExtractionError,)),
    Target("parse_feed+parse_sitemap", feed_input, _feeds, (FeedError,)),
)
