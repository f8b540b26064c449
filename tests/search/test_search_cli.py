"""``bantin search`` and ``bantin web --help`` as a user runs them (a subprocess), on both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from search_corpus import fill

from bantin.cli import main


def bantin(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_DATABASE_URL=url, COLUMNS="160")
    return subprocess.run([sys.executable, "-m", "bantin.cli", *args], capture_output=True, text=True, env=env, check=False,
                          timeout=120)


@pytest.fixture
def url(db) -> str:
    fill(db)
    return db.url


def test_table_and_json(url):
    table = bantin("search", "tri tue nhan tao", "--source", "tuoitre", url=url)
    assert table.returncode == 0, table.stderr
    assert "Ngân hàng dùng trí tuệ" in table.stdout and "Tuổi Trẻ" in table.stdout
    lines = bantin("search", "duong", "--json", url=url)
    hits = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [h["title"] for h in hits] == ["Đường sắt tốc độ cao khởi công"]
    assert "<mark>Đường</mark>" in hits[0]["title_html"]


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    """``bantin ARGS`` in-process through the console script's entry point."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def test_filters_and_limit(url, capsys):
    code, out, _ = run_main(capsys, "--database-url", url, "search", "tri tue nhan tao", "--topic", "crypto",
                            "--since", "2020-01-01", "--until", "2030-12-31", "--limit", "5", "--json")
    assert code == 0 and [json.loads(line)["title"] for line in out.splitlines()] == ["Bitcoin và trí tuệ nhân tạo"]


def test_no_results_suggests(url, capsys):
    code, out, _ = run_main(capsys, "--database-url", url, "search", "bitcion")
    assert code == 0 and "did you mean: bitcoin" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (("",), "empty query"),
        (("x" * 10_000,), "too long"),
        (("...",), "no letters"),
        (('"tri tue',), "unbalanced quotes"),
        (("ai", "--source", "nosuch"), "unknown source"),
        (("ai", "--topic", "nosuch"), "unknown topic"),
        (("ai", "--since", "2026-02-01", "--until", "2026-01-01"), "inverted date range"),
        (("ai", "--since", "01/02/2026"), "invalid date"),
        (("ai", "--since", "0001-01-01"), "out of range"),
        (("ai", "--until", "9999-12-31"), "out of range"),
        (("ai", "--limit", "0"), "per_page"),
    ],
)
def test_bad_input_is_one_line_exit_2(url, args, message, capsys):
    code, _, err = run_main(capsys, "--database-url", url, "search", *args)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_page_past_the_end(url, capsys):
    code, out, _ = run_main(capsys, "--database-url", url, "search", "ai", "--page", "40")
    assert code == 0 and "past the end" in out


@pytest.mark.parametrize("command", ["search", "web"])
def test_help_has_examples(command, capsys):
    code, out, _ = run_main(capsys, command, "--help")
    assert code == 0 and "Example:" in out


def test_db_reindex_rebuilds_a_lost_index(url, db):
    from sqlalchemy import text

    from bantin.archive.search import search

    with db.engine.begin() as conn:  # the index loses its rows (as after a restore without it)
        if db.backend == "postgresql":
            conn.execute(text("TRUNCATE article_search"))
        else:
            for table in ("article_fts", "article_head_fts"):
                conn.execute(text(f"INSERT INTO {table} ({table}) VALUES ('delete-all')"))
            conn.execute(text("DELETE FROM article_search"))
    assert search(db, "duong").total == 0
    done = bantin("db", "reindex", url=url)
    assert done.returncode == 0, done.stderr
    assert "search index rebuilt: 8 articles" in done.stdout
    assert [h.title for h in search(db, "duong").hits] == ["Đường sắt tốc độ cao khởi công"]
    assert search(db, '"tri tue nhan tao"').total == 3
    if db.backend == "sqlite":  # the title-and-lead index is rebuilt too
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM article_head_fts WHERE article_head_fts MATCH 'duong'")
                                ).scalar_one() == 1
    again = bantin("db", "reindex", url=url)  # twice is harmless
    assert again.returncode == 0 and search(db, '"tri tue nhan tao"').total == 3
