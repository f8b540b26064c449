"""Training the extractive scorer: oracle labels from reference summaries, a logistic model, plain JSON.

The labels: for each article, the body sentences a greedy oracle picks to match the reference
(the outlets' sapo) best by ROUGE-1 + ROUGE-2 F1 (at most ``ORACLE_SENTENCES``, stopping when no
sentence adds). The model: scikit-learn's ``LogisticRegression`` on standardised
``features.FEATURES``; only its numbers are written (``weights_dict``), never a pickle. The
selection settings (length target, how far below the best sentence a second one may score) are
tuned on held-out articles by ``tune_selection``.

``bench/train_extractive.py`` trains the shipped weights on VietNews; ``bantin model
train-extractive`` trains them from an archive's own articles.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bantin.summarizer.features import FEATURES, sentence_features
from bantin.summarizer.options import SummaryOptions
from bantin.summarizer.rouge import rouge_mean, syllables

__all__ = [
    "ORACLE_SENTENCES", "Article", "fit_weights", "oracle_labels", "prepare", "save_weights", "train_weights",
    "tune_selection",
]

ORACLE_SENTENCES = 3


@dataclass(frozen=True)
class Article:
    """A training article: its title, its body text and the reference summary (the sapo)."""

    title: str
    text: str
    summary: str


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))


def _f1(overlap: int, produced: int, wanted: int) -> float:
    if not overlap or not produced or not wanted:
        return 0.0
    return 2 * overlap / (produced + wanted)


def oracle_labels(sentences: Sequence[str], reference: str, limit: int = ORACLE_SENTENCES) -> list[int]:
    """Indexes of the sentences a greedy ROUGE-1+2 oracle picks (in the order picked)."""
    ref = syllables(reference)
    ref1, ref2 = _ngrams(ref, 1), _ngrams(ref, 2)
    n1, n2 = sum(ref1.values()), sum(ref2.values())
    bags = [syllables(s) for s in sentences]
    chosen: list[int] = []
    tokens: list[str] = []
    best = 0.0
    while len(chosen) < limit:
        pick, pick_score = -1, best
        for i, bag in enumerate(bags):
            if i in chosen or not bag:
                continue
            cand = tokens + bag
            c1, c2 = _ngrams(cand, 1), _ngrams(cand, 2)
            score = _f1(sum((c1 & ref1).values()), len(cand), n1) + _f1(
                sum((c2 & ref2).values()), max(0, len(cand) - 1), n2)
            if score > pick_score:
                pick, pick_score = i, score
        if pick < 0:
            break
        chosen.append(pick)
        tokens = [t for i in sorted(chosen) for t in bags[i]]
        best = pick_score
    return chosen


def prepare(
    articles: Iterable[Article], split: Callable[[str], tuple[str, list[str]]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, labels, article index per row) for ``articles``; ``split`` gives (title, sentences)."""
    blocks: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    groups: list[np.ndarray] = []
    for index, article in enumerate(articles):
        title, sentences = split(article.title + "\n" + article.text if article.title else article.text)
        if len(sentences) < 2:
            continue
        rows, _ = sentence_features(sentences, title)
        y = np.zeros(len(sentences))
        y[oracle_labels(sentences, article.summary)] = 1
        blocks.append(rows)
        labels.append(y)
        groups.append(np.full(len(sentences), index))
    if not blocks:
        return np.zeros((0, len(FEATURES))), np.zeros(0), np.zeros(0)
    return np.vstack(blocks), np.concatenate(labels), np.concatenate(groups)


def fit_weights(features: np.ndarray, labels: np.ndarray, *, c: float = 1.0, pairs: bool = False) -> dict[str, Any]:
    """A logistic model of ``labels`` on standardised ``features`` (and their pairwise products with
    ``pairs``), as plain numbers."""
    from sklearn.linear_model import LogisticRegression

    from bantin.summarizer.extractive import expand

    if len(set(labels.tolist())) < 2:
        raise ValueError("the training articles gave no positive (or no negative) sentence")
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=1000)
    standardised = (features - mean) / scale
    model.fit(expand(standardised) if pairs else standardised, labels)
    return {
        "format": 1,
        "pairs": pairs,
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
    }


def tune_selection(
    weights: dict[str, Any], articles: Sequence[Article], options: SummaryOptions | None = None,
    targets: Sequence[int] = (130, 150, 170, 190, 210, 240), ratios: Sequence[float] = (0.2, 0.35, 0.5, 0.7, 0.9),
    length_within: float = 0.2,
) -> dict[str, Any]:
    """``weights`` with the (target_chars, min_ratio) whose summaries of ``articles`` score best
    (mean of ROUGE-1, -2 and -L F1 against their references) among those whose median length is
    within ``length_within`` of the references' (the closest in length when none is)."""
    from bantin.summarizer.extractive import probabilities, select, split_article

    options = options or SummaryOptions()
    cached: list[tuple[list[str], np.ndarray | None, str]] = []
    for article in articles:
        title, sentences, _ = split_article(article.title + "\n" + article.text if article.title else article.text)
        rows = sentence_features(sentences, title)[0] if len(sentences) > 1 else None
        cached.append((sentences, None if rows is None else probabilities(weights, rows), article.summary))
    wanted = statistics.median(len(reference) for _, _, reference in cached)
    best: tuple[bool, float, int, float] | None = None
    for target in targets:
        for ratio in ratios:
            pairs = [
                (" ".join(sentences if p is None else select(sentences, p, options, target_chars=target, min_ratio=ratio)),
                 reference)
                for sentences, p, reference in cached
            ]
            scores = rouge_mean(pairs)
            off = abs(statistics.median(len(text) for text, _ in pairs) / wanted - 1)
            key = (off <= length_within, scores.rouge1 + scores.rouge2 + scores.rougeL if off <= length_within else -off,
                   target, ratio)
            if best is None or key[:2] > best[:2]:
                best = key
    assert best is not None
    return {**weights, "target_chars": best[2], "min_ratio": best[3]}


def train_weights(train: Sequence[Article], tune: Sequence[Article], *, c: float = 1.0,
                  pairs: bool = False) -> dict[str, Any]:
    """Weights fitted on ``train``'s oracle labels, selection tuned on ``tune`` (see the module docstring)."""
    from bantin.summarizer.extractive import split_article

    features, labels, _ = prepare(train, lambda doc: split_article(doc)[:2])
    weights = fit_weights(features, labels, c=c, pairs=pairs)
    weights = tune_selection(weights, tune) if tune else {**weights, "target_chars": sapo_median_chars(train),
                                                         "min_ratio": 0.5}
    return {**weights, "sentences": int(len(labels)), "oracle_picks": int(labels.sum())}


def sapo_median_chars(articles: Sequence[Article]) -> int:
    return int(statistics.median(len(a.summary) for a in articles)) if articles else 0


def save_weights(weights: dict[str, Any], path: Path, *, name: str, digest: bool = True) -> dict[str, Any]:
    """Write ``weights`` as JSON under the model id ``name`` (+ a short digest of the numbers); the dict written."""
    body = {k: v for k, v in weights.items() if k != "model_id"}
    suffix = "-" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:8] if digest else ""
    out = {"model_id": name + suffix, **body}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return out
