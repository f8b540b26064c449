"""Canonical URLs: one URL per article, whatever link, tracker or AMP/mobile variant led to it.

``canonical_url`` lowercases the scheme and host, drops the fragment, tracking parameters
(``utm_*``, ``fbclid``, ``gclid`` …) and AMP switches, maps mobile and AMP hosts (``m.``,
``amp.``, ``mobile.``) to the main host and AMP paths (``/amp/…``, ``…/amp``, ``….amp.html``)
to the normal page.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

__all__ = ["canonical_url", "host_of", "is_same_site"]

_TRACKING = re.compile(r"^(utm_\w*|fbclid|gclid|dclid|msclkid|zarsrc|zalo_\w*|_ga|mc_cid|mc_eid|igshid)$", re.IGNORECASE)
_AMP_PARAMS = {"amp", "outputtype", "_amp", "format"}
_MOBILE_HOST = re.compile(r"^(m|amp|mobile|wap)\.")
_AMP_SUFFIX = re.compile(r"\.amp(\.[a-z0-9]+)?$", re.IGNORECASE)


def host_of(url: str) -> str:
    """The host of ``url`` without ``www.``, ``m.`` or ``amp.`` and without port."""
    host = (urlsplit(url).hostname or "").lower()
    host = _MOBILE_HOST.sub("", host)
    return host.removeprefix("www.")


def is_same_site(url: str, other: str) -> bool:
    """Whether two URLs live on the same site (ignoring www/mobile/AMP hosts)."""
    return host_of(url) == host_of(other)


def _clean_path(path: str) -> str:
    if path.startswith("/amp/"):
        path = path[4:]
    if path.endswith(("/amp", "/amp/")):
        path = path[: path.rstrip("/").rfind("/amp")] or "/"
    path = _AMP_SUFFIX.sub(lambda m: m.group(1) or "", path)
    return path or "/"


def _clean_query(query: str) -> str:
    pairs = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        lowered = name.lower()
        if _TRACKING.match(name):
            continue
        if lowered in _AMP_PARAMS and (lowered == "amp" or value.lower() in ("", "amp", "1", "true")):
            continue
        pairs.append((name, value))
    return urlencode(pairs)


def canonical_url(url: str, base: str | None = None) -> str:
    """The canonical form of ``url`` (resolved against ``base`` when relative)."""
    text = url.strip()
    if base:
        text = urljoin(base, text)
    parts = urlsplit(text)
    scheme = (parts.scheme or "https").lower()
    host = (parts.hostname or "").lower()
    host = _MOBILE_HOST.sub("", host)
    netloc = host
    if parts.port and not ((scheme == "http" and parts.port == 80) or (scheme == "https" and parts.port == 443)):
        netloc = f"{host}:{parts.port}"
    return urlunsplit((scheme, netloc, _clean_path(parts.path), _clean_query(parts.query), ""))
