"""`bantin run` and `bantin demo` from the command line, and their bad inputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL

from bantin.archive.engine import Database
from bantin.archive.locking import pipeline_lock
from bantin.spiders.mirror import write_sources_file


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    """bantin's own error lines (Prefect may log after them at exit)."""
    return [line for line in result.stderr.splitlines() if line.startswith("bantin: error:")]


def bantin(*args: str, env: dict[str, str], cwd: Path, timeout: int = 400) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    full.update(env)
    full["PREFECT_API_URL"] = PREFECT_API_URL.value()  # the test harness's server, not a new one
    return subprocess.run([sys.executable, "-m", "bantin.cli", *args], capture_output=True, text=True,
                          env=full, cwd=cwd, timeout=timeout)


@pytest.fixture
def dead_sources(mirror, tmp_path) -> Path:
    """The shipped sources, every URL pointing at a closed port."""
    path = write_sources_file(mirror.base_url, tmp_path / "sources.toml")
    path.write_text(path.read_text(encoding="utf-8").replace(mirror.base_url, "http://127.0.0.1:9"), encoding="utf-8")
    return path


def test_every_source_failing_is_a_partial_failure(tmp_path, dead_sources):
    env = {"BANTIN_DATA_DIR": str(tmp_path / "data"), "BANTIN_OUT_DIR": str(tmp_path / "out"),
           "BANTIN_SOURCES_FILE": str(dead_sources)}
    result = bantin("run", "--source", "genk", "--source", "znews", env=env, cwd=tmp_path)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "pipeline: failed" in result.stdout
    edition = next((tmp_path / "out").glob("*/edition.txt")).read_text(encoding="utf-8")
    assert "không lấy được tin từ" in edition and "GenK" in edition and "ZNews" in edition
    assert "Không có tin mới".upper() in edition


@pytest.mark.parametrize(
    "content, expected",
    [
        ('[sources.genk]\nname = "GenK"\nfeeds = ["https://genk.vn/rss.chn"\n', ("{bad}:3: key 'feeds'", "syntax")),
        ('[sources.genk]\nname = "GenK"\nhomepage = "https://genk.vn"\nfeedz = ["x"]\n', ("{bad}", "feedz", ":4")),
    ],
    ids=["syntax-error", "unknown-key"],
)
def test_bad_sources_file(tmp_path, content, expected):
    bad = tmp_path / "sources.toml"
    bad.write_text(content, encoding="utf-8")
    result = bantin("run", env={"BANTIN_DATA_DIR": str(tmp_path / "d"), "BANTIN_SOURCES_FILE": str(bad)},
                    cwd=tmp_path, timeout=200)
    assert result.returncode == 2
    [line] = error_lines(result)
    for part in expected:
        assert part.format(bad=bad) in line, (part, line)


def test_second_pipeline_at_once_exits_clearly(tmp_path, dead_sources):
    data = tmp_path / "data"
    db = Database.connect(f"sqlite:///{data / 'bantin.db'}")
    try:
        with pipeline_lock(db):
            result = bantin("run", env={"BANTIN_DATA_DIR": str(data), "BANTIN_SOURCES_FILE": str(dead_sources)},
                            cwd=tmp_path, timeout=200)
    finally:
        db.close()
    assert result.returncode == 2
    [line] = error_lines(result)
    assert "another bantin pipeline is running" in line
    assert not (tmp_path / "out").exists()  # nothing published


def test_bad_period(tmp_path):
    result = bantin("run", "--period", "monthly", env={"BANTIN_DATA_DIR": str(tmp_path)}, cwd=tmp_path, timeout=100)
    assert result.returncode == 2 and "unknown period 'monthly'" in result.stderr


def test_demo_runs_offline(tmp_path):
    env = {"BANTIN_DATA_DIR": str(tmp_path / "data"), "BANTIN_OUT_DIR": str(tmp_path / "out"),
           "BANTIN_CRAWL_PARALLEL_SOURCES": "4"}
    result = bantin("demo", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pipeline: ok" in result.stdout
    html = next((tmp_path / "out" / "demo").glob("*/edition.html")).read_text(encoding="utf-8")
    assert "Cũng được đưa tin bởi" in html and "<script" not in html
    assert (tmp_path / "data" / "demo" / "bantin.db").exists()
    assert not (tmp_path / "data" / "bantin.db").exists()  # the real archive is untouched
