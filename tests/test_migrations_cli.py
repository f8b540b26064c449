"""Migrations and the CLI shell on both backends, and the bad inputs of the foundation issue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bantin.archive.engine import Database
from bantin.archive.migrate import current_revision, downgrade, head_revision, status, upgrade
from bantin.errors import DatabaseUnavailable, MigrationError


def bantin(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bantin.cli", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=120)


def test_round_trip_and_idempotent_upgrade(db):
    assert current_revision(db) == head_revision()
    upgrade(db)  # upgrading twice is a no-op
    assert current_revision(db) == head_revision()
    downgrade(db, "base")
    assert current_revision(db) is None
    assert all(v is None for v in status(db)["counts"].values())
    upgrade(db)
    assert status(db)["up_to_date"]


def test_postgres_has_search_functions(pg_migrated):
    db = Database.connect(pg_migrated, upgrade_embedded=False)
    try:
        with db.engine.connect() as conn:
            folded = conn.execute(text("SELECT bantin_fold('Đường Trí Tuệ Nhân Tạo hoà')")).scalar_one()
            exts = set(conn.execute(text("SELECT extname FROM pg_extension")).scalars())
    finally:
        db.close()
    assert folded == "duong tri tue nhan tao hoa"
    assert {"unaccent", "pg_trgm"} <= exts


def test_unknown_revision_is_a_clear_error(tmp_path):
    db = Database.connect(f"sqlite:///{tmp_path / 'x.db'}")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))
    with pytest.raises(MigrationError, match="ffff9999"):
        upgrade(db)
    db.close()


@pytest.mark.parametrize(
    "url, shown",
    [
        ("postgresql+psycopg://postgres:s3cret@127.0.0.1:1/nowhere", "postgres:***@127.0.0.1:1"),
        ("postgresql+psycopg://nobody:s3cret@127.0.0.1:5432/test", "nobody:***@127.0.0.1:5432"),
        ("nosuchdriver://u:s3cret@host/db", "nosuchdriver://u:***@host/db"),
    ],
)
def test_bad_database_urls(tmp_path, url, shown):
    result = bantin("db", "status", env={"BANTIN_DATABASE_URL": url, "BANTIN_DATA_DIR": str(tmp_path / "data")},
                    cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bantin: error:")
    assert shown in lines[0] and "s3cret" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing created anywhere
    with pytest.raises(DatabaseUnavailable):
        Database.connect(url)


def test_cli_upgrade_status_on_fresh_sqlite(tmp_path):
    env = {"BANTIN_DATA_DIR": str(tmp_path / "data")}
    first = bantin("db", "upgrade", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    second = bantin("db", "upgrade", env=env, cwd=tmp_path)
    assert second.returncode == 0 and f"at revision {head_revision()}" in second.stdout
    info = json.loads(bantin("db", "status", "--json", env=env, cwd=tmp_path).stdout)
    assert info["backend"] == "sqlite" and info["up_to_date"] and info["counts"]["articles"] == 0
    assert (tmp_path / "data" / "bantin.db").exists()


def test_cli_upgrade_status_on_fresh_postgres(pg_url):
    env = {"BANTIN_DATABASE_URL": pg_url}
    assert bantin("db", "upgrade", env=env).returncode == 0
    info = json.loads(bantin("db", "status", "--json", env=env).stdout)
    assert info["backend"] == "postgresql" and info["up_to_date"]


def test_config_show_masks_secrets(tmp_path):
    env = {"BANTIN_SMTP_PASSWORD": "hunter2", "BANTIN_DATABASE_URL": "postgresql+psycopg://u:pw123@h/db",
           "BANTIN_SMTP_RECIPIENTS": "a@x.vn, b@y.vn"}
    result = bantin("config", "show", "--json", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["smtp_password"] == "********" and "hunter2" not in result.stdout
    assert "pw123" not in result.stdout and shown["smtp_recipients"] == "a@x.vn, b@y.vn"


def test_version_and_help():
    assert bantin("--version").stdout.startswith("bantin ")
    help_text = bantin("--help").stdout
    assert "db" in help_text and "config" in help_text
    assert "Example" in bantin("db", "upgrade", "--help").stdout


def test_debug_shows_the_cause_of_an_error(tmp_path):
    url = "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/nowhere"
    result = bantin("--debug", "db", "status", env={"BANTIN_DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 2
    assert "The above exception was the direct cause of the following exception" in result.stderr
    assert "OperationalError" in result.stderr and "DatabaseUnavailable" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("bantin: error: cannot connect to database")
    assert "s3cret" not in result.stderr


def test_a_broken_install_names_the_missing_resource(tmp_path):
    # a wheel that lost its migrations: one line naming the file and the package, exit 2, nothing created
    code = ("import bantin.archive.migrate as m; m.MIGRATIONS = ('bantin', 'lost-migrations'); "
            "from bantin.cli import main; main(['db', 'upgrade'])")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env["BANTIN_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                            timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "bantin: error: lost-migrations/env.py is missing from the installed package bantin; reinstall bantin "
        "(pip install --force-reinstall bantin)"
    ]
