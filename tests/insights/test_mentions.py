"""Mentions in the archive, on both backends: stored by the crawl's store path, kept current when
an article changes, re-counted by ``bantin entities index``; ``bantin entities`` on the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bantin.archive.engine import Database
from bantin.archive.mentions import articles_naming, entities_of, index_articles, mention_times
from bantin.archive.models import ArticleEntity
from bantin.archive.repository import ArticleIn, upsert_article
from bantin.spiders.extraction import ExtractedPage
from bantin.spiders.store import ArchiveStore

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _page(n: int, title: str, body: str, lead: str = "") -> ExtractedPage:
    return ExtractedPage(url=f"https://example.vn/a{n}.html", canonical_url=f"https://example.vn/a{n}.html",
                         title=title, lead=lead, body=body, author=None, published_at=NOW - timedelta(hours=n),
                         language="vi", method="selectors")


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def _rows(db: Database) -> set[tuple[int, str, int, int, int]]:
    with db.session() as session:
        return {(r.article_id, r.entity_key, r.in_title, r.in_lead, r.in_body) for r in session.scalars(select(ArticleEntity))}


def test_the_store_path_counts_mentions_and_keeps_them_current(db: Database) -> None:
    store = ArchiveStore(_url(db))
    try:
        first = store.store("genk", _page(1, "Nvidia và FPT bắt tay", "FPT xây nhà máy AI. Nvidia cung cấp GPU.",
                                          lead="FPT công bố."))
        store.store("genk", _page(2, "Giá vàng tăng", "Không có công ty AI nào ở đây."))
        assert _rows(db) == {(first.article_id, "fpt", 1, 1, 1), (first.article_id, "nvidia", 1, 0, 1)}
        changed = store.store("genk", _page(1, "Nvidia và Viettel bắt tay", "Viettel xây nhà máy AI.", lead=""))
        assert changed.outcome == "updated"
        assert _rows(db) == {(first.article_id, "viettel", 1, 0, 1), (first.article_id, "nvidia", 1, 0, 0)}
    finally:
        store.close()
    with db.session() as session:
        found = articles_naming(session, "viettel")
        assert [a.article_id for a in found] == [first.article_id] and found[0].mentions == 2
        assert entities_of(session, [first.article_id]) == {first.article_id: {"viettel": 2, "nvidia": 1}}
        times = mention_times(session, NOW - timedelta(days=1), NOW)
        assert sorted(key for key, _ in times) == ["nvidia", "viettel"]


def test_index_counts_articles_stored_without_mentions(db: Database) -> None:
    with db.session() as session:
        for n in range(3):
            upsert_article(session, ArticleIn(source_key="vnexpress", url=f"https://vnexpress.net/{n}.html",
                                              canonical_url=f"https://vnexpress.net/{n}.html",
                                              title=f"OpenAI ra mắt ChatGPT bản {n}", body="OpenAI nói vậy.",
                                              published_at=NOW))
    assert _rows(db) == set()
    with db.session() as session:
        assert index_articles(session) == (3, 9)
    with db.session() as session:
        assert index_articles(session, since=NOW + timedelta(days=1)) == (0, 0)
    assert {(key, t, b) for _, key, t, _, b in _rows(db)} == {("openai", 1, 1), ("chatgpt", 1, 0)}


def bantin(*args: str, database: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env["BANTIN_DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run([sys.executable, "-m", "bantin.cli", *args], capture_output=True, text=True, env=env, timeout=120)


def test_cli_index_and_suggest(tmp_path: Path) -> None:
    database = tmp_path / "bantin.db"
    db = Database.connect(f"sqlite:///{database}")
    try:
        with db.session() as session:
            for n in range(3):
                upsert_article(session, ArticleIn(
                    source_key="genk", url=f"https://genk.vn/{n}.chn", canonical_url=f"https://genk.vn/{n}.chn",
                    title=f"Sao Mai Robotics gọi vốn lần {n}", body="Công ty Sao Mai Robotics hợp tác với Nvidia.",
                    published_at=datetime.now(UTC)))
    finally:
        db.close()
    done = bantin("entities", "index", database=database)
    assert done.returncode == 0 and "3 articles indexed, 3 mentions" in done.stdout, done.stderr
    done = bantin("entities", "suggest", "--json", database=database)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line) for line in done.stdout.splitlines()] == [{"name": "Sao Mai Robotics", "articles": 3}]


def test_cli_bad_entities_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "entities.toml"
    path.write_text('[entities.a]\nname = "A"\nkind = "lab"\naliases = ["Alpha"]\n\n'
                    '[entities.b]\nname = "B"\nkind = "lab"\naliases = ["ALPHA"]\n', encoding="utf-8")
    done = bantin("entities", "list", "--entities", str(path), database=tmp_path / "x.db")
    assert done.returncode == 2
    assert done.stderr.strip() == (f"bantin: error: {path}:9: key 'entities.b.aliases': duplicate alias 'ALPHA' "
                                   "(also in entities.a)")
    done = bantin("entities", "index", "--entities", str(path), database=tmp_path / "x.db")
    assert done.returncode == 2 and not (tmp_path / "x.db").exists()
