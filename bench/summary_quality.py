"""ROUGE-1/2/L F1 (syllable level) of the extractive engine against Lead-1/2/3 and the old engine on VietNews.

Run: python bench/summary_quality.py [DATA] [--limit N] [--sentences N] [--chars N] [--old-rev REV] [--no-title]
DATA: a JSON-lines file (id, title, text, summary) or a folder of them; default: the 300-article
sample in ../shared/data/vietnews-sample. bench/vietnews_data.py extracts the VietNews splits.
Prints each system's mean ROUGE, the median length against the sapo's, how many summaries open
with a back-reference, hold a byline or hold the title line, the paired bootstrap 95% interval of the new engine's gain
over the best Lead-k per metric, the time per article (and the slowest) and the load average.
The old engine is summarizer/extractive.py at --old-rev (default: the commit before issue 13).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bantin_quality import bootstrap_gain, load_sample, mean, per_article, sample_path  # noqa: E402

from bantin.summarizer.features import opens_with_reference  # noqa: E402
from bantin.summarizer.options import SummaryOptions  # noqa: E402
from bantin.summarizer.sentences import is_source_line, split_sentences  # noqa: E402

OLD_REV = "6313ff7"  # main before issue 13: the centroid + TextRank engine


def old_engine(rev: str):  # noqa: ANN201 - a module loaded from git
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:summarizer/extractive.py"], check=True,
                            capture_output=True, text=True).stdout
    if "pyvi" in source and importlib.util.find_spec("pyvi") is None:
        raise ImportError("it needs pyvi, which is not installed")
    path = Path(tempfile.mkdtemp()) / "old_extractive.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_extractive", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_extractive"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    engine = module.ExtractiveSummarizer()
    return lambda docs, options: [s.text for s in engine.summarize(docs, options)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", default=sample_path(ROOT))
    parser.add_argument("--limit", type=int, default=None, help="score the first N articles")
    parser.add_argument("--sentences", type=int, default=SummaryOptions.budget_sentences)
    parser.add_argument("--chars", type=int, default=SummaryOptions.budget_chars)
    parser.add_argument("--old-rev", default=OLD_REV, help="git revision of the old engine ('' to skip it)")
    parser.add_argument("--no-title", action="store_true", help="give the engines the body only")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"VietNews data not found at {args.data}")
    rows = load_sample(args.data, args.limit)
    if args.no_title:
        rows = [{**row, "title": ""} for row in rows]
    options = SummaryOptions(budget_sentences=args.sentences, budget_chars=args.chars)
    engines = {}
    if args.old_rev:
        try:
            engines["old-extractive"] = old_engine(args.old_rev)
        except ImportError as exc:  # the engine before issue 13 split words with pyvi, no longer a dependency
            print(f"old engine at {args.old_rev} not run: {exc} (pip install pyvi to run it, or --old-rev '')")
    began = time.perf_counter()
    scores, texts = per_article(rows, options, engines)
    seconds = time.perf_counter() - began
    load = os.getloadavg()
    print(f"{len(rows)} articles from {args.data}, reference = sapo, ROUGE F1 (%) on lower-cased \\w+ syllables,"
          f" input = {'body' if args.no_title else 'title line + body'}")
    sapo = statistics.median(len(row["summary"]) for row in rows)
    print(f"{'system':<15} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'median chars':>13} {'opener':>7} {'byline':>7}"
          f" {'title':>6}")
    for name, each in scores.items():
        m = mean(each)
        outs = texts[name]
        openers = sum(opens_with_reference(t) for t in outs)
        bylines = sum(any(is_source_line(s) for s in split_sentences(t)) for t in outs)
        titles = sum(bool(row.get("title")) and row["title"] in t for t, row in zip(outs, rows, strict=True))
        chars = statistics.median(len(t) for t in outs)
        print(f"{name:<15} {m.rouge1:8.2f} {m.rouge2:8.2f} {m.rougeL:8.2f} {chars:13.0f} {openers:7d} {bylines:7d} {titles:6d}")
    print(f"{'sapo':<15} {'':>8} {'':>8} {'':>8} {sapo:13.0f}")
    for metric in ("rouge1", "rouge2", "rougeL"):
        lead = max((f"lead-{k}" for k in (1, 2, 3)), key=lambda n: mean(scores[n]).__getattribute__(metric))
        gain, low, high = bootstrap_gain(scores["extractive"], scores[lead], metric)
        verdict = "a significant gain" if low > 0 else "a significant loss" if high < 0 else "not significant"
        print(f"extractive - {lead} on {metric}: {gain:+.2f} (95% CI {low:+.2f} .. {high:+.2f}, {verdict})")
    timing = time_engine(rows, options)
    print(f"{seconds:.1f} s for all systems; new engine {timing}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def time_engine(rows: list[dict[str, str]], options: SummaryOptions) -> str:
    """The new engine's time per article (median and slowest) and on one 5,000-sentence body."""
    from bantin_quality import document

    from bantin.summarizer.extractive import ExtractiveSummarizer

    engine = ExtractiveSummarizer()
    each = []
    for row in rows[:300]:
        began = time.perf_counter()
        engine.summarize([document(row)], options)
        each.append(time.perf_counter() - began)
    huge = " ".join(f"Câu thứ {i} nói về trí tuệ nhân tạo và dữ liệu tại Việt Nam năm {2000 + i % 25}." for i in range(5000))
    began = time.perf_counter()
    [summary] = engine.summarize([huge], options)
    big = time.perf_counter() - began
    return (f"{1000 * statistics.median(each):.1f} ms/article median, slowest {1000 * max(each):.0f} ms; "
            f"5,000-sentence body {big:.2f} s (truncated={summary.info.truncated})")


if __name__ == "__main__":
    main()
