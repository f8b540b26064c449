"""The Prefect server that keeps the schedules' run history across restarts.

``bantin schedule`` and ``bantin status`` talk to one Prefect API:

- ``PREFECT_API_URL`` set: that server (a team's); nothing is started here;
- else the persistent local server at ``127.0.0.1:BANTIN_PREFECT_PORT``, whose SQLite database is
  ``prefect/prefect.db`` in the data folder. When nothing answers there, ``prefect_api`` starts it
  as a child process in its own session (a Ctrl-C at the terminal reaches bantin, which then stops
  its runs before the server) and stops it on exit; its log is ``prefect/server.log``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from prefect.settings import PREFECT_API_URL, temporary_settings

from bantin.errors import SchedulerError
from bantin.settings import Settings

__all__ = ["PrefectApi", "has_history", "local_api_url", "prefect_api", "prefect_folder"]

START_TIMEOUT_S = 180.0  # a cold start migrates the database; a busy 2-core machine needs a minute
STOP_TIMEOUT_S = 8.0


@dataclass(frozen=True)
class PrefectApi:
    """The Prefect API in use: its address, where its UI is, and who runs it."""

    url: str
    started_here: bool  # this process started the server and stops it on exit
    external: bool  # PREFECT_API_URL named it
    database: Path | None  # the local server's database; None for an external server

    @property
    def ui_url(self) -> str:
        return self.url.removesuffix("/").removesuffix("/api")


def prefect_folder(settings: Settings) -> Path:
    """The local Prefect server's home: its database and its log."""
    return (Path(settings.data_dir) / "prefect").resolve()


def local_api_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.prefect_port}/api"


def has_history(settings: Settings) -> bool:
    """Whether there is a Prefect server to read: ``PREFECT_API_URL``, a local one answering, or
    the local server's database (the scheduler ran here before)."""
    return bool(PREFECT_API_URL.value()) or (prefect_folder(settings) / "prefect.db").exists() or _answers(
        local_api_url(settings))


def _answers(url: str) -> bool:
    """Whether a Prefect API answers its health check at ``url``."""
    try:
        response = httpx.get(f"{url}/health", timeout=3.0)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


@contextmanager
def prefect_api(settings: Settings, *, reuse: bool, services: bool = True) -> Iterator[PrefectApi]:
    """The Prefect API this process uses (``PREFECT_API_URL`` points at it inside the block).

    ``reuse``: a local server that already answers is used as it is (``bantin status``); without
    it, an answering port is an error (a second ``bantin schedule`` would run every run twice).
    ``services``: the server started here runs Prefect's scheduler and late-run services.
    """
    external = PREFECT_API_URL.value()
    if external:
        if not _answers(external):
            raise SchedulerError(f"the Prefect server at PREFECT_API_URL={external} does not answer")
        yield PrefectApi(external, started_here=False, external=True, database=None)
        return
    url = local_api_url(settings)
    database = prefect_folder(settings) / "prefect.db"
    if _answers(url):
        if not reuse:
            raise SchedulerError(
                f"a Prefect server already answers at {url}: is another bantin schedule running? "
                "Stop it, or choose another BANTIN_PREFECT_PORT"
            )
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield PrefectApi(url, started_here=False, external=False, database=database)
        return
    process = _start_server(settings, services=services)
    try:
        _wait_until_up(process, url, prefect_folder(settings) / "server.log")
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield PrefectApi(url, started_here=True, external=False, database=database)
    finally:
        _stop_server(process)


def _start_server(settings: Settings, *, services: bool) -> subprocess.Popen[bytes]:
    home = prefect_folder(settings)
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")}
    env.update({
        "PREFECT_HOME": str(home),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    })
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
               "--port", str(settings.prefect_port)]
    if not services:
        command.append("--no-services")
    with (home / "server.log").open("ab") as log:
        # Its own session: the terminal's Ctrl-C must not stop the server under the runs it records.
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise SchedulerError(f"the Prefect server stopped while starting (exit {process.returncode}): "
                                 f"{tail[0].strip()} (log: {log})")
        if _answers(url):
            return
        time.sleep(0.5)
    raise SchedulerError(f"the Prefect server did not answer at {url} within {START_TIMEOUT_S:.0f} s (log: {log})")


def _stop_server(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server (SQLite keeps what it committed), then kill its group if it lingers."""
    for sig, wait_s in ((signal.SIGTERM, STOP_TIMEOUT_S), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            continue
