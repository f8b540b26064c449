"""One summary per story: the extractive engine over several outlets' articles, repeats removed; a
CTranslate2 model over their titles and leads, stored once per set of articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bantin_samples import SAMPLE_ARTICLE as VI_ARTICLE
from sqlalchemy import select

from bantin.archive.engine import Database
from bantin.archive.models import Article
from bantin.archive.models import Summary as SummaryRow
from bantin.archive.repository import ArticleIn, upsert_article
from bantin.errors import InputError
from bantin.summarizer import ExtractiveSummarizer, ModelSpec, SummaryOptions, load_summarizer
from bantin.summarizer.pending import story_leads, summarize_stories
from bantin.summarizer.sentences import split_sentences
from bantin.summarizer.spec import EXTRACTIVE_MODEL_ID
from bantin.summarizer.story import STORY_SUFFIX, story_hash, summarize_story

ENGINE = ExtractiveSummarizer()
NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


def test_a_story_told_by_three_outlets_gets_one_summary_without_repeats() -> None:
    other = ("Tòa soạn dùng AI\nNhiều tòa soạn tại TP.HCM và Hà Nội đã bắt đầu dùng trí tuệ nhân tạo để tóm tắt tin tức. "
             "Một biên tập viên cho biết công cụ mới giúp họ làm việc nhanh hơn. Mộc Miên (Tổng hợp)")
    docs = [VI_ARTICLE, other, VI_ARTICLE]
    options = SummaryOptions(budget_sentences=3, budget_chars=0)
    story = summarize_story(ENGINE, docs, options)
    picked = split_sentences(story.text)
    assert picked and len(picked) == len(set(picked)) <= 3
    pool = {s for doc in docs for s in split_sentences(doc)}
    assert all(s in pool for s in picked) and "Tổng hợp" not in story.text
    assert story.model_id == EXTRACTIVE_MODEL_ID + STORY_SUFFIX and story.info.sources == 3
    assert story.info.options_hash == options.options_hash()


def test_one_article_and_bad_input() -> None:
    alone = summarize_story(ENGINE, [VI_ARTICLE], SummaryOptions())
    assert alone.text == ENGINE.summarize([VI_ARTICLE], SummaryOptions())[0].text and alone.info.sources == 1
    with pytest.raises(InputError):
        summarize_story(ENGINE, [], SummaryOptions())
    with pytest.raises(InputError, match="empty"):
        summarize_story(ENGINE, [VI_ARTICLE, "  "], SummaryOptions())


def _story(db: Database, outlets: tuple[str, ...]) -> list[int]:
    """One story told by ``outlets`` (the first article's cluster), published an hour before ``NOW``."""
    ids: list[int] = []
    with db.session() as session:
        for i, outlet in enumerate(outlets):
            item = ArticleIn(source_key=outlet, url=f"https://{outlet}.vn/ai-{i}.html", canonical_url=f"https://{outlet}.vn/ai-{i}.html",
                             title=f"Tòa soạn {outlet} dùng AI", lead=f"Bài của {outlet} về trí tuệ nhân tạo trong tòa soạn.",
                             body=VI_ARTICLE, published_at=NOW - timedelta(hours=1), relevance=0.9,
                             cluster_id=ids[0] if ids else None)
            ids.append(upsert_article(session, item).article_id)
        session.get(Article, ids[0]).cluster_id = ids[0]
    return ids


def test_a_ct2_model_summarizes_the_story_from_its_titles_and_leads(db: Database, ct2_models: dict[str, Path]) -> None:
    ids = _story(db, ("vnexpress", "tuoitre", "genk"))
    engine = load_summarizer(ModelSpec(path=ct2_models["t5"], compute_type="float32"))
    options = SummaryOptions(max_length=8, beam_size=1)
    report = summarize_stories(db, engine, options, now=NOW)
    assert (report.summarized, report.failed) == (1, 0)
    assert summarize_stories(db, engine, options, now=NOW).summarized == 0
    with db.sessions() as session:
        (row,) = session.scalars(select(SummaryRow))
        leads = story_leads([session.get(Article, i) for i in ids])
    assert row.model_id == ct2_models["t5"].name + STORY_SUFFIX and row.engine == "encoder-decoder"
    assert row.article_id == ids[0] and row.options["story"] == {"members": ids, "outlets": 3}
    assert row.options_hash == story_hash(options, ids) != story_hash(options, ids[:2])
    assert row.input_tokens > 0 and 0 < row.output_tokens <= 8
    assert leads.count("\n") == 5 and "Bài của genk" in leads and VI_ARTICLE not in leads


def test_the_extractive_info_counts_syllables() -> None:
    story = summarize_story(ENGINE, [VI_ARTICLE, VI_ARTICLE.replace("AI", "trí tuệ nhân tạo")], SummaryOptions())
    assert story.output_tokens == len(story.text.split()) and story.input_tokens > story.output_tokens
