"""Delivery: files always, e-mail by SMTP (aiosmtpd), failures kept on the edition and retried."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from bantin_test_support import free_port
from newsletter_seed import NOW, MailboxHandler, add_article, make_options
from sqlalchemy import func, select

from bantin.archive.models import Edition
from bantin.errors import DeliveryError
from bantin.newsletter import build_edition, deliver_pending


def _edition(db, edition_id):  # noqa: ANN001, ANN202
    with db.sessions() as session:
        return session.get(Edition, edition_id)


def test_smtp_sends_one_multipart_message_per_edition(db, tmp_path, smtp_server):
    settings = smtp_server.options(tmp_path)
    add_article(db, "mot", title="Mô hình mới", summary="Tóm tắt có dấu tiếng Việt.")
    built = build_edition(db, settings, now=NOW)
    assert not _edition(db, built.edition_id).delivered  # waits for the e-mail

    report = deliver_pending(db, settings)
    assert report.configured and report.ok and report.sent == (built.edition_id,)
    assert smtp_server.box.logins == ["bantin"]
    [message] = smtp_server.box.messages
    assert message["Subject"] == f"Bản tin AI hằng ngày · Số {built.edition_id} · 30/11/2026" == built.title
    assert message["From"] == "bantin@example.vn"
    assert smtp_server.box.envelopes[0] == ("bantin@example.vn", ["bien-tap@example.vn", "doc-gia@example.vn"])
    assert message.get_content_type() == "multipart/alternative"
    text_part, html_part = message.iter_parts()
    assert text_part.get_content_type() == "text/plain" and html_part.get_content_type() == "text/html"
    assert "Tóm tắt có dấu tiếng Việt." in text_part.get_content()
    sent_html = html_part.get_content().replace("\r\n", "\n")  # SMTP lines end in CRLF
    assert sent_html == (built.output_dir / "edition.html").read_text(encoding="utf-8")
    edition = _edition(db, built.edition_id)
    assert edition.delivered and edition.delivered_at is not None and edition.delivery_error is None

    assert deliver_pending(db, settings).sent == ()  # nothing is sent twice
    assert len(smtp_server.box.messages) == 1


def test_refused_login_keeps_the_edition_and_a_later_call_retries(db, tmp_path, smtp_server):
    add_article(db, "mot")
    wrong = smtp_server.options(tmp_path, smtp_password="sai-mat-khau")
    built = build_edition(db, wrong, now=NOW)

    report = deliver_pending(db, wrong)
    assert not report.ok and report.failed[0][0] == built.edition_id
    assert "refused the login of 'bantin': 535" in report.failed[0][1]
    edition = _edition(db, built.edition_id)
    assert not edition.delivered and "535" in edition.delivery_error and edition.output_dir
    assert smtp_server.box.messages == []

    shutil.rmtree(built.output_dir)  # even lost files are made again from the archive
    retried = deliver_pending(db, smtp_server.options(tmp_path))
    assert retried.sent == (built.edition_id,) and retried.ok
    assert _edition(db, built.edition_id).delivered and _edition(db, built.edition_id).delivery_error is None
    assert (built.output_dir / "edition.html").is_file() and len(smtp_server.box.messages) == 1


def test_non_ascii_password_is_a_clear_error(db, tmp_path, smtp_server):
    add_article(db, "mot")
    settings = smtp_server.options(tmp_path, smtp_password="mật-khẩu")
    build_edition(db, settings, now=NOW)
    [(_edition_id, error)] = deliver_pending(db, settings).failed
    assert "non-ASCII" in error


def test_refused_connection_is_recorded(db, tmp_path, smtp_server):
    add_article(db, "mot")
    settings = smtp_server.options(tmp_path, smtp_port=free_port())
    built = build_edition(db, settings, now=NOW)
    report = deliver_pending(db, settings)
    [(edition_id, error)] = report.failed
    assert edition_id == built.edition_id and "cannot connect to SMTP server 127.0.0.1:" in error
    assert "refused" in error.lower()
    assert _edition(db, built.edition_id).delivery_error == error


def test_starttls_required_but_not_offered_sends_no_password(db, tmp_path, smtp_server):
    add_article(db, "mot")
    settings = smtp_server.options(tmp_path, smtp_starttls=True)
    build_edition(db, settings, now=NOW)
    [(_edition_id, error)] = deliver_pending(db, settings).failed
    assert "does not offer STARTTLS" in error and smtp_server.box.logins == []


def test_no_smtp_is_a_successful_no_op(db, settings):
    add_article(db, "mot")
    built = build_edition(db, settings, now=NOW)
    report = deliver_pending(db, settings)
    assert not report.configured and report.ok and report.sent == ()
    assert _edition(db, built.edition_id).delivered


@pytest.fixture
def tls_smtp(tmp_path, smtp_server, monkeypatch):  # noqa: ANN001, ANN201
    """A STARTTLS server with a self-signed certificate for localhost that the client trusts."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # ssl.create_default_context() trusts it
    port = free_port()
    controller = Controller(MailboxHandler(smtp_server.box), hostname="127.0.0.1", port=port,
                            server_hostname="localhost", tls_context=context, require_starttls=True,
                            auth_require_tls=True, authenticator=lambda *args: AuthResult(success=True))
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_starttls_then_login_then_send(db, tmp_path, smtp_server, tls_smtp):
    add_article(db, "mot")
    settings = smtp_server.options(tmp_path, smtp_host="localhost", smtp_port=tls_smtp, smtp_starttls=True)
    build_edition(db, settings, now=NOW)
    report = deliver_pending(db, settings)
    assert report.ok and len(report.sent) == 1 and len(smtp_server.box.messages) == 1


@pytest.fixture
def read_only_dir(tmp_path):  # noqa: ANN001, ANN201
    """A folder nobody may write to (root ignores permissions, so /sys stands in for it then)."""
    if os.geteuid() == 0:
        yield Path("/sys/bantin-out")
        return
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def test_read_only_output_folder_is_a_clear_error_and_stores_nothing(db, tmp_path, read_only_dir):
    add_article(db, "mot")
    settings = make_options(tmp_path, out_dir=read_only_dir)
    with pytest.raises(DeliveryError, match=f"cannot (create edition folder|write edition file) {read_only_dir}"):
        build_edition(db, settings, now=NOW)
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Edition)) == 0
    again = build_edition(db, make_options(tmp_path), now=NOW)  # nothing was marked: the same period works
    assert again.created and again.item_count == 1
