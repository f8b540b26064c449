"""archive.health on both backends: field counts, verdicts, the Vietnamese lines."""

from __future__ import annotations

from bantin.archive.health import drift_notes, source_health
from bantin.archive.repository import (
    ArticleIn,
    ensure_source,
    finish_crawl_run,
    record_source_failure,
    start_crawl_run,
    upsert_article,
)

SELECTED = {"title": "selector:h1", "lead": "selector:h2", "body": "selector:div", "author": "missing",
            "published": "selector:time"}
FALLBACK = {"title": "fallback:json-ld", "lead": "fallback:og", "body": "fallback:trafilatura",
            "author": "fallback:json-ld", "published": "fallback:meta"}


def _article(session, key: str, n: int, provenance: dict[str, str] | None, extraction: str) -> None:
    upsert_article(session, ArticleIn(
        source_key=key, url=f"https://{key}.vn/bai-{n}.htm", canonical_url=f"https://{key}.vn/bai-{n}.htm",
        title=f"Bài {key} {n}", body=f"Nội dung bài {key} số {n}. " * 20, extraction=extraction, provenance=provenance))


def test_verdicts_counts_and_lines(db) -> None:
    with db.session() as session:
        ensure_source(session, "dantri", name="Dân trí - Sức mạnh số", homepage="https://dantri.com.vn/")
        ensure_source(session, "genk", name="GenK", homepage="https://genk.vn/")
        ensure_source(session, "znews", name="ZNews - Công nghệ", homepage="https://znews.vn/")
        _article(session, "dantri", 0, None, "selectors")  # stored before provenance was kept
        _article(session, "dantri", 1, SELECTED, "selectors")
        for n in range(2, 5):
            _article(session, "dantri", n, FALLBACK, "fallback")
        for n in range(3):
            _article(session, "genk", n, SELECTED, "selectors")
        for _ in range(2):
            record_source_failure(session, "znews", "DNS lookup failed for znews.vn")
            finish_crawl_run(session, start_crawl_run(session, "znews"), status="failed", reason="DNS")
    with db.session() as session:
        report = {h.key: h for h in source_health(session)}
        dantri = report["dantri"]
        assert dantri.verdict == "drifting" and (dantri.articles, dantri.fallback_articles) == (5, 3)
        assert report["dantri"].fields["body"].__dict__ == {"selectors": 2, "fallback": 3, "missing": 0}
        assert report["dantri"].fields["author"].__dict__ == {"selectors": 1, "fallback": 3, "missing": 1}
        assert report["dantri"].message == "bộ chọn của Dân trí không còn khớp: 3/5 bài gần nhất dùng trích xuất dự phòng"
        assert report["genk"].verdict == "ok" and report["genk"].message == ""
        assert report["znews"].verdict == "failing" and report["znews"].last_reason == "DNS"
        assert report["znews"].message == "không tải được ZNews 2 lần liền (lỗi gần nhất: DNS)"
        assert drift_notes(session, verdicts=("drifting",)) == [report["dantri"].message]
        assert len(drift_notes(session)) == 2
        # a higher threshold, or only the newest two articles (both fallback, but too few to judge)
        assert source_health(session, threshold=0.7, keys=["dantri"])[0].verdict == "ok"
        assert source_health(session, last=2, keys=["dantri"])[0].verdict == "ok"
