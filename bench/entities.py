"""Entity matcher benchmark: precision and recall on the labelled mentions of
``tests/insights/entity_labels.toml`` (demo mirror articles, sentences written for bantin, and the
vietnews sample in ../shared/data when it is there).

    python bench/entities.py [--entities FILE] [--mistakes]

Prints mentions labelled, found right / wrong / missed, precision and recall per part and in
total, the matching speed and the load average. Goal: precision >= 0.95, recall >= 0.9.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "insights"))

from entity_eval import score

from bantin.archive.entities import load_catalog


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=Path, default=None, help="entities file (default: the shipped one)")
    parser.add_argument("--mistakes", action="store_true", help="list every disagreement with the labels")
    args = parser.parse_args()
    catalog = load_catalog(args.entities)
    started = time.perf_counter()
    parts = score(catalog)
    seconds = time.perf_counter() - started
    print(f"entities file: {catalog.path} ({len(catalog)} entities)")
    print(f"{'part':8} {'docs':>5} {'labelled':>8} {'right':>6} {'wrong':>6} {'missed':>6} {'precision':>9} {'recall':>7}")
    for name, part in parts.items():
        print(f"{name:8} {part.documents:5} {part.gold:8} {part.tp:6} {part.fp:6} {part.fn:6} "
              f"{part.precision:9.3f} {part.recall:7.3f}")
    total = parts["all"]
    print(f"goal: precision >= 0.95 ({'met' if total.precision >= 0.95 else 'NOT met'}), "
          f"recall >= 0.90 ({'met' if total.recall >= 0.9 else 'NOT met'})")
    print(f"scored in {seconds:.2f} s; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.mistakes:
        for line in total.mistakes:
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
