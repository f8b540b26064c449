"""Sending editions by SMTP: one multipart/alternative message (text, then HTML) per edition.

Port 465 speaks TLS from the first byte (SMTPS); any other port upgrades with STARTTLS when
``smtp_starttls`` is set, and refuses to continue if the server does not offer it (a password is
never sent in clear text because of a misconfigured server). Failures raise ``DeliveryError``
with the server, the port and the server's reason.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from bantin.errors import DeliveryError

__all__ = ["MailSettings", "compose_message", "send_message", "smtp_connection"]

SMTPS_PORT = 465


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send editions by SMTP (the edges build it from settings when SMTP is set)."""

    host: str
    port: int
    starttls: bool
    user: str | None
    password: str | None
    sender: str
    recipients: tuple[str, ...]
    timeout_s: float = 30.0

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def compose_message(mail: MailSettings, subject: str, text: str, html: str) -> EmailMessage:
    """A multipart/alternative message: the plain text first, the HTML as the preferred part."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=mail.sender.rpartition("@")[2] or None)
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {' '.join(detail.split())}"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


@contextmanager
def smtp_connection(mail: MailSettings) -> Iterator[smtplib.SMTP]:
    """An SMTP session, secured and logged in as configured; closed on exit."""
    try:
        if mail.port == SMTPS_PORT:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                mail.host, mail.port, timeout=mail.timeout_s, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_s)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"cannot connect to SMTP server {mail.where}: {_reason(exc)}") from exc
    try:
        _secure_and_login(client, mail)
        yield client
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def _secure_and_login(client: smtplib.SMTP, mail: MailSettings) -> None:
    try:
        client.ehlo()
        if mail.starttls and mail.port != SMTPS_PORT:
            if not client.has_extn("starttls"):
                raise DeliveryError(
                    f"SMTP server {mail.where} does not offer STARTTLS; set BANTIN_SMTP_STARTTLS=false "
                    "only for a trusted local relay"
                )
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if mail.user:
            client.login(mail.user, mail.password or "")
    except UnicodeEncodeError as exc:
        raise DeliveryError(
            f"SMTP login to {mail.where}: the user name or password has non-ASCII characters, "
            "which Python's SMTP client cannot send; use an ASCII password"
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"SMTP server {mail.where} refused the login of {mail.user!r}: {_reason(exc)}") from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"SMTP server {mail.where} cannot log in {mail.user!r}: {_reason(exc)}") from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP server {mail.where} failed before sending: {_reason(exc)}") from exc


def send_message(client: smtplib.SMTP, mail: MailSettings, message: EmailMessage) -> str | None:
    """Send ``message`` to every recipient; ``DeliveryError`` if nobody got it.

    Returns a note naming the recipients the server refused when it took the others, else None.
    """
    try:
        refused = client.send_message(message, from_addr=mail.sender, to_addrs=list(mail.recipients))
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP server {mail.where} refused the message: {_reason(exc)}") from exc
    if not refused:
        return None
    names = ", ".join(f"{address} ({code})" for address, (code, _reason_text) in refused.items())
    return f"SMTP server {mail.where} refused some recipients: {names}"
