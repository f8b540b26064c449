"""The web archive: search pages, articles, editions and sources, plus a JSON API under /api/."""

from bantin.web.app import CSP, WebOptions, create_app, filters_from
from bantin.web.reads import (
    article_view,
    edition_view,
    editions_list,
    safe_url,
    sources_list,
)

__all__ = [
    "CSP",
    "WebOptions",
    "article_view",
    "create_app",
    "edition_view",
    "editions_list",
    "filters_from",
    "safe_url",
    "sources_list",
]
