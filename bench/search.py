"""Search benchmark: bantin's search against the naive LIKE '%...%' scan, on a synthetic archive.

The archive's words follow real Vietnamese frequencies: syllables and two-syllable words of the
vietnews sample (../shared/data/vietnews-sample) are ranked by their count there and drawn with
Zipf-like probabilities (p ~ 1/rank^1.05), never whole sentences; a third of the articles also
speak of "AI" and "trí tuệ nhân tạo", as an AI news archive does. Articles are loaded at schema
revision 0001 (PostgreSQL: 0003, its old search triggers off), then the migrations to the head
build the search index (its time, rows/s and size are reported).

    flock /tmp/bantin-bench.lock python bench/search.py          # 200,000 articles, both backends
    flock /tmp/bantin-bench.lock python bench/search.py --articles 1000000 --backend postgresql

Query classes are defined on *folded* document frequencies, measured on the first 5,000 articles
(rare: in at most 0.2 % of them; mid: 1-10 %; frequent: 30 % or more, plus "AI" and "trí tuệ nhân
tạo"); a seventh, "misspelled", pairs a correct word with a typo no article has (nothing matches,
"did you mean" runs); an eighth, "other shapes", holds exclusions of common words, common words
in a short time window or one source, phrases of three words ending in a common one, eight words.
Printed per class: p50/p95 of bantin's search (a full page: rank, load, highlight) and of the
peer, the peer/bantin ratio at p50, recall@20 against a full ranked scan (bantin's own score
applied to every match), and the slowest query; the load average beside each table. The peer is
what a naive user writes: ``LIKE '%...%'`` over a column of text folded once in advance, newest
first. The archive is read once before (pg_prewarm), and the peer runs after all of bantin's
queries, so that neither empties the page cache under the other.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
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
from bantin.archive.migrate import current_revision, head_revision, upgrade
from bantin.archive.search import SearchFilters, parse_query, postgres, search, sqlite, tokens
from bantin.archive.search.reindex import reindex
from bantin.text import fold

CORPUS = ROOT.parent / "shared" / "data" / "vietnews-sample" / "vietnews_test_sample.jsonl"
NOW = datetime(2026, 11, 29, tzinfo=UTC)
SEARCH_REVISION = "head"  # the migrations that build the search index measured here (0005, 0009, 0012 and 0013 on PostgreSQL)
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
    """Store the sources and articles (no search index yet), with the peer's folded column."""
    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE articles ADD COLUMN folded text"))
        for key in SOURCES:
            conn.execute(text("INSERT INTO sources (key, name, homepage, feeds, enabled, consecutive_failures) "
                              "VALUES (:k, :n, :h, '[]', true, 0)"), {"k": key, "n": key, "h": f"https://{key}.vn/"})
        ids = dict(conn.execute(text("SELECT key, id FROM sources")).all())
    sql = text("INSERT INTO articles (source_id, url, canonical_url, title, lead, body, published_at, fetched_at, "
               "updated_at, language, content_hash, cluster_id, relevance, topics, extraction, folded) VALUES (:s, :u, "
               ":cu, :t, :l, :b, :p, :f, :f, 'vi', :h, :c, :r, :tp, 'bench', :fo)")
    chunk: list[dict] = []
    for n, (src, title, lead, body, published, relevance, topics, cluster) in enumerate(rows):
        stamp = published.replace(tzinfo=None) if db.backend == "sqlite" else published
        fetched = now.replace(tzinfo=None) if db.backend == "sqlite" else now
        url = f"https://{SOURCES[src]}.vn/{n}.html"
        chunk.append({"s": ids[SOURCES[src]], "u": url, "t": title, "l": lead, "b": body, "cu": url,
                      "p": stamp, "f": fetched, "h": f"{n:064x}", "c": cluster, "r": relevance, "tp": json.dumps(topics),
                      "fo": " ".join(("", *tokens(title), "|", *tokens(lead), "|", *tokens(body), ""))})
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
                "SELECT pg_total_relation_size('article_search'), pg_relation_size('ix_article_search_lexemes'), "
                "pg_total_relation_size('search_vocabulary'), pg_total_relation_size('articles')")).one()
            return (f"article_search with its indexes {row[0] / 2**20:.0f} MiB (words and pairs GIN {row[1] / 2**20:.0f} "
                    f"MiB), title words (did you mean) {row[2] / 2**20:.1f} MiB; articles {row[3] / 2**20:.0f} MiB")
        pages = conn.execute(text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'article_fts%' OR name LIKE "
                                  "'article_head_fts%' OR name LIKE 'article_search%' OR name LIKE 'article_title_words%' "
                                  "OR name = 'ix_article_search_sort_at'")
                             ).scalar_one()
        return (f"FTS5 (full, title-and-lead, title words) + article_search {pages / 2**20:.0f} MiB; "
                f"database file {path.stat().st_size / 2**20:.0f} MiB")


def folded_frequencies(count: int, words: list[str], seed: int) -> tuple[Counter[str], Counter[str], int]:
    """Document frequencies of folded tokens and of folded token pairs in the first ``count``
    articles (the same text the archive holds), and ``count``."""
    singles: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for _src, title, lead, body, *_ in itertools.islice(articles(count, words, seed), count):
        found = tokens(f"{title} {lead} {body}")
        singles.update(set(found))
        pairs.update({f"{a} {b}" for a, b in pairwise(found)})
    return singles, pairs, count


def make_queries(words: list[str], count: int, seed: int) -> list[tuple[str, str, SearchFilters]]:
    """(class, query, filters) per class, the classes cut on folded document frequencies."""
    rnd = random.Random(seed)
    singles, pairs, sample = folded_frequencies(5000, words, seed)
    originals: dict[str, list[str]] = {}
    for word in words:
        if " " not in word and len(word) > 1:
            originals.setdefault(fold(word).lower(), []).append(word)

    def share(folded: str) -> float:
        return singles[folded] / sample

    rare = sorted(f for f in originals if 0 < share(f) <= 0.002 and len(f) > 2)
    mid = sorted(f for f in originals if 0.01 <= share(f) <= 0.10)
    accented = [f for f in mid if any(fold(o).lower() != o.lower() for o in originals[f])]
    frequent = sorted((f for f in originals if share(f) >= 0.3), key=lambda f: (-share(f), f))
    # phrases: folded word pairs found in 0.5-10 % of the articles
    phrase_pool = sorted(p for p, n in pairs.items() if 0.005 <= n / sample <= 0.10)

    def written(folded: str) -> str:  # a form with diacritics, as a reader types it
        return rnd.choice(sorted(o for o in originals[folded] if fold(o).lower() != o.lower()) or originals[folded])

    per = max(1, count // 6)
    queries = [("rare words", written(rnd.choice(rare)), SearchFilters()) for _ in range(per)]
    queries += [("phrases", f'"{rnd.choice(phrase_pool)}"', SearchFilters()) for _ in range(per)]
    queries += [("with diacritics", f"{written(rnd.choice(accented))} {written(rnd.choice(accented))}", SearchFilters())
                for _ in range(per)]
    queries += [("without diacritics", f"{rnd.choice(accented)} {rnd.choice(accented)}", SearchFilters())
                for _ in range(per)]
    for _ in range(per):
        start = NOW - timedelta(days=rnd.randint(30, 900))
        filters = SearchFilters(sources=(rnd.choice(SOURCES),), since=start, until=start + timedelta(days=rnd.randint(30, 365)),
                                topics=(rnd.choice(TOPICS),) if rnd.random() < 0.5 else (), min_relevance=0.3)
        queries.append(("with filters", written(rnd.choice(mid)), filters))
    # (two words of a third of the articles each, as a reader types half of "trí tuệ nhân tạo")
    heavy = ["AI", "trí tuệ nhân tạo", "tri tue nhan tao", '"trí tuệ nhân tạo"', "trí tuệ", "nhan tao",
             *(written(f) for f in frequent[:8])]
    queries += [("frequent terms", rnd.choice(heavy), SearchFilters()) for _ in range(count - len(queries))]
    queries += misspelled(words, mid + frequent, per, seed)
    queries += shapes(frequent, mid, phrase_pool, per, seed)
    print(f"classes on folded frequencies (first {sample:,} articles): {len(rare):,} rare words (<= 0.2 %), "
          f"{len(mid):,} mid words (1-10 %), {len(phrase_pool):,} phrases (0.5-10 %), {len(frequent)} frequent words "
          f"(>= 30 %: {', '.join(frequent[:8])})")
    return queries


def misspelled(words: list[str], pool: list[str], count: int, seed: int) -> list[tuple[str, str, SearchFilters]]:
    """A reader's typo: a mid or frequent word with one letter doubled, dropped, swapped or changed,
    into a word no article has, after a correct one ("congg nghe"); nothing matches, and "did you
    mean" looks for each word. (Drawn apart from the six classes, which stay as they were.)"""
    rnd = random.Random(seed + 1)
    known = {token for word in words for token in tokens(word)}
    out = []
    while len(out) < count:
        word, n = rnd.choice(pool), rnd.randrange(4)
        at = rnd.randrange(1, len(word))
        typo = [word[:at] + word[at - 1:], word[:at - 1] + word[at:], word[:at - 1] + word[at:at + 1] + word[at - 1] +
                word[at + 1:], word[:at] + rnd.choice("aeioucgnht") + word[at + 1:]][n]
        if typo not in known and len(typo) > 1:
            out.append(("misspelled", f"{rnd.choice(pool)} {typo}", SearchFilters()))
    return out


def shapes(frequent: list[str], mid: list[str], phrase_pool: list[str], count: int, seed: int
           ) -> list[tuple[str, str, SearchFilters]]:
    """Other things readers type, each a way a search once went wrong: a word excluded that
    nearly every article has, a frequent word in a short time window or one source, a phrase of
    three frequent words, eight words. (Drawn apart from the other classes.)"""
    rnd = random.Random(seed + 2)
    common = frequent[:8]
    out = []
    while len(out) < count:
        kind = len(out) % 5
        if kind == 0:
            query, filters = f"{rnd.choice(mid)} -{rnd.choice(common)}", SearchFilters()
        elif kind == 1:
            start = NOW - timedelta(days=rnd.randint(10, 1000))
            query, filters = rnd.choice(common), SearchFilters(since=start, until=start + timedelta(days=rnd.randint(7, 31)))
        elif kind == 2:
            query, filters = " ".join(rnd.sample(common, 2)), SearchFilters(sources=(rnd.choice(SOURCES),))
        elif kind == 3:
            query, filters = f'"{rnd.choice(phrase_pool)} {rnd.choice(common)}"', SearchFilters()
        else:
            query, filters = " ".join(rnd.sample(common, 3) + rnd.sample(mid, 5)), SearchFilters()
        out.append(("other shapes", query, filters))
    return out


def _like(term_words: tuple[str, ...], params: dict, negate: bool = False) -> str:
    name = f"p{len(params)}"
    params[name] = "% " + " ".join(term_words) + " %"
    return f"folded {'NOT ' if negate else ''}LIKE :{name}"


def peer(db: Database, query: str, filters: SearchFilters) -> None:
    """The naive peer: LIKE '% .. %' over the text folded once in advance, newest first, one page."""
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
    sql = f"SELECT id FROM articles WHERE {' AND '.join(conds)} ORDER BY coalesce(published_at, fetched_at) DESC LIMIT 20"
    with db.engine.connect() as conn:
        conn.execute(text(sql), params).all()


def full_scan(db: Database, query: str, filters: SearchFilters) -> list[int]:
    """The first page of bantin's score applied to every match (no bound on the matches ranked)."""
    names = {postgres: ("ALL_MATCHES", "ALL_CHECKED", "PHRASE_ALL"), sqlite: ("ALL_MATCHES", "NEWEST")}
    saved = {(module, name): getattr(module, name) for module, found in names.items() for name in found}
    try:
        for module, name in saved:
            setattr(module, name, 10**9)
        return [hit.article_id for hit in search(db, query, filters, now=NOW).hits]
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load_average() -> str:
    return "load " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def prepare(backend: str, args, words: list[str]) -> tuple[Database, Path | None]:
    path = None
    if backend == "postgresql":
        url = args.pg_url
        name = make_url(url).database
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if args.rebuild:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    else:
        path = Path(args.sqlite_path)
        if args.rebuild:
            path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    db = Database.connect(url, upgrade_embedded=False)
    with db.engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM articles")).scalar_one() if _has_articles(conn) else -1
    if have not in (-1, args.articles):
        db.close()
        args.rebuild = True
        return prepare(backend, args, words)
    if have == -1:
        # PostgreSQL: the schema just before 0005 on an empty archive, its per-row search triggers off
        # while loading, so that 0005 alone builds the index; SQLite: before 0002
        upgrade(db, "0004" if backend == "postgresql" else "0001")
        started = time.perf_counter()
        with db.engine.begin() as conn:
            if backend == "postgresql":
                conn.execute(text("ALTER TABLE articles DISABLE TRIGGER USER"))
        load(db, articles(args.articles, words, args.seed))
        with db.engine.begin() as conn:
            if backend == "postgresql":
                conn.execute(text("ALTER TABLE articles ENABLE TRIGGER USER"))
        print(f"[{backend}] generated and loaded {args.articles:,} articles in {time.perf_counter() - started:.0f} s")
    if current_revision(db) != head_revision():
        load_before = load_average()
        started = time.perf_counter()
        upgrade(db, SEARCH_REVISION)
        seconds = time.perf_counter() - started
        upgrade(db, "head")
        print(f"[{backend}] search index built by the migrations to {SEARCH_REVISION} ({args.articles:,} rows) in "
              f"{seconds:.1f} s, {args.articles / seconds:,.0f} rows/s ({load_before} before, {load_average()} after); "
              f"size: {index_size(db, path)}")
    elif args.reindex:
        load_before = load_average()
        started = time.perf_counter()
        reindex(db)
        seconds = time.perf_counter() - started
        print(f"[{backend}] bantin db reindex: {args.articles:,} rows in {seconds:.1f} s, {args.articles / seconds:,.0f} "
              f"rows/s ({load_before} before, {load_average()} after); size: {index_size(db, path)}")
    else:
        print(f"[{backend}] reusing the archive of {args.articles:,} articles and its index: {index_size(db, path)}")
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    trigger_path(db, words, args)
    if backend == "sqlite":
        event.listen(db.engine, "connect", lambda conn, _: conn.execute("PRAGMA cache_size = -262144"))
        db.engine.dispose()
    return db, path


def trigger_path(db: Database, words: list[str], args, count: int = 2000, batch: int = 500) -> None:
    """Rows/s through the search triggers: ``count`` new articles in statements of ``batch``
    rows, as a crawl or a restore writes them, rolled back afterwards."""
    rows = list(itertools.islice(articles(count, words, args.seed + 1), count))
    with db.engine.connect() as conn:
        source = conn.execute(text("SELECT min(id) FROM sources")).scalar_one()
        conn.rollback()
        sqlite = db.backend == "sqlite"
        now = datetime.now(UTC).replace(tzinfo=None) if sqlite else datetime.now(UTC)
        sql = text("INSERT INTO articles (source_id, url, canonical_url, title, lead, body, published_at, fetched_at, "
                   "updated_at, language, content_hash, relevance, topics, extraction) VALUES (:s, :u, :cu, :t, :l, :b, "
                   ":f, :f, :f, 'vi', :h, 0.5, '[]', 'bench')")
        load_before = load_average()
        started = time.perf_counter()
        with conn.begin() as transaction:
            for first in range(0, count, batch):
                conn.execute(sql, [{"s": source, "u": f"https://trigger.test/{n}", "cu": f"https://trigger.test/{n}",
                                    "t": title, "l": lead, "b": body, "f": now, "h": f"t{n:063x}"}
                                   for n, (_, title, lead, body, *_) in enumerate(rows[first:first + batch], first)])
            seconds = time.perf_counter() - started
            transaction.rollback()
    print(f"[{db.backend}] trigger path: {count:,} new articles in statements of {batch} rows in {seconds:.1f} s, "
          f"{count / seconds:,.0f} rows/s ({load_before}); rolled back")


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
    recall: dict[str, list[float]] = {}
    slowest: dict[str, tuple[float, str, SearchFilters]] = {}
    load_before = load_average()
    for kind, query, filters in queries:
        ours.setdefault(kind, []).append(timed(lambda q, f: search(db, q, f, now=NOW), query, filters))
        if ours[kind][-1] > slowest.get(kind, (0.0,))[0]:
            slowest[kind] = (ours[kind][-1], query, filters)
    load_after = load_average()
    # the peer and the full scans afterwards, on the same queries: their scans would otherwise push
    # bantin's index out of this machine's small page cache between two bantin queries
    for kind, query, filters in queries:
        if len(theirs.get(kind, [])) < args.peer_per_class:
            theirs.setdefault(kind, []).append(timed(peer, db, query, filters))
        if len(recall.get(kind, [])) < args.recall_per_class:
            shown = [hit.article_id for hit in search(db, query, filters, now=NOW).hits]
            best = full_scan(db, query, filters)
            recall.setdefault(kind, []).append(len(set(shown) & set(best)) / len(best) if best else 1.0)
    print(f"\n[{backend}] {args.articles:,} articles, {len(queries)} queries (peer: {args.peer_per_class} per class, "
          f"recall@20: {args.recall_per_class} per class); {load_before} before, {load_after} after bantin's queries")
    print(f"{'class':20} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'peer p50':>9} {'peer p95':>9} {'x at p50':>9} {'recall@20':>10}")
    for kind, values in ours.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        q50, q95 = percentile(theirs[kind], 0.5), percentile(theirs[kind], 0.95)
        mean_recall = sum(recall[kind]) / len(recall[kind])
        print(f"{kind:20} {len(values):4} {p50:8.1f} {p95:8.1f} {q50:9.0f} {q95:9.0f} {q50 / p50:9.0f} {mean_recall:10.2f}")
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
    parser.add_argument("--recall-per-class", type=int, default=5, help="queries per class checked against a full scan")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reindex", action="store_true", help="time `bantin db reindex` on an archive already indexed")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the archive even if it has the right size")
    args = parser.parse_args()
    words = vocabulary(args.corpus)
    print(f"vocabulary: {len(words):,} syllables and syllable pairs from {args.corpus.name}; {load_average()}")
    for backend in (["postgresql", "sqlite"] if args.backend == "both" else [args.backend]):
        run(backend, args, words)


if __name__ == "__main__":
    main()
