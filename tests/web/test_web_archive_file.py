"""Item 12 of issue 15: the demo never deletes an archive a server has open; the server notices a replaced file."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient
from search_corpus import fill

from bantin.archive.engine import Database
from bantin.archive.repository import ensure_source
from bantin.web import WebOptions, create_app


@pytest.fixture
def no_wait(monkeypatch):
    import bantin.web.watch as watch

    monkeypatch.setattr(watch, "CHECK_S", 0.0)


def _sources(client) -> list[str]:
    return [s["key"] for s in client.get("/api/sources").json()]


def test_a_replaced_file_is_served(tmp_path, no_wait):
    served = tmp_path / "bantin.db"
    with Database.connect(f"sqlite:///{served}") as db:
        fill(db)
        app = create_app(WebOptions(), db)
        with TestClient(app) as client:
            assert _sources(client) == ["genk", "tuoitre", "vnexpress"]
            for stale in tmp_path.glob("bantin.db*"):  # what an older `bantin demo` did: the folder deleted
                os.unlink(stale)
            with Database.connect(f"sqlite:///{served}") as fresh:  # and a new archive made at the same path
                with fresh.session() as session:
                    ensure_source(session, "dantri", name="Dân trí", homepage="https://dantri.vn/")
            assert _sources(client) == ["dantri"]
            assert client.get("/", params={"q": "ngan hang"}).status_code == 200
        app.state.watch.close()


def test_the_demo_empties_its_archive_in_place(tmp_path, no_wait):
    from bantin.commands.pipeline import _start_afresh

    home = tmp_path / "demo"
    home.mkdir()
    (home / "sources.toml").write_text("old", encoding="utf-8")
    served = home / "bantin.db"
    with Database.connect(f"sqlite:///{served}") as db:
        fill(db)
        inode = served.stat().st_ino
        with TestClient(create_app(WebOptions(), db)) as client:
            assert client.get("/api/search", params={"q": "ngan hang"}).json()["total"] == 2
            _start_afresh(home)
            assert served.stat().st_ino == inode and not (home / "sources.toml").exists()
            assert client.get("/api/search", params={"q": "ngan hang"}).json()["total"] == 0
            assert _sources(client) == []


def test_an_unusable_demo_file_is_replaced(tmp_path, capsys):
    from bantin.commands.pipeline import _start_afresh

    home = tmp_path / "demo"
    home.mkdir()
    (home / "bantin.db").write_bytes(b"not a database at all" * 100)
    _start_afresh(home)
    assert not (home / "bantin.db").exists() and "starting a new file" in capsys.readouterr().out
