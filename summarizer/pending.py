"""Summarize the archived articles that have no summary yet for this model and these options.

Work goes in small transactions, one per batch: read a batch of pending ids, summarize it outside
any transaction, store it in its own transaction. A crash loses at most the batch in flight, and
re-running stores each missing summary once (``store_summary`` is idempotent per key).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from bantin.archive.engine import Database
from bantin.archive.models import Article
from bantin.archive.repository import SummaryIn, pending_articles, store_summary
from bantin.errors import InputError, ModelError
from bantin.summarizer.options import Summary, SummaryOptions
from bantin.summarizer.protocol import Summarizer

__all__ = ["PendingReport", "article_text", "summarize_pending"]

log = logging.getLogger(__name__)


@dataclass
class PendingReport:
    """What one run did."""

    summarized: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def article_text(article: Article) -> str:
    """What the model reads: the title, the lead (sapo) and the body, one paragraph each."""
    return "\n".join(part.strip() for part in (article.title, article.lead, article.body) if part and part.strip())


def _has_text(article: Article) -> bool:
    """Only a title is not enough to summarize."""
    return bool((article.lead or "").strip() or (article.body or "").strip())


def _row(article_id: int, summary: Summary) -> SummaryIn:
    info = summary.info
    return SummaryIn(
        article_id=article_id, model_id=info.model_id, options_hash=info.options_hash, engine=info.engine,
        text=summary.text, device=info.device, compute_type=info.compute_type, options=info.options,
        input_tokens=info.input_tokens, output_tokens=info.output_tokens, seconds=info.seconds,
    )


def _summarize_batch(summarizer: Summarizer, texts: list[str], options: SummaryOptions,
                     report: PendingReport) -> list[Summary | None]:
    """Summaries of ``texts``; a batch that fails is retried one by one so one bad article fails alone."""
    try:
        return list(summarizer.summarize(texts, options))
    except (InputError, ModelError) as exc:
        log.warning("batch failed (%s); retrying one by one", exc)
    out: list[Summary | None] = []
    for text in texts:
        try:
            out.extend(summarizer.summarize([text], options))
        except (InputError, ModelError) as exc:
            report.failed += 1
            report.errors.append(str(exc))
            out.append(None)
    return out


def summarize_pending(
    db: Database,
    summarizer: Summarizer,
    options: SummaryOptions,
    *,
    limit: int | None = None,
    batch_size: int = 8,
    progress: bool = False,
    article_ids: Sequence[int] | None = None,
) -> PendingReport:
    """Summarize up to ``limit`` pending articles (newest first) and store each summary.

    ``article_ids`` restricts the work to those articles (a Dask worker's share of the pending set).
    """
    report = PendingReport()
    key = (summarizer.model_id, options.options_hash())
    with db.session() as session:
        rows = pending_articles(session, *key, limit=limit, ids=article_ids)
        todo = [(a.id, article_text(a) if _has_text(a) else "") for a in rows]
    bar = _progress_bar() if progress else None
    task = bar.add_task("summarizing", total=len(todo)) if bar is not None else None
    if bar is not None:
        bar.start()
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        usable = [(aid, text) for aid, text in batch if text.strip()]
        report.skipped += len(batch) - len(usable)
        summaries = _summarize_batch(summarizer, [text for _, text in usable], options, report) if usable else []
        with db.session() as session:
            for (article_id, _), summary in zip(usable, summaries, strict=True):
                if summary is not None:
                    _, created = store_summary(session, _row(article_id, summary))
                    report.summarized += int(created)
        if bar is not None and task is not None:
            bar.advance(task, len(batch))
    if bar is not None:
        bar.stop()
    return report


def _progress_bar():  # noqa: ANN202 - rich type
    from rich.console import Console
    from rich.progress import Progress

    return Progress(console=Console(stderr=True), transient=True)
