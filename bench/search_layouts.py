"""PostgreSQL search index layouts compared on the bench archive: today's words-and-pairs GIN
against a words-only GIN (no pair lexemes), for issue 17's size and build goals.

Needs the archive that ``bench/search.py --backend postgresql`` builds (same ``--pg-url``). It
copies ``article_search``'s rows from the articles into a scratch table (timing the fill, and the
same fill by a parallel plan into a temporary table), builds every index of ``article_search`` on
the copy plus the words-only GIN (each timed), and prints both layouts' size and build time. Then,
for two-word phrases, what each layout costs to answer them (the copy's indexes, nothing cached
between layouts but the page cache):

* pairs, exact count: the GIN bitmap of the pair lexeme (today's index answers the phrase alone);
* words only: the bitmap of both words (candidates), the exact count (candidates checked with
  ``strpos`` on the stored words), the newest 20 matches (rows in time order, each checked), and
  the phrase in a title or lead (heads with both words, checked on positions).

The phrases: the bench's phrase class (pairs in 0.5-10 % of the articles) and phrases of two common
syllables found in few articles, as names and rarer Vietnamese words are. Each is timed twice,
the second run kept. The scratch table and function are dropped at the end.

    flock /tmp/bantin-bench.lock python bench/search_layouts.py
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import Connection, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as bench  # noqa: E402  (bench/search.py: the archive's text and query classes)

from bantin.archive.migrate import earlier_revision  # noqa: E402  (after bench/search.py's path set-up)

COPY = "bench_layout_copy"
# every word of a field, no pairs (as ``bantin_search_lexemes`` without its second array)
WORDS_ONLY = """CREATE OR REPLACE FUNCTION bench_words_only(words text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT COST 100000
    AS $$ SELECT array_to_tsvector(array_remove(array_remove(string_to_array(words, ' '), ''), '|')) $$"""
# the rows as the fill function computes them, in article_search's column order (migration 0005)
_COMPACT = earlier_revision("0005_search_compact.py")
ROWS = _COMPACT._rows("public.articles r")


def timed(conn: Connection, sql: str, params: dict | None = None) -> tuple[float, list]:
    start = time.perf_counter()
    rows = conn.execute(text(sql), params or {}).all()
    return time.perf_counter() - start, rows


def seconds_of(conn: Connection, sql: str) -> float:
    start = time.perf_counter()
    conn.execute(text(sql))
    return time.perf_counter() - start


def build(conn: Connection) -> tuple[dict[str, float], dict[str, float]]:
    """The copy built; seconds per step and MiB per relation."""
    seconds: dict[str, float] = {}
    conn.exec_driver_sql("SET jit = off; SET maintenance_work_mem = '256MB'")
    conn.execute(text(f"DROP TABLE IF EXISTS {COPY}"))
    conn.execute(text(f"CREATE TABLE {COPY} (LIKE article_search INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMPRESSION)"))
    conn.execute(text(f"ALTER TABLE {COPY} SET (toast_tuple_target = {_COMPACT.TOAST_TARGET})"))
    conn.execute(text(WORDS_ONLY))
    definitions = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'article_search'")).all()
    conn.exec_driver_sql("SET max_parallel_workers_per_gather = 0")
    seconds["fill"] = seconds_of(conn, f"INSERT INTO {COPY} {_COMPACT._COLUMNS} {ROWS}")
    print(f"  fill (fold title, lead and body; the head): {seconds['fill']:.1f} s; {bench.load_average()}", flush=True)
    conn.exec_driver_sql("SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0")
    parallel = seconds_of(conn, f"CREATE TEMP TABLE bench_layout_rows AS {ROWS}")
    conn.exec_driver_sql("SET max_parallel_workers_per_gather = 0")
    print(f"  the same fill by a parallel plan (two workers and the leader) into a temporary table: {parallel:.1f} s; "
          f"{bench.load_average()}", flush=True)
    conn.execute(text("DROP TABLE bench_layout_rows"))
    for name, definition in definitions:
        copied = re.sub(r"INDEX (\w+) ON (public\.)?article_search", rf"INDEX \1_{COPY} ON {COPY}", definition)
        seconds[name] = seconds_of(conn, copied)
        print(f"  {name}: {seconds[name]:.1f} s", flush=True)
    words_only = f"CREATE INDEX ix_words_only_{COPY} ON {COPY} USING gin (bench_words_only(words))"
    seconds["words-only GIN"] = seconds_of(conn, words_only)
    print(f"  words-only GIN: {seconds['words-only GIN']:.1f} s; {bench.load_average()}", flush=True)
    seconds["analyze"] = seconds_of(conn, f"ANALYZE {COPY}")
    sizes = {"table": conn.execute(text(f"SELECT pg_table_size('{COPY}')")).scalar_one() / 2**20}
    for name, size in conn.execute(text("SELECT indexname, pg_relation_size(indexname::regclass) FROM pg_indexes "
                                        "WHERE tablename = :t"), {"t": COPY}):
        sizes[name.removesuffix(f"_{COPY}")] = size / 2**20
    return seconds, sizes


def phrase_costs(conn: Connection, phrase: str) -> dict[str, float]:
    """Milliseconds (second of two runs) and counts of one two-word phrase on each layout."""
    first, second = phrase.split(" ")
    params = {"pair": f"'{first} {second}'", "both": f"'{first}' & '{second}'", "text": f" {first} {second} ",
              "head": f"'{first}' <-> '{second}'"}
    statements = {
        "pairs count": f"SELECT count(*) FROM {COPY} s WHERE bantin_search_lexemes(s.words) @@ CAST(:pair AS tsquery)",
        "candidates": f"SELECT count(*) FROM {COPY} s WHERE bench_words_only(s.words) @@ CAST(:both AS tsquery)",
        "words count": f"""SELECT count(*) FROM {COPY} s WHERE bench_words_only(s.words) @@ CAST(:both AS tsquery)
                           AND strpos(s.words, :text) > 0""",
        "in a head": f"""SELECT count(*) FROM (SELECT s.head FROM {COPY} s WHERE s.head @@ CAST(:both AS tsquery) OFFSET 0) s
                         WHERE s.head @@ CAST(:head AS tsquery)""",
        "newest 20": f"""SELECT count(*) FROM (SELECT 1 FROM (SELECT s.words || '' AS words FROM {COPY} s
                         ORDER BY s.sort_at DESC, s.article_id DESC OFFSET 0) s WHERE strpos(s.words, :text) > 0 LIMIT 20) s""",
    }
    out: dict[str, float] = {}
    for name, sql in statements.items():
        in_order = name == "newest 20"
        conn.exec_driver_sql(f"SET enable_seqscan = off; SET enable_bitmapscan = {'off' if in_order else 'on'}; "
                             f"SET enable_indexscan = {'on' if in_order else 'off'}")
        timed(conn, sql, params)
        seconds, rows = timed(conn, sql, params)
        out[name], out[f"{name} n"] = seconds * 1000, rows[0][0]
    if out["pairs count n"] != out["words count n"]:
        raise SystemExit(f"{phrase!r}: the layouts disagree ({out['pairs count n']} and {out['words count n']} matches)")
    return out


def rare_common_phrases(words: list[str], count: int, seed: int) -> list[str]:
    """Pairs of two syllables each in 30 % of the articles or more, the pair in one or two of the
    first 5,000 (a few dozen articles of the archive)."""
    singles, pairs, sample = bench.folded_frequencies(5000, words, seed)
    common = {word for word, n in singles.items() if n / sample >= 0.3}
    pool = sorted(p for p, n in pairs.items() if n <= 2 and all(w in common for w in p.split(" ")))
    return bench.random.Random(seed).sample(pool, min(count, len(pool)))


def report(label: str, rows: dict[str, dict[str, float]]) -> None:
    names = ["pairs count", "candidates", "words count", "in a head", "newest 20"]
    print(f"\n{label}: {len(rows)} phrases; ms (median / max); matches median")
    print(f"  {'':14}" + "".join(f"{name:>17}" for name in names))
    for stat, fn in (("median", statistics.median), ("max", max)):
        print(f"  {stat:14}" + "".join(f"{fn(r[name] for r in rows.values()):17.1f}" for name in names))
    counts = [statistics.median(r[f"{name} n"] for r in rows.values()) for name in names]
    print(f"  {'rows (median)':14}" + "".join(f"{count:17.0f}" for count in counts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bantin_bench")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rare", type=int, default=10, help="rare phrases of common syllables to time")
    args = parser.parse_args()
    engine = create_engine(args.pg_url)
    words = bench.vocabulary(bench.CORPUS)
    phrases = [query.strip('"') for kind, query, _ in bench.make_queries(words, 120, args.seed) if kind == "phrases"]
    rare = rare_common_phrases(words, args.rare, args.seed)
    with engine.begin() as conn:
        articles = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
        print(f"{articles:,} articles; {bench.load_average()}")
        try:
            seconds, sizes = build(conn)
            other = sum(sizes[name] for name in sizes if name not in ("ix_article_search_lexemes", "ix_words_only"))
            pair_build = sum(v for k, v in seconds.items() if k != "words-only GIN")
            word_build = pair_build - seconds["ix_article_search_lexemes"] + seconds["words-only GIN"]
            print(f"\nwords and pairs (today): {other + sizes['ix_article_search_lexemes']:.0f} MiB "
                  f"(its GIN {sizes['ix_article_search_lexemes']:.0f}), built in {pair_build:.0f} s "
                  f"(its GIN {seconds['ix_article_search_lexemes']:.0f} s)")
            print(f"words only:              {other + sizes['ix_words_only']:.0f} MiB "
                  f"(its GIN {sizes['ix_words_only']:.0f}), built in {word_build:.0f} s "
                  f"(its GIN {seconds['words-only GIN']:.0f} s)")
            conn.exec_driver_sql("SET jit = off; SET work_mem = '64MB'")
            for label, chosen in (("the bench's phrases (0.5-10 %)", phrases), ("rare phrases of common syllables", rare)):
                rows = {phrase: phrase_costs(conn, phrase) for phrase in chosen}
                report(label, rows)
            print(bench.load_average())
        finally:
            conn.execute(text(f"DROP TABLE IF EXISTS {COPY}"))
            conn.execute(text("DROP FUNCTION IF EXISTS bench_words_only(text)"))


if __name__ == "__main__":
    main()
