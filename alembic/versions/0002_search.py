"""search: full-text index of articles, kept in sync by triggers, backfilled here.

PostgreSQL: table ``article_search`` (article id, sort time, weighted ``tsvector``s: ``head`` of
title and lead for ranking, ``document`` of all text for matching) with a GIN index on ``document``
and a (sort time, id) index; the tsvectors are built by ``bantin_search_*`` over text
folded by ``bantin_fold`` (unaccent, đ/Đ -> d, lower case) and split into letter/digit tokens,
title weighted A, lead B, body C, ``simple`` configuration. A trigram index on the folded title
serves "did you mean". Triggers on ``articles`` keep the table current on insert and update; a
foreign key with ON DELETE CASCADE removes rows with their article.

SQLite: a contentless FTS5 table ``article_fts`` (title, lead, body; rowid = article id;
``unicode61 remove_diacritics 2``) fed with đ/Đ already mapped to d by the built-in ``replace``,
plus ``article_search`` (article id, sort time) for recency. The triggers use only built-in SQL
functions, so every connection (bantin's, sqlite3's, Alembic's) keeps the index in sync.

The token character class below is ``archive.search.query.TOKEN_CLASS``; a test checks they agree.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TOKEN_CLASS = (
    r"0-9a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u1fff\u2c00-\u2dff\u3040-\ud7ff\ue000-\ufdff"
    r"\ufe70-\ufefe\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uffdc"
    r"\U00010000-\U0001efff\U0001fb00-\U0010ffff"
)
BODY_CHARS = 200_000  # indexed prefix of a body; keeps every tsvector far below its 1 MB limit

PG_UP = (
    f"""CREATE OR REPLACE FUNCTION bantin_search_words(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT regexp_replace(public.bantin_fold($1), '[^{TOKEN_CLASS}]+', ' ', 'g') $$""",
    # Adjacent word pairs ("tri tue") as extra lexemes without positions: a phrase query looks
    # its pairs up in the GIN index, exactly, instead of reading every document with both words.
    """CREATE OR REPLACE FUNCTION bantin_search_pairs(words text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT coalesce(array_to_tsvector(array_agg(DISTINCT p.w || ' ' || p.nxt)), ''::tsvector)
        FROM (SELECT w, lead(w) OVER (ORDER BY n) AS nxt
              FROM unnest(string_to_array(btrim(coalesce(words, '')), ' ')) WITH ORDINALITY AS t(w, n)
              WHERE w <> '') p
        WHERE p.nxt IS NOT NULL $$""",
    """CREATE OR REPLACE FUNCTION bantin_search_document(title text, lead text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT
        setweight(to_tsvector('pg_catalog.simple', coalesce(t, '')), 'A')
        || setweight(to_tsvector('pg_catalog.simple', coalesce(l, '')), 'B')
        || setweight(to_tsvector('pg_catalog.simple', coalesce(b, '')), 'C')
        || public.bantin_search_pairs(t) || public.bantin_search_pairs(l) || public.bantin_search_pairs(b)
        FROM (SELECT public.bantin_search_words(title) AS t, public.bantin_search_words(lead) AS l,
                     public.bantin_search_words(body) AS b) words $$""",
    """CREATE OR REPLACE FUNCTION bantin_search_head(title text, lead text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT
        setweight(to_tsvector('pg_catalog.simple', coalesce(public.bantin_search_words(title), '')), 'A')
        || setweight(to_tsvector('pg_catalog.simple', coalesce(public.bantin_search_words(lead), '')), 'B') $$""",
    """CREATE OR REPLACE FUNCTION bantin_search_topics(topics json) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT coalesce(array_agg(t), '{}') FROM json_array_elements_text(
        CASE WHEN json_typeof(topics) = 'array' THEN topics ELSE '[]'::json END) AS t $$""",
    # head (title + lead, small, inline) ranks; document (title + lead + body) matches. The
    # document is stored uncompressed (cheap to read) and out of line once a row passes 2 kB,
    # so most rows that an index scan visits stay small. Source, relevance and topics are copied
    # here so that filters never read the wide articles rows.
    """CREATE TABLE article_search (
        article_id integer PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        sort_at timestamptz NOT NULL,
        source_id integer NOT NULL,
        relevance double precision NOT NULL,
        topics text[] NOT NULL,
        head tsvector NOT NULL,
        document tsvector NOT NULL
    )""",
    "ALTER TABLE article_search ALTER COLUMN document SET STORAGE EXTERNAL",
    f"""CREATE OR REPLACE FUNCTION bantin_article_search_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO public.article_search (article_id, sort_at, source_id, relevance, topics, head, document)
        VALUES (NEW.id, coalesce(NEW.published_at, NEW.fetched_at), NEW.source_id, NEW.relevance,
                public.bantin_search_topics(NEW.topics), public.bantin_search_head(NEW.title, NEW.lead),
                public.bantin_search_document(NEW.title, NEW.lead, left(NEW.body, {BODY_CHARS})))
        ON CONFLICT (article_id) DO UPDATE
        SET sort_at = EXCLUDED.sort_at, source_id = EXCLUDED.source_id, relevance = EXCLUDED.relevance,
            topics = EXCLUDED.topics, head = EXCLUDED.head, document = EXCLUDED.document;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION bantin_article_search_meta() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE public.article_search
        SET source_id = NEW.source_id, relevance = NEW.relevance, topics = public.bantin_search_topics(NEW.topics)
        WHERE article_id = NEW.id;
        RETURN NULL;
    END $$""",
    f"""INSERT INTO article_search (article_id, sort_at, source_id, relevance, topics, head, document)
    SELECT id, coalesce(published_at, fetched_at), source_id, relevance, bantin_search_topics(topics),
           bantin_search_head(title, lead), bantin_search_document(title, lead, left(body, {BODY_CHARS}))
    FROM articles""",
    "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
    "CREATE INDEX ix_article_search_sort_at ON article_search (sort_at DESC, article_id DESC)",
    "CREATE INDEX ix_articles_title_trgm ON articles USING gin (bantin_fold(title) gin_trgm_ops)",
    """CREATE TRIGGER articles_search_insert AFTER INSERT ON articles
    FOR EACH ROW EXECUTE FUNCTION bantin_article_search_sync()""",
    """CREATE TRIGGER articles_search_update AFTER UPDATE OF title, lead, body, published_at, fetched_at
    ON articles FOR EACH ROW EXECUTE FUNCTION bantin_article_search_sync()""",
    """CREATE TRIGGER articles_search_meta AFTER UPDATE OF source_id, relevance, topics
    ON articles FOR EACH ROW EXECUTE FUNCTION bantin_article_search_meta()""",
    "ANALYZE article_search",
)

PG_DOWN = (
    "DROP TRIGGER IF EXISTS articles_search_meta ON articles",
    "DROP TRIGGER IF EXISTS articles_search_update ON articles",
    "DROP TRIGGER IF EXISTS articles_search_insert ON articles",
    "DROP INDEX IF EXISTS ix_articles_title_trgm",
    "DROP TABLE IF EXISTS article_search",
    "DROP FUNCTION IF EXISTS bantin_article_search_sync()",
    "DROP FUNCTION IF EXISTS bantin_article_search_meta()",
    "DROP FUNCTION IF EXISTS bantin_search_topics(json)",
    "DROP FUNCTION IF EXISTS bantin_search_document(text, text, text)",
    "DROP FUNCTION IF EXISTS bantin_search_head(text, text)",
    "DROP FUNCTION IF EXISTS bantin_search_pairs(text)",
    "DROP FUNCTION IF EXISTS bantin_search_words(text)",
)


def _folded(row: str, column: str, limit: int | None = None) -> str:
    value = f"substr({row}.{column}, 1, {limit})" if limit else f"{row}.{column}"
    return f"replace(replace({value}, 'đ', 'd'), 'Đ', 'D')"


def _fts_values(row: str) -> str:
    return f"{row}.id, {_folded(row, 'title')}, {_folded(row, 'lead')}, {_folded(row, 'body', BODY_CHARS)}"


SQLITE_UP = (
    """CREATE VIRTUAL TABLE article_fts USING fts5(
        title, lead, body, content='', tokenize='unicode61 remove_diacritics 2')""",
    "CREATE VIRTUAL TABLE article_fts_vocab USING fts5vocab(article_fts, 'row')",
    "CREATE TABLE article_search (article_id INTEGER PRIMARY KEY, sort_at DATETIME NOT NULL)",
    "CREATE INDEX ix_article_search_sort_at ON article_search (sort_at)",
    f"INSERT INTO article_fts (rowid, title, lead, body) SELECT {_fts_values('articles')} FROM articles",
    "INSERT INTO article_search (article_id, sort_at) SELECT id, coalesce(published_at, fetched_at) FROM articles",
    f"""CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
        INSERT INTO article_fts (rowid, title, lead, body) VALUES ({_fts_values('new')});
        INSERT OR REPLACE INTO article_search (article_id, sort_at)
        VALUES (new.id, coalesce(new.published_at, new.fetched_at));
    END""",
    f"""CREATE TRIGGER articles_search_update AFTER UPDATE OF title, lead, body, published_at, fetched_at
    ON articles BEGIN
        INSERT INTO article_fts (article_fts, rowid, title, lead, body) VALUES ('delete', {_fts_values('old')});
        INSERT INTO article_fts (rowid, title, lead, body) VALUES ({_fts_values('new')});
        INSERT OR REPLACE INTO article_search (article_id, sort_at)
        VALUES (new.id, coalesce(new.published_at, new.fetched_at));
    END""",
    f"""CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
        INSERT INTO article_fts (article_fts, rowid, title, lead, body) VALUES ('delete', {_fts_values('old')});
        DELETE FROM article_search WHERE article_id = old.id;
    END""",
)

SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS articles_search_delete",
    "DROP TRIGGER IF EXISTS articles_search_update",
    "DROP TRIGGER IF EXISTS articles_search_insert",
    "DROP TABLE IF EXISTS article_search",
    "DROP TABLE IF EXISTS article_fts_vocab",
    "DROP TABLE IF EXISTS article_fts",
)


def _run(statements: tuple[str, ...]) -> None:
    bind = op.get_bind()
    for sql in statements:
        bind.exec_driver_sql(sql)


def upgrade() -> None:
    _run(PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP)


def downgrade() -> None:
    _run(PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN)
