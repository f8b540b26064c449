"""The edition's overview paragraph: written once by a decoder-only model, stored with the edition,
shown marked as machine-written in every format and on the web; no model, no paragraph; a failing
model costs the paragraph only (one warning line).

The model is a tiny random Llama converted by ``bantin model convert`` (CTranslate2's converter):
its words are gibberish, so the tests check storage, marking and "made once", never the content.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from bantin_samples import TOKENIZER_CORPUS
from bantin_test_support import run_bantin
from markupsafe import escape
from newsletter_seed import NOW, make_options, seed_news_day

from bantin.archive.engine import Database
from bantin.archive.models import Edition
from bantin.newsletter.build import build_edition, render_stored
from bantin.summarizer.loading import clear_cache
from bantin.summarizer.overview import overview_writer
from bantin.summarizer.spec import ModelSpec

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "summarizer"))  # the summarizer tests' model builder
from random_models import build_model, train_tokenizer  # noqa: E402

NOTE = "Đoạn tổng quan do máy viết, chưa qua biên tập; mô hình:"
SINCE = NOW - timedelta(days=1)


@pytest.fixture(scope="module")
def llama_ct2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random decoder-only model (Llama), converted to CTranslate2 float32."""
    from bantin.cli import main

    root = tmp_path_factory.mktemp("overview-model")
    folder = build_model(root / "hf-llama", "llama", train_tokenizer(TOKENIZER_CORPUS, "llama"))
    target = root / "tiny-llama-ct2"
    with pytest.raises(SystemExit) as done:
        main(["model", "convert", str(folder), str(target), "--quantization", "float32"])
    assert done.value.code in (0, None)
    return target


@pytest.fixture(autouse=True)
def _fresh_models() -> None:
    clear_cache()


def _edition(db: Database, edition_id: int) -> tuple[str | None, str | None]:
    with db.sessions() as session:
        edition = session.get(Edition, edition_id)
        return edition.overview_text, edition.overview_model


def test_the_model_writes_the_paragraph_once_and_every_format_marks_it(db: Database, tmp_path: Path,
                                                                       llama_ct2: Path) -> None:
    seed_news_day(db)
    writer = overview_writer(ModelSpec(path=llama_ct2))
    assert writer is not None
    calls: list[list[str]] = []

    def counting(stories):  # noqa: ANN001, ANN202 - the real writer, counted
        calls.append(list(stories))
        return writer(stories)

    options = make_options(tmp_path)
    first = build_edition(db, options, period="daily", since=SINCE, until=NOW, now=NOW, write_overview=counting)
    assert first.created and first.warnings == ()
    assert len(calls) == 1 and any(story.startswith("Mô hình ngôn ngữ tiếng Việt mới ra mắt: ") for story in calls[0])
    text, model = _edition(db, first.edition_id)
    assert text and text == " ".join(text.split()) and model == "tiny-llama-ct2"

    files = {path.suffix: path.read_text(encoding="utf-8") for path in first.paths}
    assert str(escape(text)) in files[".html"]
    assert " ".join(text.split()) in " ".join(files[".txt"].split())
    for suffix in (".html", ".txt", ".md"):
        assert f"{NOTE} tiny-llama-ct2" in files[suffix], suffix
        assert files[suffix].index(NOTE) < files[suffix].index("do máy chọn"), suffix  # in the opening

    # made once: the same period again, a re-render and the web page all show the stored text
    again = build_edition(db, options, period="daily", since=SINCE, until=NOW, now=NOW + timedelta(hours=1),
                          write_overview=counting)
    assert again.existed and len(calls) == 1 and _edition(db, first.edition_id) == (text, model)
    with db.session() as session:
        rendered, _paths = render_stored(session, session.get(Edition, first.edition_id), options, out_dir=tmp_path / "again")
    assert str(escape(text)) in rendered.html and f"{NOTE} tiny-llama-ct2" in rendered.text

    from fastapi.testclient import TestClient

    from bantin.web import WebOptions, create_app

    with TestClient(create_app(WebOptions(), db)) as client:
        page = client.get(f"/editions/{first.edition_id}")
        api = client.get(f"/api/editions/{first.edition_id}").json()
    assert page.status_code == 200 and str(escape(text)) in page.text and f"{NOTE} tiny-llama-ct2" in page.text
    assert api["overview"]["paragraph"] == text and api["overview"]["paragraph_model"] == "tiny-llama-ct2"
    assert len(calls) == 1


def test_a_failing_model_leaves_the_edition_without_a_paragraph(db: Database, tmp_path: Path) -> None:
    seed_news_day(db)
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    writer = overview_writer(ModelSpec(path=broken, engine="decoder-only"))
    assert writer is not None  # said to be decoder-only: it is tried, and fails when it loads
    result = build_edition(db, make_options(tmp_path), period="daily", since=SINCE, until=NOW, now=NOW,
                           write_overview=writer)
    assert result.created and result.item_count == 5
    assert len(result.warnings) == 1 and result.warnings[0].startswith("overview paragraph not written: ")
    assert "\n" not in result.warnings[0]
    assert _edition(db, result.edition_id) == (None, None)
    for path in result.paths:
        text = path.read_text(encoding="utf-8")
        assert NOTE not in text and "do máy chọn" in text


def test_no_decoder_only_model_no_paragraph(db: Database, tmp_path: Path, llama_ct2: Path) -> None:
    assert overview_writer(ModelSpec()) is None  # the extractive engine
    assert overview_writer(ModelSpec(path=llama_ct2, engine="encoder-decoder")) is None
    seed_news_day(db)
    result = build_edition(db, make_options(tmp_path), period="daily", since=SINCE, until=NOW, now=NOW)
    assert result.warnings == () and _edition(db, result.edition_id) == (None, None)
    assert all(NOTE not in path.read_text(encoding="utf-8") for path in result.paths)


def test_the_cli_passes_the_configured_model_and_warns_in_one_line(tmp_path: Path, monkeypatch, capsys,  # noqa: ANN001
                                                                   llama_ct2: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bantin.db'}"
    with Database.connect(url) as db:
        seed_news_day(db)
    broken = tmp_path / "broken"
    broken.mkdir()
    env = dict(BANTIN_DATABASE_URL=url, BANTIN_OUT_DIR=str(tmp_path / "out"), BANTIN_DATA_DIR=str(tmp_path),
               BANTIN_MODEL_PATH=str(broken), BANTIN_MODEL_ENGINE="decoder-only")
    code, out, err = run_bantin(monkeypatch, capsys, tmp_path, env, "newsletter", "--since", "2026-11-29T06:30",
                                "--until", "2026-11-30T06:30")
    assert code == 0 and "(edition 1, new)" in out
    assert [line for line in err.splitlines() if line.startswith("warning: overview paragraph not written: ")]

    env = {**env, "BANTIN_MODEL_PATH": str(llama_ct2), "BANTIN_MODEL_ENGINE": "auto"}
    code, out, err = run_bantin(monkeypatch, capsys, tmp_path, env, "newsletter", "--period", "weekly",
                                "--since", "2026-11-23", "--until", "2026-11-30T06:30")
    assert code == 0 and "new)" in out and "warning" not in err
    with Database.connect(url) as db:
        with db.sessions() as session:
            weekly = session.query(Edition).filter_by(kind="weekly").one()
            assert weekly.overview_text and weekly.overview_model == "tiny-llama-ct2"
            weekly_id, paragraph = weekly.id, weekly.overview_text
    code, out, _ = run_bantin(monkeypatch, capsys, tmp_path, env, "editions", "show", str(weekly_id))
    assert code == 0 and "overview (machine-written by tiny-llama-ct2): " in out
    code, out, _ = run_bantin(monkeypatch, capsys, tmp_path, env, "editions", "show", str(weekly_id), "--json")
    assert code == 0 and json.loads(out)["edition"]["overview_text"] == paragraph
    code, out, _ = run_bantin(monkeypatch, capsys, tmp_path, env, "editions", "list", "--json")
    assert code == 0 and {row["overview_model"] for row in json.loads(out)} == {None, "tiny-llama-ct2"}
