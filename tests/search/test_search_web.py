"""The web app and JSON API on both backends: pages, bad inputs, escaping, CSP, read-only."""

from __future__ import annotations

import re

import pytest

from bantin.web import CSP, safe_url


def test_search_page_highlights_without_diacritics(client):
    page = client.get("/", params={"q": "tri tue nhan tao"})
    assert page.status_code == 200
    assert "<mark>Trí tuệ nhân tạo</mark>" in page.text
    assert page.headers["content-security-policy"] == CSP
    assert "<script" not in page.text.lower()


def test_article_page_has_everything(client, archive):
    article_id = archive.ids["Trí tuệ nhân tạo thay đổi ngân hàng"]
    html = client.get(f"/articles/{article_id}").text
    assert "Trí tuệ nhân tạo thay đổi ngân hàng" in html
    assert 'href="https://vnexpress.vn/bai-0.html"' in html
    assert "test/vit5-tiny" in html and "Ngân hàng dùng AI để phục vụ khách." in html
    assert "Mô hình ngôn ngữ lớn" in html
    assert "Ngân hàng dùng trí tuệ nhân tạo để chống gian lận" in html  # also covered by (same cluster)


def test_scraped_markup_is_escaped(client, archive):
    article_id = archive.ids["GPT-4o ra mắt tại Việt Nam"]
    html = client.get(f"/articles/{article_id}").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    sources = client.get("/sources").text
    assert "HTTP 503 &lt;b&gt;from&lt;/b&gt; server" in sources


def test_api(client, archive):
    data = client.get("/api/search", params={"q": "duong"}).json()
    assert [h["title"] for h in data["hits"]] == ["Đường sắt tốc độ cao khởi công"]
    assert data["hits"][0]["title_html"].startswith("<mark>Đường</mark>")
    article = client.get(f"/api/articles/{data['hits'][0]['id']}").json()
    assert article["source"] == "vnexpress"
    sources = {s["key"]: s for s in client.get("/api/sources").json()}
    assert sources["genk"]["consecutive_failures"] == 1 and sources["genk"]["last_error"]
    assert client.get("/api/editions").json()["editions"] == []
    schema = client.get("/api/openapi.json").json()
    assert {"/api/search", "/api/articles/{article_id}", "/api/editions", "/api/sources"} <= set(schema["paths"])


def test_editions_pages(client, archive):
    from datetime import timedelta

    from search_corpus import NOW

    from bantin.archive.models import Edition, EditionItem

    with archive.db.session() as session:
        edition = Edition(kind="daily", period_start=NOW - timedelta(days=1), period_end=NOW, title="Bản tin AI 29/11",
                          item_count=1)
        edition.items.append(EditionItem(article_id=archive.ids["Bitcoin và trí tuệ nhân tạo"], position=1, section="chips"))
        session.add(edition)
    listing = client.get("/editions").text
    assert "Bản tin AI 29/11" in listing
    edition_id = client.get("/api/editions").json()["editions"][0]["id"]
    page = client.get(f"/editions/{edition_id}").text
    # the section's Vietnamese name (never its key), the item's summary as the e-mail shows it
    assert "Chip &amp; hạ tầng" in page and "Bitcoin và trí tuệ nhân tạo" in page and ">chips<" not in page
    item = client.get(f"/api/editions/{edition_id}").json()["items"][0]
    assert item["position"] == 1 and item["section"] == "chips" and item["section_title"] == "Chip & hạ tầng"


@pytest.mark.parametrize(
    "params, detail, said",
    [
        ({"q": ""}, "empty query", "Truy vấn trống"),
        ({"q": "x" * 10_000}, "too long", "Truy vấn quá dài (10000 ký tự"),
        ({"q": "?!.,;"}, "no letters", "không có chữ hay số"),
        ({"q": '"unbalanced'}, "unbalanced quotes", "Thiếu dấu ngoặc kép"),
        ({"q": "ai", "source": "nosuch"}, "unknown source", "Không có nguồn “nosuch”"),
        ({"q": "ai", "topic": "nosuch"}, "unknown topic", "Không có chủ đề “nosuch”"),
        ({"q": "ai", "since": "2026-02-01", "until": "2026-01-01"}, "inverted date range", "Khoảng ngày bị ngược"),
        ({"q": "ai", "since": "2026-02-31"}, "invalid date", "Ngày không hợp lệ “2026-02-31”"),
        ({"q": "ai", "page": "abc"}, "page must be a number", "Số trang phải là số nguyên"),
        ({"q": "ai", "page": "0"}, "page must be", "Số trang phải là số nguyên"),
        ({"q": "ai", "min_relevance": "nan"}, "relevance", "Độ liên quan tối thiểu"),
    ],
)
def test_bad_input_is_a_clear_400(client, params, detail, said):
    """Readers read Vietnamese (``error``); the API keeps the search's own text under ``detail``."""
    api = client.get("/api/search", params=params)
    assert api.status_code == 400 and detail in api.json()["detail"] and said in api.json()["error"]
    page = client.get("/", params=params)
    shown = re.search(r'<p class="error" role="alert">(.*?)</p>', page.text).group(1)
    assert page.status_code == 400 and said in shown and detail not in shown


def test_sql_looking_query_and_page_past_the_end(client):
    assert client.get("/api/search", params={"q": "1' OR '1'='1; DROP TABLE articles"}).json()["total"] == 0
    past = client.get("/", params={"q": "tri tue", "page": "50"})
    assert past.status_code == 200 and "Trang 50 vượt quá số trang kết quả" in past.text


def test_missing_things_are_404_not_500(client):
    assert client.get("/articles/999999").status_code == 404
    assert client.get("/api/articles/999999").json() == {"error": "Không có bài báo số 999999."}
    assert client.get("/articles/abc").status_code == 400
    assert client.get("/editions/5").status_code == 404


def test_read_only_without_token(client):
    assert client.post("/api/search", params={"q": "ai"}).status_code == 403
    assert client.delete("/api/articles/1").status_code == 403
    assert client.post("/", headers={"Authorization": "Bearer wrong"}).status_code == 403
    # with the token the request passes the gate, and there is still no route that writes
    assert client.post("/api/search", headers={"Authorization": "Bearer s3cret"}).status_code == 405


def test_safe_url():
    assert safe_url("https://vnexpress.net/a.html") == "https://vnexpress.net/a.html"
    for bad in ("javascript:alert(1)", "data:text/html,x", "/relative", "ftp://x/y", "", None, "http://"):
        assert safe_url(bad) is None
