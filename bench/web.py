"""Web archive under load: N concurrent clients on loopback, with and without a writer, against a static peer.

    flock /tmp/bantin-bench.lock python bench/web.py                 # 20 clients, 15 s a phase
    flock /tmp/bantin-bench.lock python bench/web.py --clients 20 --seconds 30 --archive data/demo/bantin.db

The archive is a SQLite file: ``--archive`` (e.g. the demo's), else a demo-sized one made from
the vietnews sample (300 articles over 10 outlets, clusters of 1-3, summaries, one edition).
``bantin web`` serves it in a child process (one uvicorn worker, as the command runs it). Each
client keeps one HTTP/1.1 connection and asks, in turn, for ``/`` (home), a search page and an
article page, as fast as it is answered. Phases: the app alone; the app while a writer process
upserts an article every 20 ms (a crawl); a plain static-file server (``python -m http.server``)
serving the same three pages saved as files: the peer, the floor of what HTTP costs here.

Printed per phase and page: requests/s, p50, p95, slowest, errors, and the load average (1 min)
before and after. Goal (issue 15) on 2 cores, 20 clients: p95 < 150 ms for search, < 50 ms for
the others, no error. Never run by the tests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "data" / "vietnews-sample" / "vietnews_test_sample.jsonl"
SOURCES = ["vnexpress", "tuoitre", "thanhnien", "dantri", "vietnamnet", "znews", "genk", "ictnews", "vneconomy", "cafef"]
SEARCH = "tri tue nhan tao"
NOW = datetime.now(UTC).replace(microsecond=0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_archive(path: Path) -> None:
    """A demo-sized archive from the vietnews sample (plus "trí tuệ nhân tạo" in a third of it)."""
    from bantin.archive.engine import Database
    from bantin.archive.models import Edition, EditionItem
    from bantin.archive.repository import ArticleIn, SummaryIn, ensure_source, store_summary, upsert_article

    docs = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    with Database.connect(f"sqlite:///{path}") as db, db.session() as session:
        for key in SOURCES:
            ensure_source(session, key, name=key.capitalize(), homepage=f"https://{key}.example.vn/")
        ids = []
        for n, doc in enumerate(docs):
            body = doc["text"] + (" Trí tuệ nhân tạo được nhắc đến." if n % 3 == 0 else "")
            item = ArticleIn(
                source_key=SOURCES[n % len(SOURCES)], url=f"https://{SOURCES[n % len(SOURCES)]}.example.vn/{n}.html",
                canonical_url=f"https://{SOURCES[n % len(SOURCES)]}.example.vn/{n}.html", title=doc["title"][:300],
                lead=doc["text"][:200], body=body, published_at=NOW - timedelta(hours=n), topics=("ai",),
                relevance=0.5 + (n % 5) / 10, cluster_id=n // 3 if n % 2 == 0 else None,
            )
            ids.append(upsert_article(session, item).article_id)
            if n % 2 == 0:
                store_summary(session, SummaryIn(article_id=ids[-1], model_id="extractive-v1", options_hash="b",
                                                 engine="extractive", text=doc["text"][:300]))
        edition = Edition(kind="daily", period_start=NOW - timedelta(days=1), period_end=NOW, title="bench",
                          item_count=10)
        edition.items = [EditionItem(article_id=article_id, position=i + 1, section="top" if i < 3 else "other")
                         for i, article_id in enumerate(ids[:10])]
        session.add(edition)


WRITER = """
import sys, time
from datetime import UTC, datetime
from bantin.archive.engine import Database
from bantin.archive.repository import ArticleIn, upsert_article
db = Database.connect(sys.argv[1])
n = 0
while True:
    with db.session() as session:
        upsert_article(session, ArticleIn(source_key="vnexpress", url=f"https://w.example.vn/{n}.html",
            canonical_url=f"https://w.example.vn/{n}.html", title=f"Bài mới {n} về trí tuệ nhân tạo",
            lead="Tin vừa thu thập.", body="Nội dung về AI. " * 40, published_at=datetime.now(UTC), topics=("ai",),
            relevance=0.6))
    n += 1
    time.sleep(0.02)
"""


def wait_up(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answers on port {port}")


def drive(port: int, paths: dict[str, str], clients: int, seconds: float) -> dict[str, dict[str, float]]:
    """``clients`` threads, one keep-alive connection each, cycling over ``paths`` for ``seconds``."""
    times: dict[str, list[float]] = {name: [] for name in paths}
    errors: dict[str, int] = dict.fromkeys(paths, 0)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        names = list(paths)
        i = offset
        while time.monotonic() < stop:
            name = names[i % len(names)]
            i += 1
            start = time.perf_counter()
            try:
                conn.request("GET", paths[name])
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - start
            with lock:
                times[name].append(elapsed)
                errors[name] += 0 if ok else 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out = {}
    for name, values in times.items():
        values.sort()
        count = len(values)
        out[name] = {
            "rps": count / seconds,
            "p50": values[count // 2] * 1000 if count else float("nan"),
            "p95": values[min(count - 1, int(count * 0.95))] * 1000 if count else float("nan"),
            "max": values[-1] * 1000 if count else float("nan"),
            "errors": errors[name],
        }
    return out


def save_pages(port: int, paths: dict[str, str], folder: Path) -> dict[str, str]:
    """The app's pages saved as files, and their paths on the static server."""
    static = {}
    for name, path in paths.items():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path)
        (folder / f"{name}.html").write_bytes(conn.getresponse().read())
        static[name] = f"/{name}.html"
    return static


def report(phase: str, results: dict[str, dict[str, float]], load: tuple[float, float]) -> list[str]:
    rows = []
    for name, r in results.items():
        rows.append(f"| {phase} | {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.0f} | "
                    f"{r['errors']} | {load[0]:.2f} → {load[1]:.2f} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each phase")
    parser.add_argument("--archive", type=Path, help="a SQLite archive (default: a demo-sized one made now)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bantin-web-bench-"))
    archive = args.archive.resolve() if args.archive else work / "bantin.db"
    if not args.archive:
        make_archive(archive)
    url = f"sqlite:///{archive}"
    env = {**os.environ, "BANTIN_DATABASE_URL": url, "BANTIN_DATA_DIR": str(work)}
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "bantin.cli", "web", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes = [server]
    rows = ["| phase | page | req/s | p50 ms | p95 ms | slowest ms | errors | load avg (1 min) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    try:
        wait_up(port)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/search?" + urlencode({"q": SEARCH}))
        article = json.loads(conn.getresponse().read())["hits"][0]["id"]
        paths = {"home": "/", "search": "/?" + urlencode({"q": SEARCH}), "article": f"/articles/{article}"}
        drive(port, paths, 2, 2.0)  # warm up
        before = os.getloadavg()[0]
        alone = drive(port, paths, args.clients, args.seconds)
        rows += report(f"bantin web, {args.clients} clients", alone, (before, os.getloadavg()[0]))

        writer = subprocess.Popen([sys.executable, "-c", WRITER, url], env=env)
        processes.append(writer)
        time.sleep(1.0)
        before = os.getloadavg()[0]
        busy = drive(port, paths, args.clients, args.seconds)
        rows += report(f"bantin web + writer, {args.clients} clients", busy, (before, os.getloadavg()[0]))
        writer.terminate()
        writer.wait()

        static_dir = work / "static"
        static_dir.mkdir()
        static_paths = save_pages(port, paths, static_dir)
        peer_port = free_port()
        peer = subprocess.Popen([sys.executable, "-m", "http.server", str(peer_port), "--bind", "127.0.0.1",
                                 "--directory", str(static_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(peer)
        wait_up(peer_port)
        before = os.getloadavg()[0]
        static = drive(peer_port, static_paths, args.clients, args.seconds)
        rows += report(f"static peer (http.server), {args.clients} clients", static, (before, os.getloadavg()[0]))
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait()
    print(f"archive: {'given ' + str(archive) if args.archive else 'made from the vietnews sample'} "
          f"({archive.stat().st_size // 1024} KiB), {os.cpu_count()} CPUs, {args.seconds:.0f} s a phase")
    print("\n".join(rows))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
