"""Models from the Hugging Face Hub: a catalog of known-good Vietnamese models, ``pull_model``
(download, convert, parity check, install) and the installed models under ``DATA/models/``.

``pull_model`` downloads with ``huggingface_hub.snapshot_download`` (resumable; honours
``HF_HOME``, ``HF_TOKEN``, ``HF_HUB_OFFLINE`` and ``HF_ENDPOINT``), converts with the parity
converter (``bantin.summarizer.convert``, which needs the ``convert`` extra) unless the repository
already holds a CTranslate2 model, checks parity, and installs the result as ``models/<name>``.
``models/current.toml`` names the model in use (``use_model``); the edges read it through
``current_model`` when ``BANTIN_MODEL_PATH`` is not set.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bantin.errors import ConfigError, ModelError
from bantin.tomlfile import load_toml

__all__ = ["CATALOG", "CURRENT_FILE", "CatalogEntry", "Pulled", "current_model", "installed_models", "pull_model",
           "resolve", "use_model"]

CURRENT_FILE = "current.toml"
PHOGPT_PROMPT = "### Câu hỏi: {instruction}\n### Trả lời:"
# Weights of other frameworks and exports that a conversion never reads.
_IGNORED = ["*.msgpack", "*.h5", "*.ot", "*.onnx", "onnx/*", "*.tflite", "flax_model*", "tf_model*", "rust_model*"]


@dataclass(frozen=True)
class CatalogEntry:
    """A model ``bantin model pull`` knows by a short name."""

    name: str
    repo: str
    prefix: str = ""
    prompt_template: str = ""
    trust_remote_code: bool = False
    note: str = ""


CATALOG = {entry.name: entry for entry in (
    CatalogEntry("vit5-base", "VietAI/vit5-base-vietnews-summarization", prefix="vietnews: ",
                 note="ViT5-base fine-tuned on VietNews (~0.9 GB download, 0.23 GB int8)"),
    CatalogEntry("vit5-large", "VietAI/vit5-large-vietnews-summarization", prefix="vietnews: ",
                 note="ViT5-large on VietNews, untied embeddings (~3.1 GB download, 0.8 GB int8)"),
    CatalogEntry("bartpho", "htNghiaaa/bartpho-vietnamese-summarization-1",
                 note="BARTpho-syllable fine-tuned on Vietnamese news (community model, ~1.6 GB download)"),
    CatalogEntry("phogpt", "vinai/PhoGPT-4B-Chat", prompt_template=PHOGPT_PROMPT, trust_remote_code=True,
                 note="PhoGPT-4B-Chat, decoder-only with its own code (~7.5 GB download; a GPU model)"),
)}


@dataclass(frozen=True)
class Pulled:
    """What ``pull_model`` installed."""

    name: str
    path: Path
    repo: str
    commit: str
    quantization: str
    engine: str
    parity_gap: float | None  # None: no check (the repository held a converted model)
    parity_limit: float


class _Current(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str


def resolve(name_or_repo: str, *, trust_remote_code: bool = False, prefix: str | None = None) -> CatalogEntry:
    """The catalog entry of a short name, or an entry for ``owner/repo`` (named after the repo)."""
    if name_or_repo in CATALOG:
        entry = CATALOG[name_or_repo]
    elif name_or_repo.count("/") == 1 and all(name_or_repo.split("/")):
        entry = CatalogEntry(name_or_repo.split("/")[1].lower(), name_or_repo, trust_remote_code=trust_remote_code)
    else:
        raise ModelError(f"unknown model {name_or_repo!r} (a short name: {', '.join(CATALOG)}; or a Hub repo OWNER/NAME)")
    return entry if prefix is None else replace(entry, prefix=prefix)


def _ignored(repo: str, revision: str | None) -> list[str]:
    """What not to download: other frameworks' weights, and the PyTorch pickles when the repository
    also has safetensors (the same weights twice; transformers reads the safetensors)."""
    from huggingface_hub import HfApi, constants

    if constants.HF_HUB_OFFLINE:
        return _IGNORED
    try:
        files = HfApi().list_repo_files(repo, revision=revision)
    except Exception:  # noqa: BLE001 - only an optimisation: the download itself reports real problems
        return _IGNORED
    if any(name.endswith(".safetensors") for name in files):
        return [*_IGNORED, "pytorch_model*.bin"]
    return _IGNORED


def _download(repo: str, revision: str | None) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, HFValidationError

    try:
        return Path(snapshot_download(repo, revision=revision, ignore_patterns=_ignored(repo, revision)))
    except (HfHubHTTPError, HFValidationError, OSError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:240]
        raise ModelError(f"cannot download {repo}{'@' + revision if revision else ''}: {type(exc).__name__}: {reason}") from exc


def _write_card(folder: Path, **changes: object) -> None:
    card_file = folder / "bantin_model.json"
    card = json.loads(card_file.read_text(encoding="utf-8")) if card_file.is_file() else {}
    card.update(changes)
    card_file.write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def pull_model(
    entry: CatalogEntry, models: Path, *, revision: str | None = None, quantization: str = "int8", check: bool = True
) -> Pulled:
    """Download ``entry``, convert it (unless already CTranslate2), check parity and install it as
    ``models/<name>``, recorded as the model in use. Raises ``ModelError``."""
    import ctranslate2

    from bantin.summarizer.card import QUANTIZATIONS, model_card

    if quantization not in QUANTIZATIONS:
        raise ModelError(f"unknown quantization {quantization!r} (choose: {', '.join(QUANTIZATIONS)})")
    models.mkdir(parents=True, exist_ok=True)
    source = _download(entry.repo, revision)
    partial = models / f".{entry.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    gap, limit = None, 1e-3 if quantization == "float32" else 1.0
    if ctranslate2.contains_model(str(source)):  # published already converted: nothing to convert or compare
        shutil.copytree(source, partial)
    else:
        from bantin.summarizer.convert import convert_model, require_torch
        from bantin.summarizer.parity import PARITY_SAMPLE, check_parity

        require_torch()
        convert_model(source, partial, quantization=quantization, trust_remote_code=entry.trust_remote_code,
                      force=True, prefix=entry.prefix, prompt_template=entry.prompt_template)
        if check:
            gap = check_parity(source, partial, PARITY_SAMPLE, trust_remote_code=entry.trust_remote_code)
            if gap > limit:
                shutil.rmtree(partial, ignore_errors=True)
                raise ModelError(f"{entry.repo}: parity check failed: log-probs differ by {gap:.3g} > {limit:g}")
    _write_card(partial, source=f"{entry.repo}@{source.name}", **({"prefix": entry.prefix} if entry.prefix else {}))
    target = models / entry.name
    if target.exists():
        shutil.rmtree(target)
    partial.rename(target)
    card = model_card(target)
    use_model(models, entry.name)
    return Pulled(entry.name, target, entry.repo, source.name, card.quantization, card.engine, gap, limit)


def _installed(models: Path, name: str) -> bool:
    return (models / name / "model.bin").is_file()


def use_model(models: Path, name: str) -> Path:
    """Record ``name`` (a folder under ``models``) as the model in use; its path."""
    if not _installed(models, name):
        have = ", ".join(card_name for card_name, _ in installed_models(models)) or "none"
        raise ModelError(f"model {name!r} is not installed in {models} (installed: {have}; bantin model pull NAME)")
    temporary = models / f".{CURRENT_FILE}.tmp"
    temporary.write_text(
        "# The model bantin summarizes with (bantin model use NAME); BANTIN_MODEL_PATH wins when set.\n"
        f"name = {json.dumps(name, ensure_ascii=False)}\n",
        encoding="utf-8",
    )
    os.replace(temporary, models / CURRENT_FILE)
    return models / name


def current_model(models: Path) -> Path | None:
    """The folder of the model in use (``models/current.toml``), or None when none is recorded."""
    record = models / CURRENT_FILE
    if not record.is_file():
        return None
    name = load_toml(record, _Current, error=ConfigError).name
    if not _installed(models, name):
        raise ConfigError(f"{record}: model {name!r} is not installed (bantin model list; bantin model use NAME)")
    return models / name


def installed_models(models: Path) -> list[tuple[str, Path]]:
    """(name, folder) of every installed model, by name."""
    if not models.is_dir():
        return []
    return sorted((folder.name, folder) for folder in models.iterdir()
                  if not folder.name.startswith(".") and _installed(models, folder.name))
