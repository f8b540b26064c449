"""Chat delivery (issue 15 item 11): each new edition's digest posted to Apprise URLs (BANTIN_NOTIFY_URLS),
tested against a loopback ``json://`` server; a failed post is recorded, listed and retried."""

from __future__ import annotations

from bantin_test_support import free_port, json_inbox
from newsletter_seed import NOW, add_article, seed_news_day

from bantin.archive.posts import post_states
from bantin.newsletter import build_edition, list_editions
from bantin.newsletter.chat import ChatOptions, post_editions


def test_a_new_edition_is_posted_with_its_top_stories_and_link(db, settings):
    seed_news_day(db)
    built = build_edition(db, settings, now=NOW)
    with json_inbox("bantin?token=bi-mat") as inbox:
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
    with json_inbox("bantin?token=bi-mat") as inbox:
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


def test_notify_urls_are_split_and_shown_masked():
    from bantin.configure import chat_options
    from bantin.settings import Settings

    settings = Settings(notify_urls="tgram://bot:tok/123, json://127.0.0.1:9/x?a=1,b", web_url="https://b.vn")
    assert settings.notify_urls == ["tgram://bot:tok/123", "json://127.0.0.1:9/x?a=1,b"]
    assert settings.shown()["notify_urls"] == "tgram://…, json://…"
    assert chat_options(settings).urls == tuple(settings.notify_urls) and chat_options(settings).web_url == "https://b.vn"
