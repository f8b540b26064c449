"""RSS, Atom and sitemap parsing, including empty, malformed and undated feeds."""

from __future__ import annotations

from datetime import datetime

import pytest

from bantin.errors import FeedError
from bantin.spiders.dates import VIETNAM
from bantin.spiders.feeds import parse_feed, parse_sitemap
from bantin.spiders.middlewares import retry_delay

RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Số hóa</title>
<item><title>Một</title><link>https://vnexpress.net/mot-4950001.html</link><pubDate>Wed, 22 Oct 2025 19:25:00 +0700</pubDate></item>
<item><title>Hai & ba</title><link>https://vnexpress.net/hai-4950002.html</link></item>
<item><title>Không link</title></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>GenK</title>
<entry><title>AI</title><link rel="alternate" href="https://genk.vn/ai-20251022190001234.chn"/>
<published>2025-10-22T12:25:00Z</published></entry></feed>"""


def test_rss_items_with_and_without_dates() -> None:
    items = parse_feed(RSS.encode())  # the bare "&" is repaired in recovery mode
    assert [i.url for i in items] == ["https://vnexpress.net/mot-4950001.html", "https://vnexpress.net/hai-4950002.html"]
    assert items[0].published == datetime(2025, 10, 22, 19, 25, tzinfo=VIETNAM)
    assert items[1].published is None


def test_atom_entries() -> None:
    (item,) = parse_feed(ATOM.encode())
    assert item.url == "https://genk.vn/ai-20251022190001234.chn"
    assert item.title == "AI"
    assert item.published == datetime(2025, 10, 22, 19, 25, tzinfo=VIETNAM)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty feed"),
        (b"   \n", "empty feed"),
        (b"<?xml version='1.0'?><rss><channel><title>x</title></channel></rss>", "lists no items"),
        (b"<?xml version='1.0'?><rss><channel><title>Hong</title><item><title>ba", "no links"),
        (b"<html><body>not a feed</body></html>", "not an RSS or Atom feed"),
        (b"\x00\x01garbage", "malformed"),
    ],
)
def test_bad_feeds_raise_feed_error(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_feed(body)


def test_news_sitemap_and_sitemap_index() -> None:
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://thanhnien.vn/a-185251022190001.htm</loc>
      <news:news><news:publication_date>2025-10-22T19:25:00+07:00</news:publication_date><news:title>A</news:title></news:news></url></urlset>"""
    items, children = parse_sitemap(urlset)
    assert children == [] and items[0].url.endswith("a-185251022190001.htm") and items[0].title == "A"
    assert items[0].published == datetime(2025, 10, 22, 19, 25, tzinfo=VIETNAM)
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://x.vn/s1.xml</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index) == ([], ["https://x.vn/s1.xml"])
    with pytest.raises(FeedError, match="not a sitemap"):
        parse_sitemap(b"<rss/>")


def test_retry_delay_honours_retry_after_then_backs_off() -> None:
    assert retry_delay("7", 1, base_s=2.0, max_s=60.0) == 7.0
    assert retry_delay("600", 1, base_s=2.0, max_s=60.0) == 60.0
    assert retry_delay("Wed, 21 Oct 2015 07:28:00 GMT", 1, base_s=2.0, max_s=60.0) == 0.0  # a date in the past
    assert [retry_delay(None, n, base_s=2.0, max_s=60.0) for n in (1, 2, 3)] == [2.0, 4.0, 8.0]
    assert retry_delay("soon", 6, base_s=2.0, max_s=60.0) == 60.0
