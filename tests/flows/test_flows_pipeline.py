"""The pipeline end to end: demo mirror -> archive (SQLite and PostgreSQL) -> summaries -> edition."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from bantin.archive.models import STORY_SUFFIX, Article, CrawlRun, Edition, EditionItem, Summary
from bantin.flows import pipeline_flow
from bantin.spiders.mirror import write_sources_file


def _overrides(db, tmp_path: Path, sources: Path) -> dict[str, str]:
    return {"database_url": db.url, "sources_file": str(sources), "out_dir": str(tmp_path / "out"),
            "data_dir": str(tmp_path / "data"), "crawl_parallel_sources": 8}


def test_pipeline_end_to_end(db, mirror, tmp_path):
    sources = write_sources_file(mirror.base_url, tmp_path / "sources.toml")
    overrides = _overrides(db, tmp_path, sources)
    result = pipeline_flow(period="daily", overrides=overrides)

    assert result["status"] == "ok", result["crawl"]["sources"]
    with db.session() as s:
        articles = s.scalars(select(Article)).all()
        relevant = {a.id for a in articles if a.relevance >= 0.2}
        assert len(articles) == result["crawl"]["totals"]["new"] > 0
        own = ~Summary.model_id.like("%" + STORY_SUFFIX)
        assert s.scalar(select(func.count()).select_from(Summary).where(own)) == len(articles)  # each summarized once
        stories = s.scalar(select(func.count()).select_from(Summary).where(~own))  # one per syndicated story
        assert stories == result["summarize"]["stories"] > 0
        edition = s.scalars(select(Edition)).one()
        items = s.scalars(select(EditionItem).where(EditionItem.edition_id == edition.id)).all()
        carried = [i.article_id for i in items]
        assert len(carried) == len(set(carried)) == edition.item_count > 0
        assert set(carried) <= relevant
        clusters = [s.get(Article, aid).cluster_id or aid for aid in carried]
        assert len(clusters) == len(set(clusters))  # one item per story
        linked = [i for i in items if i.also_covered]
        assert linked, "the mirror's syndicated stories should be linked as 'also covered by'"
        for item in linked:
            members = s.scalars(select(Article).where(Article.cluster_id == s.get(Article, item.article_id).cluster_id)).all()
            assert len(members) >= 2
        runs = s.scalars(select(CrawlRun)).all()
        assert {r.status for r in runs} == {"ok"}
    html = (Path(edition.output_dir) / "edition.html").read_text(encoding="utf-8")
    assert "Cũng được đưa tin bởi" in html and "tổng hợp từ" in html
    with db.session() as s:
        for aid in carried:
            assert s.get(Article, aid).title.split()[0] in html

    again = pipeline_flow(period="daily", overrides=overrides)  # nothing new: nothing twice
    assert again["crawl"]["totals"]["new"] == 0 and again["summarize"]["summarized"] == again["summarize"]["stories"] == 0
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Summary)) == len(articles) + stories
        later = s.scalars(select(EditionItem).where(EditionItem.edition_id != edition.id)).all()
        assert not set(carried) & {i.article_id for i in later}


def test_failing_sources_do_not_stop_the_others(db, mirror, tmp_path):
    sources = write_sources_file(mirror.base_url, tmp_path / "sources.toml")
    text = sources.read_text(encoding="utf-8")
    dead = text.replace(mirror.base_url, "http://127.0.0.1:9", 1)  # the first source points nowhere
    sources.write_text(dead, encoding="utf-8")
    result = pipeline_flow(period="daily", overrides=_overrides(db, tmp_path, sources))
    states = {row["key"]: row["status"] for row in result["crawl"]["sources"]}
    assert result["status"] == "partial"
    assert list(states.values()).count("failed") == 1 and "ok" in states.values()
    assert result["newsletter"]["edition"]["items"] > 0
    assert json.dumps(result)  # the run's totals are plain data
