"""Quality gate: the extractive engine's ROUGE on VietNews stays at or above the pinned floors, and
its summaries read well (no back-reference opener first, no byline, a length near the sapo's)."""

from __future__ import annotations

import statistics
import tomllib
from pathlib import Path

import pytest
from bantin_quality import load_sample, mean, per_article, sample_path

from bantin.summarizer.features import opens_with_reference
from bantin.summarizer.sentences import is_source_line, split_sentences

REPO = Path(__file__).resolve().parents[2]
FLOORS = tomllib.loads((Path(__file__).parent / "quality_floors.toml").read_text(encoding="utf-8"))


def test_extractive_rouge_floors() -> None:
    path = sample_path(REPO)
    if not path.is_file():
        pytest.skip(f"VietNews sample not found at {path} (shared/ is not beside this checkout)")
    rows = load_sample(path)
    assert len(rows) == 300
    each, texts = per_article(rows)
    scores = {name: mean(values) for name, values in each.items()}
    extractive = scores["extractive"]
    for metric, floor in FLOORS["extractive"].items():
        assert getattr(extractive, metric) >= floor, f"{metric} {getattr(extractive, metric):.2f} < floor {floor}"
    if FLOORS["goal"]["beat_best_lead"]:
        for metric in ("rouge1", "rouge2", "rougeL"):
            best = max(getattr(scores[f"lead-{k}"], metric) for k in (1, 2, 3))
            assert getattr(extractive, metric) > best, f"{metric}: extractive does not beat Lead-k ({best:.2f})"
    summaries = texts["extractive"]
    assert not [t for t in summaries if opens_with_reference(t)]
    assert not [t for t in summaries if any(is_source_line(s) for s in split_sentences(t))]
    ratio = statistics.median(map(len, summaries)) / statistics.median(len(row["summary"]) for row in rows)
    assert abs(ratio - 1) <= FLOORS["goal"]["length_within"], f"median length {ratio:.2f} x the sapo's"
