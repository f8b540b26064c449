"""Scrapy really crawls the local mirror: every shipped source, every bad case, both backends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bantin.archive.engine import Database
from bantin.archive.models import Article, CrawlRun, Source
from bantin.errors import MigrationError
from bantin.spiders import Politeness, run_crawl
from bantin.spiders.crawlsettings import CrawlOptions
from bantin.spiders.mirror import BAD_CASES, MirrorServer
from bantin.spiders.relevance import score_relevance

SHIPPED = ("vnexpress", "vietnamnet", "tuoitre", "thanhnien", "dantri", "genk", "znews", "vneconomy")
BAD_REASONS = {
    "duplicate-feed-item": 1, "http-404": 1, "http-410": 1, "no-article": 2, "not-html": 2,
    "redirected-away": 2, "robots-disallowed": 1, "timeout": 1, "too-large": 1,
}


def _articles(db: Database) -> dict[str, Article]:
    with db.session() as session:
        rows = session.scalars(select(Article)).all()
        for row in rows:
            _ = row.source.key
        return {row.canonical_url: row for row in rows}


def test_full_crawl_counts_everything_and_stores_exact_articles(
    db: Database, mirror: MirrorServer, test_sources: Path, crawl_settings: Callable[[str], CrawlOptions],
    fast: Politeness, user_agent: str,
) -> None:
    mirror.reset()
    report = run_crawl(crawl_settings(db.url), sources_file=test_sources, politeness=fast)

    assert report.status == "partial"
    assert report.failed_sources == ["rong", "hong", "mat"]
    for key in SHIPPED:
        source = report.by_key(key)
        expected = len(mirror.site.of_source(key))
        assert (source.status, source.discovered, source.fetched, source.new) == ("ok", expected, expected, expected), key
        assert (source.rejected, source.failed, source.duplicate) == (0, 0, 0), key
    redesign = next(a for a in mirror.articles if a.layout == "redesign")
    assert report.by_key("vnexpress").used_fallback == 1
    assert report.by_key("vnexpress").fallback_urls == (redesign.url,)
    assert report.total("used_fallback") == 1
    assert report.by_key("thanhnien").reasons == {"duplicate-feed-item": 3}  # feed and sitemap list the same items

    bad = report.by_key("loi")
    assert bad.reasons == BAD_REASONS
    assert (bad.status, bad.discovered, bad.new, bad.rejected, bad.failed) == ("partial", 15, 4, 8, 3)
    assert report.by_key("rong").reasons == {"feed-empty": 1}
    assert report.by_key("hong").reasons == {"feed-malformed": 1}
    assert report.by_key("mat").reasons == {"feed-http-404": 1}
    assert mirror.requests.count("/bad/on-dinh-sau-loi-may-chu-4960001.html") == 2  # 500, then 200 on retry
    assert not any(path.startswith("/bad/private/") for path in mirror.requests)  # robots.txt obeyed
    assert mirror.user_agents == {user_agent}

    stored = _articles(db)
    good = [a for a in mirror.articles if a.source != "bad"]
    bad_good = [a for a in mirror.articles if a.source == "bad"]
    assert set(stored) == {a.url for a in good} | {a.url for a in bad_good}  # nothing half-stored
    for article in good + bad_good:
        row = stored[article.url]
        assert (row.title, row.lead, row.body, row.author) == (article.title, article.lead, article.text, article.author)
        assert row.published_at == article.published
        assert row.language == "vi" and len(row.minhash) == 128
        relevance = score_relevance(article.title, article.lead, article.text)
        assert row.relevance == relevance.score and tuple(row.topics) == relevance.topics
        assert row.extraction == ("fallback" if article.layout else "selectors")
        assert row.source.key == (article.source if article.source != "bad" else "loi")
    assert not any(url.endswith(tuple(BAD_CASES)) for url in stored)

    clusters: dict[int, list[Article]] = {}
    for row in stored.values():
        clusters.setdefault(row.cluster_id, []).append(row)
    multi = sorted(sorted(r.source.key for r in rows) for rows in clusters.values() if len(rows) > 1)
    assert multi == [["dantri", "tuoitre", "vietnamnet"], ["thanhnien", "vnexpress", "znews"]]
    for cluster_id, rows in clusters.items():
        assert cluster_id == min(r.id for r in rows)  # the id of the cluster's earliest stored article

    with db.session() as session:
        runs = {run.source.key: run for run in session.scalars(select(CrawlRun))}
        sources = {s.key: s for s in session.scalars(select(Source))}
        assert set(runs) == set(SHIPPED) | {"loi", "rong", "hong", "mat"}
        for item in report.sources:
            run = runs[item.key]
            assert run.status == item.status and run.finished_at is not None
            assert {k: getattr(run, k) for k in item.counts()} == item.counts()
            assert run.reasons == item.reasons
        assert sources["rong"].consecutive_failures == 1 and "empty feed" in sources["rong"].last_error
        assert sources["vnexpress"].last_success_at is not None and sources["vnexpress"].consecutive_failures == 0
        assert sources["vnexpress"].name == "VnExpress - Số hóa"

    # incremental runs skip archived URLs (test_spider_cli); --refresh fetches them again, and an
    # article whose text changed since is updated in place
    edited = mirror.site.of_source("vnexpress")[1]
    route = f"/vnexpress/{edited.path}"
    mirror.site.by_path[route] = replace(edited, body=(*edited.body, "Cập nhật: hãng xác nhận lịch giao hàng."))
    try:
        refreshed = run_crawl(crawl_settings(db.url), sources_file=test_sources, sources=["vnexpress"],
                              refresh=True, politeness=fast)
    finally:
        mirror.site.by_path[route] = edited
    item = refreshed.by_key("vnexpress")
    assert (item.fetched, item.new, item.updated, item.reasons) == (4, 0, 1, {"unchanged": 3})
    after = _articles(db)
    assert len(after) == len(stored)
    assert after[edited.url].body.endswith("Cập nhật: hãng xác nhận lịch giao hàng.")
    assert after[edited.url].id == stored[edited.url].id


def test_since_and_limit_bound_a_run(
    mirror: MirrorServer, test_sources: Path, tmp_path: Path, crawl_settings: Callable[[str], CrawlOptions], fast: Politeness
) -> None:
    url = f"sqlite:///{tmp_path / 'bounded.db'}"
    report = run_crawl(crawl_settings(url), sources_file=test_sources, sources=["vietnamnet", "genk"],
                       since=date(2025, 10, 22), limit=1, politeness=fast)
    vietnamnet, genk = report.by_key("vietnamnet"), report.by_key("genk")
    # vietnamnet: one of three items is from 21/10; of the other two, one is fetched (limit 1)
    assert (vietnamnet.discovered, vietnamnet.fetched, vietnamnet.new) == (3, 1, 1)
    assert vietnamnet.reasons == {"older-than-since": 1, "over-limit": 1}
    assert genk.reasons == {"older-than-since": 1, "over-limit": 1}
    db = Database.connect(url)
    try:
        newest = {a.url for a in mirror.site.of_source("vietnamnet")[:1]} | {a.url for a in mirror.site.of_source("genk")[:1]}
        assert set(_articles(db)) == newest
    finally:
        db.close()


def test_section_pages_are_followed_to_a_bounded_depth(
    mirror: MirrorServer, tmp_path: Path, crawl_settings: Callable[[str], CrawlOptions], fast: Politeness
) -> None:
    sources = tmp_path / "sections.toml"
    sources.write_text(
        f"""[sources.znews]
name = "ZNews (section page)"
homepage = "{mirror.base_url}/znews/"
sections = ["{mirror.base_url}/znews/section.html"]
section_depth = 1
article_pattern = '-post\\d+\\.html$'
delay_s = 0.0

[sources.znews.selectors]
title = [".the-article-title"]
lead = ["p.the-article-summary"]
body = [".the-article-body"]
published = ['meta[property="article:published_time"]::attr(content)']
author = [".the-article-credit .author"]
drop = ["table.picture", ".inner-article", ".the-article-credit"]
""",
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'sections.db'}"
    report = run_crawl(crawl_settings(url), sources_file=sources, politeness=fast)
    znews = report.by_key("znews")
    assert (znews.status, znews.discovered, znews.new) == ("ok", 3, 3)
    assert znews.reasons == {"duplicate-feed-item": 3}  # page 2 of the section lists the same links
    assert "/znews/section.html?page=2" in mirror.requests


def test_an_archive_behind_the_schema_is_refused_before_crawling(
    empty_pg_url: str, test_sources: Path, crawl_settings: Callable[[str], CrawlOptions]
) -> None:
    with pytest.raises(MigrationError, match="bantin db upgrade"):
        run_crawl(crawl_settings(empty_pg_url), sources_file=test_sources, sources=["genk"])
