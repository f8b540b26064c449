"""The web archive in headless Chromium (Debian's /usr/bin/chromium), on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from bantin_test_support import serving
from search_corpus import fill

from bantin.configure import web_options
from bantin.settings import Settings
from bantin.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


@pytest.fixture
def server(db):
    """uvicorn serving the web app over a filled archive on a free loopback port."""
    fill(db, count_extra=30)
    with serving(create_app(web_options(Settings()), db)) as url:
        yield url


def test_search_open_article_and_page_through(server, db):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True)
        page = browser.new_page(java_script_enabled=False)
        page.goto(server + "/")
        page.fill("input[name=q]", "tri tue nhan tao")
        page.click("button[type=submit]")
        marks = page.locator(".hit mark")
        expect(marks.first).to_be_visible()
        assert "Trí tuệ nhân tạo" in marks.all_inner_texts()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"search-{db.backend}.png"), full_page=True)

        page.locator(".hit a.title", has_text="Trí tuệ nhân tạo thay đổi ngân hàng").click()
        expect(page.locator("h1")).to_have_text("Trí tuệ nhân tạo thay đổi ngân hàng")
        expect(page.locator(".summary")).to_contain_text("Tóm tắt tự động")
        expect(page.locator("footer")).to_contain_text("test/vit5-tiny")  # the model only in the footer
        expect(page.locator(".also")).to_contain_text("Ngân hàng dùng trí tuệ nhân tạo để chống gian lận")

        page.goto(server + "/?q=ai&per_page=10")
        first = page.locator(".hit a.title").all_inner_texts()
        page.click("a[rel=next]")
        expect(page.locator(".count")).to_contain_text("trang 2/4")
        second = page.locator(".hit a.title").all_inner_texts()
        assert len(first) == len(second) == 10 and not set(first) & set(second)
        page.click("a[rel=prev]")
        expect(page.locator(".count")).to_contain_text("trang 1/4")
        browser.close()
