"""Building editions on SQLite and PostgreSQL: selection, clusters, ranking, idempotency, repeats."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from newsletter_seed import NOW, add_article, make_options, seed_news_day
from sqlalchemy import func, select

from bantin.archive.models import Edition, EditionItem
from bantin.errors import NewsletterError
from bantin.newsletter import build_edition, load_sections


def _items(db, edition_id):  # noqa: ANN001, ANN202
    with db.sessions() as session:
        rows = session.scalars(
            select(EditionItem).where(EditionItem.edition_id == edition_id).order_by(EditionItem.position)
        ).all()
        return [(row.article_id, row.section, [entry["source"] for entry in row.also_covered]) for row in rows]


def _count(db, model) -> int:  # noqa: ANN001
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_edition_has_one_item_per_story_ranked_into_top_and_sections(db, settings):
    day = seed_news_day(db).ids
    result = build_edition(db, settings, now=NOW)

    assert result.created and result.edition_id is not None and result.item_count == 5
    assert (result.period_start, result.period_end) == (NOW - timedelta(days=1), NOW)
    items = _items(db, result.edition_id)
    assert [article for article, _section, _also in items] == [
        day["model"], day["funding"], day["policy"], day["chips"], day["product"]
    ]
    assert [section for _article, section, _also in items] == ["top", "top", "top", "chips", "other"]
    assert items[0][2] == ["Tuổi Trẻ", "GenK"]  # the other outlets of the three-outlet story
    for excluded in ("model_tt", "model_genk", "irrelevant", "old"):
        assert day[excluded] not in {article for article, _s, _a in items}

    text = (result.output_dir / "edition.txt").read_text(encoding="utf-8")
    assert "Cũng được đưa tin bởi:" in text and "https://tuoitre.example.vn/mo-hinh-tt.html" in text
    assert "Tóm tắt tự động" in text and "Tóm tắt bởi" not in text
    assert text.count("vit5-base-vietnews-ct2") == 1  # the model named once, in the footer
    assert "(giờ Việt Nam)" in text and "Asia/Ho_Chi_Minh" not in text and "độ liên quan từ 0,20" in text
    assert "Bộ soạn thảo công bố dự thảo luật AI." in text  # no summary: the lead, said so
    assert "Chưa có bản tóm tắt" in text
    assert "Kết quả bóng đá" not in text and "Tin cũ" not in text
    assert {path.name for path in result.paths} == {"edition.html", "edition.txt", "edition.md"}
    with db.sessions() as session:
        edition = session.get(Edition, result.edition_id)
        assert edition.item_count == 5 and edition.title == f"Bản tin AI hằng ngày · Số {result.edition_id} · 30/11/2026"
        assert edition.output_dir == str(result.output_dir)
        assert edition.delivered and edition.delivery_error is None  # no SMTP: files are the delivery


def test_newest_summary_wins(db, settings):
    article = add_article(db, "hai-ban", summary="Bản tóm tắt cũ.", model_id="model-a")
    from bantin.archive.repository import SummaryIn, store_summary

    with db.session() as session:
        store_summary(session, SummaryIn(article_id=article, model_id="model-b", options_hash="o2",
                                         engine="decoder-only", text="Bản tóm tắt mới."))
    text = (build_edition(db, settings, now=NOW).output_dir / "edition.txt").read_text(encoding="utf-8")
    assert "Bản tóm tắt mới." in text and "model-b" in text and "Bản tóm tắt cũ." not in text


def test_same_period_twice_returns_the_stored_edition(db, settings):
    seed_news_day(db)
    first = build_edition(db, settings, now=NOW)
    (first.output_dir / "edition.html").unlink()  # lost files are written again from the store
    again = build_edition(db, settings, since=first.period_start, until=first.period_end, now=NOW + timedelta(hours=3))

    assert again.edition_id == first.edition_id and not again.created and again.existed
    assert (again.output_dir / "edition.html").is_file()
    assert _count(db, Edition) == 1 and _count(db, EditionItem) == 5


def test_next_edition_never_repeats_an_article_or_story(db, settings):
    day = seed_news_day(db).ids
    first = build_edition(db, settings, now=NOW)
    later = NOW + timedelta(hours=6)
    fresh = add_article(db, "tin-moi", source="dantri", hours_ago=1, now=later, title="Tin mới sau số trước")
    same_story = add_article(db, "mo-hinh-dt", source="dantri", hours_ago=2, now=later, relevance=0.99,
                             cluster_of=day["model"], title="Thêm một bài về mô hình")
    second = build_edition(db, settings, now=later)

    assert second.period_start == first.period_end and second.period_end == later
    assert [article for article, _s, _a in _items(db, second.edition_id)] == [fresh]
    assert same_story not in {a for a, _s, _x in _items(db, second.edition_id)}


def test_a_weekly_edition_is_independent_of_the_daily_ones(db, settings):
    seed_news_day(db)
    daily = build_edition(db, settings, now=NOW)
    weekly = build_edition(db, settings, period="weekly", now=NOW)
    assert weekly.period_start == NOW - timedelta(days=7)
    daily_ids = {a for a, _s, _x in _items(db, daily.edition_id)}
    weekly_ids = {a for a, _s, _x in _items(db, weekly.edition_id)}
    assert daily_ids < weekly_ids  # the weekly also has the article that is too old for the daily


def test_late_arrival_published_before_the_period_is_kept(db, settings):
    late = add_article(db, "den-muon", hours_ago=26, fetched_after=timedelta(hours=5))  # crawled 3 h into the period
    too_old = add_article(db, "qua-cu", hours_ago=60, fetched_after=timedelta(hours=40))
    items = {a for a, _s, _x in _items(db, build_edition(db, settings, now=NOW).edition_id)}
    assert late in items and too_old not in items


def test_empty_period_gives_a_short_edition(db, settings):
    add_article(db, "khong-lien-quan", relevance=0.01)
    result = build_edition(db, settings, now=NOW)
    assert result.created and result.item_count == 0
    html = (result.output_dir / "edition.html").read_text(encoding="utf-8")
    assert "Không có tin mới" in html
    assert "Không có tin mới".upper() in (result.output_dir / "edition.txt").read_text(encoding="utf-8")


def test_empty_period_is_skipped_when_configured(db, tmp_path):
    result = build_edition(db, make_options(tmp_path, newsletter_empty="skip"), now=NOW)
    assert result.skipped and result.edition_id is None and result.paths == ()
    assert _count(db, Edition) == 0 and not (tmp_path / "out").exists()


def test_dry_run_writes_a_preview_and_stores_nothing(db, settings):
    seed_news_day(db)
    preview = build_edition(db, settings, now=NOW, dry_run=True)
    assert preview.dry_run and preview.edition_id is None and preview.item_count == 5
    assert preview.output_dir.name.endswith("-daily-preview")
    assert "bản xem trước" in (preview.output_dir / "edition.html").read_text(encoding="utf-8")
    assert _count(db, Edition) == 0 and _count(db, EditionItem) == 0


def test_out_dir_and_sections_are_configurable(db, settings, tmp_path):
    seed_news_day(db)
    layout = tmp_path / "layout.toml"
    layout.write_text(
        '[edition]\ntop_stories = 0\n[[section]]\nkey = "all"\ntitle = "Tất cả tin"\nfallback = true\n',
        encoding="utf-8",
    )
    result = build_edition(db, settings, now=NOW, out_dir=tmp_path / "elsewhere", sections=load_sections(layout))
    assert result.output_dir.parent == tmp_path / "elsewhere"
    assert {section for _a, section, _x in _items(db, result.edition_id)} == {"all"}
    assert "Tất cả tin" in (result.output_dir / "edition.md").read_text(encoding="utf-8")


def test_bad_periods_are_clear_errors(db, settings):
    with pytest.raises(NewsletterError, match="unknown edition period 'monthly'"):
        build_edition(db, settings, period="monthly", now=NOW)
    with pytest.raises(NewsletterError, match="the start must come before the end"):
        build_edition(db, settings, since=NOW, until=NOW - timedelta(hours=1), now=NOW)


def test_two_builds_at_once_publish_each_story_once(db, settings):
    seed_news_day(db)
    barrier = threading.Barrier(2)
    results: list = []
    errors: list = []

    def build(moment) -> None:  # noqa: ANN001
        barrier.wait()
        try:
            results.append(build_edition(db, settings, now=moment))
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(NOW,)), threading.Thread(target=build, args=(NOW,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(result.created for result in results) == [False, True]
    assert len({result.edition_id for result in results}) == 1
    assert _count(db, Edition) == 1 and _count(db, EditionItem) == 5


def test_a_relative_out_dir_is_stored_as_an_absolute_path(db, tmp_path, monkeypatch):
    add_article(db, "mot")
    monkeypatch.chdir(tmp_path)
    result = build_edition(db, make_options(tmp_path, out_dir="relative-out"), now=NOW)
    with db.sessions() as session:
        stored = session.get(Edition, result.edition_id).output_dir
    assert stored.startswith(str(tmp_path / "relative-out")) and result.output_dir.is_absolute()
