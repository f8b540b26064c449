"""The summarizer killed mid-batch: two re-runs at once store each missing summary once, nothing twice."""

from __future__ import annotations

from reliability_scenarios import (
    duplicate_summary_refused,
    fresh_postgres,
    summarizer_killed,
)


def test_summarizer_killed_mid_batch_then_rerun_stores_each_summary_once(tmp_path):
    with fresh_postgres() as url:  # bench/faults.py also runs it on SQLite
        result, refused = summarizer_killed(tmp_path, url), duplicate_summary_refused(url)
    info = result.details
    assert info["reached"] and 0 < info["stored_at_kill"] < result.expected, info  # killed mid-way
    assert info["rerun_exits"] == [0, 0], info["rerun_stderr"]
    assert info["stored_at_kill"] + sum(info["made"]) == result.expected  # each missing one stored by one re-run
    assert info["kept_untouched"]  # what the killed run stored is kept as it was, not redone
    assert (result.stored, result.duplicated, result.lost) == (result.expected, 0, 0)
    assert refused == (True, True)  # the (article, model, options) key is unique in the schema itself
