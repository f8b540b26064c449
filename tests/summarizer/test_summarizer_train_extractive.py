"""``bantin model train-extractive`` on a tiny archive: weights in the data folder, preferred by the engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bantin_samples import SAMPLE_ARTICLE as VI_ARTICLE
from test_summarizer_cli import bantin  # runs the CLI in-process: (exit code, stdout, stderr)

from bantin.archive.engine import Database
from bantin.archive.repository import ArticleIn, upsert_article
from bantin.summarizer import SummaryOptions, load_summarizer
from bantin.summarizer.loading import clear_cache
from bantin.summarizer.spec import EXTRACTIVE_MODEL_ID, TRAINED_WEIGHTS_FILE
from bantin.summarizer.training import oracle_labels

SENTENCES = [s for s in VI_ARTICLE.splitlines()[1:] if s.strip()]


def fill(data: Path, count: int) -> None:
    db = Database.connect(f"sqlite:///{data / 'bantin.db'}")
    with db.session() as session:
        for i in range(count):
            facts = [f"Công ty số {i} ở Đà Nẵng vừa ra mắt sản phẩm trí tuệ nhân tạo thứ {i}.",
                     *SENTENCES[i % len(SENTENCES):], f"Bài số {i} kết thúc tại đây."]
            lead = f"Công ty số {i} ở Đà Nẵng ra mắt sản phẩm trí tuệ nhân tạo."
            upsert_article(session, ArticleIn(source_key="genk", url=f"https://genk.vn/{i}.chn",
                                              canonical_url=f"https://genk.vn/{i}.chn", title=f"Sản phẩm số {i}",
                                              lead=lead if i % 7 else "", body=" ".join(facts)))
    db.close()


def test_oracle_picks_the_sentence_that_matches_the_reference() -> None:
    sentences = ["Trời hôm nay đẹp.", "Công ty A gọi vốn 10 triệu USD.", "Giá vàng giảm."]
    assert oracle_labels(sentences, "Công ty A vừa gọi vốn 10 triệu USD.") == [1]


def test_train_from_the_archive_then_the_engine_prefers_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BANTIN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BANTIN_DATABASE_URL", raising=False)
    monkeypatch.delenv("BANTIN_MODEL_PATH", raising=False)
    fill(tmp_path, 10)
    code, _, err = bantin(["model", "train-extractive"], capsys)
    assert code != 0 and "needs at least 20" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / TRAINED_WEIGHTS_FILE).exists()

    fill(tmp_path, 40)  # 40 articles, 34 with a lead
    code, out, err = bantin(["model", "train-extractive"], capsys)
    assert code == 0, err
    weights = json.loads((tmp_path / TRAINED_WEIGHTS_FILE).read_text(encoding="utf-8"))
    assert weights["model_id"].startswith("extractive-archive-") and weights["model_id"] in out
    assert "30 articles" in out and "tuned on 4" in out

    from bantin.configure import model_spec
    from bantin.settings import Settings

    spec = model_spec(Settings())
    assert spec.extractive_weights == tmp_path / TRAINED_WEIGHTS_FILE and spec.model_id == weights["model_id"]
    clear_cache()
    try:
        engine = load_summarizer(spec)
        assert engine.model_id == weights["model_id"] != EXTRACTIVE_MODEL_ID
        doc = "Tin mới\n" + " ".join(["Công ty số 99 ở Đà Nẵng vừa ra mắt sản phẩm trí tuệ nhân tạo thứ 99.", *SENTENCES])
        [summary] = engine.summarize([doc], SummaryOptions())
        assert summary.text.startswith("Công ty số 99")
    finally:
        clear_cache()
