"""The extractive engine on real Vietnamese text: boundaries, budgets, no repeats, coherence, weights, info."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from bantin_samples import SAMPLE_ARTICLE as VI_ARTICLE

from bantin.errors import InputError, ModelError
from bantin.summarizer import ExtractiveSummarizer, ModelSpec, SummaryOptions
from bantin.summarizer.extractive import WEIGHTS_FILE, load_weights, select
from bantin.summarizer.features import drop_asides, drop_opener
from bantin.summarizer.generation import NOT_VIETNAMESE
from bantin.summarizer.sentences import split_sentences
from bantin.summarizer.spec import EXTRACTIVE_MODEL_ID

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
    assert 1 <= len(split_sentences(summary.text)) <= budget


def test_length_target_is_configurable() -> None:
    short = ExtractiveSummarizer(target_chars=1).summarize([VI_ARTICLE], SummaryOptions(budget_chars=0))[0]
    assert len(split_sentences(short.text)) == 1
    assert ENGINE.target_chars == load_weights()["target_chars"] and 100 <= ENGINE.target_chars <= 300


def test_character_budget_keeps_at_least_one_sentence() -> None:
    tight = ENGINE.summarize([VI_ARTICLE], SummaryOptions(budget_sentences=5, budget_chars=150))[0]
    assert len(tight.text) <= 150 or len(split_sentences(tight.text)) == 1
    assert ENGINE.summarize([VI_ARTICLE], SummaryOptions(budget_chars=10))[0].text


def test_repeated_sentences_are_never_picked_twice() -> None:
    repeated = "\n".join([VI_ARTICLE, VI_ARTICLE, "Trí tuệ nhân tạo thay đổi tòa soạn Việt Nam."])
    summary = ENGINE.summarize([repeated], SummaryOptions(budget_sentences=4, budget_chars=0))[0]
    picked = split_sentences(summary.text)
    assert 1 <= len(picked) == len(set(picked)) <= 4
    assert all(s.endswith(".") for s in picked)  # the title line (no full stop) is never picked


def test_info_and_determinism() -> None:
    options = SummaryOptions(budget_sentences=3)
    first, second = ENGINE.summarize([VI_ARTICLE, VI_ARTICLE], options)
    assert first.text == second.text
    assert first.engine == "extractive" and first.model_id == EXTRACTIVE_MODEL_ID and first.device == "cpu"
    assert first.info.options_hash == options.options_hash() and first.options["budget_sentences"] == 3
    # tokens are syllables (space-separated), read from the candidate sentences (not the title line)
    body = split_sentences(VI_ARTICLE)[1:]
    assert first.input_tokens == sum(len(s.split()) for s in body) and first.output_tokens == len(first.text.split())


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
    first = split_sentences(text)[:400]
    assert summary.info.truncated and summary.input_tokens == sum(len(s.split()) for s in first)
    assert len(summary.text) <= 260


def test_openers_need_their_antecedent_and_order_is_kept() -> None:
    sentences = ["Công ty A công bố mô hình mới.", "Mô hình đạt kết quả cao.", "Tuy nhiên, chi phí phần cứng vẫn là rào cản lớn."]
    options = SummaryOptions(budget_chars=0, budget_sentences=3)
    alone = select(sentences, np.array([0.1, 0.1, 0.9]), options, target_chars=40, reference_tokens=20, discount=1.0)
    assert drop_opener("Tuy nhiên, trước đó anh Nam từng bị phạt.") == "Anh Nam từng bị phạt."
    assert alone == ["Chi phí phần cứng vẫn là rào cản lớn."]
    both = select(sentences, np.array([0.1, 0.8, 0.9]), options, target_chars=100, reference_tokens=20, discount=1.0)
    assert both == sentences[1:]  # document order, the opener kept after its antecedent


def test_a_second_sentence_only_when_it_raises_the_expected_rouge() -> None:
    sentences = ["Công an tỉnh Bạc Liêu bắt giữ đối tượng cầm dao truy sát khiến 11 người thương vong.",
                 "Đối tượng bị nghi ngáo đá.", "Người dân hiếu kỳ đứng xem rất đông và bàn tán suốt buổi chiều hôm đó."]
    options = SummaryOptions(budget_chars=0, budget_sentences=3)
    kwargs = {"target_chars": 400, "reference_tokens": 20}
    assert select(sentences, np.array([0.6, 0.5, 0.05]), options, discount=1.0, **kwargs) == sentences[:2]
    assert select(sentences, np.array([0.6, 0.5, 0.05]), options, discount=0.1, **kwargs) == sentences[:1]
    assert select(sentences, np.array([0.6, 0.5, 0.05]), options, discount=1.0, target_chars=60,
                  reference_tokens=20) == sentences[:1]  # several sentences only within target_chars
    bigram = {**kwargs, "discount": 1.0, "bigram_precision": np.array([0.4, 0.05, 0.6])}
    weak = np.array([0.6, 0.2, 0.25])  # the third sentence: few of its syllables, many of its bigrams expected
    assert select(sentences, weak, options, bigram_weight=0.0, **bigram) == sentences[:1]
    assert select(sentences, weak, options, bigram_weight=1.0, **bigram) == [sentences[0], sentences[2]]
    assert select(sentences, weak, options, **bigram) == [sentences[0], sentences[2]]  # default weight 1


def test_long_asides_are_dropped_short_ones_kept() -> None:
    assert drop_asides("Nguyễn Văn Tiến (33 tuổi, quê Ninh Bình) nhận 20 năm tù về tội Cướp tài sản.") == (
        "Nguyễn Văn Tiến nhận 20 năm tù về tội Cướp tài sản.")
    kept = "Công an quận Nam Từ Liêm (Hà Nội) vừa khởi tố bị can Nguyễn Cảnh An (SN 1999)."
    assert drop_asides(kept) == kept
    assert drop_asides("Anh Nam (SN 1990, trú tại Hà Nội) đi.") == "Anh Nam (SN 1990, trú tại Hà Nội) đi."  # too short left
    doc = ("Tin mới\nNguyễn Văn Tiến (33 tuổi, quê Ninh Bình) nhận 20 năm tù về tội Cướp tài sản. "
           "Tòa án nhân dân thành phố Hà Nội tuyên án sáng qua.")
    assert "33 tuổi" not in ENGINE.summarize([doc], SummaryOptions())[0].text
    alone = "Nguyễn Văn Tiến (33 tuổi, quê Ninh Bình) nhận 20 năm tù."
    assert ENGINE.summarize([alone], SummaryOptions())[0].text == alone  # one sentence: that sentence


def test_title_bylines_and_credits_are_never_picked() -> None:
    title = "Ông Trump: “Tôi sẽ không từ bỏ”"
    body = " ".join(split_sentences(VI_ARTICLE)[1:4])
    doc = f"{title}\n{body} Ảnh: Hoàng Hà. Mộc Miên (Tổng hợp)"
    for budget in (1, 2, 3):
        text = ENGINE.summarize([doc], SummaryOptions(budget_sentences=budget, budget_chars=0))[0].text
        assert "Tôi sẽ không" not in text and "Tổng hợp" not in text and "Ảnh:" not in text
    for headline in ("VEC từ chối phục vụ vĩnh viễn 2 ô tô gây rối trạm thu phí: Liệu có đúng luật?",
                     "Vụ nữ sinh bị giết: Kẻ chủ mưu khai có liên lạc với mẹ nạn nhân sau khi bắt giữ Cao Mỹ D.",
                     "Ngọc Trinh sẽ sớm lên xe hoa với tỷ phú nhờ điều này..."):
        for budget in (1, 2, 3):
            text = ENGINE.summarize([f"{headline}\n{body}"], SummaryOptions(budget_sentences=budget, budget_chars=0))[0].text
            assert headline[-12:] not in text
    repeated = ENGINE.summarize([f"{title}\n{title} {body}"], SummaryOptions(budget_sentences=3, budget_chars=0))[0]
    assert "Tôi sẽ không" not in repeated.text  # a body that starts by repeating its headline
    only_title = ENGINE.summarize([title], SummaryOptions())[0]
    assert only_title.text == title


def test_shipped_weights_are_plain_json_read_once() -> None:
    path = Path(__file__).resolve().parents[2] / "summarizer" / WEIGHTS_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["model_id"] == EXTRACTIVE_MODEL_ID and path.stat().st_size < 100_000
    assert load_weights() is load_weights() and ModelSpec().model_id == EXTRACTIVE_MODEL_ID


def test_a_weights_file_without_a_bigram_weight_counts_bigrams_fully(tmp_path: Path) -> None:
    old = {k: v for k, v in load_weights().items() if k != "bigram_weight"}  # a file written before the key
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    assert ExtractiveSummarizer(path).bigram_weight == 1.0 and ENGINE.bigram_weight == load_weights()["bigram_weight"]


def test_a_weights_file_of_its_own(tmp_path: Path) -> None:
    mine = {**load_weights(), "model_id": "extractive-archive-1234abcd", "target_chars": 50}
    path = tmp_path / "w.json"
    path.write_text(json.dumps(mine), encoding="utf-8")
    engine = ExtractiveSummarizer(path)
    assert engine.model_id == ModelSpec(extractive_weights=path).model_id == "extractive-archive-1234abcd"
    assert engine.summarize([VI_ARTICLE], SummaryOptions())[0].model_id == "extractive-archive-1234abcd"
    path.write_text(json.dumps({**mine, "features": ["position"]}), encoding="utf-8")
    with pytest.raises(ModelError, match="other features"):
        ExtractiveSummarizer(path)  # the file changed: read again
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot read"):
        ExtractiveSummarizer(tmp_path / "bad.json")
