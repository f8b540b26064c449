"""Fitting long input into a model's window: truncate at a sentence boundary, or cut into chunks.

Both work on sentences (``sentences.split_sentences``) and a token counter supplied by the engine,
and both stop reading once they have what they need, so a 100,000-word text costs no more memory
than the part that is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bantin.summarizer.sentences import paragraphs, split_sentences

__all__ = ["Fitted", "chunk_text", "truncate_text"]

Counter = Callable[[str], int]


@dataclass(frozen=True)
class Fitted:
    """Text cut to a token budget, and whether anything was dropped."""

    text: str
    tokens: int
    truncated: bool


def _sentences(text: str) -> Iterator[tuple[str, bool]]:
    """Sentences with a flag telling whether each one starts a paragraph."""
    for paragraph in paragraphs(text):
        for index, sentence in enumerate(split_sentences(paragraph)):
            yield sentence, index == 0


def truncate_text(text: str, budget: int, count: Counter) -> Fitted:
    """The longest run of whole leading sentences within ``budget`` tokens.

    If even the first sentence is longer than the budget it is kept alone (the engine then cuts
    its tokens), so the result is never empty for non-empty text.
    """
    kept: list[str] = []
    used = 0
    truncated = False
    for sentence, _ in _sentences(text):
        cost = count(sentence)
        if kept and used + cost > budget:
            truncated = True
            break
        kept.append(sentence)
        used += cost
        if used > budget:
            truncated = True
            break
    return Fitted(" ".join(kept), min(used, budget) if truncated else used, truncated)


def chunk_text(text: str, budget: int, count: Counter, *, max_chunks: int) -> tuple[list[str], bool]:
    """Cut ``text`` into at most ``max_chunks`` chunks of whole sentences, each within ``budget``.

    A chunk closes early at a paragraph break when it is already at least half full. Returns the
    chunks and whether text beyond ``max_chunks`` was dropped.
    """
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for sentence, opens_paragraph in _sentences(text):
        cost = count(sentence)
        full = used + cost > budget or (opens_paragraph and used >= budget // 2)
        if current and full:
            chunks.append(" ".join(current))
            current, used = [], 0
            if len(chunks) == max_chunks:
                return chunks, True
        current.append(sentence)
        used += cost
    if current:
        chunks.append(" ".join(current))
    return chunks, False
