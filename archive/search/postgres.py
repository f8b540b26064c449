"""PostgreSQL: folded words stored once per article, words and word pairs in an expression GIN index.

``article_search.words`` holds the folded tokens of title, lead and body (`` tri tue | ... ``,
migration 0005); ``strpos(words, ' nhan tao ')`` checks a word or a phrase exactly. The GIN index
over ``bantin_search_lexemes(words)`` holds every word and every adjacent word pair without
positions, so a query of words and pairs (any phrase of two words) is answered by the index
alone; a longer phrase is looked up by its pairs and then checked with ``strpos``. Exclusions
are checked with ``strpos`` too. ``ts_rank`` over ``head`` (title A, lead B) ranks.

Every value the reader typed reaches the database as a bound parameter; the tsquery text is
built here from folded tokens, which hold letters and digits only, each lexeme in single quotes.
"""

from __future__ import annotations

import functools
import json
import math
import re
from datetime import datetime
from itertools import combinations, pairwise
from typing import Any

from sqlalchemy import Connection, text

from bantin.archive.search.filters import SearchFilters
from bantin.archive.search.query import TOKEN_CLASS, Clause, ParsedQuery, Term
from bantin.archive.search.results import Candidate, Found
from bantin.archive.search.sql import aware, score_sql, time_and_relevance_sql, typed_dates

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

TOKEN = re.compile(f"[{TOKEN_CLASS}]+")
# ts_rank weights for D, C, B, A: lead 0.5, title 1.0 (``head`` holds only title and lead).
_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"
LEXEMES = "bantin_search_lexemes(s.words)"
# The title's lexemes (``head``'s weight A), in a GIN index of their own (migration 0013): the
# index of ``head`` lists every head with a word, whatever its weight, each rechecked on its row.
# (On a row, a weighted query of ``head`` is cheaper: ts_filter builds a new tsvector.)
TITLE = "ts_filter(s.head, '{a}')"
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
# A query that is one quoted phrase is read as a frequent one (its newest matches and its title and
# lead matches) when more than this many are expected: they rank as all of them would. Below it,
# ranking every match is cheaper (200,000 articles: '"vu voi"', 4,257 matches, 30 ms all ranked,
# 49 ms the newest and the head matches; '"cong nghe"', 6,416: 46 against 51)
PHRASE_ALL = 10_000


def _lexeme(value: str) -> str:
    if not all(TOKEN.fullmatch(part) for part in value.split(" ")):
        raise ValueError(f"not a search token: {value!r}")
    return f"'{value}'"


def _term_lexemes(term: Term, field: str = "") -> str:
    """A word, or a phrase as all its adjacent pairs (exact for two words, a superset for more),
    for the words-and-pairs index; for a tsvector with positions (``field="head"``: ``head`` or
    its title, ``TITLE``) a phrase is one ``<->`` chain, and ``"title"`` asks ``head`` for the
    title's lexemes (weight A) only."""
    weight = ":A" if field == "title" else ""
    if not term.is_phrase:
        return _lexeme(term.words[0]) + weight
    if field:
        return "(" + " <-> ".join(_lexeme(word) + weight for word in term.words) + ")"
    pairs = [f"{a} {b}" for a, b in dict.fromkeys(pairwise(term.words))]
    return "(" + " & ".join(_lexeme(pair) for pair in pairs) + ")"


def _clause_lexemes(clause: Clause, field: str = "") -> str:
    return "(" + " | ".join(_term_lexemes(term, field) for term in clause.alternatives) + ")"


def lexeme_query(parsed: ParsedQuery, field: str = "") -> str:
    """The tsquery text of ``parsed``'s required clauses (exclusions are checked separately)."""
    return " & ".join(_clause_lexemes(clause, field) for clause in parsed.required)


def rank_sql(parsed: ParsedQuery, params: dict[str, Any], head: str) -> str:
    """The SQL text rank of a match by its title and lead (``head``): ``ts_rank`` of any of the
    query's words, plus for each quoted phrase its ``ts_rank`` where the head holds the phrase
    itself (``@@`` checks the positions), so that a phrase's syllables scattered over a title do
    not rank an article as the phrase would. Without words or phrases in the head: 0."""
    parts = []
    words = dict.fromkeys(term.words[0] for term in parsed.positive_terms if not term.is_phrase)
    if words:
        params["rank_words"] = " | ".join(_lexeme(word) for word in words)
        parts.append(f"ts_rank('{_WEIGHTS}', {head}, CAST(:rank_words AS tsquery), 1)")
    phrases = dict.fromkeys(term.words for term in parsed.positive_terms if term.is_phrase)
    for n, phrase in enumerate(phrases):
        params[f"rank_phrase{n}"] = " <-> ".join(_lexeme(word) for word in phrase)
        query = f"CAST(:rank_phrase{n} AS tsquery)"
        parts.append(f"CASE WHEN {head} @@ {query} THEN ts_rank('{_WEIGHTS}', {head}, {query}, 1) ELSE 0 END")
    return " + ".join(parts) or "0"


def _pattern(term: Term, params: dict[str, Any]) -> str:
    name = f"w{len(params)}"
    params[name] = " " + " ".join(term.words) + " "
    return f"strpos(s.words, :{name})"


# ``words`` read once per row: each strpos of a stored (compressed, often out-of-line) value
# decompresses it again, so a query of four words would read a row's words four times. In a
# subquery that the planner keeps (OFFSET 0), rows are flattened one at a time as they are pulled.
FLAT_WORDS = "s.words || '' AS words"


def check_sql(parsed: ParsedQuery, params: dict[str, Any], *, all_terms: bool) -> list[str]:
    """Exact row conditions on ``s.words``: every clause (``all_terms``) or only what the index
    cannot decide (phrases of three words or more), and the exclusions."""
    conditions = []
    for clause in parsed.required:
        if all_terms or any(len(term.words) > 2 for term in clause.alternatives):
            conditions.append("(" + " OR ".join(f"{_pattern(term, params)} > 0" for term in clause.alternatives) + ")")
    conditions += [f"{_pattern(term, params)} = 0" for term in parsed.excluded]
    return conditions


def filter_sql(filters: SearchFilters, source_ids: tuple[int, ...], params: dict[str, Any]) -> list[str]:
    """WHERE conditions on ``s`` (article_search, which carries source, relevance and topics)."""
    conditions = []
    if len(source_ids) == 1:  # equality: the (source, time) index then serves rows in time order
        conditions.append("s.source_id = :source_id")
        params["source_id"] = source_ids[0]
    elif filters.sources:
        conditions.append("s.source_id = ANY(:source_ids)")
        params["source_ids"] = list(source_ids)
    if filters.topics:
        conditions.append("s.topics && CAST(:topics AS text[])")
        params["topics"] = list(filters.topics)
    if filters.entities:
        conditions.append("EXISTS (SELECT 1 FROM article_entities e WHERE e.article_id = s.article_id "
                          "AND e.entity_key = ANY(:entities))")
        params["entities"] = list(filters.entities)
    return conditions + time_and_relevance_sql(filters, params, "s")


# Above this share of the filtered archive, walking the newest rows in time order (the sort-time
# index, checking each row's words) finds ``cap`` matches sooner than a GIN bitmap of a term found
# in, say, a third of all articles; below it, the GIN bitmap is cheaper.
DENSE_SHARE = 0.3


def _settings(conn: Connection) -> None:
    # custom plans (the estimates depend on the words); no JIT (the lexeme function's high cost
    # would trigger it, and parallel workers); a bitmap of a frequent word stays exact (no lossy
    # pages to recheck)
    # (one round trip: the statements carry no parameters)
    conn.exec_driver_sql("; ".join(f"SET LOCAL {setting}" for setting in (
        "plan_cache_mode = force_custom_plan", "jit = off", "work_mem = '64MB'", "max_parallel_workers_per_gather = 0")))


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
    _settings(conn)
    params: dict[str, Any] = {"cap": cap, "keep": keep, "now": now, "now_epoch": now.timestamp(),
                              "lexemes": lexeme_query(parsed)}
    extra = filter_sql(filters, source_ids, params)
    index = f"{LEXEMES} @@ CAST(:lexemes AS tsquery)"
    rank = f"{rank_sql(parsed, params, 'c.head')} + 0.01"
    total, scope, shares = _planner_view(conn, parsed, extra, params)
    params["scope"] = scope
    share = _text_share(parsed, shares)
    checked = any(len(term.words) > 2 for term in (*parsed.positive_terms, *parsed.excluded))
    bound = min(ALL_MATCHES, ALL_CHECKED) if checked else ALL_MATCHES
    if len(parsed.required) > 1 and _text_share(parsed, shares, lower=True) * scope <= bound < share * scope:
        # more matches expected than are ranked all, but not if the words go together no more
        # than by chance: the shares cannot say which ('kéo riêng' at 1,000,000: 7,915 matches,
        # 26,000 expected), so they are counted in the index (the required clauses; a longer
        # phrase by its pairs; one bitmap: 'kéo riêng' there 13.5 ms, its words in 90,000 rows each)
        counted = _index_counts(conn, [params["lexemes"]])
        share = min(1.0, counted[0] / total) if counted else share
    expected = share * scope
    bounds = functools.cache(lambda: _time_bounds(conn, filters))  # read once, when a window is cut

    def ranked(sql: str) -> tuple[list[Candidate], int]:
        """The best ``keep`` rows of ``sql`` and how many rows it gave."""
        score = score_sql("postgresql", "x.text_rank", "x.sort_at")
        query = f"""
            SELECT x.article_id, x.sort_at, x.text_rank, count(*) OVER () AS n
            FROM (SELECT c.article_id, c.sort_at, {rank} AS text_rank FROM ({sql}) c) x
            ORDER BY {score} DESC, x.sort_at DESC, x.article_id DESC LIMIT :keep"""
        rows = conn.execute(text(query).bindparams(*typed_dates(params, query)), params).all()
        found = [Candidate(row.article_id, float(row.text_rank), aware(row.sort_at)) for row in rows]
        return found, int(rows[0].n) if rows else 0

    def by_index(conditions: list[str], limit: str) -> str:
        where = " AND ".join([*conditions, index, *check_sql(parsed, params, all_terms=False)])
        return f"SELECT s.article_id, s.sort_at, s.head FROM article_search s WHERE {where} {limit}"

    if parsed.single_phrase and min(bound, PHRASE_ALL) < expected:
        # one quoted phrase ranks by the head alone (``rank_sql``): a match without the phrase in
        # its title or lead scores by its recency only, so the newest matches and the head
        # matches are all that can reach a page; ranking every match would cost a heap read each
        newest, matches, _ = _newest(conn, parsed, bounds, extra, params, expected, ranked, by_index)
        if matches < params["cap"]:  # all of them
            return Found(newest, matches, estimated=False)
        seen = {cand.article_id for cand in newest}
        heads = _title_matches(conn, parsed, bounds, extra, params, ranked, field="head")
        return Found(newest + [cand for cand in heads if cand.article_id not in seen], max(round(expected), matches),
                     estimated=True)
    if expected <= bound:
        params["all"] = bound + 1
        _only(conn, bitmap=True)
        found, matches = ranked(by_index(extra, "LIMIT :all"))
        if matches <= bound:
            return Found(found, matches, estimated=False)
        # more than the planner expected: its words go together more than it thinks, so the
        # rarest clause alone (an upper bound) estimates better
        expected = max(_text_share(parsed, shares, upper=True) * scope, bound + 1)
    newest, matches, probed = _newest(conn, parsed, bounds, extra, params, share * scope, ranked, by_index)
    if probed is not None:  # the newest rows' share of matches beats the planner's guess of it
        expected = max(expected, probed * scope)
    seen = {cand.article_id for cand in newest}
    # (one phrase ranks by the head: its lead matches outrank every match without it in the head)
    field = "head" if parsed.single_phrase else "title"
    titles = [cand for cand in _title_matches(conn, parsed, bounds, extra, params, ranked, field=field)
              if cand.article_id not in seen]
    return Found(newest + titles, max(round(expected), matches), estimated=True)


def _only(conn: Connection, *, bitmap: bool) -> None:
    """Bitmaps only (matches found in the index) or index scans only (rows in time order)."""
    conn.exec_driver_sql(f"SET LOCAL enable_bitmapscan = {'on' if bitmap else 'off'}; "
                         f"SET LOCAL enable_indexscan = {'off' if bitmap else 'on'}")


def _newest(conn, parsed, bounds, extra, params, expected, ranked, by_index  # noqa: ANN001
            ) -> tuple[list[Candidate], int, float | None]:
    """The newest ``cap`` matches: first in a recency window expected to hold a few times that
    many (cut from the sort-time histogram), then in one eight times as large, then everywhere;
    and, when the newest rows were probed for it, the share of them that match."""
    cap = params["cap"]
    ordered, probed = expected >= DENSE_SHARE * params["scope"], None
    if not ordered and len(parsed.required) > 1:  # the planner thinks the words independent: look
        probed = _newest_share(conn, parsed, extra, params)
        ordered = probed >= DENSE_SHARE

    def fetch(conditions: list[str], in_order: bool) -> tuple[list[Candidate], int]:
        _only(conn, bitmap=not in_order)
        if in_order:  # the sort-time index in order, each row's words checked until ``cap`` match
            where = " AND ".join(conditions) or "true"
            checks = " AND ".join(check_sql(parsed, params, all_terms=True))
            sql = f"""SELECT s.article_id, s.sort_at, s.head FROM (
                          SELECT s.article_id, s.sort_at, s.head, {FLAT_WORDS} FROM article_search s WHERE {where}
                          ORDER BY s.sort_at DESC, s.article_id DESC OFFSET 0) s
                      WHERE {checks} LIMIT :cap"""
        else:
            sql = by_index(conditions, "ORDER BY s.sort_at + interval '0 s' DESC, s.article_id DESC LIMIT :cap")
        return ranked(sql)

    fraction = 3 * cap / max(expected, 1.0)
    while fraction < WHOLE_RANGE and (cutoff := _window_start(bounds(), fraction)) is not None:
        params["cutoff"] = cutoff
        found = fetch([*extra, "s.sort_at >= :cutoff"], ordered)
        if found[1] >= cap:
            return *found, probed
        fraction, ordered = fraction * 8, False
    return *fetch(extra, ordered), probed


# rows read to learn the share of the newest rows that match
PROBE = 200


def _newest_share(conn: Connection, parsed: ParsedQuery, extra: list[str], params: dict[str, Any]) -> float:
    """The share of the newest ``PROBE`` rows (with the filters) that match ``parsed``: a news
    query's words go together far more than the planner's estimate (the words' shares
    multiplied) says ("tri tue nhan tao": a third of the articles, estimated a tenth), and
    reading rows in time order is the cheaper way when a third or more match."""
    checks = " AND ".join(check_sql(parsed, params, all_terms=True))
    return _probe(conn, checks, FLAT_WORDS, extra, params, PROBE)


# newest rows read to learn the share of title (or head) matches among them
HEAD_PROBE = 1_000


def _newest_head_share(conn: Connection, title: str, extra: list[str], params: dict[str, Any]) -> float:
    """The share of the newest ``HEAD_PROBE`` rows (with the filters) whose head meets ``title``
    (their heads are read: short, stored in the row)."""
    return _probe(conn, title, "s.head", extra, params, HEAD_PROBE)


def _probe(conn: Connection, condition: str, column: str, extra: list[str], params: dict[str, Any], rows: int) -> float:
    """The share of the newest ``rows`` rows meeting the filters ``extra`` that meet
    ``condition`` (on ``column``, read in time order)."""
    _only(conn, bitmap=False)
    where = " AND ".join(extra) or "true"
    sql = f"""SELECT count(*) FILTER (WHERE {condition}) AS hits, count(*) AS n FROM (
                  SELECT {column} FROM article_search s WHERE {where}
                  ORDER BY s.sort_at DESC, s.article_id DESC LIMIT {rows}) s"""
    row = conn.execute(text(sql).bindparams(*typed_dates(params, sql)), params).one()
    return row.hits / max(1, row.n)


def _title_matches(conn, parsed, bounds, extra, params, ranked, field: str = "title") -> list[Candidate]:  # noqa: ANN001
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
    params["title_cap"] = TITLE_MATCHES
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
        params["titles"] = " & ".join(_lexeme(word) for word in dict.fromkeys(words))
        params["head_phrase"] = lexeme_query(parsed, "head")
        index = f" AND {LEXEMES} @@ CAST(:lexemes AS tsquery)"
        checks = ["s.head @@ CAST(:head_phrase AS tsquery)", *check_sql(parsed, params, all_terms=True)]
    elif len(parsed.required) == 1:  # the row checks: the exclusions
        params["titles"], params["titles_a"] = lexeme_query(parsed, "head"), lexeme_query(parsed, "title")
        heads = [in_title]
        checks = [f"{_pattern(term, params)} = 0" for term in parsed.excluded]
    else:  # the row checks: all terms (the head holds one or two of the clauses)
        clauses = [_clause_lexemes(clause, "head") for clause in parsed.required]
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
            params["alone_a"] = " | ".join([*(_clause_lexemes(clause, "title") for clause in parsed.required), *pairs])
            # (a row of the first tier is read there only; that is a row check, so weighted: no
            # ts_filter a row)
            heads = [in_title,
                     (f"({TITLE} @@ CAST(:alone AS tsquery) OR s.head @@ CAST(:both AS tsquery)) AND NOT {in_title[1]}",
                      f"s.head @@ CAST(:alone_a AS tsquery) AND NOT {in_title[1]}")]
        checks = check_sql(parsed, params, all_terms=True)
    rows = "SELECT s.article_id, s.sort_at, s.head, s.words FROM article_search s WHERE "
    parts = []
    for n, (listed, head) in enumerate(heads):
        listed += index
        window, walk = _title_window(conn, bounds, extra, params, listed, head, f"title_cutoff{n}", field == "title")
        if n == 0 and window and field == "title" and len(parsed.required) > 1:
            # the matches with every clause in the title have the highest text ranks, twice those
            # with two clauses in the head, so an old one outranks fresh ones: they are all
            # scored, whatever their age, when they are few
            params["all_titles"] = lexeme_query(parsed, "head")
            every = f"{TITLE} @@ CAST(:all_titles AS tsquery)"
            if _estimated_rows(conn, [[*extra, every]], params)[0] <= EVERY_IN_TITLE:
                parts.append(rows + " AND ".join([*extra, every, "s.sort_at < :title_cutoff0"]))
        if walk:  # (OFFSET 0: the head's condition stays out of the window's scan)
            parts.append(f"SELECT * FROM ({rows}{' AND '.join([*extra, *window])} OFFSET 0) s WHERE {head}")
        else:
            parts.append(rows + " AND ".join([*extra, listed, *window]))
    _only(conn, bitmap=True)
    score = score_sql("postgresql", f"{rank_sql(parsed, params, 's.head')} + 0.01", "s.sort_at")
    outer = " AND ".join(checks) or "true"
    return ranked(f"""SELECT s.article_id, s.sort_at, s.head FROM (
                          SELECT s.article_id, s.sort_at, s.head, {FLAT_WORDS} FROM (
                              SELECT s.article_id, s.sort_at, s.head, s.words FROM ({" UNION ALL ".join(parts)}) s
                              ORDER BY {score} DESC, s.sort_at DESC, s.article_id DESC LIMIT :title_cap) s
                          OFFSET 0) s
                      WHERE {outer} LIMIT :keep""")[0]


def _title_window(conn: Connection, bounds, extra: list[str], params: dict[str, Any], listed: str, head: str,  # noqa: ANN001
                  cutoff: str, walkable: bool) -> tuple[list[str], bool]:
    """The recency window of the rows meeting ``listed`` (a condition of the GIN indexes; on a
    row, ``head`` says the same or, for one phrase, part of it) that holds about
    ``HEAD_RANKED`` of them (no condition when the planner expects no more; the moment is the
    parameter ``cutoff``), and whether to read it row by row (``walkable``: ``head`` is the
    whole question)."""
    estimated = planned = _estimated_rows(conn, [[*extra, listed]], params)[0]
    if estimated <= HEAD_RANKED:
        return [], False
    # the planner's view of the head index counts every head with the words, whatever their
    # weight ("va":A at 1,000,000: 766,771 estimated, 336,252 titles; the title index knows
    # better once analysed), so the window could hold too few: the newest rows' share says how
    # many lie in it (never under a quarter of the estimate)
    # (for one phrase, its words in the head: the pairs' index question is no row check)
    estimated = max(_newest_head_share(conn, head, extra, params) * params["scope"], estimated / 4)
    params[cutoff] = _window_start(bounds(), HEAD_RANKED / estimated, whole=1.0)
    if params[cutoff] is None:
        return [], False
    # a window holding far fewer rows than the index has heads with the words ("va" at
    # 200,000: 12,000 rows against 154,000 heads) is read row by row, each head checked: a
    # GIN bitmap costs per head it lists, whatever their age (26 against 10 ms there)
    return [f"s.sort_at >= :{cutoff}"], walkable and WALK_FACTOR * params["scope"] * HEAD_RANKED / estimated < planned


def _lexemes_of(parsed: ParsedQuery) -> list[str]:
    """The words and word pairs (of phrases) of ``parsed``'s required clauses, each once."""
    values = []
    for clause in parsed.required:
        for term in clause.alternatives:
            values += [f"{a} {b}" for a, b in pairwise(term.words)] if term.is_phrase else [term.words[0]]
    return list(dict.fromkeys(values))


# newest rows in which a topic filter's topic is looked for first (``PostgresSearch.topic_exists``)
TOPIC_PROBE = 1_000


# No article has this lexeme (a token of 200 characters or more is never indexed, migration 0005):
# the planner's estimate for it is the one it gives every lexeme it has no statistics of.
_UNKNOWN = "z" * 200


def _planner_view(conn: Connection, parsed: ParsedQuery, extra: list[str], params: dict[str, Any]
                  ) -> tuple[float, float, dict[str, float]]:
    """The planner's estimates, in one EXPLAIN: all rows, the rows meeting the filters ``extra``,
    and the share of all rows that holds each word and word pair of ``parsed``.

    The planner knows a lexeme's share only when it is among the most common elements of the
    index's statistics (about 1,000; at 200,000 articles, those in 5.7 % of them or more); every
    other one it estimates at one fixed share (half a percent), whether ten articles have it or
    ten thousand ("va trong": 10,814, "campuchia": 614, both estimated 1,010). For a query of one
    clause, where the estimate alone decides how its matches are read (all of them, or the newest
    in a window it sizes), those are counted in the index instead (``_index_counts``; a query of
    several clauses is probed in its newest rows, ``_newest``)."""
    values = _lexemes_of(parsed)
    asked = {**params, **{f"lexeme{n}": _lexeme(value) for n, value in enumerate([*values, _UNKNOWN])}}
    rows = _estimated_rows(conn, [[], extra, *([f"{LEXEMES} @@ CAST(:lexeme{n} AS tsquery)"] for n in range(len(values) + 1))],
                           asked)
    total, scope, unknown = rows[0], rows[1], rows[-1]
    found = dict(zip(values, rows[2:-1], strict=True))
    blind = [value for value, estimate in found.items() if estimate == unknown and len(parsed.required) == 1]
    found.update(zip(blind, _index_counts(conn, [_lexeme(value) for value in blind]) or [unknown] * len(blind),
                     strict=True))
    return total, scope, {value: min(1.0, count / total) for value, count in found.items()}


def _index_counts(conn: Connection, queries: list[str]) -> list[float] | None:
    """How many rows the words-and-pairs index lists for each of ``queries`` (tsquery texts; at
    least 1 each):
    the bitmap of each is built, no row is read (each bitmap's heap scan stops at its first
    row), in one EXPLAIN ANALYZE. A bitmap costs about 0.4 ms per 1,000 rows it lists. None
    (the planner's guesses stand) if the plan is not one bitmap scan of the index per query."""
    if not queries:
        return []
    params = {f"count{n}": query for n, query in enumerate(queries)}
    parts = [f"(SELECT 1 FROM article_search s WHERE {LEXEMES} @@ CAST(:count{n} AS tsquery) LIMIT 1)"
             for n in range(len(queries))]
    _only(conn, bitmap=True)
    plan = conn.execute(text("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF, FORMAT JSON) " + " UNION ALL ".join(parts)),
                        params).scalar_one()
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]

    def listed(node: dict[str, Any]) -> list[float]:
        if node["Node Type"] == "Bitmap Index Scan":
            return [float(node["Actual Rows"])]
        return [rows for child in node.get("Plans", ()) for rows in listed(child)]

    counts = listed(plan)
    return [max(count, 1.0) for count in counts] if len(counts) == len(queries) else None


def _text_share(parsed: ParsedQuery, shares: dict[str, float], *, upper: bool = False, lower: bool = False) -> float:
    """The share of all articles expected to match ``parsed``, from the planner's ``shares`` of
    each word and word pair alone (``_planner_view``).

    The planner multiplies the shares of words it ANDs; news words are far from independent ("trí
    tuệ nhân tạo" is four words found together), so a word pair of a phrase counts as the phrase
    and several words count as the geometric mean of their product and their rarest one (with
    ``upper``, the rarest one alone: an upper bound; with ``lower``, the product, as if they were
    independent).
    """

    def together(found: list[float]) -> float:
        if upper or not found:
            return min(found, default=1.0)
        return math.prod(found) if lower else math.sqrt(min(found) * math.prod(found))

    clauses = []
    for clause in parsed.required:
        alternatives = []
        for term in clause.alternatives:
            if term.is_phrase:
                alternatives.append(min(shares[f"{a} {b}"] for a, b in pairwise(term.words)))
            else:
                alternatives.append(shares[term.words[0]])
        clauses.append(min(1.0, sum(alternatives)))
    return together(clauses)


def _estimated_rows(conn: Connection, conditions: list[list[str]], params: dict[str, Any]) -> list[float]:
    """The planner's estimates of the article_search rows meeting each list of ``conditions``
    (at least 1 each), from one EXPLAIN of their UNION ALL (one child plan each, in order)."""
    parts = [f"SELECT 1 FROM article_search s WHERE {' AND '.join(where) or 'true'}" for where in conditions]
    sql = "EXPLAIN (FORMAT JSON) " + " UNION ALL ".join(parts)
    plan = conn.execute(text(sql).bindparams(*typed_dates(params, sql)), params).scalar_one()
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    nodes = plan["Plans"] if len(parts) > 1 else [plan]
    if len(nodes) != len(parts):
        raise RuntimeError(f"unexpected plan for {len(parts)} estimates: {plan['Node Type']}")
    return [max(float(node["Plan Rows"]), 1.0) for node in nodes]


def _time_bounds(conn: Connection, filters: SearchFilters) -> list[datetime]:
    """The bounds of the planner's histogram of ``article_search.sort_at`` (equal numbers of rows
    between two bounds) inside the filters' time range, oldest first; none before the first
    ANALYZE. Rows added since the last ANALYZE are newer than its last bound."""
    bounds = conn.execute(text("""
        SELECT CAST(CAST(histogram_bounds AS text) AS timestamptz[]) FROM pg_stats
        WHERE tablename = 'article_search' AND attname = 'sort_at' AND schemaname = ANY(current_schemas(false))
        LIMIT 1""")).scalar()
    since, until = filters.since, filters.until
    return [moment for moment in map(aware, bounds or ())
            if (since is None or moment >= since) and (until is None or moment < until)]


# A window of this share of the time range or more is no window: the whole range is searched.
WHOLE_RANGE = 0.5


def _window_start(bounds: list[datetime], fraction: float, whole: float = WHOLE_RANGE) -> datetime | None:
    """The moment after which about ``fraction`` of the rows of ``bounds``' range lie (no rows
    are read): whole histogram buckets back from the newest bound, and inside the bucket where
    it ends, rows taken as spread evenly in time (news arrives at a steady pace; each of the
    default 100 buckets holds a hundredth of the archive). None when that is ``whole`` or more
    of the range, or without bounds. Rows added since the last ANALYZE only make the window
    hold more rows than asked.
    """
    buckets = fraction * (len(bounds) - 1)
    if len(bounds) < 2 or fraction >= whole or buckets >= (len(bounds) - 1) * whole:
        return None
    full = int(buckets)
    newer, older = bounds[-1 - full], bounds[-2 - full]
    return newer - (newer - older) * (buckets - full)


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


def postgres_word_count(conn: Connection, lexeme: str) -> int:
    """How many articles have ``lexeme`` (a word or "word word"), at most 1: does it exist at all."""
    _settings(conn)
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    row = conn.execute(text(f"SELECT 1 FROM article_search s WHERE {LEXEMES} @@ CAST(:q AS tsquery) LIMIT 1"),
                       {"q": _lexeme(lexeme)}).first()
    return 0 if row is None else 1


def postgres_suggestions(conn: Connection, word: str, limit: int = 5) -> list[str]:
    """Title words most like ``word`` (pg_trgm), best first, for "did you mean"."""
    conn.execute(text("SET LOCAL pg_trgm.word_similarity_threshold = 0.4"))
    rows = conn.execute(
        text("""
            SELECT w.word, similarity(w.word, :word) AS sim
            FROM (
                SELECT DISTINCT regexp_split_to_table(bantin_search_words(a.title), ' ') AS word
                FROM (
                    SELECT title FROM articles
                    WHERE :word <% bantin_fold(title)
                    ORDER BY word_similarity(:word, bantin_fold(title)) DESC
                    LIMIT 50
                ) a
            ) w
            WHERE w.word <> '' AND w.word <> :word AND similarity(w.word, :word) >= 0.3
            ORDER BY sim DESC, w.word
            LIMIT :limit"""),
        {"word": word, "limit": limit},
    ).scalars()
    return list(rows)


def postgres_matches_any(conn: Connection, parsed: ParsedQuery) -> bool:
    _settings(conn)
    params: dict[str, Any] = {"lexemes": lexeme_query(parsed)}
    where = " AND ".join([f"{LEXEMES} @@ CAST(:lexemes AS tsquery)", *check_sql(parsed, params, all_terms=False)])
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
