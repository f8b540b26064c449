"""Helpers that several test folders (and ``bench/faults.py``) share: a new PostgreSQL database
on the test server, bringing one to the newest schema, a free loopback port, an ASGI app served
on one in a thread, a loopback Apprise ``json://`` inbox, and ``bantin`` run in-process in the
environment a user would set.

Imported by name (``tests/`` is on ``sys.path`` through its conftest); the unusual module name
keeps it from shadowing anything installed.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bantin.archive.engine import Database
from bantin.archive.migrate import upgrade

PG_ADMIN_URL = os.environ.get("BANTIN_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def new_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty database named ``prefix_<random>`` beside ``PG_ADMIN_URL``'s; its URL. Dropped
    afterwards, connections still open to it included."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate(url: str) -> None:
    """Upgrade the database at ``url`` to the newest schema revision."""
    db = Database.connect(url, upgrade_embedded=False)
    try:
        upgrade(db)
    finally:
        db.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a daemon thread; its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class JsonInbox:
    """What a loopback Apprise ``json://`` endpoint received; while ``failing`` it answers 500."""

    port: int
    path: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    failing: bool = False

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/{self.path}"

    def wait(self, count: int, timeout: float) -> list[dict[str, Any]]:
        """The posts once there are ``count`` of them (fails after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while len(self.posts) < count:
            assert time.monotonic() < deadline, f"{len(self.posts)} posts after {timeout} s, expected {count}"
            time.sleep(0.2)
        return self.posts


@contextlib.contextmanager
def json_inbox(path: str) -> Iterator[JsonInbox]:
    """A ``JsonInbox`` served on a free loopback port in a daemon thread; ``path`` follows the
    port in its URL (``alerts``, ``bantin?token=x``)."""
    inbox = JsonInbox(free_port(), path)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if inbox.failing:
                self.send_response(500)
            else:
                inbox.posts.append(json.loads(body))
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", inbox.port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield inbox
    finally:
        server.shutdown()
        server.server_close()


def run_bantin(monkeypatch: Any, capsys: Any, folder: Any, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """``bantin ARGS`` in-process (the console script's ``main``) with only ``env`` of the BANTIN_*
    variables and ``folder`` as the working directory (no .env of the repository); returns
    (exit code, stdout, stderr)."""
    import pytest

    from bantin.cli import main

    for name in [name for name in os.environ if name.startswith("BANTIN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(folder)
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return done.value.code or 0, out, err
