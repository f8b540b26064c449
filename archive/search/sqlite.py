"""SQLite: FTS5 (``unicode61 remove_diacritics 2``) over text whose đ/Đ is already d, ranked by bm25.

The query tree becomes an FTS5 expression in which every word and phrase is a double-quoted
string (so nothing the reader typed is read as FTS5 syntax) and the whole expression is a bound
parameter of MATCH. FTS5 hands out matches in rowid order; articles are stored roughly in time
order, so the newest rowids are the newest articles (see ``sqlite_candidates``).
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import replace
from datetime import datetime
from itertools import combinations, pairwise
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from bantin.archive.search.filters import SearchFilters
from bantin.archive.search.query import Clause, ParsedQuery, Term
from bantin.archive.search.results import Candidate, Found
from bantin.archive.search.sql import aware, score_sql, time_and_relevance_sql, typed_dates

__all__ = [
    "match_expression",
    "sqlite_adjacency",
    "sqlite_candidates",
    "sqlite_fill",
    "sqlite_has",
    "sqlite_suggestions",
    "SqliteSearch",
    "sqlite_matches_any",
]

# bm25 column weights: title, lead, body.
_BM25 = "bm25(article_fts, 10.0, 4.0, 1.0)"
ALL_MATCHES = 10_000  # every match is ranked (bm25 costs a few microseconds a row)
COUNTED = 20_000  # ... and counted exactly up to this many (counting is cheaper than ranking)
NEWEST = 2_000  # at least this many newest matches are read when there may be more than ALL_MATCHES
TITLE_RANGE = 3_000  # ... and about this many matches below them
TITLE_MATCHES = 1_000  # ... and the title matches among this many newest below those


def _quoted(term: Term) -> str:
    return '"' + " ".join(term.words).replace('"', '""') + '"'


def _clause(clause: Clause) -> str:
    return "(" + " OR ".join(_quoted(t) for t in clause.alternatives) + ")"


def match_expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression for ``parsed``: quoted strings joined by AND, OR and NOT."""
    expression = "(" + " AND ".join(_clause(clause) for clause in parsed.required) + ")"
    if parsed.excluded:
        expression += " NOT (" + " OR ".join(_quoted(t) for t in parsed.excluded) + ")"
    return expression


def title_expression(parsed: ParsedQuery) -> str:
    """The MATCH expression, over ``article_head_fts`` (title and lead), of the matches a frequent
    query's title ranks high (bm25 weighs the title ten times the body): any clause in the title,
    or any two in the title or the lead (few articles have every word of a long query in their
    title). The rest of the query is checked where these matches are read again."""
    clauses = [_clause(clause) for clause in parsed.required]
    return " OR ".join(["({title} : (" + " OR ".join(clauses) + "))", *(f"({a} AND {b})" for a, b in combinations(clauses, 2))])


def _filter_sql(filters: SearchFilters, source_ids: tuple[int, ...], params: dict[str, Any]) -> list[str]:
    """WHERE conditions on ``s`` (article_search, which carries source, relevance and topics
    since migration 0010: an ``articles`` row's are read past its body's overflow pages)."""
    conditions = []
    if filters.sources:
        conditions.append("s.source_id IN (SELECT value FROM json_each(:source_ids))")
        params["source_ids"] = json.dumps(list(source_ids))
    if filters.topics:
        conditions.append(
            "EXISTS (SELECT 1 FROM json_each(s.topics) t WHERE t.value IN (SELECT value FROM json_each(:topics)))"
        )
        params["topics"] = json.dumps(list(filters.topics), ensure_ascii=False)
    if filters.entities:
        conditions.append("EXISTS (SELECT 1 FROM article_entities e WHERE e.article_id = s.article_id "
                          "AND e.entity_key IN (SELECT value FROM json_each(:entities)))")
        params["entities"] = json.dumps(list(filters.entities))
    return conditions + time_and_relevance_sql(filters, params, "s")


def _documents(conn: Connection, word: str, most: int = ALL_MATCHES + 1) -> int:
    """How many articles hold ``word``, counted up to ``most`` (FTS5's vocabulary table would
    read the word's whole document list: 63 ms for a word in every article of 200,000)."""
    return conn.execute(text("SELECT count(*) FROM (SELECT 1 FROM article_fts WHERE article_fts MATCH :w LIMIT :most)"),
                        {"w": _quoted(Term((word,))), "most": most}).scalar_one()


def _upper_bound(conn: Connection, parsed: ParsedQuery) -> int:
    """At most this many articles match, or more than ``ALL_MATCHES`` (from each word's count,
    up to ``ALL_MATCHES + 1``: a bound at most ``ALL_MATCHES`` is exact, and one above it stays
    above it)."""
    bound = None
    for clause in parsed.required:
        alternatives = sum(min(_documents(conn, word) for word in term.words) for term in clause.alternatives)
        bound = alternatives if bound is None else min(bound, alternatives)
    return bound or 0


def sqlite_candidates(
    conn: Connection, parsed: ParsedQuery, filters: SearchFilters, source_ids: tuple[int, ...], cap: int,
    keep: int, now: datetime,
) -> Found:
    """The best ``keep`` of the matches of ``parsed`` and ``filters`` worth ranking (scored in
    SQL, each with its bm25 rank), and how many match.

    * A query that is one quoted phrase: ``_phrase_candidates`` (ranked by where the phrase
      stands, not by bm25).
    * When the vocabulary says at most ``ALL_MATCHES`` articles can match, all matches are read
      and ranked (the total is exact); so too when the newest ``NEWEST`` turn out to be all. A
      phrase is not counted (that costs as much as ranking it): its matches in the newest eighth
      of the archive estimate whether it has more than ``ALL_MATCHES``.
    * Otherwise the newest ``max(NEWEST, 2 * cap)`` matches (by rowid, then ordered by time;
      ``ALL_MATCHES + 1`` where those were read to learn whether there are more), about
      ``TITLE_RANGE`` matches below them, and the matches among the newest ``TITLE_MATCHES``
      title matches below those (found in the title-and-lead index, ``title_expression``), all
      ranked by the whole query's bm25.
      The matches are counted up to ``COUNTED``, above which (and for a phrase) the total is
      estimated from the share of the rowid range the newest matches spanned.
    """
    _math(conn)
    params: dict[str, Any] = {"match": match_expression(parsed), "keep": keep, "now": now}
    conditions = ["article_fts MATCH :match", *_filter_sql(filters, source_ids, params)]

    bound = _upper_bound(conn, parsed)
    low, high = _rowid_range(conn, filters)
    if filters.since or filters.until:
        # the window's rows lie in this rowid range: FTS5 seeks to it instead of walking every newer
        # match ("cua" in 12 days of 2024 at 1,000,000 articles: 590 ms)
        params["window_low"], params["window_high"] = low, high
        conditions[0] += " AND article_fts.rowid BETWEEN :window_low AND :window_high"
    if parsed.single_phrase is not None:
        return _phrase_candidates(conn, _quoted(parsed.single_phrase), conditions, params, exact=bound <= ALL_MATCHES,
                                  wide=max(NEWEST, 2 * cap), span=(low, high))
    counted_phrase = bound > ALL_MATCHES and any(term.is_phrase for term in parsed.positive_terms)
    if counted_phrase:
        bound = _phrase_estimate(conn, params["match"], (low, high))
    elif bound <= ALL_MATCHES:
        found, matches, _ = _read(conn, conditions, params, "")
        return Found(found, matches, estimated=False)
    if conditions[1:] or bound <= ALL_MATCHES:
        # filters (the bound ignores them, and they often leave few matches) or a phrase that
        # seems to have few: read up to ALL_MATCHES + 1, all of them when there are no more
        params["over"] = ALL_MATCHES + 1
        newest, matches, oldest = _read(conn, conditions, params, "LIMIT :over")
        if matches <= ALL_MATCHES:
            return Found(newest, matches, estimated=False)
    else:
        # where the newest ``wide`` matches begin, without ranking them yet (``newest`` stays
        # None): bm25 weighs each word's rarity with a pass over all its articles in every
        # statement that ranks, so the newest matches and the title range below are ranked in
        # one statement where they meet
        newest = None
        params["wide"] = max(NEWEST, 2 * cap)
        where = " AND ".join(conditions)
        oldest = conn.execute(text(f"""SELECT article_fts.rowid FROM {_matching(conditions)} WHERE {where}
            ORDER BY article_fts.rowid DESC LIMIT 1 OFFSET :wide - 1""").bindparams(*typed_dates(params, where)),
            params).scalar()
        if oldest is None:  # fewer than ``wide``: all of them
            found, matches, _ = _read(conn, conditions, params, "")
            return Found(found, matches, estimated=False)
        matches = params["wide"]
        params["floor"] = oldest
    span = _spanned(matches, oldest, (low, high))
    if counted_phrase:  # not counted: estimated
        counted, estimated = max(matches, span), True
    else:
        counted, estimated = _counted(conn, conditions, params, span)
    return _with_title_range(conn, parsed, conditions, params, newest, oldest, (low, high), counted, estimated=estimated)


def _read(conn: Connection, conditions: list[str], params: dict[str, Any], limit: str, more: tuple[str, ...] = ()
          ) -> tuple[list[Candidate], int, int]:
    """The best ``keep`` matches of ``conditions`` (newest first, at most ``limit``; ``more``
    conditions), how many, the oldest rowid."""
    return _best(conn, f"""SELECT article_fts.rowid AS article_id, s.sort_at, -{_BM25} AS text_rank
                           FROM article_fts JOIN article_search s ON s.article_id = article_fts.rowid
                           WHERE {" AND ".join((*conditions, *more))}
                           ORDER BY article_fts.rowid DESC {limit}""", params)


def _phrase_estimate(conn: Connection, match: str, span: tuple[int, int]) -> int:
    """How many articles the phrase of the FTS5 expression ``match`` is in, from its matches in the
    newest eighth of the rowid range ``span``.

    The words' counts bound the articles with the words, not the phrase. Counting the phrase reads
    both words' positions in every article that has them, as ranking it does (bm25's document
    frequency is a pass of its own): its newest eighth estimates it at an eighth of the cost."""
    low, high = span
    start = high - (high - low) // 8
    recent = conn.execute(text("SELECT count(*) FROM (SELECT 1 FROM article_fts WHERE article_fts MATCH :match "
                               "AND rowid >= :recent LIMIT :over)"),
                          {"match": match, "recent": start, "over": ALL_MATCHES + 1}).scalar_one()
    return round(recent * (high - low + 1) / max(1, high - start + 1))


def _counted(conn: Connection, conditions: list[str], params: dict[str, Any], at_least: int) -> tuple[int, bool]:
    """The matches of ``conditions`` counted up to ``COUNTED``, and whether that is an estimate
    (above it: at least ``at_least``, from the rowids the newest matches spanned)."""
    where = " AND ".join(conditions)
    params["counted"] = COUNTED + 1
    counted = conn.execute(text(f"""SELECT count(*) FROM (SELECT 1 FROM {_matching(conditions)}
        WHERE {where} LIMIT :counted)""").bindparams(*typed_dates(params, where)), params).scalar_one()
    estimated = counted > COUNTED
    return (max(counted, at_least) if estimated else counted), estimated


def _with_title_range(conn: Connection, parsed: ParsedQuery, conditions: list[str], params: dict[str, Any],
                      newest: list[Candidate] | None, oldest: int, span: tuple[int, int], counted: int, *,
                      estimated: bool) -> Found:
    """The newest matches (down to rowid ``oldest``; None: not ranked yet, from the parameter
    ``floor`` up) with the matches of the title range below them, ranked; ``counted`` matches."""
    low, high = span
    # Below the newest matches, every match of the next TITLE_RANGE (a few days: an article with
    # a word in its lead outranks fresher ones with it in the body only), and further down the
    # matches among the newest TITLE_MATCHES title matches (``title_expression``), ranked like every
    # other match: bm25 of a query restricted to the title column weighs its words by their rarity
    # in titles, so its scores are not comparable with the others' (a frequent word's title matches
    # would crowd out the page). So the whole query is read over the rowids from the oldest of
    # them up, and only those are ranked (``+``: the rowid list is a filter on the rows FTS5 hands
    # out, not a list of lookups that would each run the query again)
    params["below"] = oldest
    params["near"] = oldest - round(TITLE_RANGE * max(1, high - low + 1) / max(1, counted))
    params["title_match"] = title_expression(parsed)
    params["wide"] = TITLE_MATCHES
    # (in the title-and-lead index, migration 0011: a column filter on article_fts decodes every
    # position list of the words, body included)
    title_conditions = ["article_head_fts MATCH :title_match", "article_head_fts.rowid < :near", *conditions[1:],
                        *(["article_head_fts.rowid >= :window_low"] if "window_low" in params else [])]
    title_ids = conn.execute(text(f"""SELECT article_head_fts.rowid FROM article_head_fts
        JOIN article_search s ON s.article_id = article_head_fts.rowid WHERE {" AND ".join(title_conditions)}
        ORDER BY article_head_fts.rowid DESC LIMIT :wide""").bindparams(*typed_dates(params, " ".join(title_conditions))),
        params).scalars().all()
    params["low"], params["title_ids"] = min([params["near"], *title_ids]), json.dumps(title_ids)
    older = "(article_fts.rowid >= :near OR +article_fts.rowid IN (SELECT value FROM json_each(:title_ids)))"
    if newest is None:  # one statement: one bm25 pass over the words' articles
        more = ("article_fts.rowid >= :low", f"(article_fts.rowid >= :floor OR {older})")
        return Found(_read(conn, conditions, params, "", more)[0], counted, estimated=estimated)
    seen = {cand.article_id for cand in newest}
    found = _read(conn, conditions, params, "", ("article_fts.rowid >= :low", "article_fts.rowid < :below", older))[0]
    return Found(newest + [cand for cand in found if cand.article_id not in seen], counted, estimated=estimated)


# The text rank of a query that is one quoted phrase: where the phrase stands (PostgreSQL's
# weights for title and lead; there too a phrase counts in title or lead only where it stands
# there, and a match elsewhere only by its recency).
_IN_TITLE, _IN_LEAD, _ANYWHERE = 1.0, 0.5, 0.01


def _best(conn: Connection, rows: str, params: dict[str, Any]) -> tuple[list[Candidate], int, int]:
    """The best ``:keep`` of ``rows`` (a SELECT of article_id, sort_at, text_rank) by score, how
    many rows it gave and the lowest article id (scored in SQL: only the best reach Python)."""
    score = score_sql("sqlite", "x.text_rank", "x.sort_at")
    query = f"""SELECT x.article_id, x.sort_at, x.text_rank, count(*) OVER () AS n, min(x.article_id) OVER () AS low
                FROM ({rows}) x ORDER BY {score} DESC, x.sort_at DESC, x.article_id DESC LIMIT :keep"""
    found = conn.execute(text(query).bindparams(*typed_dates(params, query)), params).all()
    candidates = [Candidate(row.article_id, float(row.text_rank), aware(row.sort_at)) for row in found]
    return candidates, int(found[0].n) if found else 0, int(found[0].low) if found else 0


def _phrase_candidates(
    conn: Connection, phrase: str, conditions: list[str], params: dict[str, Any], *, exact: bool, wide: int,
    span: tuple[int, int],
) -> Found:
    """The candidates of a query that is one quoted phrase (``phrase``, its MATCH string), ranked
    by where the phrase stands: in the title, in the lead, elsewhere (``_IN_TITLE``...). bm25
    would weigh the phrase's rarity, the same for every match, at the cost of a pass over every
    article with both words in every statement (as long as finding the matches: for a phrase of
    two common words most of a search). So: the newest ``wide`` matches, and every match with the
    phrase in its title or lead (the title-and-lead index), since only those can outrank them;
    the ranking is exact. Counted exactly when ``exact`` (its words are rare enough), otherwise
    estimated from the rowids the newest matches spanned."""
    for column in ("title", "lead"):
        ids = conn.execute(text("SELECT rowid FROM article_head_fts WHERE article_head_fts MATCH :m"),
                           {"m": "{" + column + "} : " + phrase}).scalars().all()
        params[f"in_{column}"] = json.dumps(ids)

    def rank(article_id: str) -> str:
        return (f"{_ANYWHERE} + {_IN_TITLE} * ({article_id} IN (SELECT value FROM json_each(:in_title))) "
                f"+ {_IN_LEAD} * ({article_id} IN (SELECT value FROM json_each(:in_lead)))")

    params["wide"] = wide
    newest, matches, oldest = _best(conn, f"""SELECT article_fts.rowid AS article_id, s.sort_at,
            {rank("article_fts.rowid")} AS text_rank
        FROM article_fts JOIN article_search s ON s.article_id = article_fts.rowid WHERE {" AND ".join(conditions)}
        ORDER BY article_fts.rowid DESC LIMIT :wide""", params)
    if matches < wide:
        return Found(newest, matches, estimated=False)
    params["oldest"] = oldest
    heads = "SELECT value FROM json_each(:in_title) UNION SELECT value FROM json_each(:in_lead)"
    where = " AND ".join([f"s.article_id IN ({heads})", "s.article_id < :oldest", *conditions[1:]])
    older = _best(conn, f"SELECT s.article_id, s.sort_at, {rank('s.article_id')} AS text_rank FROM article_search s "
                        f"WHERE {where}", params)[0]
    if exact:
        where = " AND ".join(conditions)
        total = conn.execute(text(f"SELECT count(*) FROM {_matching(conditions)} WHERE {where}")
                             .bindparams(*typed_dates(params, where)), params).scalar_one()
    else:
        total = max(wide, _spanned(wide, oldest, span))
    return Found(newest + older, total, estimated=not exact)


def _matching(conditions: list[str]) -> str:
    """The FROM clause of the matches of ``conditions`` (the MATCH first, then the filters on
    ``s``, article_search, joined only when there are filters)."""
    joined = " JOIN article_search s ON s.article_id = article_fts.rowid" if conditions[1:] else ""
    return f"article_fts{joined}"


def _spanned(matches: int, oldest: int, span: tuple[int, int]) -> int:
    """All matches estimated from the newest ``matches``, which reach down to rowid ``oldest``,
    at their density over the archive's rowids ``span``."""
    low, high = span
    return round(matches * (high - low + 1) / max(1, high - oldest + 1))


def _rowid_range(conn: Connection, filters: SearchFilters) -> tuple[int, int]:
    """The lowest and highest article ids of the archive, or of the filters' time window (from
    the sort-time index: articles come in about in time order, so a window is a rowid range, and
    the density of the newest matches is spread over it, not over every rowid: "trí tuệ" in the
    last of three years at 200,000 articles said "khoảng 66.990" for 22,299). Two subqueries:
    SQLite reads min() or max() of a key in one seek, but scans for both at once."""
    params: dict[str, Any] = {}
    window = time_and_relevance_sql(replace(filters, min_relevance=None), params, "s")
    if not window:
        low, high = conn.execute(text("SELECT (SELECT min(article_id) FROM article_search), "
                                      "(SELECT max(article_id) FROM article_search)")).one()
        return int(low or 0), int(high or 0)
    sql = f"SELECT min(s.article_id), max(s.article_id) FROM article_search s WHERE {' AND '.join(window)}"
    low, high = conn.execute(text(sql).bindparams(*typed_dates(params, sql)), params).one()
    return int(low or 0), int(high or 0)


def _math(conn: Connection) -> None:
    """SQLite's math functions (``power``) where the library was built without them."""
    try:
        conn.execute(text("SELECT power(2.0, 1.0)"))
    except OperationalError:
        raw = conn.connection.driver_connection
        raw.create_function("power", 2, math.pow, deterministic=True)


# The adjacency of a batch of candidates is read over a few rowid ranges around them: a phrase
# query costs about 0.5 ms to start, and about 0.1 us per rowid it spans for two words of a third
# of the articles (a rarer pair, far less), so the ADJACENCY_RANGES - 1 widest gaps of more than
# ADJACENCY_GAP rowids between two candidates are left out. Measured at 200,000 articles, 200
# candidates, 20 of them scattered: a frequent pair 66 -> 30 ms, a rare one 1.3 -> 3.4 ms (16
# ranges at gaps of 1,500: 21 and 8.7 ms).
ADJACENCY_GAP = 10_000
ADJACENCY_RANGES = 6


def _rowid_ranges(ids: list[int]) -> list[tuple[int, int]]:
    """``ids`` as at most ``ADJACENCY_RANGES`` ranges (first, last), cut at their widest gaps of
    more than ``ADJACENCY_GAP`` rowids."""
    ordered = sorted(set(ids))
    gaps = sorted((b - a, n) for n, (a, b) in enumerate(pairwise(ordered)) if b - a > ADJACENCY_GAP)
    cuts = sorted(n for _, n in gaps[::-1][: ADJACENCY_RANGES - 1])  # after the n-th id
    starts, ends = [0, *(n + 1 for n in cuts)], [*cuts, len(ordered) - 1]
    return [(ordered[a], ordered[b]) for a, b in zip(starts, ends, strict=True)]


def sqlite_adjacency(conn: Connection, ids: list[int], pairs: list[tuple[str, str]]) -> dict[int, int]:
    """For each article of ``ids``: how many of the word ``pairs`` its text has side by side, in
    order. One FTS5 phrase query per pair and rowid range around ``ids`` (``_rowid_ranges``: a
    range is one seek; a rowid IN list would re-run the phrase query for every id), all in one
    statement, the rows outside ``ids`` left out by SQLite."""
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    distinct = list(dict.fromkeys(pairs))
    params: dict[str, Any] = {"ids": json.dumps(sorted(set(ids))),
                              **{f"m{k}": _quoted(Term(pair)) for k, pair in enumerate(distinct)}}
    parts = []
    for n, (lo, hi) in enumerate(_rowid_ranges(ids)):
        params[f"lo{n}"], params[f"hi{n}"] = lo, hi
        for k in range(len(distinct)):
            parts.append(f"SELECT {k} AS k, rowid FROM article_fts WHERE article_fts MATCH :m{k} "
                         f"AND rowid BETWEEN :lo{n} AND :hi{n} AND +rowid IN (SELECT value FROM json_each(:ids))")
    for k, article_id in conn.execute(text(" UNION ALL ".join(parts)), params).all():
        counts[article_id] += pairs.count(distinct[k])
    return counts


def sqlite_has(conn: Connection, lexeme: str) -> bool:
    """Whether any article has the word, or the two words side by side ("nhan tao")."""
    if " " not in lexeme:
        return _documents(conn, lexeme, 1) > 0
    row = conn.execute(text("SELECT 1 FROM article_fts WHERE article_fts MATCH :m LIMIT 1"),
                       {"m": _quoted(Term(tuple(lexeme.split())))}).first()
    return row is not None


def sqlite_matches_any(conn: Connection, parsed: ParsedQuery) -> bool:
    row = conn.execute(text("SELECT 1 FROM article_fts WHERE article_fts MATCH :m LIMIT 1"),
                       {"m": match_expression(parsed)}).first()
    return row is not None


def sqlite_suggestions(conn: Connection, word: str, limit: int = 5) -> list[str]:
    """Title words most like ``word`` (same first letter), best first, for "did you mean": from
    the vocabulary of ``article_title_words`` (migration 0015), which lists a term by reading its
    postings, here of the titles alone and without positions."""
    if not word:
        return []
    rows = conn.execute(
        text("SELECT term FROM article_title_words_vocab WHERE term >= :lo AND term < :hi"),
        {"lo": word[0], "hi": chr(ord(word[0]) + 1)},
    ).scalars()
    return difflib.get_close_matches(word, [t for t in rows if t != word], n=limit, cutoff=0.6)


def _folded(row: str, column: str, limit: int | None = None) -> str:
    value = f"substr({row}.{column}, 1, {limit})" if limit else f"{row}.{column}"
    return f"replace(replace({value}, 'đ', 'd'), 'Đ', 'D')"


BODY_CHARS = 200_000


def sqlite_fill(conn: Connection, low: int, high: int) -> int:
    """(Re)index the articles with ``low <= id < high``, whose index rows were deleted before
    (what the triggers of migrations 0002-0015 write for a new article); the number of articles."""
    params = {"lo": low, "hi": high}
    conn.execute(text(f"""INSERT INTO article_fts (rowid, title, lead, body)
        SELECT a.id, {_folded('a', 'title')}, {_folded('a', 'lead')}, {_folded('a', 'body', BODY_CHARS)}
        FROM articles a WHERE a.id >= :lo AND a.id < :hi"""), params)
    conn.execute(text(f"""INSERT INTO article_head_fts (rowid, title, lead)
        SELECT a.id, {_folded('a', 'title')}, {_folded('a', 'lead')} FROM articles a WHERE a.id >= :lo AND a.id < :hi"""),
        params)
    conn.execute(text(f"""INSERT INTO article_title_words (rowid, title)
        SELECT a.id, {_folded('a', 'title')} FROM articles a WHERE a.id >= :lo AND a.id < :hi"""), params)
    return conn.execute(text("""INSERT OR REPLACE INTO article_search (article_id, sort_at, source_id, relevance, topics)
        SELECT id, coalesce(published_at, fetched_at), source_id, relevance, topics FROM articles
        WHERE id >= :lo AND id < :hi"""), params).rowcount


class SqliteSearch:
    """The SQLite backend (``backend.SearchBackend``)."""

    candidates = staticmethod(sqlite_candidates)
    adjacency = staticmethod(sqlite_adjacency)
    has = staticmethod(sqlite_has)
    matches_any = staticmethod(sqlite_matches_any)
    suggestions = staticmethod(sqlite_suggestions)

    @staticmethod
    def topic_exists(conn: Connection, topic: str) -> bool:
        # the narrow article_search (migration 0010), newest first (a new topic is in the newest
        # rows), each row's JSON parsed only when its text holds the topic's longest run of ASCII
        # letters, digits, '-' and '_' (JSON writes those as they are, escaped or not). 200,000
        # articles: a topic nobody has 288 -> 16 ms (the wide articles table walked whole before),
        # one only in the newest article 290 -> 0.01 ms
        params = {"t": topic, "run": max(re.findall(r"[A-Za-z0-9_-]+", topic), key=len, default="")}
        sql = """SELECT 1 FROM article_search s WHERE instr(s.topics, :run) > 0
                 AND EXISTS (SELECT 1 FROM json_each(s.topics) t WHERE t.value = :t) ORDER BY s.article_id DESC LIMIT 1"""
        return conn.execute(text(sql), params).first() is not None
