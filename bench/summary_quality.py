"""ROUGE-1/2/L F1 (syllable level) of the extractive engine against Lead-1/2/3 on VietNews.

Run: python bench/summary_quality.py [--sentences N] [--chars N]
The sample lies in ../shared/data/vietnews-sample beside the repository.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bantin_quality import load_sample, sample_path, score_sample  # noqa: E402

from bantin.summarizer.options import SummaryOptions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=SummaryOptions.budget_sentences)
    parser.add_argument("--chars", type=int, default=SummaryOptions.budget_chars)
    args = parser.parse_args()
    path = sample_path(ROOT)
    if not path.is_file():
        sys.exit(f"VietNews sample not found at {path}")
    rows = load_sample(path)
    began = time.perf_counter()
    scores = score_sample(rows, SummaryOptions(budget_sentences=args.sentences, budget_chars=args.chars))
    seconds = time.perf_counter() - began
    print(f"{len(rows)} VietNews articles, reference = sapo, ROUGE F1 (%) on lower-cased \\w+ syllables")
    print(f"{'system':<12} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8}")
    for name, s in scores.items():
        print(f"{name:<12} {s.rouge1:8.2f} {s.rouge2:8.2f} {s.rougeL:8.2f}")
    best = {k: max(getattr(scores[f"lead-{n}"], k) for n in (1, 2, 3)) for k in ("rouge1", "rouge2", "rougeL")}
    ext = scores["extractive"]
    margins = ", ".join(f"{k} {getattr(ext, k) - v:+.2f}" for k, v in best.items())
    print(f"extractive vs best Lead-k: {margins} ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
