"""ROUGE-1, ROUGE-2 and ROUGE-L F1 at the syllable level, for Vietnamese.

Tokens are lower-cased ``\\w+`` runs (NFC), so every Vietnamese syllable counts; the common
``rouge_score`` tokenizer keeps only ``[a-z0-9]`` and silently drops every letter with a diacritic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bantin.text import nfc

__all__ = ["RougeScores", "rouge", "rouge_mean", "syllables"]

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class RougeScores:
    """F1 scores in percent."""

    rouge1: float
    rouge2: float
    rougeL: float  # noqa: N815 - the metric's usual name


def syllables(text: str) -> list[str]:
    return _WORD.findall(nfc(text).lower())


def _f1(overlap: int, produced: int, wanted: int) -> float:
    if not overlap or not produced or not wanted:
        return 0.0
    precision, recall = overlap / produced, overlap / wanted
    return 2 * precision * recall / (precision + recall)


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _lcs(a: list[str], b: list[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge(candidate: str, reference: str) -> RougeScores:
    """ROUGE-1/2/L F1 (percent) of ``candidate`` against ``reference``."""
    cand, ref = syllables(candidate), syllables(reference)
    scores = []
    for n in (1, 2):
        c, r = _ngrams(cand, n), _ngrams(ref, n)
        scores.append(100 * _f1(sum((c & r).values()), sum(c.values()), sum(r.values())))
    scores.append(100 * _f1(_lcs(cand, ref), len(cand), len(ref)))
    return RougeScores(*scores)


def rouge_mean(pairs: Sequence[tuple[str, str]]) -> RougeScores:
    """Mean ROUGE over (candidate, reference) pairs."""
    if not pairs:
        return RougeScores(0.0, 0.0, 0.0)
    each = [rouge(c, r) for c, r in pairs]
    return RougeScores(*(sum(getattr(s, k) for s in each) / len(each) for k in ("rouge1", "rouge2", "rougeL")))
