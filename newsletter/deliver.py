"""Delivering editions by e-mail, and retrying the ones that failed.

Files are written when an edition is built; e-mail is the second channel. An edition built while
SMTP is not configured counts as delivered (its files are its delivery). With SMTP configured, an
edition stays undelivered until the server takes it; a failure is stored on the edition
(``delivery_error``) and the next ``deliver_pending`` sends it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from bantin.archive.editions import edition_by_id, editions_by_ids, undelivered_edition_ids
from bantin.archive.engine import Database
from bantin.archive.locking import pipeline_lock
from bantin.archive.models import Edition, utcnow
from bantin.errors import DeliveryError
from bantin.newsletter.build import LOCK_WAIT_S, render_stored
from bantin.newsletter.mail import compose_message, send_message, smtp_connection
from bantin.newsletter.options import NewsletterOptions
from bantin.newsletter.output import FILE_NAMES, files_present
from bantin.newsletter.sections import SectionConfig

__all__ = ["DeliveryReport", "deliver_pending"]


@dataclass(frozen=True)
class DeliveryReport:
    """What ``deliver_pending`` did: ``configured`` is False when SMTP is not set up (files only)."""

    configured: bool
    sent: tuple[int, ...] = ()
    failed: tuple[tuple[int, str], ...] = ()
    notes: tuple[tuple[int, str], ...] = ()

    @property
    def ok(self) -> bool:
        """True when no edition failed."""
        return not self.failed


def deliver_pending(
    db: Database,
    options: NewsletterOptions,
    *,
    sections: SectionConfig | None = None,
    templates_dir: Path | None = None,
) -> DeliveryReport:
    """Send every undelivered edition (oldest first) when SMTP is configured.

    Without SMTP this is a successful no-op. Send failures never raise: each failed edition keeps its
    error in ``delivery_error`` and is listed in the report, and the next call retries it.
    """
    mail = options.mail
    if mail is None:
        return DeliveryReport(configured=False)
    with pipeline_lock(db, name="newsletter-delivery", wait_s=LOCK_WAIT_S):
        with db.sessions() as session:
            pending = undelivered_edition_ids(session)
        if not pending:
            return DeliveryReport(configured=True)
        try:
            with smtp_connection(mail) as client:
                return _send_all(db, options, client, pending, sections, templates_dir)
        except DeliveryError as exc:  # no connection or no login: every pending edition waits
            _record_failure(db, pending, str(exc))
            return DeliveryReport(configured=True, failed=tuple((edition_id, str(exc)) for edition_id in pending))


def _send_all(db, options, client, pending, sections, templates_dir) -> DeliveryReport:  # noqa: ANN001
    sent: list[int] = []
    failed: list[tuple[int, str]] = []
    notes: list[tuple[int, str]] = []
    for edition_id in pending:
        with db.session() as session:
            edition = edition_by_id(session, edition_id)
            if edition is None or edition.delivered:
                continue
            try:
                subject, text, html = _bodies(session, edition, options, sections, templates_dir)
                note = send_message(client, options.mail, compose_message(options.mail, subject, text, html))
            except DeliveryError as exc:
                edition.delivery_error = str(exc)
                failed.append((edition_id, str(exc)))
                continue
            edition.delivered, edition.delivered_at, edition.delivery_error = True, utcnow(), note
            sent.append(edition_id)
            if note:
                notes.append((edition_id, note))
    return DeliveryReport(configured=True, sent=tuple(sent), failed=tuple(failed), notes=tuple(notes))


def _bodies(
    session: Session, edition: Edition, options: NewsletterOptions, sections: SectionConfig | None, templates_dir: Path | None
) -> tuple[str, str, str]:
    """Subject, text and HTML of ``edition``: its files, or rendered again if they are gone."""
    if files_present(edition.output_dir) and edition.title:
        folder = Path(edition.output_dir)
        try:
            text = (folder / FILE_NAMES["text"]).read_text(encoding="utf-8")
            html = (folder / FILE_NAMES["html"]).read_text(encoding="utf-8")
        except OSError as exc:
            raise DeliveryError(f"cannot read edition files in {folder}: {exc.strerror or exc}") from exc
        return edition.title, text, html
    rendered, _paths = render_stored(session, edition, options, sections=sections, templates_dir=templates_dir)
    edition.title = rendered.subject
    return rendered.subject, rendered.text, rendered.html


def _record_failure(db: Database, edition_ids: Sequence[int], error: str) -> None:
    with db.session() as session:
        for edition in editions_by_ids(session, edition_ids):
            edition.delivery_error = error
