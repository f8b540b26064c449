"""Tiny random models for the summarizer tests, built and converted once per test session.

Each family gets a tokenizer trained here on Vietnamese text, a random Hugging Face model, and a
float32 CTranslate2 conversion made with ``bantin model convert`` (float32 so that parity and
batching can be compared exactly).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bantin_samples import TOKENIZER_CORPUS
from random_models import FAMILIES, build_model, train_tokenizer

from bantin.summarizer.loading import clear_cache


def run_cli(args: list[str]) -> None:
    """Run ``bantin`` in-process like the console script; raise if it does not exit 0."""
    from bantin.cli import main

    try:
        main(args)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise AssertionError(f"bantin {' '.join(args)} exited {exc.code}") from None


@pytest.fixture(scope="session")
def cli():  # noqa: ANN201 - returns run_cli
    """``run_cli(args)``: run ``bantin`` in-process; fails the test on a non-zero exit."""
    return run_cli


@pytest.fixture(scope="session")
def hf_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hf")
    return {family: build_model(root / family, family, train_tokenizer(TOKENIZER_CORPUS, family)) for family in FAMILIES}


@pytest.fixture(scope="session")
def ct2_models(hf_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("ct2")
    out: dict[str, Path] = {}
    for family, folder in hf_models.items():
        target = root / f"{family}-ct2"
        extra = ["--trust-remote-code"] if family == "mpt" else []
        run_cli(["model", "convert", str(folder), str(target), "--quantization", "float32", *extra])
        out[family] = target
    return out


@pytest.fixture(autouse=True)
def fresh_model_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()
