"""Extraction benchmark: bantin's extractor against bare trafilatura and newspaper4k.

On the demo-site mirror's pages (every shipped source, each outlet's markup with its noise:
captions, related links, author lines, "Xem thêm" boxes), the body each extractor returns is
compared with the known text: token F1 (bag of lowercased words). "bantin-fallbk" is bantin's
extractor with no source (no selectors): what it does when a site's layout changes. The mirror's
pages were written for the shipped selectors, so bantin's own F1 there is an upper bound; the
fallback column is the figure to watch for unseen layouts. Speed: pages per second over
several rounds. Printed side by side in one run, per source and overall, with the goal
(bantin F1 >= 0.97 and never below trafilatura on a source).

    python bench/extract.py              # 5 rounds for speed
    python bench/extract.py --rounds 20
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore")

import trafilatura
from newspaper import Article as NewspaperArticle

from bantin.spiders import extract_page, load_sources
from bantin.spiders.mirror import Site
from bantin.text import nfc

_WORD = re.compile(r"\w+")
GOAL_F1 = 0.97


def tokens(text: str) -> Counter[str]:
    return Counter(_WORD.findall(nfc(text).casefold()))


def f1(found: str, truth: str) -> float:
    got, want = tokens(found), tokens(truth)
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def _bantin(sources: dict) -> Callable[[str, str, str], str]:
    return lambda html, url, key: extract_page(html, url, sources[key]).body


def _trafilatura(html: str, url: str, key: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def _newspaper(html: str, url: str, key: str) -> str:
    article = NewspaperArticle(url, language="vi", fetch_images=False)
    article.download(input_html=html)
    article.parse()
    return article.text or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds over all pages for the speed figure")
    args = parser.parse_args()
    site = Site("http://mirror.bench")
    sources = {s.key: s for s in load_sources()}
    pages = [(site.article_page(a), a.url, a.source, a.text) for a in site.articles if a.source != "bad"]
    extractors = {
        "bantin": _bantin(sources),
        "bantin-fallbk": lambda html, url, key: extract_page(html, url).body,  # no selectors: what a layout change leaves
        "trafilatura": _trafilatura,
        "newspaper4k": _newspaper,
    }
    scores: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in extractors}
    speed: dict[str, float] = {}
    for name, extract in extractors.items():
        for html, url, key, truth in pages:
            scores[name][key].append(f1(extract(html, url, key), truth))
        started = time.perf_counter()
        for _ in range(args.rounds):
            for html, url, key, _truth in pages:
                extract(html, url, key)
        speed[name] = args.rounds * len(pages) / (time.perf_counter() - started)
    _print(scores, speed, len(pages), args.rounds)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _print(scores: dict, speed: dict, count: int, rounds: int) -> None:
    names = list(scores)
    print(f"Body token F1 on {count} mirror pages ({rounds} rounds for speed)\n")
    print(f"{'source':<12}" + "".join(f"{n:>15}" for n in names) + f"{'bantin/traf':>13}")
    keys = sorted(scores["bantin"])
    ok = True
    for key in keys:
        row = {n: _mean(scores[n][key]) for n in names}
        ok &= row["bantin"] >= GOAL_F1 and row["bantin"] >= row["trafilatura"]
        print(
            f"{key:<12}"
            + "".join(f"{row[n]:>15.3f}" for n in names)
            + f"{row['bantin'] / max(row['trafilatura'], 1e-9):>13.2f}"
        )
    overall = {n: _mean([v for k in keys for v in scores[n][k]]) for n in names}
    print(f"{'all':<12}" + "".join(f"{overall[n]:>15.3f}" for n in names)
          + f"{overall['bantin'] / max(overall['trafilatura'], 1e-9):>13.2f}")
    print(f"{'pages/s':<12}" + "".join(f"{speed[n]:>15.1f}" for n in names)
          + f"{speed['bantin'] / speed['trafilatura']:>13.2f}")
    print(f"\ngoal: bantin F1 >= {GOAL_F1} on every source and never below trafilatura: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
