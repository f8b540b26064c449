"""The extractive engine: no weights, the embedded default when no model is configured.

1. split the text into sentences (``sentences.split_sentences``; the first ``MAX_SENTENCES``, a
   warning says when more were left out), dropping exact repeats and lines without final
   punctuation (title, headings, captions); a "sentence" longer than ``MAX_SENTENCE_CHARS`` (text
   without punctuation) is cut at a word boundary there, so a summary stays bounded;
2. segment words with pyvi (``trí_tuệ nhân_tạo``), lower-case, keep word tokens;
3. weight words by TF-IDF across the article's sentences; score each sentence by its cosine to
   the article's centroid and by its TextRank centrality in the sentence-similarity graph,
   then add a position prior (news puts the point first) and damp very short sentences;
4. pick greedily by maximal marginal relevance (score minus similarity to what is already picked,
   so no sentence repeats another), within ``budget_sentences`` and ``budget_chars``;
5. return the picked sentences in their original order.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bantin.summarizer.generation import check_documents
from bantin.summarizer.options import Summary, SummaryInfo, SummaryOptions
from bantin.summarizer.protocol import Progress
from bantin.summarizer.sentences import split_sentences
from bantin.summarizer.spec import EXTRACTIVE_MODEL_ID

__all__ = ["ExtractiveSummarizer", "Weights", "rank_sentences"]

MAX_SENTENCES = 400
MAX_SENTENCE_CHARS = 1000
_WORD = re.compile(r"\w", re.UNICODE)
_FINAL = (".", "!", "?", "…", '"', "”", "’", "»", ")")


@dataclass(frozen=True)
class Weights:
    """How the sentence score is mixed (tuned on VietNews; see bench/summary_quality.py)."""

    centroid: float = 1.0
    textrank: float = 1.0
    position: float = 1.0
    position_decay: float = 1.0
    redundancy: float = 3.0
    short_words: int = 8


def _bounded(sentence: str) -> str:
    """``sentence`` cut at a word boundary before ``MAX_SENTENCE_CHARS`` (with an ellipsis)."""
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return sentence
    cut = sentence[: MAX_SENTENCE_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_SENTENCE_CHARS // 2 else cut).rstrip() + "…"


def _words(sentence: str) -> list[str]:
    from pyvi import ViTokenizer

    return [w.lower() for w in ViTokenizer.tokenize(sentence).split() if _WORD.search(w)]


def _tfidf(bags: list[list[str]]) -> np.ndarray:
    vocab: dict[str, int] = {}
    for bag in bags:
        for word in bag:
            vocab.setdefault(word, len(vocab))
    matrix = np.zeros((len(bags), max(1, len(vocab))))
    df = Counter(word for bag in bags for word in set(bag))
    for row, bag in enumerate(bags):
        for word, tf in Counter(bag).items():
            matrix[row, vocab[word]] = (1 + math.log(tf)) * math.log((1 + len(bags)) / (1 + df[word]) + 1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _textrank(similarity: np.ndarray, damping: float = 0.85, rounds: int = 50) -> np.ndarray:
    graph = similarity.copy()
    np.fill_diagonal(graph, 0)
    sums = graph.sum(axis=1, keepdims=True)
    graph = graph / np.where(sums == 0, 1, sums)
    n = len(graph)
    rank = np.full(n, 1 / n)
    for _ in range(rounds):
        rank = (1 - damping) / n + damping * graph.T @ rank
    return rank / rank.max() if rank.max() > 0 else rank


def rank_sentences(sentences: list[str], weights: Weights = Weights()) -> tuple[np.ndarray, np.ndarray]:
    """(score per sentence, sentence-similarity matrix)."""
    bags = [_words(s) for s in sentences]
    vectors = _tfidf(bags)
    similarity = vectors @ vectors.T
    centroid = vectors.mean(axis=0)
    norm = np.linalg.norm(centroid)
    to_centroid = vectors @ (centroid / norm) if norm > 0 else np.zeros(len(sentences))
    position = 1 / (1 + np.arange(len(sentences))) ** weights.position_decay
    length = np.array([min(1.0, len(bag) / weights.short_words) for bag in bags])
    score = (weights.centroid * to_centroid + weights.textrank * _textrank(similarity) + weights.position * position)
    return score * length, similarity


def _pick(sentences: list[str], score: np.ndarray, similarity: np.ndarray, options: SummaryOptions,
          redundancy: float) -> list[int]:
    chosen: list[int] = []
    used = 0
    candidates = set(range(len(sentences)))
    while candidates and len(chosen) < options.budget_sentences:
        def gain(i: int) -> float:
            return score[i] - redundancy * max((similarity[i, j] for j in chosen), default=0.0)

        best = max(candidates, key=gain)
        candidates.discard(best)
        cost = len(sentences[best]) + (1 if chosen else 0)
        if chosen and options.budget_chars and used + cost > options.budget_chars:
            continue
        if chosen and similarity[best, chosen].max() > 0.8:
            continue
        chosen.append(best)
        used += cost
    return sorted(chosen)


class ExtractiveSummarizer:
    """Picks the article's most central sentences (see the module docstring)."""

    engine = "extractive"
    model_id = EXTRACTIVE_MODEL_ID
    device = "cpu"
    compute_type = "none"

    def __init__(self, weights: Weights = Weights()) -> None:
        self.weights = weights

    def summarize_one(self, doc: str, options: SummaryOptions) -> tuple[str, int, bool, list[str]]:
        """(summary, sentences read, whether anything was left out, warnings saying what)."""
        sentences = split_sentences(doc) or [" ".join(doc.split())]
        warnings: list[str] = []
        if len(sentences) > MAX_SENTENCES:
            warnings.append(f"read only the first {MAX_SENTENCES} of {len(sentences):,} sentences; the rest was left out")
        truncated = len(sentences) > MAX_SENTENCES
        sentences = list(dict.fromkeys(sentences[:MAX_SENTENCES]))  # exact repeats count once
        finished = [s for s in sentences if s.endswith(_FINAL)]
        if finished:  # headings and captions (no final punctuation) are not picked
            sentences = finished
        longest = max(len(s) for s in sentences)
        if longest > MAX_SENTENCE_CHARS:
            truncated = True
            warnings.append(f"a sentence of {longest:,} characters (no punctuation?) was cut to {MAX_SENTENCE_CHARS:,}")
            sentences = [_bounded(s) for s in sentences]
        if len(sentences) <= 1:
            return sentences[0], len(sentences), truncated, warnings
        score, similarity = rank_sentences(sentences, self.weights)
        chosen = _pick(sentences, score, similarity, options, self.weights.redundancy)
        return " ".join(sentences[i] for i in chosen), len(sentences), truncated, warnings

    def summarize(
        self, docs: Sequence[str], options: SummaryOptions, *, progress: Progress | None = None
    ) -> list[Summary]:
        warnings = check_documents(docs)
        out: list[Summary] = []
        for index, (doc, extra) in enumerate(zip(docs, warnings, strict=True)):
            began = time.perf_counter()
            text, read, truncated, cut = self.summarize_one(doc, options)
            info = SummaryInfo(
                engine=self.engine, model_id=self.model_id, device=self.device, compute_type=self.compute_type,
                options=options.as_dict(), options_hash=options.options_hash(), input_tokens=read,
                output_tokens=len(split_sentences(text)), seconds=round(time.perf_counter() - began, 6),
                truncated=truncated, warnings=(*extra, *cut),
            )
            out.append(Summary(text, info))
            if progress is not None:
                progress(index + 1, len(docs))
        return out
