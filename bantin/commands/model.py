"""``bantin model``: convert Hugging Face models to CTranslate2 and describe converted folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bantin.commands.state import settings_of
from bantin.commands.train_extractive import train_extractive_cmd
from bantin.errors import ModelError

__all__ = ["model_app", "register"]

model_app = typer.Typer(
    help="Get a summarization model from the Hugging Face Hub, convert models, choose the one in use.",
    no_args_is_help=True,
)


def _models_dir(ctx: typer.Context) -> Path:
    return Path(settings_of(ctx).data_dir) / "models"


@model_app.command("pull")
def pull_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A short name (vit5-base, vit5-large, bartpho, phogpt) or a Hub repo OWNER/NAME.")],
    revision: Annotated[str | None, typer.Option("--revision", help="Branch, tag or commit (default: main).")] = None,
    quantization: Annotated[
        str | None, typer.Option("--quantization", "-q", help="Weight type (default: int8; int8_float16 with --device cuda).")
    ] = None,
    device: Annotated[str, typer.Option("--device", help="Where it will run: auto, cpu or cuda (checked first).")] = "auto",
    trust_remote_code: Annotated[
        bool, typer.Option("--trust-remote-code", help="For a repo OWNER/NAME that ships its own model code.")
    ] = False,
    check: Annotated[bool, typer.Option("--check/--no-check", help="Compare log-probs with transformers (default on).")] = True,
) -> None:
    """Download a model from the Hugging Face Hub, convert it to CTranslate2, check it and use it.

    It lands in the data folder's models/NAME and becomes the model bantin summarizes with
    (models/current.toml; BANTIN_MODEL_PATH still wins when set). Downloads resume and honour
    HF_HOME, HF_TOKEN, HF_HUB_OFFLINE and HF_ENDPOINT; converting needs the convert extra.

    Example: [bold]bantin model pull vit5-base[/bold]
    """
    from bantin.summarizer.card import QUANTIZATIONS
    from bantin.summarizer.convert import require_torch
    from bantin.summarizer.device import cuda_problem
    from bantin.summarizer.hub import CATALOG, pull_model, resolve
    from bantin.summarizer.spec import DEVICES

    entry = resolve(name, trust_remote_code=trust_remote_code)
    if device not in DEVICES:
        raise ModelError(f"unknown device {device!r} (choose: {', '.join(DEVICES)})")
    if device == "cuda" and (problem := cuda_problem()):
        raise ModelError(problem)
    if name in CATALOG:  # all need converting: say so before gigabytes are downloaded
        require_torch()
    quantization = quantization or ("int8_float16" if device == "cuda" else "int8")
    if quantization not in QUANTIZATIONS:
        raise ModelError(f"unknown quantization {quantization!r} (choose: {', '.join(QUANTIZATIONS)})")
    pulled = pull_model(entry, _models_dir(ctx), revision=revision, quantization=quantization, check=check)
    parity = "not checked" if pulled.parity_gap is None else f"parity {pulled.parity_gap:.1e} (limit {pulled.parity_limit:g})"
    typer.echo(f"pulled {pulled.repo}@{pulled.commit[:12]} -> {pulled.path} ({pulled.engine}, {pulled.quantization}, "
               f"{parity}); now in use")


@model_app.command("list")
def list_cmd(ctx: typer.Context) -> None:
    """List the installed models (the data folder's models/), the one in use marked with *.

    Example: [bold]bantin model list[/bold]
    """
    from bantin.summarizer.hub import CATALOG, current_model, installed_models

    models = _models_dir(ctx)
    settings = settings_of(ctx)
    in_use = Path(settings.model_path).resolve() if settings.model_path else current_model(models)
    rows = installed_models(models)
    for name, folder in rows:
        mark = "*" if in_use is not None and folder.resolve() == Path(in_use).resolve() else " "
        typer.echo(f"{mark} {name}  {folder}")
    if not rows:
        typer.echo(f"no model installed in {models} (try: bantin model pull {next(iter(CATALOG))})")
    if settings.model_path:
        typer.echo(f"in use: {settings.model_path} (BANTIN_MODEL_PATH)")
    elif in_use is None:
        typer.echo("in use: the extractive engine (no model chosen)")


@model_app.command("use")
def use_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="An installed model (bantin model list).")],
) -> None:
    """Summarize with an installed model from now on (recorded in the data folder).

    Example: [bold]bantin model use vit5-large[/bold]
    """
    from bantin.summarizer.hub import use_model

    folder = use_model(_models_dir(ctx), name)
    typer.echo(f"now in use: {name} ({folder})")
    if settings_of(ctx).model_path:
        typer.echo(f"bantin: warning: BANTIN_MODEL_PATH={settings_of(ctx).model_path} still wins while it is set", err=True)



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
        from bantin.summarizer.parity import PARITY_SAMPLE, check_parity

        gap = check_parity(source, out, PARITY_SAMPLE, trust_remote_code=trust_remote_code)
        limit = tolerance or (1e-3 if card.quantization == "float32" else 1.0)
        typer.echo(f"parity: max |log p(CTranslate2) - log p(transformers)| = {gap:.2e} (limit {limit:g})")
        if gap > limit:
            raise ModelError(f"parity check failed: log-probs differ by {gap:.3g} > {limit:g}")


@model_app.command("info")
def info_cmd(
    ctx: typer.Context,
    folder: Annotated[Path | None, typer.Argument(help="A CTranslate2 model folder (default: the model in use).")] = None,
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
    from bantin.configure import model_path
    from bantin.summarizer.card import model_card

    folder = folder or model_path(settings_of(ctx))
    if folder is None:
        raise ModelError("no model in use (the extractive engine): give a model folder, or bantin model pull NAME")
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


model_app.command("train-extractive")(train_extractive_cmd)


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")
