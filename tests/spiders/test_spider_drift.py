"""Selector drift: a mirror source whose markup changes is seen by ``bantin sources check``, per
field, in the edition footer's line, and ``--page`` shows which selector stopped matching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bantin.archive.engine import Database
from bantin.archive.health import drift_notes
from bantin.cli import app
from bantin.errors import FetchError
from bantin.spiders.mirror import MirrorServer


def _redesign(html: str) -> str:
    """Dân trí's mirror page with every class its selectors know renamed (a site redesign)."""
    for old, new in (("title-page detail", "tieu-de"), ("singular-sapo", "tom-tat"), ("singular-content", "noi-dung"),
                     ("author-name", "tac-gia"), ("author-time", "thoi-gian")):
        html = html.replace(old, new)
    return html


def _check(env: dict[str, str], *args: str):
    return CliRunner().invoke(app, ["sources", "check", *args], env=env)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'drift.db'}"
    return {"BANTIN_DATA_DIR": str(tmp_path), "BANTIN_DATABASE_URL": url, "BANTIN_USER_AGENT": "bantin-drift-test"}


def test_sources_check_shows_drift_after_a_markup_change(
    mirror: MirrorServer, demo_sources: Path, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crawl = ["crawl", "--sources-file", str(demo_sources), "-s", "dantri", "-s", "vnexpress", "-q"]
    first = CliRunner().invoke(app, crawl, env=env)
    assert first.exit_code == 0, first.output
    healthy = _check(env, "--json")
    assert healthy.exit_code == 0, healthy.output
    rows = {row["key"]: row for row in map(json.loads, healthy.output.splitlines())}
    assert rows["dantri"]["verdict"] == "ok" and rows["dantri"]["fallback_articles"] == 0
    dantri = rows["dantri"]
    assert dantri["fields"]["title"] == {"selectors": dantri["articles"], "fallback": 0, "missing": 0}

    original = mirror.site.article_page
    def redesigned(a, template=None):
        return _redesign(original(a, template)) if a.source == "dantri" else original(a, template)

    monkeypatch.setattr(mirror.site, "article_page", redesigned)
    again = CliRunner().invoke(app, [*crawl, "--refresh"], env=env)
    assert again.exit_code == 0, again.output

    drifting = _check(env, "--json")
    assert drifting.exit_code == 3, drifting.output
    rows = {row["key"]: row for row in map(json.loads, drifting.output.splitlines())}
    n = rows["dantri"]["articles"]
    assert n >= 3 and rows["dantri"]["verdict"] == "drifting" and rows["dantri"]["fallback_articles"] == n
    assert rows["dantri"]["fields"]["body"] == {"selectors": 0, "fallback": n, "missing": 0}
    assert rows["vnexpress"]["verdict"] == "ok"
    line = f"bộ chọn của Dân trí không còn khớp: {n}/{n} bài gần nhất dùng trích xuất dự phòng"
    assert rows["dantri"]["message"] == line

    table = _check({**env, "COLUMNS": "200"})
    assert table.exit_code == 3 and "drifting" in table.output and line in " ".join(table.output.split())
    with Database.connect(env["BANTIN_DATABASE_URL"]) as db, db.session() as session:
        assert drift_notes(session) == [line]

    saved = tmp_path / "dantri.html"
    saved.write_text(_redesign(original(mirror.site.of_source("dantri")[0])), encoding="utf-8")
    page = _check(env, "--page", str(saved), "--source", "dantri", "--sources-file", str(demo_sources), "--json")
    assert page.exit_code == 0, page.output
    result = json.loads(page.output)
    assert result["method"] == "fallback"
    title_hits = [hit for hit in result["selectors"] if hit["field"] == "title"]
    assert title_hits and all(hit["matches"] == 0 for hit in title_hits)
    assert result["fields"]["title"]["from"].startswith("fallback:")


def test_failing_source_gets_its_reason_in_the_crawl_table_and_check(
    mirror: MirrorServer, test_sources: Path, env: dict[str, str]
) -> None:
    for _ in range(2):
        result = CliRunner().invoke(app, ["crawl", "--sources-file", str(test_sources), "-s", "mat", "-q"],
                                    env={**env, "COLUMNS": "200"})
        assert result.exit_code == 3, result.output
        assert "HTTP 404" in result.output  # the reason column
    check = _check(env, "--json", "-s", "mat")
    assert check.exit_code == 3
    [row] = map(json.loads, check.output.splitlines())
    assert row["verdict"] == "failing" and row["consecutive_failures"] == 2 and row["last_reason"] == "HTTP 404"
    assert row["message"].startswith("không tải được") and "HTTP 404" in row["message"]


def test_page_check_needs_one_source_and_an_existing_file(env: dict[str, str], tmp_path: Path) -> None:
    assert _check(env, "--page", str(tmp_path / "nope.html"), "--source", "dantri").exit_code == 2
    assert _check(env, "--page", str(tmp_path / "nope.html")).exit_code == 2


def test_empty_archive_is_ok_and_an_unknown_source_is_a_usage_error(env: dict[str, str]) -> None:
    result = _check(env)
    assert result.exit_code == 0 and "no sources" in result.output
    unknown = _check(env, "--source", "khong-co")
    assert unknown.exit_code == 2 and "khong-co" in unknown.output


def test_edition_footer_flags_a_drifting_source_in_every_format() -> None:
    from datetime import UTC, datetime

    from bantin.newsletter.render import Renderer
    from bantin.newsletter.view import EditionView

    moment = datetime(2026, 3, 7, 1, 0, tzinfo=UTC)
    line = "bộ chọn của Dân trí không còn khớp: 18/20 bài gần nhất dùng trích xuất dự phòng"
    view = EditionView(edition_id=1, kind="daily", period_start=moment, period_end=moment, generated_at=moment,
                       timezone="Asia/Ho_Chi_Minh", top=(), sections=(), models=(), threshold=0.5, version="0",
                       drifting_sources=(line, "<b>X</b> không còn khớp"))
    rendered = Renderer().render(view)
    for text in (rendered.html, rendered.text, rendered.markdown):
        assert line in text
    assert "&lt;b&gt;X&lt;/b&gt;" in rendered.html and "<b>X</b>" not in rendered.html
    quiet = Renderer().render(EditionView(**{**view.__dict__, "drifting_sources": ()}))
    assert "không còn khớp" not in quiet.text + quiet.html + quiet.markdown


def test_web_sources_page_flags_a_drifting_source(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from bantin.archive.repository import ArticleIn, ensure_source, upsert_article
    from bantin.configure import web_options
    from bantin.settings import Settings
    from bantin.web import create_app

    with Database.connect(f"sqlite:///{tmp_path / 'web.db'}") as db:
        with db.session() as session:
            ensure_source(session, "dantri", name="Dân trí - Sức mạnh số", homepage="https://dantri.com.vn/")
            ensure_source(session, "genk", name="GenK", homepage="https://genk.vn/")
            for n in range(4):
                fallback = n < 3
                provenance = {f: ("fallback:json-ld" if fallback else "selector:h1") for f in ("title", "body")}
                upsert_article(session, ArticleIn(
                    source_key="dantri", url=f"https://dantri.com.vn/a-{n}.htm", canonical_url=f"https://dantri.com.vn/a-{n}.htm",
                    title=f"Bài {n}", body=f"Nội dung bài {n} " * 30, extraction="fallback" if fallback else "selectors",
                    provenance=provenance))
        with TestClient(create_app(web_options(Settings()), db)) as client:
            page = client.get("/sources").text
    assert "bộ chọn của Dân trí không còn khớp: 3/4 bài gần nhất dùng trích xuất dự phòng" in page
    assert "GenK không còn khớp" not in page


def test_page_check_fetches_a_url(mirror: MirrorServer, demo_sources: Path, env: dict[str, str]) -> None:
    article = mirror.site.of_source("vnexpress")[0]
    result = _check({**env, "COLUMNS": "200"}, "--page", article.url, "--source", "vnexpress",
                    "--sources-file", str(demo_sources))
    assert result.exit_code == 0, result.output
    assert "extraction: selectors" in result.output and "h1.title-detail" in result.output
    missing = _check(env, "--page", article.url + "-khong-co", "--source", "vnexpress", "--sources-file", str(demo_sources))
    assert isinstance(missing.exception, FetchError) and "HTTP 404" in str(missing.exception)  # bantin.cli: exit 2
