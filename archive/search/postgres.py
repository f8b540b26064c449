"""PostgreSQL: a weighted tsvector over folded text (GIN), ranked with ts_rank; pg_trgm suggests.

The query tree becomes a tsquery *expression* in SQL, built from ``plainto_tsquery`` and
``phraseto_tsquery`` of bound parameters joined with ``&&``, ``||`` and ``!!``; no user text is
ever parsed as tsquery syntax. The work is bounded: only the newest ``cap`` matches are ranked
(see ``postgres_candidates``).
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, text

from bantin.archive.search.filters import SearchFilters
from bantin.archive.search.query import TOKEN_CLASS, ParsedQuery, Term
from bantin.archive.search.results import Candidate
from bantin.archive.types import UTCDateTime

__all__ = [
    "aware",
    "filter_sql",
    "postgres_candidates",
    "postgres_suggestion",
    "time_and_relevance_sql",
    "tsquery_sql",
    "typed_dates",
]

TOKEN = re.compile(f"[{TOKEN_CLASS}]+")
# ts_rank weights for D, C, B, A: body 0.2, lead 0.5, title 1.0.
_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"


def _term_sql(term: Term, params: dict[str, Any]) -> str:
    name = f"t{len(params)}"
    params[name] = " ".join(term.words)
    function = "phraseto_tsquery" if term.is_phrase else "plainto_tsquery"
    return f"{function}('pg_catalog.simple', :{name})"


def tsquery_sql(parsed: ParsedQuery, params: dict[str, Any]) -> str:
    """A SQL expression of type tsquery for ``parsed``; its values are added to ``params``."""
    clauses = []
    for clause in parsed.required:
        alternatives = [_term_sql(term, params) for term in clause.alternatives]
        clauses.append(alternatives[0] if len(alternatives) == 1 else "(" + " || ".join(alternatives) + ")")
    expression = " && ".join(clauses)
    for term in parsed.excluded:
        expression += f" && !!{_term_sql(term, params)}"
    return f"({expression})"


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


def time_and_relevance_sql(filters: SearchFilters, params: dict[str, Any], relevance_of: str = "a") -> list[str]:
    """The conditions both backends write alike: time window and minimum relevance."""
    conditions = []
    for name, operator in (("since", ">="), ("until", "<")):
        if getattr(filters, name) is not None:
            conditions.append(f"s.sort_at {operator} :{name}")
            params[name] = getattr(filters, name)
    if filters.min_relevance is not None:
        conditions.append(f"{relevance_of}.relevance >= :min_relevance")
        params["min_relevance"] = filters.min_relevance
    return conditions


def _pairs_sql(words: tuple[str, ...], params: dict[str, Any]) -> str:
    """All adjacent word pairs of a phrase, as the pair lexemes migration 0002 indexes ('tri tue').

    The tsquery text is built here from folded tokens, which hold letters and digits only, each
    pair in single quotes: nothing the reader typed can become tsquery syntax.
    """
    parts = []
    for first, second in dict.fromkeys(pairwise(words)):
        if not (TOKEN.fullmatch(first) and TOKEN.fullmatch(second)):
            raise ValueError(f"not a search token: {first!r} {second!r}")
        name = f"t{len(params)}"
        params[name] = f"'{first} {second}'"
        parts.append(f"CAST(:{name} AS tsquery)")
    return parts[0] if len(parts) == 1 else "(" + " && ".join(parts) + ")"


def _loose_clauses(parsed: ParsedQuery, params: dict[str, Any]) -> list[str]:
    """Each required clause with each phrase as all its word pairs: exact in the GIN index."""
    clauses = []
    for clause in parsed.required:
        alternatives = [_pairs_sql(term.words, params) if term.is_phrase else _term_sql(term, params)
                        for term in clause.alternatives]
        clauses.append(alternatives[0] if len(alternatives) == 1 else "(" + " || ".join(alternatives) + ")")
    return clauses


def _words_sql(words: tuple[str, ...], operator: str, params: dict[str, Any]) -> str:
    parts = [_term_sql(Term((word,)), params) for word in dict.fromkeys(words)]
    return parts[0] if len(parts) == 1 else "(" + f" {operator} ".join(parts) + ")"


# Above this share of the filtered archive, walking the newest rows in time order (the sort-time
# index, checking each row's tsvector) finds ``cap`` matches sooner than building the GIN bitmap
# of a term found in, say, a third of all articles; below it, the GIN bitmap is cheaper.
DENSE_SHARE = 0.3


def postgres_candidates(
    conn: Connection, parsed: ParsedQuery, filters: SearchFilters, source_ids: tuple[int, ...], cap: int
) -> list[Candidate]:
    """The newest ``cap`` articles matching ``parsed`` and ``filters``, each with its text rank.

    Phrases are looked up as their word pairs (exact in the GIN index); phrases of three words
    or more are then checked word by word. The planner's estimates say which share of the
    filtered rows match, and so which way is cheaper:

    * a frequent query (at least ``DENSE_SHARE``) walks the newest rows in time order and stops
      at the ``cap``-th match;
    * a rarer one bitmap-ANDs its GIN matches with the filters.

    Either way it first looks only in a recency window expected to hold a few times what it
    needs (cut from the sort-time histogram, see ``_window_start``), then, while the window holds
    too few, in one eight times as large, and at last in everything the filters allow.
    ``ts_rank`` over title and lead (``head``) ranks the survivors; a match in the body alone
    ranks below any title or lead match. The caller's transaction has sequential scans off.
    """
    params: dict[str, Any] = {"cap": cap, "wide": cap * 4}
    exact_needed = any(len(t.words) > 2 for t in (*parsed.positive_terms, *parsed.excluded))
    clauses = _loose_clauses(parsed, params)
    exclusions = [f"!!{_pairs_sql(t.words, params) if t.is_phrase else _term_sql(t, params)}"
                  for t in parsed.excluded if len(t.words) <= 2]
    loose = "(" + " && ".join(clauses + exclusions) + ")"
    extra = filter_sql(filters, source_ids, params)
    exact = tsquery_sql(parsed, params) if exact_needed else ""
    words = tuple(word for term in parsed.positive_terms for word in term.words)
    rank = f"ts_rank('{_WEIGHTS}', c.head, {_words_sql(words, '||', params)}, 1) + 0.01"
    conn.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    total = _estimated_rows(conn, [], {})
    scope = _estimated_rows(conn, extra, params) if extra else total
    share = _text_share(conn, parsed, total)
    ordered = share >= DENSE_SHARE

    def ranked(conditions: list[str], in_order: bool) -> list[Candidate]:
        # the cheap filters first: a row's tsvector is read only when they let the row through
        where = " AND ".join([*conditions, f"s.document @@ {loose}"])
        if in_order:  # the sort-time index in order; each row's vector read until ``cap`` match
            if exact:
                where += f" AND s.document @@ {exact}"
            newest = f"""SELECT s.article_id, s.sort_at, s.head FROM article_search s WHERE {where}
                         ORDER BY s.sort_at DESC, s.article_id DESC LIMIT :cap"""
        else:  # bitmaps only: matches found in the index, heap rows read only for the filters
            newest = f"""SELECT s.article_id, s.sort_at, s.head, s.document FROM article_search s WHERE {where}
                         ORDER BY s.sort_at + interval '0 s' DESC, s.article_id DESC LIMIT {":wide" if exact else ":cap"}"""
            if exact:
                newest = f"SELECT w.* FROM ({newest}) w WHERE w.document @@ {exact} LIMIT :cap"
        conn.execute(text(f"SET LOCAL {'enable_bitmapscan' if in_order else 'enable_indexscan'} = off"))
        conn.execute(text(f"SET LOCAL {'enable_indexscan' if in_order else 'enable_bitmapscan'} = on"))
        sql = text(f"SELECT c.article_id, c.sort_at, {rank} AS text_rank FROM ({newest}) c")
        rows = conn.execute(sql.bindparams(*typed_dates(params)), params).all()
        return [Candidate(row.article_id, float(row.text_rank), aware(row.sort_at)) for row in rows]

    # a window expected to hold a few times what is needed; 8 times as large while it holds too few
    fraction = (3 * cap if ordered else 4 * (params["wide"] if exact else cap)) / (share * scope)
    bounds = _time_bounds(conn, filters) if fraction < WHOLE_RANGE else []
    while (cutoff := _window_start(bounds, fraction)) is not None:
        params["cutoff"] = cutoff
        found = ranked([*extra, "s.sort_at >= :cutoff"], ordered)
        if len(found) >= cap:
            return found
        fraction, ordered = fraction * 8, False
    # everything the filters allow: in time order when the query is frequent (the scope is then
    # small, or there would have been a window), else by bitmap, which reads matches only
    return ranked(extra, ordered)


def _text_share(conn: Connection, parsed: ParsedQuery, total: float) -> float:
    """The share of all ``total`` articles expected to match ``parsed``, from the planner's
    estimate for each word and word pair alone.

    The planner multiplies the shares of words it ANDs; news words are far from independent ("trí
    tuệ nhân tạo" is four words found together), so a word pair of a phrase counts as the phrase
    and several words count as the geometric mean of their product and their rarest one.
    """
    known: dict[str, float] = {}

    def lexeme(value: str, phrase: bool) -> float:
        if value not in known:
            params: dict[str, Any] = {}
            sql = _pairs_sql(tuple(value.split()), params) if phrase else _term_sql(Term((value,)), params)
            known[value] = min(1.0, _estimated_rows(conn, [f"s.document @@ {sql}"], params) / total)
        return known[value]

    def together(shares: list[float]) -> float:
        return math.sqrt(min(shares) * math.prod(shares)) if shares else 1.0

    clauses = []
    for clause in parsed.required:
        alternatives = []
        for term in clause.alternatives:
            if term.is_phrase and len(term.words) > 1:
                alternatives.append(min(lexeme(f"{a} {b}", True) for a, b in pairwise(term.words)))
            else:
                alternatives.append(together([lexeme(word, False) for word in dict.fromkeys(term.words)]))
        clauses.append(min(1.0, sum(alternatives)))
    return together(clauses)


def _estimated_rows(conn: Connection, conditions: list[str], params: dict[str, Any]) -> float:
    """The planner's estimate of the article_search rows meeting ``conditions`` (at least 1)."""
    where = " AND ".join(conditions) or "true"
    sql = text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM article_search s WHERE {where}")
    plan = conn.execute(sql.bindparams(*typed_dates(params)), params).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(float(plan[0]["Plan"]["Plan Rows"]), 1.0)


def _time_bounds(conn: Connection, filters: SearchFilters) -> list[datetime]:
    """The bounds of the planner's histogram of ``article_search.sort_at`` (equal numbers of rows
    between two bounds) inside the filters' time range, oldest first; none before the first
    ANALYZE. Rows added since the last ANALYZE are newer than its last bound."""
    bounds = conn.execute(text("""
        SELECT CAST(CAST(histogram_bounds AS text) AS timestamptz[]) FROM pg_stats
        WHERE tablename = 'article_search' AND attname = 'sort_at' AND schemaname = ANY(current_schemas(false))
        LIMIT 1""")).scalar()
    return [moment for moment in map(aware, bounds or ())
            if (filters.since is None or moment >= filters.since) and (filters.until is None or moment < filters.until)]


# A window of this share of the time range or more is no window: the whole range is searched.
WHOLE_RANGE = 0.5


def _window_start(bounds: list[datetime], fraction: float) -> datetime | None:
    """The histogram bound after which about ``fraction`` of the rows of ``bounds``' range lie
    (no rows are read); None when that is ``WHOLE_RANGE`` or more, or without bounds. Rows added
    since the last ANALYZE only make the window hold more rows than asked, never fewer.
    """
    if fraction >= WHOLE_RANGE:
        return None
    buckets = math.ceil(fraction * len(bounds)) + 1
    return bounds[-buckets] if buckets < len(bounds) * WHOLE_RANGE else None


def postgres_suggestion(conn: Connection, word: str) -> str | None:
    """The title word most like ``word`` (pg_trgm), for "did you mean"; None when nothing is close."""
    conn.execute(text("SET LOCAL pg_trgm.word_similarity_threshold = 0.4"))
    row = conn.execute(
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
            LIMIT 1"""),
        {"word": word},
    ).first()
    return row.word if row else None


def typed_dates(params: dict[str, Any]) -> list[BindParameter[Any]]:
    """Bind parameters that store the date filters the way the archive stores times."""
    return [bindparam(name, type_=UTCDateTime()) for name in ("since", "until") if name in params]


def aware(value: datetime | str) -> datetime:
    """A timestamp read back from either backend, as an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
