"""Answers kept while a SQLite archive does not change (web/cache.py); any write shows at once."""

from __future__ import annotations

from datetime import UTC, datetime

from bantin.archive.repository import ArticleIn, upsert_article


def test_kept_until_the_archive_changes(client, app, archive, monkeypatch):
    import bantin.web.cache as cache

    monkeypatch.setattr(cache, "GRACE_S", 0.0)
    first = client.get("/", params={"q": "robot"})
    kept = len(app.state.responses.entries)
    if archive.db.backend != "sqlite":
        assert kept == 0  # PostgreSQL: nothing kept
        return
    assert kept == 1 and client.get("/", params={"q": "robot"}).text == first.text
    assert "mới của VinAI" not in first.text
    with archive.db.session() as session:
        upsert_article(session, ArticleIn(source_key="genk", url="https://genk.vn/robot.html",
                                          canonical_url="https://genk.vn/robot.html", title="Robot mới của VinAI",
                                          lead="Robot.", body="Robot.", published_at=datetime.now(UTC), topics=("ai",),
                                          relevance=0.5))
    assert "mới của VinAI" in client.get("/", params={"q": "robot"}).text  # the write is seen at once
    head = client.head("/", params={"q": "robot"})
    assert head.status_code == 200 and head.content == b"" and head.headers["content-security-policy"]
    assert client.get("/nosuch").status_code == 404 and client.get("/nosuch").status_code == 404
    assert all(key[1] != "/nosuch" for key in app.state.responses.entries)  # errors are never kept


def test_a_write_shows_within_the_grace(client, archive, monkeypatch):
    import time

    import bantin.web.cache as cache

    monkeypatch.setattr(cache, "GRACE_S", 0.5)
    client.get("/api/sources")
    with archive.db.session() as session:
        from bantin.archive.repository import ensure_source

        ensure_source(session, "dantri", name="Dân trí", homepage="https://dantri.vn/")
    time.sleep(0.6)
    assert "dantri" in [s["key"] for s in client.get("/api/sources").json()]


def test_a_changed_page_is_rendered_once_while_others_get_the_kept_one(client, app, archive, monkeypatch):
    import bantin.web.cache as cache

    monkeypatch.setattr(cache, "GRACE_S", 0.0)
    if archive.db.backend != "sqlite":
        return
    before = client.get("/api/sources").json()
    with archive.db.session() as session:
        from bantin.archive.repository import ensure_source

        ensure_source(session, "dantri", name="Dân trí", homepage="https://dantri.vn/")
    [key] = [key for key in app.state.responses.entries if key[1] == "/api/sources"]
    app.state.responses.refreshing.add(key)  # another request is rendering it now
    assert client.get("/api/sources").json() == before
    app.state.responses.refreshing.discard(key)
    assert "dantri" in [s["key"] for s in client.get("/api/sources").json()]
    assert not app.state.responses.refreshing
