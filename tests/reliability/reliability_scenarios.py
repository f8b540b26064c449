"""Fault scenarios that run for real: shared by ``tests/reliability`` and ``bench/faults.py``.

Each scenario injects one fault into real processes (SIGKILL, ``pg_terminate_backend``, a full
file system, two pipelines at once, servers that never finish), lets the system recover the way
it would in production (usually: the next run), and returns a ``FaultResult`` counting what the
archive holds against what it should hold. The tests assert on the results; the bench prints them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bantin_test_support import PG_ADMIN_URL, migrate, new_postgres_database
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bantin.archive.engine import Database
from bantin.archive.models import Article, CrawlRun, Summary
from bantin.configure import crawl_options, newsletter_options
from bantin.settings import Settings
from bantin.spiders.crawlsettings import Politeness
from bantin.spiders.mirror import MirrorServer, write_sources_file

REPO = Path(__file__).resolve().parents[2]
FAST = Politeness(retry_times=1, backoff_s=0.05, max_delay_s=2.0, autothrottle_start_s=0.0)


@dataclass(frozen=True)
class FaultResult:
    """One fault's outcome: ``runs`` runs (the faulted one and the recovery), and the counts.

    ``duplicated``: stored rows beyond one per article (or summary, or edition); ``lost``: expected
    ones that are missing. ``details`` holds the scenario's own observations for the tests.
    """

    fault: str
    runs: int
    expected: int
    stored: int
    duplicated: int
    lost: int
    details: dict[str, Any] = field(default_factory=dict)


# --- processes -------------------------------------------------------------------------------


def bantin_env(workdir: Path, database_url: str, sources: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a ``bantin`` subprocess: this archive, folders under ``workdir``, no SMTP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_DATABASE_URL=database_url, BANTIN_DATA_DIR=str(workdir / "data"),
               BANTIN_OUT_DIR=str(workdir / "out"), PYTHONPATH=str(REPO))
    if sources is not None:
        env["BANTIN_SOURCES_FILE"] = str(sources)
    with contextlib.suppress(ImportError):
        from prefect.settings import PREFECT_API_URL

        if PREFECT_API_URL.value():  # a test harness's server, not one ephemeral server per process
            env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    env.update(extra)
    return env


def start_bantin(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "bantin.cli", *args], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_bantin(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run([sys.executable, "-m", "bantin.cli", *args], check=False, env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def _exit_of(proc: subprocess.Popen, timeout: float = 400) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def children(pid: int) -> set[int]:
    """Live child processes of ``pid`` (every thread's), from /proc."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_until(check: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


def kill_hard(proc: subprocess.Popen) -> set[int]:
    """SIGKILL ``proc`` (never its children: they must notice on their own); returns them."""
    kids = children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    return kids


# --- archives --------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, migrated PostgreSQL database on the shared server, dropped afterwards."""
    with new_postgres_database("bantin_faults") as url:
        migrate(url)
        yield url


def sqlite_url(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


@contextlib.contextmanager
def opened(url: str) -> Iterator[Database]:
    db = Database.connect(url)
    try:
        yield db
    finally:
        db.close()


def article_census(url: str, expected: set[str]) -> tuple[int, int, int]:
    """(stored, duplicated, lost) articles: duplicates share source and title; lost are expected URLs missing."""
    with opened(url) as db, db.session() as session:
        rows = session.execute(select(Article.source_id, Article.title, Article.canonical_url)).all()
    stored = {row.canonical_url for row in rows}
    return len(rows), len(rows) - len({(row.source_id, row.title) for row in rows}), len(expected - stored)


def half_written(url: str) -> int:
    """Articles missing what every stored article has (a title, a body, a content hash)."""
    with opened(url) as db, db.session() as session:
        return session.scalar(select(func.count()).select_from(Article).where(
            (Article.title == "") | (Article.body == "") | (Article.content_hash == "")))


def run_statuses(url: str) -> list[str]:
    with opened(url) as db, db.session() as session:
        return list(session.scalars(select(CrawlRun.status).order_by(CrawlRun.id)))


def summary_census(url: str) -> tuple[int, int, int]:
    """(articles, summaries, duplicated summaries per article/model/options key)."""
    with opened(url) as db, db.session() as session:
        articles = session.scalar(select(func.count()).select_from(Article))
        summaries = session.scalar(select(func.count()).select_from(Summary))
        keys = session.execute(select(Summary.article_id, Summary.model_id, Summary.options_hash).distinct()).all()
    return articles, summaries, summaries - len(keys)


def archive_snapshot(url: str) -> dict[str, Any]:
    """Everything a failed edition must leave untouched: rows of every table, summarized."""
    from bantin.archive.models import Base

    with opened(url) as db, db.engine.connect() as conn:
        return {table.name: sorted(map(repr, conn.execute(table.select()).all())) for table in Base.metadata.sorted_tables}


# --- the mirror's articles -------------------------------------------------------------------

_REFERENCE: dict[tuple[str, tuple[str, ...] | None], set[str]] = {}


def crawl_settings(workdir: Path, url: str, **changes: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": workdir / "data", "out_dir": workdir / "out", "database_url": url,
                              "crawl_timeout_s": 5.0, "crawl_max_page_bytes": 500_000, "smtp_host": None}
    values.update(changes)
    return Settings(_env_file=None, **values)


def reference_urls(mirror: MirrorServer, workdir: Path, keys: list[str] | None = None) -> set[str]:
    """What an undisturbed crawl of the mirror stores (canonical URLs), measured once per mirror."""
    from bantin.spiders.run import run_crawl

    cache = (mirror.base_url, tuple(keys) if keys else None)
    if cache not in _REFERENCE:
        home = workdir / f"reference-{uuid.uuid4().hex[:6]}"
        sources = write_sources_file(mirror.base_url, home / "sources.toml")
        url = sqlite_url(home / "reference.db")
        slow, mirror.slow_s = mirror.slow_s, 0.0
        try:
            run_crawl(crawl_options(crawl_settings(home, url)), sources=keys, sources_file=sources, politeness=FAST)
        finally:
            mirror.slow_s = slow
        with opened(url) as db, db.session() as session:
            _REFERENCE[cache] = set(session.scalars(select(Article.canonical_url)))
    return _REFERENCE[cache]


# --- 1. the crawl process killed -------------------------------------------------------------


def crawl_killed(mirror: MirrorServer, workdir: Path, url: str) -> FaultResult:
    """SIGKILL ``bantin crawl`` once it has stored a few articles; the next crawl finishes the job."""
    expected = reference_urls(mirror, workdir)
    sources = write_sources_file(mirror.base_url, workdir / "sources.toml")
    env = bantin_env(workdir, url, sources)
    with opened(url) as db:
        def stored() -> int:
            with db.session() as session:
                return session.scalar(select(func.count()).select_from(Article))

        mirror.slow_s = 0.7  # article pages answer slowly: the crawl is caught halfway
        try:
            proc = start_bantin(["crawl", "--quiet"], env, workdir)
            reached = wait_until(lambda: stored() >= 3 or proc.poll() is not None, timeout=120)
            kids = kill_hard(proc)
            orphans_gone = wait_until(lambda: not any(alive(pid) for pid in kids), timeout=20)
            at_kill = stored()  # nothing writes any more
        finally:
            mirror.slow_s = 0.0
    running_after_kill = run_statuses(url).count("running")
    from bantin.spiders.run import (
        run_crawl,  # the next crawl: what `bantin crawl` runs, in this process
    )

    rerun = run_crawl(crawl_options(crawl_settings(workdir, url)), sources_file=sources, politeness=FAST)
    stored_n, duplicated, lost = article_census(url, expected)
    return FaultResult("crawl killed (SIGKILL)", 2, len(expected), stored_n, duplicated, lost, {
        "reached": reached, "stored_at_kill": at_kill, "crawl_children": len(kids), "orphans_gone": orphans_gone,
        "running_after_kill": running_after_kill, "rerun_status": rerun.status, "rerun_new": rerun.total("new"),
        "statuses": run_statuses(url), "half_written": half_written(url),
    })


# --- 6. sources that hang, never end, redirect forever ---------------------------------------

FAULT_SOURCE = """
[sources.treo]
name = "Fault cases: servers that never finish"
feeds = ["{base}/bad/faults.xml"]
homepage = "{base}/"
article_pattern = "-\\\\d{{6,}}\\\\.html$"
delay_s = 0.0
"""


def endless_sources(mirror: MirrorServer, workdir: Path, url: str, keys: tuple[str, ...] = ("genk", "znews")) -> FaultResult:
    """Crawl ``keys`` next to a source whose every article hangs, drips, never ends or loops."""
    from bantin.spiders.mirror.server import FAULT_CASES
    from bantin.spiders.run import run_crawl

    expected = reference_urls(mirror, workdir, list(keys))
    sources = write_sources_file(mirror.base_url, workdir / "sources.toml")
    sources.write_text(sources.read_text(encoding="utf-8") + FAULT_SOURCE.format(base=mirror.base_url), encoding="utf-8")
    settings = crawl_settings(workdir, url, crawl_timeout_s=2.0)
    started = time.monotonic()
    report = run_crawl(crawl_options(settings), sources=[*keys, "treo"], sources_file=sources, politeness=FAST)
    stored, duplicated, lost = article_census(url, expected)
    fault = report.by_key("treo")
    return FaultResult("source hangs / endless body / redirect loop", 1, len(expected), stored, duplicated, lost, {
        "seconds": time.monotonic() - started, "fault_reasons": fault.reasons, "fault_status": fault.status,
        "expected_reasons": dict(sorted({reason: sum(1 for r, _ in FAULT_CASES.values() if r == reason)
                                         for reason, _ in FAULT_CASES.values()}.items())),
        "others": {key: report.by_key(key).status for key in keys}, "statuses": run_statuses(url),
    })


# --- 3. the summarizer killed mid-batch ------------------------------------------------------

SENTENCES = (
    "Công ty {n} vừa công bố mô hình ngôn ngữ lớn tiếng Việt thế hệ mới với {k} tỷ tham số.",
    "Theo đại diện doanh nghiệp, mô hình được huấn luyện trên kho dữ liệu báo chí và sách giáo khoa.",
    "Các chuyên gia đánh giá bước tiến này giúp thu hẹp khoảng cách với những hệ thống quốc tế.",
    "Phiên bản thử nghiệm sẽ mở cho {k} nghìn nhà phát triển trong quý tới.",
    "Bộ Khoa học và Công nghệ cho biết sẽ hỗ trợ hạ tầng tính toán cho các nhóm nghiên cứu.",
    "Nhiều trường đại học đã đăng ký dùng mô hình trong giảng dạy và nghiên cứu.",
    "Giới quan sát lưu ý vấn đề bảo vệ dữ liệu cá nhân cần được đặt lên hàng đầu.",
    "Doanh nghiệp cam kết công bố báo cáo đánh giá an toàn trước khi mở rộng.",
)


def seed_articles(url: str, count: int, source: str = "vnexpress", published: datetime | None = None) -> None:
    """``count`` distinct AI news articles with a body of eight sentences each."""
    from bantin.archive.repository import ArticleIn, upsert_article

    with opened(url) as db, db.session() as session:
        for n in range(count):
            body = " ".join(s.format(n=f"VietAI-{n}", k=n % 97 + 3) for s in SENTENCES[n % 3:] + SENTENCES[: n % 3])
            link = f"https://{source}.example.vn/ai-{n:05d}.html"
            upsert_article(session, ArticleIn(source_key=source, url=link, canonical_url=link,
                                              title=f"Mô hình AI tiếng Việt số {n} ra mắt", lead=SENTENCES[0].format(n=n, k=n),
                                              body=body, relevance=0.9, topics=("models",), published_at=published))


def summarizer_killed(workdir: Path, url: str, count: int = 300) -> FaultResult:
    """SIGKILL ``bantin summarize --pending`` after its first batches; then two re-runs at once.

    The two re-runs take no lock: between them they must store each missing summary exactly once.
    """
    seed_articles(url, count)
    env = bantin_env(workdir, url, BANTIN_SUMMARIZE_BATCH_SIZE="4")
    with opened(url) as db:
        def done() -> int:
            with db.session() as session:
                return session.scalar(select(func.count()).select_from(Summary))

        proc = start_bantin(["summarize", "--pending"], env, workdir)
        reached = wait_until(lambda: done() >= 8 or proc.poll() is not None, timeout=120, step=0.02)
        kill_hard(proc)
        at_kill = done()
        with db.session() as session:
            before = dict(session.execute(select(Summary.article_id, Summary.id)).all())
    reruns = [start_bantin(["summarize", "--pending"], env, workdir / name) for name in ("first", "second")]
    outcomes = [_exit_of(rerun) for rerun in reruns]
    made = [int(out.split("summarized ")[1].split(",")[0]) if "summarized " in out else -1 for _, out, _ in outcomes]
    articles, summaries, duplicated = summary_census(url)
    with opened(url) as db, db.session() as session:
        kept = dict(session.execute(select(Summary.article_id, Summary.id).where(Summary.article_id.in_(before))).all())
    return FaultResult("summarizer killed mid-batch, two re-runs at once", 3, count, summaries,
                       duplicated + max(at_kill + sum(made) - summaries, 0), count - summaries + duplicated, {
        "reached": reached, "stored_at_kill": at_kill, "rerun_exits": [code for code, _, _ in outcomes],
        "rerun_stderr": [err[-1500:] for _, _, err in outcomes], "made": made,
        "kept_untouched": kept == before, "articles": articles,
    })


def duplicate_summary_refused(url: str) -> tuple[bool, bool]:
    """(store_summary answers "exists", a raw INSERT of the same key fails): the key is unique."""
    from sqlalchemy.exc import IntegrityError

    from bantin.archive.repository import SummaryIn, store_summary

    with opened(url) as db:
        with db.session() as session:
            first = session.scalars(select(Summary).limit(1)).one()
            again = SummaryIn(article_id=first.article_id, model_id=first.model_id, options_hash=first.options_hash,
                              engine=first.engine, text="một bản tóm tắt khác")
            _, created = store_summary(session, again)
        try:
            with db.engine.begin() as conn:
                conn.execute(Summary.__table__.insert().values(
                    article_id=first.article_id, model_id=first.model_id, options_hash=first.options_hash,
                    engine=first.engine, device="cpu", compute_type="", options={}, text="x",
                    input_tokens=0, output_tokens=0, seconds=0.0))
            raw_refused = False
        except IntegrityError:
            raw_refused = True
    return not created, raw_refused


# --- 4. disk full / read-only output when writing an edition ---------------------------------


@contextlib.contextmanager
def tiny_filesystem(folder: Path, size: str = "64k") -> Iterator[Path]:
    """A ``size`` tmpfs mounted on ``folder`` (needs root; raises ``PermissionError`` otherwise)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             check=False, capture_output=True, text=True)
    if mounted.returncode != 0:
        raise PermissionError(f"cannot mount a tmpfs on {folder}: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


def fill(folder: Path, leave: int = 2048) -> Path:
    """Fill ``folder``'s file system, then free ``leave`` bytes: too little for an edition."""
    filler = folder / "filler.bin"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(handle, b"\0" * 4096)
    finally:
        os.close(handle)
    os.truncate(filler, max(filler.stat().st_size - leave, 0))
    return filler


def _edition_attempt(db: Database, settings: Settings, now: datetime) -> str:
    from bantin.errors import DeliveryError
    from bantin.newsletter import build_edition

    try:
        build_edition(db, newsletter_options(settings), now=now)
    except DeliveryError as exc:
        return str(exc)
    return ""


def edition_output_broken(workdir: Path, url: str, articles: int = 12) -> list[FaultResult]:
    """Write an edition onto a full file system, then a read-only one; then onto a healthy one."""
    from bantin.archive.models import Edition
    from bantin.newsletter import build_edition
    from bantin.summarizer import ExtractiveSummarizer, SummaryOptions, summarize_pending

    now = datetime.now(UTC).replace(microsecond=0)
    seed_articles(url, articles, published=now - timedelta(hours=2))
    results: list[FaultResult] = []
    with opened(url) as db:
        summarize_pending(db, ExtractiveSummarizer(), SummaryOptions())
        out = workdir / "out"
        settings = crawl_settings(workdir, url, out_dir=out)
        with tiny_filesystem(out):
            filler = fill(out)
            before = archive_snapshot(url)
            full_error = _edition_attempt(db, settings, now)
            full_left = sorted(p.name for p in out.iterdir() if p != filler)
            full_same = archive_snapshot(url) == before
            filler.unlink()
            subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
            ro_error = _edition_attempt(db, settings, now)
            ro_same = archive_snapshot(url) == before
            subprocess.run(["mount", "-o", "remount,rw", str(out)], check=True)
            recovered = build_edition(db, newsletter_options(settings), now=now)
            with db.session() as session:
                editions = session.scalars(select(Edition)).all()
                delivered = [e.delivered for e in editions]
            files = sorted(p.name for p in Path(recovered.output_dir).iterdir())
    stored, periods = len(editions), len({(e.kind, e.period_start, e.period_end) for e in editions})
    common = {"recovered_created": recovered.created, "recovered_items": recovered.item_count,
              "delivered": delivered, "files": files}
    results.append(FaultResult("edition: disk full", 2, 1, stored, stored - periods, 1 - periods, {
        "error": full_error, "left_behind": full_left, "archive_unchanged": full_same, **common}))
    results.append(FaultResult("edition: output read-only", 2, 1, stored, stored - periods, 1 - periods, {
        "error": ro_error, "archive_unchanged": ro_same, **common}))
    return results


# --- 5. two pipelines at once; 2. PostgreSQL connections cut mid-run -------------------------


def pipeline_census(url: str, expected: set[str]) -> dict[str, int]:
    """Articles, summaries and editions as stored, with their duplicates and losses."""
    from bantin.archive.models import Edition, EditionItem

    stored, duplicated, lost = article_census(url, expected)
    _, summaries, summary_dups = summary_census(url)
    with opened(url) as db, db.session() as session:
        editions = session.execute(select(Edition.kind, Edition.period_start, Edition.period_end)).all()
        carried = list(session.scalars(select(EditionItem.article_id)))
        no_summary = session.scalar(select(func.count()).select_from(Article).where(
            ~select(Summary.id).where(Summary.article_id == Article.id).exists()))
    return {"articles": stored, "article_dups": duplicated, "articles_lost": lost, "summaries": summaries,
            "summary_dups": summary_dups, "unsummarized": no_summary, "editions": len(editions),
            "edition_dups": len(editions) - len(set(editions)) + len(carried) - len(set(carried)),
            "published": len(set(carried))}


PIPELINE_SOURCES = ("genk", "znews")  # two sources keep a whole run short on two cores


def _run_args() -> list[str]:
    return ["run", *(arg for key in PIPELINE_SOURCES for arg in ("--source", key))]


def pipelines_at_once(mirror: MirrorServer, workdir: Path, url: str) -> FaultResult:
    """Start two ``bantin run`` at the same moment on one archive."""
    expected = reference_urls(mirror, workdir, list(PIPELINE_SOURCES))
    sources = write_sources_file(mirror.base_url, workdir / "sources.toml")
    env = bantin_env(workdir, url, sources, BANTIN_CRAWL_PARALLEL_SOURCES="2")
    both = [start_bantin(_run_args(), env, workdir / name) for name in ("first", "second")]
    outcomes = [_exit_of(proc) for proc in both]
    census = pipeline_census(url, expected)
    return FaultResult("two pipelines at once", 2, len(expected), census["articles"],
                       census["article_dups"] + census["summary_dups"] + census["edition_dups"],
                       census["articles_lost"] + census["unsummarized"], {
        "exits": sorted(code for code, _, _ in outcomes), "stdout": [out[-3000:] for _, out, _ in outcomes],
        "stderr": [err[-1500:] for _, _, err in outcomes], **census})


def cut_connections(url: str) -> int:
    """``pg_terminate_backend`` every connection to ``url``'s database but this one; how many."""
    name = make_url(url).database
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"),
                {"n": name}).all())
    finally:
        admin.dispose()


def postgres_cut(mirror: MirrorServer, workdir: Path, url: str, every_s: float = 3.0, rounds: int = 12) -> FaultResult:
    """Cut every connection of the pipeline's database, again and again, while ``bantin run`` works.

    A round waits ``every_s``, then cuts whatever is connected; rounds that find nobody connected
    (the process is still starting) do not count. Then, if the run failed, one more run.
    """
    expected = reference_urls(mirror, workdir, list(PIPELINE_SOURCES))
    sources = write_sources_file(mirror.base_url, workdir / "sources.toml")
    env = bantin_env(workdir, url, sources, BANTIN_CRAWL_PARALLEL_SOURCES="2")
    proc = start_bantin(_run_args(), env, workdir / "first")
    cuts: list[int] = []
    while len(cuts) < rounds and not wait_until(lambda: proc.poll() is not None, timeout=every_s if cuts else 0.2):
        cut = cut_connections(url)
        if cut:
            cuts.append(cut)
    first = _exit_of(proc)
    runs, second = 1, None
    if first[0] != 0:  # failed cleanly (or partly): the next run completes the job
        runs, second = 2, run_bantin(_run_args(), env, workdir / "second", timeout=400)
    census = pipeline_census(url, expected)
    return FaultResult("PostgreSQL connections cut", runs, len(expected), census["articles"],
                       census["article_dups"] + census["summary_dups"] + census["edition_dups"],
                       census["articles_lost"] + census["unsummarized"], {
        "cuts": cuts, "first_exit": first[0], "first_stdout": first[1][-3000:], "first_stderr": first[2][-6000:],
        "second_exit": second.returncode if second else None, "second_stdout": second.stdout[-3000:] if second else "",
        "second_stderr": second.stderr[-3000:] if second else "", "statuses": run_statuses(url), **census})
