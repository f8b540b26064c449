"""The operator's view of the schedules, against real processes on loopback.

One story, because every ``bantin schedule`` start boots a real Prefect server (slow on a 2-core
machine): a daily run missed while the machine was off is made up once at start and, failing,
alerts a loopback Apprise ``json://`` receiver; SIGTERM stops the scheduler cleanly; a second
start makes nothing up again; ``bantin status`` shows the schedules and the runs with their
totals; a run whose process is killed is marked crashed and alerts; Ctrl-C (SIGINT to the
terminal's process group) during a crawl cancels the run, marked so, and the history survives.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from operator_tools import SchedulerProcess, alert_inbox, bantin_env, free_port, silent_site
from prefect import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.states import Scheduled

from bantin.flows.catchup import due_slot
from bantin.flows.schedules import deployments
from bantin.flows.server import prefect_api
from bantin.settings import load_settings
from bantin.spiders.mirror import write_sources_file

DAILY_CRON = "0 0 * * *"  # midnight: long past whenever the test runs, so its slot can be missed
WEEKLY_CRON = "0 0 1 1 *"
# The product stops within 10 s (flows.schedules.STOP_BUDGET_S and the server's stop); the guard
# is wider so that a test on a shared, loaded machine checks the behaviour, not the machine.
STOP_GUARD_S = 30
BOOT_S = 300  # a Prefect server's first start migrates its database


def _one_source(base_url: str, path: Path) -> Path:
    """The first shipped source, its URLs on ``base_url``."""
    write_sources_file(base_url, path)
    text = path.read_text(encoding="utf-8")
    second = text.index("\n[sources.", text.index("[sources.") + 1)
    path.write_text(text[:second], encoding="utf-8")
    return path


def _seed_missed_run(env: dict[str, str], cwd: Path) -> None:
    """The state a machine that was off at midnight leaves: both deployments registered earlier,
    and the daily run Prefect created ahead of time still waiting, its time long past."""
    settings = load_settings(data_dir=env["BANTIN_DATA_DIR"], prefect_port=int(env["BANTIN_PREFECT_PORT"]),
                             schedule_daily_cron=DAILY_CRON, schedule_weekly_cron=WEEKLY_CRON)
    with temporary_settings(restore_defaults={PREFECT_API_URL}), prefect_api(settings, reuse=False, services=False):
        daily, weekly = deployments(settings)
        daily_id = daily.apply()
        weekly.apply()
        missed = due_slot(DAILY_CRON, settings.timezone, datetime.now(UTC)) - timedelta(days=1)
        with get_client(sync_client=True) as client:
            client.create_flow_run_from_deployment(daily_id, state=Scheduled(scheduled_time=missed))


def _status(env: dict[str, str], cwd: Path) -> dict:
    result = subprocess.run([sys.executable, "-m", "bantin.cli", "status", "--json"], env=env, cwd=cwd,
                            capture_output=True, text=True, timeout=BOOT_S)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _daily_runs(status: dict) -> list[dict]:
    return [run for run in status["runs"] if run["deployment"].endswith("/bantin-daily")]


def test_operator_story(tmp_path):
    with alert_inbox() as inbox, silent_site() as (silent_url, held):
        dead = _one_source("http://127.0.0.1:9", tmp_path / "dead-sources.toml")
        silent = _one_source(silent_url, tmp_path / "silent-sources.toml")
        env = bantin_env(tmp_path, BANTIN_DATA_DIR=str(tmp_path / "data"), BANTIN_OUT_DIR=str(tmp_path / "out"),
                         BANTIN_PREFECT_PORT=str(free_port()), BANTIN_SOURCES_FILE=str(dead),
                         BANTIN_SCHEDULE_DAILY_CRON=DAILY_CRON, BANTIN_SCHEDULE_WEEKLY_CRON=WEEKLY_CRON,
                         BANTIN_ALERT_URLS=inbox.url)
        _seed_missed_run(env, tmp_path)

        # The missed midnight run is made up once, fails (its one source is down) and alerts.
        with SchedulerProcess(env, tmp_path).running() as first:
            first.wait_for("ready;", BOOT_S)
            assert "bantin-daily: cancelled 1 run(s) missed while stopped" in first.output
            assert "bantin-daily: making up the run of" in first.output
            assert "bantin-weekly: making up" not in first.output  # registered after its last slot
            [alert] = inbox.wait(1, BOOT_S)
            assert alert["title"] == "bantin: lần chạy daily thất bại", alert
            body = alert["message"]
            assert "catch-up-" in body and "Bước thu thập tin: 1/1 nguồn lỗi: vnexpress (" in body, body
            assert "/runs/flow-run/" in body
            _stop_cleanly(first, signal.SIGTERM, group=False, label="SIGTERM after the catch-up run")

        # A second start makes nothing up; a crawl in progress is cancelled by Ctrl-C.
        with SchedulerProcess(dict(env, BANTIN_SOURCES_FILE=str(silent)), tmp_path).running() as second:
            second.wait_for("ready;", BOOT_S)
            assert "making up" not in second.output and "cancelled" not in second.output
            status = _status(env, tmp_path)
            assert status["scheduler_running"] is True
            assert {d["name"] for d in status["deployments"]} == {"bantin-pipeline/bantin-daily",
                                                                  "bantin-pipeline/bantin-weekly"}
            [made_up, missed] = _daily_runs(status)
            assert (made_up["state"], missed["state"]) == ("Completed", "Cancelled")
            assert made_up["name"].startswith("catch-up-") and "missed while bantin schedule was stopped" in missed["message"]
            assert made_up["message"].startswith("pipeline failed: 1/1 sources failed (vnexpress)")
            assert missed["ran"] is False and missed["totals"] is None
            assert made_up["totals"]["sources"] == 1 and made_up["totals"]["failed_sources"] == ["vnexpress"]
            assert len(made_up["totals"]["editions"]) == 1
            daily_next = next(d for d in status["deployments"] if d["name"].endswith("bantin-daily"))["next_run"]
            assert daily_next and datetime.fromisoformat(daily_next) > datetime.now(UTC)
            # A run whose process dies (killed, out of memory) is marked crashed and alerts from the scheduler.
            _crawl_in_progress(env, second, held)
            [engine] = [p for p in second.children() if "prefect.engine" in " ".join(p.cmdline())]
            engine.kill()
            crash = inbox.wait(2, BOOT_S)[1]
            assert crash["title"] == "bantin: lần chạy daily bị dừng đột ngột", crash
            assert "Tiến trình của lần chạy đã chết" in crash["message"]
            _crawl_in_progress(env, second, held)
            _stop_cleanly(second, signal.SIGINT, group=True, label="Ctrl-C during a crawl")

        # The history survives the scheduler: the interrupted run is marked cancelled, nothing
        # was made up twice, and no alert was sent for a stop the operator asked for.
        after = _status(env, tmp_path)
        assert after["scheduler_running"] is False
        runs = _daily_runs(after)
        assert [r["state"] for r in runs] == ["Cancelled", "Crashed", "Completed", "Cancelled"], runs
        assert sum(r["name"].startswith("catch-up-") for r in runs) == 1
        assert len(inbox.posts) == 2


def _crawl_in_progress(env: dict[str, str], scheduler: SchedulerProcess, held: list) -> None:
    """Run the daily deployment now and return once its crawl waits on the silent site."""
    for conn in held:
        conn.close()
    held.clear()
    _run_now(env, "bantin-pipeline/bantin-daily")
    deadline = time.monotonic() + BOOT_S
    while not held:
        assert time.monotonic() < deadline, scheduler.output[-3000:]
        time.sleep(0.5)
    time.sleep(2)


def _stop_cleanly(scheduler: SchedulerProcess, sig: signal.Signals, *, group: bool, label: str) -> None:
    """Stop with ``sig``: exit 0, no traceback, the scheduler's own last word."""
    code, took = scheduler.stop(sig, group=group, guard_s=STOP_GUARD_S)
    print(f"{label}: stopped in {took:.1f} s")
    assert code == 0, scheduler.output[-3000:]
    assert "Traceback" not in scheduler.output and f"bantin schedule: stopped ({sig.name})" in scheduler.output


def _run_now(env: dict[str, str], name: str) -> None:
    """Ask the running scheduler's server for a run now, as the UI's "Run" button does."""
    result = subprocess.run([sys.executable, "-m", "prefect", "deployment", "run", name],
                            env=dict(env, PREFECT_API_URL=f"http://127.0.0.1:{env['BANTIN_PREFECT_PORT']}/api"),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_a_stop_while_the_server_boots_leaves_nothing_running(tmp_path):
    env = bantin_env(tmp_path, BANTIN_DATA_DIR=str(tmp_path / "data"), BANTIN_PREFECT_PORT=str(free_port()))
    with SchedulerProcess(env, tmp_path).running() as scheduler:
        deadline = time.monotonic() + BOOT_S
        while not (server := [p for p in scheduler.children() if "server" in p.cmdline()]):
            assert time.monotonic() < deadline, scheduler.output[-3000:]
            time.sleep(0.2)
        code, _ = scheduler.stop(signal.SIGTERM, group=False, guard_s=STOP_GUARD_S)
        assert code == 0 and "bantin schedule: stopped (SIGTERM, while starting)" in scheduler.output
        assert "Traceback" not in scheduler.output
        assert not server[0].is_running() or server[0].status() == "zombie"
