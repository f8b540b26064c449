"""``bantin summarize``: summarize URLs, files or stdin, or the archive's pending articles."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bantin.commands.state import open_database, settings_of
from bantin.errors import InputError

__all__ = ["register", "summarize_cmd"]


# The option each SummaryOptions field comes from, so that a refusal names what the user typed.
FLAGS = {"max_length": "--max-length", "beam_size": "--beam-size", "long_input": "--long-input",
         "budget_sentences": "--sentences", "budget_chars": "--chars", "max_batch_size": "--batch-size"}
_FIELD = re.compile(r"\b(" + "|".join(FLAGS) + r")\b")


def _options(**values: Any) -> Any:
    from bantin.summarizer.options import SummaryOptions

    try:
        return SummaryOptions().with_(**values)
    except ValueError as exc:
        raise InputError(_FIELD.sub(lambda match: FLAGS[match.group(1)], str(exc))) from exc


def _check_choice(flag: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise InputError(f"unknown {flag.removeprefix('--')} {value!r} (choose: {', '.join(choices)})")


def _check_out(out: Path | None) -> None:
    """Refuse an --out the summary could not be written to, before any work is done."""
    if out is None:
        return
    if out.is_dir():
        raise InputError(f"--out {out} is a directory (give a file name)")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"--out {out}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise InputError(f"--out {out}: not writable")


def _progress() -> tuple[Any, Any]:
    """A progress bar on a terminal; on a pipe or file nothing at all (not even a blank line)."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(), None
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task("summarizing", total=None)

    def advance(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, advance


def _render(names: list[str], summaries: list[Any], fmt: str) -> str:
    if fmt == "json":
        rows = [{"input": name, **summary.as_dict()} for name, summary in zip(names, summaries, strict=True)]
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if len(summaries) == 1:
        return summaries[0].text
    return "\n\n".join(f"# {name}\n{summary.text}" for name, summary in zip(names, summaries, strict=True))


def _pending(ctx: typer.Context, summarizer: Any, options: Any, limit: int | None, batch_size: int) -> None:
    from bantin.summarizer.pending import summarize_pending, summarize_stories

    with open_database(ctx) as db:
        report = summarize_pending(db, summarizer, options, limit=limit, batch_size=batch_size, progress=sys.stderr.isatty())
        stories = summarize_stories(db, summarizer, options, threshold=settings_of(ctx).relevance_threshold)
    typer.echo(
        f"{summarizer.model_id}: summarized {report.summarized}, failed {report.failed}, "
        f"skipped {report.skipped} (no text); stories told by several outlets: {stories.summarized} summarized, "
        f"{stories.failed} failed"
    )
    for error in (report.errors + stories.errors)[:5]:
        typer.echo(f"bantin: warning: {error}", err=True)
    if report.failed or stories.failed:
        raise typer.Exit(1)


def summarize_cmd(
    ctx: typer.Context,
    inputs: Annotated[list[str] | None, typer.Argument(help="URLs, files (HTML or text) or - for stdin.")] = None,
    pending: Annotated[bool, typer.Option("--pending", help="Summarize archived articles without a summary, then the "
                                          "stories several outlets told (for the next editions).")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="With --pending: at most N articles.")] = None,
    model: Annotated[Path | None, typer.Option("--model", help="CTranslate2 model folder (default: BANTIN_MODEL_PATH).")] = None,
    engine: Annotated[str | None, typer.Option("--engine", help="auto, encoder-decoder, decoder-only or extractive.")] = None,
    device: Annotated[str | None, typer.Option("--device", help="auto, cpu or cuda.")] = None,
    compute_type: Annotated[str | None, typer.Option("--compute-type", help="CTranslate2 compute type (default auto).")] = None,
    max_length: Annotated[int | None, typer.Option("--max-length", help="Most tokens per summary (128).")] = None,
    beam_size: Annotated[int | None, typer.Option("--beam-size", help="Beam width (4).")] = None,
    long_input: Annotated[str | None, typer.Option("--long-input", help="truncate (default) or map-reduce.")] = None,
    prefix: Annotated[str | None, typer.Option("--prefix", help="Text put before each input (ViT5: 'vietnews: ').")] = None,
    sentences: Annotated[int | None, typer.Option("--sentences", help="Extractive: most sentences (2).")] = None,
    chars: Annotated[int | None, typer.Option("--chars", help="Extractive: most characters, 0 = any (260).")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Documents per model call.")] = 8,
    fmt: Annotated[str, typer.Option("--format", help="text or json (json carries the summary info).")] = "text",
    out: Annotated[Path | None, typer.Option("--out", help="Write to FILE instead of standard output.")] = None,
) -> None:
    """Summarize articles in Vietnamese: URLs, HTML or text files, stdin (-), or --pending archive rows.

    Example: [bold]bantin summarize https://vnexpress.net/some-article.html --format json[/bold]
    """
    from bantin.configure import model_spec
    from bantin.inputs import read_input
    from bantin.summarizer.loading import load_summarizer

    # Every check on the command line and the inputs comes before a model (or the extractive weights) loads.
    if fmt not in ("text", "json"):
        raise InputError(f"--format must be text or json, not {fmt!r}")
    if pending == bool(inputs):
        raise InputError("give URLs, files or - to summarize, or --pending (not both)")
    from bantin.summarizer.spec import DEVICES, ENGINES

    _check_choice("--engine", engine, ENGINES)
    _check_choice("--device", device, DEVICES)
    _check_out(out)
    options = _options(max_length=max_length, beam_size=beam_size, long_input=long_input, prefix=prefix,
                       budget_sentences=sentences, budget_chars=chars, max_batch_size=batch_size)
    settings = settings_of(ctx)
    documents = [] if pending else [
        read_input(spec, timeout=settings.crawl_timeout_s, max_bytes=settings.crawl_max_page_bytes,
                   user_agent=settings.user_agent) for spec in inputs or []
    ]
    for doc in documents:
        if not doc.text.strip():
            raise InputError(f"{doc.name} is empty (nothing to summarize)")
    summarizer = load_summarizer(model_spec(settings, path=model, engine=engine, device=device,
                                            compute_type=compute_type))
    if pending:
        _pending(ctx, summarizer, options, limit, batch_size)
        return
    bar, advance = _progress()
    with bar:
        summaries = summarizer.summarize([doc.text for doc in documents], options, progress=advance)
    for doc, summary in zip(documents, summaries, strict=True):
        for warning in summary.info.warnings:
            typer.echo(f"bantin: warning: {doc.name}: {warning}", err=True)
    text = _render([doc.name for doc in documents], summaries, fmt)
    if out is None:
        typer.echo(text)
    else:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"--out {out}: cannot write ({exc.strerror})") from exc


def register(app: typer.Typer) -> None:
    app.command("summarize")(summarize_cmd)
