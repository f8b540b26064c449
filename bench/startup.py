"""Start-up time of the bantin command, against ``python -c pass`` and ``trafilatura --version``.

Run: python bench/startup.py [--runs 5]

Each command runs as a new process (a new interpreter, as a user runs it); the commands take turns
(round robin, so load that comes and goes hits all of them alike), and the table shows the median
and the slowest of ``--runs`` runs with the load average before the first and after the last run.
``summarize`` summarizes one VietNews-sized article file with the extractive engine; ``search``
queries a small SQLite archive made once before timing. Goal (issue 10): ``--version`` under
0.3 s and the extractive ``summarize`` of one file under 1.5 s on a two-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARTICLE = (
    "Trí tuệ nhân tạo ở Việt Nam\n"
    "Các doanh nghiệp công nghệ tại TP.HCM đang ứng dụng trí tuệ nhân tạo vào sản xuất và dịch vụ. "
    "Theo ông Nguyễn Văn A., giám đốc một công ty khởi nghiệp, chi phí phần cứng vẫn là rào cản lớn nhất. "
    "Năm 2025, thị trường AI trong nước đạt khoảng 105 triệu USD, tăng 3,5 lần so với hai năm trước. "
    "Nhiều trường đại học mở ngành học mới về dữ liệu và học máy để đáp ứng nhu cầu nhân lực. "
    "Các chuyên gia cho rằng Việt Nam cần đầu tư thêm vào hạ tầng tính toán và dữ liệu tiếng Việt. "
) * 4


def _bantin() -> list[str]:
    """The installed ``bantin`` script beside this interpreter (else ``python -m bantin.cli``)."""
    script = Path(sys.executable).with_name("bantin")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bantin.cli"]


def _peer() -> list[str]:
    script = Path(sys.executable).with_name("trafilatura")
    return [str(script), "--version"] if script.exists() else [sys.executable, "-m", "trafilatura", "--version"]


def _prepare(work: Path) -> dict[str, str]:
    """A small SQLite archive (one demo-mirror crawl) and an article file; the environment to use."""
    env = {**os.environ, "BANTIN_DATA_DIR": str(work / "data"), "BANTIN_OUT_DIR": str(work / "out"),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    (work / "article.txt").write_text(ARTICLE, encoding="utf-8")
    subprocess.run([*_bantin(), "db", "upgrade"], env=env, check=True, capture_output=True, cwd=work)
    code = (
        "from bantin.archive.engine import Database\n"
        "from bantin.archive.repository import ArticleIn, upsert_article\n"
        f"db = Database.connect('sqlite:///{work / 'data' / 'bantin.db'}')\n"
        "with db, db.session() as s:\n"
        "    for i in range(200):\n"
        "        upsert_article(s, ArticleIn(source_key='vnexpress', url=f'https://vnexpress.net/a-{i}.html',\n"
        "            canonical_url=f'https://vnexpress.net/a-{i}.html', title=f'Trí tuệ nhân tạo số {i}',\n"
        "            body='Đường sắt tốc độ cao và trí tuệ nhân tạo. ' * 20))\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=work)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bantin-startup-") as folder:
        work = Path(folder)
        env = _prepare(work)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "trafilatura --version (peer)": _peer(),
            "bantin --version": [*_bantin(), "--version"],
            "bantin summarize FILE (extractive)": [*_bantin(), "summarize", str(work / "article.txt"),
                                                   "--engine", "extractive"],
            "bantin search (SQLite)": [*_bantin(), "search", "tri tue nhan tao", "--json"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        load_before = os.getloadavg()
        for _ in range(args.runs):
            for name, command in commands.items():
                began = time.perf_counter()
                done = subprocess.run(command, env=env, cwd=work, capture_output=True, text=True)
                times[name].append(time.perf_counter() - began)
                if done.returncode != 0:
                    sys.exit(f"{name} failed: {done.stderr.strip()[-400:]}")
        load_after = os.getloadavg()
    peer = statistics.median(times["trafilatura --version (peer)"])
    print(f"start-up, {args.runs} runs each, round robin; load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after; {os.cpu_count()} CPUs")
    print("| command | median s | slowest s | x peer |\n|---|---:|---:|---:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.2f} | {max(values):.2f} | {median / peer:.2f} |")


if __name__ == "__main__":
    main()
