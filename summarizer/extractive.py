"""The extractive engine: a learned sentence scorer, the embedded default when no model is configured.

1. ``split_article``: a first line without final punctuation is the title (a feature source, never
   picked); the rest is split into sentences (``sentences.split_sentences``; the first
   ``MAX_SENTENCES``, the cut said in the info's warnings), exact repeats, bylines, source lines,
   photo credits and lines without final punctuation (headings, captions) dropped; a "sentence"
   longer than ``MAX_SENTENCE_CHARS`` (text without punctuation) is cut at a word boundary there,
   so a summary stays bounded;
2. each sentence gets cheap features (``features.sentence_features``: position, length,
   centrality, title overlap, numbers, names, shape) and a probability of belonging to the
   summary from a logistic model trained on VietNews (``extractive_weights.json`` beside this
   module: plain numbers, no pickle; ``bench/train_extractive.py`` made it, ``bantin model
   train-extractive`` retrains it from an archive);
3. ``select``: the best sentence first, then more in order of probability while they bring the
   summary closer to the length target (``target_chars``, tuned near the outlets' sapo), score at
   least ``min_ratio`` of the best, share no trigram with what is picked, and fit
   ``budget_sentences``/``budget_chars``;
4. a sentence that opens with a back-reference («Tuy nhiên, …», «Sau đó, …») keeps its opener only
   when the sentence before it is picked too; the picked sentences keep document order.

The info's ``input_tokens``/``output_tokens`` count syllables (space-separated tokens) read and written.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from bantin.errors import ModelError
from bantin.summarizer.features import FEATURES, drop_opener, opens_with_reference, sentence_features
from bantin.summarizer.generation import check_documents
from bantin.summarizer.options import Summary, SummaryInfo, SummaryOptions
from bantin.summarizer.protocol import Progress
from bantin.summarizer.rouge import syllables
from bantin.summarizer.sentences import is_finished, is_source_line, paragraphs, split_sentences

__all__ = [
    "MAX_SENTENCE_CHARS", "MAX_SENTENCES", "WEIGHTS_FILE", "ExtractiveSummarizer", "load_weights", "select", "split_article",
]

MAX_SENTENCES = 400
MAX_SENTENCE_CHARS = 1000
WEIGHTS_FILE = "extractive_weights.json"
_TITLE_CHARS = 250


@functools.cache
def _read_weights(path: str | None, stamp: tuple[int, int] | None = None) -> dict[str, Any]:
    try:
        if path is None:
            raw = resources.files("bantin.summarizer").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
        else:
            raw = Path(path).read_text(encoding="utf-8")
        weights = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the extractive weights {path or WEIGHTS_FILE}: {exc}") from exc
    if not isinstance(weights, dict) or weights.get("features") != list(FEATURES):
        raise ModelError(f"{path or WEIGHTS_FILE} was made for other features; retrain: bantin model train-extractive")
    for key in ("model_id", "mean", "scale", "coef", "intercept", "target_chars", "min_ratio"):
        if key not in weights:
            raise ModelError(f"{path or WEIGHTS_FILE} lacks {key!r}; retrain: bantin model train-extractive")
    return weights


def load_weights(path: Path | None = None) -> dict[str, Any]:
    """The weights file at ``path`` (default: the one shipped in the package), read once per process
    (again if the file changes)."""
    if path is None:
        return _read_weights(None)
    try:
        stat = Path(path).stat()
    except OSError as exc:
        raise ModelError(f"cannot read the extractive weights {path}: {exc}") from exc
    return _read_weights(str(Path(path).resolve()), (stat.st_mtime_ns, stat.st_size))


def split_article(doc: str) -> tuple[str, list[str], int]:
    """(title or "", candidate sentences, how many sentences the text has: more than
    ``MAX_SENTENCES`` means the rest was cut)."""
    blocks = paragraphs(doc)
    title = ""
    if len(blocks) > 1 and len(blocks[0]) <= _TITLE_CHARS and not is_finished(blocks[0]):
        title, blocks = blocks[0], blocks[1:]
    sentences = [s for block in blocks for s in split_sentences(block)]
    found = len(sentences)
    sentences = list(dict.fromkeys(sentences[:MAX_SENTENCES]))  # exact repeats count once
    news = [s for s in sentences if not is_source_line(s)] or sentences
    # headings and captions (no final punctuation), bylines and credits are not picked
    return title, [s for s in news if is_finished(s)] or news, found


def _bounded(sentence: str) -> str:
    """``sentence`` cut at a word boundary before ``MAX_SENTENCE_CHARS`` (with an ellipsis)."""
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return sentence
    cut = sentence[: MAX_SENTENCE_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_SENTENCE_CHARS // 2 else cut).rstrip() + "…"


def _trigrams(sentence: str) -> set[tuple[str, ...]]:
    words = syllables(sentence)
    return set(zip(words, words[1:], words[2:], strict=False))


def expand(standardised: np.ndarray) -> np.ndarray:
    """The standardised features and their pairwise products (i <= j): the model's inputs with ``pairs``."""
    i, j = np.triu_indices(standardised.shape[1])
    return np.hstack([standardised, standardised[:, i] * standardised[:, j]])


def probabilities(weights: dict[str, Any], features: np.ndarray) -> np.ndarray:
    """Each sentence's probability of belonging to the summary under ``weights``."""
    z = (features - np.asarray(weights["mean"])) / np.asarray(weights["scale"])
    if weights.get("pairs"):
        z = expand(z)
    return 1 / (1 + np.exp(-(z @ np.asarray(weights["coef"]) + weights["intercept"])))


def select(sentences: Sequence[str], probability: np.ndarray, options: SummaryOptions, *, target_chars: int,
           min_ratio: float, antecedent: Sequence[int] | None = None) -> list[str]:
    """The summary's sentences (see the module docstring, steps 3 and 4), in document order.

    ``antecedent[i]``: the index of the sentence that sentence ``i`` follows (default ``i - 1``; -1: none).
    """
    order = [int(i) for i in np.argsort(-probability, kind="stable")]
    best = order[0]
    chosen = [best]
    used = len(sentences[best])
    seen = _trigrams(sentences[best])
    for i in order[1:]:
        if len(chosen) >= options.budget_sentences or probability[i] < min_ratio * probability[best]:
            break
        grown = used + 1 + len(sentences[i])
        if options.budget_chars and grown > options.budget_chars:
            continue
        if abs(grown - target_chars) >= abs(used - target_chars):
            continue
        grams = _trigrams(sentences[i])
        if grams & seen:
            continue
        chosen.append(i)
        used, seen = grown, seen | grams
    chosen.sort()
    picked = set(chosen)
    before = antecedent if antecedent is not None else range(-1, len(sentences) - 1)
    return [s if not opens_with_reference(s) or before[i] in picked else drop_opener(s)
            for i, s in zip(chosen, (sentences[i] for i in chosen), strict=True)]


class ExtractiveSummarizer:
    """Picks the sentences a learned scorer rates best (see the module docstring).

    ``weights``: a weights file (default: the one shipped in the package). ``target_chars``
    overrides the file's length target (characters, near the outlets' sapo).
    """

    engine = "extractive"
    device = "cpu"
    compute_type = "none"

    def __init__(self, weights: Path | None = None, *, target_chars: int | None = None) -> None:
        self.weights = load_weights(weights)
        self.model_id: str = self.weights["model_id"]
        self.target_chars = int(self.weights["target_chars"] if target_chars is None else target_chars)
        self.min_ratio = float(self.weights["min_ratio"])

    def summarize_one(self, doc: str, options: SummaryOptions) -> tuple[str, int, bool, list[str]]:
        """(summary, syllables read, whether anything was left out or cut, warnings saying what)."""
        title, sentences, found = split_article(doc)
        warnings: list[str] = []
        truncated = found > MAX_SENTENCES
        if truncated:
            warnings.append(f"read only the first {MAX_SENTENCES} of {found:,} sentences; the rest was left out")
        if not sentences:
            sentences = [title] if title else [" ".join(doc.split())]
        longest = max(len(s) for s in sentences)
        if longest > MAX_SENTENCE_CHARS:
            truncated = True
            warnings.append(f"a sentence of {longest:,} characters (no punctuation?) was cut to {MAX_SENTENCE_CHARS:,}")
            sentences = [_bounded(s) for s in sentences]
        read = sum(len(s.split()) for s in sentences)
        if len(sentences) <= 1:
            return sentences[0], read, truncated, warnings
        features, _ = sentence_features(sentences, title)
        probability = probabilities(self.weights, features)
        picked = select(sentences, probability, options, target_chars=self.target_chars, min_ratio=self.min_ratio)
        return " ".join(picked), read, truncated, warnings

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
                output_tokens=len(text.split()), seconds=round(time.perf_counter() - began, 6),
                truncated=truncated, warnings=(*extra, *cut),
            )
            out.append(Summary(text, info))
            if progress is not None:
                progress(index + 1, len(docs))
        return out
