"""Vietnamese summaries: CTranslate2 encoder-decoder and decoder-only engines, an extractive fallback.

Call ``load_summarizer(ModelSpec(path))`` once, then ``summarizer.summarize(docs, SummaryOptions())``;
``summarize_pending(db, summarizer, options)`` fills the archive's missing summaries.

The names below are imported on first use (PEP 562), so ``import bantin.summarizer`` loads none of
CTranslate2, transformers or PyTorch; conversion (``convert_model``, ``check_parity``) needs the
``convert`` extra.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "ModelCard": "card",
    "model_card": "card",
    "convert_model": "convert",
    "Placement": "device",
    "choose_placement": "device",
    "ExtractiveSummarizer": "extractive",
    "clear_cache": "loading",
    "load_summarizer": "loading",
    "Summary": "options",
    "SummaryInfo": "options",
    "SummaryOptions": "options",
    "check_parity": "parity",
    "PendingReport": "pending",
    "summarize_pending": "pending",
    "Summarizer": "protocol",
    "overview_writer": "overview",
    "write_overview": "overview",
    "split_sentences": "sentences",
    "ModelSpec": "spec",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
