"""One summary per story: the extractive engine over several outlets' articles, repeats removed."""

from __future__ import annotations

import pytest
from bantin_samples import SAMPLE_ARTICLE as VI_ARTICLE

from bantin.errors import InputError
from bantin.summarizer import ExtractiveSummarizer, SummaryOptions
from bantin.summarizer.sentences import split_sentences
from bantin.summarizer.spec import EXTRACTIVE_MODEL_ID
from bantin.summarizer.story import STORY_SUFFIX, summarize_story

ENGINE = ExtractiveSummarizer()


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
