"""search fill in parallel (PostgreSQL): ``bantin db reindex`` folds the articles on every core.

``bantin_article_search_fill(lo, hi)`` (migration 0005) rebuilt the rows of a range of articles
with one INSERT ... SELECT. PostgreSQL gives no parallel workers to a statement that writes, so
the fold of title, lead and body (unaccent, lower case, the token split: about 430 us an article
here) ran in one process: at 200,000 articles 87 s of a 284 s build. Now the rows are
computed by ``CREATE TEMP TABLE ... AS``, whose SELECT may run in parallel workers (the function
lowers the planner's parallel costs for itself: a batch of 5,000 articles looks cheap to it, the
fold being SQL functions it prices as a few operators), then copied into ``article_search`` with
the same ON CONFLICT as before, and the temporary table dropped. The copy keeps the compressed
values as they are, so the temporary table compresses as ``article_search`` does: the same
``toast_tuple_target``, and ``words``' compression method (lz4 where migration 0005 set it).

A role that may not create temporary tables in the database fills as before.

The triggers of the crawl's statements are unchanged (their rows are few; a parallel plan would
cost more to start than it saves).

SQLite: nothing changes.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

from bantin.archive.migrate import earlier_revision

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_SETTINGS = ("parallel_setup_cost = 0", "parallel_tuple_cost = 0", "min_parallel_table_scan_size = 0",
             "min_parallel_index_scan_size = 0")


def _fill(compression: str | None) -> str:
    """The fill function; ``compression``: ``article_search.words``' method, if it has its own."""
    compact = earlier_revision("0005_search_compact.py")
    settings = [*_SETTINGS, *([f"default_toast_compression = {compression}"] if compression else [])]
    return f"""CREATE OR REPLACE FUNCTION bantin_article_search_fill(lo bigint, hi bigint) RETURNS bigint
    LANGUAGE plpgsql {" ".join(f"SET {setting}" for setting in settings)}
    AS $$
    DECLARE done bigint;
    BEGIN
        IF NOT has_database_privilege(current_database(), 'TEMPORARY') THEN  -- (as migration 0005)
            {compact._upsert(compact._RANGE)};
            GET DIAGNOSTICS done = ROW_COUNT;
            RETURN done;
        END IF;
        CREATE TEMP TABLE bantin_search_fill WITH (toast_tuple_target = {compact.TOAST_TARGET}) AS
        {compact._rows(compact._RANGE)};
        INSERT INTO public.article_search {compact._COLUMNS} SELECT * FROM pg_temp.bantin_search_fill
        {compact._CONFLICT};
        GET DIAGNOSTICS done = ROW_COUNT;
        DROP TABLE pg_temp.bantin_search_fill;
        RETURN done;
    END $$"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    method = bind.exec_driver_sql("""SELECT CASE a.attcompression WHEN 'l' THEN 'lz4' WHEN 'p' THEN 'pglz' END
        FROM pg_attribute a WHERE a.attrelid = 'article_search'::regclass AND a.attname = 'words'""").scalar()
    bind.exec_driver_sql(_fill(method))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    compact = earlier_revision("0005_search_compact.py")
    bind.exec_driver_sql(next(sql for sql in compact.FUNCTIONS if "FUNCTION bantin_article_search_fill(" in sql))
