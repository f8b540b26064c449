"""The Prefect flows: crawl, summarize, publish, and the pipeline that runs the three.

Flows orchestrate and never compute: every stage is a task in ``flows/stages.py`` that calls
``spiders``, ``summarizer`` or ``newsletter``. They run with no Prefect server (ephemeral mode)
and against one (``PREFECT_API_URL``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from prefect import flow, get_run_logger
from prefect.states import Completed

from bantin.archive.engine import Database
from bantin.archive.locking import pipeline_lock
from bantin.archive.repository import COUNTERS
from bantin.flows.alert_hooks import alert_on_completion, alert_on_crash, alert_on_failure
from bantin.flows.alerts import STAGE_NOTE
from bantin.flows.stages import (
    crawl_source,
    deliver_editions,
    make_edition,
    pending_ids,
    post_digests,
    recluster,
    settings_for,
    summarize_batch,
    summarize_stories,
)
from bantin.settings import Settings
from bantin.spiders.report import overall_status

__all__ = ["OUTCOME_PREFIX", "crawl_flow", "newsletter_flow", "outcome_line", "pipeline_flow", "summarize_flow",
           "summarize_flow_for"]

OUTCOME_PREFIX = "pipeline "  # the final state's message of a pipeline run starts so

@flow(name="bantin-crawl", log_prints=True)
def crawl_flow(sources: list[str] | None = None, since: date | None = None, limit: int | None = None,
               refresh: bool = False, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Crawl the sources in parallel, each in its own process, a bounded number at a time.

    1. choose the sources (the named ones, else every enabled source in the sources file);
    2. crawl them in waves of ``crawl_parallel_sources``; one failing source never stops the rest;
    3. regroup story clusters across the sources that were crawled apart;
    4. add up the totals.
    """
    from bantin.spiders.sources import load_sources, select_sources

    settings = settings_for(overrides)
    # 1. choose the sources
    keys = [s.key for s in select_sources(load_sources(settings.sources_file), sources)]
    # 2. crawl them in bounded waves
    reports: list[dict[str, Any]] = []
    width = settings.crawl_parallel_sources
    for start in range(0, len(keys), width):
        wave = {key: crawl_source.submit(overrides, key, since=since, limit=limit, refresh=refresh)
                for key in keys[start : start + width]}
        for key, future in wave.items():
            reports.append(_source_outcome(key, future))
    # 3. regroup story clusters
    moved = recluster(overrides)
    # 4. add up
    totals = {name: sum(r.get(name, 0) for r in reports) for name in COUNTERS}
    failed = [r["key"] for r in reports if r["status"] == "failed"]
    status = overall_status(r["status"] for r in reports)
    return {"status": status, "sources": reports, "totals": totals, "failed_sources": failed, "reclustered": moved}


def _source_outcome(key: str, future: Any) -> dict[str, Any]:
    """A source's report; a crawl task that failed even after retries becomes a failed source."""
    state = future.wait() or future.state
    if state.is_completed():
        return future.result()
    message = str(state.message or "crawl task failed")
    get_run_logger().error("source %s failed: %s", key, message)
    return {"key": key, "name": key, "status": "failed", "errors": [message], **dict.fromkeys(COUNTERS, 0)}


@flow(name="bantin-summarize", log_prints=True)
def summarize_flow(limit: int | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Summarize the articles that have no summary for the configured model, then the stories.

    1. on one machine: one task summarizes every pending article in length-sorted batches,
       loading the model once;
    2. with ``BANTIN_DASK_ADDRESS``: list the pending ids and fan batches out over the Dask
       cluster (each worker loads the model once), then add up the reports;
    3. one task makes the story summaries the next editions show (stories several outlets told);
       they count in ``stories``, their failures in ``failed``.
    """
    settings = settings_for(overrides)
    if not settings.dask_address:
        # 1. one process
        totals = summarize_batch(overrides, None, limit)
    else:
        # 2. fan out over Dask
        ids = pending_ids(overrides, limit)
        size = settings.summarize_batch_size * 4
        chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
        futures = [summarize_batch.submit(overrides, chunk) for chunk in chunks]
        totals = {"summarized": 0, "failed": 0, "skipped": 0, "errors": []}
        for future in futures:
            _add(totals, future.result())
    # 3. stories
    stories = summarize_stories(overrides)
    totals["stories"] = stories["summarized"]
    _add(totals, {**stories, "summarized": 0, "skipped": 0})
    return totals


def _add(totals: dict[str, Any], part: dict[str, Any]) -> None:
    for name in ("summarized", "failed", "skipped"):
        totals[name] += part[name]
    totals["errors"].extend(part["errors"])


def summarize_flow_for(settings: Settings) -> Any:
    """``summarize_flow``, on the Dask cluster at ``settings.dask_address`` when one is set."""
    if not settings.dask_address:
        return summarize_flow
    from prefect_dask import DaskTaskRunner

    return summarize_flow.with_options(task_runner=DaskTaskRunner(address=settings.dask_address))


@flow(name="bantin-newsletter", log_prints=True)
def newsletter_flow(period: str = "daily", since: datetime | None = None, until: datetime | None = None,
                    overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Publish the edition of ``period``.

    1. build, store and write the edition (idempotent per period);
    2. deliver it, and retry earlier editions whose delivery failed;
    3. post a new edition's digest to the chat channels, and retry failed posts.
    """
    # 1. build
    edition = make_edition(overrides, period, since=since, until=until)
    # 2. deliver
    delivery = deliver_editions(overrides)
    # 3. chat
    chat = post_digests(overrides, [edition["edition_id"]] if edition["created"] and edition["edition_id"] else [])
    return {"edition": edition, "delivery": delivery, "chat": chat}


@contextmanager
def _stage(name: str) -> Iterator[None]:
    """Name the stage on an exception that leaves it (an alert says where a run failed)."""
    try:
        yield
    except Exception as exc:
        if not any(note.startswith(STAGE_NOTE) for note in getattr(exc, "__notes__", ())):
            exc.add_note(STAGE_NOTE + name)
        raise


@flow(name="bantin-pipeline", log_prints=True, on_completion=[alert_on_completion], on_failure=[alert_on_failure],
      on_crashed=[alert_on_crash])
def pipeline_flow(period: str = "daily", sources: list[str] | None = None, limit: int | None = None,
                  overrides: dict[str, Any] | None = None) -> Any:  # a caller gets the totals (a dict)
    """One whole run: crawl, summarize, publish, holding the archive's pipeline lock.

    1. take the pipeline lock (a second run at once exits with a clear message);
    2. crawl the sources;
    3. summarize what is new;
    4. build and deliver the edition;
    5. return the totals of every stage (the final state's message says them in one line).

    A scheduled run (one of a deployment) that ends partial, failed or crashed alerts the
    operator (``flows/alert_hooks.py``), naming the stage.
    """
    settings = settings_for(overrides)
    # 1. lock
    with _stage("lock"), Database.connect(settings.effective_database_url) as db, pipeline_lock(db):
        # 2. crawl
        with _stage("crawl"):
            crawl = crawl_flow(sources=sources, limit=limit, overrides=overrides)
        # 3. summarize
        with _stage("summarize"):
            summaries = summarize_flow_for(settings)(overrides=overrides)
        # 4. publish
        with _stage("newsletter"):
            publish = newsletter_flow(period=period, overrides=overrides)
    # 5. totals
    status = crawl["status"]
    if status == "ok" and (summaries.get("failed") or publish["delivery"]["failed"] or publish["chat"]["failed"]):
        status = "partial"
    get_run_logger().info("pipeline %s: crawl %s, summaries %s, edition %s", status, crawl["totals"],
                          {k: summaries[k] for k in ("summarized", "failed", "skipped")}, publish["edition"])
    result = {"status": status, "crawl": crawl, "summarize": summaries, "newsletter": publish}
    return Completed(message=outcome_line(result), data=result)  # callers get ``result``; the UI, the line


def outcome_line(result: dict[str, Any]) -> str:
    """One line for the run's final state: ``pipeline <status>: ...`` (``bantin status`` shows it)."""
    crawl, summaries, edition = result["crawl"], result["summarize"], result["newsletter"]["edition"]
    failed = crawl["failed_sources"]
    sources = f"{len(failed)}/{len(crawl['sources'])} sources failed ({', '.join(failed)})" if failed else (
        f"{len(crawl['sources'])} sources ok")
    made = "no edition" if edition["skipped"] else f"edition {edition['edition_id']} ({edition['items']} items)"
    return (f"{OUTCOME_PREFIX}{result['status']}: {sources}, {crawl['totals']['new']} new, "
            f"{summaries['summarized']} summaries ({summaries['failed']} failed), {made}")
