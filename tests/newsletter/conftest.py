"""Newsletter fixtures: settings in a temp folder and a local SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from bantin_test_support import free_port
from newsletter_seed import SMTP_PASSWORD, SMTP_USER, Mailbox, MailboxHandler, make_options

from bantin.newsletter import NewsletterOptions


@pytest.fixture
def settings(tmp_path: Path) -> NewsletterOptions:
    """The newsletter options of default test settings (the fixture keeps its old name)."""
    return make_options(tmp_path)




@dataclass
class SmtpServer:
    host: str
    port: int
    box: Mailbox

    def options(self, tmp_path: Path, **changes: Any) -> NewsletterOptions:
        values: dict[str, Any] = dict(
            smtp_host=self.host, smtp_port=self.port, smtp_starttls=False, smtp_user=SMTP_USER,
            smtp_password=SMTP_PASSWORD, smtp_from="bantin@example.vn",
            smtp_recipients="bien-tap@example.vn, doc-gia@example.vn",
        )
        values.update(changes)
        return make_options(tmp_path, **values)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A local SMTP server that takes AUTH PLAIN / LOGIN for SMTP_USER / SMTP_PASSWORD."""
    box = Mailbox()

    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:  # noqa: ANN001
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode() == SMTP_USER and auth_data.password.decode() == SMTP_PASSWORD
        )
        if ok:
            box.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    port = free_port()
    controller = Controller(
        MailboxHandler(box), hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, box)
    finally:
        controller.stop()
