"""Done-when of issue 15: home, results, article, edition and sources in headless Chromium at 1280 and
375 px show only Vietnamese words and local times, and fit the width. Screenshots go to a temp folder."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bantin_test_support import serving

from bantin.archive.models import Edition, EditionItem
from bantin.archive.repository import ArticleIn, upsert_article
from bantin.web import WebOptions, create_app

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")

LATE = datetime(2026, 12, 1, 20, 25, tzinfo=UTC)
# what a reader must never see: English keys, UTC, ISO dates, raw zone names, Python's None
FORBIDDEN = re.compile(r"\b(top|models|policy|chips|other|business|products|daily|weekly|extractive[-\w]*|UTC|None|"
                       r"Asia/Ho_Chi_Minh)\b|\d{4}-\d{2}-\d{2}")


@pytest.fixture
def site(db, archive):
    if db.backend != "sqlite":
        pytest.skip("one backend is enough for the screenshots")
    with archive.db.session() as session:
        late = upsert_article(session, ArticleIn(
            source_key="vnexpress", url="https://vnexpress.vn/khuya.html", canonical_url="https://vnexpress.vn/khuya.html",
            title="Tin khuya về mô hình ngôn ngữ lớn tiếng Việt", lead="Đăng lúc nửa đêm.", body="Nội dung.\nĐoạn hai.",
            published_at=LATE, topics=("ai", "generative"), relevance=0.7)).article_id
        edition = Edition(kind="daily", period_start=LATE - timedelta(days=1), period_end=LATE, title="x", item_count=3)
        also = [{"source": "Tuổi Trẻ", "url": "https://tuoitre.vn/bai-1.html", "title": "Ngân hàng"}]
        edition.items = [EditionItem(article_id=archive.ids["Trí tuệ nhân tạo thay đổi ngân hàng"], position=1, section="top",
                                     also_covered=also),
                         EditionItem(article_id=late, position=2, section="models"),
                         EditionItem(article_id=archive.ids["Bitcoin và trí tuệ nhân tạo"], position=3, section="other")]
        session.add(edition)
        session.flush()
        edition_id = edition.id
    with serving(create_app(WebOptions(timezone="Asia/Ho_Chi_Minh"), archive.db)) as url:
        yield url, late, edition_id


def test_pages_at_1280_and_375_px(site, tmp_path):
    from playwright.sync_api import sync_playwright

    url, late, edition_id = site
    pages = {"home": "/", "results": "/?q=tri+tue+nhan+tao", "article": f"/articles/{late}",
             "edition": f"/editions/{edition_id}", "sources": "/sources"}
    shots = tmp_path / "screens"
    shots.mkdir()
    console: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True)
        for width in (1280, 375):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda message: console.append(message.text))
            page.on("requestfailed", lambda request: console.append(f"failed {request.url}"))
            for name, path in pages.items():
                response = page.goto(url + path)
                assert response is not None and response.status == 200, (name, width)
                text = page.inner_text("body")
                assert not FORBIDDEN.search(text), (name, width, FORBIDDEN.search(text))
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, (name, width, overflow)
                page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
            page.close()
        browser.close()
    assert not console, console  # no favicon error, no CSP violation
    assert len(list(shots.glob("*.png"))) == 10
    print(f"screenshots: {shots}")
