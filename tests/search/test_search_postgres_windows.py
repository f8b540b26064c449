"""PostgreSQL's recency windows: cut from the sort-time histogram, sized by the newest rows'
share, read in time order or from the GIN indexes; every way gives the page a full ranking gives."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from search_corpus import NOW, fill, make_bounded, old_title_match
from sqlalchemy import event, text

from bantin.archive.search import SearchFilters, search


@pytest.mark.parametrize("in_order", [True, False], ids=["newest-rows-in-order", "gin-bitmap"])
@pytest.mark.parametrize("query", ["tri tue nhan tao", '"tri tue nhan tao"', "ngan hang -bitcoin", "ai OR duong", "hoa",
                                   '"nhan tao" -"tien ao"'])
def test_postgres_recency_window_and_full_index_agree(archive, monkeypatch, query, in_order):
    """PostgreSQL first looks in a recency window, then in a larger one or everything: each way,
    in time order or by GIN bitmap, gives the same page."""
    if archive.db.backend != "postgresql":
        pytest.skip("the recency window exists on PostgreSQL only")
    monkeypatch.setattr("bantin.archive.search.CANDIDATES", 2)
    monkeypatch.setattr("bantin.archive.search.postgres.ALL_MATCHES", 0)
    monkeypatch.setattr("bantin.archive.search.postgres.TITLE_MATCHES", 0)
    monkeypatch.setattr("bantin.archive.search.postgres.DENSE_SHARE", 0.0 if in_order else 1.1)
    monkeypatch.setattr("bantin.archive.search.postgres.WHOLE_RANGE", float("inf"))  # a window however few match
    with archive.db.engine.connect() as conn:
        fifth_newest = conn.execute(text("SELECT sort_at FROM article_search ORDER BY sort_at DESC OFFSET 4")).scalar()
    windows = []

    def newest_rows_window(bounds, fraction):
        """The newest 5 rows first; everything on the second call."""
        windows.append(None if windows else fifth_newest)
        return windows[-1]

    monkeypatch.setattr("bantin.archive.search.postgres.window_start", newest_rows_window)
    windowed = [(h.article_id, round(h.score, 9)) for h in search(archive.db, query, now=NOW).hits]
    monkeypatch.setattr("bantin.archive.search.postgres.window_start", lambda *args: None)
    full = [(h.article_id, round(h.score, 9)) for h in search(archive.db, query, now=NOW).hits]
    assert windows[0] is not None and windowed == full and full


def test_postgres_window_start_from_the_histogram(db):
    """The recency window's start, read from the sort-time histogram within the date filters."""
    if db.backend != "postgresql":
        pytest.skip("the recency window exists on PostgreSQL only")
    from bantin.archive.search.postgres_estimates import time_bounds, window_start

    fill(db, count_extra=60)
    filters = SearchFilters(since=NOW - timedelta(days=80), until=NOW - timedelta(days=35))
    with db.engine.begin() as conn:
        assert window_start(time_bounds(conn, filters), 0.1) is None  # no statistics yet: no window
        conn.execute(text("ANALYZE article_search"))
        bounds = time_bounds(conn, filters)
        start = window_start(bounds, 0.1)
        assert window_start(bounds, 0.5) is None  # half the range or more: no window
        newer = conn.execute(text("SELECT count(*) FROM article_search WHERE sort_at >= :start AND sort_at < :until"),
                             {"start": start, "until": filters.until}).scalar_one()
        in_range = conn.execute(text("SELECT count(*) FROM article_search WHERE sort_at >= :since AND sort_at < :until"),
                                {"since": filters.since, "until": filters.until}).scalar_one()
    assert filters.since <= start < filters.until
    assert 1 <= newer <= in_range // 2, (newer, in_range)


def test_window_start_interpolates_inside_a_bucket():
    """Between two histogram bounds rows are taken as spread evenly in time: a window of a
    quarter of a bucket starts a quarter of the way back into the newest bucket."""
    from bantin.archive.search.postgres_estimates import window_start

    bounds = [NOW - timedelta(days=10 * n) for n in range(10, -1, -1)]  # 10 buckets of 10 days
    assert window_start(bounds, 0.025) == NOW - timedelta(days=2.5)
    assert window_start(bounds, 0.25) == NOW - timedelta(days=25)
    assert window_start(bounds, 0.1) == NOW - timedelta(days=10)
    assert window_start(bounds, 0.5) is None and window_start(bounds, 0.9, whole=1.0) == NOW - timedelta(days=90)
    assert window_start(bounds[:1], 0.1) is None and window_start([], 0.1) is None


def test_postgres_histogram_has_the_default_buckets(db):
    """Migration 0012: the sort-time statistics target is PostgreSQL's default again (ANALYZE
    samples 300 rows per unit of the largest target, index expressions included)."""
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL statistics")
    with db.engine.connect() as conn:
        target = conn.execute(text("SELECT attstattarget FROM pg_attribute WHERE attrelid = 'article_search'::regclass "
                                   "AND attname = 'sort_at'")).scalar_one()
    assert target == -1


def test_postgres_title_index_serves_the_title_questions(db):
    """Migration 0013: the title's lexemes have a GIN index of their own, over the very
    expression search asks (``postgres.TITLE``); a downgrade removes it, an upgrade builds it
    again over the rows already stored."""
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL's title index")
    from bantin.archive.migrate import downgrade, upgrade
    from bantin.archive.search import postgres

    fill(db, count_extra=30)
    sql = f"EXPLAIN SELECT 1 FROM article_search s WHERE {postgres.TITLE} @@ CAST(:q AS tsquery)"

    def plan() -> str:
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            return "\n".join(conn.execute(text(sql), {"q": "'tri' & 'tue'"}).scalars())

    assert "ix_article_search_title" in plan()
    downgrade(db, "0012")
    assert "ix_article_search_title" not in plan()
    upgrade(db)
    assert "ix_article_search_title" in plan()
    titles = [hit.title for hit in search(db, "tri tue", SearchFilters(per_page=3), now=NOW).hits]
    assert titles and all("trí tuệ" in title.lower() for title in titles), titles


def test_postgres_counts_in_the_index_what_its_statistics_do_not_know(db, monkeypatch):
    """The planner knows the share of a word or word pair only when its statistics list it among
    the most common (of the lexemes index); any other it guesses at one fixed share. For a query
    of one clause those are counted in the index, and the counts are the matches."""
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL statistics")
    from bantin.archive.search import parse_query, postgres_estimates, postgres_sql

    fill(db, count_extra=30)
    with db.engine.begin() as conn:
        # no statistics of the lexemes (as for every lexeme but the 1,000 or so most common)
        conn.execute(text("DELETE FROM pg_statistic WHERE starelid = 'ix_article_search_lexemes'::regclass"))
        postgres_sql.planner_settings(conn)
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        known = conn.execute(text("SELECT count(*) FROM pg_stats WHERE tablename = 'ix_article_search_lexemes'")).scalar()
        truth = {value: conn.execute(text(f"SELECT count(*) FROM article_search s WHERE {postgres_sql.LEXEMES} @@ "
                                          "CAST(:q AS tsquery)"), {"q": f"'{value}'"}).scalar_one()
                 for value in ("tri", "tri tue", "nhan tao", "tao tri")}
        counts = postgres_estimates.index_counts(conn, [f"'{value}'" for value in truth])
        assert counts == [float(max(n, 1)) for n in truth.values()]
        views = {query: postgres_estimates.planner_view(conn, parse_query(query), [], {})
                 for query in ("tri", '"tri tue" -duong', '"nhan tao" OR tri', 'tri "nhan tao"')}
    assert known == 0 and truth["tao tri"] == 0 and min(truth["tri"], truth["tri tue"], truth["nhan tao"]) > 30
    for query, values in (("tri", ["tri"]), ('"tri tue" -duong', ["tri tue"]), ('"nhan tao" OR tri', ["nhan tao", "tri"])):
        total, _, shares = views[query]
        assert [round(shares[value] * total) for value in values] == [truth[value] for value in values], query
    # several clauses: the planner's guesses stand (the newest rows are probed instead)
    _, _, shares = views['tri "nhan tao"']
    assert shares["tri"] == shares["nhan tao"]
    # a plan without the index's bitmaps (bitmaps off): no counts, and the guesses stand
    with db.engine.begin() as conn:
        postgres_sql.planner_settings(conn)
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        monkeypatch.setattr(postgres_estimates, "only_scans",
                            lambda conn, bitmap: conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off"))
        assert postgres_estimates.index_counts(conn, ["'tri'"]) is None
        total, _, shares = postgres_estimates.planner_view(conn, parse_query("tri"), [], {})
    assert round(shares["tri"] * total) != truth["tri"]


def test_postgres_counts_words_that_may_not_go_together(db, monkeypatch):
    """Several words whose shares, multiplied as if independent, are few enough to rank all,
    but more by the estimate (which takes news words as going together): their matches are
    counted in the index, and when there are few enough all are ranked and the total is exact."""
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL estimates")
    from bantin.archive.search import postgres

    fill(db, count_extra=30)
    with db.engine.connect() as conn:
        truth = conn.execute(text("SELECT count(*) FROM article_search WHERE words LIKE '% tri %' "
                                  "AND words LIKE '% ung %'")).scalar_one()
    monkeypatch.setattr(postgres, "ALL_MATCHES", truth)
    real_view, real_counts, counted = postgres.planner_view, postgres.index_counts, []

    def words_as_independent(conn, parsed, extra, params):
        total, scope, shares = real_view(conn, parsed, extra, params)
        share = 0.999 * math.sqrt(truth / scope)  # the product of two: the truth (about); the estimate: more
        assert share**2 * scope <= truth < share**1.5 * scope
        return total, scope, dict.fromkeys(shares, share)

    monkeypatch.setattr(postgres, "planner_view", words_as_independent)
    monkeypatch.setattr(postgres, "index_counts",
                        lambda conn, queries: (queries and counted.append(queries)) or real_counts(conn, queries))
    results = search(db, "tri ung", now=NOW)
    assert counted == [["('tri') & ('ung')"]]
    assert (results.total, results.capped) == (truth, False) and len(results.hits) == min(truth, 20)
    # without the count: the newest matches and the title matches, the total an estimate
    monkeypatch.setattr(postgres, "index_counts", lambda conn, queries: None)
    assert search(db, "tri ung", now=NOW).capped


def test_postgres_topic_filter_checks_the_newest_rows_first(db, monkeypatch):
    """A topic filter's topic must exist: looked for in the newest rows first (a frequent topic's
    GIN bitmap lists a third of the archive), then in the topics index (an old or rare topic,
    and one nobody has), with sequential scans off as in a search."""
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL's topic check")
    from bantin.archive.search import postgres

    fill(db, count_extra=30)
    monkeypatch.setattr(postgres, "TOPIC_PROBE", 3)
    statements = []
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        newest = conn.execute(text("SELECT topics FROM article_search ORDER BY sort_at DESC, article_id DESC "
                                   "LIMIT 3")).scalars().all()
        old = conn.execute(text("SELECT DISTINCT unnest(topics) FROM article_search")).scalars().all()
        recent = sorted({topic for topics in newest for topic in topics})
        rare = sorted(set(old) - set(recent))
        assert recent and rare, (recent, old)

        def checked(topic: str) -> tuple[bool, int]:
            before = len(statements)
            found = postgres.PostgresSearch.topic_exists(conn, topic)
            return found, len(statements) - before

        event.listen(conn, "before_cursor_execute", lambda *args: statements.append(args[2]))
        assert checked(recent[0]) == (True, 1)  # found among the newest rows: one statement
        assert checked(rare[0]) == (True, 2)
        assert checked("chua-ai-co") == (False, 2)
    with pytest.raises(Exception, match="unknown topic"):
        search(db, "tri tue", SearchFilters(topics=("chua-ai-co",)), now=NOW)
    assert search(db, "tri tue", SearchFilters(topics=(rare[0],)), now=NOW) is not None


def test_postgres_title_window_counts_the_titles_not_the_heads(db, monkeypatch):
    """The planner counts every head holding a word, whatever its weight; the title window is
    sized by the share of the newest rows whose *title* holds it."""
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL's title window")
    from bantin.archive.search import postgres

    fill(db, count_extra=30)
    monkeypatch.setattr(postgres, "HEAD_PROBE", 10)
    with db.engine.begin() as conn:
        newest = conn.execute(text("SELECT head @@ CAST(:q AS tsquery) FROM article_search "
                                   "ORDER BY sort_at DESC, article_id DESC LIMIT 10"), {"q": "'tri':A"}).scalars().all()
        share = postgres._newest_head_share(conn, "s.head @@ CAST(:titles AS tsquery)", [], {"titles": "'tri':A"})
    assert share == sum(newest) / 10 and 0 < share < 1


def test_postgres_reads_words_found_together_in_time_order(db, monkeypatch):
    """PostgreSQL reads a frequent query's newest matches in time order when a third or more of
    the newest rows match, though the planner (the words' shares multiplied) expects fewer: the
    page is the same either way."""
    if db.backend != "postgresql":
        pytest.skip("the time-order walk exists on PostgreSQL only")
    from bantin.archive.search import parse_query, postgres

    fill(db, count_extra=30)
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE article_search"))  # (the planner's count of rows scales the share)
        assert postgres._newest_share(conn, parse_query("tri tue nhan tao"), [], {}) >= postgres.DENSE_SHARE
        assert postgres._newest_share(conn, parse_query("duong sat"), [], {}) < postgres.DENSE_SHARE
    full = [(hit.article_id, round(hit.score, 9)) for hit in search(db, "tri tue nhan tao", now=NOW).hits]
    probed, share = [], postgres._newest_share
    monkeypatch.setattr(postgres, "_newest_share", lambda *args: probed.append(share(*args)) or probed[-1])
    monkeypatch.setattr(postgres, "text_share", lambda *args, **kwargs: 0.01)  # the planner's view: rare together
    make_bounded(monkeypatch, 10)
    page = search(db, "tri tue nhan tao", SearchFilters(per_page=5), now=NOW)
    assert probed and probed[0] >= postgres.DENSE_SHARE
    assert page.capped and [(hit.article_id, round(hit.score, 9)) for hit in page.hits] == full[:5]
    # the estimated total is the newest rows' share, not the planner's (34 of 38 articles match)
    assert 30 <= page.total <= 38, page.total


def test_postgres_many_title_matches_are_scored_in_the_newest_window(db, monkeypatch):
    """When more articles have the words in their title than are worth scoring, PostgreSQL scores
    those in a recency window (an old one would need about twice the text rank of a fresh one)."""
    if db.backend != "postgresql":
        pytest.skip("the head index exists on PostgreSQL only")
    from bantin.archive.search import postgres

    fill(db, count_extra=30)
    old = old_title_match(db, title="Trí tuệ: bài cũ", body="Nhân tạo, không có gì.")  # two of four words in the title
    whole = old_title_match(db, url="https://genk.vn/cu-2.html")  # the whole query in its title
    make_bounded(monkeypatch, 10)
    every = [hit.article_id for hit in search(db, "tri tue nhan tao", SearchFilters(per_page=6), now=NOW).hits]
    monkeypatch.setattr(postgres, "HEAD_RANKED", 0)
    cutoffs = []

    def window(bounds, fraction, whole=postgres.WHOLE_RANGE):
        """The title matches' window (the whole range may be cut): the last 100 days; none else."""
        cutoffs.append(whole)
        return NOW - timedelta(days=100) if whole == 1.0 else None

    monkeypatch.setattr(postgres, "window_start", window)
    recent = [hit.article_id for hit in search(db, "tri tue nhan tao", SearchFilters(per_page=6), now=NOW).hits]
    assert old in every and old not in recent and 1.0 in cutoffs
    # (every clause in the title: the highest text ranks, scored whatever their age while few)
    assert whole in every and whole in recent


def _pages_by_setting(db, monkeypatch, query: str, setting: str, values: tuple) -> dict:
    """For each value of ``postgres.<setting>``: the page of ``query`` (ids and scores) and the
    statements it ran, every title tier with a window (the last 100 days)."""
    from bantin.archive.search import postgres

    fill(db, count_extra=30)
    old_title_match(db, title="Trí tuệ: bài cũ", body="Nhân tạo, không có gì.")
    make_bounded(monkeypatch, 10)
    monkeypatch.setattr(postgres, "HEAD_RANKED", 0)
    monkeypatch.setattr(postgres, "window_start",
                        lambda bounds, fraction, whole=postgres.WHOLE_RANGE: NOW - timedelta(days=100) if whole == 1.0 else None)
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda conn, cursor, sql, *args: statements.append(sql))
    runs = {}
    for value in values:
        monkeypatch.setattr(postgres, setting, value)
        statements.clear()
        page = search(db, query, SearchFilters(per_page=6), now=NOW)
        runs[value] = ([(hit.article_id, round(hit.score, 9)) for hit in page.hits], " ".join(statements))
    return runs


@pytest.mark.parametrize("query", ["tri", "tri tue nhan tao"])
def test_postgres_title_window_read_row_by_row_or_from_the_index_agree(db, monkeypatch, query):
    """A title window with far fewer rows than the heads holding the words is read row by row
    (each head checked) instead of from the head index: the same page either way."""
    if db.backend != "postgresql":
        pytest.skip("the head index exists on PostgreSQL only")
    runs = _pages_by_setting(db, monkeypatch, query, "WALK_FACTOR", (0, float("inf")))
    assert ["OFFSET 0) s WHERE s.head @@" in sql for _, sql in runs.values()] == [True, False]
    assert runs[0][0] == runs[float("inf")][0] and len(runs[0][0]) == 6


@pytest.mark.parametrize("query", ["tri", "tri tue", "tri tue nhan tao"])
def test_postgres_title_window_is_checked_on_the_rows_when_it_holds_most(db, monkeypatch, query):
    """A title window read from the GIN indexes is ANDed with the sort-time index's bitmap only
    when that spares more heap rows than it lists; otherwise (a window of most rows) the time is
    checked on the heads' rows. The same page either way."""
    if db.backend != "postgresql":
        pytest.skip("the head index exists on PostgreSQL only")
    from bantin.archive.search import postgres

    monkeypatch.setattr(postgres, "WALK_FACTOR", float("inf"))  # never read row by row
    runs = _pages_by_setting(db, monkeypatch, query, "SPARED_ROW", (0, float("inf")))
    unindexed, indexed = f"{postgres.UNINDEXED_SORT} >= %(title_cutoff0)s", "s.sort_at >= %(title_cutoff0)s"
    assert [(unindexed in sql, indexed in sql) for _, sql in runs.values()] == [(True, False), (False, True)]
    assert runs[0][0] == runs[float("inf")][0] and len(runs[0][0]) == 6
