"""Hostile pages through the real path: crawl -> archive -> summaries -> edition -> e-mail.

Every page in ``pages/`` plus the generated 50 MB and 5,000-deep pages is served locally and
crawled by ``run_crawl`` into the archive (SQLite and PostgreSQL); then summaries, the edition
and its e-mail are made. What is stored and written must be text: no markup, no script, no
hidden spam, no bidi overrides or control characters, NFC, and links only to http(s).
"""

from __future__ import annotations

import re
import unicodedata

from hostile_site import (
    BAD_FEED_LINKS,
    HIDDEN_MARK,
    NESTED_PAGE,
    UNSAFE,
    WHITESPACE_PAGE,
    crawl_summarize_publish,
    e_mail,
    hostile_settings,
    page_names,
)
from sqlalchemy import select

from bantin.archive.models import Article, Summary
from bantin.newsletter.output import FILE_NAMES

STORED = [name for name in page_names() if name != WHITESPACE_PAGE]
HREF = re.compile(r"""\bhref\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)


def assert_clean_text(value: str, where: str) -> None:
    assert not UNSAFE.search(value), f"{where}: control or bidi character in {value[:80]!r}"
    assert unicodedata.is_normalized("NFC", value), f"{where}: not NFC"
    assert "__pwned" not in value and HIDDEN_MARK not in value, f"{where}: script or hidden text kept"


def test_hostile_pages_are_crawled_into_safe_text(db, tmp_path, hostile_sources, hostile_server):
    settings = hostile_settings(tmp_path, db.url)
    report, summaries, edition = crawl_summarize_publish(db, settings, hostile_sources)

    item = report.by_key("hostile")
    assert item.status != "failed" and item.failed == 0, item.errors
    assert item.new == len(STORED), (item.reasons, item.errors)
    assert item.reasons.get("too-large") == 1  # the 50 MB page is refused at the size cap
    assert item.reasons.get("bad-link") == len(BAD_FEED_LINKS)  # skipped; the feed goes on
    assert summaries.failed == 0 and summaries.summarized == len(STORED)
    with db.session() as session:
        articles = session.scalars(select(Article)).all()
        texts = [s.text for s in session.scalars(select(Summary))]
    assert sorted(a.url.rsplit("/", 1)[-1] for a in articles) == sorted(STORED)
    by_name = {a.url.rsplit("/", 1)[-1]: a for a in articles}
    for article in articles:
        assert article.url.startswith(hostile_server.base_url) and article.canonical_url.startswith("http://")
        for field in ("title", "lead", "body", "author"):
            assert_clean_text(getattr(article, field) or "", f"{article.url} {field}")
        assert "display:none" not in article.title and 'alert("h1")' not in article.title
    for text in texts:
        assert_clean_text(text, "summary")
    # a javascript: and a broken IPv6 canonical link: the page's own URL is its canonical URL
    for name in ("lien-ket-doc-hai-4980002.html", "chuoi-dai-khong-xuong-dong-4980006.html"):
        assert by_name[name].canonical_url == hostile_server.page_url(name)
    # the bidi override is gone, the letters stay in their order
    assert "gpj.exe giả mạo" in by_name["ky-tu-dao-chieu-4980004.html"].title
    # wrong charsets: Vietnamese intact (no mojibake), NFC although the bytes were NFD / cp1258
    assert (
        by_name["khai-bao-sai-bang-ma-4980008.html"].title
        == "Bệnh viện Bạch Mai dùng trí tuệ nhân tạo đọc phim X-quang"
    )
    assert by_name["unicode-to-hop-4980009.html"].title == "Bkav lắp camera AI giám sát giao thông tại Đà Nẵng"
    broken = by_name["utf8-hong-4980007.html"]
    assert broken.title.startswith("Đại học Bách khoa chế tạo robot tự hành") and "\x00" not in broken.lead
    # 5,000 nested divs: libxml2 stops at its depth limit (256); the text before it is the article
    assert "học máy số 2" in by_name[NESTED_PAGE].body and "sâu nhất" not in by_name[NESTED_PAGE].body
    # escaped markup in a title is the page's text, kept as text (the outputs escape it)
    assert by_name["script-trong-tieu-de-4980001.html"].title.startswith('<script>alert("tieu-de")</script> VinAI')

    assert edition.created and edition.item_count >= 1
    text_part, html_part = e_mail(edition)
    for name, body in (
        ("text", text_part),
        ("html", html_part),
        (
            "markdown",
            (edition.output_dir / FILE_NAMES["markdown"]).read_text(encoding="utf-8"),
        ),
    ):
        assert not UNSAFE.search(body.replace("\r", "")), f"{name}: control or bidi character"
        assert "javascript:" not in body.lower() and "data:text" not in body.lower()
    assert "<script" not in html_part.lower() and not re.search(r"\son\w+\s*=", html_part)
    for href in HREF.findall(html_part):
        assert href.startswith(("http://", "https://")), href
