"""What both CTranslate2 engines share: fitting input to the window, map-reduce, length batching.

An engine subclass says how big its text window is, how to turn texts into model tokens and how
to run one batch; ``CT2Engine.summarize`` does the rest:

1. check every document (empty -> ``InputError``; not Vietnamese -> a warning, still summarized);
2. fit each document to the window: cut at a sentence boundary, or (map-reduce) cut into chunks;
3. generate for all pieces, sorted by length and batched (``max_batch_size`` documents per call,
   CTranslate2 itself packing by ``batch_type="tokens"``);
4. map-reduce only: join each document's partial summaries, fit them, and generate once more;
5. attach the info (engine, model, device, compute type, options, tokens, seconds).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bantin.errors import InputError
from bantin.summarizer.card import ModelCard
from bantin.summarizer.chunking import chunk_text, truncate_text
from bantin.summarizer.device import Placement
from bantin.summarizer.options import Summary, SummaryInfo, SummaryOptions
from bantin.summarizer.protocol import Progress
from bantin.text import looks_vietnamese

__all__ = ["CT2Engine", "Generated", "check_documents"]

NOT_VIETNAMESE = "input does not look Vietnamese; summarized anyway"


def check_documents(docs: Sequence[str]) -> list[tuple[str, ...]]:
    """Per-document warnings; raises ``InputError`` for a non-string, empty or blank document."""
    warnings: list[tuple[str, ...]] = []
    for index, doc in enumerate(docs):
        if not isinstance(doc, str):
            raise InputError(f"document {index + 1} is {type(doc).__name__}, not text")
        if not doc.strip():
            raise InputError(f"document {index + 1} is empty (nothing to summarize)")
        warnings.append(() if looks_vietnamese(doc) else (NOT_VIETNAMESE,))
    return warnings


@dataclass
class Generated:
    """One model call's result for one input."""

    text: str
    input_tokens: int
    output_tokens: int
    seconds: float


@dataclass
class _Plan:
    pieces: list[str]
    truncated: bool
    warnings: list[str] = field(default_factory=list)
    results: list[Generated] = field(default_factory=list)


class CT2Engine:
    """Base of the CTranslate2 engines (see the module docstring for the stages)."""

    engine = "ctranslate2"

    def __init__(self, folder: Path, card: ModelCard, tokenizer: Any, placement: Placement, model: Any) -> None:
        self.folder = Path(folder)
        self.card = card
        self.tokenizer = tokenizer
        self.placement = placement
        self.model = model
        self.model_id = self.folder.name
        self.device = placement.device
        self.compute_type = placement.compute_type

    # -- what a subclass provides ------------------------------------------------------------
    def text_budget(self, options: SummaryOptions) -> int:
        raise NotImplementedError

    def encode(self, texts: Sequence[str], options: SummaryOptions) -> list[list[str]]:
        raise NotImplementedError

    def run(self, batch: list[list[str]], options: SummaryOptions) -> list[list[str]]:
        raise NotImplementedError

    # -- shared machinery ----------------------------------------------------------------------
    def count(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False).input_ids)

    def decode(self, tokens: list[str]) -> str:
        ids = self.tokenizer.convert_tokens_to_ids(tokens)
        return " ".join(self.tokenizer.decode(ids, skip_special_tokens=True).split())

    def _plan(self, doc: str, options: SummaryOptions) -> _Plan:
        budget = self.text_budget(options)
        if options.long_input == "map-reduce":
            chunks, dropped = chunk_text(doc, budget, self.count, max_chunks=options.max_chunks)
            plan = _Plan(chunks, dropped)
            if dropped:
                plan.warnings.append(f"input longer than {options.max_chunks} chunks; the rest was left out")
            return plan
        fitted = truncate_text(doc, budget, self.count)
        return _Plan([fitted.text], fitted.truncated)

    def _generate(self, texts: list[str], options: SummaryOptions, progress: Progress | None) -> list[Generated]:
        encoded = self.encode(texts, options)
        out: list[Generated | None] = [None] * len(texts)
        done = 0
        for group in self.batches(encoded, options):
            began = time.perf_counter()
            produced = self.run([encoded[i] for i in group], options)
            share = (time.perf_counter() - began) / len(group)
            for i, tokens in zip(group, produced, strict=True):
                out[i] = Generated(self.decode(tokens), len(encoded[i]), len(tokens), share)
            done += len(group)
            if progress is not None:
                progress(done, len(texts))
        return [item for item in out if item is not None]

    def batches(self, encoded: list[list[str]], options: SummaryOptions) -> list[list[int]]:
        """Indexes of ``encoded`` grouped into model calls: sorted by length, ``max_batch_size`` each."""
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        return [order[start : start + options.max_batch_size] for start in range(0, len(order), options.max_batch_size)]

    def model_inputs(self, docs: Sequence[str], options: SummaryOptions) -> list[list[str]]:
        """The tokens of every first-stage model call for ``docs`` (what ``summarize`` sends)."""
        return self.encode([piece for doc in docs for piece in self._plan(doc, options).pieces], options)

    def summarize(
        self, docs: Sequence[str], options: SummaryOptions, *, progress: Progress | None = None
    ) -> list[Summary]:
        """One ``Summary`` per document, in order (see the module docstring)."""
        warnings = check_documents(docs)
        plans = [self._plan(doc, options) for doc in docs]
        flat = [piece for plan in plans for piece in plan.pieces]
        results = iter(self._generate(flat, options, progress))
        for plan in plans:
            plan.results = [next(results) for _ in plan.pieces]
        self._reduce([plan for plan in plans if len(plan.pieces) > 1], options, progress)
        return [self._summary(plan, list(extra), options) for plan, extra in zip(plans, warnings, strict=True)]

    def _reduce(self, plans: list[_Plan], options: SummaryOptions, progress: Progress | None) -> None:
        if not plans:
            return
        joined = [truncate_text(" ".join(r.text for r in plan.results), self.text_budget(options), self.count).text
                  for plan in plans]
        for plan, final in zip(plans, self._generate(joined, options, progress), strict=True):
            plan.results.append(final)

    def _summary(self, plan: _Plan, warnings: list[str], options: SummaryOptions) -> Summary:
        final = plan.results[-1]
        info = SummaryInfo(
            engine=self.engine,
            model_id=self.model_id,
            device=self.device,
            compute_type=self.compute_type,
            options=options.as_dict(),
            options_hash=options.options_hash(),
            input_tokens=sum(r.input_tokens for r in plan.results[: len(plan.pieces)]),
            output_tokens=final.output_tokens,
            seconds=round(sum(r.seconds for r in plan.results), 6),
            truncated=plan.truncated,
            chunks=len(plan.pieces),
            warnings=tuple(warnings + plan.warnings),
        )
        return Summary(final.text, info)
