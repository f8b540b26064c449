"""Summaries fan out over a Dask cluster when BANTIN_DASK_ADDRESS is set (a LocalCluster here)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from distributed import LocalCluster
from sqlalchemy import func, select

from bantin.archive.models import Summary
from bantin.archive.repository import ArticleIn, upsert_article
from bantin.flows import summarize_flow_for
from bantin.settings import load_settings


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as local:
        yield local


def test_summaries_fan_out_over_dask(db, cluster, tmp_path):
    now = datetime.now(UTC)
    with db.session() as s:
        for n in range(70):
            upsert_article(s, ArticleIn(
                source_key="genk", url=f"https://genk.vn/{n}.chn", canonical_url=f"https://genk.vn/{n}.chn",
                title=f"Mô hình ngôn ngữ lớn số {n} ra mắt",
                lead=f"Công ty {n} công bố mô hình trí tuệ nhân tạo mới cho tiếng Việt.",
                body=f"Mô hình thứ {n} có {n + 1} tỷ tham số. Nó chạy trên GPU phổ thông. Người dùng thử miễn phí.",
                published_at=now - timedelta(minutes=n), relevance=0.9))
    overrides = {"database_url": db.url, "dask_address": cluster.scheduler_address, "data_dir": str(tmp_path),
                 "summarize_batch_size": 4}
    flow = summarize_flow_for(load_settings(**overrides))
    assert flow.task_runner.__class__.__name__ == "DaskTaskRunner"
    before = cluster.scheduler.transition_counter
    report = flow(overrides=overrides)
    assert cluster.scheduler.transition_counter > before  # the batches really went through Dask
    assert (report["summarized"], report["failed"], report["skipped"]) == (70, 0, 0)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Summary)) == 70
        assert s.scalar(select(func.count(func.distinct(Summary.article_id)))) == 70
    again = flow(overrides=overrides)
    assert again["summarized"] == 0
