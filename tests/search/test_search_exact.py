"""31 queries on a random archive: the matches of every query class are exactly those of a
naive scan over the folded text (phrases within one field), on both backends, and the count says
so. (How well a bounded ranking of a frequent query finds the best matches is measured by
``bench/search.py``'s recall@20, not here.)"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from search_corpus import NOW
from sqlalchemy import text

from bantin.archive.repository import ArticleIn, ensure_source, upsert_article
from bantin.archive.search import SearchFilters, parse_query, search, tokens
from bantin.archive.search.sql import aware

SYLLABLES = ["trí", "tuệ", "nhân", "tạo", "ngân", "hàng", "đường", "sắt", "hoà", "hòa", "bình", "công", "nghệ",
             "dữ", "liệu", "mô", "hình", "chip", "AI", "của", "và", "các", "Việt", "Nam", "thị", "trường"]
QUERIES = [
    "tri", "tue", "AI", "duong", "hoa", "chip", "viet nam", "tri tue", "tri tue nhan tao", "ngan hang du lieu",
    '"tri tue"', '"nhan tao"', '"tri tue nhan tao"', '"cong nghe du lieu"', '"viet nam"', '"hoa binh"',
    "tri -tue", '"tri tue" -"nhan tao"', "chip -ai", "hoa -binh -cong", "duong OR chip", "ai OR \"du lieu\"",
    "tri OR tue nhan", '"mo hinh" OR "thi truong" cua', "cua va cac", "Đường sắt", "HOÀ BÌNH", "nghe -\"cong nghe\"",
    "sat duong", "nam viet", 'cua -"tri tue nhan"',
]


def _text(rnd: random.Random, count: int) -> str:
    return " ".join(rnd.choice(SYLLABLES) for _ in range(count)) + "."


@pytest.fixture
def random_archive(db):
    rnd = random.Random(5)
    fields = {}
    with db.session() as session:
        ensure_source(session, "vnexpress", name="VnExpress", homepage="https://vnexpress.vn/")
        for n in range(160):
            title, lead, body = _text(rnd, rnd.randint(3, 8)), _text(rnd, rnd.randint(5, 12)), _text(rnd, rnd.randint(10, 40))
            item = ArticleIn(source_key="vnexpress", url=f"https://vnexpress.vn/{n}.html",
                             canonical_url=f"https://vnexpress.vn/{n}.html", title=title, lead=lead, body=body,
                             published_at=NOW - timedelta(days=rnd.randint(0, 900), minutes=n), topics=("ai",),
                             relevance=0.5)
            fields[upsert_article(session, item).article_id] = [tokens(title), tokens(lead), tokens(body)]
    return db, fields


def _has(fields: list[list[str]], words: tuple[str, ...]) -> bool:
    size = len(words)
    return any(tuple(field[i : i + size]) == words for field in fields for i in range(len(field) - size + 1))


def naive(fields: dict[int, list[list[str]]], query: str) -> set[int]:
    parsed = parse_query(query)
    return {article_id for article_id, text in fields.items()
            if all(any(_has(text, term.words) for term in clause.alternatives) for clause in parsed.required)
            and not any(_has(text, term.words) for term in parsed.excluded)}


def everything(db, query: str, window: tuple | None = None) -> tuple[list[int], int]:
    since, until = window or (None, None)
    ids, page = [], 1
    while True:
        result = search(db, query, SearchFilters(per_page=100, page=page, since=since, until=until), now=NOW)
        ids += [hit.article_id for hit in result.hits]
        if not result.has_next:
            return ids, result.total
        page += 1


@pytest.mark.parametrize("rowwise", [False, True], ids=["index", "rowwise"])
def test_matches_are_exactly_a_naive_scan(random_archive, monkeypatch, rowwise):
    """Also (PostgreSQL, ``rowwise``) when every match is read as the rows of its filters checked
    one by one with ``strpos``, as a word in nearly every article is, instead of from the index."""
    db, fields = random_archive
    if rowwise:
        if db.backend != "postgresql":
            pytest.skip("PostgreSQL's row-by-row reading")
        monkeypatch.setattr("bantin.archive.search.postgres.ROWWISE_SHARE", 0.0)
    for query in QUERIES:
        ids, total = everything(db, query)
        expected = naive(fields, query)
        assert set(ids) == expected and len(ids) == total == len(expected), query


def test_matches_in_a_time_window_are_exactly_a_naive_scan(random_archive):
    """(SQLite reads the window's rowid range from the index of sort times and has FTS5 seek to it.)"""
    db, fields = random_archive
    window = (NOW - timedelta(days=400), NOW - timedelta(days=200))
    with db.engine.connect() as conn:
        inside = {row.id for row in conn.execute(text("SELECT id, published_at FROM articles"))
                  if window[0] <= aware(row.published_at) < window[1]}
    assert 0 < len(inside) < len(fields)
    for query in QUERIES[:12]:
        ids, total = everything(db, query, window)
        expected = naive(fields, query) & inside
        assert set(ids) == expected and len(ids) == total == len(expected), query


def test_postgres_expects_few_matches_where_an_exclusion_is_in_nearly_every_article():
    """An exclusion the index decides leaves the share of rows without it: "nguoi -va" is
    expected in few articles (all read and counted), not in every one with "nguoi"; a longer
    excluded phrase, checked row by row, and the upper bound leave the share as it is."""
    from bantin.archive.search.postgres_estimates import text_share
    from bantin.archive.search.postgres_sql import lexeme_query

    shares = {"nguoi": 1.0, "va": 0.999, "tri tue": 0.3, "tue nhan": 0.3}
    assert text_share(parse_query("nguoi -va"), shares) == pytest.approx(0.001)
    assert text_share(parse_query('nguoi -"tri tue"'), shares) == pytest.approx(0.7)
    assert text_share(parse_query('nguoi -"tri tue nhan"'), shares) == 1.0
    assert text_share(parse_query("nguoi -va"), shares, upper=True) == 1.0
    assert lexeme_query(parse_query('nguoi -va -"tri tue" -"tri tue nhan"')) == "('nguoi') & !'va' & !('tri tue')"
    assert lexeme_query(parse_query("nguoi -va"), "head") == "('nguoi')"
