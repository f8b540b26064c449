"""The extractive engine on real Vietnamese text: boundaries, budgets, no repeats, info."""

from __future__ import annotations

import pytest
from bantin_samples import SAMPLE_ARTICLE as VI_ARTICLE

from bantin.errors import InputError
from bantin.summarizer import ExtractiveSummarizer, SummaryOptions
from bantin.summarizer.generation import NOT_VIETNAMESE
from bantin.summarizer.sentences import split_sentences

ENGINE = ExtractiveSummarizer()


def test_summary_is_whole_sentences_of_the_article_in_order() -> None:
    summary = ENGINE.summarize([VI_ARTICLE], SummaryOptions())[0]
    sentences = split_sentences(VI_ARTICLE)
    picked = split_sentences(summary.text)
    assert picked and all(s in sentences for s in picked)
    assert [sentences.index(s) for s in picked] == sorted(sentences.index(s) for s in picked)
    assert "TP.HCM" in VI_ARTICLE and all(not s.endswith("TP.") for s in picked)


@pytest.mark.parametrize("budget", [1, 2, 3])
def test_sentence_budget(budget: int) -> None:
    summary = ENGINE.summarize([VI_ARTICLE], SummaryOptions(budget_sentences=budget, budget_chars=0))[0]
    assert len(split_sentences(summary.text)) == budget


def test_character_budget_keeps_at_least_one_sentence() -> None:
    tight = ENGINE.summarize([VI_ARTICLE], SummaryOptions(budget_sentences=5, budget_chars=150))[0]
    assert len(tight.text) <= 150 or len(split_sentences(tight.text)) == 1
    assert ENGINE.summarize([VI_ARTICLE], SummaryOptions(budget_chars=10))[0].text


def test_repeated_sentences_are_never_picked_twice() -> None:
    repeated = "\n".join([VI_ARTICLE, VI_ARTICLE, "Trí tuệ nhân tạo thay đổi tòa soạn Việt Nam."])
    summary = ENGINE.summarize([repeated], SummaryOptions(budget_sentences=4, budget_chars=0))[0]
    picked = split_sentences(summary.text)
    assert 2 <= len(picked) == len(set(picked)) <= 4
    assert all(s.endswith(".") for s in picked)  # the title line (no full stop) is never picked


def test_info_and_determinism() -> None:
    options = SummaryOptions(budget_sentences=3)
    first, second = ENGINE.summarize([VI_ARTICLE, VI_ARTICLE], options)
    assert first.text == second.text
    assert first.engine == "extractive" and first.model_id == "extractive-v1" and first.device == "cpu"
    assert first.info.options_hash == options.options_hash() and first.options["budget_sentences"] == 3
    # input "tokens" of the extractive engine: candidate sentences (the title line is not one)
    assert first.input_tokens == len(split_sentences(VI_ARTICLE)) - 1 and first.output_tokens == 3


def test_bad_and_odd_inputs() -> None:
    with pytest.raises(InputError, match="empty"):
        ENGINE.summarize([" \n "], SummaryOptions())
    english = ENGINE.summarize(["The model was released today. It is fast. People like it."], SummaryOptions())[0]
    assert NOT_VIETNAMESE in english.info.warnings and english.text
    one = ENGINE.summarize(["Chỉ một câu không có dấu chấm"], SummaryOptions())[0]
    assert one.text == "Chỉ một câu không có dấu chấm"


def test_hundred_thousand_words() -> None:
    text = " ".join(f"Câu thứ {i} nói về trí tuệ nhân tạo tại Việt Nam." for i in range(10_000))
    summary = ENGINE.summarize([text], SummaryOptions())[0]
    assert summary.info.truncated and summary.input_tokens == 400 and len(summary.text) <= 260
