"""The hostile corpus on a local HTTP server, its sources file, and what a watched page did.

The committed pages live in ``pages/`` (VnExpress markup with attacks in it). Two more are made
at request time and never committed: ``GENERATED`` (50 MB of whitespace inside an article,
5,000 nested ``div``s around one). ``{{BASE}}`` and ``{{PUBLISHED}}`` in a page become the
server's address and the current time, so the pages fall inside today's edition.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bantin.configure import crawl_options, model_spec, newsletter_options
from bantin.newsletter import build_edition
from bantin.newsletter.mail import MailSettings, compose_message
from bantin.newsletter.output import FILE_NAMES
from bantin.settings import Settings
from bantin.spiders import run_crawl
from bantin.spiders.crawlsettings import Politeness
from bantin.summarizer import SummaryOptions, load_summarizer, summarize_pending

PAGES = Path(__file__).resolve().parent / "pages"
CHROMIUM = Path("/usr/bin/chromium")
WHITESPACE_PAGE = "khoang-trang-50mb-4980011.html"
NESTED_PAGE = "long-nhau-5000-the-div-4980012.html"
GENERATED = (WHITESPACE_PAGE, NESTED_PAGE)
WHITESPACE_BYTES = 50 * 1024 * 1024
NESTING = 5000
# feed links no request can have: listed before the pages, they must not stop the feed
BAD_FEED_LINKS = (
    "javascript:alert('feed')",
    "data:text/html,<script>alert('feed')</script>",
    "http://[::1/doc/ipv6-hong-4980097.html",
    "http://127.0.0.1:99999/doc/cong-qua-lon-4980098.html",
)
RELATIVE_PAGE = "ky-tu-dong-hinh-4980005.html"  # listed as "doc/NAME", relative to the feed
# pages served without the charset parameter (their <meta> claims a wrong one)
NO_HEADER_CHARSET = {"unicode-to-hop-4980009.html"}
# watches a page: any script that runs sets this, and dialogs/errors are recorded
PWNED_PROBE = ("Object.defineProperty(window, '__pwned', "
               "{set(v) { window.__pwnedSeen = String(v); }, get() { return undefined; }});")


def page_names() -> list[str]:
    """Every page the hostile feed lists: the committed ones, then the generated ones."""
    return sorted(p.name for p in PAGES.glob("*.html")) + list(GENERATED)


def article_shell(inner: bytes, title: str) -> tuple[bytes, bytes]:
    """(head, tail) of a plain VnExpress-like article whose body is ``inner`` between real text."""
    paragraphs = [
        f'<p class="Normal">Các nhà nghiên cứu trí tuệ nhân tạo tại Việt Nam công bố mô hình học máy số {n} '
        f"cho tiếng Việt, được huấn luyện trên dữ liệu báo chí và thử nghiệm tại {n + 2} doanh nghiệp.</p>"
        for n in range(1, 5)
    ]
    head = (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><h1 class="title-detail">{title}</h1><p class="description">Một bài viết thử.</p>'
        f'<article class="fck_detail ">{"".join(paragraphs[:2])}'
    ).encode()
    return head + inner, ("".join(paragraphs[2:]) + "</article></body></html>").encode()


def nested_page() -> bytes:
    head, tail = article_shell(
        b"<div>" * NESTING + '<p class="Normal">Đoạn văn sâu nhất.</p>'.encode() + b"</div>" * NESTING,
        "Trang lồng nhau năm nghìn tầng thẻ div về trí tuệ nhân tạo",
    )
    return head + tail


@dataclass
class HostileServer:
    """The running server: ``base_url`` and the paths it was asked for."""

    base_url: str = ""
    requests: list[str] = field(default_factory=list)

    def page_url(self, name: str) -> str:
        return f"{self.base_url}/doc/{name}"

    def feed(self) -> bytes:
        """RSS listing the bad links first (``BAD_FEED_LINKS``), then every page; one page relatively."""
        now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        links = [*BAD_FEED_LINKS, *(f"doc/{n}" if n == RELATIVE_PAGE else self.page_url(n) for n in page_names())]
        items = "".join(
            f"<item><title>{escape(link[-60:])}</title><link>{escape(link)}</link><pubDate>{now}</pubDate></item>"
            for link in links
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Hostile</title>'
            f"<link>{self.base_url}/</link>{items}</channel></rss>"
        ).encode()

    def page(self, name: str) -> tuple[bytes, str]:
        data = (PAGES / name).read_bytes()
        data = data.replace(b"{{BASE}}", self.base_url.encode())
        data = data.replace(b"{{PUBLISHED}}", datetime.now(UTC).isoformat(timespec="seconds").encode())
        return (
            data,
            "text/html" if name in NO_HEADER_CHARSET else "text/html; charset=utf-8",
        )


class _Handler(BaseHTTPRequestHandler):
    server_state: HostileServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server_state.requests.append(self.path)
        path = self.path.split("?", 1)[0]
        name = path.rsplit("/", 1)[-1]
        try:
            if path == "/robots.txt":
                self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            elif path == "/rss.xml":
                self._send(200, self.server_state.feed(), "application/rss+xml; charset=utf-8")
            elif path == f"/doc/{WHITESPACE_PAGE}":
                self._whitespace()
            elif path == f"/doc/{NESTED_PAGE}":
                self._send(200, nested_page(), "text/html; charset=utf-8")
            elif path.startswith("/doc/") and (PAGES / name).is_file():
                self._send(200, *self.server_state.page(name))
            else:
                self._send(404, b"not found", "text/plain")
        except (
            BrokenPipeError,
            ConnectionResetError,
        ):  # the crawler gave up (size cap)
            self.close_connection = True

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _whitespace(self) -> None:
        """An article with 50 MB of blanks in the middle, streamed in 1 MB chunks."""
        head, tail = article_shell(b"", "Năm mươi megabyte khoảng trắng trong bài về trí tuệ nhân tạo")
        chunk = b" \n\t\r" * (1024 * 256)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(head) + WHITESPACE_BYTES + len(tail)))
        self.end_headers()
        self.wfile.write(head)
        for _ in range(WHITESPACE_BYTES // len(chunk)):
            self.wfile.write(chunk)
        self.wfile.write(tail)

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def serve(state: HostileServer) -> ThreadingHTTPServer:
    """Start serving the corpus on a free loopback port; fills ``state.base_url``."""
    handler = type("Handler", (_Handler,), {"server_state": state})
    httpd = _Server(("127.0.0.1", 0), handler)
    host, port = httpd.server_address[:2]
    state.base_url = f"http://{host}:{port}"
    threading.Thread(target=httpd.serve_forever, name="bantin-hostile", daemon=True).start()
    return httpd


def write_sources(base_url: str, path: Path) -> Path:
    """A sources file with one source reading the hostile feed with VnExpress's selectors."""
    from bantin.spiders.sources import load_sources

    selectors = next(s for s in load_sources() if s.key == "vnexpress").selectors
    lines = [
        "[sources.hostile]",
        'name = "Trang độc hại"',
        f'homepage = "{base_url}/"',
        f'feeds = ["{base_url}/rss.xml"]',
        "article_pattern = '-\\d{6,}\\.html$'",
        "delay_s = 0.0",
        "",
        "[sources.hostile.selectors]",
    ]
    for name in (
        "title",
        "lead",
        "body",
        "published",
        "author",
        "drop",
        "drop_text",
        "lead_strip",
    ):
        values = getattr(selectors, name)
        if values:
            lines.append(f"{name} = [" + ", ".join(f"'{v}'" for v in values) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Watched:
    """What a page did while it was open: dialogs, console errors, uncaught errors, scripts run."""

    page: Any
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_loads: list[str] = field(default_factory=list)

    def console_error(self, message: Any) -> None:
        where = message.location.get("url", "")
        if message.type == "error" and not where.endswith("/favicon.ico"):  # the browser's own request
            self.console_errors.append(f"{message.text} at {where}")

    def pwned(self) -> str | None:
        return self.page.evaluate("window.__pwnedSeen || null")

    def links(self) -> list[str]:
        return self.page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")

    def scroll_width(self) -> int:
        return self.page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


FAST = Politeness(retry_times=0, backoff_s=0.05, max_delay_s=1.0, autothrottle_start_s=0.0)
# characters no stored or published text may hold: controls but \t\n, bidi marks/overrides/isolates
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
HIDDEN_MARK = "NOI-DUNG-AN"  # every hidden text in the corpus starts with it


def hostile_settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        out_dir=tmp_path / "out",
        database_url=database_url,
        crawl_timeout_s=20.0,
        relevance_threshold=0.0,
        smtp_host=None,
    )


def crawl_summarize_publish(db, settings: Settings, sources: Path):
    """The daily pipeline's stages on ``db``: (crawl report, summary report, edition result)."""
    report = run_crawl(crawl_options(settings), sources_file=sources, politeness=FAST)
    summaries = summarize_pending(db, load_summarizer(model_spec(settings, engine="extractive")), SummaryOptions())
    # The pages say "published now" to the second and a period ends on a whole second, half-open:
    # built within that same second, the edition would rightly leave them to the next one.
    edition = build_edition(db, newsletter_options(settings), now=datetime.now(UTC) + timedelta(seconds=1))
    return report, summaries, edition


def e_mail(edition) -> tuple[str, str]:
    """(text part, HTML part) of the edition's e-mail, as a mail client receives them."""
    folder = edition.output_dir
    mail = MailSettings(
        host="127.0.0.1",
        port=25,
        starttls=False,
        user=None,
        password=None,
        sender="bantin@example.vn",
        recipients=("doc-gia@example.vn",),
    )
    message = compose_message(
        mail,
        edition.title,
        (folder / FILE_NAMES["text"]).read_text(encoding="utf-8"),
        (folder / FILE_NAMES["html"]).read_text(encoding="utf-8"),
    )
    received = message_from_bytes(message.as_bytes(), policy=policy.default)
    text_part, html_part = received.iter_parts()
    return text_part.get_content(), html_part.get_content()
