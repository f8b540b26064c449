"""Repository operations on both backends (the ``db`` fixture runs each test twice)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bantin.archive.models import Article, CrawlRun, Source, Summary
from bantin.archive.repository import (
    ArticleIn,
    SummaryIn,
    Upsert,
    ensure_source,
    finish_crawl_run,
    known_urls,
    pending_articles,
    record_source_failure,
    record_source_success,
    start_crawl_run,
    store_summary,
    upsert_article,
)

ICT = timezone(timedelta(hours=7))


def _item(n: int = 1, **changes) -> ArticleIn:
    base = dict(
        source_key="vnexpress",
        url=f"https://vnexpress.net/bai-{n}.html?utm_source=x",
        canonical_url=f"https://vnexpress.net/bai-{n}.html",
        title=f"Trí tuệ nhân tạo thay đổi ngành ngân hàng {n}",
        lead="Các ngân hàng Việt Nam đầu tư mạnh vào AI.",
        body=f"Đoạn một của bài {n}.\n\nĐoạn hai nói về mô hình ngôn ngữ lớn.",
        author="Hoài Thu",
        published_at=datetime(2025, 10, 22, 19, 25, tzinfo=ICT),
        relevance=0.8,
        topics=("ai", "finance"),
    )
    base.update(changes)
    return ArticleIn(**base)


def test_upsert_is_idempotent(db):
    with db.session() as s:
        first = upsert_article(s, _item())
        again = upsert_article(s, _item())
    assert first.outcome is Upsert.NEW
    assert again.outcome is Upsert.UNCHANGED and again.article_id == first.article_id
    with db.session() as s:
        rows = s.scalars(select(Article)).all()
        assert len(rows) == 1
        row = rows[0]
        assert row.published_at == datetime(2025, 10, 22, 12, 25, tzinfo=UTC)
        assert row.topics == ["ai", "finance"]
        assert row.source.key == "vnexpress"


def test_changed_body_updates_row_and_hash(db):
    with db.session() as s:
        first = upsert_article(s, _item())
        old_hash = s.get(Article, first.article_id).content_hash
    with db.session() as s:
        result = upsert_article(s, _item(body="Nội dung đã được cập nhật."))
    assert result.outcome is Upsert.UPDATED and result.article_id == first.article_id
    with db.session() as s:
        row = s.get(Article, first.article_id)
        assert row.body == "Nội dung đã được cập nhật."
        assert row.content_hash != old_hash


def test_nfd_and_nfc_store_identically_and_dedup(db):
    nfd = _item(
        title=unicodedata.normalize("NFD", _item().title),
        body=unicodedata.normalize("NFD", _item().body),
        lead=unicodedata.normalize("NFD", _item().lead),
    )
    with db.session() as s:
        a = upsert_article(s, _item())
        b = upsert_article(s, nfd)
    assert b.outcome is Upsert.UNCHANGED and a.article_id == b.article_id
    with db.session() as s:
        row = s.get(Article, a.article_id)
        assert row.title == unicodedata.normalize("NFC", row.title) == _item().title
        assert s.scalar(select(Article.id).where(Article.title == _item().title)) == a.article_id


def test_same_content_at_other_url_is_a_duplicate(db):
    with db.session() as s:
        a = upsert_article(s, _item())
        b = upsert_article(s, _item(url="https://m.vnexpress.net/x", canonical_url="https://other.vn/x"))
    assert b.outcome is Upsert.DUPLICATE and b.article_id == a.article_id
    with db.session() as s:
        assert len(s.scalars(select(Article)).all()) == 1


def test_known_urls(db):
    with db.session() as s:
        upsert_article(s, _item(1))
        found = known_urls(s, ["https://vnexpress.net/bai-1.html", "https://vnexpress.net/bai-2.html",
                               "https://vnexpress.net/bai-1.html?utm_source=x"])
    assert found == {"https://vnexpress.net/bai-1.html", "https://vnexpress.net/bai-1.html?utm_source=x"}


def test_pending_and_store_summary(db):
    with db.session() as s:
        ids = [upsert_article(s, _item(n)).article_id for n in (1, 2, 3)]
    with db.session() as s:
        pending = pending_articles(s, "vit5", "h1")
        assert sorted(a.id for a in pending) == sorted(ids)
        row, created = store_summary(s, SummaryIn(ids[0], "vit5", "h1", "encoder-decoder", "Tóm tắt.",
                                                  compute_type="int8", options={"beam_size": 4}))
        assert created
        again, created_again = store_summary(s, SummaryIn(ids[0], "vit5", "h1", "encoder-decoder", "Khác."))
        assert not created_again and again.id == row.id
    with db.session() as s:
        assert sorted(a.id for a in pending_articles(s, "vit5", "h1")) == sorted(ids[1:])
        assert len(pending_articles(s, "vit5", "h2")) == 3  # other options: summarized anew
        assert len(pending_articles(s, "vit5", "h1", limit=1)) == 1
        stored = s.scalars(select(Summary)).one()
        assert (stored.text, stored.compute_type, stored.options) == ("Tóm tắt.", "int8", {"beam_size": 4})


def test_crawl_run_and_source_health(db):
    with db.session() as s:
        ensure_source(s, "genk", name="GenK", homepage="https://genk.vn", feeds=["https://genk.vn/rss.chn"])
        run = start_crawl_run(s, "genk")
        finish_crawl_run(s, run, counts={"discovered": 5, "fetched": 4, "new": 3, "rejected": 1},
                         reasons={"not html": 1}, errors=["timeout"])
        record_source_failure(s, "genk", "HTTP 500")
        record_source_failure(s, "genk", "HTTP 503")
    with db.session() as s:
        source = s.scalar(select(Source).where(Source.key == "genk"))
        assert (source.consecutive_failures, source.last_error) == (2, "HTTP 503")
        assert source.feeds == ["https://genk.vn/rss.chn"]
        run = s.scalars(select(CrawlRun)).one()
        assert (run.status, run.new, run.rejected, run.reasons) == ("ok", 3, 1, {"not html": 1})
        assert run.finished_at is not None and run.finished_at.tzinfo is not None
        record_source_success(s, "genk")
    with db.session() as s:
        source = s.scalar(select(Source).where(Source.key == "genk"))
        assert source.consecutive_failures == 0 and source.last_success_at is not None
        with pytest.raises(ValueError):
            finish_crawl_run(s, s.scalars(select(CrawlRun)).one(), counts={"bogus": 1})


def test_naive_datetime_is_refused(db):
    with pytest.raises(Exception, match="naive datetime"):
        with db.session() as s:
            upsert_article(s, _item(published_at=datetime(2025, 1, 1)))
