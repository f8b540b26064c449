"""Training the extractive scorer: per-sentence precision against reference summaries, linear models, plain JSON.

The targets: for each body sentence, the share of its syllables and of its syllable bigrams that
the reference (the outlets' sapo) holds, clipped counts (``precision_targets``: its ROUGE-1 and
ROUGE-2 precision). The models: scikit-learn's ``Ridge`` on standardised ``features.FEATURES``
and their pairwise products, one per target; only their numbers are written (``fit_weights``),
never a pickle. The selection settings (the reference length the expected F1 is computed for, the
discount on a further sentence's overlap, the weight of the ROUGE-2 part of the expected F1, the
length cap of a summary of several sentences) are
tuned on held-out articles by ``tune_selection``. ``oracle_labels`` (the sentences a greedy
ROUGE oracle picks) measures the headroom.

``bench/train_extractive.py`` trains the shipped weights on VietNews; ``bantin model
train-extractive`` trains them from an archive's own articles.
"""

from __future__ import annotations

import hashlib
import itertools
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
    "ORACLE_SENTENCES", "Article", "fit_weights", "oracle_labels", "precision_targets", "prepare", "save_weights",
    "train_weights", "tune_selection",
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


def precision_targets(sentences: Sequence[str], reference: str) -> np.ndarray:
    """One row per sentence: the share of its syllables, and of its syllable bigrams, found in
    ``reference`` (clipped counts, as ROUGE counts them)."""
    ref = syllables(reference)
    ref1, ref2 = _ngrams(ref, 1), _ngrams(ref, 2)
    rows = np.zeros((len(sentences), 2))
    for i, sentence in enumerate(sentences):
        bag = syllables(sentence)
        if bag:
            rows[i, 0] = sum((_ngrams(bag, 1) & ref1).values()) / len(bag)
        if len(bag) > 1:
            rows[i, 1] = sum((_ngrams(bag, 2) & ref2).values()) / (len(bag) - 1)
    return rows


def prepare(
    articles: Iterable[Article], split: Callable[[str], tuple[str, list[str]]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, precision targets, article index per row) for ``articles``; ``split`` gives (title, sentences)."""
    blocks: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    groups: list[np.ndarray] = []
    for index, article in enumerate(articles):
        title, sentences = split(article.title + "\n" + article.text if article.title else article.text)
        if len(sentences) < 2:
            continue
        rows, _ = sentence_features(sentences, title)
        blocks.append(rows)
        targets.append(precision_targets(sentences, article.summary))
        groups.append(np.full(len(sentences), index))
    if not blocks:
        return np.zeros((0, len(FEATURES))), np.zeros((0, 2)), np.zeros(0)
    return np.vstack(blocks), np.vstack(targets), np.concatenate(groups)


def fit_weights(features: np.ndarray, targets: np.ndarray, *, alpha: float = 1.0) -> dict[str, Any]:
    """Two ridge models of ``targets`` (ROUGE-1 and ROUGE-2 precision) on standardised ``features``
    and their pairwise products, as plain numbers."""
    from sklearn.linear_model import Ridge

    from bantin.summarizer.extractive import expand

    if len(targets) < 2 or not targets[:, 0].any():
        raise ValueError("the training articles gave no sentence that shares a word with its reference")
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1.0
    inputs = expand((features - mean) / scale)
    one = Ridge(alpha=alpha).fit(inputs, targets[:, 0])
    two = Ridge(alpha=alpha).fit(inputs, targets[:, 1])
    return {
        "format": 2,
        "pairs": True,
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 7) for v in one.coef_],
        "intercept": round(float(one.intercept_), 7),
        "coef2": [round(float(v), 7) for v in two.coef_],
        "intercept2": round(float(two.intercept_), 7),
    }


def tune_selection(
    weights: dict[str, Any], articles: Sequence[Article], options: SummaryOptions | None = None,
    references: Sequence[float] = (15, 18, 20, 25), discounts: Sequence[float] = (0.8, 0.9, 1.0),
    caps: Sequence[int] = (220, 260, 300), length_within: float = 0.18,
    bigram_weights: Sequence[float] = (0.2, 1.0),
) -> dict[str, Any]:
    """``weights`` with the (reference_tokens, discount, target_chars, bigram_weight) whose summaries of ``articles``
    score best (mean of ROUGE-1, -2 and -L F1 against their references) among those whose median
    length is within ``length_within`` of the references' (the closest in length when none is)."""
    from bantin.summarizer.extractive import candidates, precisions, select

    options = options or SummaryOptions()
    cached: list[tuple[list[str], tuple[np.ndarray, np.ndarray] | None, str]] = []
    for article in articles:
        title, sentences, _ = candidates(article.title + "\n" + article.text if article.title else article.text)
        rows = sentence_features(sentences, title)[0] if len(sentences) > 1 else None
        cached.append((sentences, None if rows is None else precisions(weights, rows), article.summary))
    wanted = statistics.median(len(reference) for _, _, reference in cached)
    best: tuple[bool, float, float, float, int, float] | None = None
    for bigram_weight, reference_tokens, discount, cap in itertools.product(bigram_weights, references, discounts,
                                                                            caps):
        pairs = [
            (" ".join(sentences if p is None else select(
                sentences, p[0], options, target_chars=cap, reference_tokens=reference_tokens,
                discount=discount, bigram_precision=p[1], bigram_weight=bigram_weight)), reference)
            for sentences, p, reference in cached
        ]
        scores = rouge_mean(pairs)
        off = abs(statistics.median(len(text) for text, _ in pairs) / wanted - 1)
        key = (off <= length_within,
               scores.rouge1 + scores.rouge2 + scores.rougeL if off <= length_within else -off,
               reference_tokens, discount, cap, bigram_weight)
        if best is None or key[:2] > best[:2]:
            best = key
    assert best is not None
    return {**weights, "reference_tokens": best[2], "discount": best[3], "target_chars": best[4],
            "bigram_weight": best[5]}


def train_weights(train: Sequence[Article], tune: Sequence[Article], *, alpha: float = 1.0) -> dict[str, Any]:
    """Weights fitted on ``train``'s precision targets, selection tuned on ``tune`` (see the module docstring)."""
    from bantin.summarizer.extractive import candidates

    features, targets, _ = prepare(train, lambda doc: candidates(doc)[:2])
    weights = fit_weights(features, targets, alpha=alpha)
    weights = tune_selection(weights, tune) if tune else {**weights, "reference_tokens": 18, "discount": 1.0,
                                                         "target_chars": 260, "bigram_weight": 0.2}
    return {**weights, "sentences": int(len(targets)), "sapo_median_chars": sapo_median_chars(train)}


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
