"""Story continuity benchmark: precision and recall of the linking rule on the labelled articles
of ``tests/insights/continuity_set.toml`` (every pair within 30 days; continuation = positive).

    python bench/continuity.py [--pairs]

Prints the counts, precision and recall at the defaults (bantin.archive.continuity.
ContinuityOptions) and over a grid of thresholds, and the load average. Goal: precision >= 0.9
at recall >= 0.7. The defaults were chosen on this same set: the figures are in-sample.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "insights"))

from continuity_eval import labelled_pairs, precision_recall

from bantin.archive.continuity import ContinuityOptions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", action="store_true", help="list the labelled pairs with their scores")
    args = parser.parse_args()
    started = time.perf_counter()
    pairs = labelled_pairs()
    seconds = time.perf_counter() - started
    labels = {label: sum(p.label == label for p in pairs) for label in ("continuation", "same", "unrelated")}
    print(f"{len(pairs)} pairs within 30 days: " + ", ".join(f"{n} {label}" for label, n in labels.items()))
    defaults = ContinuityOptions()
    p, r, tp, fp, fn = precision_recall(pairs, defaults)
    print(f"defaults min_score={defaults.min_score} max_similarity={defaults.max_similarity}: "
          f"precision {p:.3f} recall {r:.3f} (tp {tp}, fp {fp}, fn {fn}); goal P >= 0.9 at R >= 0.7: "
          f"{'met' if p >= 0.9 and r >= 0.7 else 'NOT met'}")
    print(f"{'min_score':>9} " + " ".join(f"{'max_sim ' + str(m):>16}" for m in (0.6, 0.7, 0.8)))
    for threshold in (0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
        cells = []
        for ceiling in (0.6, 0.7, 0.8):
            p, r, *_ = precision_recall(pairs, replace(defaults, min_score=threshold, max_similarity=ceiling))
            cells.append(f"P {p:.2f} R {r:.2f}")
        print(f"{threshold:9.2f} " + " ".join(f"{c:>16}" for c in cells))
    print(f"scored in {seconds:.2f} s; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.pairs:
        for pair in sorted(pairs, key=lambda x: -x.score):
            print(f"  {pair.a}-{pair.b} {pair.label:12} score {pair.score:.3f} cosine {pair.cosine:.3f} {','.join(pair.shared)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
