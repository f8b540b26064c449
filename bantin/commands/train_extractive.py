"""``bantin model train-extractive``: retrain the extractive engine's scorer from the archive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bantin.commands.state import open_database, settings_of
from bantin.errors import ModelError

__all__ = ["MIN_ARTICLES", "train_extractive_cmd"]

MIN_ARTICLES = 20


def train_extractive_cmd(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Learn from at most this many articles, newest first.")] = 20000,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Weights file to write (default: extractive-weights.json in the data folder)."),
    ] = None,
) -> None:
    """Retrain the extractive summarizer from the archive: the outlets' own sapo (lead) is the target.

    Learns which body sentences match each stored article's lead and tunes the summary length on every tenth article.

    Writes a small JSON weights file into the data folder, which the extractive engine then prefers
    (its summaries are stored under the file's own model id). Delete the file to go back to the shipped weights.

    Example: [bold]bantin model train-extractive --limit 5000[/bold]
    """
    from bantin.archive.repository import articles_with_leads
    from bantin.summarizer.extractive import ExtractiveSummarizer
    from bantin.summarizer.spec import TRAINED_WEIGHTS_FILE
    from bantin.summarizer.training import Article, save_weights, train_weights

    target = out or Path(settings_of(ctx).data_dir) / TRAINED_WEIGHTS_FILE
    with open_database(ctx) as db, db.session() as session:
        rows = articles_with_leads(session, limit=limit)
    articles = [Article(title, body, lead) for title, lead, body in rows]
    if len(articles) < MIN_ARTICLES:
        raise ModelError(f"train-extractive needs at least {MIN_ARTICLES} archived articles with a lead and a body "
                         f"(found {len(articles)}); crawl more first")
    tune = articles[::10]
    train = [a for i, a in enumerate(articles) if i % 10]
    try:
        weights = train_weights(train, tune)
    except ValueError as exc:
        raise ModelError(f"cannot train on these articles: {exc}") from exc
    weights["trained_on"] = f"bantin archive: {len(train)} articles, selection tuned on {len(tune)}"
    saved = save_weights(weights, target, name="extractive-archive")
    ExtractiveSummarizer(target)  # refuse to leave a file the engine cannot read
    typer.echo(f"trained on {len(train)} articles ({weights['sentences']} sentences), tuned on {len(tune)}; "
               f"length target {saved['target_chars']} characters")
    typer.echo(f"wrote {target} (model id {saved['model_id']})")
