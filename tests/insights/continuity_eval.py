"""Scoring story continuity on the labelled articles of ``continuity_set.toml``.

Every pair of articles within the window is labelled by its articles' ``story`` and ``copy_of``
fields: a continuation (same story, neither a copy of the other) is the positive class; copies
and different stories are negatives. Copies are told apart by the text-similarity ceiling alone
here (the archive also has the crawl's MinHash clusters). Shared by the test and the bench.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from bantin.archive.continuity import ContinuityOptions, is_continuation, pair_score, text_vector
from bantin.archive.entities import Catalog, load_catalog, match_article

SET = Path(__file__).resolve().parent / "continuity_set.toml"


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    label: str  # "same", "continuation" or "unrelated"
    score: float
    cosine: float
    shared: tuple[str, ...]


def labelled_pairs(catalog: Catalog | None = None, window_days: int = 30) -> list[Pair]:
    catalog = catalog or load_catalog()
    articles = tomllib.loads(SET.read_text(encoding="utf-8"))["article"]
    features = {}
    for item in articles:
        entities = set(match_article(item["title"], item["lead"], item["body"], catalog).total())
        features[item["id"]] = (text_vector(item["title"], item["lead"], item["body"]), entities)
    pairs = []
    for x, y in combinations(articles, 2):
        if abs(x["day"] - y["day"]) > window_days:
            continue
        if x["story"] != y["story"]:
            label = "unrelated"
        elif x.get("copy_of") == y["id"] or y.get("copy_of") == x["id"] or (
                x.get("copy_of") and x.get("copy_of") == y.get("copy_of")):
            label = "same"
        else:
            label = "continuation"
        score, cosine, shared = pair_score(*features[x["id"]], *features[y["id"]])
        pairs.append(Pair(x["id"], y["id"], label, score, cosine, tuple(shared)))
    return pairs


def precision_recall(pairs: list[Pair], options: ContinuityOptions) -> tuple[float, float, int, int, int]:
    """(precision, recall, true positives, false positives, false negatives) of the linking rule."""
    tp = fp = fn = 0
    for pair in pairs:
        linked = is_continuation(pair.score, pair.cosine, pair.shared, options)
        positive = pair.label == "continuation"
        tp += linked and positive
        fp += linked and not positive
        fn += positive and not linked
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn
