"""`bantin crawl` (exit status, table) and `scrapy crawl news` from the repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from bantin.archive.engine import Database
from bantin.cli import app
from bantin.spiders import load_sources
from bantin.spiders.dates import VIETNAM
from bantin.spiders.mirror import MirrorServer, serve, write_sources_file

REPO = Path(__file__).resolve().parents[2]


def _count(url: str) -> int:
    db = Database.connect(url)
    try:
        with db.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT count(*) FROM articles").scalar_one()
    finally:
        db.close()


def test_bantin_crawl_prints_the_table_and_exits_3_when_a_source_fails(
    mirror: MirrorServer, test_sources: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"BANTIN_DATA_DIR": str(tmp_path), "BANTIN_DATABASE_URL": url, "BANTIN_USER_AGENT": "bantin-cli-test"}
    result = CliRunner().invoke(
        app, ["crawl", "--sources-file", str(test_sources), "--source", "genk", "--source", "mat"], env=env
    )
    assert result.exit_code == 3, result.output
    assert "genk" in result.output and "failed" in result.output and "feed-http-404 1" in result.output
    assert _count(url) == 3

    again = CliRunner().invoke(
        app, ["crawl", "--sources-file", str(test_sources), "-s", "genk", "--json", "--since", "2025-10-01"], env=env
    )
    assert again.exit_code == 0, again.output
    data = json.loads(again.output)
    assert data["status"] == "ok" and data["sources"][0]["reasons"] == {"already-archived": 3}

    bad = CliRunner().invoke(app, ["crawl", "--sources-file", str(test_sources), "--since", "22/10/2025"], env=env)
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_crawl_help_has_an_example() -> None:
    result = CliRunner().invoke(app, ["crawl", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "--refresh" in result.output


def test_scrapy_crawl_from_the_repository_works(demo_sources: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'scrapy.db'}"
    env = dict(os.environ, BANTIN_SOURCES_FILE=str(demo_sources), BANTIN_DATABASE_URL=url, BANTIN_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=dantri", "-s", "DOWNLOAD_DELAY=0",
         "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "LOG_LEVEL=WARNING"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _count(url) == 3


def test_demo_mirror_dates_are_recent_and_its_sources_file_has_no_bad_cases(tmp_path: Path) -> None:
    before = datetime.now(VIETNAM)
    with serve() as server:
        assert server.now <= before + timedelta(minutes=1)
        ages = [server.now - a.published for a in server.articles]
        assert all(timedelta(0) < age < timedelta(days=1) for age in ages)
        path = write_sources_file(server.base_url, tmp_path / "demo.toml")
        assert "/bad/" not in path.read_text(encoding="utf-8")
        keys = [source.key for source in load_sources(path)]
        assert keys == ["vnexpress", "vietnamnet", "tuoitre", "thanhnien", "dantri", "genk", "znews", "vneconomy"]
