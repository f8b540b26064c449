"""What a converted model folder is: ``ModelCard`` and ``model_card`` (no PyTorch, no transformers).

``bantin model convert`` writes ``bantin_model.json`` (family, engine, quantization, source, prefix)
next to the CTranslate2 weights; ``model_card`` reads it back. Loading and describing a model needs
only CTranslate2; converting one (``bantin.summarizer.convert``) needs the ``convert`` extra.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import ctranslate2

from bantin.errors import ModelError

__all__ = [
    "CARD_FILE",
    "ENCODER_DECODER_FAMILIES",
    "QUANTIZATIONS",
    "T5_FAMILIES",
    "TOKENIZER_FILES",
    "ModelCard",
    "engine_of",
    "max_positions",
    "model_card",
    "read_json",
]

CARD_FILE = "bantin_model.json"
ENCODER_DECODER_FAMILIES = frozenset({"t5", "mt5", "umt5", "longt5", "bart", "mbart", "marian", "pegasus"})
T5_FAMILIES = frozenset({"t5", "mt5", "umt5", "longt5"})
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "spiece.model", "sentencepiece.bpe.model", "vocab.txt")
QUANTIZATIONS = ("int8", "int8_float16", "int8_bfloat16", "int8_float32", "float16", "bfloat16", "float32")


@dataclass(frozen=True)
class ModelCard:
    """What ``bantin model info`` prints about a converted model folder."""

    path: str
    family: str
    architecture: str
    engine: str
    quantization: str
    vocabulary_size: int
    source: str = ""
    max_positions: int = 0
    fixes: tuple[str, ...] = ()
    converter: str = ""
    prefix: str = ""
    prompt_template: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fixes"] = list(self.fixes)
        return data


def read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path}: {exc}") from exc


def engine_of(family: str) -> str:
    return "encoder-decoder" if family in ENCODER_DECODER_FAMILIES else "decoder-only"


def max_positions(config: dict[str, Any]) -> int:
    for key in ("max_position_embeddings", "n_positions", "max_seq_len"):
        if isinstance(config.get(key), int):
            return int(config[key])
    return 512 if config.get("model_type") in T5_FAMILIES else 0


def _vocabulary_size(folder: Path) -> int:
    for name in ("shared_vocabulary.json", "vocabulary.json", "target_vocabulary.json"):
        if (folder / name).is_file():
            return len(read_json(folder / name))
    return 0


def model_card(folder: Path) -> ModelCard:
    """Describe the CTranslate2 model in ``folder``; raises ``ModelError`` if it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"model folder {folder} does not exist")
    if not ctranslate2.contains_model(str(folder)):
        raise ModelError(f"{folder} is not a CTranslate2 model folder (no model.bin; run: bantin model convert)")
    ct2_config = read_json(folder / "config.json") if (folder / "config.json").is_file() else {}
    card = read_json(folder / CARD_FILE) if (folder / CARD_FILE).is_file() else {}
    if card:
        card["fixes"] = tuple(card.get("fixes", ()))
        card["path"] = str(folder)
        card["vocabulary_size"] = _vocabulary_size(folder) or card.get("vocabulary_size", 0)
        return ModelCard(**{k: v for k, v in card.items() if k in ModelCard.__dataclass_fields__})
    engine = "encoder-decoder" if "decoder_start_token" in ct2_config else "decoder-only"
    return ModelCard(
        path=str(folder),
        family="unknown",
        architecture="unknown (converted without bantin)",
        engine=engine,
        quantization="unknown",
        vocabulary_size=_vocabulary_size(folder),
    )
