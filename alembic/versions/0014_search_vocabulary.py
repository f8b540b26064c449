"""search vocabulary (PostgreSQL): "did you mean" looks among the title words, not the titles.

When nothing matches, search proposes for each word found nowhere the closest indexed words
(``postgres.postgres_suggestions``). They were looked for in the articles' titles through a
trigram index of the folded title (``ix_articles_title_trgm``, migration 0002): a short word
shares trigrams with a large part of all titles, and each title the index gave was folded again
and compared. At 200,000 articles a query with one misspelled word took 1.1-3.5 s ("congg
nghe": 3.5 s; 63,000 titles folded for "nhann").

``search_vocabulary`` holds each folded word of any title once (``words``' first field, the
tokens the words-and-pairs index has), with a trigram index of its own: some thousands of rows
where there were hundreds of thousands of titles. Statement-level triggers on
``article_search`` add the title words of the rows a statement wrote (a transition table allows
no column list: an update of the filters alone adds its rows' words again, which are there
already); a word whose last article is gone stays until ``bantin db reindex`` (a suggestion is
proposed only when the corrected query finds articles). The title trigram index has no other
reader and is dropped: one index less to maintain per article written.

SQLite: nothing changes (its suggestions read the FTS5 vocabulary).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# the title's words of the rows ``r`` of ``rows``: ``words`` is " title | lead | body "
_TITLE_WORDS = """SELECT DISTINCT w FROM {rows} r, unnest(string_to_array(btrim(split_part(r.words, ' | ', 1)), ' ')) w
    WHERE w <> '' ORDER BY w"""

# (ordered, so that two writers take the words' locks in the same order)
FILL = f"INSERT INTO search_vocabulary (word) {_TITLE_WORDS.format(rows='public.article_search')} ON CONFLICT DO NOTHING"

UP = (
    "CREATE TABLE search_vocabulary (word text PRIMARY KEY)",
    "CREATE INDEX ix_search_vocabulary_trgm ON search_vocabulary USING gin (word gin_trgm_ops)",
    f"""CREATE OR REPLACE FUNCTION bantin_search_vocabulary_add() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO public.search_vocabulary (word) {_TITLE_WORDS.format(rows='new_rows')} ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER article_search_vocabulary_insert AFTER INSERT ON article_search
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bantin_search_vocabulary_add()""",
    """CREATE TRIGGER article_search_vocabulary_update AFTER UPDATE ON article_search
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bantin_search_vocabulary_add()""",
    FILL,
    "ANALYZE search_vocabulary",
    "DROP INDEX IF EXISTS ix_articles_title_trgm",
)

DOWN = (
    "DROP TRIGGER IF EXISTS article_search_vocabulary_update ON article_search",
    "DROP TRIGGER IF EXISTS article_search_vocabulary_insert ON article_search",
    "DROP FUNCTION IF EXISTS bantin_search_vocabulary_add()",
    "DROP TABLE IF EXISTS search_vocabulary",
    "CREATE INDEX IF NOT EXISTS ix_articles_title_trgm ON articles USING gin (bantin_fold(title) gin_trgm_ops)",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for sql in UP:
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for sql in DOWN:
        op.execute(sql)
