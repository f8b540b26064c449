"""Crawl faults: the crawl process killed halfway; sources that hang, never end or redirect forever."""

from __future__ import annotations

import pytest
from reliability_scenarios import (
    crawl_killed,
    endless_sources,
    fresh_postgres,
    sqlite_url,
)


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
