"""Clean metadata: HTML entities, author rules, feed dates, JSON-LD that is broken or odd."""

from __future__ import annotations

from datetime import datetime

import pytest
from parsel import Selector

from bantin.spiders import SourceConfig, extract_page
from bantin.spiders.authors import clean_authors, outlet_marks
from bantin.spiders.dates import VIETNAM, parse_datetime
from bantin.spiders.feeds import parse_feed
from bantin.spiders.metadata import read_meta
from bantin.text import clean_field

DANTRI = outlet_marks("Dân trí - Sức mạnh số", "https://dantri.com.vn/suc-manh-so.htm")
TUOITRE = outlet_marks("Tuổi Trẻ - Nhịp sống số", "https://tuoitre.vn/", "TUOI TRE ONLINE")


@pytest.mark.parametrize(("raw", "clean"), [
    ("Sau so&#xE1;t x&#xE9;t", "Sau soát xét"),
    ("H&amp;#xE0; Anh", "Hà Anh"),  # escaped twice
    ("AT&amp;amp;T", "AT&T"),
    ("Ho\u0300a  ", "Hòa"),  # NFC, stripped
    ("  a &nbsp; b ", "a b"),
])
def test_clean_field_unescapes_and_normalizes(raw: str, clean: str) -> None:
    assert clean_field(raw) == clean


@pytest.mark.parametrize(("raw", "marks", "names"), [
    ("https://www.facebook.com/baodantridientu", DANTRI, ""),
    ("https://www.facebook.com/vietnamnet.vn", frozenset({"vietnamnet"}), ""),
    ("baotuoitre", TUOITRE, ""),
    ("TUOI TRE ONLINE", TUOITRE, ""),
    ("Dân Trí", DANTRI, ""),
    ("Báo Dân Trí", DANTRI, ""),
    ("thanhnien.vn", frozenset(), ""),
    ("@vnexpress", frozenset(), ""),
    ("1194089846", frozenset(), ""),
    ("ban.doc@example.com", frozenset(), ""),
    ("NHẬT XUÂN;NGHI VŨ", TUOITRE, "NHẬT XUÂN, NGHI VŨ"),
    ("Hà Thu và Minh Anh", frozenset(), "Hà Thu, Minh Anh"),
    ("Tác giả: Tri Túc", DANTRI, "Tri Túc"),
    ("H&#xE0; Anh", frozenset(), "Hà Anh"),
])
def test_author_rules(raw: str, marks: frozenset[str], names: str) -> None:
    assert clean_authors(raw, marks) == names


def test_several_author_values_are_joined_once_each() -> None:
    assert clean_authors(["Tri Túc", "tri túc", "Hà Anh", "và 1 tác giả khác"]) == "Tri Túc, Hà Anh"


@pytest.mark.parametrize(("text", "expected"), [
    ("Sat, 27 Jan 24 14:15:00 +0700", datetime(2024, 1, 27, 14, 15, tzinfo=VIETNAM)),  # Thanh Niên, CafeF
    ("Sat, 27 Jan 99 14:15:00 +0700", datetime(1999, 1, 27, 14, 15, tzinfo=VIETNAM)),
    ("27 Jan 2024 14:15:00 +0700", datetime(2024, 1, 27, 14, 15, tzinfo=VIETNAM)),
    ("Sat,27 Jan 2024 14:15 +07:00", datetime(2024, 1, 27, 14, 15, tzinfo=VIETNAM)),
    ("Saturday, 27 January 2024 14:15:00 GMT+7", datetime(2024, 1, 27, 14, 15, tzinfo=VIETNAM)),
    ("Sat, 27 Jan 2024 07:15:00 GMT", datetime(2024, 1, 27, 14, 15, tzinfo=VIETNAM)),
    ("Sat, 27 Jan 2024 14:15:00 ICT", datetime(2024, 1, 27, 14, 15, tzinfo=VIETNAM)),
    ("Sat, 27 Jan 2024 14:15:00", datetime(2024, 1, 27, 14, 15, tzinfo=VIETNAM)),
])
def test_feed_dates_as_feeds_write_them(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["Mon, 31 Feb 2025 10:00:00 +0700", "Sat, 27 Foo 2024 14:15:00 +0700",
                                  "Fri, 31 Dec 9999 23:59:59 -2359"])
def test_impossible_feed_dates_are_value_errors(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text)


def test_feed_items_get_two_digit_year_dates_and_unescaped_titles() -> None:
    feed = b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>
    <item><title>Chip AI m&amp;#x1EDB;i</title><link>https://thanhnien.vn/a-185240127141500000.htm</link>
    <pubDate>Sat, 27 Jan 24 14:15:00 +0700</pubDate></item></channel></rss>"""
    [item] = parse_feed(feed)
    assert item.title == "Chip AI mới"
    assert item.published == datetime(2024, 1, 27, 14, 15, tzinfo=VIETNAM)


BODY = "".join(f"<p>Đoạn văn số {n} của bài viết về trí tuệ nhân tạo ở Việt Nam, đủ dài để là bài.</p>" for n in range(6))


def _page(ld: str, extra: str = "") -> str:
    return (f'<html lang="vi"><head><script type="application/ld+json">{ld}</script>'
            f'<meta property="og:title" content="Tiêu đề &amp;#x111;úng"><meta name="description" content="Tóm tắt.">'
            f"{extra}</head><body><article>{BODY}</article></body></html>")


@pytest.mark.parametrize("ld", [
    '{"@type": "NewsArticle", "headline": ',  # invalid JSON
    '[{"@graph": [[{"@type": "WebSite"}], {"@type": "Organization", "name": "Báo"}]}]',  # lists of graphs, no article
    '{"@type": "NewsArticle", "headline": ["x", 1], "author": [{"name": 3}], "datePublished": {"x": 1}}',
    "[" * 5000 + "]" * 5000,  # deep nesting
])
def test_broken_or_odd_json_ld_uses_the_other_metadata(ld: str) -> None:
    page = extract_page(_page(ld), "https://example.vn/bai-viet-1.html")
    assert page.title in ("Tiêu đề đúng", "x")
    assert page.lead == "Tóm tắt."


def test_html_escaped_and_double_escaped_json_ld_is_read() -> None:
    ld = ('{&quot;@type&quot;: &quot;NewsArticle&quot;, &quot;headline&quot;: &quot;T&amp;#x1EA5;t c&#x1EA3;&quot;,'
          ' &quot;author&quot;: {&quot;name&quot;: &quot;H&amp;#xE0; Anh&quot;}}')
    meta = read_meta(Selector(text=_page(ld)))
    assert meta.title == "Tất cả"
    assert meta.authors[0] == ("json-ld", "Hà Anh")


def test_a_graph_list_json_ld_finds_the_article() -> None:
    ld = ('[{"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": ""},'
          ' {"@type": ["NewsArticle"], "headline": "Bài trong graph", "author": [{"name": "A"}, {"name": "Bình"}]}]}]')
    meta = read_meta(Selector(text=_page(ld)))
    assert meta.title == "Bài trong graph"
    assert clean_authors(meta.authors[0][1]) == "Bình"  # one letter is no name


def test_an_outlet_url_as_author_is_no_author() -> None:
    source = SourceConfig(key="dantri", name="Dân trí", homepage="https://dantri.com.vn/", feeds=("https://dantri.com.vn/rss",))
    extra = ('<meta property="article:author" content="https://www.facebook.com/baodantridientu">'
             '<meta name="author" content="Dân Trí">')
    page = extract_page(_page("{}", extra), "https://dantri.com.vn/a-20260307080054340.htm", source)
    assert page.author is None
    assert page.provenance["author"] == "missing"


@pytest.mark.parametrize(("reasons", "error", "label"), [
    ({"feed-dns-error": 2}, None, "DNS"),
    ({"feed-timeout": 1, "feed-http-403": 2}, None, "HTTP 403"),
    ({"feed-malformed": 1}, None, "bad feed"),
    ({"feed-connection-error": 1}, None, "connection refused"),
    ({}, "another crawl of genk is running on x; skipped", "busy"),
    ({}, "crawl process exited with code -9 before this source finished", "crashed"),
    ({"no-article": 3}, None, "no feed read"),
])
def test_failed_source_reason_labels(reasons: dict[str, int], error: str | None, label: str) -> None:
    from bantin.spiders.report import failure_label

    assert failure_label(reasons, error) == label


def test_metadata_strings_lose_escaped_markup_but_not_comparisons() -> None:
    ld = ('{"@type": "NewsArticle", "headline": "Vì sao 5 &lt; 7", '
          '"description": "&lt;p&gt;Tóm &amp;amp; tắt&lt;/p&gt;", "author": {"name": "&lt;b&gt;Hà Anh&lt;/b&gt;"}}')
    meta = read_meta(Selector(text=_page(ld)))
    assert (meta.title, meta.description, meta.authors[0]) == ("Vì sao 5 < 7", "Tóm & tắt", ("json-ld", "Hà Anh"))
