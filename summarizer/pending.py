"""Summarize the archived articles that have no summary yet for this model and these options.

Work goes in small transactions, one per batch: read a batch of pending ids, summarize it outside
any transaction, store it in its own transaction. A crash loses at most the batch in flight, and
re-running stores each missing summary once (``store_summary`` is idempotent per key).

``summarize_stories`` then makes the story summaries the next editions show: one per story that
two outlets or more told in an edition's period, drawn from all its articles of that period
(``story.summarize_story``: the extractive engine over the whole articles; a CTranslate2 model
summarizes the articles' titles and leads, one paragraph each), stored once per set of articles.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from bantin.archive.engine import Database
from bantin.archive.models import Article, utcnow
from bantin.archive.repository import SummaryIn, pending_articles, store_summary
from bantin.archive.story_summaries import StoryGroup, story_groups, story_options
from bantin.errors import InputError, ModelError
from bantin.summarizer.extractive import ExtractiveSummarizer
from bantin.summarizer.options import Summary, SummaryOptions
from bantin.summarizer.protocol import Summarizer
from bantin.summarizer.story import STORY_SUFFIX, story_hash, summarize_story

__all__ = ["PendingReport", "article_text", "story_leads", "summarize_pending", "summarize_stories"]

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


def story_leads(articles: Sequence[Article]) -> str:
    """What a CTranslate2 model reads for a story: each article's title and lead (else the first
    paragraph of its body), one paragraph each, so that every outlet fits the input window."""
    parts = []
    for article in articles:
        lead = (article.lead or "").strip() or (article.body or "").strip().split("\n")[0]
        parts.append("\n".join(part.strip() for part in (article.title, lead) if part and part.strip()))
    return "\n".join(parts)


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


def _story_summary(summarizer: Summarizer, articles: Sequence[Article], options: SummaryOptions) -> Summary:
    """The story's summary by ``summarizer`` (its model id + ``STORY_SUFFIX``; ``sources`` in the info)."""
    if isinstance(summarizer, ExtractiveSummarizer):
        return summarize_story(summarizer, [article_text(a) for a in articles], options)
    made = summarizer.summarize([story_leads(articles)], options)[0]
    return Summary(made.text, replace(made.info, model_id=made.info.model_id + STORY_SUFFIX, sources=len(articles)))


def summarize_stories(
    db: Database, summarizer: Summarizer, options: SummaryOptions, *, threshold: float = 0.0,
    now: datetime | None = None,
) -> PendingReport:
    """Make and store the missing story summaries of the stories the editions built at ``now`` would
    carry (relevance ``threshold``, the newsletter's) that two outlets or more told.

    Articles without text are left out; a story left with fewer than two outlets, or whose summary
    comes out empty, gets none (``skipped``): its edition item keeps its own summary. One story per
    transaction; a story whose summary fails is counted in ``failed`` and the rest go on.
    """
    report = PendingReport()
    model_id = summarizer.model_id + STORY_SUFFIX
    with db.sessions() as session:
        groups = story_groups(session, now or utcnow(), threshold)
        work: list[tuple[StoryGroup, list[Article]]] = []
        for group in groups:
            usable = [article for article in group.articles if _has_text(article)]
            if len({article.source_id for article in usable}) < 2:
                report.skipped += 1
                continue
            members = [article.id for article in usable]
            if pending_articles(session, model_id, story_hash(options, members), ids=[min(members)]):
                work.append((group, usable))
    for group, usable in work:
        members = [article.id for article in usable]
        outlets = len({article.source_id for article in usable})
        try:
            summary = _story_summary(summarizer, usable, options)
        except (InputError, ModelError) as exc:
            log.warning("story %s: %s", group.key, exc)
            report.failed += 1
            report.errors.append(f"story {group.key}: {exc}")
            continue
        if not summary.text.strip():
            report.skipped += 1
            continue
        info = replace(summary.info, options_hash=story_hash(options, members),
                       options=story_options(summary.info.options, members, outlets))
        with db.session() as session:
            _, created = store_summary(session, _row(min(members), Summary(summary.text, info)))
            report.summarized += int(created)
    return report


def _progress_bar():  # noqa: ANN202 - rich type
    from rich.console import Console
    from rich.progress import Progress

    return Progress(console=Console(stderr=True), transient=True)
