"""The one home of bantin's safety checks on scraped text and links.

Every layer that stores, renders or links scraped text calls these, so a character set or a URL
rule is decided once:

- ``http_url``: an absolute http(s) URL with a host and no blanks, else None (``javascript:``,
  ``data:``, relative links, a port out of range, a broken IPv6 host never become links);
- ``strip_controls``: text without C0/C1 control characters (tab and newline kept), zero-width
  characters or bidi marks, embeddings, overrides and isolates;
- ``mask_url``: a database URL with its password replaced by ``***``, safe to print.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

__all__ = ["CONTROL_CHARS", "http_url", "mask_url", "strip_controls"]

# C0/C1 controls but tab and newline; zero-width spaces and joiners; bidi marks (ALM, LRM, RLM),
# embeddings, overrides and isolates. Text that reaches a reader or the archive never keeps them.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """``text`` without the characters ``CONTROL_CHARS`` matches."""
    return CONTROL_CHARS.sub("", text)


def http_url(value: object, *, base: str | None = None) -> str | None:
    """``value`` (made absolute against ``base`` when given) if it is an http(s) URL a request or a
    link can have: a scheme of http or https, a host, a valid port, no blanks; else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if base is not None:
        from urllib.parse import urljoin

        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    if not url or any(ch.isspace() for ch in url) or CONTROL_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (safe to print); other URLs unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.rsplit("@", 1)[-1]
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, parts.fragment))
