"""`bantin newsletter` and `bantin editions list|show`, through the CLI's real entry point.

The commands run in-process (``bantin.cli.main``, the console script's function), with the
environment a user would set; the package imports once instead of once per command.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import pytest
from bantin_test_support import free_port
from newsletter_seed import seed_news_day

from bantin.archive.engine import Database
from bantin.cli import main


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def archive_env(tmp_path, monkeypatch, capsys):  # noqa: ANN001, ANN201
    """A seeded embedded archive; returns a runner of ``bantin ARGS`` in the environment."""
    url = f"sqlite:///{tmp_path / 'bantin.db'}"
    db = Database.connect(url)
    try:
        seed_news_day(db)
    finally:
        db.close()
    for name in [name for name in os.environ if name.startswith("BANTIN_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env from the repository
    for name, value in dict(BANTIN_DATABASE_URL=url, BANTIN_OUT_DIR=str(tmp_path / "out"),
                            BANTIN_DATA_DIR=str(tmp_path), COLUMNS="200").items():  # COLUMNS: Rich does not wrap
        monkeypatch.setenv(name, value)

    def run(*args: str) -> Run:
        capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            main(list(args))
        out, err = capsys.readouterr()
        return Run(done.value.code or 0, out, err)

    return run


WINDOW = ("--since", "2026-11-29T06:30", "--until", "2026-11-30T06:30")


def test_newsletter_then_list_and_show(archive_env):
    preview = archive_env("newsletter", *WINDOW, "--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert "5 item(s) (preview, nothing stored)" in preview.stdout and "-daily-preview/edition.html" in preview.stdout

    built = archive_env("newsletter", *WINDOW)
    assert built.returncode == 0, built.stderr
    assert "daily 2026-11-29 06:30 -> 2026-11-30 06:30 Asia/Ho_Chi_Minh: 5 item(s) (edition 1, new)" in built.stdout
    assert "SMTP not configured" in built.stdout
    again = archive_env("newsletter", *WINDOW)
    assert "(edition 1, already built)" in again.stdout

    listed = json.loads(archive_env("editions", "list", "--json").stdout)
    assert [(row["edition_id"], row["kind"], row["item_count"], row["delivered"]) for row in listed] == [
        (1, "daily", 5, True)
    ]
    shown = archive_env("editions", "show", "1")
    assert shown.returncode == 0 and "Mô hình ngôn ngữ tiếng Việt mới ra mắt" in shown.stdout
    assert "Tuổi Trẻ, GenK" in shown.stdout
    detail = json.loads(archive_env("editions", "show", "1", "--json").stdout)
    assert [item["section"] for item in detail["items"]] == ["top", "top", "top", "chips", "other"]


def test_refused_smtp_connection_exits_2_and_keeps_the_edition(archive_env, monkeypatch):
    for name, value in dict(BANTIN_SMTP_HOST="127.0.0.1", BANTIN_SMTP_PORT=str(free_port()),
                            BANTIN_SMTP_RECIPIENTS="a@example.vn", BANTIN_SMTP_STARTTLS="false").items():
        monkeypatch.setenv(name, value)
    run = archive_env("newsletter", *WINDOW)
    assert run.returncode == 2
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("bantin: error: e-mail delivery failed for 1 edition(s), first 1: cannot connect")
    [row] = json.loads(archive_env("editions", "list", "--json").stdout)
    assert row["delivered"] is False and "cannot connect to SMTP server" in row["delivery_error"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("editions", "show", "99"), "bantin: error: no edition 99"),
        (("newsletter", "--sections", "/nonexistent/sections.toml"), "cannot read sections file /nonexistent"),
        (("newsletter", "--since", "hôm qua"), "is not a date or time"),
    ],
)
def test_bad_input_is_one_clear_line(archive_env, args, message):
    run = archive_env(*args)
    assert run.returncode == 2 and message in run.stderr


def test_every_command_has_an_example(archive_env):
    for args in (("newsletter",), ("editions", "list"), ("editions", "show")):
        assert "Example:" in archive_env(*args, "--help").stdout
