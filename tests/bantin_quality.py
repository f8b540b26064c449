"""Scoring summaries against VietNews references (bench/summary_quality.py and the floors test share it).

The sample is ``shared/data/vietnews-sample/vietnews_test_sample.jsonl`` beside the repository:
300 articles whose reference is the lead paragraph (sapo), which the text excludes. Other files
in the same JSON-lines shape (id, title, text, summary) come from ``bench/vietnews_data.py``. The
engines read what the archive gives them: the title line, then the body. Lead-k takes the first k
body sentences with the same splitter and filters the extractive engine uses.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

from bantin.summarizer.extractive import ExtractiveSummarizer, split_article
from bantin.summarizer.options import SummaryOptions
from bantin.summarizer.rouge import RougeScores, rouge

__all__ = ["SAMPLE_RELATIVE", "bootstrap_gain", "document", "load_sample", "mean", "sample_path", "score_sample"]

SAMPLE_RELATIVE = Path("..") / "shared" / "data" / "vietnews-sample" / "vietnews_test_sample.jsonl"
METRICS = ("rouge1", "rouge2", "rougeL")


def sample_path(repo_root: Path) -> Path:
    """Where the VietNews sample lies for a checkout at ``repo_root`` (it may be absent)."""
    return (repo_root / SAMPLE_RELATIVE).resolve()


def load_sample(path: Path, limit: int | None = None) -> list[dict[str, str]]:
    """Rows of a JSON-lines file, or of every ``*.jsonl`` in a folder (sorted), at most ``limit``."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    rows: list[dict[str, str]] = []
    for file in files:
        with file.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    rows.append(json.loads(line))
                    if limit is not None and len(rows) >= limit:
                        return rows
    return rows


def document(row: dict[str, str]) -> str:
    """What the engine reads for ``row``: the title line (when there is one), then the body."""
    return f"{row['title']}\n{row['text']}" if row.get("title") else row["text"]


def mean(each: Sequence[RougeScores]) -> RougeScores:
    if not each:
        return RougeScores(0.0, 0.0, 0.0)
    return RougeScores(*(statistics.fmean(getattr(s, k) for s in each) for k in METRICS))


def per_article(rows: list[dict[str, str]], options: SummaryOptions | None = None,
                engines: dict[str, Callable[[list[str], SummaryOptions], list[str]]] | None = None,
                ) -> tuple[dict[str, list[RougeScores]], dict[str, list[str]]]:
    """Per-article ROUGE and texts of Lead-1/2/3, the extractive engine and any ``engines`` on ``rows``."""
    options = options or SummaryOptions()
    split = [split_article(row["text"])[1] for row in rows]
    texts = {f"lead-{k}": [" ".join(s[:k]) for s in split] for k in (1, 2, 3)}
    docs = [document(row) for row in rows]
    texts["extractive"] = [s.text for s in ExtractiveSummarizer().summarize(docs, options)]
    for name, run in (engines or {}).items():
        texts[name] = run(docs, options)
    scores = {name: [rouge(t, row["summary"]) for t, row in zip(out, rows, strict=True)] for name, out in texts.items()}
    return scores, texts


def score_sample(rows: list[dict[str, str]], options: SummaryOptions | None = None) -> dict[str, RougeScores]:
    """Mean ROUGE of Lead-1, Lead-2, Lead-3 and the extractive engine on ``rows``, in one run."""
    scores, _ = per_article(rows, options)
    return {name: mean(each) for name, each in scores.items()}


def bootstrap_gain(system: Sequence[RougeScores], baseline: Sequence[RougeScores], metric: str, *,
                   rounds: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """(mean gain, 2.5th and 97.5th percentiles) of ``system`` over ``baseline`` on ``metric``, by a
    paired bootstrap over articles."""
    import numpy as np

    diffs = np.array([getattr(a, metric) - getattr(b, metric) for a, b in zip(system, baseline, strict=True)])
    rng = np.random.default_rng(seed)
    means = diffs[rng.integers(0, len(diffs), size=(rounds, len(diffs)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(diffs.mean()), float(low), float(high)
