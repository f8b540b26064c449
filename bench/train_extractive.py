"""Train the extractive engine's shipped weights on VietNews (never run by the tests or CI).

Run (the data from bench/vietnews_data.py; about 3 minutes on 2 cores with the defaults):
    flock /tmp/bantin-bench.lock python bench/train_extractive.py /work/data/vietnews \\
        [--train 30000] [--tune 1500] [--out summarizer/extractive_weights.json]

Precision targets (each sentence's ROUGE-1/-2 precision against the sapo) come from the train
split (the first ``--train`` articles after a seeded shuffle); the selection settings are tuned on
``--tune`` articles of the validation split. The test split is never read here:
bench/summary_quality.py scores held-out test articles.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from bantin.summarizer.extractive import ExtractiveSummarizer  # noqa: E402
from bantin.summarizer.features import FEATURES  # noqa: E402
from bantin.summarizer.spec import EXTRACTIVE_MODEL_ID  # noqa: E402
from bantin.summarizer.training import Article, save_weights, train_weights  # noqa: E402


def read(path: Path, count: int, seed: int) -> list[Article]:
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    random.Random(seed).shuffle(rows)
    return [Article(r["title"], r["text"], r["summary"]) for r in rows[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder with train.jsonl and val.jsonl")
    parser.add_argument("--train", type=int, default=30000)
    parser.add_argument("--tune", type=int, default=1500)
    parser.add_argument("--alpha", type=float, default=1.0, help="the ridge models' regularisation")
    parser.add_argument("--out", type=Path, default=ROOT / "summarizer" / "extractive_weights.json")
    args = parser.parse_args()
    began = time.perf_counter()
    train = read(args.data / "train.jsonl", args.train, seed=13)
    tune = read(args.data / "val.jsonl", args.tune, seed=17)
    weights = train_weights(train, tune, alpha=args.alpha)
    print(f"{len(train)} train articles, {weights['sentences']} sentences")
    print("ROUGE-1 precision coefficients:", ", ".join(f"{n} {c:+.3f}" for n, c in zip(FEATURES, weights["coef"], strict=False)))
    weights["trained_on"] = (f"VietNews (github ThanhChinhBK/vietnews) train split, {len(train)} articles; "
                             f"selection tuned on {len(tune)} validation articles")
    saved = save_weights(weights, args.out, name=EXTRACTIVE_MODEL_ID, digest=False)
    check = ExtractiveSummarizer(args.out)
    print(f"reference_tokens {saved['reference_tokens']}, discount {saved['discount']}, "
          f"bigram_weight {saved['bigram_weight']}, "
          f"target_chars {saved['target_chars']}; wrote {args.out} "
          f"({args.out.stat().st_size} bytes, model id {check.model_id}) in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
