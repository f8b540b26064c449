"""search head on SQLite: a second, small FTS5 index over title and lead only.

A frequent query ranks its newest matches together with the matches whose title (for three
words or more: title or lead) holds its words (``sqlite.sqlite_candidates``). Those were found
in ``article_fts`` with a column filter (``{title lead} : ...``), and a column filter still
decodes every position list of the words, body included: for "tri tue nhan tao" at 200,000
articles, 93 ms of a 103 ms search. ``article_head_fts`` (contentless FTS5, the same tokenizer)
holds only title and lead, about a seventh of the text (32 MiB at 200,000 articles, built in
3 s): the same question there takes 2 ms. It is PostgreSQL's head GIN index (migration 0009)
on SQLite, kept by the same triggers as ``article_fts``. Its price is on writes: an FTS5 insert
from a trigger costs about the same however short its text, so the triggers write about half as
many articles a second as before (measured at 200,000 articles: 3,100 -> 1,500-2,000 rows/s).

PostgreSQL: nothing changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from bantin.archive.migrate import earlier_revision

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _head(row: str) -> str:
    folded = earlier_revision("0002_search.py")._folded
    return f"{row}.id, {folded(row, 'title')}, {folded(row, 'lead')}"


def _triggers(*, head: bool, titles: bool = False) -> tuple[str, ...]:
    """Migration 0010's three triggers of ``articles``, with (``head``) or without the lines that
    keep ``article_head_fts``; ``titles``: and those that keep ``article_title_words`` (migration
    0015)."""
    fts = earlier_revision("0002_search.py")._fts_values
    filters = earlier_revision("0010_sqlite_search_filters.py")
    row, values = filters._ROW, filters._values
    add = f"INSERT INTO article_head_fts (rowid, title, lead) VALUES ({_head('new')});" if head else ""
    remove = (f"INSERT INTO article_head_fts (article_head_fts, rowid, title, lead) VALUES ('delete', {_head('old')});"
              if head else "")
    if titles:
        folded = earlier_revision("0002_search.py")._folded
        add += f" INSERT INTO article_title_words (rowid, title) VALUES (new.id, {folded('new', 'title')});"
        remove += (" INSERT INTO article_title_words (article_title_words, rowid, title) "
                   f"VALUES ('delete', old.id, {folded('old', 'title')});")
    return (
        "DROP TRIGGER IF EXISTS articles_search_insert",
        "DROP TRIGGER IF EXISTS articles_search_update",
        "DROP TRIGGER IF EXISTS articles_search_delete",
        f"""CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
            INSERT INTO article_fts (rowid, title, lead, body) VALUES ({fts('new')});
            {add}
            INSERT OR REPLACE INTO article_search {row} VALUES {values('new')};
        END""",
        f"""CREATE TRIGGER articles_search_update AFTER UPDATE OF title, lead, body, published_at, fetched_at
        ON articles BEGIN
            INSERT INTO article_fts (article_fts, rowid, title, lead, body) VALUES ('delete', {fts('old')});
            INSERT INTO article_fts (rowid, title, lead, body) VALUES ({fts('new')});
            {remove}
            {add}
            INSERT OR REPLACE INTO article_search {row} VALUES {values('new')};
        END""",
        f"""CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
            INSERT INTO article_fts (article_fts, rowid, title, lead, body) VALUES ('delete', {fts('old')});
            {remove}
            DELETE FROM article_search WHERE article_id = old.id;
        END""",
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in (
        # no column sizes (columnsize=0): nothing ranks by this index's bm25
        """CREATE VIRTUAL TABLE article_head_fts USING fts5(
            title, lead, content='', columnsize=0, tokenize='unicode61 remove_diacritics 2')""",
        f"INSERT INTO article_head_fts (rowid, title, lead) SELECT {_head('articles')} FROM articles",
        *_triggers(head=True),
    ):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in (*_triggers(head=False), "DROP TABLE IF EXISTS article_head_fts"):
        op.execute(statement)
