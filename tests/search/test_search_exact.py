"""30 queries on a random archive: the matches of every query class are exactly those of a
naive scan over the folded text (phrases within one field), on both backends, and the count says
so. (How well a bounded ranking of a frequent query finds the best matches is measured by
``bench/search.py``'s recall@20, not here.)"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from search_corpus import NOW

from bantin.archive.repository import ArticleIn, ensure_source, upsert_article
from bantin.archive.search import SearchFilters, parse_query, search, tokens

SYLLABLES = ["trí", "tuệ", "nhân", "tạo", "ngân", "hàng", "đường", "sắt", "hoà", "hòa", "bình", "công", "nghệ",
             "dữ", "liệu", "mô", "hình", "chip", "AI", "của", "và", "các", "Việt", "Nam", "thị", "trường"]
QUERIES = [
    "tri", "tue", "AI", "duong", "hoa", "chip", "viet nam", "tri tue", "tri tue nhan tao", "ngan hang du lieu",
    '"tri tue"', '"nhan tao"', '"tri tue nhan tao"', '"cong nghe du lieu"', '"viet nam"', '"hoa binh"',
    "tri -tue", '"tri tue" -"nhan tao"', "chip -ai", "hoa -binh -cong", "duong OR chip", "ai OR \"du lieu\"",
    "tri OR tue nhan", '"mo hinh" OR "thi truong" cua', "cua va cac", "Đường sắt", "HOÀ BÌNH", "nghe -\"cong nghe\"",
    "sat duong", "nam viet",
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


def everything(db, query: str) -> tuple[list[int], int]:
    ids, page = [], 1
    while True:
        result = search(db, query, SearchFilters(per_page=100, page=page), now=NOW)
        ids += [hit.article_id for hit in result.hits]
        if not result.has_next:
            return ids, result.total
        page += 1


def test_matches_are_exactly_a_naive_scan(random_archive):
    db, fields = random_archive
    for query in QUERIES:
        ids, total = everything(db, query)
        expected = naive(fields, query)
        assert set(ids) == expected and len(ids) == total == len(expected), query
