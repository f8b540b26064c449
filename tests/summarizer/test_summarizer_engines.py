"""The CTranslate2 engines on tiny random models: mechanics, never wording."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bantin_samples import SAMPLE_ARTICLE as VI_ARTICLE

from bantin.errors import InputError, ModelError
from bantin.summarizer import ModelSpec, Summarizer, SummaryOptions, load_summarizer
from bantin.summarizer.generation import NOT_VIETNAMESE

DOCS = [
    "Nhiều tòa soạn tại TP.HCM đã dùng trí tuệ nhân tạo để tóm tắt tin tức.",
    VI_ARTICLE,
    "Công ty khởi nghiệp gọi vốn 105 triệu USD.",
]
# min_length=1: a random tiny model may otherwise end at once (EOS first), which says nothing about mechanics
FAST = SummaryOptions(max_length=10, min_length=1, beam_size=2)


def engine(folder: Path, **overrides: str) -> Summarizer:
    return load_summarizer(ModelSpec(**{"path": folder, "device": "cpu", "compute_type": "float32", **overrides}))


@pytest.mark.parametrize("family", ["t5", "t5-untied", "bart", "mbart", "llama", "mpt"])
def test_batching_equals_one_by_one_and_is_deterministic(family: str, ct2_models: dict[str, Path]) -> None:
    summarizer = engine(ct2_models[family])
    batched = summarizer.summarize(DOCS, FAST)
    single = [summarizer.summarize([doc], FAST)[0] for doc in DOCS]
    assert [s.text for s in batched] == [s.text for s in single]
    assert [s.text for s in summarizer.summarize(DOCS, FAST)] == [s.text for s in batched]
    for summary in batched:
        assert 0 < summary.output_tokens <= FAST.max_length
        assert summary.info.engine == summarizer.engine == ("decoder-only" if family in ("llama", "mpt") else "encoder-decoder")
        assert summary.model_id == ct2_models[family].name
        assert summary.info.compute_type == "float32" and summary.device == "cpu"
        assert summary.info.options_hash == FAST.options_hash() and summary.options["max_length"] == 10


def test_small_batches_match_one_big_call(ct2_models: dict[str, Path]) -> None:
    summarizer = engine(ct2_models["t5"])
    seen: list[tuple[int, int]] = []
    big = summarizer.summarize(DOCS * 2, FAST)
    small = summarizer.summarize(
        DOCS * 2, FAST.with_(max_batch_size=2, batch_tokens=64), progress=lambda d, t: seen.append((d, t))
    )
    assert [s.text for s in small] == [s.text for s in big]
    assert seen == [(2, 6), (4, 6), (6, 6)]


def test_decoder_only_returns_only_the_generated_part(ct2_models: dict[str, Path]) -> None:
    summarizer = engine(ct2_models["llama"])
    summary = summarizer.summarize([DOCS[0]], FAST)[0]
    assert "Câu hỏi" not in summary.text and "TP.HCM" not in summary.text
    assert summary.input_tokens > 10 and summary.output_tokens <= 10


def test_loaded_once_per_process(ct2_models: dict[str, Path]) -> None:
    first = engine(ct2_models["bart"])
    assert engine(ct2_models["bart"]) is first
    assert engine(ct2_models["t5"]) is not first
    assert load_summarizer(ModelSpec()) is load_summarizer(ModelSpec())
    assert load_summarizer(ModelSpec()).engine == "extractive"
    assert load_summarizer(ModelSpec(path=ct2_models["t5"], engine="extractive")).engine == "extractive"


def test_auto_placement_on_this_cpu(ct2_models: dict[str, Path]) -> None:
    summarizer = load_summarizer(ModelSpec(path=ct2_models["t5"]))
    assert (summarizer.device, summarizer.compute_type) == ("cpu", "int8")
    assert summarizer.summarize([DOCS[0]], FAST)[0].info.compute_type == "int8"


def test_long_input_truncated_at_a_sentence_boundary(ct2_models: dict[str, Path]) -> None:
    summarizer = engine(ct2_models["t5"])
    options = FAST.with_(max_input_tokens=48)
    summary = summarizer.summarize([VI_ARTICLE], options)[0]
    assert summary.info.truncated and summary.info.chunks == 1
    assert summary.input_tokens <= 48


def test_map_reduce_summarizes_chunks_then_their_summaries(ct2_models: dict[str, Path]) -> None:
    summarizer = engine(ct2_models["bart"])
    options = FAST.with_(max_input_tokens=64, long_input="map-reduce")
    summary = summarizer.summarize([VI_ARTICLE], options)[0]
    assert summary.info.chunks > 1 and not summary.info.truncated
    assert summary.output_tokens <= options.max_length
    assert summary.info.options_hash != FAST.with_(max_input_tokens=64).options_hash()


@pytest.mark.parametrize("long_input", ["truncate", "map-reduce"])
def test_hundred_thousand_words_are_bounded(long_input: str, ct2_models: dict[str, Path]) -> None:
    sentence = "Trí tuệ nhân tạo giúp tòa soạn làm tin nhanh hơn mỗi ngày. "
    text = sentence * (100_000 // len(sentence.split()))
    summarizer = engine(ct2_models["t5"])
    options = FAST.with_(long_input=long_input, max_chunks=3, max_input_tokens=128)
    summary = summarizer.summarize([text], options)[0]
    assert summary.info.chunks <= 3 and summary.input_tokens <= 3 * 128
    if long_input == "truncate":
        assert summary.info.truncated
    else:
        assert any("left out" in w for w in summary.info.warnings)


def test_other_language_warns_but_summarizes(ct2_models: dict[str, Path]) -> None:
    summary = engine(ct2_models["t5"]).summarize(["The quick brown fox jumps over the lazy dog. It ran."], FAST)[0]
    assert NOT_VIETNAMESE in summary.info.warnings and summary.output_tokens > 0
    assert engine(ct2_models["t5"]).summarize([DOCS[0]], FAST)[0].info.warnings == ()


@pytest.mark.parametrize("doc", ["", "   \n\t "])
def test_empty_documents_are_refused(doc: str, ct2_models: dict[str, Path]) -> None:
    with pytest.raises(InputError, match="document 2 is empty"):
        engine(ct2_models["t5"]).summarize([DOCS[0], doc], FAST)


def test_bad_model_folders(ct2_models: dict[str, Path], hf_models: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        engine(tmp_path / "missing")
    with pytest.raises(ModelError, match="not a CTranslate2 model"):
        engine(hf_models["t5"])
    bare = tmp_path / "bare"
    shutil.copytree(ct2_models["t5"], bare)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (bare / name).unlink()
    with pytest.raises(ModelError, match="lacks its tokenizer"):
        engine(bare)
    with pytest.raises(ModelError, match="not decoder-only"):
        engine(ct2_models["t5"], engine="decoder-only")
    with pytest.raises(ModelError, match="no CUDA GPU"):
        load_summarizer(ModelSpec(path=ct2_models["t5"], device="cuda"))


def test_context_too_small_for_decoder_only(ct2_models: dict[str, Path]) -> None:
    with pytest.raises(ModelError, match="lower --max-length"):
        engine(ct2_models["llama"]).summarize([DOCS[0]], SummaryOptions(max_length=100, max_input_tokens=110))


def test_decoder_only_batches_equal_length_prompts(ct2_models: dict[str, Path]) -> None:
    summarizer = engine(ct2_models["mpt"])
    assert summarizer.batches([["a"] * 3, ["b"] * 5, ["c"] * 3, ["d"] * 3], FAST.with_(max_batch_size=2)) == [[0, 2], [3], [1]]
    twice = summarizer.summarize(DOCS * 2, FAST)
    assert [s.text for s in twice[:3]] == [s.text for s in twice[3:]]
    assert [s.text for s in twice[:3]] == [summarizer.summarize([d], FAST)[0].text for d in DOCS]


def test_ctranslate2_gets_the_cores_as_threads(ct2_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import ctranslate2

    seen: list[int] = []
    real = ctranslate2.Translator

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(kwargs["intra_threads"])
        return real(*args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", spy)
    load_summarizer(ModelSpec(path=ct2_models["t5"]))
    load_summarizer(ModelSpec(path=ct2_models["t5"], threads=1))
    assert seen == [len(os.sched_getaffinity(0)), 1]  # not CTranslate2's default 4
