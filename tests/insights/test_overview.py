"""The edition's opening: a headline from the dominant names and theme, three linked key points."""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from continuity_eval import SET
from test_continuity import DAY0, _store_set

from bantin.archive.engine import Database
from bantin.archive.entities import load_catalog
from bantin.newsletter.build import build_edition
from bantin.newsletter.options import NewsletterOptions
from bantin.newsletter.overview import compose_overview, key_sentence


@dataclass(frozen=True)
class Item:
    title: str
    summary: str
    url: str
    source: str = "VnExpress"


def test_the_key_sentence_names_entities_and_numbers() -> None:
    text = ("Hôm nay trời đẹp. Nvidia và FPT ký thỏa thuận 200 triệu USD xây nhà máy AI tại Hà Nội. "
            "Sự kiện diễn ra buổi sáng.")
    assert key_sentence(text, load_catalog()) == "Nvidia và FPT ký thỏa thuận 200 triệu USD xây nhà máy AI tại Hà Nội."
    assert key_sentence("", load_catalog()) == ""


def test_the_headline_names_the_dominant_names_and_theme() -> None:
    items = [Item("Nvidia mở trung tâm AI", "Nvidia mở trung tâm nghiên cứu AI tại Hà Nội với 200 kỹ sư.", "https://a.vn/1"),
             Item("FPT mua GPU Nvidia", "FPT mua 10.000 GPU Nvidia cho nhà máy AI.", "https://a.vn/2"),
             Item("Google ra mắt Gemini", "Google ra mắt Gemini mới.", "https://a.vn/3"),
             Item("Giá vàng", "Giá vàng tăng.", "https://a.vn/4")]
    mentions = {1: Counter(nvidia=2), 2: Counter(fpt=1, nvidia=1), 3: Counter(google=1, gemini=1), 4: Counter()}
    topics = {1: ["ai", "chips"], 2: ["chips"], 3: ["generative"], 4: []}
    overview = compose_overview(items, [1, 2, 3], [1, 2, 3, 4], mentions, topics, kind="weekly",
                                topic_labels={"chips": "Chip và bán dẫn"})
    assert overview.headline.startswith("Nvidia và ")
    assert overview.headline.endswith("dẫn đầu tin AI tuần này, tâm điểm: Chip và bán dẫn")
    assert [p.url for p in overview.points] == ["https://a.vn/1", "https://a.vn/2", "https://a.vn/3"]
    assert overview.points[1].text == "FPT mua 10.000 GPU Nvidia cho nhà máy AI."
    assert compose_overview([], [], [], {}, {}, kind="daily") is None


def test_every_format_opens_with_the_overview(db: Database, tmp_path: Path) -> None:
    ids = [a["id"] for a in tomllib.loads(SET.read_text(encoding="utf-8"))["article"]]
    _store_set(db, ids)
    end = DAY0 + timedelta(days=26)
    result = build_edition(db, NewsletterOptions(out_dir=tmp_path, relevance_threshold=0.0), period="weekly",
                           since=end - timedelta(days=7), until=end, now=end)
    files = {p.suffix: p.read_text(encoding="utf-8") for p in result.paths}
    for suffix in (".html", ".txt", ".md"):
        text = files[suffix]
        assert "dẫn đầu tin AI tuần này" in text, suffix
        assert text.index("dẫn đầu tin AI tuần này") < text.index("Xu hướng tuần" if suffix != ".txt" else "XU HƯỚNG TUẦN")
        assert "do máy chọn" in text
    assert files[".html"].count("<li ") == 3 and files[".md"].count("\n- ") >= 3


def test_a_custom_entities_file_names_the_overview_and_trends(db: Database, tmp_path: Path) -> None:
    import re

    from bantin.resources import shipped

    shipped_file = shipped("bantin.spiders", "entities.toml").read_text(encoding="utf-8")
    custom = tmp_path / "entities.toml"  # every display name changed, keys and aliases kept
    custom.write_text(re.sub(r'^name = "(.*)"$', r'name = "\1 (tệp riêng)"', shipped_file, flags=re.MULTILINE),
                      encoding="utf-8")
    ids = [a["id"] for a in tomllib.loads(SET.read_text(encoding="utf-8"))["article"]]
    _store_set(db, ids)
    end = DAY0 + timedelta(days=26)
    options = NewsletterOptions(out_dir=tmp_path / "out", relevance_threshold=0.0, entities_file=custom)
    result = build_edition(db, options, period="weekly", since=end - timedelta(days=7), until=end, now=end)
    text = next(p for p in result.paths if p.suffix == ".txt").read_text(encoding="utf-8")
    headline = text[: text.index("dẫn đầu tin AI tuần này")]
    assert "(tệp riêng)" in headline.splitlines()[-1]
