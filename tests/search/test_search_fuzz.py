"""Arbitrary text thrown at the query parser and at both backends: results or BadQuery, nothing else."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from search_corpus import NOW

from bantin.archive.search import parse_query, search
from bantin.archive.search.query import TOKEN_CLASS
from bantin.errors import BadQuery

TOKEN = re.compile(f"[{TOKEN_CLASS}]+")
# Text mixing query syntax, SQL, FTS5 and tsquery operators, Vietnamese letters and anything else.
PIECES = st.sampled_from(['"', "-", "OR", "AND", "NOT", "NEAR", "(", ")", "*", ":", "^", "&", "|", "!", "<->",
                          "'", ";", "--", "\\", "%", "_", "đ", "Đường", "trí tuệ", "hoà", " ", "\x00", "\u0301",
                          "ai", "a:*", "{", "}", "+", "SELECT", "DROP TABLE articles;"])
QUERIES = st.one_of(st.text(max_size=80), st.lists(PIECES, max_size=12).map("".join),
                    st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=10).map(" ".join))


@given(QUERIES)
@settings(max_examples=400, deadline=None, derandomize=True)
def test_parser_accepts_or_refuses_clearly(text):
    try:
        parsed = parse_query(text)
    except BadQuery as exc:
        assert str(exc)
        return
    assert parsed.required
    for term in parsed.positive_terms + parsed.excluded:
        assert term.words and all(TOKEN.fullmatch(word) for word in term.words)


@pytest.mark.slow
@given(text=QUERIES)
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_backends_never_fail_on_any_query(archive, text):
    try:
        page = search(archive.db, text, now=NOW)
    except BadQuery as exc:
        assert str(exc)
        return
    assert page.total >= 0 and all(hit.title for hit in page.hits)
