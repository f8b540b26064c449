"""Item 6 of issue 15: no 500 from any input, security headers everywhere, HEAD/OPTIONS, the schema."""

from __future__ import annotations

import pytest

from bantin.web.app import SECURITY_HEADERS

HUGE = "9223372036854775808"  # 2**63: one past the largest id


def _secured(response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.request.url, name)


@pytest.mark.parametrize("path", [f"/api/articles/{HUGE}", f"/articles/{HUGE}", f"/editions/{HUGE}",
                                  f"/api/editions/{HUGE}", "/articles/-1", f"/api/articles/{HUGE}0000"])
def test_ids_out_of_range_are_404_in_vietnamese(client, path):
    response = client.get(path)
    assert response.status_code == 404
    _secured(response)
    text = response.json()["error"] if path.startswith("/api/") else response.text
    assert "Không có" in text


@pytest.mark.parametrize("params", [{"since": "0001-01-01"}, {"until": "9999-12-31"},
                                    {"since": "0001-01-01", "until": "9999-12-31"}, {"until": "99999-12-31"},
                                    {"page": "99999999999999999999999"},
                                    {"per_page": "99999999999999999999"}, {"min_relevance": "1e999"}])
def test_dates_and_numbers_out_of_range_are_400(client, params):
    api = client.get("/api/search", params={"q": "ai", **params})
    assert api.status_code == 400, api.text
    assert api.json()["error"] and not api.json()["error"].isascii()
    page = client.get("/", params={"q": "ai", **params})
    assert page.status_code == 400
    _secured(page)


def test_a_failure_is_a_500_page_with_the_headers(client, app, monkeypatch):
    import bantin.web.pages as pages

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pages, "sources_list", broken)
    page = client.get("/sources")
    assert page.status_code == 500 and "Lỗi máy chủ" in page.text and "boom" not in page.text
    _secured(page)


def test_every_response_is_secured(client):
    for response in (client.get("/"), client.get("/nosuch"), client.get("/api/nosuch"), client.post("/api/search"),
                     client.get("/articles/abc"), client.get("/style.css"), client.get("/favicon.ico")):
        _secured(response)
    missing = client.get("/nosuch")
    assert missing.status_code == 404 and "Không tìm thấy trang này" in missing.text
    assert "mã truy cập" in client.post("/").text


@pytest.mark.parametrize("path", ["/", "/?q=tri+tue", "/sources", "/editions", "/api/sources", "/style.css",
                                  "/articles/1", "/nosuch"])
def test_head_is_get_without_a_body(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    _secured(head)


def test_options_says_what_is_allowed(client):
    for path in ("/", "/api/search", "/articles/1", "/editions/3"):
        response = client.options(path)
        assert response.status_code == 204 and response.headers["allow"] == "GET, HEAD, OPTIONS"
        _secured(response)
    assert client.options("/nosuch").status_code == 404


def test_openapi_documents_models_and_real_errors(client):
    schema = client.get("/api/openapi.json").json()
    assert "422" not in str({p: {m: o["responses"].keys() for m, o in ops.items()} for p, ops in schema["paths"].items()})
    article = schema["paths"]["/api/articles/{article_id}"]["get"]["responses"]
    assert {"200", "400", "404"} <= set(article)
    assert article["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ArticleOut"}
    assert article["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert "400" in schema["paths"]["/api/search"]["get"]["responses"]
    assert {"SearchOut", "HitOut", "EditionOut", "SourceOut", "ErrorOut"} <= set(schema["components"]["schemas"])
