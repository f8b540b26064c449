"""``load_summarizer``: the configured engine, loaded once per process and reused."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import ctranslate2

from bantin.errors import ModelError
from bantin.summarizer.causal import DecoderOnlySummarizer
from bantin.summarizer.convert import TOKENIZER_FILES, model_card
from bantin.summarizer.device import choose_placement, cuda_device_count
from bantin.summarizer.extractive import ExtractiveSummarizer
from bantin.summarizer.protocol import Summarizer
from bantin.summarizer.seq2seq import EncoderDecoderSummarizer
from bantin.summarizer.spec import ModelSpec

__all__ = ["clear_cache", "load_summarizer"]

_CACHE: dict[tuple[Any, ...], Summarizer] = {}
_LOCK = threading.Lock()


def clear_cache() -> None:
    """Forget loaded models (tests; a long-lived process switching models)."""
    with _LOCK:
        _CACHE.clear()


def _tokenizer(folder: Path) -> Any:
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise ModelError(f"{folder} lacks its tokenizer (convert it with: bantin model convert HF_FOLDER {folder})")
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(folder))
    except (OSError, ValueError, TypeError) as exc:
        raise ModelError(f"cannot load the tokenizer in {folder}: {' '.join(str(exc).split())[:200]}") from exc


def _load_ct2(folder: Path, engine: str, device: str, compute_type: str) -> Summarizer:
    card = model_card(folder)
    if engine != "auto" and engine != card.engine:
        raise ModelError(f"{folder} is a {card.engine} model ({card.family}), not {engine}")
    tokenizer = _tokenizer(folder)
    placement = choose_placement(device, compute_type, card.family)
    runner = ctranslate2.Translator if card.engine == "encoder-decoder" else ctranslate2.Generator
    try:
        model = runner(str(folder), device=placement.device, compute_type=placement.compute_type)
    except (RuntimeError, ValueError) as exc:
        raise ModelError(f"cannot load {folder} on {placement.device}: {' '.join(str(exc).split())[:200]}") from exc
    engine_class = EncoderDecoderSummarizer if card.engine == "encoder-decoder" else DecoderOnlySummarizer
    return engine_class(folder, card, tokenizer, placement, model)


def load_summarizer(spec: ModelSpec) -> Summarizer:
    """The engine ``spec`` names, loaded once per process per (path, engine, device, compute type).

    Extractive when the spec has no model path or its engine is ``extractive``. Raises ``ModelError``.
    """
    if spec.device == "cuda" and cuda_device_count() == 0:
        raise ModelError("--device cuda was asked for, but CTranslate2 sees no CUDA GPU (use --device cpu or auto)")
    if spec.is_extractive:
        if spec.engine not in ("auto", "extractive"):
            raise ModelError(f"the {spec.engine} engine needs a model folder (set BANTIN_MODEL_PATH or --model)")
        key: tuple[Any, ...] = ("extractive",)
    else:
        key = (str(spec.folder), spec.engine, spec.device, spec.compute_type)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = (
                ExtractiveSummarizer()
                if key == ("extractive",)
                else _load_ct2(spec.folder, spec.engine, spec.device, spec.compute_type)
            )
        return _CACHE[key]
