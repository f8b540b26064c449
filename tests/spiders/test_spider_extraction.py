"""Extraction against the mirror's pages in each outlet's markup: every field, exactly."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import pytest

from bantin.errors import ExtractionError
from bantin.spiders import SourceConfig, extract_page, load_sources
from bantin.spiders.dates import VIETNAM
from bantin.spiders.mirror import Site
from bantin.spiders.mirror.server import JPEG, PDF

SITE = Site("http://mirror.test", now=datetime(2025, 10, 22, 10, 0, tzinfo=VIETNAM))
SOURCES = {source.key: source for source in load_sources()}
ARTICLES = [a for a in SITE.articles if a.source != "bad"]


@pytest.mark.parametrize("article", ARTICLES, ids=[f"{a.source}-{a.path[:30]}" for a in ARTICLES])
def test_every_mirror_page_extracts_exactly(article) -> None:
    page = extract_page(SITE.article_page(article).encode("utf-8"), article.url, SOURCES[article.source])
    assert page.title == article.title
    assert page.lead == article.lead
    assert page.body == "\n\n".join(article.body)
    assert page.author == article.author
    assert page.published_at == article.published
    assert page.published_at.tzinfo is not None and page.published_at.utcoffset().total_seconds() == 7 * 3600
    assert page.canonical_url == article.url
    assert page.language == "vi"
    expected = "fallback" if article.layout else "selectors"
    assert page.method == expected


def test_vnexpress_page_fields_spelled_out() -> None:
    article = next(a for a in SITE.articles if a.path.startswith("phogpt"))
    page = extract_page(SITE.article_page(article), article.url, SOURCES["vnexpress"])
    assert page.title == "PhoGPT phiên bản mới hiểu tiếng Việt tốt hơn"
    assert page.lead.startswith("Mô hình ngôn ngữ lớn PhoGPT do kỹ sư Việt phát triển")  # "Hà Nội" stamp dropped
    assert page.published_at == datetime(2025, 10, 22, 6, 0, tzinfo=VIETNAM)  # 240 minutes before 10:00
    assert "Ảnh minh họa" not in page.body and "Khương Nha" not in page.body  # caption, author line
    assert len(page.paragraphs) == 4


def test_without_a_source_the_fallback_uses_page_metadata() -> None:
    article = next(a for a in SITE.articles if a.source == "znews")
    page = extract_page(SITE.article_page(article), article.url)
    assert page.method == "fallback"
    assert page.title == article.title
    assert page.lead == article.lead
    assert page.published_at == article.published
    assert page.canonical_url == article.url  # og:url carries utm_source; rel=canonical wins
    for paragraph in article.body:
        assert paragraph in page.body


def test_a_source_without_selectors_uses_json_ld_and_trafilatura() -> None:
    article = next(a for a in SITE.articles if a.source == "vneconomy")
    bare = SourceConfig(key="vneconomy", name="VnEconomy", homepage="https://vneconomy.vn/", feeds=("https://vneconomy.vn/rss",))
    page = extract_page(SITE.article_page(article), article.url, bare)
    assert page.method == "fallback"
    assert (page.title, page.lead, page.body, page.author) == (article.title, article.lead, article.text, article.author)
    assert page.published_at == article.published


@pytest.mark.parametrize(("data", "kind"), [(PDF, "application/pdf"), (JPEG, "image/jpeg")], ids=["pdf", "jpeg"])
def test_non_html_bytes_raise(data: bytes, kind: str) -> None:
    with pytest.raises(ExtractionError):
        extract_page(data, "https://vnexpress.net/x-4950999.html", content_type=kind)


def test_selectors_that_stop_matching_fall_back() -> None:
    article = next(a for a in SITE.articles if a.layout == "redesign")
    page = extract_page(SITE.article_page(article), article.url, SOURCES["vnexpress"])
    assert page.method == "fallback"
    assert (page.title, page.lead, page.body, page.author) == (article.title, article.lead, article.text, article.author)


def test_utf8_bytes_with_a_wrong_or_missing_charset_decode_correctly() -> None:
    article = next(a for a in SITE.articles if a.source == "dantri")
    html = SITE.article_page(article).replace('<meta charset="utf-8">', "")
    for content_type in ("text/html; charset=iso-8859-1", "text/html", None):
        page = extract_page(html.encode("utf-8"), article.url, SOURCES["dantri"], content_type=content_type)
        assert page.title == article.title
        assert page.body == article.text


def test_a_legacy_vietnamese_charset_is_honoured() -> None:
    article = next(a for a in SITE.articles if a.source == "vietnamnet")
    html = SITE.article_page(article).replace('<meta charset="utf-8">', '<meta charset="windows-1258">')
    page = extract_page(_cp1258(html), article.url, SOURCES["vietnamnet"], content_type="text/html")
    assert page.title == article.title  # decoded, then NFC-normalized (cp1258 writes tones as combining marks)
    assert page.lead == article.lead
    assert page.body == article.text


def _cp1258(text: str) -> bytes:
    """Encode like a windows-1258 page: base letters precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize(
    "html",
    [
        "",
        ("<html><body><h1 class='title-detail'>Video: robot</h1><article class='fck_detail'><video src='a.mp4'></video>"
         "<p class='Normal'>Video: Bảo Lâm</p></article></body></html>"),
        "<html><body><h1 class='title-detail'>Ảnh</h1><article class='fck_detail'>"
        + "<figure><img src='a.jpg'><figcaption>Ảnh 1</figcaption></figure>" * 5 + "</article></body></html>",
        "<html><head><title>Đăng nhập</title></head><body><form><input name='user'></form></body></html>",
    ],
    ids=["empty", "video-only", "gallery-only", "login-page"],
)
def test_pages_without_an_article_raise(html: str) -> None:
    with pytest.raises(ExtractionError):
        extract_page(html.encode(), "https://vnexpress.net/x-4950999.html", SOURCES["vnexpress"])


def test_decomposed_text_is_stored_nfc() -> None:
    article = next(a for a in SITE.articles if a.source == "genk")
    html = unicodedata.normalize("NFD", SITE.article_page(article))
    page = extract_page(html, article.url, SOURCES["genk"])
    assert page.title == article.title and unicodedata.is_normalized("NFC", page.body)
