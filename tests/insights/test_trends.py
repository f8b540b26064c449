"""Trends on both backends: a planted rise comes first, a flat archive has nothing rising, too
little data says so in one sentence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from trend_archive import END, fill

from bantin.archive.engine import Database
from bantin.newsletter.trends import compute_trends, poisson_tail


def test_poisson_tails() -> None:
    assert abs(poisson_tail(0, 2.0) - 1.0) < 1e-12
    assert abs(poisson_tail(1, 2.0) - (1 - 0.1353352832)) < 1e-9
    assert poisson_tail(12, 2.0) < 1e-5
    assert abs(poisson_tail(2, 2.0, upper=False) - 0.6766764162) < 1e-9


def test_a_planted_rise_is_first(db: Database) -> None:
    fill(db, {"anthropic": [2, 2, 2, 2, 12], "nvidia": [4, 5, 4, 5, 5], "fpt": [3, 3, 4, 3, 3], "openai": [8, 8, 8, 8, 1]})
    with db.session() as session:
        report = compute_trends(session, period="weekly", end=END)
    assert report.enough and report.baseline_periods == 4
    first = report.rising[0]
    assert (first.key, first.count, first.baseline, first.history) == ("anthropic", 12, 2.0, (2, 2, 2, 2))
    assert first.driver is not None and "Anthropic" in first.driver.title
    assert [t.key for t in report.rising if t.kind == "entity"] == ["anthropic"]
    assert [t.key for t in report.falling if t.kind == "entity"] == ["openai"]


def test_a_flat_archive_has_nothing_rising(db: Database) -> None:
    fill(db, {"anthropic": [3, 3, 3, 3, 3], "nvidia": [5, 5, 5, 5, 5], "fpt": [4, 4, 4, 4, 4], "viettel": [2, 2, 2, 2, 2]})
    with db.session() as session:
        report = compute_trends(session, period="weekly", end=END)
    assert report.enough
    assert report.rising == () and report.falling == ()


def test_too_little_data_is_one_sentence(db: Database) -> None:
    fill(db, {"anthropic": [12], "nvidia": [3]})
    with db.session() as session:
        report = compute_trends(session, period="weekly", end=END)
    assert not report.enough and report.rising == ()
    assert report.reason.startswith("Chưa đủ dữ liệu") and report.reason.count(".") == 1
    with db.session() as session:
        empty = compute_trends(session, period="weekly", end=END.replace(year=2020))
    assert not empty.enough and "0 bài" in empty.reason


def test_cli_trends_json_and_table(tmp_path: Path) -> None:
    database = tmp_path / "bantin.db"
    db = Database.connect(f"sqlite:///{database}")
    try:
        fill(db, {"anthropic": [2, 2, 2, 2, 12], "nvidia": [4, 5, 4, 5, 5]})
    finally:
        db.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env["BANTIN_DATABASE_URL"] = f"sqlite:///{database}"
    run = [sys.executable, "-m", "bantin.cli", "trends", "--period", "weekly", "--until", END.isoformat()]
    done = subprocess.run([*run, "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["enough"] and data["rising"][0]["key"] == "anthropic" and data["rising"][0]["count"] == 12
    done = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Anthropic" in done.stdout and "12" in done.stdout and "2.0" in done.stdout
    custom = tmp_path / "entities.toml"  # BANTIN_ENTITIES_FILE names the entities here too
    custom.write_text('[entities.anthropic]\nname = "Anthropic (tệp riêng)"\nkind = "lab"\naliases = ["Anthropic"]\n',
                      encoding="utf-8")
    done = subprocess.run([*run, "--json"], capture_output=True, text=True, env={**env, "BANTIN_ENTITIES_FILE": str(custom)},
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rising"][0]["name"] == "Anthropic (tệp riêng)"
