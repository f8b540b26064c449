"""Newsletter test helpers: options, a seeded news day, an SMTP mailbox (used by tests and conftest)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from bantin.archive.models import Article, Source
from bantin.archive.repository import ArticleIn, SummaryIn, store_summary, upsert_article
from bantin.configure import newsletter_options
from bantin.newsletter import NewsletterOptions
from bantin.settings import Settings

NOW = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # 06:30 on 30/11 in Hà Nội
SMTP_USER, SMTP_PASSWORD = "bantin", "mat-khau-dung"

OUTLETS = {"vnexpress": "VnExpress", "tuoitre": "Tuổi Trẻ", "genk": "GenK", "dantri": "Dân trí"}


def make_options(tmp_path: Path, **changes: Any) -> NewsletterOptions:
    """The newsletter options of test settings (``changes``): files under ``tmp_path``, no .env,
    no SMTP unless given."""
    values: dict[str, Any] = dict(data_dir=tmp_path / "data", out_dir=tmp_path / "out", smtp_host=None)
    values.update(changes)
    return newsletter_options(Settings(_env_file=None, **values))


def add_article(
    db,  # noqa: ANN001 - archive.engine.Database
    key: str,
    *,
    source: str = "vnexpress",
    hours_ago: float = 2.0,
    relevance: float = 0.8,
    topics: tuple[str, ...] = ("models",),
    title: str | None = None,
    lead: str | None = None,
    body: str | None = None,
    url: str | None = None,
    cluster_of: int | None = None,
    summary: str | None = "Bản tóm tắt mặc định.",
    model_id: str = "vit5-base-vietnews-ct2",
    now: datetime = NOW,
    fetched_after: timedelta = timedelta(minutes=10),
) -> int:
    """Store one article (and its summary unless ``summary`` is None); returns its id.

    It was published ``hours_ago`` before ``now`` and fetched ``fetched_after`` later.
    """
    published = now - timedelta(hours=hours_ago)
    with db.session() as session:
        result = upsert_article(
            session,
            ArticleIn(
                source_key=source,
                url=url or f"https://{source}.example.vn/{key}.html",
                canonical_url=f"https://{source}.example.vn/{key}.html",
                title=title or f"Tin {key}",
                lead=lead if lead is not None else f"Phần mở đầu của bài {key}.",
                body=body if body is not None else f"Nội dung bài {key}. " * 5,
                published_at=published,
                relevance=relevance,
                topics=topics,
                cluster_id=cluster_of,
            ),
        )
        session.get(Article, result.article_id).fetched_at = published + fetched_after
        row = session.query(Source).filter_by(key=source).one()
        row.name = OUTLETS.get(source, source)
        if summary is not None:
            store_summary(
                session,
                SummaryIn(article_id=result.article_id, model_id=model_id, options_hash="o1", engine="encoder-decoder",
                          text=summary),
            )
    return result.article_id


@dataclass
class NewsDay:
    """Ids of the seeded articles, by role."""

    ids: dict[str, int] = field(default_factory=dict)


def seed_news_day(db) -> NewsDay:  # noqa: ANN001
    """A day of AI news: one story told by three outlets, single stories in several sections,
    one without a summary, one irrelevant and one too old for a daily edition."""
    day = NewsDay()
    ids = day.ids
    ids["model"] = add_article(db, "mo-hinh", title="Mô hình ngôn ngữ tiếng Việt mới ra mắt", hours_ago=5,
                               relevance=0.95, summary="Một mô hình ngôn ngữ lớn cho tiếng Việt vừa được công bố.")
    ids["model_tt"] = add_article(db, "mo-hinh-tt", source="tuoitre", hours_ago=4, relevance=0.9,
                                  cluster_of=ids["model"], summary=None)
    ids["model_genk"] = add_article(db, "mo-hinh-genk", source="genk", hours_ago=3, relevance=0.4,
                                    cluster_of=ids["model"], summary=None)
    ids["funding"] = add_article(db, "goi-von", source="dantri", topics=("investment",), relevance=0.8,
                                 title="Startup AI Việt gọi vốn 10 triệu USD", summary="Startup gọi vốn thành công.")
    ids["policy"] = add_article(db, "luat-ai", source="tuoitre", topics=("policy",), relevance=0.7,
                                title="Dự thảo luật về trí tuệ nhân tạo", summary=None,
                                lead="Bộ soạn thảo công bố dự thảo luật AI.")
    ids["chips"] = add_article(db, "chip", source="genk", topics=("chips",), relevance=0.5, hours_ago=20,
                               title="Nhà máy chip mới tại Bắc Ninh", summary="Một nhà máy chip được khởi công.")
    ids["product"] = add_article(db, "ung-dung", source="vnexpress", topics=("gadgets-unknown",), relevance=0.45,
                                 hours_ago=10, title="Ứng dụng trợ lý ảo cho nông dân",
                                 summary="Trợ lý ảo giúp nông dân tra cứu giá nông sản.")
    ids["irrelevant"] = add_article(db, "bong-da", source="dantri", topics=(), relevance=0.05,
                                    title="Kết quả bóng đá", summary="Không liên quan.")
    ids["old"] = add_article(db, "tin-cu", source="vnexpress", hours_ago=80, relevance=0.9, title="Tin cũ")
    return day


HOSTILE_TITLE = "<script>alert('tiêu đề')</script> AI <img src=x onerror=alert(1)>"
HOSTILE_SUMMARY = (
    'Bấm <a href="javascript:alert(2)">vào đây</a>\n\n<iframe src=//evil.example></iframe> [x](javascript:alert(3))'
)


def seed_hostile(db) -> int:  # noqa: ANN001
    """One hostile article (title, link, summary, model id and outlet name) next to a normal one."""
    add_article(db, "binh-thuong", title="Bài bình thường")
    article = add_article(db, "doc-hai", source="evil", title=HOSTILE_TITLE, url="javascript:alert(4)",
                          summary=HOSTILE_SUMMARY, model_id="<b>model</b>")
    with db.session() as session:
        session.query(Source).filter_by(key="evil").one().name = '"><svg onload=alert(5)>'
    return article


@dataclass
class Mailbox:
    """What the local SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)


class MailboxHandler:
    """aiosmtpd handler that keeps every message in a ``Mailbox``."""

    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 - aiosmtpd hook
        self.box.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.box.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"
