"""Search benchmark: bantin's search against the naive LIKE '%...%' scan, on a synthetic archive.

The archive's words follow real Vietnamese frequencies: syllables and two-syllable words of the
vietnews sample (../shared/data/vietnews-sample) are ranked by their count there and drawn with
Zipf-like probabilities (p ~ 1/rank^1.05), never whole sentences; a third of the articles also
speak of "AI" and "trí tuệ nhân tạo", as an AI news archive does. Articles are loaded at schema
revision 0001, then migrations 0002-0003 build the search index (its time and size are reported).

    python bench/search.py                           # 200,000 articles, PostgreSQL and SQLite
    python bench/search.py --articles 1000000 --backend postgresql

Printed per query class: p50/p95 of bantin's search (a full page: rank, load, highlight) and
of the peer, the peer/bantin ratio at p50, and the slowest query. The archive is read once
before (pg_prewarm), and the peer runs after all of bantin's queries, so that neither empties the
page cache under the other.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bantin.archive.engine import Database
from bantin.archive.migrate import current_revision, downgrade, head_revision, upgrade
from bantin.archive.search import SearchFilters, parse_query, search
from bantin.text import fold

CORPUS = ROOT.parent / "shared" / "data" / "vietnews-sample" / "vietnews_test_sample.jsonl"
NOW = datetime(2026, 11, 29, tzinfo=UTC)
SOURCES = ["vnexpress", "tuoitre", "thanhnien", "dantri", "vietnamnet", "znews", "genk", "ictnews", "vneconomy", "cafef"]
TOPICS = ["ai", "chip", "startup", "bao-mat", "vien-thong", "fintech"]
_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)


def vocabulary(path: Path) -> list[str]:
    """Syllables and syllable pairs of the corpus, most frequent first."""
    counts: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        for sentence in re.split(r"[.!?;:,\n]", f"{doc['title']}. {doc['text']}"):
            syllables = [s.lower() if not s.isupper() else s for s in _SYLLABLE.findall(sentence)]
            counts.update(syllables)
            counts.update(f"{a} {b}" for a, b in pairwise(syllables))
    return [word for word, n in counts.most_common() if n >= 1]


class Writer:
    """Draws text from the vocabulary with Zipf-like probabilities."""

    def __init__(self, words: list[str], seed: int) -> None:
        self.words = words
        weights = 1.0 / np.arange(1, len(words) + 1) ** 1.05
        self.cdf = np.cumsum(weights) / weights.sum()
        self.rng = np.random.default_rng(seed)

    def text(self, units: int) -> str:
        picks = np.minimum(np.searchsorted(self.cdf, self.rng.random(units)), len(self.words) - 1)
        out, sentence = [], []
        for n, index in enumerate(picks):
            sentence.append(self.words[index])
            if len(sentence) >= 12 and (n % 7 == 0 or len(sentence) > 20):
                out.append(" ".join(sentence).capitalize() + ".")
                sentence = []
        if sentence:
            out.append(" ".join(sentence).capitalize() + ".")
        return " ".join(out)


def articles(count: int, words: list[str], seed: int):
    """Rows (source index, title, lead, body, published_at, relevance, topics, cluster) of the archive."""
    writer, rnd = Writer(words, seed), random.Random(seed)
    for n in range(count):
        title, lead, body = writer.text(rnd.randint(7, 12)), writer.text(rnd.randint(18, 30)), writer.text(rnd.randint(150, 300))
        if rnd.random() < 1 / 3:
            body = f"{body} Ứng dụng trí tuệ nhân tạo (AI) được nhắc tới."
            if rnd.random() < 0.2:
                title = f"AI: {title}"
        # crawled roughly in time order over three years, with a few days of jitter
        minutes = (count - n) * 3 * 365 * 24 * 60 // count + rnd.randint(-3 * 24 * 60, 3 * 24 * 60)
        published = NOW - timedelta(minutes=max(0, minutes))
        topics = rnd.sample(TOPICS, rnd.randint(0, 2))
        yield (n % len(SOURCES), title, lead, body, published, round(rnd.random(), 3), topics, n // 4 if n % 5 == 0 else None)


def load(db: Database, rows, batch: int = 5000) -> None:
    """Store the sources and articles at revision 0001 (no search index yet)."""
    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        for key in SOURCES:
            conn.execute(text("INSERT INTO sources (key, name, homepage, feeds, enabled, consecutive_failures) "
                              "VALUES (:k, :n, :h, '[]', true, 0)"), {"k": key, "n": key, "h": f"https://{key}.vn/"})
        ids = dict(conn.execute(text("SELECT key, id FROM sources")).all())
    sql = text("INSERT INTO articles (source_id, url, canonical_url, title, lead, body, published_at, fetched_at, "
               "updated_at, language, content_hash, cluster_id, relevance, topics, extraction) VALUES (:s, :u, :cu, :t, "
               ":l, :b, :p, :f, :f, 'vi', :h, :c, :r, :tp, 'bench')")
    chunk: list[dict] = []
    for n, (src, title, lead, body, published, relevance, topics, cluster) in enumerate(rows):
        stamp = published.replace(tzinfo=None) if db.backend == "sqlite" else published
        fetched = now.replace(tzinfo=None) if db.backend == "sqlite" else now
        chunk.append({"s": ids[SOURCES[src]], "u": f"https://{SOURCES[src]}.vn/{n}.html", "t": title, "l": lead, "b": body, "cu": f"https://{SOURCES[src]}.vn/{n}.html",
                      "p": stamp, "f": fetched, "h": f"{n:064x}", "c": cluster, "r": relevance, "tp": json.dumps(topics)})
        if len(chunk) == batch:
            with db.engine.begin() as conn:
                conn.execute(sql, chunk)
            chunk = []
    if chunk:
        with db.engine.begin() as conn:
            conn.execute(sql, chunk)


def index_size(db: Database, path: Path | None) -> str:
    with db.engine.connect() as conn:
        if db.backend == "postgresql":
            row = conn.execute(text(
                "SELECT pg_total_relation_size('article_search'), pg_relation_size('ix_article_search_document'), "
                "pg_relation_size('ix_articles_title_trgm'), pg_total_relation_size('articles')")).one()
            return (f"article_search {row[0] / 2**20:.0f} MiB (GIN {row[1] / 2**20:.0f} MiB), title trigram "
                    f"{row[2] / 2**20:.0f} MiB; articles {row[3] / 2**20:.0f} MiB")
        pages = conn.execute(text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'article_fts%' OR name LIKE "
                                  "'article_search%' OR name = 'ix_article_search_sort_at'")).scalar_one()
        return f"FTS5 + article_search {pages / 2**20:.0f} MiB; database file {path.stat().st_size / 2**20:.0f} MiB"


def make_queries(words: list[str], count: int, seed: int) -> list[tuple[str, str, SearchFilters]]:
    """(class, query, filters): rare words, phrases, with/without diacritics, filters, frequent terms."""
    rnd = random.Random(seed)
    singles = [w for w in words if " " not in w and len(w) > 2]
    pairs = [w for w in words[:3000] if " " in w]
    # rare: a syllable from the tail of the ranking that no frequent word pair contains
    in_pairs = {part.lower() for pair in words[:20000] if " " in pair for part in pair.split()}
    rare = [w for w in words[int(0.8 * len(words)):] if " " not in w and w.lower() not in in_pairs] or singles
    mid = singles[50:800]
    per = max(1, count // 6)
    queries = [("rare words", rnd.choice(rare), SearchFilters()) for _ in range(per)]
    queries += [("phrases", f'"{rnd.choice(pairs)}"', SearchFilters()) for _ in range(per)]
    accented = [w for w in mid if fold(w) != w.lower()]
    queries += [("with diacritics", f"{rnd.choice(accented)} {rnd.choice(accented)}", SearchFilters()) for _ in range(per)]
    queries += [("without diacritics", fold(f"{rnd.choice(accented)} {rnd.choice(accented)}"), SearchFilters())
                for _ in range(per)]
    for _ in range(per):
        start = NOW - timedelta(days=rnd.randint(30, 900))
        filters = SearchFilters(sources=(rnd.choice(SOURCES),), since=start, until=start + timedelta(days=rnd.randint(30, 365)),
                                topics=(rnd.choice(TOPICS),) if rnd.random() < 0.5 else (), min_relevance=0.3)
        queries.append(("with filters", rnd.choice(mid), filters))
    frequent = ["AI", "trí tuệ nhân tạo", "tri tue nhan tao", '"trí tuệ nhân tạo"', *words[:8]]
    queries += [("frequent terms", rnd.choice(frequent), SearchFilters()) for _ in range(count - len(queries))]
    return queries


def _like(term_words: tuple[str, ...], params: dict, negate: bool = False) -> str:
    name = f"p{len(params)}"
    params[name] = "%" + " ".join(term_words) + "%"
    return f"folded {'NOT ' if negate else ''}LIKE :{name}"


def peer(db: Database, query: str, filters: SearchFilters) -> None:
    """The naive peer: LIKE '%..%' over the unaccented text, newest first, one page."""
    parsed, params = parse_query(query), {}
    conds = ["(" + " OR ".join(_like(t.words, params) for t in c.alternatives) + ")" for c in parsed.required]
    conds += [_like(t.words, params, negate=True) for t in parsed.excluded]
    if filters.sources:
        conds.append("source_id = (SELECT id FROM sources WHERE key = :src)")
        params["src"] = filters.sources[0]
    if filters.since:
        conds += ["coalesce(published_at, fetched_at) >= :since", "coalesce(published_at, fetched_at) < :until"]
        sqlite = db.backend == "sqlite"
        params.update(since=filters.since.replace(tzinfo=None) if sqlite else filters.since,
                      until=filters.until.replace(tzinfo=None) if sqlite else filters.until)
    if filters.min_relevance is not None:
        conds.append("relevance >= :rel")
        params["rel"] = filters.min_relevance
    fold_sql = "bantin_fold(title || ' ' || lead || ' ' || body)"
    sql = (f"SELECT id FROM (SELECT *, {fold_sql} AS folded FROM articles) a WHERE {' AND '.join(conds)} "
           "ORDER BY coalesce(published_at, fetched_at) DESC LIMIT 20")
    with db.engine.connect() as conn:
        conn.execute(text(sql), params).all()


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def prepare(backend: str, args, words: list[str]) -> tuple[Database, Path | None]:
    path = None
    if backend == "postgresql":
        url = args.pg_url
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            name = make_url(url).database
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    else:
        path = Path(args.sqlite_path)
        url = f"sqlite:///{path}"
    db = Database.connect(url, upgrade_embedded=False)
    if backend == "sqlite":
        event.listen(db.engine, "connect", lambda conn, _: conn.create_function("bantin_fold", 1, fold, deterministic=True))
        db.engine.dispose()
    with db.engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM articles")).scalar_one() if _has_articles(conn) else -1
    if have != args.articles or args.rebuild:
        downgrade(db, "base")
        upgrade(db, "0001")
        started = time.perf_counter()
        load(db, articles(args.articles, words, args.seed))
        print(f"[{backend}] generated and loaded {args.articles:,} articles in {time.perf_counter() - started:.0f} s")
    elif args.keep_index and current_revision(db) == head_revision():
        print(f"[{backend}] reusing the archive of {args.articles:,} articles and its index: {index_size(db, path)}")
        return db, path
    else:
        downgrade(db, "0001")
    started = time.perf_counter()
    upgrade(db, "head")
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    print(f"[{backend}] search index built (migrations 0002-0003, backfill of {args.articles:,} rows) in "
          f"{time.perf_counter() - started:.1f} s; size: {index_size(db, path)}")
    return db, path


def _has_articles(conn) -> bool:
    from sqlalchemy import inspect

    return "articles" in inspect(conn).get_table_names()


def warm(db: Database, path: Path | None) -> None:
    """Read the archive's files once, so that both searches find them in the OS cache, as on a
    serving machine (this machine's cache is emptied while it idles)."""
    if db.backend == "sqlite":
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass
        print("[sqlite] warmed: database file read once")
        return
    with db.engine.begin() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_prewarm'")).first():
            print("[postgresql] not warmed: the pg_prewarm extension is not available")
            return
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
        pages = conn.execute(text("""
            SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c
            WHERE c.oid IN (SELECT oid FROM pg_class WHERE relname IN ('articles', 'article_search')
                            UNION SELECT reltoastrelid FROM pg_class WHERE relname IN ('articles', 'article_search')
                            UNION SELECT indexrelid FROM pg_index WHERE indrelid IN (
                                SELECT oid FROM pg_class WHERE relname IN ('articles', 'article_search')))""")).scalar_one()
    print(f"[postgresql] warmed: {pages * 8 / 1024:.0f} MiB of tables, TOAST and indexes read once (pg_prewarm 'read')")


def run(backend: str, args, words: list[str]) -> None:
    db, path = prepare(backend, args, words)
    queries = make_queries(words, args.queries, args.seed)
    warm(db, path)
    for _kind, query, filters in queries[:5]:  # warm the connection pool and the planner's caches
        search(db, query, filters, now=NOW)
    ours: dict[str, list[float]] = {}
    theirs: dict[str, list[float]] = {}
    slowest: dict[str, tuple[float, str, SearchFilters]] = {}
    for kind, query, filters in queries:
        ours.setdefault(kind, []).append(timed(lambda q, f: search(db, q, f, now=NOW), query, filters))
        if ours[kind][-1] > slowest.get(kind, (0.0,))[0]:
            slowest[kind] = (ours[kind][-1], query, filters)
    # the peer afterwards, on the same queries: its full scans would otherwise push bantin's index
    # out of this machine's small page cache between two bantin queries
    for kind, query, filters in queries:
        if len(theirs.get(kind, [])) < args.peer_per_class:
            theirs.setdefault(kind, []).append(timed(peer, db, query, filters))
    print(f"\n[{backend}] {args.articles:,} articles, {len(queries)} queries (peer: {args.peer_per_class} per class)")
    print(f"{'class':20} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'peer p50':>9} {'peer p95':>9} {'x at p50':>9}")
    for kind, values in ours.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        q50, q95 = percentile(theirs[kind], 0.5), percentile(theirs[kind], 0.95)
        print(f"{kind:20} {len(values):4} {p50:8.1f} {p95:8.1f} {q50:9.0f} {q95:9.0f} {q50 / p50:9.0f}")
    print("slowest of each class:")
    for kind, (ms, query, filters) in slowest.items():
        shown = {k: v for k, v in filters.__dict__.items() if v not in ((), None) and k not in ("page", "per_page")}
        print(f"  {kind:20} {ms:7.1f} ms  {query!r} {shown or ''}")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bantin_bench")
    parser.add_argument("--sqlite-path", default="/tmp/bantin-bench.db")
    parser.add_argument("--peer-per-class", type=int, default=5, help="peer queries per class (the peer is slow)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep-index", action="store_true", help="reuse an archive already at the newest revision")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the archive even if it has the right size")
    args = parser.parse_args()
    words = vocabulary(args.corpus)
    print(f"vocabulary: {len(words):,} syllables and syllable pairs from {args.corpus.name}")
    for backend in (["postgresql", "sqlite"] if args.backend == "both" else [args.backend]):
        run(backend, args, words)


if __name__ == "__main__":
    main()
