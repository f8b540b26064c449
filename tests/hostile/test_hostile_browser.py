"""The hostile corpus, once crawled and published, in headless Chromium at phone width.

The edition file, the e-mail's HTML part and the web archive's pages (search, every article,
editions, sources) are opened with JavaScript on: no dialog, no console or page error, no
script run (``window.__pwned`` stays untouched), no horizontal scroll at 375 px, and every
link http(s) (or, in the web app, a same-site path).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bantin_test_support import serving
from hostile_site import (
    CHROMIUM,
    UNSAFE,
    crawl_summarize_publish,
    e_mail,
    hostile_settings,
)
from sqlalchemy import select

from bantin.archive.engine import Database
from bantin.archive.models import Article, Edition
from bantin.configure import web_options

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
PHONE = 375


@dataclass(frozen=True)
class Published:
    edition_html: Path
    mail_html: Path
    web: str
    article_ids: tuple[int, ...]
    edition_id: int


@pytest.fixture(scope="module")
def published(tmp_path_factory, hostile_sources) -> Iterator[Published]:
    """The corpus crawled into a SQLite archive, summarized, published, e-mailed and served."""
    from bantin.web import create_app

    folder = tmp_path_factory.mktemp("published")
    db = Database.connect(f"sqlite:///{folder / 'bantin.db'}")
    settings = hostile_settings(folder, db.url)
    _report, _summaries, edition = crawl_summarize_publish(db, settings, hostile_sources)
    _text, html = e_mail(edition)
    mail_html = folder / "mail.html"
    mail_html.write_text(html, encoding="utf-8")
    with db.session() as session:
        ids = tuple(session.scalars(select(Article.id).order_by(Article.id)))
        edition_id = session.scalars(select(Edition.id)).one()
    try:
        with serving(create_app(web_options(settings), db)) as url:
            yield Published(edition.output_dir / "edition.html", mail_html, url, ids, edition_id)
    finally:
        db.close()


def assert_inert(seen: Any, where: str) -> None:
    assert seen.dialogs == [], f"{where}: dialogs {seen.dialogs}"
    assert seen.page_errors == [], f"{where}: page errors {seen.page_errors}"
    assert seen.console_errors == [], f"{where}: console errors {seen.console_errors} {seen.failed_loads}"
    assert seen.pwned() is None, f"{where}: a script ran ({seen.pwned()})"
    assert (
        seen.page.evaluate("document.querySelectorAll('script, iframe, object, embed, svg, math, base').length") == 0
    ), where
    handlers = seen.page.evaluate(
        "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on'))"
    )
    assert handlers == [], f"{where}: event handler attributes {handlers}"
    assert not UNSAFE.search(seen.page.evaluate("document.title + document.body.innerText")), f"{where}: bidi/control"


def test_the_harness_sees_a_script_run(watch, hostile_server):
    """Control: the raw hostile page does run its scripts, so the checks below can fail."""
    seen = watch(hostile_server.page_url("script-trong-tieu-de-4980001.html"))
    assert seen.pwned() is not None and seen.dialogs


@pytest.mark.parametrize("which", ["edition_html", "mail_html"])
def test_edition_and_mail_are_inert_and_fit_a_phone(watch, published, which):
    seen = watch(getattr(published, which).as_uri())
    assert_inert(seen, which)
    assert seen.scroll_width() <= PHONE, f"{which}: horizontal scroll"
    links = seen.links()
    assert links and all(link.startswith(("http://", "https://")) for link in links), links


def _same_site_or_web(link: str) -> bool:
    return link.startswith(("http://", "https://")) or (link.startswith(("/", "?")) and not link.startswith("//"))


def test_web_archive_pages_are_inert_fit_a_phone_and_link_safely(watch, published):
    pages = [f"/articles/{article_id}" for article_id in published.article_ids]
    pages += [
        f"/editions/{published.edition_id}",
        "/?q=tri+tue+nhan+tao",
        "/?q=script",
        "/editions",
        "/sources",
    ]
    for path in pages:
        seen = watch(published.web + path)
        assert_inert(seen, path)
        assert seen.scroll_width() <= PHONE, f"{path}: horizontal scroll ({seen.scroll_width()} px)"
        links = seen.links()
        assert all(_same_site_or_web(link) for link in links), (path, links)
        seen.page.close()
