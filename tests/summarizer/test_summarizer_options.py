from __future__ import annotations

import dataclasses

import ctranslate2
import pytest

from bantin.errors import ModelError
from bantin.summarizer import SummaryOptions
from bantin.summarizer.device import choose_placement


def test_options_hash_is_stable_and_ignores_speed_knobs() -> None:
    base = SummaryOptions()
    assert base.options_hash() == SummaryOptions().options_hash()
    assert len(base.options_hash()) == 16
    assert base.with_(max_batch_size=2, batch_tokens=100).options_hash() == base.options_hash()
    assert base.with_(beam_size=1).options_hash() != base.options_hash()
    assert base.with_(beam_size=None) == base
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.beam_size = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    "bad", [{"long_input": "summarize"}, {"beam_size": 0}, {"min_length": 200}, {"instruction": "no slot"}]
)
def test_bad_options_are_refused(bad: dict) -> None:
    with pytest.raises(ValueError):
        SummaryOptions(**bad)


def test_cpu_placement() -> None:
    assert choose_placement("auto", "auto", "t5").device == "cpu"
    assert choose_placement("cpu", "auto", "bart").compute_type == "int8"
    assert choose_placement("cpu", "float32", "bart").compute_type == "float32"
    with pytest.raises(ModelError, match="not supported"):
        choose_placement("cpu", "float8_e4m3", "bart")


@pytest.mark.parametrize(
    ("supported", "family", "expected"),
    [
        ({"float32", "int8", "int8_float32", "int8_float16", "float16", "int8_bfloat16", "bfloat16"}, "bart", "int8_float16"),
        ({"float32", "int8", "int8_float32", "int8_float16", "float16", "int8_bfloat16", "bfloat16"}, "t5", "int8_bfloat16"),
        ({"float32", "int8", "int8_float32", "int8_float16", "float16"}, "t5", "int8_float32"),
    ],
)
def test_gpu_placement_rules(monkeypatch: pytest.MonkeyPatch, supported: set, family: str, expected: str) -> None:
    # No GPU here: stand in for CTranslate2's device queries (the only fake in these tests).
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    monkeypatch.setattr(ctranslate2, "get_supported_compute_types", lambda device: supported if device == "cuda" else {"int8"})
    placement = choose_placement("auto", "auto", family)
    assert (placement.device, placement.compute_type) == ("cuda", expected)


def test_cuda_without_gpu() -> None:
    if ctranslate2.get_cuda_device_count():
        pytest.skip("a GPU is visible")
    with pytest.raises(ModelError, match="no CUDA GPU"):
        choose_placement("cuda", "auto", "t5")
