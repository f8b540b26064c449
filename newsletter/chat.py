"""Chat delivery: a short Vietnamese digest of each new edition, posted to Apprise URLs.

Editors' readers live in Telegram, Slack, Discord and Matrix as much as in e-mail. Every URL of
``BANTIN_NOTIFY_URLS`` gets each new edition's top stories with their links and the web
edition's link (``BANTIN_WEB_URL``). Like e-mail, a failed post is stored (``edition_posts``:
attempts, error) and the next delivery posts it again; a post never raises. ``post_apprise`` is
the one Apprise sender (the scheduler's alerts use it too). URLs carry tokens: they are stored
as hashes and shown by their scheme only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bantin.archive.engine import Database
from bantin.archive.locking import pipeline_lock
from bantin.archive.models import Edition
from bantin.archive.posts import pending_posts, plan_posts, record_post
from bantin.errors import BantinError
from bantin.newsletter.build import LOCK_WAIT_S, stored_view
from bantin.newsletter.options import NewsletterOptions
from bantin.newsletter.render import Renderer
from bantin.newsletter.sections import SectionConfig, load_sections

__all__ = ["ChatOptions", "ChatReport", "channel_of", "post_apprise", "post_editions", "shown_url"]


@dataclass(frozen=True)
class ChatOptions:
    """Where digests go (Apprise URLs) and the public address of the web archive (None: no link)."""

    urls: tuple[str, ...] = ()
    web_url: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.urls)


@dataclass(frozen=True)
class ChatReport:
    """What ``post_editions`` did: (edition id, shown channel) posted and failed (with the reason)."""

    configured: bool
    posted: tuple[tuple[int, str], ...] = ()
    failed: tuple[tuple[int, str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failed


def shown_url(url: str) -> str:
    """An Apprise URL as an operator may see it: its scheme only (the rest carries tokens)."""
    return f"{url.partition('://')[0]}://…"


def channel_of(url: str) -> str:
    """The stored identity of a channel: a hash of its URL."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:64]


def post_apprise(url: str, title: str, body: str) -> str | None:
    """Post ``title``/``body`` (plain text) to one Apprise URL; None when it went, else the problem in one line."""
    import apprise

    box = apprise.Apprise()
    if not box.add(url):
        return f"{shown_url(url)}: not an Apprise URL"
    if not box.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT):
        return f"{shown_url(url)}: not delivered (see the log above)"
    return None


def post_editions(
    db: Database,
    options: NewsletterOptions,
    chat: ChatOptions,
    new_editions: Iterable[int] = (),
    *,
    sections: SectionConfig | None = None,
    templates_dir: Path | None = None,
) -> ChatReport:
    """Post ``new_editions`` to every channel, and again every earlier post that failed.

    A channel added later is not sent the editions made before it; a channel removed from the
    settings keeps its records and is no longer tried.
    """
    if not chat.configured:
        return ChatReport(configured=False)
    urls = {channel_of(url): url for url in chat.urls}
    config = sections or load_sections(options.sections_file)
    renderer = Renderer(templates_dir)
    posted: list[tuple[int, str]] = []
    failed: list[tuple[int, str, str]] = []
    with pipeline_lock(db, name="newsletter-chat", wait_s=LOCK_WAIT_S):
        with db.session() as session:
            plan_posts(session, new_editions, {channel: shown_url(url) for channel, url in urls.items()})
            waiting = pending_posts(session, urls)
        digests: dict[int, tuple[str, str] | str] = {}
        for post in waiting:
            if post.edition_id not in digests:
                digests[post.edition_id] = _digest(db, post.edition_id, options, chat, config, renderer)
            digest = digests[post.edition_id]
            problem = digest if isinstance(digest, str) else post_apprise(urls[post.channel], *digest)
            with db.session() as session:
                record_post(session, post.edition_id, post.channel, problem)
            if problem is None:
                posted.append((post.edition_id, post.shown))
            else:
                failed.append((post.edition_id, post.shown, problem))
    return ChatReport(configured=True, posted=tuple(posted), failed=tuple(failed))


def _digest(db: Database, edition_id: int, options: NewsletterOptions, chat: ChatOptions, config: SectionConfig,
            renderer: Renderer) -> tuple[str, str] | str:
    """(title, body) of an edition's digest, or the problem that kept it from being made."""
    link = f"{chat.web_url.rstrip('/')}/editions/{edition_id}" if chat.web_url else None
    try:
        with db.sessions() as session:
            edition = session.get(Edition, edition_id)
            if edition is None:
                return f"edition {edition_id} is gone"
            return renderer.render_chat(stored_view(session, edition, options, config), link=link)
    except BantinError as exc:
        return f"cannot make the digest: {exc}"
