"""``run_crawl``: one crawl of many sources in a child process, with a report.

Twisted's reactor cannot be restarted inside one process, and a Prefect worker calls this
again and again, so every crawl runs in a fresh ``spawn``-ed child. The child crawls all chosen
sources at once (one Scrapy crawler per source) and streams progress and per-source counts
back; the parent stores one ``crawl_runs`` row per source and the sources' health.

Restarts: each source's ``crawl_runs`` row is written as ``running`` before the child starts,
while the parent holds that source's crawl lock (a PostgreSQL advisory lock or a file lock,
both released by the operating system when the holder dies, even by SIGKILL). So a ``running``
row whose lock is free belongs to a crawl that died; the next crawl of that source marks it
``interrupted`` and fetches what the dead one did not store (articles are committed one by one,
keyed by URL, so nothing is half-written or stored twice). The child dies with the parent.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import queue as queue_module
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bantin.archive.engine import Database
from bantin.archive.locking import free_locks
from bantin.archive.migrate import current_revision, head_revision
from bantin.archive.repository import (
    crawl_run,
    ensure_source,
    finish_crawl_run,
    record_source_failure,
    record_source_success,
    running_crawl_runs,
    start_crawl_run,
)
from bantin.errors import ConfigError, MigrationError
from bantin.spiders.crawlsettings import CrawlOptions, Politeness, scrapy_settings
from bantin.spiders.progress import CrawlProgress
from bantin.spiders.report import COUNTERS as COUNTER_NAMES
from bantin.spiders.report import CrawlReport, SourceCounts, SourceReport
from bantin.spiders.sources import SourceConfig, default_sources_file, load_sources, select_sources

__all__ = ["run_crawl"]


@dataclass(frozen=True)
class _Job:
    sources: tuple[SourceConfig, ...]
    scrapy: dict[str, Any]
    parent_pid: int = 0


INTERRUPTED = "the crawl process was killed before it finished; the next crawl fetched what was missing"
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this child when its parent dies, so no orphan crawl keeps writing."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent_pid and os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def _child(job: _Job, channel: Any) -> None:
    """Entry point of the crawl process: run every source's crawler, report through ``channel``."""
    _die_with_parent(job.parent_pid)
    try:
        from scrapy.crawler import AsyncCrawlerProcess

        from bantin.spiders.news import NewsSpider

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


def _open_runs(db: Database, sources: Sequence[SourceConfig]) -> dict[str, int]:
    """Close the dead crawls' ``running`` rows as ``interrupted``; a new ``running`` row per source."""
    ids: dict[str, int] = {}
    with db.session() as session:
        for source in sources:
            ensure_source(session, source.key, name=source.name, homepage=source.homepage, feeds=source.feeds)
            for run in running_crawl_runs(session, source.key):
                finish_crawl_run(session, run, status="interrupted",
                                 counts={name: getattr(run, name) for name in COUNTER_NAMES},
                                 errors=[INTERRUPTED])
            ids[source.key] = start_crawl_run(session, source.key).id
    return ids


def _record(db: Database, sources: Sequence[SourceConfig], report: CrawlReport, runs: Mapping[str, int]) -> None:
    by_key = {source.key: source for source in sources}
    with db.session() as session:
        for item in report.sources:
            if item.key not in runs:
                continue  # skipped: another crawl holds this source
            source = by_key[item.key]
            ensure_source(session, item.key, name=source.name, homepage=source.homepage, feeds=source.feeds)
            run = crawl_run(session, runs[item.key]) or start_crawl_run(session, item.key)
            finish_crawl_run(session, run, status=item.status, counts=item.counts(), reasons=item.reasons,
                             errors=list(item.errors), reason=item.reason or None)
            if item.status == "failed":
                record_source_failure(session, item.key, "; ".join(item.errors[:3]) or "crawl failed")
            else:
                record_source_success(session, item.key)


def _busy_report(source: SourceConfig, db: Database) -> SourceReport:
    problem = f"another crawl of {source.key} is running on {db.shown_url}; skipped"
    return SourceReport.from_counts(source.key, source.name, SourceCounts(), problem)


def run_crawl(
    options: CrawlOptions,
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
    the report's ``status`` says ok / partial / failed. A source that another crawl is crawling
    right now is skipped (reported failed, nothing stored); ``running`` rows of crawls that died
    are marked ``interrupted`` (see the module's notes). ``SourcesFileError``,
    ``DatabaseUnavailable`` and ``MigrationError`` (archive not upgraded) are raised before
    anything is crawled.
    """
    path = Path(sources_file or options.sources_file or default_sources_file())
    chosen = select_sources(load_sources(path), sources)
    if not chosen:
        raise ConfigError(f"{path}: no enabled sources to crawl")
    with Database.connect(options.database_url) as db:  # fails early; upgrades the embedded archive
        if current_revision(db) != head_revision():
            raise MigrationError(f"the archive {db.shown_url} is not at the newest schema; run: bantin db upgrade")
        return _crawl(db, options, chosen, path, since=since, limit=limit, refresh=refresh, progress=progress,
                      politeness=politeness, scrapy_overrides=scrapy_overrides)


def _crawl(
    db: Database,
    options: CrawlOptions,
    chosen: Sequence[SourceConfig],
    path: Path,
    *,
    since: date | None,
    limit: int | None,
    refresh: bool,
    progress: bool,
    politeness: Politeness | None,
    scrapy_overrides: Mapping[str, Any] | None,
) -> CrawlReport:
    log_dir = Path(options.data_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    values = scrapy_settings(options, since=since, limit=limit, refresh=refresh, politeness=politeness,
                             extra={"BANTIN_SOURCES_FILE": str(path), "LOG_FILE": str(log_dir / "crawl.log"),
                                    "LOG_LEVEL": "INFO", **(scrapy_overrides or {})})
    started = time.perf_counter()
    with free_locks(db, [f"crawl-{source.key}" for source in chosen]) as locks:
        held = {name.removeprefix("crawl-") for name in locks}
        mine = [source for source in chosen if source.key in held]
        runs = _open_runs(db, mine)
        results, error, exitcode = ({}, None, 0)
        if mine:
            results, error, exitcode = _crawl_in_child(_Job(tuple(mine), values, os.getpid()), progress)
        reports = [_source_report(source, results, error, exitcode) if source.key in held
                   else _busy_report(source, db) for source in chosen]
        report = CrawlReport(tuple(reports), time.perf_counter() - started)
        _record(db, mine, report, runs)
    return report
