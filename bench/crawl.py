"""Crawl benchmark: crawl + extract + store throughput against the local mirror.

A bench server built on the demo-site mirror serves, for each shipped source, a feed of
``--pages / 8`` distinct article pages in that outlet's markup (the mirror's articles, each copy
made unique so nothing is deduplicated away). ``run_crawl`` crawls them all into a fresh
archive, as ``bantin crawl`` does (child process, robots.txt, AutoThrottle with no start delay,
retries, relevance, MinHash clusters). Printed: pages/s, and how the wall time splits into
extraction, storage (relevance, MinHash, clustering, upsert, commit) and Scrapy plus process
start-up (everything else).

    python bench/crawl.py                                  # 2,000 pages into SQLite
    python bench/crawl.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bantin.configure import crawl_options
from bantin.settings import Settings
from bantin.spiders import Politeness, run_crawl
from bantin.spiders.mirror import MirrorServer, write_sources_file
from bantin.spiders.mirror.server import _Reply
from bantin.spiders.mirror.site import MirrorArticle

_COPY = re.compile(r"^/(\w+)/bench/(\d+)\.html$")


class BenchServer(MirrorServer):
    """The mirror, plus ``per_source`` unique copies of each source's articles and feeds of them."""

    per_source = 250

    def _copy(self, key: str, number: int) -> MirrorArticle:
        originals = self.site.of_source(key)
        base = originals[number % len(originals)]
        return MirrorArticle(
            source=key, path=f"bench/{number}.html", url=f"{self.base_url}/{key}/bench/{number}.html",
            title=f"{base.title} (bản {number})", lead=base.lead,
            body=(*base.body, f"Bài số {number} của nguồn {key}, dùng để đo tốc độ thu thập của bantin."),
            author=base.author, published=base.published, layout=base.layout,
        )

    def reply(self, path: str) -> _Reply:
        route = urlsplit(path).path
        match = _COPY.match(route)
        if match:
            return _Reply(200, self.site.article_page(self._copy(match.group(1), int(match.group(2)))).encode())
        if route.endswith("/rss.xml") and route.count("/") == 2:
            key = route.split("/")[1]
            items = [{"title": a.title, "link": a.url, "lead": a.lead, "published": a.published}
                     for a in (self._copy(key, n) for n in range(self.per_source))]
            return _Reply(200, self.site.feed(key, items).encode(), "application/rss+xml; charset=utf-8")
        return super().reply(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="article pages in all (split over 8 sources)")
    parser.add_argument("--database-url", default=None, help="archive to fill (default: a new SQLite file)")
    parser.add_argument("--concurrency", type=int, default=8, help="parallel requests per source")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bantin-bench-crawl-"))
    server = BenchServer()
    server.per_source = args.pages // 8
    server.start()
    try:
        sources = write_sources_file(server.base_url, work / "sources.toml")
        settings = Settings(data_dir=work, database_url=args.database_url or f"sqlite:///{work / 'bench.db'}",
                            crawl_concurrency_per_domain=args.concurrency)
        polite = Politeness(retry_times=1, backoff_s=0.05, autothrottle_start_s=0.0, concurrent_requests=64)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        report = run_crawl(crawl_options(settings), sources_file=sources, politeness=polite,
                           scrapy_overrides={"AUTOTHROTTLE_ENABLED": False})
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        server.stop()
    _print(report, work)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"crawl process CPU time {cpu:.1f} s for {report.seconds:.1f} s of wall time "
          f"({report.total('fetched') / cpu:.1f} pages per CPU second; the rest is waiting on a busy machine or the server)")


def _print(report, work: Path) -> None:
    fetched, stored = report.total("fetched"), report.total("new")
    extraction = sum(s.extraction_s for s in report.sources)
    storage = sum(s.storage_s for s in report.sources)
    other = max(report.seconds - extraction - storage, 0.0)
    print(f"crawl of {fetched} pages ({stored} new, status {report.status}) in {report.seconds:.1f} s: "
          f"{fetched / report.seconds:.1f} pages/s end to end")
    print(f"{'part':<28}{'seconds':>10}{'share':>8}{'pages/s':>10}")
    for name, seconds in (("extraction", extraction), ("storage", storage), ("scrapy + process start-up", other)):
        rate = f"{fetched / seconds:>10.1f}" if seconds else f"{'-':>10}"
        print(f"{name:<28}{seconds:>10.2f}{seconds / report.seconds:>8.0%}{rate}")
    print(f"(extraction and storage run in Scrapy's thread, so the parts add up to the wall time; files in {work})")
    for source in report.sources:
        if source.status != "ok":
            print(f"{source.key}: {source.status} {source.reasons} {list(source.errors[:2])}")


if __name__ == "__main__":
    main()
