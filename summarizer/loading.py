"""``load_summarizer``: the configured engine, loaded once per process and reused."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import ctranslate2

from bantin.errors import ModelError
from bantin.summarizer.card import TOKENIZER_FILES, model_card
from bantin.summarizer.causal import DecoderOnlySummarizer
from bantin.summarizer.device import choose_placement, cuda_problem
from bantin.summarizer.extractive import ExtractiveSummarizer
from bantin.summarizer.protocol import Summarizer
from bantin.summarizer.seq2seq import EncoderDecoderSummarizer
from bantin.summarizer.spec import ENGINES, ModelSpec

__all__ = ["clear_cache", "cpu_threads", "load_summarizer"]

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


def cpu_threads() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _load_ct2(folder: Path, engine: str, device: str, compute_type: str, threads: int) -> Summarizer:
    card = model_card(folder)
    if engine != "auto" and engine != card.engine:
        raise ModelError(f"{folder} is a {card.engine} model ({card.family}), not {engine}")
    placement = choose_placement(device, compute_type, card.family)  # refusals before anything loads
    tokenizer = _tokenizer(folder)
    runner = ctranslate2.Translator if card.engine == "encoder-decoder" else ctranslate2.Generator
    try:
        model = runner(str(folder), device=placement.device, compute_type=placement.compute_type,
                       intra_threads=threads or cpu_threads())
    except (RuntimeError, ValueError) as exc:
        raise ModelError(f"cannot load {folder} on {placement.device}: {' '.join(str(exc).split())[:200]}") from exc
    engine_class = EncoderDecoderSummarizer if card.engine == "encoder-decoder" else DecoderOnlySummarizer
    return engine_class(folder, card, tokenizer, placement, model)


def load_summarizer(spec: ModelSpec) -> Summarizer:
    """The engine ``spec`` names, loaded once per process per (path, engine, device, compute type).

    Extractive when the spec has no model path or its engine is ``extractive``. Raises ``ModelError``.
    """
    if spec.engine not in ENGINES:
        raise ModelError(f"unknown engine {spec.engine!r} (choose: {', '.join(ENGINES)})")
    if spec.device == "cuda":  # said before anything loads, in one line
        problem = cuda_problem(spec.compute_type)
        if problem:
            raise ModelError(problem)
    if spec.is_extractive:
        if spec.engine not in ("auto", "extractive"):
            raise ModelError(f"the {spec.engine} engine needs a model folder (set BANTIN_MODEL_PATH or --model)")
        weights = None if spec.extractive_weights is None else str(Path(spec.extractive_weights).resolve())
        key: tuple[Any, ...] = ("extractive", weights)
    else:
        key = (str(spec.folder), spec.engine, spec.device, spec.compute_type, spec.threads)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = (
                ExtractiveSummarizer(None if key[1] is None else Path(key[1]))
                if key[0] == "extractive"
                else _load_ct2(spec.folder, spec.engine, spec.device, spec.compute_type, spec.threads)
            )
        return _CACHE[key]
