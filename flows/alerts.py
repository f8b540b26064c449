"""Telling the operator that a scheduled run failed: one short Vietnamese message, by chat and e-mail.

An alert names the run, the stage that failed, the sources that could not be read and the error,
and links the run in the Prefect UI. It goes to every Apprise URL of ``BANTIN_ALERT_URLS`` (chat,
webhooks, ``json://``...) and, through the newsletter's SMTP server (``bantin.newsletter.mail``),
to ``BANTIN_ALERT_RECIPIENTS``. A channel that fails is reported back, never raised: an alert
must not turn a partial run into a crash.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bantin.errors import DeliveryError
from bantin.newsletter.chat import post_apprise, shown_url
from bantin.newsletter.mail import MailSettings, compose_message, send_message, smtp_connection

__all__ = [
    "STAGE_NOTE",
    "Alert",
    "AlertOptions",
    "RunFacts",
    "crash_alert",
    "failure_alert",
    "result_alert",
    "send_alert",
    "unusable_urls",
]

# pipeline_flow adds this note, followed by the stage's name, to an exception that leaves a stage.
STAGE_NOTE = "bantin stage: "
STAGES = {"lock": "mở kho lưu trữ và giữ khóa", "crawl": "thu thập tin", "summarize": "tóm tắt",
          "newsletter": "làm bản tin", "deliver": "gửi bản tin"}
OUTCOMES = {"partial": "lỗi một phần", "failed": "thất bại", "crashed": "bị dừng đột ngột"}
MAX_ERROR = 200
MAX_SOURCES = 5


@dataclass(frozen=True)
class AlertOptions:
    """Where alerts go: Apprise URLs, and e-mail through the newsletter's SMTP server."""

    urls: tuple[str, ...] = ()
    mail: MailSettings | None = None  # the SMTP settings with the alert recipients

    @property
    def configured(self) -> bool:
        return bool(self.urls or self.mail)


@dataclass(frozen=True)
class RunFacts:
    """The run an alert is about, as the operator knows it."""

    name: str
    deployment: str
    period: str
    when: str  # its scheduled time, local, formatted
    link: str | None  # the run in the Prefect UI


@dataclass(frozen=True)
class Alert:
    title: str
    body: str


def _short(text: object) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_ERROR else line[: MAX_ERROR - 1] + "…"


def _compose(run: RunFacts, outcome: str, lines: Iterable[str]) -> Alert:
    head = f"Lần chạy {run.name} ({run.deployment}), lịch {run.when}: {OUTCOMES[outcome]}."
    tail = [f"Xem: {run.link}"] if run.link else []
    return Alert(f"bantin: lần chạy {run.period} {OUTCOMES[outcome]}", "\n".join([head, *lines, *tail]))


def _crawl_lines(crawl: Mapping[str, Any]) -> list[str]:
    bad = [row for row in crawl.get("sources", []) if row.get("status") != "ok"]
    if not bad:
        return []
    named = [f"{row['key']} ({_short(row['errors'][0]) if row.get('errors') else row['status']})"
             for row in bad[:MAX_SOURCES]]
    more = f" và {len(bad) - MAX_SOURCES} nguồn khác" if len(bad) > MAX_SOURCES else ""
    total = len(crawl.get("sources", []))
    return [f"Bước {STAGES['crawl']}: {len(bad)}/{total} nguồn lỗi: {', '.join(named)}{more}."]


def result_alert(run: RunFacts, result: Mapping[str, Any]) -> Alert | None:
    """The alert for a pipeline run that finished (``pipeline_flow``'s totals), None when it was ok."""
    if result.get("status") == "ok":
        return None
    lines = _crawl_lines(result.get("crawl", {}))
    summaries = result.get("summarize", {})
    if summaries.get("failed"):
        first = f": {_short(summaries['errors'][0])}" if summaries.get("errors") else ""
        lines.append(f"Bước {STAGES['summarize']}: {summaries['failed']} bài lỗi{first}.")
    delivery = result.get("newsletter", {}).get("delivery", {})
    for edition_id, error in delivery.get("failed", [])[:MAX_SOURCES]:
        lines.append(f"Bước {STAGES['deliver']}: bản tin {edition_id} chưa gửi được: {_short(error)}.")
    outcome = "failed" if result.get("status") == "failed" else "partial"
    return _compose(run, outcome, lines)


def failure_alert(run: RunFacts, error: BaseException | str) -> Alert:
    """The alert for a run that raised: its stage (from the exception's note) and the error."""
    notes = getattr(error, "__notes__", None) or []
    stage = next((note.removeprefix(STAGE_NOTE) for note in notes if note.startswith(STAGE_NOTE)), None)
    where = f"Bước {STAGES.get(stage, stage)}: " if stage else ""
    kind = "" if isinstance(error, str) else f"{type(error).__name__}: "
    return _compose(run, "failed", [f"{where}lỗi {kind}{_short(error)}"])


def crash_alert(run: RunFacts, message: str | None) -> Alert:
    """The alert for a run whose process died (killed, out of memory) before it could say why."""
    return _compose(run, "crashed", [f"Tiến trình của lần chạy đã chết: {_short(message or 'không rõ lý do')}"])


def unusable_urls(urls: Iterable[str]) -> list[str]:
    """The URLs Apprise does not understand, shown by their scheme only (they carry tokens)."""
    import apprise

    return [shown_url(url) for url in urls if not apprise.Apprise().add(url)]


def send_alert(options: AlertOptions, alert: Alert) -> list[str]:
    """Send ``alert`` on every channel; the problems, one line per channel that failed (empty: all sent)."""
    problems: list[str] = []
    for url in options.urls:
        problem = post_apprise(url, alert.title, alert.body)
        if problem:
            problems.append(problem)
    if options.mail:
        message = compose_message(options.mail, alert.title, alert.body,
                                  f"<pre>{html.escape(alert.body)}</pre>")
        try:
            with smtp_connection(options.mail) as client:
                note = send_message(client, options.mail, message)
        except DeliveryError as exc:
            problems.append(f"e-mail: {exc}")
        else:
            if note:
                problems.append(f"e-mail: {note}")
    return problems
