"""A local HTTP server for the demo site and the crawler's bad cases.

Served paths: ``/robots.txt``; per source ``/KEY/rss.xml``, ``/KEY/sitemap.xml``,
``/KEY/section.html`` and its article pages; ``/`` and ``/login``; and under ``/bad/`` the
pages every crawl must survive (see ``BAD_CASES``), and ``/bad/faults.xml`` listing servers that
never stop (see ``FAULT_CASES``). ``slow_s`` delays every demo article page (restart tests).
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from bantin.spiders.mirror.site import MirrorArticle, Site

__all__ = ["BAD_CASES", "FAULT_CASES", "MirrorServer", "serve"]

ROBOTS = "User-agent: *\nDisallow: /bad/private/\n"
# path under /bad/ -> (expected reason, what the server does)
BAD_CASES = {
    "missing-4969404.html": ("http-404", "404 Not Found"),
    "gone-4969410.html": ("http-410", "410 Gone"),
    "hang-4969999.html": ("timeout", "never answers in time"),
    "moved-4969301.html": ("redirected-away", "302 to the home page"),
    "members-4969302.html": ("redirected-away", "302 to a login page"),
    "report-4969303.html": ("not-html", "a PDF"),
    "photo-4969304.html": ("not-html", "a JPEG image"),
    "huge-4969305.html": ("too-large", "6 MB of HTML"),
    "video-4969306.html": ("no-article", "a page that is only a video"),
    "gallery-4969307.html": ("no-article", "a page that is only a photo gallery"),
    "private/secret-4969308.html": ("robots-disallowed", "disallowed by robots.txt"),
}
# path under /bad/ -> (expected reason, what the server does); listed only by /bad/faults.xml
FAULT_CASES = {
    "silent-4969311.html": ("timeout", "accepts the connection and never sends a byte"),
    "drip-4969312.html": ("timeout", "sends headers, then one byte every half second, forever"),
    "endless-4969313.html": ("too-large", "an endless body with no length"),
    "loop-4969314.html": ("error-ignorerequest", "redirects to a new URL of itself, forever"),
}
FLAKY = "on-dinh-sau-loi-may-chu-4960001.html"
UNDATED = "bai-viet-khong-co-ngay-trong-rss-4960002.html"
WRONG_CHARSET = "trang-khai-bao-sai-bang-ma-4960003.html"
NO_CHARSET = "trang-khong-khai-bao-bang-ma-4960004.html"
HUGE_BYTES = 6_000_000
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300") + b"\x08" * 64 + b"\xff\xd9"


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    stream: Callable[[], Iterator[bytes]] | None = None  # a body with no length, sent until it ends


class MirrorServer:
    """The running mirror: ``base_url``, the anchor time ``now``, and the ``site`` it serves."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, now: datetime | None = None, hang_s: float = 10.0,
                 slow_s: float = 0.0, history: bool = False):
        self.hang_s = hang_s
        self.slow_s = slow_s  # seconds before each demo article page is answered; settable while serving
        self.stopping = threading.Event()
        self._hops = itertools.count(1)
        self._flaky_seen: set[str] = set()
        self._lock = threading.Lock()
        self.requests: list[str] = []
        self.user_agents: set[str] = set()
        handler = type("Handler", (_Handler,), {"mirror": self})
        self.httpd = _Server((host, port), handler)
        name, bound = self.httpd.server_address[:2]
        self.base_url = f"http://{name}:{bound}"
        self.site = Site(self.base_url, now, history)
        self.now = self.site.now
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="bantin-mirror", daemon=True)

    @property
    def articles(self) -> tuple[MirrorArticle, ...]:
        return self.site.articles

    def reset(self) -> None:
        """Forget served requests (and serve the flaky page's first error again)."""
        with self._lock:
            self._flaky_seen.clear()
            self.requests.clear()
            self.user_agents.clear()

    def start(self) -> MirrorServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # ends the endless replies
        self.httpd.shutdown()
        self.httpd.server_close()

    def bad_feed(self) -> str:
        base = f"{self.base_url}/bad"
        flaky = self.site.by_path[f"/bad/{FLAKY}"]
        undated = self.site.by_path[f"/bad/{UNDATED}"]
        items = [{"title": reason, "link": f"{base}/{path}", "lead": what, "published": self.now}
                 for path, (reason, what) in BAD_CASES.items()]
        items.append({"title": flaky.title, "link": flaky.url, "lead": flaky.lead, "published": flaky.published})
        for path in (WRONG_CHARSET, NO_CHARSET):
            article = self.site.by_path[f"/bad/{path}"]
            items.append({"title": article.title, "link": article.url, "lead": article.lead, "published": article.published})
        undated_item = {"title": undated.title, "link": undated.url, "lead": undated.lead, "published": None}
        items += [undated_item, dict(undated_item, link=undated.url + "?utm_source=rss")]
        return self.site.feed("bad", items)

    def faults_feed(self) -> str:
        base = f"{self.base_url}/bad"
        items = [{"title": reason, "link": f"{base}/{path}", "lead": what, "published": self.now}
                 for path, (reason, what) in FAULT_CASES.items()]
        return self.site.feed("bad", items)

    def _forever(self, chunk: bytes, pause_s: float) -> Iterator[bytes]:
        while not self.stopping.is_set():
            yield chunk
            if pause_s:
                self.stopping.wait(pause_s)

    def _fault(self, rest: str) -> _Reply:
        if rest == "silent-4969311.html":
            self.stopping.wait(3600)  # say nothing until the server stops
            return _Reply(504, b"")
        if rest == "drip-4969312.html":
            return _Reply(200, content_type="text/html", stream=lambda: self._forever(b" ", 0.5))
        if rest == "endless-4969313.html":
            return _Reply(200, stream=lambda: self._forever(b"<p>" + b"x" * 65_536 + b"</p>", 0.0))
        hop = next(self._hops)
        return _Reply(302, b"", headers=(("Location", f"{self.base_url}/bad/{rest}?hop={hop}"),))

    def reply(self, path: str) -> _Reply:
        """What the server answers for ``path`` (the query string is ignored)."""
        with self._lock:
            self.requests.append(path)
        route = urlsplit(path).path
        if route == "/robots.txt":
            return _Reply(200, ROBOTS.encode(), "text/plain; charset=utf-8")
        if route in ("/", "/login"):
            title = "Trang chủ" if route == "/" else "Đăng nhập"
            return _Reply(
                200,
                f'<html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>'
                f"<body><h1>{title}</h1></body></html>".encode(),
            )
        if route == "/static/photo.jpg":
            return _Reply(200, JPEG, "image/jpeg")
        if route.startswith("/bad/"):
            return self._bad(route[len("/bad/") :])
        return self._site(route)

    def _site(self, route: str) -> _Reply:
        parts = route.strip("/").split("/", 1)
        key, rest = parts[0], (parts[1] if len(parts) > 1 else "")
        if key not in self.site.sources():
            return _Reply(404, b"<html><body><h1>404</h1></body></html>")
        if rest == "rss.xml":
            return _Reply(200, self.site.feed(key).encode(), "application/rss+xml; charset=utf-8")
        if rest == "sitemap.xml":
            return _Reply(200, self.site.sitemap(key).encode(), "application/xml; charset=utf-8")
        if rest in ("", "section.html"):
            return _Reply(200, self.site.section(key).encode())
        article = self.site.by_path.get(route)
        if article is None:
            return _Reply(404, b"<html><body><h1>404</h1></body></html>")
        if self.slow_s:
            self.stopping.wait(self.slow_s)
        return _Reply(200, self.site.article_page(article).encode())

    def _bad(self, rest: str) -> _Reply:
        simple = {
            "missing.xml": _Reply(404, b"not found", "text/plain"),
            "empty.xml": _Reply(200, b"", "application/rss+xml"),
            "malformed.xml": _Reply(
                200, b"<?xml version='1.0'?><rss><channel><title>Hong</title><item><title>ba", "application/rss+xml"
            ),
            "missing-4969404.html": _Reply(404, b"<html><body>Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y</body></html>"),
            "gone-4969410.html": _Reply(410, b"<html><body>Gone</body></html>"),
            "moved-4969301.html": _Reply(302, b"", headers=(("Location", f"{self.base_url}/"),)),
            "members-4969302.html": _Reply(
                302, b"", headers=(("Location", f"{self.base_url}/login?next=/bad/members"),)
            ),
            "report-4969303.html": _Reply(200, PDF, "application/pdf"),
            "photo-4969304.html": _Reply(200, JPEG, "image/jpeg"),
            "huge-4969305.html": _Reply(200, b"<html><body>" + b"<p>x</p>" * (HUGE_BYTES // 8) + b"</body></html>"),
        }
        if rest == "rss.xml":
            return _Reply(200, self.bad_feed().encode(), "application/rss+xml; charset=utf-8")
        if rest == "faults.xml":
            return _Reply(200, self.faults_feed().encode(), "application/rss+xml; charset=utf-8")
        if rest in FAULT_CASES:
            return self._fault(rest)
        if rest in simple:
            return simple[rest]
        if rest == "hang-4969999.html":
            time.sleep(self.hang_s)
            return _Reply(504, b"")
        if rest in ("video-4969306.html", "gallery-4969307.html", "private/secret-4969308.html"):
            return _Reply(200, self._odd_page(rest).encode())
        return self._bad_article(rest)

    def _bad_article(self, rest: str) -> _Reply:
        article = self.site.by_path.get(f"/bad/{rest}")
        if article is None:
            return _Reply(404, b"<html><body>404</body></html>")
        if rest == FLAKY:
            with self._lock:
                first = rest not in self._flaky_seen
                self._flaky_seen.add(rest)
            if first:
                return _Reply(500, b"<html><body>Server error</body></html>", headers=(("Retry-After", "1"),))
        html = self.site.article_page(article, template="vnexpress")
        if rest == WRONG_CHARSET:
            return _Reply(200, html.replace('<meta charset="utf-8">', "").encode(), "text/html; charset=iso-8859-1")
        if rest == NO_CHARSET:
            return _Reply(200, html.replace('<meta charset="utf-8">', "").encode(), "text/html")
        return _Reply(200, html.encode())

    def _odd_page(self, rest: str) -> str:
        title = {"video": "Video: robot giao hàng chạy trên phố", "gallery": "Ảnh: triển lãm công nghệ AI"}
        kind = rest.split("-")[0]
        if kind == "private/secret":
            source = self.site.of_source("vnexpress")[0]
            return self.site.article_page(source, template="vnexpress")
        if kind == "video":
            inner = ('<div class="box_embed_video"><video src="/static/clip.mp4" controls></video></div>'
                     '<p class="Normal">Video: Bảo Lâm</p>')
        else:
            inner = "".join(
                f'<figure><img src="/static/photo.jpg"><figcaption>Ảnh {i}</figcaption></figure>' for i in range(1, 6)
            )
        return (
            f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title[kind]}</title></head><body>'
            f'<h1 class="title-detail">{title[kind]}</h1><p class="description">Xem trực tiếp.</p>'
            f'<article class="fck_detail">{inner}</article></body></html>'
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # crawls open many connections at once; the default backlog of 5 drops them

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # the crawler hung up on an endless reply: expected, not worth a traceback
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    mirror: MirrorServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.mirror.user_agents.add(self.headers.get("User-Agent", ""))
        reply = self.mirror.reply(self.path)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            if reply.stream is None:
                self.send_header("Content-Length", str(len(reply.body)))
            else:  # no length: the body ends when the connection closes
                self.send_header("Connection", "close")
                self.close_connection = True
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
            for chunk in reply.stream() if reply.stream else ():
                self.wfile.write(chunk)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the crawler gave up (size cap, timeout)
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def serve(host: str = "127.0.0.1", port: int = 0, *, now: datetime | None = None, hang_s: float = 10.0,
          slow_s: float = 0.0, history: bool = False) -> Iterator[MirrorServer]:
    """Serve the mirror until the ``with`` block ends; yields the running ``MirrorServer``.

    ``history``: spread the articles over five weeks (``history.toml``), as the weekly demo does.
    """
    server = MirrorServer(host, port, now=now, hang_s=hang_s, slow_s=slow_s, history=history).start()
    try:
        yield server
    finally:
        server.stop()
