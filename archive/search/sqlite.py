"""SQLite: FTS5 (``unicode61 remove_diacritics 2``) over text whose đ/Đ is already d, ranked by bm25.

The query tree becomes an FTS5 expression in which every word and phrase is a double-quoted
string (so nothing the reader typed is read as FTS5 syntax) and the whole expression is a bound
parameter of MATCH. Work is bounded like on PostgreSQL: only about ``cap`` of the newest matches
are read and ranked (see ``sqlite_candidates``).
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from sqlalchemy import Connection, text

from bantin.archive.search.filters import SearchFilters
from bantin.archive.search.postgres import aware, time_and_relevance_sql, typed_dates
from bantin.archive.search.query import ParsedQuery, Term
from bantin.archive.search.results import Candidate

__all__ = ["match_expression", "sqlite_candidates", "sqlite_suggestion", "sqlite_word_exists"]

# bm25 column weights: title, lead, body.
_BM25 = "bm25(article_fts, 10.0, 4.0, 1.0)"


def _quoted(term: Term) -> str:
    return '"' + " ".join(term.words).replace('"', '""') + '"'


def match_expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression for ``parsed``: quoted strings joined by AND, OR and NOT."""
    clauses = ["(" + " OR ".join(_quoted(t) for t in clause.alternatives) + ")" for clause in parsed.required]
    expression = "(" + " AND ".join(clauses) + ")"
    if parsed.excluded:
        expression += " NOT (" + " OR ".join(_quoted(t) for t in parsed.excluded) + ")"
    return expression


def _filter_sql(filters: SearchFilters, source_ids: tuple[int, ...], params: dict[str, Any]) -> list[str]:
    conditions = []
    if filters.sources:
        conditions.append("a.source_id IN (SELECT value FROM json_each(:source_ids))")
        params["source_ids"] = json.dumps(list(source_ids))
    if filters.topics:
        conditions.append(
            "EXISTS (SELECT 1 FROM json_each(a.topics) t WHERE t.value IN (SELECT value FROM json_each(:topics)))"
        )
        params["topics"] = json.dumps(list(filters.topics), ensure_ascii=False)
    if filters.entities:
        conditions.append("EXISTS (SELECT 1 FROM article_entities e WHERE e.article_id = s.article_id "
                          "AND e.entity_key IN (SELECT value FROM json_each(:entities)))")
        params["entities"] = json.dumps(list(filters.entities))
    return conditions + time_and_relevance_sql(filters, params)


def sqlite_candidates(
    conn: Connection, parsed: ParsedQuery, filters: SearchFilters, source_ids: tuple[int, ...], cap: int
) -> list[Candidate]:
    """The newest ``cap`` of the most recently stored matches of ``parsed``, each with its bm25 rank.

    FTS5 hands out matches in rowid order, newest rowid first, and computes bm25 only for the
    rows read; reading stops after ``2 * cap`` matches, which are then ordered by time. Articles
    are stored roughly in time order, so these are the newest matches unless many old articles
    were stored late (a backfill), in which case some of those rank lower than they should.
    """
    params: dict[str, Any] = {"match": match_expression(parsed), "wide": 2 * cap}
    conditions = ["article_fts MATCH :match", *_filter_sql(filters, source_ids, params)]
    join = "JOIN articles a ON a.id = s.article_id" if any("a." in c for c in conditions[1:]) else ""
    rows = conn.execute(
        text(f"""SELECT article_fts.rowid AS article_id, s.sort_at, {_BM25} AS bm25
                 FROM article_fts JOIN article_search s ON s.article_id = article_fts.rowid {join}
                 WHERE {" AND ".join(conditions)}
                 ORDER BY article_fts.rowid DESC LIMIT :wide""").bindparams(*typed_dates(params)),
        params,
    ).all()
    found = [Candidate(row.article_id, -float(row.bm25), aware(row.sort_at)) for row in rows]
    found.sort(key=lambda cand: (cand.sort_at, cand.article_id), reverse=True)
    return found[:cap]


def sqlite_word_exists(conn: Connection, word: str) -> bool:
    return conn.execute(text("SELECT 1 FROM article_fts_vocab WHERE term = :w"), {"w": word}).first() is not None


def sqlite_suggestion(conn: Connection, word: str) -> str | None:
    """The indexed word most like ``word`` (same first letter), for "did you mean"; None if none is close."""
    if not word:
        return None
    rows = conn.execute(
        text("SELECT term FROM article_fts_vocab WHERE term >= :lo AND term < :hi"),
        {"lo": word[0], "hi": chr(ord(word[0]) + 1)},
    ).scalars()
    close = difflib.get_close_matches(word, [t for t in rows if t != word], n=1, cutoff=0.7)
    return close[0] if close else None
