"""What every page template sees besides its own context: the words (``w``) and local-time helpers."""

from __future__ import annotations

from functools import partial
from typing import Any

from bantin.newsletter.render import number
from bantin.safety import http_url
from bantin.web.deps import local_day, local_iso, local_time, words

__all__ = ["template_globals"]


def template_globals(timezone: str) -> dict[str, Any]:
    """``w`` (the words file), ``when``/``day`` (local, Vietnamese format), ``iso`` (with offset), ``number``."""
    return {
        "w": words(),
        "when": partial(local_time, timezone=timezone),
        "day": partial(local_day, timezone=timezone),
        "iso": partial(local_iso, timezone=timezone),
        "number": number,
        "safe": http_url,
        "zone": words().zone(timezone),
    }
