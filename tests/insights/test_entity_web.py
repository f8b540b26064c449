"""The web archive's entity pages (server-rendered SVG chart, no JavaScript), trends page and their
JSON; both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from trend_archive import fill

from bantin.archive.engine import Database


@pytest.fixture
def client(db: Database):
    from fastapi.testclient import TestClient

    from bantin.configure import web_options
    from bantin.settings import Settings
    from bantin.web import create_app

    end = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    fill(db, {"anthropic": [2, 2, 2, 2, 12], "nvidia": [4, 5, 4, 5, 5], "fpt": [1, 0, 1, 0, 1]}, end=end)
    with TestClient(create_app(web_options(Settings()), db)) as test_client:
        yield test_client


def test_the_entity_page_draws_weekly_mentions_as_svg(client) -> None:  # noqa: ANN001
    page = client.get("/entities/anthropic")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Anthropic</h1>" in html and "<svg" in html and "<script" not in html
    assert html.count("<rect ") == 12 and "12 bài" in html
    assert "Anthropic công bố kế hoạch số 4-" in html and 'href="/articles/' in html
    assert 'href="/?q=Anthropic&amp;entity=anthropic"' in html
    assert "Content-Security-Policy" in page.headers


def test_the_entity_api_and_the_unknown_entity(client) -> None:  # noqa: ANN001
    data = client.get("/api/entities/nvidia").json()
    assert data["name"] == "Nvidia" and sum(w["articles"] for w in data["weekly"]) == 23
    assert data["together"] == [] and len(data["articles"]) == 20
    assert client.get("/entities/nope").status_code == 404
    assert client.get("/api/entities/nope").json() == {"error": "Không có “nope” trong danh sách tên nổi bật."}
    page = client.get("/entities/nope")
    assert "Không có “nope” trong danh sách tên nổi bật." in page.text


def test_an_unknown_entity_filter_is_an_error_not_an_empty_result(client) -> None:  # noqa: ANN001
    for params in ({"q": "kế hoạch", "entity": "nosuch"}, {"q": "entity:nosuch kế hoạch"}):
        answer = client.get("/api/search", params=params)
        assert answer.status_code == 400, params
        assert answer.json()["error"] == "Không có “nosuch” trong danh sách tên nổi bật."
        page = client.get("/", params=params)
        assert page.status_code == 400 and "Không có “nosuch” trong danh sách tên nổi bật." in page.text
    assert client.get("/api/search", params={"q": "kế hoạch", "entity": "Nvidia"}).json()["total"] == 23


CUSTOM = """
[entities.anthropic]
name = "Công ty Anthropic (tệp riêng)"
kind = "lab"
aliases = ["Anthropic"]

[entities.nvidia]
name = "Tập đoàn Nvidia (tệp riêng)"
kind = "company"
aliases = ["Nvidia"]
"""


def test_a_custom_entities_file_names_the_entities_everywhere_on_the_web(db: Database, tmp_path) -> None:  # noqa: ANN001
    from fastapi.testclient import TestClient

    from bantin.configure import web_options
    from bantin.settings import Settings
    from bantin.web import create_app

    custom = tmp_path / "entities.toml"
    custom.write_text(CUSTOM, encoding="utf-8")
    end = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    fill(db, {"anthropic": [2, 2, 2, 2, 12], "nvidia": [4, 5, 4, 5, 5], "fpt": [1, 0, 1, 0, 1]}, end=end)
    with TestClient(create_app(web_options(Settings(_env_file=None, entities_file=custom)), db)) as client:
        assert "<h1>Công ty Anthropic (tệp riêng)</h1>" in client.get("/entities/anthropic").text
        assert client.get("/api/entities/nvidia").json()["name"] == "Tập đoàn Nvidia (tệp riêng)"
        listing = client.get("/entities").text
        assert "Tập đoàn Nvidia (tệp riêng)" in listing and 'href="/entities/fpt"' not in listing
        assert client.get("/entities/fpt").status_code == 404  # in the shipped file, not in this one
        assert client.get("/api/search", params={"q": "kế hoạch", "entity": "fpt"}).status_code == 400
        assert "Công ty Anthropic (tệp riêng)" in client.get("/trends").text
        assert client.get("/api/trends").json()["rising"][0]["name"] == "Công ty Anthropic (tệp riêng)"


def test_the_entities_and_trends_pages(client) -> None:  # noqa: ANN001
    listing = client.get("/entities").text
    assert listing.index("Anthropic") < listing.index("FPT")  # most named first
    trends = client.get("/trends").text
    assert "Xu hướng tuần" in trends and "▲" in trends and 'href="/entities/anthropic"' in trends
    assert client.get("/api/trends").json()["rising"][0]["key"] == "anthropic"


def test_the_article_page_lists_earlier_coverage_and_the_story_page_the_timeline(db: Database) -> None:
    from fastapi.testclient import TestClient
    from test_continuity import _store_set

    from bantin.configure import web_options
    from bantin.settings import Settings
    from bantin.web import create_app

    ids = _store_set(db, ["b3", "b2", "b1", "c1", "c2"])
    with TestClient(create_app(web_options(Settings()), db)) as client:
        page = client.get(f"/articles/{ids['b3']}").text
        assert "Tin liên quan trước đó" in page and f'href="/stories/{ids["b3"]}"' in page
        assert page.index("Nvidia chọn Hà Nội") < page.index("Nvidia ký thỏa thuận")  # newest first
        story = client.get(f"/stories/{ids['b3']}").text
        assert story.index("Nvidia ký thỏa thuận") < story.index("Nvidia chọn Hà Nội") < story.index("tuyển 200 kỹ sư")
        assert "Blackwell" not in story
        timeline = client.get(f"/api/stories/{ids['c1']}").json()["timeline"]
        assert sorted(t["id"] for t in timeline) == sorted([ids["c1"], ids["c2"]])  # copies across outlets
        assert client.get("/stories/999999").status_code == 404
        assert "Tin liên quan trước đó" not in client.get(f"/articles/{ids['b1']}").text
