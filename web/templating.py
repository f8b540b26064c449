"""What every page template sees besides its own context: the words (``w``) and local-time helpers."""

from __future__ import annotations

from functools import partial
from typing import Any

from bantin.safety import http_url
from bantin.web.deps import local_day, local_iso, local_time, words

__all__ = ["number", "template_globals"]


def number(value: float | int | None, digits: int = 2) -> str:
    """Vietnamese number format: ``0,20``, ``1.234``."""
    if value is None:
        return ""
    text = f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,d}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def template_globals(timezone: str) -> dict[str, Any]:
    """``w`` (the words file), ``when``/``day`` (local, Vietnamese format), ``iso`` (with offset), ``number``."""
    return {
        "w": words(),
        "when": partial(local_time, timezone=timezone),
        "day": partial(local_day, timezone=timezone),
        "iso": partial(local_iso, timezone=timezone),
        "number": number,
        "safe": http_url,
    }
