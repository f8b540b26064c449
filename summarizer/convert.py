"""Converting Hugging Face models to CTranslate2, and describing converted model folders.

``convert_model`` wraps CTranslate2's ``TransformersConverter``, saves the tokenizer next to the
converted weights and writes ``bantin_model.json`` (family, engine, quantization, source), which
``model_card`` reads back.

The untied-T5 trap, and its fix
-------------------------------
transformers 5.x changed how T5 says "do not rescale the decoder output": ``T5Config`` now
forces ``tie_word_embeddings = True`` on every model and keeps the old meaning of a ``False``
value in a new attribute, ``scale_decoder_outputs`` (``MT5Config`` forces it too, and mT5's
modeling code never rescales). CTranslate2 4.8's ``T5Loader`` still reads
``tie_word_embeddings`` to decide whether to multiply the decoder output by ``d_model ** -0.5``,
so every untied model (T5 v1.1, mT5, ViT5-large) is converted with that scale applied by mistake:
its logits come out ``sqrt(d_model)`` times too small (log-probs off by ~20 on real models).
``ParityConverter.load_model`` restores the flag CTranslate2 reads from what transformers actually
does (``scale_decoder_outputs``; never for mT5) before the spec is built. It likewise sets BART's
``normalize_before`` (gone from 5.x configs, read by CTranslate2's BartLoader) to what the
transformers code does: post-norm for BART, pre-norm for mBART/BARTpho. ``check_parity`` proves
the result: CTranslate2 ``score_batch`` against the transformers model's log-probs.
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import ctranslate2

from bantin.errors import ModelError
from bantin.summarizer.card import (
    CARD_FILE,
    ENCODER_DECODER_FAMILIES,
    QUANTIZATIONS,
    T5_FAMILIES,
    TOKENIZER_FILES,
    ModelCard,
    engine_of,
    max_positions,
    model_card,
    read_json,
)

__all__ = [
    "CARD_FILE",
    "ENCODER_DECODER_FAMILIES",
    "CONVERT_EXTRA",
    "ModelCard",
    "QUANTIZATIONS",
    "TOKENIZER_FILES",
    "convert_model",
    "decoder_output_scaled",
    "model_card",
    "parity_converter",
    "require_torch",
]

CONVERT_EXTRA = "pip install 'bantin[convert]'"


def require_torch() -> None:
    """``ModelError`` (one line naming the extra) when PyTorch, which conversion and the parity
    check need, is not installed. Summarizing with a converted model never needs it."""
    try:
        import torch  # noqa: F401
    except ImportError as exc:
        raise ModelError(f"converting a model and its parity check need PyTorch: {CONVERT_EXTRA}") from exc


def decoder_output_scaled(config: Any) -> bool:
    """Does the transformers model multiply the decoder output by ``d_model ** -0.5``?"""
    if getattr(config, "model_type", "") == "mt5":
        return False
    if hasattr(config, "scale_decoder_outputs"):
        return bool(config.scale_decoder_outputs)
    return bool(getattr(config, "tie_word_embeddings", True))


@cache
def parity_converter() -> type:
    """``ParityConverter``: CTranslate2's ``TransformersConverter`` that converts untied T5 models
    with the right output scale (built on first use: importing the converters loads PyTorch)."""
    from ctranslate2.converters import TransformersConverter

    class ParityConverter(TransformersConverter):
        """``TransformersConverter`` that converts untied T5 models with the right output scale."""

        fixes: tuple[str, ...] = ()

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            config = model.config
            if getattr(config, "model_type", "") in T5_FAMILIES:
                scaled = decoder_output_scaled(config)
                if bool(config.tie_word_embeddings) != scaled:
                    self.fixes = (f"t5-output-scale: scale_decoder_outputs={scaled} (CTranslate2 read tie_word_embeddings)",)
                # CTranslate2's T5Loader reads this flag only to decide the output scale; the weights
                # are loaded already, so changing it here re-ties nothing.
                config.tie_word_embeddings = scaled
            if getattr(config, "model_type", "") in ("bart", "mbart"):
                # transformers' BART is post-norm and mBART pre-norm whatever the config says; 5.x
                # configs no longer carry ``normalize_before``, which CTranslate2's BartLoader reads.
                wanted = config.model_type == "mbart"
                if getattr(config, "normalize_before", None) != wanted:
                    self.fixes = (*self.fixes, f"bart-norm: normalize_before={wanted} (as transformers computes)")
                config.normalize_before = wanted
            return model

    return ParityConverter


def _check_source(folder: Path, trust_remote_code: bool) -> dict[str, Any]:
    if not folder.is_dir():
        raise ModelError(f"model folder {folder} does not exist")
    if not (folder / "config.json").is_file():
        raise ModelError(f"{folder} is not a Hugging Face model folder (no config.json)")
    config = read_json(folder / "config.json")
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise ModelError(f"{folder} has no tokenizer files ({', '.join(TOKENIZER_FILES[:2])}...)")
    if config.get("auto_map") and not trust_remote_code:
        raise ModelError(
            f"{folder} needs its own Python code ({config.get('model_type')}; e.g. PhoGPT/MPT): "
            "re-run with --trust-remote-code if you trust that folder"
        )
    if config.get("model_type") == "mpt" and not config.get("auto_map"):
        raise ModelError(
            f"{folder} is an MPT model without its remote code: CTranslate2 converts MPT only through "
            "the model folder's own MPTConfig (configuration_mpt.py, modeling_mpt.py and an auto_map)"
        )
    return config


def _save_tokenizer(source: Path, out: Path, trust_remote_code: bool) -> None:
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(source), trust_remote_code=trust_remote_code)
    except (OSError, ValueError, TypeError) as exc:
        raise ModelError(f"cannot load the tokenizer of {source}: {' '.join(str(exc).split())[:300]}") from exc
    tokenizer.save_pretrained(str(out))


def convert_model(
    source: Path,
    out: Path,
    *,
    quantization: str | None = "int8",
    trust_remote_code: bool = False,
    force: bool = False,
    prefix: str = "",
    prompt_template: str = "",
) -> ModelCard:
    """Convert the Hugging Face model in ``source`` to a CTranslate2 model folder ``out``.

    ``quantization`` is any CTranslate2 weight type (``int8`` default; ``None``/``float32`` keeps
    full precision, which ``check_parity`` compares exactly). ``prefix`` is the task prefix the
    encoder-decoder engine puts before every input (ViT5: ``"vietnews: "``); ``prompt_template`` the
decoder-only engine's template (``{instruction}``), used instead of the default. Raises ``ModelError``.
    """
    source, out = Path(source), Path(out)
    config = _check_source(source, trust_remote_code)
    if quantization is not None and quantization not in QUANTIZATIONS:
        raise ModelError(f"unknown quantization {quantization!r} (use one of {', '.join(QUANTIZATIONS)})")
    if out.exists() and any(out.iterdir()) and not force:
        raise ModelError(f"{out} exists and is not empty (use --force to replace it)")
    require_torch()
    converter = parity_converter()(str(source), trust_remote_code=trust_remote_code)
    try:
        converter.convert(str(out), quantization=quantization, force=True)
    except (ValueError, KeyError, NotImplementedError, AttributeError, OSError) as exc:
        shutil.rmtree(out, ignore_errors=True)
        raise ModelError(f"cannot convert {source}: {' '.join(str(exc).split())[:300]}") from exc
    _save_tokenizer(source, out, trust_remote_code)
    if (source / "generation_config.json").is_file():
        shutil.copy2(source / "generation_config.json", out / "generation_config.json")
    family = str(config.get("model_type", "unknown"))
    card = ModelCard(
        path=str(out),
        family=family,
        architecture=(config.get("architectures") or [family])[0],
        engine=engine_of(family),
        quantization=quantization or "float32",
        vocabulary_size=int(config.get("vocab_size", 0)),
        source=str(source.resolve()),
        max_positions=max_positions(config),
        fixes=converter.fixes,
        converter=f"ctranslate2 {ctranslate2.__version__}",
        prefix=prefix,
        prompt_template=prompt_template,
    )
    (out / CARD_FILE).write_text(json.dumps(card.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return card
