"""Portable backups: every archive table to one gzip'd JSON-lines file, and back.

The format does not depend on the backend, so a backup of the embedded SQLite archive restores
into PostgreSQL and the other way round. Restoring needs an empty archive at the same schema
revision; search indexes are rebuilt by their triggers as rows arrive.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from bantin.archive.engine import Database
from bantin.archive.migrate import current_revision
from bantin.archive.models import Base
from bantin.archive.types import UTCDateTime
from bantin.errors import DatabaseError

__all__ = ["backup", "restore"]

FORMAT = "bantin-backup"
VERSION = 1
BATCH = 1000


def _datetime_columns(table: Table) -> set[str]:
    return {c.name for c in table.columns if isinstance(c.type, UTCDateTime)}


def backup(db: Database, path: Path) -> dict[str, int]:
    """Write every row of every archive table to ``path``; returns rows per table."""
    counts: dict[str, int] = {}
    tmp = path.with_name(path.name + ".partial")
    try:
        with gzip.open(tmp, "wt", encoding="utf-8") as out, db.engine.connect() as conn:
            header = {"format": FORMAT, "version": VERSION, "revision": current_revision(db)}
            out.write(json.dumps(header) + "\n")
            for table in Base.metadata.sorted_tables:
                stamps = _datetime_columns(table)
                counts[table.name] = 0
                for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                    record = {k: (v.isoformat() if k in stamps and v is not None else v) for k, v in row.items()}
                    out.write(json.dumps({"t": table.name, "r": record}, ensure_ascii=False) + "\n")
                    counts[table.name] += 1
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"cannot write backup {path}: {exc.strerror or exc}") from exc
    return counts


def _records(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DatabaseError(f"{path} is not a readable bantin backup ({exc})") from exc


def restore(db: Database, path: Path) -> dict[str, int]:
    """Load ``path`` into the empty archive ``db`` in one transaction; returns rows per table."""
    records = _records(path)
    header = next(records, None)
    if not header or header.get("format") != FORMAT:
        raise DatabaseError(f"{path} is not a bantin backup")
    if header.get("revision") != current_revision(db):
        raise DatabaseError(
            f"backup {path} is at schema revision {header.get('revision')}, the archive at "
            f"{current_revision(db)}; upgrade both to the same revision first"
        )
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    counts = dict.fromkeys(tables, 0)
    with db.engine.begin() as conn:
        for table in tables.values():
            if conn.execute(select(func.count()).select_from(table)).scalar_one():
                raise DatabaseError(f"cannot restore into {db.shown_url}: table {table.name} is not empty")
        # The backup lists tables parents first, so rows stream straight in, a batch at a time.
        batch: list[dict[str, Any]] = []
        current: str | None = None
        for record in records:
            name = record["t"]
            if name not in tables:
                raise DatabaseError(f"{path} holds unknown table {name!r}")
            if batch and (name != current or len(batch) >= BATCH):
                conn.execute(insert(tables[current]), batch)
                batch = []
            current = name
            stamps = _datetime_columns(tables[name])
            batch.append({k: (datetime.fromisoformat(v) if k in stamps and v is not None else v)
                          for k, v in record["r"].items()})
            counts[name] += 1
        if batch:
            conn.execute(insert(tables[current]), batch)
        if db.backend == "postgresql":
            for name in (name for name, table in tables.items() if "id" in table.c):  # serial ids only
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {name}), 0) + 1, false)"
                ))
    return counts
