"""The weekly edition's "Xu hướng tuần": a table-cell bar chart in HTML (no images, no scripts),
bars of █ in text and Markdown, the story behind each rise; a thin archive says so in one sentence."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from trend_archive import END, fill

from bantin.archive.engine import Database
from bantin.newsletter.build import build_edition
from bantin.newsletter.options import NewsletterOptions


def _files(result) -> dict[str, str]:  # noqa: ANN001
    return {path.suffix: path.read_text(encoding="utf-8") for path in result.paths}


def test_the_weekly_edition_shows_the_rise(db: Database, tmp_path: Path) -> None:
    fill(db, {"anthropic": [2, 2, 2, 2, 12], "nvidia": [4, 5, 4, 5, 5]})
    result = build_edition(db, NewsletterOptions(out_dir=tmp_path), period="weekly",
                           since=END - timedelta(days=7), until=END, now=END)
    files = _files(result)
    html, text, md = files[".html"], files[".txt"], files[".md"]
    assert "Xu hướng tuần" in html and "Anthropic" in html and "12 bài tuần này" in html
    assert 'bgcolor="#0b57d0"' in html and "trung bình 2,0 / tuần trước" in html
    assert "Câu chuyện dẫn dắt" in html and "Anthropic công bố kế hoạch số 4-" in html
    section = html[html.index("Xu hướng tuần"):]
    assert "<img" not in section and "<script" not in section and "<svg" not in section
    assert "XU HƯỚNG TUẦN" in text and "█" in text and "Anthropic" in text
    assert "## Xu hướng tuần" in md and "| Anthropic | 12 | 2,0 |" in md


def test_a_thin_archive_says_so_in_one_sentence(db: Database, tmp_path: Path) -> None:
    fill(db, {"anthropic": [12]})
    result = build_edition(db, NewsletterOptions(out_dir=tmp_path), period="weekly",
                           since=END - timedelta(days=7), until=END, now=END)
    files = _files(result)
    assert "Chưa đủ dữ liệu để tính xu hướng" in files[".html"] and "Chưa đủ dữ liệu" in files[".txt"]
    assert "█" not in files[".txt"]


def test_a_daily_edition_has_no_trends(db: Database, tmp_path: Path) -> None:
    fill(db, {"anthropic": [2, 2, 2, 2, 12]})
    result = build_edition(db, NewsletterOptions(out_dir=tmp_path), period="daily",
                           since=END - timedelta(days=1), until=END, now=END)
    assert "Xu hướng" not in _files(result)[".html"]
