"""The HTML edition in headless Chromium: phone width, dark mode, no errors, hostile strings inert."""

from __future__ import annotations

from pathlib import Path

import pytest
from newsletter_seed import NOW, add_article, seed_hostile, seed_news_day

from bantin.archive.engine import Database
from bantin.newsletter import build_edition

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():  # noqa: ANN201
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True)
        yield browser
        browser.close()


@pytest.fixture
def edition_html(tmp_path, settings) -> Path:  # noqa: ANN001
    db = Database.connect(f"sqlite:///{tmp_path / 'bantin.db'}")
    try:
        seed_news_day(db)
        seed_hostile(db)
        add_article(db, "url-dai", title="Một tiêu đề có chuỗi rất dài " + "khôngcókhoảngtrắng" * 12,
                    summary="Liên kết dài: https://example.vn/" + "a" * 300)
        return build_edition(db, settings, now=NOW).output_dir / "edition.html"
    finally:
        db.close()


def _open(browser, html: Path, scheme: str):  # noqa: ANN001, ANN202
    page = browser.new_page(viewport={"width": 375, "height": 800}, color_scheme=scheme)
    seen: dict[str, list[str]] = {"console": [], "errors": [], "dialogs": [], "requests": []}
    page.on("console", lambda message: message.type == "error" and seen["console"].append(message.text))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    return page, seen


def test_edition_reads_on_a_phone_without_errors_or_horizontal_scroll(browser, edition_html):
    page, seen = _open(browser, edition_html, "light")
    assert seen["console"] == [] and seen["errors"] == [] and seen["dialogs"] == []
    assert seen["requests"] == [edition_html.as_uri()]  # no external assets
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate("document.scripts.length") == 0
    handlers = page.evaluate(
        "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))"
        ".filter(n => n.startsWith('on'))"
    )
    assert handlers == []
    hrefs = page.evaluate("[...document.querySelectorAll('a')].map(a => a.href)")
    assert hrefs and all(href.startswith("https://") for href in hrefs)
    assert "<script>alert('tiêu đề')</script>" in page.inner_text("body")  # shown as text, not run
    light = page.evaluate("getComputedStyle(document.querySelector('.bt-card')).backgroundColor")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "newsletter-edition-375.png"), full_page=True)
    page.close()

    dark_page, dark_seen = _open(browser, edition_html, "dark")
    dark = dark_page.evaluate("getComputedStyle(document.querySelector('.bt-card')).backgroundColor")
    text = dark_page.evaluate("getComputedStyle(document.querySelector('.bt-text p')).color")
    assert light == "rgb(255, 255, 255)" and dark == "rgb(24, 27, 33)" and text == "rgb(229, 231, 235)"
    assert dark_page.evaluate("document.documentElement.scrollWidth") <= 375 and dark_seen["console"] == []
    dark_page.screenshot(path=str(ARTIFACTS / "newsletter-edition-375-dark.png"), full_page=True)
    dark_page.close()
    assert (ARTIFACTS / "newsletter-edition-375.png").stat().st_size > 10_000
