"""What goes into a summary (``SummaryOptions``) and what comes out (``Summary``).

Options are a frozen dataclass with documented defaults; the hash of the options that change the
output (``options_hash()``) is stored with every summary, so an article is summarized once per
(model id, options hash).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

__all__ = ["DEFAULT_INSTRUCTION", "DEFAULT_PROMPT", "Summary", "SummaryInfo", "SummaryOptions"]

DEFAULT_INSTRUCTION = "Tóm tắt ngắn gọn bài báo sau bằng tiếng Việt:\n{text}"
DEFAULT_PROMPT = "### Câu hỏi: {instruction}\n### Trả lời:"

# Fields that only steer speed or reporting, never the text: left out of the hash.
_NOT_HASHED = frozenset({"max_batch_size", "batch_tokens"})


@dataclass(frozen=True)
class SummaryOptions:
    """How to summarize. Every field has a default that suits Vietnamese news articles.

    Generation (CTranslate2 engines):
      max_length: most tokens generated per summary (default 128).
      min_length: fewest tokens generated (default 0).
      beam_size: beam search width; 1 is greedy (default 4).
      length_penalty: beam length penalty (default 1.0).
      repetition_penalty: > 1 discourages repeats (default 1.0).
      no_repeat_ngram_size: forbid repeating n-grams of this size, 0 = off (default 3).
      sampling_temperature / sampling_topk: sampling, off by default (topk 1 = greedy/beam).
    Input:
      max_input_tokens: input window; 0 = the model's own (512 for T5/BART, default 0).
      long_input: "truncate" (cut at a sentence boundary, default) or "map-reduce" (summarize
        paragraph chunks, then summarize the joined partial summaries).
      max_chunks: map-reduce reads at most this many window-sized chunks (default 16), which
        bounds time and memory on very long input; the info says when text was left out.
      prefix: text put before every input (ViT5 expects "vietnews: "; default "").
      instruction, prompt_template: decoder-only models; ``{text}`` goes into the instruction,
        ``{instruction}`` into the template (PhoGPT: "### Câu hỏi: {instruction}\\n### Trả lời:").
    Extractive engine:
      budget_sentences: most sentences kept (default 2).
      budget_chars: most characters kept, 0 = no limit (default 260).
    Speed only (not part of the hash):
      max_batch_size: most documents per CTranslate2 call (default 16).
      batch_tokens: token budget per batch when batching by length (default 8192).
    """

    max_length: int = 128
    min_length: int = 0
    beam_size: int = 4
    length_penalty: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 3
    sampling_temperature: float = 1.0
    sampling_topk: int = 1
    max_input_tokens: int = 0
    long_input: Literal["truncate", "map-reduce"] = "truncate"
    max_chunks: int = 16
    prefix: str = ""
    instruction: str = DEFAULT_INSTRUCTION
    prompt_template: str = DEFAULT_PROMPT
    budget_sentences: int = 2
    budget_chars: int = 260
    max_batch_size: int = 16
    batch_tokens: int = 8192

    def __post_init__(self) -> None:
        if self.long_input not in ("truncate", "map-reduce"):
            raise ValueError(f"long_input must be 'truncate' or 'map-reduce', not {self.long_input!r}")
        for name in ("max_length", "beam_size", "max_batch_size", "batch_tokens", "budget_sentences", "max_chunks"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")
        for name in ("min_length", "max_input_tokens", "budget_chars", "no_repeat_ngram_size"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, not {getattr(self, name)}")
        if self.min_length > self.max_length:
            raise ValueError("min_length must not exceed max_length")
        if "{text}" not in self.instruction or "{instruction}" not in self.prompt_template:
            raise ValueError("instruction needs {text} and prompt_template needs {instruction}")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def hashed_dict(self) -> dict[str, Any]:
        """The fields that change the summary's text (what ``options_hash`` covers)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_HASHED}

    def search_kwargs(self) -> dict[str, Any]:
        """The CTranslate2 keyword arguments both engines pass (batching by tokens, search, sampling)."""
        return {
            "max_batch_size": self.batch_tokens,
            "batch_type": "tokens",
            "beam_size": self.beam_size,
            "length_penalty": self.length_penalty,
            "repetition_penalty": self.repetition_penalty,
            "no_repeat_ngram_size": self.no_repeat_ngram_size,
            "sampling_topk": self.sampling_topk,
            "sampling_temperature": self.sampling_temperature,
        }

    def options_hash(self) -> str:
        """A stable 16-hex-digit hash of ``hashed_dict()`` (sorted-key JSON, SHA-256)."""
        blob = json.dumps(self.hashed_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    def with_(self, **changes: Any) -> SummaryOptions:
        """A copy with ``changes`` applied (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


@dataclass(frozen=True)
class SummaryInfo:
    """What made a summary: stored with it in the archive and printed by ``--format json``.

    ``input_tokens``/``output_tokens`` are tokens read and written: the model's own tokenizer's for
    the CTranslate2 engines, space-separated syllables for the extractive engine (a Vietnamese
    syllable is its token; never sentences). ``sources``: the articles a story summary was drawn from.
    """

    engine: str
    model_id: str
    device: str
    compute_type: str
    options: dict[str, Any] = field(default_factory=dict)
    options_hash: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0
    truncated: bool = False
    chunks: int = 1
    warnings: tuple[str, ...] = ()
    sources: int = 1

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["warnings"] = list(self.warnings)
        return data


@dataclass(frozen=True)
class Summary:
    """A summary's text and the info that made it."""

    text: str
    info: SummaryInfo

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, **self.info.as_dict()}

    # The info's fields, readable on the summary itself.
    engine = property(lambda self: self.info.engine)
    model_id = property(lambda self: self.info.model_id)
    device = property(lambda self: self.info.device)
    compute_type = property(lambda self: self.info.compute_type)
    options = property(lambda self: self.info.options)
    input_tokens = property(lambda self: self.info.input_tokens)
    output_tokens = property(lambda self: self.info.output_tokens)
    seconds = property(lambda self: self.info.seconds)
