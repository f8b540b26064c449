"""Schedules: served deployments and prefect.yaml declare the same cron schedules."""

from __future__ import annotations

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
        assert hasattr(__import__(module[:-3].replace("/", "."), fromlist=[name]), name)
