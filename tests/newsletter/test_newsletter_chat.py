"""Chat delivery (issue 15 item 11): each new edition's digest posted to Apprise URLs (BANTIN_NOTIFY_URLS),
tested against a loopback ``json://`` server; a failed post is recorded, listed and retried."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from newsletter_seed import NOW, add_article, free_port, seed_news_day

from bantin.archive.posts import post_states
from bantin.newsletter import build_edition, list_editions
from bantin.newsletter.chat import ChatOptions, post_editions


@dataclass
class ChatInbox:
    port: int
    posts: list[dict[str, Any]] = field(default_factory=list)
    failing: bool = False

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/bantin?token=bi-mat"


@contextmanager
def chat_inbox() -> Iterator[ChatInbox]:
    inbox = ChatInbox(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if inbox.failing:
                self.send_response(500)
            else:
                inbox.posts.append(json.loads(body))
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", inbox.port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield inbox
    finally:
        server.shutdown()
        server.server_close()


def test_a_new_edition_is_posted_with_its_top_stories_and_link(db, settings):
    seed_news_day(db)
    built = build_edition(db, settings, now=NOW)
    with chat_inbox() as inbox:
        chat = ChatOptions(urls=(inbox.url,), web_url="https://bantin.example.vn/")
        report = post_editions(db, settings, chat, [built.edition_id])
        assert report.ok and report.posted == ((built.edition_id, "json://…"),)
        [post] = inbox.posts
    assert post["title"] == built.title and f"Số {built.edition_id}" in post["title"]
    body = post["message"]
    assert body.count("•") == 3  # the three top stories, each with its outlet and link
    assert "https://vnexpress.example.vn/" in body or "https://" in body.split("•")[1]
    assert f"Đọc cả bản tin: https://bantin.example.vn/editions/{built.edition_id}" in body
    assert "và 2 tin khác." in body
    again = post_editions(db, settings, chat, [built.edition_id])  # posted once: never again
    assert again.posted == () and again.failed == ()


def test_a_failed_post_is_recorded_listed_and_retried(db, settings):
    add_article(db, "mot", title="Mô hình mới", summary="Tóm tắt.")
    built = build_edition(db, settings, now=NOW)
    with chat_inbox() as inbox:
        chat = ChatOptions(urls=(inbox.url,))
        inbox.failing = True
        failed = post_editions(db, settings, chat, [built.edition_id])
        problem = "json://…: not delivered (see the log above)"
        assert failed.posted == () and failed.failed == ((built.edition_id, "json://…", problem),)
        with db.sessions() as session:
            [info] = list_editions(session)
            [state] = post_states(session, [built.edition_id])[built.edition_id]
        assert info.posts == (state,) and state.attempts == 1 and state.error and state.posted_at is None
        assert "bi-mat" not in state.shown and "bi-mat" not in state.channel  # the URL's token is never stored
        inbox.failing = False
        retried = post_editions(db, settings, chat)  # no new edition: the failed post goes again
        assert retried.posted == ((built.edition_id, "json://…"),) and len(inbox.posts) == 1
        assert "Mô hình mới" in inbox.posts[0]["message"]
    with db.sessions() as session:
        [state] = post_states(session, [built.edition_id])[built.edition_id]
    assert state.attempts == 2 and state.error is None and state.posted_at is not None


def test_no_urls_is_a_no_op_and_a_bad_url_is_a_recorded_failure(db, settings):
    add_article(db, "mot", title="Mô hình mới", summary="Tóm tắt.")
    built = build_edition(db, settings, now=NOW)
    assert not post_editions(db, settings, ChatOptions(), [built.edition_id]).configured
    report = post_editions(db, settings, ChatOptions(urls=("nosuchscheme://x",)), [built.edition_id])
    assert report.failed == ((built.edition_id, "nosuchscheme://…", "nosuchscheme://…: not an Apprise URL"),)


def test_editions_list_shows_chat_posts(db, tmp_path, settings):
    import os
    import subprocess
    import sys

    add_article(db, "mot", title="Mô hình mới", summary="Tóm tắt.")
    built = build_edition(db, settings, now=NOW)
    post_editions(db, settings, ChatOptions(urls=(f"json://127.0.0.1:{free_port()}/nobody",)), [built.edition_id])
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_DATABASE_URL=db.url, COLUMNS="250")
    result = subprocess.run([sys.executable, "-m", "bantin.cli", "editions", "list"], capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "posted 0/1; failed json://… (1 tries)" in " ".join(result.stdout.split())
