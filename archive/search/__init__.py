"""Search the archive without diacritics: one query language and one result shape on both backends.

``search(db, "tri tue nhan tao", SearchFilters(sources=("vnexpress",)))`` returns a
``SearchPage``; a query or filter that cannot be used raises ``BadQuery`` with a message meant
for the reader. Both backends implement one interface (``backend.SearchBackend``): PostgreSQL stores folded words
and indexes words and word pairs (``postgres.py``, migration 0005), SQLite uses FTS5
(``sqlite.py``, migration 0002); triggers keep both in sync with the articles.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Connection, text

from bantin.archive.engine import Database
from bantin.archive.entities import entity_terms
from bantin.archive.search.backend import SearchBackend
from bantin.archive.search.filters import MAX_PER_PAGE, SearchFilters, parse_day
from bantin.archive.search.highlight import Segment, mark, plain, snippet, to_html
from bantin.archive.search.postgres import PostgresSearch
from bantin.archive.search.query import Clause, ParsedQuery, Term, parse_query, tokens
from bantin.archive.search.results import ADJACENCY, CANDIDATES, Candidate, SearchHit, SearchPage, rank
from bantin.archive.search.sql import aware
from bantin.archive.search.sqlite import SqliteSearch
from bantin.errors import BadQuery

__all__ = [
    "ADJACENCY",
    "CANDIDATES",
    "MAX_PER_PAGE",
    "Clause",
    "ParsedQuery",
    "SearchFilters",
    "SearchBackend",
    "SearchHit",
    "SearchPage",
    "Segment",
    "Term",
    "backend_of",
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


def backend_of(conn: Connection) -> SearchBackend:
    """The search backend for ``conn``'s database."""
    return PostgresSearch() if conn.dialect.name == "postgresql" else SqliteSearch()


def _check_topics(conn: Connection, backend: SearchBackend, topics: tuple[str, ...]) -> None:
    for topic in topics:
        if not backend.topic_exists(conn, topic):
            raise BadQuery(f"unknown topic {topic[:60]!r}: no archived article has it")


def _neighbour_pairs(parsed: ParsedQuery) -> list[tuple[str, str]]:
    """Neighbouring unquoted words of the query ("tri tue nhan tao": tri-tue, tue-nhan, nhan-tao)."""
    single = [clause.alternatives[0].words[0] if len(clause.alternatives) == 1 and not clause.alternatives[0].is_phrase
              else None for clause in parsed.required]
    return [(a, b) for a, b in zip(single, single[1:], strict=False) if a is not None and b is not None]


ADJACENCY_BATCH = 200


def _ranked(
    conn: Connection, backend: SearchBackend, parsed: ParsedQuery, candidates: list[Candidate], now: datetime, need: int
) -> list[tuple[Candidate, float]]:
    """Candidates ranked, the first ``need`` exactly with the adjacency of unquoted words.

    The adjacency factor is at most ``1 + ADJACENCY``, so it is read (in batches, best score
    first) only until the ``need``-th best final score beats every unread score so multiplied.
    """
    base = rank(candidates, now)
    pairs = _neighbour_pairs(parsed)
    if not pairs or not base:
        return base
    shares: dict[int, float] = {}
    done = 0
    while done < len(base):
        batch = [cand.article_id for cand, _ in base[done : done + ADJACENCY_BATCH]]
        counts = backend.adjacency(conn, batch, pairs)
        shares.update({article_id: counts.get(article_id, 0) / len(pairs) for article_id in batch})
        done += len(batch)
        if done >= len(base):
            break
        finals = sorted((score * (1 + ADJACENCY * shares[cand.article_id]) for cand, score in base[:done]), reverse=True)
        if len(finals) >= need and finals[need - 1] >= base[done][1] * (1 + ADJACENCY):
            break
    return rank([cand for cand, _ in base[:done]], now, shares) + base[done:]


SUGGESTIONS = 5


def _suggestion(conn: Connection, backend: SearchBackend, parsed: ParsedQuery) -> str | None:
    """The query with each word that matches nothing replaced by an indexed word like it.

    Of the close words, those that stand next to a neighbouring word of the query somewhere in
    the archive come first ("nhan tau" -> "nhan tao", not "nhan tu"); the first combination
    whose corrected query finds articles is proposed, else none.
    """
    words = [word for term in parsed.positive_terms for word in term.words]
    options: list[list[str]] = []
    for n, word in enumerate(words):
        if backend.has(conn, word):
            options.append([word])
            continue
        close = backend.suggestions(conn, word, SUGGESTIONS)
        neighbours = [(words[n - 1], None)] if n else []
        neighbours += [(None, words[n + 1])] if n + 1 < len(words) else []

        def paired(candidate: str, neighbours: list = neighbours) -> int:
            return sum(backend.has(conn, f"{before} {candidate}" if before else f"{candidate} {after}")
                       for before, after in neighbours)

        options.append(sorted(close, key=lambda candidate: -paired(candidate)) or [word])
    if all(option == [word] for option, word in zip(options, words, strict=True)):
        return None
    first = [option[0] for option in options]
    tries = [first] + [first[:n] + [other] + first[n + 1 :]
                       for n, option in enumerate(options) for other in option[1:]]
    for choice in tries[: 2 * SUGGESTIONS]:
        corrected = " ".join(choice)
        if choice != words and backend.matches_any(conn, parse_query(corrected)):
            return corrected
    return None


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
    """One page of articles matching ``query`` and ``filters``, best first (text rank x recency
    x adjacency of unquoted words).

    Raises ``BadQuery`` for an unusable query, an unknown source or topic, or invalid filters.
    A page past the end is not an error: it comes back empty with a message.
    """
    filters = filters or SearchFilters()
    if isinstance(query, str):  # entity:KEY terms are the entity filter ("entity:nvidia chip")
        query, named = entity_terms(query)
        filters = replace(filters, entities=tuple(dict.fromkeys((*filters.entities, *named)))) if named else filters
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    now = now or datetime.now(UTC)
    need = filters.page * filters.per_page
    with db.engine.begin() as conn:
        backend = backend_of(conn)
        if db.backend == "postgresql":
            conn.execute(text("SET TRANSACTION READ ONLY"))
        source_ids = _source_ids(conn, filters.sources)
        if db.backend == "postgresql":  # indexes only from here: a topic nobody has, a frequent word
            conn.execute(text("SET LOCAL enable_seqscan = off"))
        _check_topics(conn, backend, filters.topics)
        keep = max(4 * need, 200) if _neighbour_pairs(parsed) else need
        found = backend.candidates(conn, parsed, filters, source_ids, max(CANDIDATES, need), keep, now)
        ranked = _ranked(conn, backend, parsed, found.candidates, now, need)
        start = (filters.page - 1) * filters.per_page
        hits = _hits(conn, ranked[start : start + filters.per_page], parsed)
        suggestion = _suggestion(conn, backend, parsed) if not ranked else None
    result = SearchPage(
        query=str(parsed), hits=hits, page=filters.page, per_page=filters.per_page,
        total=found.total, capped=found.estimated, suggestion=suggestion,
    )
    if ranked and not hits:
        message = f"page {filters.page} is past the end: there are {result.pages} pages of results"
        return SearchPage(**{**result.__dict__, "messages": (message,)})
    return result
