"""``run_crawl``: one crawl of many sources in a child process, with a report.

Twisted's reactor cannot be restarted inside one process, and a Prefect worker calls this
again and again, so every crawl runs in a fresh ``spawn``-ed child. The child crawls all chosen
sources at once (one Scrapy crawler per source) and streams progress and per-source counts
back; the parent stores one ``crawl_runs`` row per source and the sources' health.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from archive.engine import Database
from archive.migrate import current_revision, head_revision
from archive.repository import (
    ensure_source,
    finish_crawl_run,
    record_source_failure,
    record_source_success,
    start_crawl_run,
)
from bantin.config import Settings
from bantin.errors import ConfigError, MigrationError
from spiders.crawlsettings import Politeness, scrapy_settings
from spiders.progress import CrawlProgress
from spiders.report import CrawlReport, SourceCounts, SourceReport
from spiders.sources import SourceConfig, load_sources, select_sources

__all__ = ["run_crawl"]


@dataclass(frozen=True)
class _Job:
    sources: tuple[SourceConfig, ...]
    scrapy: dict[str, Any]


def _child(job: _Job, channel: Any) -> None:
    """Entry point of the crawl process: run every source's crawler, report through ``channel``."""
    try:
        from scrapy.crawler import AsyncCrawlerProcess

        from spiders.news import NewsSpider

        values = dict(job.scrapy)
        values["BANTIN_PROGRESS_HOOK"] = lambda key, counts: channel.put(("progress", key, asdict(counts)))
        values["BANTIN_CLOSED_HOOK"] = lambda source, counts, reason: channel.put(
            ("closed", source.key, asdict(counts), reason)
        )
        process = AsyncCrawlerProcess(values)
        for source in job.sources:
            # one crawler per source; its minimum delay between requests is the source's delay_s
            spidercls = type(f"NewsSpider_{source.key.replace('-', '_')}", (NewsSpider,),
                             {"custom_settings": {"DOWNLOAD_DELAY": source.delay_s}})
            task = process.crawl(spidercls, source=source)
            task.add_done_callback(lambda done, key=source.key: _report_crash(done, key, channel))
        process.start()
        channel.put(("done",))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
        channel.put(("error", f"crawl process failed: {type(exc).__name__}: {exc}"))
        code = 1
    else:
        code = 0
    # Leave at once once the parent has the messages: a Twisted pool thread that outlives the
    # reactor would otherwise keep this process alive at interpreter shutdown.
    channel.close()
    channel.join_thread()
    os._exit(code)


def _report_crash(task: Any, key: str, channel: Any) -> None:
    """A crawler that could not start (or crashed) is reported as that source's failure."""
    if not task.cancelled() and task.exception() is not None:
        exc = task.exception()
        channel.put(("crashed", key, f"crawl of {key} crashed: {type(exc).__name__}: {exc}"))


def _collect(proc: Any, channel: Any, show: CrawlProgress) -> tuple[dict[str, tuple[SourceCounts, str]], str | None]:
    results: dict[str, tuple[SourceCounts, str]] = {}
    error: str | None = None
    while True:
        try:
            message = channel.get(timeout=0.3)
        except queue_module.Empty:
            if proc.is_alive():
                continue
            try:
                message = channel.get(timeout=1.0)
            except queue_module.Empty:
                break
        kind = message[0]
        if kind == "progress":
            show.update(message[1], SourceCounts(**message[2]))
        elif kind == "closed":
            counts = SourceCounts(**message[2])
            results[message[1]] = (counts, message[3])
            show.update(message[1], counts, finished=True)
        elif kind == "crashed":
            results.setdefault(message[1], (SourceCounts(), message[2]))
        elif kind == "error":
            error = message[1]
        elif kind == "done":
            break
    return results, error


def _crawl_in_child(job: _Job, progress: bool) -> tuple[dict[str, tuple[SourceCounts, str]], str | None, int | None]:
    """Run ``job`` in a fresh spawned process; (per-source results, process error, exit code)."""
    context = multiprocessing.get_context("spawn")
    channel = context.Queue()
    proc = context.Process(target=_child, args=(job, channel), name="bantin-crawl")
    try:
        with CrawlProgress([s.key for s in job.sources], enabled=progress) as show:
            proc.start()
            results, error = _collect(proc, channel, show)
    finally:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.kill()
            proc.join()
    return results, error, proc.exitcode


def _source_report(
    source: SourceConfig, results: dict[str, tuple[SourceCounts, str]], error: str | None, exitcode: int | None
) -> SourceReport:
    counts, reason = results.get(source.key, (SourceCounts(), None))
    if reason == "finished":
        problem = None
    elif reason:
        problem = reason if reason.startswith("crawl of") else f"crawl ended early: {reason}"
    else:
        problem = error or f"crawl process exited with code {exitcode} before this source finished"
    return SourceReport.from_counts(source.key, source.name, counts, problem)


def _record(db: Database, sources: Sequence[SourceConfig], report: CrawlReport) -> None:
    by_key = {source.key: source for source in sources}
    with db.session() as session:
        for item in report.sources:
            source = by_key[item.key]
            ensure_source(session, item.key, name=source.name, homepage=source.homepage, feeds=source.feeds)
            run = start_crawl_run(session, item.key)
            finish_crawl_run(session, run, status=item.status, counts=item.counts(), reasons=item.reasons,
                             errors=list(item.errors))
            if item.status == "failed":
                record_source_failure(session, item.key, "; ".join(item.errors[:3]) or "crawl failed")
            else:
                record_source_success(session, item.key)


def run_crawl(
    settings: Settings,
    *,
    sources: Sequence[str] | None = None,
    sources_file: Path | None = None,
    since: date | None = None,
    limit: int | None = None,
    refresh: bool = False,
    progress: bool = False,
    politeness: Politeness | None = None,
    scrapy_overrides: Mapping[str, Any] | None = None,
) -> CrawlReport:
    """Crawl ``sources`` (default: every enabled source in the sources file) in a child process.

    ``since`` skips items published before that day; ``limit`` caps article fetches per source;
    ``refresh`` fetches already-archived URLs again. One failing source never stops the others;
    the report's ``status`` says ok / partial / failed. ``SourcesFileError``,
    ``DatabaseUnavailable`` and ``MigrationError`` (archive not upgraded) are raised before
    anything is crawled.
    """
    path = Path(sources_file or settings.sources_file)
    chosen = select_sources(load_sources(path), sources)
    if not chosen:
        raise ConfigError(f"{path}: no enabled sources to crawl")
    db = Database.connect(settings.effective_database_url)  # fails early; upgrades the embedded archive
    if current_revision(db) != head_revision():
        db.close()
        raise MigrationError(f"the archive {db.shown_url} is not at the newest schema; run: bantin db upgrade")
    log_dir = Path(settings.data_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    values = scrapy_settings(settings, since=since, limit=limit, refresh=refresh, politeness=politeness,
                             extra={"BANTIN_SOURCES_FILE": str(path), "LOG_FILE": str(log_dir / "crawl.log"),
                                    "LOG_LEVEL": "INFO", **(scrapy_overrides or {})})
    started = time.perf_counter()
    results, error, exitcode = _crawl_in_child(_Job(tuple(chosen), values), progress)
    reports = [_source_report(source, results, error, exitcode) for source in chosen]
    report = CrawlReport(tuple(reports), time.perf_counter() - started)
    try:
        _record(db, chosen, report)
    finally:
        db.close()
    return report
