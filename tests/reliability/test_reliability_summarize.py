"""The summarizer killed mid-batch: the re-run stores each missing summary once, nothing twice."""

from __future__ import annotations

import pytest
from reliability_scenarios import (
    duplicate_summary_refused,
    fresh_postgres,
    sqlite_url,
    summarizer_killed,
)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_summarizer_killed_mid_batch_then_rerun_stores_each_summary_once(tmp_path, backend):
    if backend == "sqlite":
        url = sqlite_url(tmp_path / "bantin.db")
        result, refused = summarizer_killed(tmp_path, url), duplicate_summary_refused(url)
    else:
        with fresh_postgres() as url:
            result, refused = summarizer_killed(tmp_path, url), duplicate_summary_refused(url)
    info = result.details
    assert info["reached"] and 0 < info["stored_at_kill"] < result.expected, info  # killed mid-way
    assert info["rerun_exit"] == 0, info["rerun_stderr"]
    assert info["kept_untouched"]  # what the killed run stored is kept as it was, not redone
    assert (result.stored, result.duplicated, result.lost) == (result.expected, 0, 0)
    assert refused == (True, True)  # the (article, model, options) key is unique in the schema itself
