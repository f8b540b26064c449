"""The title words "did you mean" proposes (PostgreSQL: migration 0014; SQLite: migration 0015)
and PostgreSQL's existence checks that look in the newest rows first."""

from __future__ import annotations

import pytest
from search_corpus import NOW, fill, old_title_match
from sqlalchemy import text

from bantin.archive.search import parse_query, search, tokens


def _vocabulary(db) -> set[str]:
    table = "(SELECT word FROM search_vocabulary)" if db.backend == "postgresql" else \
        "(SELECT term AS word FROM article_title_words_vocab)"
    with db.engine.connect() as conn:
        return set(conn.execute(text(f"SELECT word FROM {table} v")).scalars())


def _title_words(db) -> set[str]:
    with db.engine.connect() as conn:
        return {word for title in conn.execute(text("SELECT title FROM articles")).scalars() for word in tokens(title)}


@pytest.fixture
def pg(db):
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL's vocabulary table")
    return db


def test_vocabulary_is_every_title_word_and_follows_writes(db):
    """Each folded word of any title once, the words the index has; a new article's and a new
    title's words are added; a reindex drops the words no article has any more (on SQLite, the
    delete itself: a contentless FTS5 index is told the deleted row's text)."""
    from bantin.archive.search.reindex import reindex

    ids = fill(db)
    assert _vocabulary(db) == _title_words(db) and "tri" in _vocabulary(db)
    old_title_match(db, title="Lượng tử hoá mật mã Zyxwv")
    assert {"luong", "hoa", "zyxwv"} <= _vocabulary(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE articles SET title = 'Quasar rực sáng' WHERE id = :id"), {"id": min(ids.values())})
        conn.execute(text("UPDATE articles SET relevance = 0.2"))  # filters only: nothing to add, nothing lost
    assert {"quasar", "ruc", "sang", "zyxwv"} <= _vocabulary(db)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM articles WHERE title LIKE '%Zyxwv'"))
    assert ("zyxwv" in _vocabulary(db)) == (db.backend == "postgresql")  # there until the index is rebuilt
    reindex(db)
    assert _vocabulary(db) == _title_words(db) and "zyxwv" not in _vocabulary(db)


def test_vocabulary_migration_fills_from_stored_rows_and_goes_back(db):
    """The migration indexes the titles already stored; a downgrade puts back what served
    suggestions before (PostgreSQL: the title trigram index; SQLite: the vocabulary of all text)."""
    from bantin.archive.migrate import downgrade, upgrade

    fill(db)
    new, old = (("search_vocabulary", "ix_articles_title_trgm") if db.backend == "postgresql" else
                ("article_title_words", "article_fts_vocab"))

    def new_and_old() -> tuple[bool, bool]:
        catalogue = ("SELECT relname FROM pg_class" if db.backend == "postgresql" else
                     "SELECT name FROM sqlite_master")
        with db.engine.connect() as conn:
            names = set(conn.execute(text(catalogue)).scalars())
        return new in names, old in names

    assert new_and_old() == (True, False)
    downgrade(db, "0013")
    assert new_and_old() == (False, True)
    upgrade(db)
    assert new_and_old() == (True, False)
    assert _vocabulary(db) == _title_words(db)
    page = search(db, "bitcion", now=NOW)
    assert page.total == 0 and page.suggestion == "bitcoin"


@pytest.mark.parametrize("probe", [0, 200], ids=["index", "newest-rows"])
def test_existence_checks_agree_in_the_newest_rows_and_the_index(pg, monkeypatch, probe):
    """``has`` and ``matches_any`` look in the newest rows, then in the index: both ways say the
    same, for words, pairs, phrases and exclusions, of new articles and of old ones."""
    from bantin.archive.search import postgres

    monkeypatch.setattr(postgres, "EXISTS_PROBE", probe)
    fill(pg)
    old_title_match(pg, body="Một bài rất cũ về quasar.")
    with pg.engine.begin() as conn:
        has = {value: postgres.PostgresSearch.has(conn, value)
               for value in ("tri", "nhan tao", "quasar", "tao nhan", "zyxwv", "ve quasar")}
        matches = {query: postgres.postgres_matches_any(conn, parse_query(query))
                   for query in ('"tri tue nhan tao"', "quasar -cu", "quasar -zyxwv", '"nhan tao tri"', "bitcoin tri tue")}
    assert has == {"tri": True, "nhan tao": True, "quasar": True, "tao nhan": False, "zyxwv": False, "ve quasar": True}
    assert matches == {'"tri tue nhan tao"': True, "quasar -cu": False, "quasar -zyxwv": True, '"nhan tao tri"': False,
                       "bitcoin tri tue": True}
