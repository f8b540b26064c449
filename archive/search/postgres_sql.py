"""The SQL text of a PostgreSQL search: tsquery texts of folded tokens, the text rank, the
exact row checks on the stored words, the filters, and the planner settings a search runs under.

Every value the reader typed reaches the database as a bound parameter; the tsquery text is
built here from folded tokens, which hold letters and digits only, each lexeme in single quotes.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection

from bantin.archive.search.filters import SearchFilters
from bantin.archive.search.query import TOKEN_CLASS, Clause, ParsedQuery, Term
from bantin.archive.search.sql import time_and_relevance_sql

__all__ = [
    "FLAT_WORDS",
    "LEXEMES",
    "LISTED",
    "TITLE",
    "check_sql",
    "clause_lexemes",
    "filter_sql",
    "indexed_exclusions",
    "lexeme",
    "lexeme_query",
    "only_scans",
    "planner_settings",
    "rank_sql",
    "strpos_sql",
]

TOKEN = re.compile(f"[{TOKEN_CLASS}]+")
# ts_rank weights for D, C, B, A: lead 0.5, title 1.0 (``head`` holds only title and lead).
_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"
LEXEMES = "bantin_search_lexemes(s.words)"
# the rows the words-and-pairs index lists for the query's required clauses (``lexeme_query``,
# the parameter ``lexemes``)
LISTED = f"{LEXEMES} @@ CAST(:lexemes AS tsquery)"
# The title's lexemes (``head``'s weight A), in a GIN index of their own (migration 0013): the
# index of ``head`` lists every head with a word, whatever its weight, each rechecked on its row.
# (On a row, a weighted query of ``head`` is cheaper: ts_filter builds a new tsvector.)
TITLE = "ts_filter(s.head, '{a}')"


def lexeme(value: str) -> str:
    """``value`` (a folded word, or two separated by one space) as a quoted tsquery lexeme;
    anything else (a quote, an operator) is refused with ValueError, never written into SQL."""
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
        return lexeme(term.words[0]) + weight
    if field:
        return "(" + " <-> ".join(lexeme(word) + weight for word in term.words) + ")"
    pairs = [f"{a} {b}" for a, b in dict.fromkeys(pairwise(term.words))]
    return "(" + " & ".join(lexeme(pair) for pair in pairs) + ")"


def clause_lexemes(clause: Clause, field: str = "") -> str:
    return "(" + " | ".join(_term_lexemes(term, field) for term in clause.alternatives) + ")"


def indexed_exclusions(parsed: ParsedQuery) -> list[Term]:
    """The exclusions the words-and-pairs index decides exactly: a word, or a phrase of two words
    (one pair); a longer phrase is checked with ``strpos``."""
    return [term for term in parsed.excluded if len(term.words) <= 2]


def lexeme_query(parsed: ParsedQuery, field: str = "") -> str:
    """The tsquery text of ``parsed``'s required clauses; for the words-and-pairs index (no
    ``field``) with the exclusions it decides negated (``'nguoi' & !'va'``: GIN lists the rows
    with the one and without the other from the two posting lists, no row read: at 200,000
    articles 20 ms, where checking the words of the 200,000 rows with "nguoi" took 920)."""
    required = " & ".join(clause_lexemes(clause, field) for clause in parsed.required)
    if field:
        return required
    return " & ".join([required, *(f"!{_term_lexemes(term)}" for term in indexed_exclusions(parsed))])


def rank_sql(parsed: ParsedQuery, params: dict[str, Any], head: str) -> str:
    """The SQL text rank of a match by its title and lead (``head``): ``ts_rank`` of any of the
    query's words, plus for each quoted phrase its ``ts_rank`` where the head holds the phrase
    itself (``@@`` checks the positions), so that a phrase's syllables scattered over a title do
    not rank an article as the phrase would. Without words or phrases in the head: 0."""
    parts = []
    words = dict.fromkeys(term.words[0] for term in parsed.positive_terms if not term.is_phrase)
    if words:
        params["rank_words"] = " | ".join(lexeme(word) for word in words)
        parts.append(f"ts_rank('{_WEIGHTS}', {head}, CAST(:rank_words AS tsquery), 1)")
    phrases = dict.fromkeys(term.words for term in parsed.positive_terms if term.is_phrase)
    for n, phrase in enumerate(phrases):
        params[f"rank_phrase{n}"] = " <-> ".join(lexeme(word) for word in phrase)
        query = f"CAST(:rank_phrase{n} AS tsquery)"
        parts.append(f"CASE WHEN {head} @@ {query} THEN ts_rank('{_WEIGHTS}', {head}, {query}, 1) ELSE 0 END")
    return " + ".join(parts) or "0"


def strpos_sql(term: Term, params: dict[str, Any]) -> str:
    name = f"w{len(params)}"
    params[name] = " " + " ".join(term.words) + " "
    return f"strpos(s.words, :{name})"


# ``words`` read once per row: each strpos of a stored (compressed, often out-of-line) value
# decompresses it again, so a query of four words would read a row's words four times. In a
# subquery that the planner keeps (OFFSET 0), rows are flattened one at a time as they are pulled.
FLAT_WORDS = "s.words || '' AS words"


def check_sql(parsed: ParsedQuery, params: dict[str, Any], *, all_terms: bool) -> list[str]:
    """Exact row conditions on ``s.words``: every clause and exclusion (``all_terms``) or only
    what the index cannot decide (phrases of three words or more)."""
    conditions = []
    for clause in parsed.required:
        if all_terms or any(len(term.words) > 2 for term in clause.alternatives):
            conditions.append("(" + " OR ".join(f"{strpos_sql(term, params)} > 0" for term in clause.alternatives) + ")")
    conditions += [f"{strpos_sql(term, params)} = 0" for term in parsed.excluded if all_terms or len(term.words) > 2]
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


def planner_settings(conn: Connection) -> None:
    """The settings every search statement of the transaction runs under."""
    # custom plans (the estimates depend on the words); no JIT (the lexeme function's high cost
    # would trigger it, and parallel workers); a bitmap of a frequent word stays exact (no lossy
    # pages to recheck)
    # (one round trip: the statements carry no parameters)
    conn.exec_driver_sql("; ".join(f"SET LOCAL {setting}" for setting in (
        "plan_cache_mode = force_custom_plan", "jit = off", "work_mem = '64MB'", "max_parallel_workers_per_gather = 0")))


def only_scans(conn: Connection, *, bitmap: bool) -> None:
    """Bitmaps only (matches found in the index) or index scans only (rows in time order)."""
    conn.exec_driver_sql(f"SET LOCAL enable_bitmapscan = {'on' if bitmap else 'off'}; "
                         f"SET LOCAL enable_indexscan = {'off' if bitmap else 'on'}")
