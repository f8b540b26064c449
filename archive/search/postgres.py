"""PostgreSQL: folded words stored once per article, words and word pairs in an expression GIN index.

``article_search.words`` holds the folded tokens of title, lead and body (`` tri tue | ... ``,
migration 0005); ``strpos(words, ' nhan tao ')`` checks a word or a phrase exactly. The GIN index
over ``bantin_search_lexemes(words)`` holds every word and every adjacent word pair without
positions, so a query of words and pairs (any phrase of two words) is answered by the index
alone; a longer phrase is looked up by its pairs and then checked with ``strpos``. Exclusions
are checked with ``strpos`` too. ``ts_rank`` over ``head`` (title A, lead B) ranks.

This module chooses how a query's matches are read (all of them, or the newest and the title
matches) and reads them; the SQL text it assembles is built in ``postgres_sql``, and the
estimates that decide, read before any row, in ``postgres_estimates``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, text

from bantin.archive.search.filters import SearchFilters
from bantin.archive.search.postgres_estimates import (
    WHOLE_RANGE,
    estimated_rows,
    index_counts,
    planner_view,
    text_share,
    time_bounds,
    window_start,
)
from bantin.archive.search.postgres_sql import (
    FLAT_WORDS,
    LEXEMES,
    LISTED,
    TITLE,
    check_sql,
    clause_lexemes,
    filter_sql,
    lexeme,
    lexeme_query,
    only_scans,
    planner_settings,
    rank_sql,
    strpos_sql,
)
from bantin.archive.search.query import ParsedQuery, Term
from bantin.archive.search.results import Candidate, Found
from bantin.archive.search.sql import aware, score_sql, typed_dates

__all__ = [
    "ALL_CHECKED",
    "ALL_MATCHES",
    "TITLE_MATCHES",
    "postgres_adjacency",
    "postgres_candidates",
    "postgres_suggestions",
    "postgres_word_count",
    "PostgresSearch",
    "postgres_matches_any",
]

# Every match is ranked when the query has at most this many (after the filters); above it, the
# newest matches and the newest TITLE_MATCHES title matches are (see ``postgres_candidates``).
ALL_MATCHES = 10_000
# ... at most this many when a phrase of three words or more must be checked row by row
ALL_CHECKED = 5_000
TITLE_MATCHES = 1_000
# ... the best TITLE_MATCHES by their head's score among at most about this many with the words in
# the head as asked (scoring a row's head costs a few microseconds): the newest ones above it
HEAD_RANKED = 4_000
# ... and the matches with every clause in the title, of any age, when at most this many
EVERY_IN_TITLE = 4_000
# A title window is read row by row when this many times its rows are fewer than the heads with
# the words (reading a row and checking its head costs about as much as listing 3 heads in the GIN)
WALK_FACTOR = 3
# A heap row read and checked costs about this many times a row listed in a bitmap of the
# sort-time index (2 us against 65 ns)
SPARED_ROW = 30
# ``sort_at`` in a form no index serves: the condition is checked on the rows the GIN bitmaps give
UNINDEXED_SORT = "s.sort_at + interval '0 s'"
# A query that is one quoted phrase is read as a frequent one (its newest matches and its title and
# lead matches) when more than this many are expected: they rank as all of them would. Below it,
# ranking every match is cheaper (200,000 articles: '"vu voi"', 4,257 matches, 30 ms all ranked,
# 49 ms the newest and the head matches; '"cong nghe"', 6,416: 46 against 51)
PHRASE_ALL = 10_000


# Above this share of the filtered archive, walking the newest rows in time order (the sort-time
# index, checking each row's words) finds ``cap`` matches sooner than a GIN bitmap of a term found
# in, say, a third of all articles; below it, the GIN bitmap is cheaper.
DENSE_SHARE = 0.3
# At or above this share of the rows matching (a word in nearly every article, "va", with filters
# that leave few rows), the planner reads the filters' rows and checks each with the index's
# expression, which computes an article's words and pairs again (about 300 us a row: "va" in a
# month of 200,000 articles, 4,980 rows, 1.6 s): the GIN bitmap spares too few of those rows to
# pay for itself in its estimate (which charges the recheck of every row it gives, though an exact
# bitmap is never rechecked). Those rows are then checked with ``strpos`` on the stored words.
ROWWISE_SHARE = 0.9


def postgres_candidates(
    conn: Connection, parsed: ParsedQuery, filters: SearchFilters, source_ids: tuple[int, ...], cap: int,
    keep: int, now: datetime,
) -> Found:
    """The best ``keep`` of the matches of ``parsed`` and ``filters`` worth ranking (scored in
    SQL, each with its text rank), and how many match.

    * When the planner expects at most ``ALL_MATCHES`` matches (``ALL_CHECKED`` when a long
      phrase must be checked row by row), all are read (GIN bitmap) and ranked; if there are
      indeed at most that many, the total is exact.
    * Otherwise: the newest ``cap`` matches (in time order, or by bitmap in a recency window, as
      the share of matching rows says is cheaper) and the best ``TITLE_MATCHES`` articles with
      the whole query in their title (any two of three clauses or more in title or lead; one
      phrase in title or lead; the GIN index of ``head``, see ``_title_matches``), with the
      planner's estimate as the total. So too for one quoted phrase with more than
      ``PHRASE_ALL`` expected matches: it ranks by the head alone, so these are all that can
      reach a page.

    The caller's transaction has sequential scans off.
    """
    planner_settings(conn)
    params: dict[str, Any] = {"cap": cap, "keep": keep, "now": now, "now_epoch": now.timestamp(),
                              "lexemes": lexeme_query(parsed)}
    extra = filter_sql(filters, source_ids, params)
    shares, share, bound = _estimate(conn, parsed, extra, params)
    scope = params["scope"]
    expected = share * scope
    reading = _Reading(conn, parsed, extra, params, functools.cache(lambda: time_bounds(conn, filters)),
                       f"{rank_sql(parsed, params, 'c.head')} + 0.01")
    if parsed.single_phrase and min(bound, PHRASE_ALL) < expected:
        # one quoted phrase ranks by the head alone (``rank_sql``): a match without the phrase in
        # its title or lead scores by its recency only, so the newest matches and the head
        # matches are all that can reach a page; ranking every match would cost a heap read each
        newest, matches, _ = _newest(reading, expected)
        if matches < cap:  # all of them
            return Found(newest, matches, estimated=False)
        return _with_titles(newest, _title_matches(reading, field="head"), max(round(expected), matches))
    if expected <= bound:
        params["all"] = bound + 1
        only_scans(conn, bitmap=True)
        found, matches = reading.ranked(reading.by_index(extra, "LIMIT :all", rowwise=share >= ROWWISE_SHARE))
        if matches <= bound:
            return Found(found, matches, estimated=False)
        # more than the planner expected: its words go together more than it thinks, so the
        # rarest clause alone (an upper bound) estimates better
        expected = max(text_share(parsed, shares, upper=True) * scope, bound + 1)
    newest, matches, probed = _newest(reading, share * scope)
    if probed is not None:  # the newest rows' share of matches beats the planner's guess of it
        expected = max(expected, probed * scope)
    # (one phrase ranks by the head: its lead matches outrank every match without it in the head)
    titles = _title_matches(reading, field="head" if parsed.single_phrase else "title")
    return _with_titles(newest, titles, max(round(expected), matches))


def _with_titles(newest: list[Candidate], titles: list[Candidate], total: int) -> Found:
    """The newest matches and the title (or head) matches not among them; an estimated total."""
    seen = {cand.article_id for cand in newest}
    return Found(newest + [cand for cand in titles if cand.article_id not in seen], total, estimated=True)


def _estimate(conn: Connection, parsed: ParsedQuery, extra: list[str], params: dict[str, Any]
              ) -> tuple[dict[str, float], float, int]:
    """The share of all rows each word and word pair of ``parsed`` is in, the share expected to
    match ``parsed``, and how many matches at most are all read and ranked; the rows meeting
    the filters ``extra`` become the parameter ``scope``."""
    total, scope, shares = planner_view(conn, parsed, extra, params)
    params["scope"] = scope
    share = text_share(parsed, shares)
    checked = any(len(term.words) > 2 for term in (*parsed.positive_terms, *parsed.excluded))
    bound = min(ALL_MATCHES, ALL_CHECKED) if checked else ALL_MATCHES
    if checked and share * scope > bound:
        # a phrase of three words or more is bounded by its pairs' shares from above: "cua nguoi
        # va" at 200,000 articles, both pairs in 33,802, the phrase in 1,329; expected that many,
        # its matches were looked for in ever larger recency windows, and its total said
        # "khoảng 33.802". Its share of the newest rows is the better guess where it is far below
        # (of ``PROBE`` rows, and where that says few, of ``PHRASE_PROBE``: about 6 us a row)
        probed = _newest_share(conn, parsed, extra, params)
        if probed * scope <= bound:
            probed = _newest_share(conn, parsed, extra, params, PHRASE_PROBE)
        share = probed if probed < share / 2 else share
    if len(parsed.required) > 1 and text_share(parsed, shares, lower=True) * scope <= bound < share * scope:
        # more matches expected than are ranked all, but not if the words go together no more
        # than by chance: the shares cannot say which ('kéo riêng' at 1,000,000: 7,915 matches,
        # 26,000 expected), so they are counted in the index (the required clauses; a longer
        # phrase by its pairs; one bitmap: 'kéo riêng' there 13.5 ms, its words in 90,000 rows each)
        counted = index_counts(conn, [params["lexemes"]])
        share = min(1.0, counted[0] / total) if counted else share
    return shares, share, bound


@dataclass(frozen=True)
class _Reading:
    """One search's reading of ``article_search``: the query, the filters' conditions ``extra``
    and the statement parameters, the sort-time histogram's bounds (read once, when a window is
    cut), the text rank's SQL, and how every candidate statement ends."""

    conn: Connection
    parsed: ParsedQuery
    extra: list[str]
    params: dict[str, Any]
    bounds: Callable[[], list[datetime]]
    rank: str

    def ranked(self, sql: str) -> tuple[list[Candidate], int]:
        """The best ``keep`` rows of ``sql`` and how many rows it gave."""
        score = score_sql("postgresql", "x.text_rank", "x.sort_at")
        query = f"""
            SELECT x.article_id, x.sort_at, x.text_rank, count(*) OVER () AS n
            FROM (SELECT c.article_id, c.sort_at, {self.rank} AS text_rank FROM ({sql}) c) x
            ORDER BY {score} DESC, x.sort_at DESC, x.article_id DESC LIMIT :keep"""
        rows = self.conn.execute(text(query).bindparams(*typed_dates(self.params, query)), self.params).all()
        found = [Candidate(row.article_id, float(row.text_rank), aware(row.sort_at)) for row in rows]
        return found, int(rows[0].n) if rows else 0

    def by_index(self, conditions: list[str], limit: str, *, rowwise: bool = False) -> str:
        """The matches meeting ``conditions`` found in the words-and-pairs index (``limit``: the
        statement's ORDER BY and LIMIT); ``rowwise``: the rows meeting ``conditions`` (from
        their own indexes) checked with ``strpos`` instead (see ``ROWWISE_SHARE``)."""
        checks = check_sql(self.parsed, self.params, all_terms=rowwise)
        where = " AND ".join([*conditions, *checks] if rowwise else [*conditions, LISTED, *checks])
        return f"SELECT s.article_id, s.sort_at, s.head FROM article_search s WHERE {where} {limit}"


def _newest(reading: _Reading, expected: float) -> tuple[list[Candidate], int, float | None]:
    """The newest ``cap`` matches: first in a recency window expected to hold a few times that
    many (cut from the sort-time histogram), then in one eight times as large, then everywhere;
    and, when the newest rows were probed for it, the share of them that match."""
    conn, parsed, extra, params = reading.conn, reading.parsed, reading.extra, reading.params
    cap = params["cap"]
    ordered, probed = expected >= DENSE_SHARE * params["scope"], None
    if not ordered and len(parsed.required) > 1:  # the planner thinks the words independent: look
        probed = _newest_share(conn, parsed, extra, params)
        ordered = probed >= DENSE_SHARE

    def fetch(conditions: list[str], in_order: bool) -> tuple[list[Candidate], int]:
        only_scans(conn, bitmap=not in_order)
        if in_order:  # the sort-time index in order, each row's words checked until ``cap`` match
            where = " AND ".join(conditions) or "true"
            checks = " AND ".join(check_sql(parsed, params, all_terms=True))
            sql = f"""SELECT s.article_id, s.sort_at, s.head FROM (
                          SELECT s.article_id, s.sort_at, s.head, {FLAT_WORDS} FROM article_search s WHERE {where}
                          ORDER BY s.sort_at DESC, s.article_id DESC OFFSET 0) s
                      WHERE {checks} LIMIT :cap"""
        else:
            sql = reading.by_index(conditions, f"ORDER BY {UNINDEXED_SORT} DESC, s.article_id DESC LIMIT :cap")
        return reading.ranked(sql)

    fraction = 3 * cap / max(expected, 1.0)
    while fraction < WHOLE_RANGE and (cutoff := window_start(reading.bounds(), fraction)) is not None:
        params["cutoff"] = cutoff
        found = fetch([*extra, "s.sort_at >= :cutoff"], ordered)
        if found[1] >= cap:
            return *found, probed
        fraction, ordered = fraction * 8, False
    return *fetch(extra, ordered), probed


# rows read to learn the share of the newest rows that match
PROBE = 200


def _newest_share(conn: Connection, parsed: ParsedQuery, extra: list[str], params: dict[str, Any],
                  rows: int = PROBE) -> float:
    """The share of the newest ``rows`` rows (with the filters) that match ``parsed``: a news
    query's words go together far more than the planner's estimate (the words' shares
    multiplied) says ("tri tue nhan tao": a third of the articles, estimated a tenth), and
    reading rows in time order is the cheaper way when a third or more match."""
    checks = " AND ".join(check_sql(parsed, params, all_terms=True))
    return _probe(conn, checks, FLAT_WORDS, extra, params, rows)


# newest rows read to learn the share of a phrase of three words or more among them (``_estimate``)
PHRASE_PROBE = 1_000
# newest rows read to learn the share of title (or head) matches among them
HEAD_PROBE = 1_000


def _newest_head_share(conn: Connection, title: str, extra: list[str], params: dict[str, Any]) -> float:
    """The share of the newest ``HEAD_PROBE`` rows (with the filters) whose head meets ``title``
    (their heads are read: short, stored in the row)."""
    return _probe(conn, title, "s.head", extra, params, HEAD_PROBE)


def _probe(conn: Connection, condition: str, column: str, extra: list[str], params: dict[str, Any], rows: int) -> float:
    """The share of the newest ``rows`` rows meeting the filters ``extra`` that meet
    ``condition`` (on ``column``, read in time order)."""
    only_scans(conn, bitmap=False)
    where = " AND ".join(extra) or "true"
    sql = f"""SELECT count(*) FILTER (WHERE {condition}) AS hits, count(*) AS n FROM (
                  SELECT {column} FROM article_search s WHERE {where}
                  ORDER BY s.sort_at DESC, s.article_id DESC LIMIT {rows}) s"""
    row = conn.execute(text(sql).bindparams(*typed_dates(params, sql)), params).one()
    return row.hits / max(1, row.n)


def _title_matches(reading: _Reading, field: str = "title") -> list[Candidate]:
    """The matches that the head ranks high: for one clause, with it in the title
    (``field="head"``, one phrase: in the title or the lead, as a phrase is ranked); for two,
    with both in the title, and (a second tier) either in the title or both in the title or the
    lead; for three or more, with any two in the title or the lead (few have every word in their
    title); the other clauses anywhere. All are found in the GIN indexes of ``head`` (migration
    0009) and of its title (``TITLE``, migration 0013). The
    best ``TITLE_MATCHES`` by score (the head's text rank and the recency boost) are taken: of
    all of a tier when the planner expects at most ``HEAD_RANKED`` (scoring a head costs a few
    microseconds), otherwise of those in the newest time window expected to hold about
    ``HEAD_RANKED`` (``_title_window``; older ones have a recency boost near 1: they would need
    about twice the text rank of a fresh one), together with those that have every clause in the
    title, of any age, when those are few. The row checks run on the best first, until ``keep``
    pass."""
    conn, parsed, extra, params = reading.conn, reading.parsed, reading.extra, reading.params
    params["title_cap"] = TITLE_MATCHES
    heads, checks = _title_tiers(parsed, params, field)
    rows = "SELECT s.article_id, s.sort_at, s.head, s.words FROM article_search s WHERE "
    parts = []
    for n, (listed, head) in enumerate(heads):
        window, walk = _title_window(reading, listed, head, f"title_cutoff{n}", walkable=field == "title")
        if n == 0 and window and field == "title" and len(parsed.required) > 1:
            # the matches with every clause in the title have the highest text ranks, twice those
            # with two clauses in the head, so an old one outranks fresh ones: they are all
            # scored, whatever their age, when they are few
            params["all_titles"] = lexeme_query(parsed, "head")
            every = f"{TITLE} @@ CAST(:all_titles AS tsquery)"
            if estimated_rows(conn, [[*extra, every]], params)[0] <= EVERY_IN_TITLE:
                # (older than the window: most rows, whose sort-time bitmap would cost more than
                # the few title matches it spares)
                parts.append(rows + " AND ".join([*extra, every, f"{UNINDEXED_SORT} < :title_cutoff0"]))
        if walk:  # (OFFSET 0: the head's condition stays out of the window's scan)
            parts.append(f"SELECT * FROM ({rows}{' AND '.join([*extra, *window])} OFFSET 0) s WHERE {head}")
        else:
            parts.append(rows + " AND ".join([*extra, listed, *window]))
    only_scans(conn, bitmap=True)
    score = score_sql("postgresql", f"{rank_sql(parsed, params, 's.head')} + 0.01", "s.sort_at")
    outer = " AND ".join(checks) or "true"
    return reading.ranked(f"""SELECT s.article_id, s.sort_at, s.head FROM (
                          SELECT s.article_id, s.sort_at, s.head, {FLAT_WORDS} FROM (
                              SELECT s.article_id, s.sort_at, s.head, s.words FROM ({" UNION ALL ".join(parts)}) s
                              ORDER BY {score} DESC, s.sort_at DESC, s.article_id DESC LIMIT :title_cap) s
                          OFFSET 0) s
                      WHERE {outer} LIMIT :keep""")[0]


def _title_tiers(parsed: ParsedQuery, params: dict[str, Any], field: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The tiers of ``_title_matches`` (best first), each as its condition for the GIN indexes and
    the same (or, for one phrase, part of it) on a row's head, and the row checks of the matches;
    their tsquery texts become parameters."""
    # a tier's condition for its index (its GIN bitmap), and the same on a row read in time order
    head = "s.head @@ CAST(:titles AS tsquery)"
    index, heads = "", [(head, head)]
    # every clause in the title (one or two clauses): ``titles`` unweighted, ``titles_a`` weighted
    in_title = (f"{TITLE} @@ CAST(:titles AS tsquery)", "s.head @@ CAST(:titles_a AS tsquery)")
    if field == "head":
        # one phrase. The head index knows no positions: for a phrase of common words most rows
        # with both words in the head lack the phrase ("cac bao" at 1,000,000: 24,581 rows, 528
        # matches), and a phrase query on it is rechecked row by row, every condition of the
        # bitmap with it (the words-and-pairs lexemes computed again: a second for "vu voi").
        # So both indexes answer exact questions (the words in the head; the phrase's pairs
        # anywhere) and the phrase in the head is checked on the rows, with the stored words
        # (a tsvector of title and lead puts the title's last word next to the lead's first)
        words = parsed.single_phrase.words
        params["titles"] = " & ".join(lexeme(word) for word in dict.fromkeys(words))
        params["head_phrase"] = lexeme_query(parsed, "head")
        index = f" AND {LISTED}"
        checks = ["s.head @@ CAST(:head_phrase AS tsquery)", *check_sql(parsed, params, all_terms=True)]
    elif len(parsed.required) == 1:  # the row checks: the exclusions
        params["titles"], params["titles_a"] = lexeme_query(parsed, "head"), lexeme_query(parsed, "title")
        heads = [in_title]
        checks = [f"{strpos_sql(term, params)} = 0" for term in parsed.excluded]
    else:  # the row checks: all terms (the head holds one or two of the clauses)
        clauses = [clause_lexemes(clause, "head") for clause in parsed.required]
        pairs = [f"({a} & {b})" for a, b in combinations(clauses, 2)]
        if len(clauses) > 2:
            params["titles"] = " | ".join(pairs)
        else:
            # both in the title rank highest; either clause of two in the title (the other
            # anywhere) or both in the title and lead outrank the newest matches with neither in
            # title or lead ("tri" in the title and "tue" in the body, for "tri tue"): a second
            # tier, with a window of its own (one tier of all of them would cut a window too short
            # for the first: 'va co' at 1,000,000 0.85)
            params["titles"], params["titles_a"] = lexeme_query(parsed, "head"), lexeme_query(parsed, "title")
            params["alone"], params["both"] = " | ".join(clauses), pairs[0]
            params["alone_a"] = " | ".join([*(clause_lexemes(clause, "title") for clause in parsed.required), *pairs])
            # (a row of the first tier is read there only; that is a row check, so weighted: no
            # ts_filter a row)
            heads = [in_title,
                     (f"({TITLE} @@ CAST(:alone AS tsquery) OR s.head @@ CAST(:both AS tsquery)) AND NOT {in_title[1]}",
                      f"s.head @@ CAST(:alone_a AS tsquery) AND NOT {in_title[1]}")]
        checks = check_sql(parsed, params, all_terms=True)
    return [(listed + index, head) for listed, head in heads], checks


def _title_window(reading: _Reading, listed: str, head: str, cutoff: str, *, walkable: bool) -> tuple[list[str], bool]:
    """The recency window of the rows meeting ``listed`` (a condition of the GIN indexes; on a
    row, ``head`` says the same or, for one phrase, part of it) that holds about
    ``HEAD_RANKED`` of them (no condition when the planner expects no more; the moment is the
    parameter ``cutoff``), and whether to read it row by row (``walkable``: ``head`` is the
    whole question)."""
    conn, extra, params = reading.conn, reading.extra, reading.params
    estimated = planned = estimated_rows(conn, [[*extra, listed]], params)[0]
    if estimated <= HEAD_RANKED:
        return [], False
    # the planner's view of the head index counts every head with the words, whatever their
    # weight ("va":A at 1,000,000: 766,771 estimated, 336,252 titles; the title index knows
    # better once analysed), so the window could hold too few: the newest rows' share says how
    # many lie in it (never under a quarter of the estimate)
    # (for one phrase, its words in the head: the pairs' index question is no row check)
    estimated = max(_newest_head_share(conn, head, extra, params) * params["scope"], estimated / 4)
    share = HEAD_RANKED / estimated  # of the rows meeting the filters
    params[cutoff] = window_start(reading.bounds(), share, whole=1.0)
    if params[cutoff] is None:
        return [], False
    # a window holding far fewer rows than the index has heads with the words ("va" at
    # 200,000: 12,000 rows against 154,000 heads) is read row by row, each head checked: a
    # GIN bitmap costs per head it lists, whatever their age (26 against 10 ms there)
    rows = share * params["scope"]
    walk = walkable and WALK_FACTOR * rows < planned
    # otherwise the window is a condition on the heads' rows, and a bitmap of the sort-time
    # index (about 65 ns a row it lists) is worth ANDing with the heads' only where it spares
    # more heap rows (about 2 us each) than it lists ('trí tuệ' at 1,000,000: a window of 57%
    # of the rows, 574,000 listed in 37 of the statement's 68 ms, sparing 5,000 rows)
    indexed = walk or rows < SPARED_ROW * planned * (1 - share)
    return [f"{'s.sort_at' if indexed else UNINDEXED_SORT} >= :{cutoff}"], walk


# newest rows in which a topic filter's topic is looked for first (``PostgresSearch.topic_exists``)
TOPIC_PROBE = 1_000


def postgres_adjacency(conn: Connection, ids: list[int], pairs: list[tuple[str, str]]) -> dict[int, int]:
    """For each article of ``ids``: how many of the word ``pairs`` its text has side by side, in order."""
    params: dict[str, Any] = {"ids": ids}
    parts = []
    for n, (first, second) in enumerate(pairs):
        params[f"p{n}"] = f" {first} {second} "
        parts.append(f"(strpos(s.words, :p{n}) > 0)::int")
    rows = conn.execute(text(f"SELECT s.article_id, {' + '.join(parts)} AS n FROM (SELECT s.article_id, "
                             f"{FLAT_WORDS if len(pairs) > 1 else 's.words'} "
                             "FROM article_search s WHERE s.article_id = ANY(:ids) OFFSET 0) s"), params).all()
    return {row.article_id: int(row.n) for row in rows}


# newest rows in which a word (``has``) or a whole query (``matches_any``) is looked for first
EXISTS_PROBE = 200


def _in_newest(conn: Connection, checks: list[str], params: dict[str, Any]) -> bool:
    """Whether one of the newest ``EXISTS_PROBE`` rows meets ``checks`` (on their words, read in
    time order until one does). A frequent word is there: its GIN bitmap, built whole before the
    first row is given, cost 13-21 ms for 'tao' or 'nhan' at 200,000 articles."""
    only_scans(conn, bitmap=False)
    sql = f"""SELECT 1 FROM (SELECT {FLAT_WORDS} FROM article_search s ORDER BY s.sort_at DESC, s.article_id DESC
                             LIMIT {EXISTS_PROBE}) s WHERE {" AND ".join(checks)} LIMIT 1"""
    return conn.execute(text(sql), params).first() is not None


def postgres_word_count(conn: Connection, value: str) -> int:
    """How many articles have ``value`` (a word or "word word"), at most 1: does it exist at all.
    The newest rows first, then the words-and-pairs index."""
    planner_settings(conn)
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    params: dict[str, Any] = {"q": lexeme(value)}
    if _in_newest(conn, [f"{strpos_sql(Term(tuple(value.split(' '))), params)} > 0"], params):
        return 1
    only_scans(conn, bitmap=True)
    row = conn.execute(text(f"SELECT 1 FROM article_search s WHERE {LEXEMES} @@ CAST(:q AS tsquery) LIMIT 1"),
                       params).first()
    return 0 if row is None else 1


def postgres_suggestions(conn: Connection, word: str, limit: int = 5) -> list[str]:
    """Title words most like ``word`` (pg_trgm similarity of at least 0.3), best first, for "did
    you mean": from ``search_vocabulary``, each folded title word once (migration 0014)."""
    conn.execute(text("SET LOCAL pg_trgm.similarity_threshold = 0.3"))
    rows = conn.execute(
        text("""SELECT word FROM search_vocabulary WHERE word % :word AND word <> :word
                ORDER BY similarity(word, :word) DESC, word LIMIT :limit"""),
        {"word": word, "limit": limit},
    ).scalars()
    return list(rows)


def postgres_matches_any(conn: Connection, parsed: ParsedQuery) -> bool:
    """Whether any article matches ``parsed``: the newest rows first, then the index."""
    planner_settings(conn)
    params: dict[str, Any] = {"lexemes": lexeme_query(parsed)}
    if _in_newest(conn, check_sql(parsed, params, all_terms=True), params):
        return True
    only_scans(conn, bitmap=True)
    where = " AND ".join([LISTED, *check_sql(parsed, params, all_terms=False)])
    return conn.execute(text(f"SELECT 1 FROM article_search s WHERE {where} LIMIT 1"), params).first() is not None


class PostgresSearch:
    """The PostgreSQL backend (``backend.SearchBackend``)."""

    candidates = staticmethod(postgres_candidates)
    adjacency = staticmethod(postgres_adjacency)
    matches_any = staticmethod(postgres_matches_any)
    suggestions = staticmethod(postgres_suggestions)

    @staticmethod
    def has(conn: Connection, lexeme: str) -> bool:
        return postgres_word_count(conn, lexeme) > 0

    @staticmethod
    def topic_exists(conn: Connection, topic: str) -> bool:
        # the newest TOPIC_PROBE rows first (a frequent topic is there: its GIN bitmap, built
        # whole before the first row, lists a third of the archive for 'ai', 63 ms at 1,000,000
        # articles); then the GIN index of article_search.topics (few rows for any other topic,
        # none for a topic nobody has; sequential scans are off, so LIMIT 1 does not help)
        params = {"t": topic, "probe": TOPIC_PROBE}
        newest = conn.execute(text("""SELECT 1 FROM (SELECT topics FROM article_search ORDER BY sort_at DESC, article_id DESC
                                      LIMIT :probe) s WHERE topics @> ARRAY[CAST(:t AS text)] LIMIT 1"""), params).first()
        if newest is not None:
            return True
        sql = "SELECT 1 FROM article_search WHERE topics @> ARRAY[CAST(:t AS text)] LIMIT 1"
        return conn.execute(text(sql), params).first() is not None
