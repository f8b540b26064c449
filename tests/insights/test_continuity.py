"""Story continuity: the labelled set meets the goal; the crawl's store path links a development
to the earlier article (whatever the order they are stored in), never a copy or another story; the
edition item says "Tin liên quan trước đó: dd/mm — title". Both backends."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from continuity_eval import SET, labelled_pairs, precision_recall
from sqlalchemy import select

from bantin.archive.continuity import ContinuityOptions, earlier_coverage
from bantin.archive.engine import Database
from bantin.archive.models import Article, StoryLink
from bantin.newsletter.build import build_edition
from bantin.newsletter.options import NewsletterOptions
from bantin.spiders.extraction import ExtractedPage
from bantin.spiders.store import ArchiveStore

DAY0 = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)


def test_the_labelled_pairs_meet_the_goal() -> None:
    pairs = labelled_pairs()
    assert sum(p.label == "continuation" for p in pairs) >= 20 and len(pairs) >= 300
    precision, recall, *_ = precision_recall(pairs, ContinuityOptions())
    assert precision >= 0.9 and recall >= 0.7


def _store_set(db: Database, ids: list[str]) -> dict[str, int]:
    articles = {a["id"]: a for a in tomllib.loads(SET.read_text(encoding="utf-8"))["article"]}
    store = ArchiveStore(db.engine.url.render_as_string(hide_password=False))
    stored = {}
    try:
        for key in ids:
            a = articles[key]
            url = f"https://example.vn/{key}.html"
            page = ExtractedPage(url=url, canonical_url=url, title=a["title"], lead=a["lead"], body=a["body"], author=None,
                                 published_at=DAY0 + timedelta(days=a["day"]), language="vi", method="selectors")
            stored[key] = store.store("vnexpress" if key < "f" else "genk", page).article_id
    finally:
        store.close()
    return stored


def _links(db: Database, ids: dict[str, int]) -> set[tuple[str, str]]:
    names = {v: k for k, v in ids.items()}
    with db.session() as session:
        return {(names[r.article_id], names[r.earlier_id]) for r in session.scalars(select(StoryLink))}


def test_the_store_path_links_developments_in_any_order(db: Database) -> None:
    # newest first, as a crawl of a feed stores them
    ids = _store_set(db, ["b3", "c3", "b2", "g2", "h2", "c2", "c1", "b1", "g1", "h1"])
    links = _links(db, ids)
    assert {("b2", "b1"), ("b3", "b2"), ("b3", "b1"), ("g2", "g1"), ("h2", "h1"), ("c3", "c1")} <= links
    assert not {("c2", "c1"), ("c1", "c2"), ("h2", "g1"), ("g2", "h2"), ("c3", "b3"), ("b3", "c1")} & links
    with db.session() as session:
        earlier = earlier_coverage(session, [ids["b3"]])[ids["b3"]]
        assert [e.article_id for e in earlier] == [ids["b2"], ids["b1"]]
        # an article whose text changes is linked again
        session.get(Article, ids["g2"]).title = "x"
    assert ("g2", "g1") in _links(db, ids)


def test_the_edition_names_the_earlier_coverage(db: Database, tmp_path: Path) -> None:
    ids = _store_set(db, ["b1", "b2"])
    assert ("b2", "b1") in _links(db, ids)
    day = DAY0 + timedelta(days=12)
    result = build_edition(db, NewsletterOptions(out_dir=tmp_path, relevance_threshold=0.0), period="daily",
                           since=day - timedelta(hours=12), until=day + timedelta(hours=12), now=day + timedelta(hours=12))
    files = {p.suffix: p.read_text(encoding="utf-8") for p in result.paths}
    line = "Tin liên quan trước đó: 03/10 — "
    assert line + "Nvidia ký thỏa thuận mở trung tâm nghiên cứu AI tại Việt Nam" in files[".txt"]
    assert line in files[".html"] and "https://example.vn/b1.html" in files[".html"]
    assert line + "[Nvidia ký thỏa thuận" in files[".md"]


def test_the_thresholds_come_from_the_settings(tmp_path: Path) -> None:
    from bantin.configure import continuity_options, crawl_options
    from bantin.settings import Settings
    from bantin.spiders.crawlsettings import scrapy_settings

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", continuity_min_score=0.5,
                        continuity_max_similarity=0.9, continuity_window_days=10, entities_file=tmp_path / "e.toml")
    assert continuity_options(settings) == ContinuityOptions(window_days=10, min_score=0.5, max_similarity=0.9)
    values = scrapy_settings(crawl_options(settings))
    assert values["BANTIN_CONTINUITY"]["min_score"] == 0.5 and values["BANTIN_ENTITIES_FILE"] == str(tmp_path / "e.toml")
    store = ArchiveStore(settings.database_url, None, values["BANTIN_CONTINUITY"])
    try:
        assert store.continuity.window_days == 10
    finally:
        store.close()
