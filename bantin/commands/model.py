"""``bantin model``: convert Hugging Face models to CTranslate2 and describe converted folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bantin.errors import ModelError

__all__ = ["PARITY_SAMPLE", "model_app", "register"]

model_app = typer.Typer(help="Convert summarization models and show what a model folder holds.", no_args_is_help=True)

PARITY_SAMPLE = (
    (
        "vietnews: Tại TP.HCM, các doanh nghiệp công nghệ đang ứng dụng trí tuệ nhân tạo vào sản xuất.",
        "Doanh nghiệp TP.HCM ứng dụng trí tuệ nhân tạo.",
    ),
)


@model_app.command("convert")
def convert_cmd(
    source: Annotated[Path, typer.Argument(help="Hugging Face model folder (config.json, weights, tokenizer).")],
    out: Annotated[Path, typer.Argument(help="Folder to write the CTranslate2 model into.")],
    quantization: Annotated[
        str, typer.Option("--quantization", "-q", help="Weight type: int8, int8_float16, float16, bfloat16, float32...")
    ] = "int8",
    trust_remote_code: Annotated[
        bool, typer.Option("--trust-remote-code", help="Run the folder's own model code (needed for PhoGPT/MPT).")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
    prefix: Annotated[
        str, typer.Option("--prefix", help="Task prefix put before every input (ViT5: 'vietnews: ').")
    ] = "",
    check: Annotated[
        bool, typer.Option("--check", help="Compare CTranslate2 and transformers log-probs on a Vietnamese sample.")
    ] = False,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance", help="Largest log-prob difference --check accepts (default: 1e-3 for float32, else 1.0)."
        ),
    ] = 0.0,
) -> None:
    """Convert a Hugging Face model (T5/ViT5, BART/BARTpho, Llama/Qwen, PhoGPT/MPT) to CTranslate2.

    The tokenizer is saved next to the weights; untied T5 models (mT5, ViT5-large) get the
    output-scale fix described in the README.

    Example: [bold]bantin model convert ./vit5-base-vietnews-summarization ./vit5-ct2 --prefix "vietnews: "[/bold]
    """
    from bantin.summarizer.convert import convert_model, require_torch

    require_torch()
    card = convert_model(
        source, out, quantization=quantization, trust_remote_code=trust_remote_code, force=force, prefix=prefix
    )
    typer.echo(
        f"converted {source} -> {out}: {card.family} ({card.engine}), {card.quantization}, vocabulary {card.vocabulary_size}"
    )
    for fix in card.fixes:
        typer.echo(f"applied fix: {fix}")
    if check:
        from bantin.summarizer.parity import check_parity

        gap = check_parity(source, out, PARITY_SAMPLE, trust_remote_code=trust_remote_code)
        limit = tolerance or (1e-3 if card.quantization == "float32" else 1.0)
        typer.echo(f"parity: max |log p(CTranslate2) - log p(transformers)| = {gap:.2e} (limit {limit:g})")
        if gap > limit:
            raise ModelError(f"parity check failed: log-probs differ by {gap:.3g} > {limit:g}")


@model_app.command("info")
def info_cmd(
    folder: Annotated[Path, typer.Argument(help="A CTranslate2 model folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    device: Annotated[
        str | None, typer.Option("--device", help="Also say where it would run: auto, cpu or cuda (CUDA readiness).")
    ] = None,
    compute_type: Annotated[str, typer.Option("--compute-type", help="With --device: the compute type to check.")] = "auto",
) -> None:
    """Show a converted model's architecture, vocabulary size, quantization and engine.

    With --device cuda it also says whether the GPU can run it, and with which compute type, or in
    one line why not (no GPU, CTranslate2 without CUDA, compute type unsupported).

    Example: [bold]bantin model info ./vit5-ct2 --device cuda[/bold]
    """
    from bantin.summarizer.card import model_card

    card = model_card(folder)
    rows = card.as_dict()
    if device is not None:
        from bantin.summarizer.device import choose_placement

        placement = choose_placement(device, compute_type, card.family)
        rows.update(device=placement.device, compute_type=placement.compute_type, placement=placement.reason)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    rows["fixes"] = ", ".join(card.fixes) or "none"
    width = max(len(key) for key in rows)
    for key, value in rows.items():
        typer.echo(f"{key.ljust(width)}  {value}")


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")
