"""Item 8 of issue 15: Atom feeds of the editions and of any search, validated by feedparser."""

from __future__ import annotations

from datetime import timedelta

import feedparser

from bantin.archive.models import Edition, EditionItem


def _parse(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_editions_feed(client, archive):
    from search_corpus import NOW

    with archive.db.session() as session:
        edition = Edition(kind="daily", period_start=NOW - timedelta(days=1), period_end=NOW, title="x", item_count=1)
        edition.items.append(EditionItem(article_id=archive.ids["Trí tuệ nhân tạo thay đổi ngân hàng"], position=1,
                                         section="top"))
        session.add(edition)
        session.flush()
        edition_id = edition.id
    parsed = _parse(client.get("/editions.atom"))
    assert parsed.feed.title == "bantin · Bản tin" and parsed.feed.language == "vi"
    [entry] = parsed.entries
    assert entry.title == f"Bản tin hằng ngày · Số {edition_id} · 29/11/2026"
    assert entry.link == f"http://testserver/editions/{edition_id}"
    assert "Trí tuệ nhân tạo thay đổi ngân hàng" in entry.summary
    assert entry.updated.endswith("+07:00")
    home = client.get("/").text
    assert '<link rel="alternate" type="application/atom+xml" title="Bản tin (Atom)" href="/editions.atom">' in home


def test_search_feed_with_filters_and_hostile_text(client, archive):
    feed = _parse(client.get("/search.atom", params={"q": "tri tue nhan tao", "source": "genk"}))
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Bitcoin và trí tuệ nhân tạo · GenK"]
    assert feed.entries[0].links[1].href == "https://genk.vn/bai-6.html"  # the outlet's page, rel=related
    hostile = _parse(client.get("/search.atom", params={"q": "GPT-4o"}))
    assert hostile.entries[0].summary_detail.type == "text/plain"  # scraped text stays text, never markup
    page = client.get("/", params={"q": "tri tue nhan tao", "source": "genk"}).text
    link = 'type="application/atom+xml" title="Kết quả tìm kiếm (Atom)" href="/search.atom?q=tri+tue+nhan+tao&amp;source=genk"'
    assert link in page
    everything = _parse(client.get("/search.atom", params={"q": "tri tue"}))
    times = [entry.updated_parsed for entry in everything.entries]
    assert times == sorted(times, reverse=True)  # newest first


def test_a_bad_feed_query_is_a_400(client):
    response = client.get("/search.atom", params={"q": '"unbalanced'})
    assert response.status_code == 400 and "Thiếu dấu ngoặc kép" in response.text
