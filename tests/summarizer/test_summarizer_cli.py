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
from cli_run import bantin
from sqlalchemy import select

from bantin.archive.engine import Database
from bantin.archive.models import Summary as SummaryRow

PAGE = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trí tuệ nhân tạo thay đổi tòa soạn</title>
<meta property="og:title" content="Trí tuệ nhân tạo thay đổi tòa soạn"></head><body><article>
<h1>Trí tuệ nhân tạo thay đổi tòa soạn</h1>
{"".join(f"<p>{line}</p>" for line in VI_ARTICLE.splitlines()[1:] if line.strip())}
</article></body></html>"""


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
        (["--long-input", "everything"], "--long-input"),
        (["--model", str(ct2_models["t5"]), "--compute-type", "float16", "--device", "cpu"], "not supported on cpu"),
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
    for command in (["summarize"], ["model", "convert"], ["model", "info"], ["model", "pull"], ["model", "list"],
                    ["model", "use"]):
        code, out, _ = bantin([*command, "--help"], capsys)
        assert code == 0 and "Example:" in out


def test_other_language_warns_and_still_summarizes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    english = tmp_path / "en.txt"
    english.write_text("The model was released today. It is fast and small. Many people like it.", encoding="utf-8")
    code, out, err = bantin(["summarize", str(english)], capsys)
    assert code == 0 and out.strip() and "does not look Vietnamese" in err


# -- the faults a new user met (issue 14): each says what is wrong in one line, before any model
# -- is loaded -----------------------------------------------------------------------------------

@pytest.fixture
def nothing_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a model (or the extractive engine's weights) loads or any summarizing starts:
    the checks must come first."""
    import bantin.summarizer.extractive as extractive
    import bantin.summarizer.loading as loading

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("loaded a model or started summarizing before checking the command line")

    monkeypatch.setattr(loading, "load_summarizer", refuse)
    monkeypatch.setattr(extractive, "load_weights", refuse)
    monkeypatch.setattr(extractive, "sentence_features", refuse)


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_out_in_a_missing_folder_is_refused_first(article_file: Path, tmp_path: Path, nothing_loads: None,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = bantin(["summarize", str(article_file), "--out", str(tmp_path / "missing" / "x.txt")], capsys)
    assert code == 2 and out == "" and "does not exist" in one_line(err)
    code, _, err = bantin(["summarize", str(article_file), "--out", str(tmp_path)], capsys)
    assert code == 2 and "is a directory" in one_line(err)


def test_ten_megabytes_on_one_line_give_a_bounded_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bantin.summarizer.extractive import MAX_SENTENCE_CHARS

    words = " ".join(f"chữ{i % 997}" for i in range(1_300_000))  # ~10 MB, no punctuation, no new line
    big = tmp_path / "mot-dong.txt"
    big.write_text(words, encoding="utf-8")
    assert big.stat().st_size > 10_000_000
    code, out, err = bantin(["summarize", str(big)], capsys)
    assert code == 0, err
    assert 0 < len(out.strip()) <= MAX_SENTENCE_CHARS and out.strip().endswith("…")
    assert "was cut to 1,000" in one_line(err)


def test_many_articles_say_where_they_were_cut(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "nhieu-bai.txt"
    big.write_text("\n".join(f"Bài {i}. {VI_ARTICLE}" for i in range(60)), encoding="utf-8")
    code, out, err = bantin(["summarize", str(big)], capsys)
    assert code == 0 and out.strip()
    assert "read only the first 400 of" in one_line(err) and "left out" in err


def test_a_directory_is_named_as_one(tmp_path: Path, nothing_loads: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = bantin(["summarize", str(tmp_path)], capsys)
    assert code == 2 and f"{tmp_path} is a directory" in one_line(err)


@pytest.mark.parametrize(("flag", "value"), [("--engine", "nonsense"), ("--device", "tpu")])
def test_unknown_engine_or_device_lists_the_choices(flag: str, value: str, article_file: Path, nothing_loads: None,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = bantin(["summarize", str(article_file), flag, value], capsys)
    line = one_line(err)
    assert code == 2 and f"unknown {flag[2:]} '{value}' (choose: auto, " in line, line


@pytest.mark.parametrize(
    ("args", "flag"),
    [(["--sentences", "0"], "--sentences"), (["--chars", "-1"], "--chars"), (["--max-length", "0"], "--max-length"),
     (["--beam-size", "0"], "--beam-size"), (["--long-input", "all"], "--long-input")],
)
def test_bad_option_values_name_the_flag(args: list[str], flag: str, article_file: Path, nothing_loads: None,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = bantin(["summarize", str(article_file), *args], capsys)
    line = one_line(err)
    assert code == 2 and flag in line and "budget_" not in line and "_length" not in line, line


def test_an_empty_file_among_several_is_named_before_loading(article_file: Path, tmp_path: Path,
                                                             ct2_models: dict[str, Path], nothing_loads: None,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "rong.txt"
    empty.write_text("  \n", encoding="utf-8")
    code, _, err = bantin(["summarize", str(article_file), str(empty), "--model", str(ct2_models["t5"])], capsys)
    assert code == 2 and f"{empty} is empty" in one_line(err)


def test_no_stray_line_on_stderr(article_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = bantin(["summarize", str(article_file)], capsys)
    assert code == 0 and out.strip() and err == ""


# -- CUDA readiness in one line (no GPU here: CTranslate2's device queries are stood in for) ------

ALL_GPU_TYPES = {"float32", "int8", "int8_float32", "int8_float16", "float16", "int8_bfloat16", "bfloat16"}


def _no_driver(device: str) -> set[str]:
    if device == "cuda":
        raise RuntimeError("CUDA failed with error CUDA driver version is insufficient for CUDA runtime version")
    return {"int8", "float32"}


def _cpu_build(device: str) -> set[str]:
    if device == "cuda":
        raise ValueError("This CTranslate2 package was not compiled with CUDA support")
    return {"int8", "float32"}


@pytest.mark.parametrize(
    ("gpus", "types", "extra", "message"),
    [
        (0, _no_driver, [], "sees no CUDA GPU (CUDA failed with error CUDA driver version is insufficient"),
        (0, _cpu_build, [], "was built without CUDA"),
        (1, lambda device: {"float32", "int8_float32"}, ["--compute-type", "float16"],
         "compute type 'float16' is not supported on this GPU (supported: float32, int8_float32)"),
    ],
    ids=["no-gpu", "no-cuda-build", "compute-type"],
)
def test_cuda_readiness_in_one_line(gpus: int, types, extra: list[str], message: str, article_file: Path,  # noqa: ANN001
                                    ct2_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: gpus)
    monkeypatch.setattr(ctranslate2, "get_supported_compute_types", types)
    model = str(ct2_models["t5"])
    for args in (["model", "info", model, "--device", "cuda", *extra],
                 ["summarize", str(article_file), "--model", model, "--device", "cuda", *extra]):
        code, out, err = bantin(args, capsys)
        assert code == 2 and message in one_line(err), (args, err)


def test_model_info_says_where_a_ready_gpu_runs_it(ct2_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    monkeypatch.setattr(ctranslate2, "get_supported_compute_types", lambda device: ALL_GPU_TYPES)
    code, out, err = bantin(["model", "info", str(ct2_models["t5"]), "--device", "cuda", "--json"], capsys)
    card = json.loads(out)
    assert code == 0 and (card["device"], card["compute_type"]) == ("cuda", "int8_bfloat16"), err
