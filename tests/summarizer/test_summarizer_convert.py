"""Conversion: parity with transformers per family, the untied-T5 trap, model info, bad folders."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from ctranslate2.converters import TransformersConverter

from bantin.errors import ModelError
from bantin.summarizer.convert import convert_model, model_card
from bantin.summarizer.parity import check_parity

PAIRS = [
    ("Nhiều tòa soạn tại TP.HCM đã dùng trí tuệ nhân tạo.", "Mô hình ngôn ngữ lớn giúp biên tập viên."),
    ("Công ty khởi nghiệp gọi vốn 105 triệu USD.", "Dữ liệu tiếng Việt chất lượng cao."),
]


@pytest.mark.parametrize("family", ["t5", "t5-untied", "bart", "mbart", "llama", "mpt"])
def test_parity_with_transformers(family: str, hf_models: dict[str, Path], ct2_models: dict[str, Path]) -> None:
    gap = check_parity(hf_models[family], ct2_models[family], PAIRS, trust_remote_code=family == "mpt")
    assert gap < 1e-3


def test_plain_converter_gets_untied_t5_wrong(hf_models: dict[str, Path], tmp_path: Path) -> None:
    """The trap this project fixes: CTranslate2's own converter rescales untied T5 outputs."""
    TransformersConverter(str(hf_models["t5-untied"])).convert(str(tmp_path / "plain"))
    shutil.copy(hf_models["t5-untied"] / "tokenizer.json", tmp_path / "plain")
    shutil.copy(hf_models["t5-untied"] / "tokenizer_config.json", tmp_path / "plain")
    assert check_parity(hf_models["t5-untied"], tmp_path / "plain", PAIRS) > 1.0


def test_cards_name_engine_family_and_fix(ct2_models: dict[str, Path]) -> None:
    engines = {family: model_card(folder).engine for family, folder in ct2_models.items()}
    assert engines == {
        "t5": "encoder-decoder", "t5-untied": "encoder-decoder", "bart": "encoder-decoder",
        "mbart": "encoder-decoder", "llama": "decoder-only", "mpt": "decoder-only",
    }
    untied = model_card(ct2_models["t5-untied"])
    assert untied.family == "t5" and untied.quantization == "float32" and untied.vocabulary_size > 20
    assert any("t5-output-scale" in fix for fix in untied.fixes)
    assert model_card(ct2_models["t5"]).fixes == ()


def test_model_info_command(cli, ct2_models: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    cli(["model", "info", str(ct2_models["llama"]), "--json"])
    info = json.loads(capsys.readouterr().out)
    assert info["architecture"] == "LlamaForCausalLM" and info["engine"] == "decoder-only"
    cli(["model", "info", str(ct2_models["bart"])])
    out = capsys.readouterr().out
    assert "encoder-decoder" in out and "float32" in out


def test_int8_conversion_with_check(cli, hf_models: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(["model", "convert", str(hf_models["t5-untied"]), str(tmp_path / "q"), "--check", "--prefix", "vietnews: "])
    out = capsys.readouterr().out
    assert "int8" in out and "parity:" in out and "applied fix: t5-output-scale" in out
    card = model_card(tmp_path / "q")
    assert card.quantization == "int8" and card.prefix == "vietnews: "
    from bantin.summarizer import ModelSpec, SummaryOptions, load_summarizer

    engine = load_summarizer(ModelSpec(path=tmp_path / "q"))
    options = SummaryOptions(max_length=4, beam_size=1)
    with_card = engine.summarize(["Tin công nghệ."], options)[0].input_tokens
    assert engine.summarize(["Tin công nghệ."], options.with_(prefix="x: "))[0].input_tokens < with_card


def test_convert_refuses_bad_sources(hf_models: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        convert_model(tmp_path / "missing", tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="no config.json"):
        convert_model(tmp_path / "empty", tmp_path / "out")
    with pytest.raises(ModelError, match="--trust-remote-code"):
        convert_model(hf_models["mpt"], tmp_path / "out")
    with pytest.raises(ModelError, match="unknown quantization"):
        convert_model(hf_models["t5"], tmp_path / "out", quantization="int3")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("keep")
    with pytest.raises(ModelError, match="--force"):
        convert_model(hf_models["t5"], tmp_path / "full")


def test_convert_without_tokenizer_fails_cleanly(hf_models: dict[str, Path], tmp_path: Path) -> None:
    source = tmp_path / "notok"
    shutil.copytree(hf_models["t5"], source)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (source / name).unlink()
    with pytest.raises(ModelError, match="no tokenizer"):
        convert_model(source, tmp_path / "out")


def test_model_info_refuses_non_models(hf_models: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        model_card(tmp_path / "nothing")
    with pytest.raises(ModelError, match="not a CTranslate2 model"):
        model_card(hf_models["t5"])


def test_convert_without_torch_names_the_extra(hf_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from bantin.cli import main

    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError, as when it is absent
    with pytest.raises(SystemExit) as exited:
        main(["model", "convert", str(hf_models["t5"]), str(tmp_path / "out"), "--check"])
    err = capsys.readouterr().err.strip()
    assert exited.value.code == 2
    assert len(err.splitlines()) == 1 and "bantin[convert]" in err, err
    assert not (tmp_path / "out").exists()
