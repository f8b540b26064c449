"""Migration 0002: backfill of rows written before it, round trips, and agreement with the parser."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from search_corpus import NOW, fill
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bantin.archive.migrate import current_revision, downgrade, head_revision, upgrade
from bantin.archive.search import SearchFilters, search, tokens


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


def test_filters_on_rows_written_before_the_filter_columns(db):
    """Migration 0010 (SQLite) copies source, relevance and topics of the rows already indexed;
    afterwards its triggers keep them, also for an update of only those columns from plain SQL.
    Migration 0011 indexes the titles and leads already stored."""
    downgrade(db, "0009")
    fill(db)
    upgrade(db)
    if db.backend == "sqlite":
        with db.engine.connect() as conn:
            heads = conn.execute(text("SELECT count(*) FROM article_head_fts WHERE article_head_fts MATCH 'tri'")
                                 ).scalar_one()
            titles = conn.execute(text("SELECT count(*) FROM articles WHERE title || lead LIKE '%trí%' "
                                       "OR title || lead LIKE '%Trí%'")).scalar_one()
        assert heads == titles > 0
    filters = SearchFilters(topics=("ai",), min_relevance=0.5)
    before = {h.title for h in search(db, "tri tue", filters, now=NOW).hits}
    assert before
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE articles SET relevance = 0.1 WHERE title = :t"), {"t": sorted(before)[0]})
    assert {h.title for h in search(db, "tri tue", filters, now=NOW).hits} == before - {sorted(before)[0]}


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
        for table in ("article_fts", "article_head_fts"):  # the title-and-lead index too (migration 0011)
            assert conn.execute(text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")).rowcount != 0
        heads = conn.execute(text("SELECT rowid FROM article_head_fts WHERE article_head_fts MATCH :m"),
                             {"m": '"dien toan" OR "duong sat"'}).scalars().all()
        updated = conn.execute(text("SELECT id FROM articles WHERE title = 'Điện toán lượng tử'")).scalar_one()
    assert heads == [updated]


def test_an_overlong_token_is_stored_without_breaking_the_write(db):
    """A token too long for a tsvector lexeme (a hash, base64 in a body) is left out of the index."""
    from bantin.archive.repository import ArticleIn, ensure_source, upsert_article

    with db.session() as session:
        ensure_source(session, "genk", name="GenK", homepage="https://genk.vn/")
        upsert_article(session, ArticleIn(source_key="genk", url="https://genk.vn/x.html",
                                          canonical_url="https://genk.vn/x.html", title="Mã nhúng dài",
                                          lead="Ngắn.", body="đầu " + "A" * 5000 + " cuối", published_at=NOW))
    assert [h.title for h in search(db, "dau cuoi", now=NOW).hits] == ["Mã nhúng dài"]


def test_both_backends_implement_the_one_search_interface():
    import inspect

    from bantin.archive.search.backend import SearchBackend
    from bantin.archive.search.postgres import PostgresSearch
    from bantin.archive.search.sqlite import SqliteSearch

    for backend in (PostgresSearch(), SqliteSearch()):
        assert isinstance(backend, SearchBackend)
        for name in ("candidates", "adjacency", "has", "matches_any", "suggestions", "topic_exists"):
            expected = list(inspect.signature(getattr(SearchBackend, name)).parameters)[1:]
            assert list(inspect.signature(getattr(backend, name)).parameters) == expected, (backend, name)
    source = (Path(__file__).parents[2] / "archive" / "search" / "sqlite.py").read_text(encoding="utf-8")
    assert "search.postgres" not in source  # shared SQL helpers live in search/sql.py


def _search_rows(db, conn=None) -> list[tuple]:
    """article_search's rows, compression of ``words`` included (on ``conn`` when given)."""
    sql = text("SELECT article_id, sort_at, source_id, relevance, topics, words, head::text, "
               "pg_column_compression(words) FROM article_search ORDER BY article_id")
    if conn is not None:
        return [tuple(row) for row in conn.execute(sql)]
    with db.engine.connect() as own:
        return _search_rows(db, own)


def test_postgres_reindex_writes_the_rows_the_triggers_write(db):
    """Migration 0016: ``bantin db reindex`` folds the articles into a temporary table (a parallel
    plan) and copies them: the rows are those the crawl's triggers wrote, down to the compression
    of ``words`` (the copy keeps compressed values as they are); batch after batch in one
    transaction, the temporary table gone after each."""
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL's fill function")
    from bantin.archive.search.reindex import reindex

    fill(db, count_extra=7)
    with db.engine.begin() as conn:  # a body long enough to be compressed (over 2 kB a row)
        conn.execute(text("UPDATE articles SET body = (SELECT string_agg('Câu thứ ' || n || ' nói về đường sắt.', ' ') "
                          "FROM generate_series(1, 300) n) WHERE title LIKE 'Đường sắt%'"))
    before = _search_rows(db)
    assert len(before) == 15 and {row[-1] for row in before} - {None}  # one compressed
    assert reindex(db, batch=4) == 15
    assert _search_rows(db) == before
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pg_class WHERE relname = 'bantin_search_fill'")).scalar_one() == 0
    assert [h.title for h in search(db, '"cau thu 300 noi"', now=NOW).hits] == ["Đường sắt tốc độ cao khởi công"]


def test_postgres_fill_without_temporary_tables(db):
    """A role that may not create temporary tables fills the rows as migration 0005 did (in a
    transaction rolled back: the role and the revoked privilege go with it)."""
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL's fill function")
    fill(db)
    before = _search_rows(db)
    role = f"bantin_no_temp_{os.getpid()}"
    with db.engine.connect() as conn, conn.begin() as transaction:
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        conn.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(text(f'REVOKE TEMPORARY ON DATABASE "{database}" FROM PUBLIC'))
        conn.execute(text(f"SET LOCAL ROLE {role}"))
        assert not conn.execute(text("SELECT has_database_privilege(current_database(), 'TEMPORARY')")).scalar_one()
        conn.execute(text("DELETE FROM article_search"))
        assert conn.execute(text("SELECT bantin_article_search_fill(0, 1000000)")).scalar_one() == len(before)
        assert _search_rows(db, conn) == before
        transaction.rollback()
