"""``ModelSpec``: which summarization model to use and where to run it (the edges build it from settings)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bantin.errors import ModelError

__all__ = ["DEVICES", "ENGINES", "EXTRACTIVE_MODEL_ID", "TRAINED_WEIGHTS_FILE", "ModelSpec"]

ENGINES = ("auto", "encoder-decoder", "decoder-only", "extractive")
DEVICES = ("auto", "cpu", "cuda")

# The model id the extractive engine stores its summaries under with the weights shipped in the
# package (a weights file of its own, from ``bantin model train-extractive``, carries its own id).
EXTRACTIVE_MODEL_ID = "extractive-v4"
# Where ``bantin model train-extractive`` writes weights in the data folder; the engine prefers them.
TRAINED_WEIGHTS_FILE = "extractive-weights.json"


@dataclass(frozen=True)
class ModelSpec:
    """A model folder and how to run it.

    path: a CTranslate2 model folder (``bantin model convert`` makes one); None: the extractive engine.
    engine: ``auto`` (read from the folder), ``encoder-decoder``, ``decoder-only`` or ``extractive``.
    device: ``auto`` (CUDA when CTranslate2 sees a GPU), ``cpu`` or ``cuda``.
    compute_type: a CTranslate2 compute type, or ``auto`` (per device and model family).
    threads: CTranslate2's ``intra_threads``; 0: the CPU cores this process may use (CTranslate2's
      own default is 4, which oversubscribes a small machine).
    extractive_weights: the extractive engine's weights file (None: the one shipped in the package).
    """

    path: Path | None = None
    engine: Literal["auto", "encoder-decoder", "decoder-only", "extractive"] = "auto"
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compute_type: str = "auto"
    threads: int = 0
    extractive_weights: Path | None = None

    @property
    def is_extractive(self) -> bool:
        return self.path is None or self.engine == "extractive"

    @property
    def folder(self) -> Path:
        """The model folder, absolute (``ValueError`` for the extractive engine, which has none)."""
        if self.path is None:
            raise ValueError("the extractive engine has no model folder")
        return Path(self.path).expanduser().resolve()

    @property
    def model_id(self) -> str:
        """The id summaries made with this spec are stored under, known without loading the model."""
        if not self.is_extractive:
            return self.folder.name
        if self.extractive_weights is None:
            return EXTRACTIVE_MODEL_ID
        try:  # the file's own id, read without loading the engine
            return str(json.loads(Path(self.extractive_weights).read_text(encoding="utf-8"))["model_id"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"cannot read the model id of {self.extractive_weights}: {exc}") from exc
