"""Quality gate: the extractive engine's ROUGE on VietNews stays at or above the pinned floors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from bantin_quality import load_sample, sample_path, score_sample

REPO = Path(__file__).resolve().parents[2]
FLOORS = tomllib.loads((Path(__file__).parent / "quality_floors.toml").read_text(encoding="utf-8"))


def test_extractive_rouge_floors() -> None:
    path = sample_path(REPO)
    if not path.is_file():
        pytest.skip(f"VietNews sample not found at {path} (shared/ is not beside this checkout)")
    rows = load_sample(path)
    assert len(rows) == 300
    scores = score_sample(rows)
    extractive = scores["extractive"]
    for metric, floor in FLOORS["extractive"].items():
        assert getattr(extractive, metric) >= floor, f"{metric} {getattr(extractive, metric):.2f} < floor {floor}"
    if FLOORS["goal"]["beat_best_lead"]:
        for metric in ("rouge1", "rouge2", "rougeL"):
            best = max(getattr(scores[f"lead-{k}"], metric) for k in (1, 2, 3))
            assert getattr(extractive, metric) > best, f"{metric}: extractive does not beat Lead-k ({best:.2f})"
