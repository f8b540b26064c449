"""Test tooling for the operator's view: a real ``bantin schedule`` process, a loopback Apprise
``json://`` receiver, and a site that accepts connections and never answers (a crawl in progress)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from bantin_test_support import JsonInbox, free_port, json_inbox

__all__ = ["AlertInbox", "SchedulerProcess", "alert_inbox", "bantin_env", "free_port", "silent_site"]


def bantin_env(home: Path, **values: str) -> dict[str, str]:
    """A clean environment for a bantin process: no BANTIN_* or PREFECT_API_* of the caller, its
    own Prefect profile folder, no telemetry, then ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BANTIN_", "PREFECT_"))}
    env.update({"PREFECT_HOME": str(home / "prefect-client"), "DO_NOT_TRACK": "1",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    env.update(values)
    return env


@dataclass
class SchedulerProcess:
    """``bantin schedule`` in its own session (as a terminal would start it), its output collected."""

    env: dict[str, str]
    cwd: Path
    lines: list[str] = field(default_factory=list)
    process: subprocess.Popen[str] | None = None

    @contextmanager
    def running(self) -> Iterator[SchedulerProcess]:
        """Started; on the way out nothing of it is left running and its output is printed."""
        try:
            yield self.start()
        finally:
            self.kill()
            print(self.output)

    def start(self) -> SchedulerProcess:
        self.process = subprocess.Popen([sys.executable, "-m", "bantin.cli", "schedule"], env=self.env, cwd=self.cwd,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.lines.append(line)

    def children(self) -> list[psutil.Process]:
        """Its processes now: the Prefect server it started, the runs."""
        assert self.process
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert self.process and self.process.poll() is None, f"bantin schedule ended:\n{self.output[-4000:]}"
            assert time.monotonic() < deadline, f"no {text!r} after {timeout} s:\n{self.output[-4000:]}"
            time.sleep(0.2)

    def stop(self, sig: signal.Signals, *, group: bool, guard_s: float) -> tuple[int, float]:
        """Send ``sig`` (to the whole session's group, as Ctrl-C does, or to bantin alone, as
        systemd's KillMode=mixed does); (exit code, seconds it took to end)."""
        assert self.process
        started = time.monotonic()
        if group:
            os.killpg(self.process.pid, sig)
        else:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=guard_s)
        except subprocess.TimeoutExpired as exc:
            self.kill()
            raise AssertionError(f"still running {guard_s} s after {sig.name}:\n{self.output[-4000:]}") from exc
        time.sleep(0.3)  # the reader thread takes the last lines
        return code, time.monotonic() - started

    def kill(self) -> None:
        """Make sure nothing of this scheduler outlives the test: it, its runs and its server."""
        if not self.process or self.process.poll() is not None:
            return
        for member in [self.process, *self.children()]:
            try:
                member.kill()
            except (ProcessLookupError, psutil.NoSuchProcess):
                continue
        self.process.wait()


AlertInbox = JsonInbox  # what the alerts' loopback json:// endpoint received


def alert_inbox() -> contextlib.AbstractContextManager[JsonInbox]:
    """A loopback Apprise ``json://`` endpoint for alerts (``json://127.0.0.1:PORT/alerts``)."""
    return json_inbox("alerts")


@contextmanager
def silent_site() -> Iterator[tuple[str, list[socket.socket]]]:
    """A site that accepts every connection and never answers: a crawl of it stays in progress.
    Yields its base URL and the connections it holds."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", held
    finally:
        listener.close()
        for conn in held:
            conn.close()
