"""What ``bantin summarize`` reads: a URL (fetched, then extracted like the spiders do), an HTML or
plain-text file, or ``-`` for standard input. Binary input is refused with ``InputError``.

An interface module (it uses the spiders' extractor, which no stage may import from another).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx

from bantin.errors import FetchError, InputError

__all__ = ["Document", "read_input", "fetch_url"]

MAX_INPUT_BYTES = 20_000_000
_HTML = re.compile(rb"<(?:!doctype html|html|head|body|article|p|div)[\s>]", re.I)


@dataclass(frozen=True)
class Document:
    """One input: where it came from and its text (title, lead and body on their own lines)."""

    name: str
    text: str


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return bool(head) and controls / len(head) > 0.05


def _from_html(data: bytes, url: str, content_type: str | None = None) -> str:
    from bantin.spiders.extraction import extract_page

    page = extract_page(data, url, content_type=content_type)
    return "\n".join(part for part in (page.title, page.lead, page.body) if part)


def _from_bytes(data: bytes, name: str, url: str) -> str:
    if _looks_binary(data):
        raise InputError(f"{name} is a binary file, not text or HTML")
    if _HTML.search(data[:4096]):
        return _from_html(data, url)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text") from exc


def _read_capped(stream: BinaryIO, name: str, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{name} is larger than {limit:,} bytes")
    return data


def fetch_url(url: str, *, timeout: float = 30.0, max_bytes: int = 5_000_000, user_agent: str = "bantin") -> Document:
    """Fetch ``url`` and extract its article; ``FetchError`` / ``ExtractionError`` on failure."""
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": user_agent}) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise FetchError(f"{url}: HTTP {response.status_code}")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"{url}: larger than {max_bytes:,} bytes")
                    chunks.append(chunk)
                content_type = response.headers.get("content-type")
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: cannot fetch ({type(exc).__name__}: {exc})") from exc
    data = b"".join(chunks)
    if content_type and not any(kind in content_type for kind in ("html", "xml", "text")):
        raise FetchError(f"{url}: not a web page ({content_type.split(';')[0]})")
    return Document(url, _from_html(data, url, content_type))


def read_input(
    spec: str, *, timeout: float = 30.0, max_bytes: int = 5_000_000, user_agent: str = "bantin", stdin: BinaryIO | None = None
) -> Document:
    """The document that ``spec`` (URL, file path or ``-``) names."""
    if spec.startswith(("http://", "https://")):
        return fetch_url(spec, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent)
    if spec == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return Document(
            "<stdin>", _from_bytes(_read_capped(stream, "standard input", MAX_INPUT_BYTES), "standard input", "stdin:")
        )
    path = Path(spec)
    if path.is_dir():
        raise InputError(f"{spec} is a directory (give a file, a URL or -)")
    if not path.is_file():
        raise InputError(f"{spec}: no such file (give a URL, a file or -)")
    try:
        with path.open("rb") as handle:
            data = _read_capped(handle, spec, MAX_INPUT_BYTES)
    except OSError as exc:
        raise InputError(f"{spec}: cannot read ({exc.strerror})") from exc
    return Document(spec, _from_bytes(data, spec, path.resolve().as_uri()))
