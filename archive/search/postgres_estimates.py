"""PostgreSQL's estimates for a search, read before any row: how many rows match each word
and word pair (the planner's statistics, or counts in the words-and-pairs index where it has
none), the share of the archive a query is expected to match, and recency windows cut from the
sort-time histogram."""

from __future__ import annotations

import json
import math
from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, text

from bantin.archive.search.filters import SearchFilters
from bantin.archive.search.postgres_sql import LEXEMES, indexed_exclusions, lexeme, only_scans
from bantin.archive.search.query import ParsedQuery, Term
from bantin.archive.search.sql import aware, typed_dates

__all__ = [
    "WHOLE_RANGE",
    "estimated_rows",
    "index_counts",
    "planner_view",
    "text_share",
    "time_bounds",
    "window_start",
]

def _lexemes_of(terms: list[Term]) -> list[str]:
    """The words and word pairs (of phrases) of ``terms``, each once."""
    values = []
    for term in terms:
        values += [f"{a} {b}" for a, b in pairwise(term.words)] if term.is_phrase else [term.words[0]]
    return list(dict.fromkeys(values))


# No article has this lexeme (a token of 200 characters or more is never indexed, migration 0005):
# the planner's estimate for it is the one it gives every lexeme it has no statistics of.
_UNKNOWN = "z" * 200


def planner_view(conn: Connection, parsed: ParsedQuery, extra: list[str], params: dict[str, Any]
                 ) -> tuple[float, float, dict[str, float]]:
    """The planner's estimates, in one EXPLAIN: all rows, the rows meeting the filters ``extra``,
    and the share of all rows that holds each word and word pair of ``parsed``.

    The planner knows a lexeme's share only when it is among the most common elements of the
    index's statistics (about 1,000; at 200,000 articles, those in 5.7 % of them or more); every
    other one it estimates at one fixed share (half a percent), whether ten articles have it or
    ten thousand ("va trong": 10,814, "campuchia": 614, both estimated 1,010). For a query of one
    clause, where the estimate alone decides how its matches are read (all of them, or the newest
    in a window it sizes), those are counted in the index instead (``index_counts``; a query of
    several clauses is probed in its newest rows, ``_newest``)."""
    required = _lexemes_of([term for clause in parsed.required for term in clause.alternatives])
    values = list(dict.fromkeys([*required, *_lexemes_of(indexed_exclusions(parsed))]))
    asked = {**params, **{f"lexeme{n}": lexeme(value) for n, value in enumerate([*values, _UNKNOWN])}}
    rows = estimated_rows(conn, [[], extra, *([f"{LEXEMES} @@ CAST(:lexeme{n} AS tsquery)"] for n in range(len(values) + 1))],
                          asked)
    total, scope, unknown = rows[0], rows[1], rows[-1]
    found = dict(zip(values, rows[2:-1], strict=True))
    blind = [value for value in required if found[value] == unknown and len(parsed.required) == 1]
    found.update(zip(blind, index_counts(conn, [lexeme(value) for value in blind]) or [unknown] * len(blind), strict=True))
    return total, scope, {value: min(1.0, count / total) for value, count in found.items()}


def index_counts(conn: Connection, queries: list[str]) -> list[float] | None:
    """How many rows the words-and-pairs index lists for each of ``queries`` (tsquery texts; at
    least 1 each): the bitmap of each is built, no row is read (each bitmap's heap scan stops at
    its first row), in one EXPLAIN ANALYZE. A bitmap costs about 0.5 ms per 1,000 rows it lists
    (0.4-0.6 measured at 200,000 and 1,000,000 articles). None (the planner's guesses stand) if
    the plan is not one bitmap scan of the index per query."""
    if not queries:
        return []
    params = {f"count{n}": query for n, query in enumerate(queries)}
    parts = [f"(SELECT 1 FROM article_search s WHERE {LEXEMES} @@ CAST(:count{n} AS tsquery) LIMIT 1)"
             for n in range(len(queries))]
    only_scans(conn, bitmap=True)
    plan = _plan(conn, "ANALYZE, TIMING OFF, SUMMARY OFF", " UNION ALL ".join(parts), params)

    def listed(node: dict[str, Any]) -> list[float]:
        if node["Node Type"] == "Bitmap Index Scan":
            return [float(node["Actual Rows"])]
        return [rows for child in node.get("Plans", ()) for rows in listed(child)]

    counts = listed(plan)
    return [max(count, 1.0) for count in counts] if len(counts) == len(queries) else None


def text_share(parsed: ParsedQuery, shares: dict[str, float], *, upper: bool = False, lower: bool = False) -> float:
    """The share of all articles expected to match ``parsed``, from the planner's ``shares`` of
    each word and word pair alone (``planner_view``).

    The planner multiplies the shares of words it ANDs; news words are far from independent ("trí
    tuệ nhân tạo" is four words found together), so a word pair of a phrase counts as the phrase
    and several words count as the geometric mean of their product and their rarest one (with
    ``upper``, the rarest one alone: an upper bound; with ``lower``, the product, as if they were
    independent). Each exclusion the index decides leaves the share of rows without it (as if
    independent; not for ``upper``): "nguoi -va" is in few articles, "va" in nearly all.
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
    kept = 1.0 if upper else math.prod(1.0 - shares[value] for value in _lexemes_of(indexed_exclusions(parsed)))
    return together(clauses) * kept


def estimated_rows(conn: Connection, conditions: list[list[str]], params: dict[str, Any]) -> list[float]:
    """The planner's estimates of the article_search rows meeting each list of ``conditions``
    (at least 1 each), from one EXPLAIN of their UNION ALL (one child plan each, in order)."""
    parts = [f"SELECT 1 FROM article_search s WHERE {' AND '.join(where) or 'true'}" for where in conditions]
    plan = _plan(conn, "", " UNION ALL ".join(parts), params)
    nodes = plan["Plans"] if len(parts) > 1 else [plan]
    if len(nodes) != len(parts):
        raise RuntimeError(f"unexpected plan for {len(parts)} estimates: {plan['Node Type']}")
    return [max(float(node["Plan Rows"]), 1.0) for node in nodes]


def _plan(conn: Connection, options: str, sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The top node of the plan of ``sql`` (EXPLAIN with ``options``, as JSON)."""
    explain = f"EXPLAIN ({options + ', ' if options else ''}FORMAT JSON) {sql}"
    plan = conn.execute(text(explain).bindparams(*typed_dates(params, explain)), params).scalar_one()
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def time_bounds(conn: Connection, filters: SearchFilters) -> list[datetime]:
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


def window_start(bounds: list[datetime], fraction: float, whole: float = WHOLE_RANGE) -> datetime | None:
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
