"""Items 1-4 and 7 of issue 15: local times, Vietnamese words, the edition as mailed, stories, home."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bantin.archive.models import Edition, EditionItem
from bantin.archive.repository import ArticleIn, upsert_article

LATE = datetime(2026, 12, 1, 20, 25, tzinfo=UTC)  # 03:25 on 02/12 in Vietnam
ENGLISH_KEYS = re.compile(r">\s*(top|models|policy|chips|other|business|products|daily|weekly|extractive[-\w]*|UTC)\s*<")


@pytest.fixture
def late(archive) -> int:
    with archive.db.session() as session:
        item = ArticleIn(source_key="vnexpress", url="https://vnexpress.vn/khuya.html",
                         canonical_url="https://vnexpress.vn/khuya.html", title="Tin khuya về mô hình ngôn ngữ",
                         lead="Đăng lúc nửa đêm.", body="Nội dung.", published_at=LATE, topics=("ai", "generative"),
                         relevance=0.7)
        return upsert_article(session, item).article_id


def _edition(archive, items: list[tuple[int, str, list[dict]]]) -> int:
    with archive.db.session() as session:
        edition = Edition(kind="daily", period_start=LATE - timedelta(days=1), period_end=LATE,
                          title="Bản tin AI hằng ngày · 02/12/2026", item_count=len(items))
        for position, (article_id, section, also) in enumerate(items, 1):
            edition.items.append(EditionItem(article_id=article_id, position=position, section=section, also_covered=also))
        session.add(edition)
        session.flush()
        return edition.id


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_times_are_local_everywhere(client, archive, late):
    article = client.get(f"/articles/{late}").text
    assert "02/12/2026 03:25" in article and "UTC" not in _visible(article)
    assert 'datetime="2026-12-02T03:25:00+07:00"' in article
    api = client.get(f"/api/articles/{late}").json()
    assert api["published_at"] == "2026-12-02T03:25:00+07:00"
    hits = client.get("/api/search", params={"q": "tin khuya"}).json()["hits"]
    assert hits[0]["published_at"] == "2026-12-02T03:25:00+07:00" and hits[0]["time"].endswith("+07:00")
    results = client.get("/", params={"q": "tin khuya"}).text
    assert "02/12/2026 03:25" in results
    home = client.get("/").text
    assert "02/12/2026 03:25" in home
    sources = client.get("/api/sources").json()
    assert all(s["last_error_at"] is None or s["last_error_at"].endswith("+07:00") for s in sources)


def test_edition_period_is_local(client, archive, late):
    edition_id = _edition(archive, [(late, "models", [])])
    page = client.get(f"/editions/{edition_id}").text
    assert "01/12/2026 03:25 – 02/12/2026 03:25" in page and "giờ Việt Nam" in page
    assert "2026-12-01 – 2026-12-01" not in page
    listing = client.get("/editions").text
    assert f"Số {edition_id} · 02/12/2026" in listing and "hằng ngày" in listing
    assert client.get("/api/editions").json()["editions"][0]["period_end"] == "2026-12-02T03:25:00+07:00"


def test_the_web_edition_is_the_mailed_edition(client, archive, late):
    first = archive.ids["Trí tuệ nhân tạo thay đổi ngân hàng"]
    also = [{"source": "Tuổi Trẻ", "url": "https://tuoitre.vn/bai-1.html", "title": "Ngân hàng dùng trí tuệ nhân tạo"}]
    edition_id = _edition(archive, [(first, "top", also), (late, "models", []), (archive.ids["Bitcoin và trí tuệ nhân tạo"],
                                                                                  "nosuch", [])])
    page = client.get(f"/editions/{edition_id}").text
    assert "Ngân hàng dùng AI để phục vụ khách." in page  # the summary, not the lead
    assert "Tóm tắt tự động" in page and "Cũng được đưa tin bởi" in page and 'href="https://tuoitre.vn/bai-1.html"' in page
    assert "Tin nổi bật" in page and "Mô hình &amp; nghiên cứu" in page and "Tin khác" in page
    assert "Chưa có bản tóm tắt" in page  # the late article has no summary: its lead, said so
    assert not ENGLISH_KEYS.search(page), ENGLISH_KEYS.search(page)
    assert "test/vit5-tiny" in page.split("<footer>")[1]  # the model named only in the footer
    items = client.get(f"/api/editions/{edition_id}").json()["items"]
    assert [i["section_title"] for i in items] == ["Tin nổi bật", "Mô hình & nghiên cứu", "Tin khác"]
    assert items[0]["summary"] == "Ngân hàng dùng AI để phục vụ khách." and items[0]["summary_automatic"]


def test_an_empty_edition_says_so(client, archive):
    edition_id = _edition(archive, [])
    page = client.get(f"/editions/{edition_id}").text
    assert "Không có tin mới" in page and "chưa có bài báo nào" in page


def test_one_result_per_story(client, archive):
    page = client.get("/", params={"q": "ngan hang"}).text
    stories = re.findall(r'<li class="hit">', page)
    assert len(stories) == 1 and "và 1 nguồn khác" in page
    assert f'href="/articles/{archive.ids["Ngân hàng dùng trí tuệ nhân tạo để chống gian lận"]}"' in page
    flat = client.get("/api/search", params={"q": "ngan hang"}).json()
    assert len(flat["hits"]) == 2 and flat["grouped"] is False
    # the story's other outlets are linked even when only one of its articles matches
    alone = client.get("/", params={"q": "chong gian lan"}).text
    assert "và 1 nguồn khác" in alone and f'href="/articles/{archive.ids["Trí tuệ nhân tạo thay đổi ngân hàng"]}"' in alone
    grouped = client.get("/api/search", params={"q": "ngan hang", "group": "true"}).json()
    assert len(grouped["hits"]) == 1 and len(grouped["hits"][0]["others"]) == 1


def test_words_are_vietnamese(client, archive, late):
    home = client.get("/").text
    assert '<select name="topic">' in home and ">Trí tuệ nhân tạo (" in home and ">AI tạo sinh (" in home
    assert 'rel="icon"' in home and client.get("/favicon.ico").status_code == 200
    assert "prefers-color-scheme: dark" in client.get("/style.css").text
    for path in ("/", "/?q=tri+tue", f"/articles/{late}", "/sources", "/editions"):
        html = client.get(path).text
        assert not ENGLISH_KEYS.search(html), (path, ENGLISH_KEYS.search(html))
    sources = client.get("/sources").text
    assert "đang lỗi" in sources and "bình thường" in sources
