"""A small archive of Vietnamese articles for the search tests (imported by name: search_corpus)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bantin.archive.engine import Database
from bantin.archive.repository import (
    ArticleIn,
    SummaryIn,
    ensure_source,
    record_source_failure,
    store_summary,
    upsert_article,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

# (source, title, lead, body, days ago, topics, relevance, cluster)
CORPUS = [
    ("vnexpress", "Trí tuệ nhân tạo thay đổi ngân hàng", "Các ngân hàng đầu tư vào AI.",
     "Mô hình ngôn ngữ lớn giúp trả lời khách hàng.", 1, ("ai", "finance"), 0.9, 1),
    ("tuoitre", "Ngân hàng dùng trí tuệ nhân tạo để chống gian lận", "Hệ thống mới phát hiện giao dịch lạ.",
     "Công nghệ nhận dạng hành vi được triển khai.", 2, ("ai",), 0.8, 1),
    ("vnexpress", "Đường sắt tốc độ cao khởi công", "Dự án nối Hà Nội với TP.HCM.",
     "Tuyến đường dài hơn 1.500 km.", 3, ("transport",), 0.1, None),
    ("tuoitre", "Hoà nhạc công nghệ ở Đà Nẵng", "Sự kiện hòa nhập giới trẻ.",
     "Ban nhạc trình diễn cùng robot.", 4, ("culture",), 0.2, None),
    ("vnexpress", "Giải thưởng hòa bình", "Một nhà khoa học được vinh danh.",
     "Bài viết không có từ khóa khác.", 5, ("science",), 0.3, None),
    ("tuoitre", "Tạo tác nhân mới cho trí tuệ", "Nhân viên nghiên cứu tạo ra phần mềm tuệ tĩnh.",
     "Các từ đứng rời nhau: trí ở đây, tuệ ở kia, nhân và tạo nằm xa.", 6, ("ai",), 0.5, None),
    ("genk", "Bitcoin và trí tuệ nhân tạo", "Tiền ảo gặp AI.",
     "Thị trường tiền mã hoá biến động.", 7, ("crypto", "ai"), 0.4, 2),
    ("genk", "GPT-4o ra mắt tại Việt Nam", "OpenAI giới thiệu mô hình GPT-4o.",
     "Người dùng thử nghiệm trợ lý <script>alert(1)</script> mới.", 400, ("ai",), 0.95, None),
]


@dataclass(frozen=True)
class Archive:
    db: Database
    ids: dict[str, int]  # title -> article id


def fill(db: Database, count_extra: int = 0) -> dict[str, int]:
    """Store CORPUS (and ``count_extra`` filler articles about AI) and return title -> id."""
    ids: dict[str, int] = {}
    with db.session() as session:
        for key, name in (("vnexpress", "VnExpress"), ("tuoitre", "Tuổi Trẻ"), ("genk", "GenK")):
            ensure_source(session, key, name=name, homepage=f"https://{key}.vn/")
        for n, (key, title, lead, body, days, topics, relevance, cluster) in enumerate(CORPUS):
            item = ArticleIn(
                source_key=key, url=f"https://{key}.vn/bai-{n}.html", canonical_url=f"https://{key}.vn/bai-{n}.html",
                title=title, lead=lead, body=body, published_at=NOW - timedelta(days=days), topics=topics,
                relevance=relevance, cluster_id=cluster,
            )
            ids[title] = upsert_article(session, item).article_id
        for n in range(count_extra):
            item = ArticleIn(
                source_key="genk", url=f"https://genk.vn/ai-{n}.html", canonical_url=f"https://genk.vn/ai-{n}.html",
                title=f"Bản tin công nghệ số {n}", lead=f"Ứng dụng AI thứ {n} cho doanh nghiệp.",
                body=f"Nội dung {n} về trí tuệ nhân tạo.", published_at=NOW - timedelta(days=30 + n), topics=("ai",),
                relevance=0.6,
            )
            upsert_article(session, item)
        first = ids[CORPUS[0][1]]
        store_summary(session, SummaryIn(article_id=first, model_id="test/vit5-tiny", options_hash="h1",
                                         engine="extractive", text="Ngân hàng dùng AI để phục vụ khách."))
        record_source_failure(session, "genk", "HTTP 503 <b>from</b> server")
    return ids


def old_title_match(db, title: str = "Trí tuệ nhân tạo: bài cũ", body: str = "Không có gì.",
                    url: str = "https://genk.vn/cu.html"):
    """An article with the whole query in its title, older than every body-only match."""
    with db.session() as session:
        item = ArticleIn(source_key="genk", url=url, canonical_url=url,
                         title=title, lead="Năm ngoái.", body=body,
                         published_at=NOW - timedelta(days=900), topics=("ai",), relevance=0.5)
        return upsert_article(session, item).article_id


def make_bounded(monkeypatch, count: int) -> None:
    """Make every query 'frequent': more than ``count`` matches go the bounded way."""
    for module in ("postgres", "sqlite"):
        monkeypatch.setattr(f"bantin.archive.search.{module}.ALL_MATCHES", count)
    monkeypatch.setattr("bantin.archive.search.sqlite.NEWEST", count)
    monkeypatch.setattr("bantin.archive.search.sqlite.COUNTED", count)
    monkeypatch.setattr("bantin.archive.search.CANDIDATES", count)
