"""search, compact (PostgreSQL): folded words stored once, word and pair lexemes only in an index.

Migration 0002 stored per row a ``document`` tsvector of every word *and every adjacent word
pair* (about 7 KB an article, 1.4 GB at 200,000 articles). Now ``article_search`` stores

* ``words``: the folded tokens of title, lead and body, each field's tokens joined by one space,
  the fields separated by `` | `` and the whole framed by spaces (`` tri tue | ... | ... ``),
  compressed (lz4 where the server has it). ``strpos(words, ' nhan tao ')`` checks a word or a
  phrase exactly, in a few microseconds, without positions;
* ``head``: the title (weight A) and lead (weight B) tsvector that ranks, as before;

and the GIN index ``ix_article_search_lexemes`` is an *expression* index over
``bantin_search_lexemes(words)``: every word and every adjacent pair of words of one field
("tri tue"), without positions. The pairs live only in the index, never in a row. A query of
words and word pairs is answered by the index exactly (no recheck), so a row's lexemes are
computed only when a row is written. ``ix_article_search_title`` (GIN on the title's lexemes,
``ts_filter(head, '{a}')``) finds the title matches of frequent queries.

The rows are kept current by statement-level triggers with transition tables: one INSERT ...
SELECT per statement, however many rows it wrote (a batch of a crawl, a restore).

SQLite: nothing changes (FTS5 already stores positions compactly).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

from bantin.archive.migrate import earlier_revision

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BODY_CHARS = 200_000  # as migration 0002: the indexed prefix of a body
LONGEST = 200  # tokens this long are not indexed (a tsvector lexeme must stay under 2 kB)

# the articles of the fill function's range (its arguments ``lo`` and ``hi``)
_RANGE = "public.articles r WHERE r.id >= lo AND r.id < hi"
_COLUMNS = "(article_id, sort_at, source_id, relevance, topics, words, head)"
_CONFLICT = """ON CONFLICT (article_id) DO UPDATE
        SET sort_at = EXCLUDED.sort_at, source_id = EXCLUDED.source_id, relevance = EXCLUDED.relevance,
            topics = EXCLUDED.topics, words = EXCLUDED.words, head = EXCLUDED.head"""


def _rows(rows: str) -> str:
    """The article_search rows (in ``_COLUMNS``' order) of the articles ``r`` in ``rows``."""
    return f"""SELECT n.id, n.sort_at, n.source_id, n.relevance, n.topics, n.words, public.bantin_search_head_of(n.words) AS head
        FROM (SELECT r.id, coalesce(r.published_at, r.fetched_at) AS sort_at, r.source_id, r.relevance,
                     public.bantin_search_topics(r.topics) AS topics,
                     public.bantin_search_text(r.title, r.lead, r.body) AS words
              FROM {rows}) n"""


def _upsert(rows: str) -> str:
    """INSERT ... ON CONFLICT of the article_search rows of the articles ``r`` in ``rows``."""
    return f"""INSERT INTO public.article_search {_COLUMNS}
        {_rows(rows)}
        {_CONFLICT}"""


_TEXT_CHANGED = """((r.title, r.lead, r.body, r.published_at, r.fetched_at)
              IS DISTINCT FROM (o.title, o.lead, o.body, o.published_at, o.fetched_at))"""

FUNCTIONS = (
    # the folded tokens of one field, single-spaced, no blanks at either end; a token of LONGEST
    # characters or more (no word: a hash, base64) is left out
    f"""CREATE OR REPLACE FUNCTION bantin_search_field(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT btrim(regexp_replace(coalesce(public.bantin_search_words(value), ''), '[^ ]{{{LONGEST},}}', '', 'g'), ' ') $$""",
    f"""CREATE OR REPLACE FUNCTION bantin_search_text(title text, lead text, body text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ' ' || public.bantin_search_field(title) || ' | ' || public.bantin_search_field(lead)
                 || ' | ' || public.bantin_search_field(left(body, {BODY_CHARS})) || ' ' $$""",
    # every word and every adjacent pair of words within one field; no positions, no weights.
    # Its cost is set high so that the planner never evaluates it per row to filter.
    """CREATE OR REPLACE FUNCTION bantin_search_lexemes(words text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT COST 100000
    AS $$ SELECT array_to_tsvector(array_remove(array_remove(t, ''), '|') || ARRAY(
            SELECT p.a || ' ' || p.b
            FROM (SELECT unnest(t[1:cardinality(t) - 1]) AS a, unnest(t[2:]) AS b) p
            WHERE p.a NOT IN ('', '|') AND p.b NOT IN ('', '|')))
        FROM (SELECT string_to_array(words, ' ') AS t) f $$""",
    """CREATE OR REPLACE FUNCTION bantin_search_head_of(words text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT setweight(to_tsvector('pg_catalog.simple', split_part(words, ' | ', 1)), 'A')
                 || setweight(to_tsvector('pg_catalog.simple', split_part(words, ' | ', 2)), 'B') $$""",
    # the articles with lo <= id < hi, (re)built: the backfill here and ``bantin db reindex``
    f"""CREATE OR REPLACE FUNCTION bantin_article_search_fill(lo bigint, hi bigint) RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE done bigint;
    BEGIN
        {_upsert(_RANGE)};
        GET DIAGNOSTICS done = ROW_COUNT;
        RETURN done;
    END $$""",
    # one statement's rows, as article_search rows
    f"""CREATE OR REPLACE FUNCTION bantin_article_search_upsert_rows() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {_upsert("new_rows r")};
        RETURN NULL;
    END $$""",
    # an UPDATE: rows whose text or time changed are rebuilt; the others get their filters only
    f"""CREATE OR REPLACE FUNCTION bantin_article_search_update_rows() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {_upsert(f"new_rows r JOIN old_rows o ON o.id = r.id WHERE {_TEXT_CHANGED}")};
        UPDATE public.article_search s
        SET source_id = r.source_id, relevance = r.relevance, topics = public.bantin_search_topics(r.topics)
        FROM new_rows r JOIN old_rows o ON o.id = r.id
        WHERE s.article_id = r.id AND NOT {_TEXT_CHANGED}
          AND (r.source_id, r.relevance, r.topics::text) IS DISTINCT FROM (o.source_id, o.relevance, o.topics::text);
        RETURN NULL;
    END $$""",
)

TOAST_TARGET = 1500  # bytes: see TABLE

TABLE = (
    """CREATE TABLE article_search (
        article_id integer PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        sort_at timestamptz NOT NULL,
        source_id integer NOT NULL,
        relevance double precision NOT NULL,
        topics text[] NOT NULL,
        head tsvector NOT NULL,
        words text NOT NULL
    )""",
    # (the sort-time histogram keeps the default 100 buckets: migration 0012)
    # a row over PostgreSQL's fixed threshold (about 2 kB) has ``words`` compressed, and moved out
    # of line, until the row is under 1.5 kB (measured at 200,000 synthetic articles: 44% of the
    # rows compressed, most of those out of line; rows under 2 kB are stored as they are)
    f"ALTER TABLE article_search SET (toast_tuple_target = {TOAST_TARGET})",
)

# Built after the rows are in (faster than index maintenance row by row). Also used by
# ``bantin db reindex`` (archive/search/reindex.py reads them from here via the database).
INDEXES = (
    "CREATE INDEX ix_article_search_lexemes ON article_search USING gin (bantin_search_lexemes(words))",
    "CREATE INDEX ix_article_search_title ON article_search USING gin (ts_filter(head, '{a}'))",
    "CREATE INDEX ix_article_search_sort_at ON article_search (sort_at DESC, article_id DESC)",
    "CREATE INDEX ix_article_search_source_sort_at ON article_search (source_id, sort_at DESC, article_id DESC)",
    "CREATE INDEX ix_article_search_topics ON article_search USING gin (topics)",
)

BACKFILL = "SELECT bantin_article_search_fill(0, 9223372036854775807)"

TRIGGERS = (
    """CREATE TRIGGER articles_search_insert AFTER INSERT ON articles
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bantin_article_search_upsert_rows()""",
    """CREATE TRIGGER articles_search_update AFTER UPDATE ON articles
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bantin_article_search_update_rows()""",
)

OLD = (
    "DROP TRIGGER IF EXISTS articles_search_meta ON articles",
    "DROP TRIGGER IF EXISTS articles_search_update ON articles",
    "DROP TRIGGER IF EXISTS articles_search_insert ON articles",
    "DROP TABLE IF EXISTS article_search",
    "DROP FUNCTION IF EXISTS bantin_article_search_sync()",
    "DROP FUNCTION IF EXISTS bantin_article_search_meta()",
    "DROP FUNCTION IF EXISTS bantin_search_document(text, text, text)",
    "DROP FUNCTION IF EXISTS bantin_search_head(text, text)",
    "DROP FUNCTION IF EXISTS bantin_search_pairs(text)",
)

NEW = (
    "DROP TRIGGER IF EXISTS articles_search_update ON articles",
    "DROP TRIGGER IF EXISTS articles_search_insert ON articles",
    "DROP TABLE IF EXISTS article_search",
    "DROP FUNCTION IF EXISTS bantin_article_search_upsert_rows()",
    "DROP FUNCTION IF EXISTS bantin_article_search_update_rows()",
    "DROP FUNCTION IF EXISTS bantin_article_search_fill(bigint, bigint)",
    "DROP FUNCTION IF EXISTS bantin_search_head_of(text)",
    "DROP FUNCTION IF EXISTS bantin_search_lexemes(text)",
    "DROP FUNCTION IF EXISTS bantin_search_text(text, text, text)",
    "DROP FUNCTION IF EXISTS bantin_search_field(text)",
)


def _run(statements: tuple[str, ...] | list[str]) -> None:
    bind = op.get_bind()
    for sql in statements:
        bind.exec_driver_sql(sql)


def _lz4() -> list[str]:
    """Compress ``words`` with lz4 where the server was built with it (faster to read than pglz)."""
    row = op.get_bind().exec_driver_sql(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)").first()
    return ["ALTER TABLE article_search ALTER COLUMN words SET COMPRESSION lz4"] if row else []


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _run(OLD)
    _run(FUNCTIONS)
    _run(TABLE)
    _run(_lz4())
    # the GIN build gathers words and pairs in memory: a larger batch builds it several times faster
    _run((BACKFILL, "SET LOCAL maintenance_work_mem = '256MB'", *INDEXES, *TRIGGERS, "ANALYZE article_search"))


def downgrade() -> None:
    """Back to the layout of migrations 0002-0003 (rebuilt from the articles)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    _run(NEW)
    old = earlier_revision("0002_search.py")
    _run([sql for sql in old.PG_UP if "ix_articles_title_trgm" not in sql])
    op.execute("CREATE INDEX ix_article_search_source_sort_at ON article_search "
               "(source_id, sort_at DESC, article_id DESC)")
    op.execute("CREATE INDEX ix_article_search_topics ON article_search USING gin (topics)")
    op.execute("ALTER TABLE article_search ALTER COLUMN sort_at SET STATISTICS 1000")
    op.execute("ANALYZE article_search")
