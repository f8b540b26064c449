"""``bantin summarize`` end to end: inputs, formats, the archive, and one clear line per bad input."""

from __future__ import annotations

import io
import json
import shutil
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bantin_samples import SAMPLE_ARTICLE as VI_ARTICLE
from sqlalchemy import select

from bantin.archive.engine import Database
from bantin.archive.models import Summary as SummaryRow
from bantin.cli import main

PAGE = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trí tuệ nhân tạo thay đổi tòa soạn</title>
<meta property="og:title" content="Trí tuệ nhân tạo thay đổi tòa soạn"></head><body><article>
<h1>Trí tuệ nhân tạo thay đổi tòa soạn</h1>
{"".join(f"<p>{line}</p>" for line in VI_ARTICLE.splitlines()[1:] if line.strip())}
</article></body></html>"""


def bantin(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "bai.txt"
    path.write_text(VI_ARTICLE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            body = PAGE.encode() if self.path == "/bai.html" else b"not here"
            self.send_response(200 if self.path == "/bai.html" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_text_file_with_a_model(article_file: Path, ct2_models: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = bantin(["summarize", str(article_file), "--model", str(ct2_models["t5"]), "--max-length", "6",
                             "--beam-size", "1", "--format", "json"], capsys)
    assert code == 0, err
    [row] = json.loads(out)
    assert row["input"] == str(article_file) and row["engine"] == "encoder-decoder"
    assert row["model_id"] == "t5-ct2" and row["device"] == "cpu" and row["compute_type"] == "int8"
    assert 0 < row["output_tokens"] <= 6 and row["options"]["beam_size"] == 1


def test_several_inputs_stdin_and_out_file(article_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(VI_ARTICLE.encode("utf-8"))))
    target = tmp_path / "tomtat.txt"
    code, out, err = bantin(["summarize", str(article_file), "-", "--out", str(target)], capsys)
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert f"# {article_file}" in text and "# <stdin>" in text and out == ""


def test_html_file_and_url_use_the_spiders_extractor(tmp_path: Path, web: str, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "bai.html"
    page.write_text(PAGE, encoding="utf-8")
    for spec in (str(page), f"{web}/bai.html"):
        code, out, err = bantin(["summarize", spec, "--format", "json"], capsys)
        assert code == 0, err
        [row] = json.loads(out)
        assert "<p>" not in row["text"] and "TP.HCM" in row["text"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d.joinpath("x.bin").write_bytes(bytes(range(256)) * 10) and d / "x.bin", "binary file"),
        (lambda d: d.joinpath("e.txt").write_text("   \n") and d / "e.txt", "empty"),
        (lambda d: d / "missing.txt", "no such file"),
    ],
)
def test_bad_inputs_one_line_nonzero(make, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    code, out, err = bantin(["summarize", str(make(tmp_path))], capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and out == ""


def test_unreachable_and_missing_urls(web: str, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, _, err = bantin(["summarize", f"http://127.0.0.1:{port}/x"], capsys)
    assert code == 2 and "cannot fetch" in err and len(err.strip().splitlines()) == 1
    code, _, err = bantin(["summarize", f"{web}/nothing"], capsys)
    assert code == 2 and "HTTP 404" in err


def test_bad_models_and_devices(article_file: Path, ct2_models: dict[str, Path], hf_models: dict[str, Path],
                                tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(ct2_models["bart"], bare)
    (bare / "tokenizer.json").unlink()
    (bare / "tokenizer_config.json").unlink()
    cases = [
        (["--model", str(tmp_path / "nope")], "does not exist"),
        (["--model", str(hf_models["bart"])], "not a CTranslate2 model"),
        (["--model", str(bare)], "lacks its tokenizer"),
        (["--device", "cuda"], "no CUDA GPU"),
        (["--long-input", "everything"], "long_input"),
    ]
    for extra, message in cases:
        code, out, err = bantin(["summarize", str(article_file), *extra], capsys)
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, (extra, err)


def test_pending_stores_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ct2_models: dict[str, Path],
                             capsys: pytest.CaptureFixture[str]) -> None:
    from bantin.archive.repository import ArticleIn, upsert_article

    url = f"sqlite:///{tmp_path / 'bantin.db'}"
    db = Database.connect(url)
    with db.session() as session:
        for i in range(3):
            upsert_article(session, ArticleIn(source_key="genk", url=f"https://genk.vn/{i}.chn",
                                              canonical_url=f"https://genk.vn/{i}.chn", title=f"Tin {i}",
                                              body=VI_ARTICLE + f" Thêm {i}." if i else ""))
    monkeypatch.setenv("BANTIN_DATABASE_URL", url)
    monkeypatch.setenv("BANTIN_MODEL_PATH", str(ct2_models["bart"]))
    code, _, err = bantin(["summarize", "--pending", "--device", "cuda"], capsys)
    assert code == 2 and "no CUDA GPU" in err
    code, out, err = bantin(["summarize", "--pending", "--limit", "5", "--max-length", "5"], capsys)
    assert code == 0, err
    assert "summarized 2, failed 0, skipped 1" in out
    code, out, _ = bantin(["summarize", "--pending", "--max-length", "5"], capsys)
    assert "summarized 0" in out
    with db.session() as session:
        stored = list(session.scalars(select(SummaryRow)))
    db.close()
    assert len(stored) == 2 and {s.model_id for s in stored} == {"bart-ct2"}


def test_inputs_and_pending_are_exclusive(article_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = bantin(["summarize", str(article_file), "--pending"], capsys)
    assert code == 2 and "not both" in err
    code, _, err = bantin(["summarize"], capsys)
    assert code == 2


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["summarize"], ["model", "convert"], ["model", "info"]):
        code, out, _ = bantin([*command, "--help"], capsys)
        assert code == 0 and "Example:" in out


def test_other_language_warns_and_still_summarizes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    english = tmp_path / "en.txt"
    english.write_text("The model was released today. It is fast and small. Many people like it.", encoding="utf-8")
    code, out, err = bantin(["summarize", str(english)], capsys)
    assert code == 0 and out.strip() and "does not look Vietnamese" in err
