"""Crawl faults: the crawl process killed halfway; sources that hang, never end or redirect forever."""

from __future__ import annotations

import pytest
from reliability_scenarios import (
    FAST,
    crawl_killed,
    crawl_settings,
    endless_sources,
    fresh_postgres,
    run_statuses,
    sqlite_url,
)

from bantin.archive.engine import Database
from bantin.archive.locking import pipeline_lock
from bantin.configure import crawl_options
from bantin.spiders.mirror import write_sources_file
from bantin.spiders.run import run_crawl


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_crawl_killed_halfway_is_finished_by_the_next_crawl(mirror, tmp_path, backend):
    if backend == "sqlite":
        result = crawl_killed(mirror, tmp_path, sqlite_url(tmp_path / "bantin.db"))
    else:
        with fresh_postgres() as url:
            result = crawl_killed(mirror, tmp_path, url)
    info = result.details
    assert info["reached"] and 0 < info["stored_at_kill"] < result.expected, info  # killed halfway
    assert info["crawl_children"] >= 1 and info["orphans_gone"], "the crawl child must die with its parent"
    assert info["running_after_kill"] == 8, info["statuses"]  # one running row per source, left by the dead crawl
    assert info["rerun_status"] == "ok" and info["rerun_new"] == result.expected - info["stored_at_kill"]
    assert info["statuses"] == ["interrupted"] * 8 + ["ok"] * 8
    assert (result.lost, result.duplicated, info["half_written"]) == (0, 0, 0)
    assert result.stored == result.expected > 0


def test_sources_that_never_finish_are_cut_off_and_the_others_finish(mirror, tmp_path):
    result = endless_sources(mirror, tmp_path, sqlite_url(tmp_path / "bantin.db"))
    info = result.details
    # silent and dripping servers time out, the endless body hits the size cap, the loop the redirect cap
    assert info["fault_reasons"] == info["expected_reasons"], info
    assert info["fault_status"] == "partial"  # its feed was read; every article failed
    assert info["others"] == {"genk": "ok", "znews": "ok"}
    assert (result.stored, result.lost, result.duplicated) == (result.expected, 0, 0) and result.expected > 0
    assert sorted(info["statuses"]) == ["ok", "ok", "partial"]


def test_a_source_another_crawl_holds_is_skipped_untouched(mirror, tmp_path):
    url = sqlite_url(tmp_path / "bantin.db")
    sources = write_sources_file(mirror.base_url, tmp_path / "sources.toml")
    db = Database.connect(url)
    try:
        with pipeline_lock(db, name="crawl-genk"):  # what a live crawl of genk holds
            report = run_crawl(crawl_options(crawl_settings(tmp_path, url)), sources=["genk", "znews"], sources_file=sources,
                               politeness=FAST)
    finally:
        db.close()
    genk = report.by_key("genk")
    assert genk.status == "failed" and genk.fetched == 0
    assert "another crawl of genk is running" in genk.errors[0]
    assert report.by_key("znews").status == "ok" and report.by_key("znews").new > 0
    assert run_statuses(url) == ["ok"]  # genk's rows belong to the crawl holding it: none written, none closed
