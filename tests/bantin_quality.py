"""Scoring summaries against the VietNews reference sample (the bench and the floors test share it).

The sample is ``shared/data/vietnews-sample/vietnews_test_sample.jsonl`` beside the repository:
300 articles whose reference is the lead paragraph (sapo), which the text excludes. Lead-k takes
the first k sentences with the same splitter the extractive engine uses.
"""

from __future__ import annotations

import json
from pathlib import Path

from bantin.summarizer.extractive import ExtractiveSummarizer
from bantin.summarizer.options import SummaryOptions
from bantin.summarizer.rouge import RougeScores, rouge_mean
from bantin.summarizer.sentences import split_sentences

__all__ = ["SAMPLE_RELATIVE", "load_sample", "sample_path", "score_sample"]

SAMPLE_RELATIVE = Path("..") / "shared" / "data" / "vietnews-sample" / "vietnews_test_sample.jsonl"


def sample_path(repo_root: Path) -> Path:
    """Where the VietNews sample lies for a checkout at ``repo_root`` (it may be absent)."""
    return (repo_root / SAMPLE_RELATIVE).resolve()


def load_sample(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def score_sample(rows: list[dict[str, str]], options: SummaryOptions | None = None) -> dict[str, RougeScores]:
    """ROUGE of Lead-1, Lead-2, Lead-3 and the extractive engine on ``rows``, in one run."""
    options = options or SummaryOptions()
    engine = ExtractiveSummarizer()
    split = [split_sentences(row["text"]) for row in rows]
    scores = {
        f"lead-{k}": rouge_mean([(" ".join(s[:k]), row["summary"]) for s, row in zip(split, rows, strict=True)])
        for k in (1, 2, 3)
    }
    summaries = engine.summarize([row["text"] for row in rows], options)
    scores["extractive"] = rouge_mean([(s.text, row["summary"]) for s, row in zip(summaries, rows, strict=True)])
    return scores
