"""Alerts: one short Vietnamese message naming the stage, the failing sources and the error, sent by
the newsletter's SMTP code to a local server (aiosmtpd) and by Apprise; bad alert settings."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from operator_tools import alert_inbox, free_port
from prefect.settings import PREFECT_API_URL, temporary_settings

from bantin import configure
from bantin.cli import main
from bantin.flows.alerts import STAGE_NOTE, RunFacts, crash_alert, failure_alert, result_alert, send_alert
from bantin.settings import load_settings

RUN = RunFacts(name="catch-up-20261202-0630", deployment="bantin-daily", period="daily", when="06:30 02/12/2026",
               link="http://127.0.0.1:4200/runs/flow-run/abc")


def _partial_result() -> dict:
    ok = {"key": "vnexpress", "status": "ok", "errors": []}
    down = {"key": "genk", "status": "failed", "errors": ["Connection refused: http://genk.vn/rss.chn"]}
    return {"status": "partial", "crawl": {"status": "partial", "sources": [ok, down]},
            "summarize": {"summarized": 3, "failed": 1, "skipped": 0, "errors": ["bài 12: văn bản rỗng"]},
            "newsletter": {"delivery": {"configured": True, "sent": [], "failed": [[7, "SMTP 554 từ chối"]]},
                           "chat": {"configured": True, "posted": [], "failed": [[7, "tgram://…", "tgram://…: not delivered"]]}}}


def test_partial_run_names_each_stage_that_went_wrong():
    alert = result_alert(RUN, _partial_result())
    assert alert.title == "bantin: lần chạy daily lỗi một phần"
    lines = alert.body.splitlines()
    assert lines[0] == "Lần chạy catch-up-20261202-0630 (bantin-daily), lịch 06:30 02/12/2026: lỗi một phần."
    assert "Bước thu thập tin: 1/2 nguồn lỗi: genk (Connection refused: http://genk.vn/rss.chn)." in lines
    assert "Bước tóm tắt: 1 bài lỗi: bài 12: văn bản rỗng." in lines
    assert "Bước gửi bản tin: bản tin 7 chưa gửi được: SMTP 554 từ chối." in lines
    assert "Bước đăng bản tin lên kênh chat: bản tin 7 chưa đăng được lên tgram://…: tgram://…: not delivered." in lines
    assert lines[-1] == "Xem: http://127.0.0.1:4200/runs/flow-run/abc"
    assert result_alert(RUN, {**_partial_result(), "status": "ok"}) is None


def test_failure_names_the_stage_from_the_exception_and_stays_short():
    error = RuntimeError("x" * 1000)
    error.add_note(STAGE_NOTE + "summarize")
    alert = failure_alert(RUN, error)
    assert alert.title == "bantin: lần chạy daily thất bại"
    [_, line, _] = alert.body.splitlines()
    assert line.startswith("Bước tóm tắt: lỗi RuntimeError: xxx") and len(line) < 260
    assert "chết" in crash_alert(RUN, "Process exited with status code: -9").body


@pytest.fixture
def smtp_box() -> Iterator[tuple[int, list]]:
    received: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 - aiosmtpd hook
            received.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def test_alert_reaches_smtp_and_apprise_and_a_dead_channel_is_reported(smtp_box):
    port, received = smtp_box
    with alert_inbox() as inbox:
        settings = load_settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                                 smtp_recipients="doc-gia@example.vn", alert_recipients="truc-ban@example.vn",
                                 alert_urls=f"{inbox.url}, json://127.0.0.1:{free_port()}/nobody")
        options = configure.alert_options(settings)
        alert = failure_alert(RUN, "cannot connect to the archive")
        problems = send_alert(options, alert)
        assert problems == ["json://…: not delivered (see the log above)"]
        [(recipients, message)] = received
        assert recipients == ["truc-ban@example.vn"]  # the alert recipients, not the newsletter's readers
        assert message["Subject"] == "bantin: lần chạy daily thất bại"
        assert "lỗi cannot connect to the archive" in message.get_body(("plain",)).get_content()
        [post] = inbox.posts
        assert (post["title"], post["message"]) == (alert.title, alert.body)


def test_alert_settings_split_and_mask():
    settings = load_settings(alert_urls="tgram://123:SECRET/456, mailto://u:p@host?to=a@x,b@y json://h/p")
    assert settings.alert_urls == ["tgram://123:SECRET/456", "mailto://u:p@host?to=a@x,b@y", "json://h/p"]
    assert settings.shown()["alert_urls"] == "tgram://…, mailto://…, json://…"
    assert configure.alert_options(load_settings(alert_recipients="a@x")).mail is None  # no SMTP server: no e-mail


@pytest.mark.parametrize(
    "variable, value, expected",
    [("BANTIN_SCHEDULE_DAILY_CRON", "61 6 * * *", "BANTIN_SCHEDULE_DAILY_CRON='61 6 * * *' is not a cron expression"),
     ("BANTIN_ALERT_URLS", "nonsense://x", "BANTIN_ALERT_URLS: Apprise does not know nonsense://…")],
    ids=["bad-cron", "unknown-apprise-url"],
)
def test_bad_schedule_settings_fail_before_anything_starts(monkeypatch, capsys, tmp_path, variable, value, expected):
    monkeypatch.setenv("BANTIN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit) as stopped:
        main(["schedule"])
    assert stopped.value.code == 2
    [line] = [line for line in capsys.readouterr().err.splitlines() if line.startswith("bantin: error:")]
    assert expected in line
    assert not (tmp_path / "prefect").exists()


def test_a_second_scheduler_on_the_same_port_is_refused(monkeypatch, capsys, tmp_path):
    harness_port = PREFECT_API_URL.value().rsplit(":", 1)[1].split("/")[0]  # a Prefect server answers there
    monkeypatch.setenv("BANTIN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BANTIN_PREFECT_PORT", harness_port)
    with temporary_settings(restore_defaults={PREFECT_API_URL}), pytest.raises(SystemExit) as stopped:
        main(["schedule"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "is another bantin schedule running?" in err and "Traceback" not in err


def test_status_without_any_schedule_says_so(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("BANTIN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BANTIN_PREFECT_PORT", str(free_port()))
    with temporary_settings(restore_defaults={PREFECT_API_URL}), pytest.raises(SystemExit) as done:
        main(["status"])
    assert done.value.code == 0
    assert "No schedules yet" in capsys.readouterr().out
    assert not (tmp_path / "prefect").exists()  # no server was started for nothing
