"""Schedules: served deployments and prefect.yaml declare the same cron schedules."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml

from bantin.flows import deployments
from bantin.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_served_deployments_have_local_cron_schedules():
    settings = load_settings(schedule_daily_cron="15 6 * * *")
    found = {d.name: d for d in deployments(settings)}
    assert set(found) == {"bantin-daily", "bantin-weekly"}
    daily = found["bantin-daily"].schedules[0].schedule
    assert (daily.cron, daily.timezone) == ("15 6 * * *", "Asia/Ho_Chi_Minh")
    weekly = found["bantin-weekly"].schedules[0].schedule
    assert (weekly.cron, weekly.timezone) == ("0 7 * * 1", "Asia/Ho_Chi_Minh")
    assert found["bantin-weekly"].parameters["period"] == "weekly"


def test_prefect_yaml_matches_defaults():
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    by_name = {d["name"]: d for d in spec["deployments"]}
    defaults = load_settings()
    assert by_name["bantin-daily"]["schedules"][0]["cron"] == defaults.schedule_daily_cron
    assert by_name["bantin-weekly"]["schedules"][0]["cron"] == defaults.schedule_weekly_cron
    for d in by_name.values():
        module, name = d["entrypoint"].split(":")
        assert (ROOT / module).exists()
        # the file is the installed bantin.flows module (importing it as top-level "flows" would
        # load a second copy of the package, which tests/test_layers.py forbids)
        installed = importlib.import_module("bantin." + module[:-3].replace("/", "."))
        assert Path(installed.__file__).resolve() == (ROOT / module).resolve() and hasattr(installed, name)


def test_readme_service_unit_runs_the_scheduler_and_lets_it_stop_its_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    unit = readme.split("```ini\n", 1)[1].split("```", 1)[0]
    lines = dict(line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#"))
    assert lines["ExecStart"].endswith("/bin/bantin schedule")
    assert lines["KillMode"] == "mixed"  # SIGTERM to bantin alone; its Prefect server must outlive the cancel
    assert int(lines["TimeoutStopSec"]) > 10  # the scheduler's own stop budget
    assert "bantin status" in readme
