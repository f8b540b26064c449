"""Backups round-trip exactly on both backends; one pipeline at a time per archive."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bantin.archive.backup import backup, restore
from bantin.archive.engine import Database
from bantin.archive.locking import pipeline_lock
from bantin.archive.models import Base
from bantin.archive.repository import ArticleIn, SummaryIn, finish_crawl_run, start_crawl_run, store_summary, upsert_article
from bantin.errors import DatabaseError, PipelineBusy


def _fill(db: Database) -> None:
    with db.session() as s:
        for n in range(1, 4):
            r = upsert_article(s, ArticleIn(
                source_key="dantri", url=f"https://dantri.com.vn/{n}.htm", canonical_url=f"https://dantri.com.vn/{n}.htm",
                title=f"Chip bán dẫn {n} — “trích dẫn” 'x'", lead="Sapo", body=f"Thân bài {n}\n\nĐoạn 2",
                published_at=datetime(2025, 11, n, 1, 2, 3, tzinfo=UTC), topics=("chips",), relevance=0.5 + n / 10,
                minhash=(1, 2, 3), cluster_id=1))
            store_summary(s, SummaryIn(r.article_id, "m", "h", "extractive", f"Tóm tắt {n}", options={"k": [1, 2]}))
        finish_crawl_run(s, start_crawl_run(s, "dantri"), counts={"new": 3}, reasons={"404": 1})


def _dump(db: Database) -> dict[str, list[dict]]:
    with db.engine.connect() as conn:
        return {t.name: [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]
                for t in Base.metadata.sorted_tables}


def test_backup_restore_round_trip(db, tmp_path):
    _fill(db)
    before = _dump(db)
    path = tmp_path / "b.jsonl.gz"
    counts = backup(db, path)
    assert counts["articles"] == 3 and counts["summaries"] == 3
    target = Database.connect(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        restore(target, path)
        assert _dump(target) == before
        with pytest.raises(DatabaseError, match="not empty"):
            restore(target, path)
        with target.session() as s:  # ids continue after the restored ones
            assert upsert_article(s, ArticleIn(source_key="dantri", url="u", canonical_url="https://x/new",
                                               title="Mới", body="mới")).article_id == 4
    finally:
        target.close()


def test_restore_into_postgres_from_sqlite(tmp_path, pg_migrated):
    source = Database.connect(f"sqlite:///{tmp_path / 'a.db'}")
    _fill(source)
    path = tmp_path / "b.jsonl.gz"
    backup(source, path)
    target = Database.connect(pg_migrated, upgrade_embedded=False)
    try:
        with target.engine.begin() as conn:
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        restore(target, path)
        assert _dump(target) == _dump(source)
    finally:
        target.close()
        source.close()


def test_bad_backup_file(db, tmp_path):
    bad = tmp_path / "bad.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(DatabaseError, match="not a readable bantin backup"):
        restore(db, bad)


def test_second_pipeline_is_refused(db):
    with pipeline_lock(db):
        code = textwrap.dedent(f"""
            from bantin.archive.engine import Database
            from bantin.archive.locking import pipeline_lock
            from bantin.errors import PipelineBusy
            db = Database.connect({db.url!r}, upgrade_embedded=False)
            try:
                with pipeline_lock(db):
                    print("got it")
            except PipelineBusy as exc:
                print("busy:", exc)
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
        assert out.startswith("busy: another bantin pipeline is running")
    with pipeline_lock(db):  # released, so it can be taken again
        pass


def test_lock_released_when_holder_is_killed(db):
    code = textwrap.dedent(f"""
        import os, signal, sys
        from bantin.archive.engine import Database
        from bantin.archive.locking import pipeline_lock
        db = Database.connect({db.url!r}, upgrade_embedded=False)
        with pipeline_lock(db):
            print("held", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "held" and proc.returncode == -9
    with pipeline_lock(db, wait_s=10):
        pass
    with pytest.raises(PipelineBusy):
        with pipeline_lock(db), pipeline_lock(db):
            pass


def test_cli_backup_restore(tmp_path):
    from test_migrations_cli import bantin

    src = {"BANTIN_DATA_DIR": str(tmp_path / "a")}
    db = Database.connect(f"sqlite:///{tmp_path / 'a' / 'bantin.db'}")
    _fill(db)
    db.close()
    out = tmp_path / "b.jsonl.gz"
    made = bantin("db", "backup", str(out), env=src, cwd=tmp_path)
    assert made.returncode == 0 and "3 articles" in made.stdout, made.stderr
    dst = {"BANTIN_DATA_DIR": str(tmp_path / "b")}
    loaded = bantin("db", "restore", str(out), env=dst, cwd=tmp_path)
    assert loaded.returncode == 0 and "3 summaries" in loaded.stdout, loaded.stderr
    again = bantin("db", "restore", str(out), env=dst, cwd=tmp_path)
    assert again.returncode == 2 and "not empty" in again.stderr
