"""Migration 0002: backfill of rows written before it, round trips, and agreement with the parser."""

from __future__ import annotations

import sqlite3

import pytest
from search_corpus import NOW, fill
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bantin.archive.migrate import current_revision, downgrade, head_revision, upgrade
from bantin.archive.search import search, tokens


def test_backfill_and_round_trip(db):
    downgrade(db, "0001")
    ids = fill(db)  # written while no search index exists
    upgrade(db)
    assert [h.title for h in search(db, "duong", now=NOW).hits] == ["Đường sắt tốc độ cao khởi công"]
    assert search(db, '"tri tue nhan tao"', now=NOW).total == 3
    downgrade(db, "0001")
    with db.engine.connect() as conn:
        tables = {"article_search", "article_fts"} & set(
            conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
            if db.backend == "postgresql" else conn.execute(text("SELECT name FROM sqlite_master")).scalars())
    assert not tables
    upgrade(db)
    assert current_revision(db) == head_revision()
    assert search(db, "hoa", now=NOW).total == 3 and len(ids) == 8  # hoà, hòa, mã hoá


TRICKY = "Đường “AI” GPT-4o, 3.5 tỷ – Hoà/Thuý… email@x.vn https://a.vn/b?c=d (北京) ẞ café_bar 😀x"


def test_postgres_splits_words_like_the_parser(pg_migrated):
    from bantin.archive.engine import Database

    db = Database.connect(pg_migrated, upgrade_embedded=False)
    try:
        with db.engine.connect() as conn:
            words = conn.execute(text("SELECT bantin_search_words(:t)"), {"t": TRICKY}).scalar_one()
    finally:
        db.close()
    assert words.split() == tokens(TRICKY)


def test_sqlite_index_follows_writes_from_any_connection(db):
    if db.backend != "sqlite":
        pytest.skip("SQLite only: the triggers use built-in functions, so plain sqlite3 keeps the index current")
    fill(db)
    raw = sqlite3.connect(make_url(db.url).database)
    with raw:
        raw.execute("UPDATE articles SET title = 'Điện toán lượng tử' WHERE title = 'Giải thưởng hòa bình'")
        raw.execute("DELETE FROM articles WHERE title LIKE 'Đường sắt%'")
    raw.close()
    assert [h.title for h in search(db, "dien toan", now=NOW).hits] == ["Điện toán lượng tử"]
    assert search(db, "duong sat", now=NOW).total == 0
    with db.engine.connect() as conn:
        assert conn.execute(text("INSERT INTO article_fts(article_fts) VALUES ('integrity-check')")).rowcount != 0


def test_an_overlong_token_is_stored_without_breaking_the_write(db):
    """A token too long for a tsvector lexeme (a hash, base64 in a body) is left out of the index."""
    from bantin.archive.repository import ArticleIn, ensure_source, upsert_article

    with db.session() as session:
        ensure_source(session, "genk", name="GenK", homepage="https://genk.vn/")
        upsert_article(session, ArticleIn(source_key="genk", url="https://genk.vn/x.html",
                                          canonical_url="https://genk.vn/x.html", title="Mã nhúng dài",
                                          lead="Ngắn.", body="đầu " + "A" * 5000 + " cuối", published_at=NOW))
    assert [h.title for h in search(db, "dau cuoi", now=NOW).hits] == ["Mã nhúng dài"]
