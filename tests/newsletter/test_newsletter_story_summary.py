"""One summary per story (issue 13, item 4): made once by the summarize step, shown by the edition.

A story several outlets told gets one summary drawn from all its articles of the edition's period,
stored once (the summarize step run again makes none), shown by every format, by a stored edition
rendered again and by the web archive's edition page, marked "tổng hợp từ N nguồn"; a single
article keeps its own summary; a story whose articles have no text falls back to the item's own.
"""

from __future__ import annotations

from datetime import timedelta

from newsletter_seed import NOW, add_article, seed_news_day
from sqlalchemy import select

from bantin.archive.models import Edition, Summary
from bantin.archive.story_summaries import story_members, story_outlets
from bantin.newsletter import build_edition
from bantin.newsletter.build import stored_view
from bantin.newsletter.sections import load_sections
from bantin.summarizer import ExtractiveSummarizer, SummaryOptions
from bantin.summarizer.pending import summarize_stories
from bantin.summarizer.spec import EXTRACTIVE_MODEL_ID
from bantin.summarizer.story import STORY_SUFFIX

ENGINE = ExtractiveSummarizer()
OPTIONS = SummaryOptions()
MARK = "Tóm tắt tự động, tổng hợp từ {n} nguồn"


def _story_rows(db) -> list[Summary]:  # noqa: ANN001
    with db.sessions() as session:
        return list(session.scalars(select(Summary).where(Summary.model_id.like("%" + STORY_SUFFIX)).order_by(Summary.id)))


def _summary_count(db) -> int:  # noqa: ANN001
    with db.sessions() as session:
        return len(session.scalars(select(Summary.id)).all())


def _files(result) -> dict[str, str]:  # noqa: ANN001
    return {path.suffix: path.read_text(encoding="utf-8") for path in result.paths}


def _view(db, settings, edition_id: int):  # noqa: ANN001, ANN202
    """The stored edition's view, as a re-render or the web archive composes it."""
    with db.sessions() as session:
        return stored_view(session, session.get(Edition, edition_id), settings, load_sections(settings.sections_file))


def _stories(db, now=NOW):  # noqa: ANN001, ANN202
    return summarize_stories(db, ENGINE, OPTIONS, threshold=0.2, now=now)


def test_a_story_of_three_outlets_gets_one_summary_made_once_and_shown_everywhere(db, settings):
    ids = seed_news_day(db).ids
    first = _stories(db)
    assert (first.summarized, first.failed) == (1, 0)
    (row,) = _story_rows(db)
    story = {ids["model"], ids["model_tt"], ids["model_genk"]}
    assert row.model_id == EXTRACTIVE_MODEL_ID + STORY_SUFFIX and row.article_id == min(story)
    assert story_members(row) == story and story_outlets(row) == 3 and row.text.strip()
    stored = _summary_count(db)
    assert _stories(db).summarized == 0 and _summary_count(db) == stored  # made once

    result = build_edition(db, settings, now=NOW)
    files = _files(result)
    for suffix in (".txt", ".md", ".html"):
        assert files[suffix].count(MARK.format(n=3)) == 1, suffix
    assert row.text.split()[0] in files[".txt"]
    # a single article keeps its own summary, with the plain mark
    assert "Startup gọi vốn thành công." in files[".txt"] and "Tóm tắt tự động\n" in files[".txt"]
    item = next(view for view in _view(db, settings, result.edition_id).items if view.summary_sources > 1)
    assert (item.summary, item.summary_model, item.summary_sources) == (row.text, row.model_id, 3)
    assert item.title == "Mô hình ngôn ngữ tiếng Việt mới ra mắt"
    assert {view.summary for view in _view(db, settings, result.edition_id).items if view.summary_sources == 1} >= {
        "Startup gọi vốn thành công.", "Một nhà máy chip được khởi công."}

    # built again (the stored edition), rendered again: the same summary, nothing new stored
    again = build_edition(db, settings, since=result.period_start, until=result.period_end, now=NOW + timedelta(hours=1))
    assert again.edition_id == result.edition_id and _summary_count(db) == stored
    assert _view(db, settings, result.edition_id) == _view(db, settings, result.edition_id)


def test_the_web_edition_page_shows_the_story_summary_and_its_mark(db, settings):
    from fastapi.testclient import TestClient

    from bantin.web import WebOptions, create_app

    seed_news_day(db)
    _stories(db)
    edition_id = build_edition(db, settings, now=NOW).edition_id
    (row,) = _story_rows(db)
    with TestClient(create_app(WebOptions(timezone="Asia/Ho_Chi_Minh"), db)) as client:
        page = client.get(f"/editions/{edition_id}").text
        api = client.get(f"/api/editions/{edition_id}").json()
    assert MARK.format(n=3) in page and row.text in page
    shown = [item for item in api["items"] if item["summary_sources"] == 3]
    assert len(shown) == 1 and shown[0]["summary"] == row.text
    assert {item["summary_sources"] for item in api["items"]} == {1, 3}


def test_a_story_that_gains_an_outlet_is_summarized_again_and_old_editions_keep_theirs(db, settings):
    ids = seed_news_day(db).ids
    _stories(db)
    daily = build_edition(db, settings, now=NOW)
    later = NOW + timedelta(hours=6)
    fourth = add_article(db, "mo-hinh-dt", source="dantri", hours_ago=2, now=later, relevance=0.9,
                         cluster_of=ids["model"], summary=None, lead="Dân trí cũng đưa tin về mô hình mới.")
    report = _stories(db, now=later)  # the weekly period now holds four outlets (the daily one carried it)
    assert report.summarized == 1
    old, new = _story_rows(db)
    assert story_members(new) == story_members(old) | {fourth} and story_outlets(new) == 4
    weekly = build_edition(db, settings, period="weekly", now=later)
    assert MARK.format(n=4) in _files(weekly)[".txt"]
    # the daily edition's period does not hold the fourth article: it keeps the three-outlet summary
    item = next(view for view in _view(db, settings, daily.edition_id).items if view.summary_sources > 1)
    assert (item.summary, item.summary_sources) == (old.text, 3)


def test_a_story_whose_articles_have_no_text_falls_back_to_the_items_own_summary(db, settings):
    lead = add_article(db, "rong", title="Bài chỉ có tiêu đề", lead="", body="", relevance=0.9,
                       summary="Bản tóm tắt riêng của bài.")
    add_article(db, "rong-tt", source="tuoitre", title="Một bài khác chỉ có tiêu đề", lead="", body="", relevance=0.9,
                cluster_of=lead, summary=None)
    report = _stories(db)
    assert (report.summarized, report.failed, report.skipped) == (0, 0, 1)
    assert _story_rows(db) == []
    text = _files(build_edition(db, settings, now=NOW))[".txt"]
    assert "Bản tóm tắt riêng của bài." in text and "tổng hợp từ" not in text


def test_a_story_summary_is_never_an_articles_own(db, settings):
    from bantin.archive.reads import newest_summary
    from bantin.newsletter.select import Period, select_stories

    first = add_article(db, "dau-tien", title="Bài đầu tiên về chip AI", relevance=0.9, summary=None)
    second = add_article(db, "thu-hai", source="genk", title="Bài thứ hai về chip AI", relevance=0.9,
                         cluster_of=first, summary="Bản tóm tắt riêng của bài thứ hai.")
    assert _stories(db).summarized == 1
    (row,) = _story_rows(db)
    assert row.article_id == first
    with db.sessions() as session:
        assert newest_summary(session, first) is None  # the web article page: no summary of its own
        (story,) = select_stories(session, Period("daily", NOW - timedelta(days=1), NOW), 0.2)
    assert story.lead.article_id == second and {c.article_id: c.has_summary for c in story.members} == {
        first: False, second: True}
