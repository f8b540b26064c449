"""PostgreSQL: a weighted tsvector over folded text (GIN), ranked with ts_rank; pg_trgm suggests.

The query tree becomes a tsquery *expression* in SQL, built from ``plainto_tsquery`` and
``phraseto_tsquery`` of bound parameters joined with ``&&``, ``||`` and ``!!``; no user text is
ever parsed as tsquery syntax. The work is bounded: only the newest ``cap`` matches are ranked
(see ``postgres_candidates``).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, text

from archive.search.filters import SearchFilters
from archive.search.query import TOKEN_CLASS, ParsedQuery, Term
from archive.search.results import Candidate
from archive.types import UTCDateTime

__all__ = ["aware", "filter_sql", "postgres_candidates", "postgres_suggestion", "time_and_relevance_sql", "tsquery_sql", "typed_dates"]

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
    if filters.sources:
        conditions.append("s.source_id = ANY(:source_ids)")
        params["source_ids"] = list(source_ids)
    if filters.topics:
        conditions.append("s.topics && CAST(:topics AS text[])")
        params["topics"] = list(filters.topics)
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


def postgres_candidates(
    conn: Connection, parsed: ParsedQuery, filters: SearchFilters, source_ids: tuple[int, ...], cap: int
) -> list[Candidate]:
    """The newest ``cap`` articles matching ``parsed`` and ``filters``, each with its text rank.

    (1) The GIN index finds the matches of the query, phrases looked up as their word pairs and
    exclusions applied, exactly in the index, so no tsvector is read. (2) When the planner expects
    many matches, a recency window comes first: only rows newer than the one ``2 * cap / share``
    rows back are bitmap-AND-ed with the matches, which leaves about ``2 * cap`` rows to sort
    instead of a third of the archive; if the window holds fewer than ``cap``, the whole index
    is used. (3) Phrases of three words or more are checked word by word on the newest rows
    only. (4) ``ts_rank`` over title and lead (``head``) ranks the survivors; a match in the body
    alone ranks below any title or lead match.
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
    conn.execute(text("SET LOCAL enable_seqscan = off"))

    def ranked(conditions: list[str]) -> list[Candidate]:
        newest = f"""SELECT s.article_id, s.sort_at, s.head, s.document FROM article_search s
                     WHERE {" AND ".join([f"s.document @@ {loose}", *conditions])}
                     ORDER BY s.sort_at + interval '0 s' DESC, s.article_id DESC LIMIT {":wide" if exact else ":cap"}"""
        if exact:
            newest = f"SELECT w.* FROM ({newest}) w WHERE w.document @@ {exact} LIMIT :cap"
        sql = text(f"SELECT c.article_id, c.sort_at, {rank} AS text_rank FROM ({newest}) c")
        rows = conn.execute(sql.bindparams(*typed_dates(params)), params).all()
        return [Candidate(row.article_id, float(row.text_rank), aware(row.sort_at)) for row in rows]

    cutoff = _window_start(conn, clauses, extra, params, 2 * (cap * 4 if exact else cap))
    conn.execute(text("SET LOCAL enable_indexscan = off"))  # bitmap scans only: no row-by-row vector reads
    if cutoff is not None:
        params["cutoff"] = cutoff
        found = ranked([*extra, "s.sort_at >= :cutoff"])
        if len(found) >= cap:
            return found
    return ranked(extra)


def _window_start(
    conn: Connection, clauses: list[str], extra: list[str], params: dict[str, Any], wanted: int
) -> datetime | None:
    """The sort time of the row ``wanted / share`` rows back, where ``share`` is the planner's
    estimate of the rarest clause's share of the archive; None when the window would not be
    smaller than half of the archive."""
    total = max(float(conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'article_search'::regclass"))
                      .scalar_one()), 1.0)
    share = 1.0
    for clause in clauses:
        where = " AND ".join([f"s.document @@ {clause}", *extra])
        sql = text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM article_search s WHERE {where}")
        plan = conn.execute(sql.bindparams(*typed_dates(params)), params).scalar_one()
        plan = json.loads(plan) if isinstance(plan, str) else plan
        share = min(share, float(plan[0]["Plan"]["Plan Rows"]) / total)
    window = int(wanted / max(share, 1e-9))
    if window >= total / 2:
        return None
    before = "WHERE s.sort_at < :until" if "until" in params else ""
    sql = text(f"SELECT s.sort_at FROM article_search s {before} ORDER BY s.sort_at DESC OFFSET :window LIMIT 1")
    values = {"window": window, **({"until": params["until"]} if before else {})}
    return conn.execute(sql.bindparams(*typed_dates(values)), values).scalar()


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
