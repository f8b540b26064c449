"""``bantin model pull/list/use`` against an offline stand-in for the Hugging Face Hub.

The tiny random models of the other tests are laid out as a Hub cache (``HF_HOME/hub/models--
OWNER--NAME/snapshots/<commit>/``, ``refs/main``) under the catalog's repo ids, and ``bantin model
pull`` runs in a child process with ``HF_HUB_OFFLINE=1``: ``huggingface_hub.snapshot_download``
resolves the revision and finds the snapshot as it would after a download, then bantin converts,
checks parity, installs and records the model. Nothing reaches the network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bantin_samples import SAMPLE_ARTICLE
from cli_run import bantin

from bantin.summarizer.hub import CATALOG

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def put_in_hub_cache(hf_home: Path, repo: str, folder: Path) -> None:
    entry = hf_home / "hub" / f"models--{repo.replace('/', '--')}"
    shutil.copytree(folder, entry / "snapshots" / COMMIT)
    (entry / "refs").mkdir(parents=True)
    (entry / "refs" / "main").write_text(COMMIT, encoding="utf-8")


@pytest.fixture(scope="module")
def hub(hf_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("hub")
    put_in_hub_cache(root / "hf", CATALOG["vit5-base"].repo, hf_models["t5"])
    put_in_hub_cache(root / "hf", CATALOG["vit5-large"].repo, hf_models["t5-untied"])
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BANTIN_", "HF_"))}
    env.update(HF_HOME=str(root / "hf"), HF_HUB_OFFLINE="1", BANTIN_DATA_DIR=str(root / "data"))
    (root / "data").mkdir()
    return env


def pull(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from bantin.cli import main; main(sys.argv[1:])"
    return subprocess.run([sys.executable, "-c", code, "model", "pull", *args], env=env, cwd=Path(env["BANTIN_DATA_DIR"]).parent,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def data_env(hub: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("BANTIN_MODEL_PATH", raising=False)
    monkeypatch.setenv("BANTIN_DATA_DIR", hub["BANTIN_DATA_DIR"])
    monkeypatch.chdir(Path(hub["BANTIN_DATA_DIR"]).parent)
    return Path(hub["BANTIN_DATA_DIR"])


def test_pull_converts_checks_records_and_summarize_uses_it(hub: dict[str, str], data_env: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    done = pull(hub, "vit5-base")
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.strip().splitlines()
    assert line.startswith(f"pulled {CATALOG['vit5-base'].repo}@{COMMIT[:12]} -> ") and "now in use" in line, line
    assert "encoder-decoder, int8, parity " in line
    folder = data_env / "models" / "vit5-base"
    card = json.loads((folder / "bantin_model.json").read_text(encoding="utf-8"))
    assert card["prefix"] == "vietnews: " and card["source"] == f"{CATALOG['vit5-base'].repo}@{COMMIT}"
    assert 'name = "vit5-base"' in (data_env / "models" / "current.toml").read_text(encoding="utf-8")

    article = tmp_path / "bai.txt"
    article.write_text(SAMPLE_ARTICLE, encoding="utf-8")
    code, out, err = bantin(["summarize", str(article), "--max-length", "5", "--beam-size", "1", "--format", "json"], capsys)
    [row] = json.loads(out)
    assert code == 0 and row["model_id"] == "vit5-base" and row["engine"] == "encoder-decoder", err
    code, out, _ = bantin(["config", "show", "--json"], capsys)
    assert code == 0 and json.loads(out)["model_path"].startswith(str(folder))
    code, out, _ = bantin(["model", "list"], capsys)
    assert code == 0 and f"* vit5-base  {folder}" in out
    code, out, _ = bantin(["model", "info", "--json"], capsys)
    assert code == 0 and json.loads(out)["path"] == str(folder)


def test_untied_model_gets_the_scale_fix_and_use_switches(hub: dict[str, str], data_env: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    done = pull(hub, "vit5-large", "--quantization", "float32")
    assert done.returncode == 0, done.stderr
    card = json.loads((data_env / "models" / "vit5-large" / "bantin_model.json").read_text(encoding="utf-8"))
    assert any(fix.startswith("t5-output-scale") for fix in card["fixes"])
    gap = float(done.stdout.split("parity ")[1].split(" ")[0])
    assert gap < 1e-3
    code, out, _ = bantin(["model", "list"], capsys)
    assert "* vit5-large" in out
    code, out, _ = bantin(["model", "use", "vit5-base"], capsys)
    assert code == 0 and out.startswith("now in use: vit5-base")
    code, out, _ = bantin(["model", "list"], capsys)
    assert "* vit5-base" in out and "  vit5-large" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["model", "pull", "vit9"], "unknown model 'vit9' (a short name: vit5-base, vit5-large, bartpho, phogpt"),
        (["model", "pull", "vit5-base", "--quantization", "int3"], "unknown quantization 'int3'"),
        (["model", "pull", "vit5-base", "--device", "tpu"], "unknown device 'tpu'"),
        (["model", "use", "nope"], "model 'nope' is not installed"),
    ],
)
def test_bad_pulls_and_uses_say_so_in_one_line(args: list[str], message: str, data_env: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = bantin(args, capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err


def test_a_repo_not_on_the_offline_hub(hub: dict[str, str]) -> None:
    done = pull(hub, "someone/not-cached")
    assert done.returncode == 2 and "cannot download someone/not-cached" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_pull_without_torch_names_the_extra_before_downloading(data_env: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    import bantin.summarizer.hub as hub

    monkeypatch.setitem(sys.modules, "torch", None)  # as if PyTorch were not installed
    monkeypatch.setattr(hub, "_download", lambda *args: pytest.fail("downloaded before checking for PyTorch"))
    code, _, err = bantin(["model", "pull", "vit5-large"], capsys)
    assert code == 2 and "pip install 'bantin[convert]'" in err and len(err.strip().splitlines()) == 1, err
