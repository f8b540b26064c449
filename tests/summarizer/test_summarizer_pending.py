"""summarize_pending on both archive backends: small transactions, idempotent re-runs, skips."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from bantin_samples import SAMPLE_ARTICLE as VI_ARTICLE
from sqlalchemy import func, select

from bantin.archive.engine import Database
from bantin.archive.models import Summary as SummaryRow
from bantin.archive.repository import ArticleIn, upsert_article
from bantin.summarizer import ExtractiveSummarizer, ModelSpec, SummaryOptions, load_summarizer, summarize_pending
from bantin.summarizer.pending import article_text

OPTIONS = SummaryOptions(max_length=8, beam_size=1)


def add_articles(db: Database, count: int, *, empty: int = 0) -> list[int]:
    ids = []
    with db.session() as session:
        for i in range(count + empty):
            body = "" if i >= count else f"{VI_ARTICLE}\nBài số {i} nói thêm về chuyện khác số {i}."
            item = ArticleIn(source_key="vnexpress", url=f"https://vnexpress.net/a-{i}.html",
                             canonical_url=f"https://vnexpress.net/a-{i}.html", title=f"Tin số {i}", body=body)
            ids.append(upsert_article(session, item).article_id)
    return ids


def rows(db: Database) -> list[SummaryRow]:
    with db.session() as session:
        return list(session.scalars(select(SummaryRow).order_by(SummaryRow.article_id)))


class CrashAfter:
    """A real engine that dies (like a killed worker) on its n-th call."""

    def __init__(self, inner: ExtractiveSummarizer, calls: int) -> None:
        self.inner, self.calls = inner, calls
        self.engine, self.model_id, self.device, self.compute_type = inner.engine, inner.model_id, "cpu", "none"

    def summarize(self, docs: Sequence[str], options: SummaryOptions, **kw: object) -> list:
        self.calls -= 1
        if self.calls < 0:
            raise RuntimeError("worker killed")
        return self.inner.summarize(docs, options)


def test_crash_loses_only_the_batch_in_flight_and_rerun_completes(db: Database) -> None:
    add_articles(db, 7)
    engine = ExtractiveSummarizer()
    with pytest.raises(RuntimeError):
        summarize_pending(db, CrashAfter(engine, 2), OPTIONS, batch_size=3)
    assert len(rows(db)) == 6
    report = summarize_pending(db, engine, OPTIONS, batch_size=3)
    assert (report.summarized, report.failed, report.skipped) == (1, 0, 0)
    again = summarize_pending(db, engine, OPTIONS, batch_size=3)
    assert again.summarized == 0
    stored = rows(db)
    assert len(stored) == 7 == len({r.article_id for r in stored})
    assert {r.options_hash for r in stored} == {OPTIONS.options_hash()}


def test_empty_articles_are_skipped_and_limit_is_kept(db: Database) -> None:
    add_articles(db, 3, empty=2)
    engine = ExtractiveSummarizer()
    first = summarize_pending(db, engine, OPTIONS, limit=2)
    assert first.summarized + first.skipped == 2
    report = summarize_pending(db, engine, OPTIONS)
    assert report.skipped == 2 and report.failed == 0
    assert len(rows(db)) == 3


def test_stored_info_from_a_ct2_model(db: Database, ct2_models: dict[str, Path]) -> None:
    ids = add_articles(db, 3)
    engine = load_summarizer(ModelSpec(path=ct2_models["t5"], compute_type="float32"))
    report = summarize_pending(db, engine, OPTIONS, batch_size=2, progress=True)
    assert report.summarized == 3
    with db.session() as session:
        count = session.scalar(select(func.count()).select_from(SummaryRow))
    assert count == 3
    row = rows(db)[0]
    assert row.article_id == ids[0] and row.model_id == ct2_models["t5"].name
    assert (row.engine, row.device, row.compute_type) == ("encoder-decoder", "cpu", "float32")
    assert 0 < row.output_tokens <= 8 and row.input_tokens > 0 and row.options["max_length"] == 8
    # other options: a different key, so summarized again; same options: nothing new
    assert summarize_pending(db, engine, OPTIONS.with_(max_length=6)).summarized == 3
    assert summarize_pending(db, engine, OPTIONS).summarized == 0


def test_article_text_has_title_lead_and_body() -> None:
    class Row:
        title, lead, body = "Tiêu đề", "Sapo.", "Thân bài."

    assert article_text(Row()) == "Tiêu đề\nSapo.\nThân bài."  # type: ignore[arg-type]
