"""title words (SQLite): "did you mean" reads a vocabulary of the titles, not of all the text.

SQLite's suggestions read the terms of ``article_fts`` from its ``fts5vocab`` table, those with
the misspelled word's first letter. That table counts each term's documents as it lists it, so
it read the postings (with positions) of every term of that letter in all the text: at 200,000
articles 190 ms for "c", and a query with one misspelled word took 150-280 ms.

``article_title_words`` is a contentless FTS5 index of the titles alone without positions
(``detail=none``, about 2.5 MiB at 200,000 articles), kept by the same triggers as the other two
(migration 0011's, with two lines more), and ``article_title_words_vocab`` its vocabulary: the
letter "c" in 8.5 ms there. Suggestions are title words, as on PostgreSQL (migration 0014).
``article_fts_vocab``, which had no other reader, is dropped.

PostgreSQL: nothing changes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

from bantin.archive.migrate import earlier_revision

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    folded = earlier_revision("0002_search.py")._folded
    for statement in (
        """CREATE VIRTUAL TABLE article_title_words USING fts5(
            title, content='', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 2')""",
        "CREATE VIRTUAL TABLE article_title_words_vocab USING fts5vocab(article_title_words, 'row')",
        f"INSERT INTO article_title_words (rowid, title) SELECT id, {folded('articles', 'title')} FROM articles",
        *earlier_revision("0011_sqlite_search_head.py")._triggers(head=True, titles=True),
        "DROP TABLE IF EXISTS article_fts_vocab",  # (its one reader was the suggestions)
    ):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in (*earlier_revision("0011_sqlite_search_head.py")._triggers(head=True),
                      "DROP TABLE IF EXISTS article_title_words_vocab", "DROP TABLE IF EXISTS article_title_words",
                      "CREATE VIRTUAL TABLE article_fts_vocab USING fts5vocab(article_fts, 'row')"):
        op.execute(statement)
