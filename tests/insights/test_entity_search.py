"""The search filter by entity: ``SearchFilters(entities=...)``, ``bantin search --entity``, the API's
``entity=``; both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bantin.archive.engine import Database
from bantin.archive.mentions import index_articles
from bantin.archive.repository import ArticleIn, upsert_article
from bantin.archive.search import SearchFilters, search
from bantin.errors import BadQuery

TEXTS = [
    ("Nvidia ra mắt chip AI mới", "Nvidia công bố GPU cho trí tuệ nhân tạo."),
    ("FPT xây nhà máy AI", "FPT đầu tư trí tuệ nhân tạo với GPU của Nvidia."),
    ("Google ra mắt Gemini", "Mô hình trí tuệ nhân tạo mới của Google."),
]


def _fill(db: Database) -> None:
    with db.session() as session:
        for n, (title, body) in enumerate(TEXTS):
            url = f"https://example.vn/s{n}.html"
            upsert_article(session, ArticleIn(source_key="genk", url=url, canonical_url=url, title=title, body=body,
                                              published_at=datetime(2026, 11, 20 + n, tzinfo=UTC), relevance=0.9))
        index_articles(session)


def test_search_filters_by_entity(db: Database) -> None:
    _fill(db)
    titles = lambda page: sorted(hit.title for hit in page.hits)  # noqa: E731
    assert titles(search(db, "trí tuệ nhân tạo", SearchFilters(entities=("nvidia",)))) == [
        "FPT xây nhà máy AI", "Nvidia ra mắt chip AI mới"]
    assert titles(search(db, "tri tue", SearchFilters(entities=("google", "fpt")))) == [
        "FPT xây nhà máy AI", "Google ra mắt Gemini"]
    assert titles(search(db, "tri tue", SearchFilters(entities=("openai",)))) == []
    with pytest.raises(BadQuery):
        SearchFilters(entities="nvidia")


def test_the_api_takes_entity(db: Database) -> None:
    from fastapi.testclient import TestClient

    from bantin.configure import web_options
    from bantin.settings import Settings
    from bantin.web import create_app

    _fill(db)
    with TestClient(create_app(web_options(Settings()), db)) as client:
        answer = client.get("/api/search", params={"q": "tri tue", "entity": "google"})
        assert answer.status_code == 200, answer.text
        assert [hit["title"] for hit in answer.json()["hits"]] == ["Google ra mắt Gemini"]


def test_entity_terms_in_the_query(db: Database) -> None:
    from bantin.archive.entities import entity_terms

    assert entity_terms("entity:nvidia chip entity:FPT") == ("chip", ("nvidia", "fpt"))
    assert entity_terms("identity:x chip") == ("identity:x chip", ())
    _fill(db)
    page = search(db, "entity:google trí tuệ")
    assert [hit.title for hit in page.hits] == ["Google ra mắt Gemini"]


def test_the_cli_refuses_an_unknown_entity_in_one_line(tmp_path, monkeypatch, capsys) -> None:  # noqa: ANN001
    from bantin_test_support import run_bantin

    url = f"sqlite:///{tmp_path / 'bantin.db'}"
    with Database.connect(url) as db:
        _fill(db)
    env = {"BANTIN_DATABASE_URL": url}
    for args in (("tri tue", "--entity", "nosuch"), ("entity:nosuch tri tue",)):
        code, out, err = run_bantin(monkeypatch, capsys, tmp_path, env, "search", *args, "--json")
        assert code == 2 and out == "", args
        assert err.strip().count("\n") == 0 and "unknown entity 'nosuch'" in err, err
    code, out, _ = run_bantin(monkeypatch, capsys, tmp_path, env, "search", "tri tue", "--entity", "NVIDIA", "--json")
    assert code == 0 and len(out.splitlines()) == 2  # keys are lowercased
    custom = tmp_path / "entities.toml"  # BANTIN_ENTITIES_FILE decides which keys exist
    custom.write_text('[entities.google]\nname = "Google"\nkind = "company"\naliases = ["Google"]\n', encoding="utf-8")
    env["BANTIN_ENTITIES_FILE"] = str(custom)
    assert run_bantin(monkeypatch, capsys, tmp_path, env, "search", "tri tue", "--entity", "nvidia", "--json")[0] == 2
    assert run_bantin(monkeypatch, capsys, tmp_path, env, "search", "tri tue", "--entity", "google", "--json")[0] == 0
