"""Search the archive without diacritics: one query language and one result shape on both backends.

``search(db, "tri tue nhan tao", SearchFilters(sources=("vnexpress",)))`` returns a
``SearchPage``; a query or filter that cannot be used raises ``BadQuery`` with a message meant
for the reader. PostgreSQL uses a weighted tsvector (``postgres.py``), SQLite FTS5 (``sqlite.py``);
both are created and kept in sync by migration 0002's triggers.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Connection, text

from bantin.archive.engine import Database
from bantin.archive.entities import entity_terms
from bantin.archive.search.filters import MAX_PER_PAGE, SearchFilters, parse_day
from bantin.archive.search.highlight import Segment, mark, plain, snippet, to_html
from bantin.archive.search.postgres import aware, postgres_candidates, postgres_suggestion
from bantin.archive.search.query import Clause, ParsedQuery, Term, parse_query, tokens
from bantin.archive.search.results import CANDIDATES, Candidate, SearchHit, SearchPage, rank
from bantin.archive.search.sqlite import (
    sqlite_candidates,
    sqlite_suggestion,
    sqlite_word_exists,
)
from bantin.errors import BadQuery

__all__ = [
    "CANDIDATES",
    "MAX_PER_PAGE",
    "Clause",
    "ParsedQuery",
    "SearchFilters",
    "SearchHit",
    "SearchPage",
    "Segment",
    "Term",
    "mark",
    "parse_day",
    "parse_query",
    "plain",
    "search",
    "snippet",
    "to_html",
    "tokens",
]


def _source_ids(conn: Connection, keys: tuple[str, ...]) -> tuple[int, ...]:
    if not keys:
        return ()
    rows = dict(conn.execute(text("SELECT key, id FROM sources")).all())
    unknown = [key for key in keys if key not in rows]
    if unknown:
        known = ", ".join(sorted(rows)[:12]) or "none yet"
        raise BadQuery(f"unknown source {unknown[0][:60]!r} (known: {known})")
    return tuple(rows[key] for key in keys)


def _check_topics(conn: Connection, topics: tuple[str, ...]) -> None:
    if conn.dialect.name == "postgresql":  # the GIN index of migration 0003, also for a topic nobody has
        sql = "SELECT 1 FROM article_search WHERE topics @> ARRAY[CAST(:t AS text)] LIMIT 1"
    else:
        sql = "SELECT 1 FROM articles, json_each(articles.topics) t WHERE t.value = :t LIMIT 1"
    for topic in topics:
        if conn.execute(text(sql), {"t": topic}).first() is None:
            raise BadQuery(f"unknown topic {topic[:60]!r}: no archived article has it")


def _word_exists(conn: Connection, word: str) -> bool:
    if conn.dialect.name == "postgresql":
        sql = "SELECT 1 FROM article_search WHERE document @@ plainto_tsquery('pg_catalog.simple', :w) LIMIT 1"
        return conn.execute(text(sql), {"w": word}).first() is not None
    return sqlite_word_exists(conn, word)


def _suggestion(conn: Connection, parsed: ParsedQuery) -> str | None:
    """The query with each word that matches nothing replaced by the closest indexed word."""
    suggest = postgres_suggestion if conn.dialect.name == "postgresql" else sqlite_suggestion
    changed = False
    words: list[str] = []
    for term in parsed.positive_terms:
        for word in term.words:
            better = None if _word_exists(conn, word) else suggest(conn, word)
            changed |= better is not None
            words.append(better or word)
    return " ".join(words) if changed else None


def _hits(conn: Connection, page: list[tuple[Candidate, float]], parsed: ParsedQuery) -> tuple[SearchHit, ...]:
    if not page:
        return ()
    ids = [cand.article_id for cand, _ in page]
    marks = ", ".join(f":i{n}" for n in range(len(ids)))
    rows = conn.execute(
        text(f"""SELECT a.id, a.title, a.url, a.lead, substr(a.body, 1, 20000) AS body, a.published_at,
                        a.relevance, a.topics, a.cluster_id, s.key, s.name
                 FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id IN ({marks})"""),
        {f"i{n}": value for n, value in enumerate(ids)},
    ).mappings()
    by_id = {row["id"]: row for row in rows}
    terms = parsed.positive_terms
    hits = []
    for cand, score in page:
        row = by_id.get(cand.article_id)
        if row is None:  # deleted between the two statements
            continue
        hits.append(SearchHit(
            article_id=row["id"], title=row["title"], url=row["url"], source_key=row["key"], source_name=row["name"],
            published_at=aware(row["published_at"]) if row["published_at"] is not None else None,
            sort_at=cand.sort_at, score=score, relevance=float(row["relevance"]),
            topics=tuple(str(t) for t in _json_list(row["topics"])), cluster_id=row["cluster_id"],
            title_marked=mark(row["title"], terms),
            snippet_marked=snippet(f"{row['lead']}\n{row['body']}".strip(), terms),
        ))
    return tuple(hits)


def _json_list(value: object) -> list:
    parsed = json.loads(value) if isinstance(value, str) and value else value
    return parsed if isinstance(parsed, list) else []


def search(
    db: Database,
    query: str | ParsedQuery,
    filters: SearchFilters | None = None,
    *,
    now: datetime | None = None,
) -> SearchPage:
    """One page of articles matching ``query`` and ``filters``, best first (text rank x recency).

    Raises ``BadQuery`` for an unusable query, an unknown source or topic, or invalid filters.
    A page past the end is not an error: it comes back empty with a message.
    """
    filters = filters or SearchFilters()
    if isinstance(query, str):  # entity:KEY terms are the entity filter ("entity:nvidia chip")
        query, named = entity_terms(query)
        filters = replace(filters, entities=tuple(dict.fromkeys((*filters.entities, *named)))) if named else filters
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    now = now or datetime.now(UTC)
    candidates_of = postgres_candidates if db.backend == "postgresql" else sqlite_candidates
    with db.engine.begin() as conn:
        if db.backend == "postgresql":
            conn.execute(text("SET TRANSACTION READ ONLY"))
        source_ids = _source_ids(conn, filters.sources)
        if db.backend == "postgresql":  # indexes only from here: a topic nobody has, a frequent word
            conn.execute(text("SET LOCAL enable_seqscan = off"))
        _check_topics(conn, filters.topics)
        ranked = rank(candidates_of(conn, parsed, filters, source_ids, CANDIDATES), now)
        start = (filters.page - 1) * filters.per_page
        hits = _hits(conn, ranked[start : start + filters.per_page], parsed)
        suggestion = _suggestion(conn, parsed) if not ranked else None
    result = SearchPage(
        query=str(parsed), hits=hits, page=filters.page, per_page=filters.per_page, total=len(ranked),
        capped=len(ranked) >= CANDIDATES, suggestion=suggestion,
    )
    if ranked and not hits:
        message = f"page {filters.page} is past the end: there are {result.pages} pages of results"
        return SearchPage(**{**result.__dict__, "messages": (message,)})
    return result
