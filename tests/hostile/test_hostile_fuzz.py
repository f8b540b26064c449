"""Fuzzing in CI (a short hypothesis run per target) and every crash ``bench/fuzz.py`` found.

A crash is any exception but the documented ``ExtractionError`` / ``FeedError``. Each regression
test below is the shrunk input of one crash the long fuzz run found, with what it raised then.
"""

from __future__ import annotations

import pytest
from hostile_fuzzing import TARGETS, extractor_input, feed_input
from hypothesis import HealthCheck, given, settings

from bantin.errors import ExtractionError, FeedError
from bantin.spiders.dates import parse_datetime
from bantin.spiders.decoding import decode_html
from bantin.spiders.extraction import extract_page
from bantin.spiders.feeds import parse_feed, parse_sitemap

# Derandomized: CI sees the same 100 examples every run (no flaky landings); bench/fuzz.py is
# where random exploration happens, and every crash it finds becomes a regression test below.
FAST = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck), print_blob=True,
    derandomize=True,
)
URL = "https://vnexpress.net/mo-hinh-ai-4960001.html"
BODY = "<p>" + "Trí tuệ nhân tạo giúp các tòa soạn tóm tắt tin tức nhanh hơn và chính xác hơn. " * 4 + "</p>"


@FAST
@given(extractor_input())
def test_extractor_raises_only_extraction_error(value) -> None:
    try:
        page = extract_page(value.html, value.url, value.source, content_type=value.content_type)
    except ExtractionError:
        return
    assert page.title and len(page.body) >= 200 and page.canonical_url.startswith(("http://", "https://"))


@FAST
@given(feed_input())
def test_feed_parser_raises_only_feed_error(value: bytes) -> None:
    target = next(t for t in TARGETS if t.name.startswith("parse_feed"))
    try:
        target.call(value)
    except FeedError:
        return


# --- regressions: each found by bench/fuzz.py ------------------------------------------------


def test_feed_with_an_unbound_prefix_on_its_root_is_a_feed_error() -> None:
    """Was ``ValueError: Invalid tag name 'news:news'`` (lxml QName of a recovered root)."""
    with pytest.raises(FeedError, match="news"):
        parse_feed(b"<news:news></news:news>")
    with pytest.raises(FeedError, match="not a sitemap"):
        parse_sitemap(b"<news:news></news:news>")


def test_feed_with_an_unbound_prefix_still_gives_its_items() -> None:
    feed = b"<rss><channel><item><link>https://vnexpress.net/a-1234567.html</link><dc:date>2025-10-20</dc:date></item></channel></rss>"
    assert [item.url for item in parse_feed(feed)] == ["https://vnexpress.net/a-1234567.html"]


def test_control_characters_next_to_a_dropped_node_are_not_a_crash() -> None:
    """Was ``ValueError: All strings must be XML compatible`` when a dropped node's tail joined its neighbour's."""
    html = (
        f'<html><body><h1 class="title-detail">Tiêu đề</h1><article class="fck_detail">{BODY}'
        "<p>Trước\x11 <span hidden>ẩn</span>\x0b sau\x00</p></article></body></html>"
    )
    from bantin.spiders.sources import Selectors, SourceConfig

    source = SourceConfig(
        "x",
        "X",
        "https://x.vn/",
        selectors=Selectors(title=("h1.title-detail",), body=("article.fck_detail",)),
    )
    page = extract_page(html, URL, source)
    assert "Trước sau" in page.body and "ẩn" not in page.body and "\x11" not in page.body


def test_a_charset_whose_codec_ignores_errors_falls_back() -> None:
    """Was ``UnicodeDecodeError`` from the punycode codec, which raises whatever ``errors=`` says."""
    assert decode_html(b"\x80", "text/html; charset=punycode")
    assert "caf" in decode_html(b"caf\xe9 \xff", "text/html; charset=idna")
    with pytest.raises(ExtractionError):
        extract_page(b"\x80", URL, content_type="text/html; charset=punycode")


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31T23:59:59-23:59",
        "Fri, 31 Dec 9999 23:59:59 -2359",
        "0001-01-01T00:00:00+23:59",
    ],
)
def test_dates_past_the_datetime_range_are_value_errors(text: str) -> None:
    """Was ``OverflowError`` from ``astimezone`` at the ends of the datetime range."""
    with pytest.raises(ValueError, match="out of range"):
        parse_datetime(text)


def test_an_article_with_an_out_of_range_date_keeps_its_text() -> None:
    html = (
        '<html><head><meta property="article:published_time" content="9999-12-31T23:59:59-23:59">'
        f"<title>Trí tuệ nhân tạo</title></head><body><article><h1>Trí tuệ nhân tạo</h1>{BODY}</article></body></html>"
    )
    page = extract_page(html, URL)
    assert page.published_at is None and "Trí tuệ nhân tạo" in page.body


@pytest.mark.parametrize(
    "declared", ["http://h:99999999/x-1.html", "http://[::1/a-2.html", "javascript:alert(1)", "data:text/html,x"]
)
def test_a_canonical_link_no_request_can_have_is_ignored(declared: str) -> None:
    """Was ``ValueError: Port out of range`` / ``Invalid IPv6 URL``; ``javascript:`` was stored as the canonical URL."""
    html = (
        f'<html><head><link rel="canonical" href="{declared}"><title>Trí tuệ nhân tạo</title></head>'
        f"<body><article><h1>Trí tuệ nhân tạo</h1>{BODY}</article></body></html>"
    )
    assert extract_page(html, URL).canonical_url == URL


@pytest.mark.parametrize("reference", [b"&#xD800;", b"&#55296;", b"&#xDFFF;", b"&#0;"])
def test_a_character_reference_xml_forbids_is_dropped(reference: bytes) -> None:
    """Was ``UnicodeDecodeError`` reading text that recovery mode kept as a lone surrogate."""
    with pytest.raises(FeedError):
        parse_feed(b"<item><link>" + reference + b"</link></item>")
    feed = b"<rss><channel><item><link>https://a.vn/" + reference + b"b-1234567.html</link></item></channel></rss>"
    assert [item.url for item in parse_feed(feed)] == ["https://a.vn/b-1234567.html"]
