"""The weekly demo has a trend to show: the mirror with ``history=True`` spreads its articles over
five weeks, and an archive of them gets a "Xu hướng tuần" naming Nvidia as rising."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bantin.archive.engine import Database
from bantin.newsletter.build import build_edition
from bantin.newsletter.options import NewsletterOptions
from bantin.newsletter.trends import compute_trends
from bantin.spiders.extraction import ExtractedPage
from bantin.spiders.mirror import Site
from bantin.spiders.store import ArchiveStore

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_history_spreads_the_mirror_over_five_weeks_only_when_asked() -> None:
    plain = Site("http://127.0.0.1:1", NOW)
    spread = Site("http://127.0.0.1:1", NOW, history=True)
    assert max(NOW - a.published for a in plain.articles) < timedelta(days=1)
    ages = [NOW - a.published for a in spread.articles]
    assert max(ages) > timedelta(days=28) and sum(age < timedelta(days=7) for age in ages) >= 8


def test_the_weekly_demo_archive_has_a_rise(db: Database, tmp_path: Path) -> None:
    site = Site("http://127.0.0.1:1", NOW, history=True)
    store = ArchiveStore(db.engine.url.render_as_string(hide_password=False))
    try:
        for a in site.articles:
            if a.source != "bad":
                store.store(a.source, ExtractedPage(url=a.url, canonical_url=a.url, title=a.title, lead=a.lead, body=a.text,
                                                    author=a.author, published_at=a.published, language="vi",
                                                    method="selectors"))
    finally:
        store.close()
    with db.session() as session:
        report = compute_trends(session, period="weekly", end=NOW)
    assert report.enough and "nvidia" in [t.key for t in report.rising]
    result = build_edition(db, NewsletterOptions(out_dir=tmp_path), period="weekly", now=NOW)
    html = next(p for p in result.paths if p.suffix == ".html").read_text(encoding="utf-8")
    assert "Xu hướng tuần" in html and "Nvidia" in html[html.index("Xu hướng tuần"):]
