"""SQLite: FTS5 (``unicode61 remove_diacritics 2``) over text whose đ/Đ is already d, ranked by bm25.

The query tree becomes an FTS5 expression in which every word and phrase is a double-quoted
string (so nothing the reader typed is read as FTS5 syntax) and the whole expression is a bound
parameter of MATCH. Work is bounded like on PostgreSQL: (1) the newest ``cap`` matches by the
(sort time) index, (2) bm25 over those only.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from sqlalchemy import Connection, text

from archive.search.filters import SearchFilters
from archive.search.postgres import aware, typed_dates
from archive.search.query import ParsedQuery, Term
from archive.search.results import Candidate

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
    if filters.since is not None:
        conditions.append("s.sort_at >= :since")
        params["since"] = filters.since
    if filters.until is not None:
        conditions.append("s.sort_at < :until")
        params["until"] = filters.until
    if filters.min_relevance is not None:
        conditions.append("a.relevance >= :min_relevance")
        params["min_relevance"] = filters.min_relevance
    return conditions


def sqlite_candidates(
    conn: Connection, parsed: ParsedQuery, filters: SearchFilters, source_ids: tuple[int, ...], cap: int
) -> list[Candidate]:
    """The newest ``cap`` articles matching ``parsed`` and ``filters``, each with its bm25 rank."""
    params: dict[str, Any] = {"match": match_expression(parsed), "cap": cap}
    conditions = [
        "s.article_id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH :match)",
        *_filter_sql(filters, source_ids, params),
    ]
    join = "JOIN articles a ON a.id = s.article_id" if len(conditions) > 1 and any("a." in c for c in conditions[1:]) else ""
    newest = conn.execute(
        text(f"""SELECT s.article_id, s.sort_at FROM article_search s {join}
                 WHERE {" AND ".join(conditions)}
                 ORDER BY s.sort_at DESC, s.article_id DESC LIMIT :cap""").bindparams(*typed_dates(params)),
        params,
    ).all()
    if not newest:
        return []
    ranks = dict(
        conn.execute(
            text(f"""SELECT rowid, {_BM25} FROM article_fts
                     WHERE article_fts MATCH :match AND rowid IN (SELECT value FROM json_each(:ids))"""),
            {"match": params["match"], "ids": json.dumps([row.article_id for row in newest])},
        ).all()
    )
    return [Candidate(row.article_id, -float(ranks.get(row.article_id, 0.0)), aware(row.sort_at)) for row in newest]


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
