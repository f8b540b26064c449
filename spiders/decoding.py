"""Bytes to text for pages whose charset is wrong, missing or honest.

Vietnamese outlets serve UTF-8; a page that decodes as strict UTF-8 is taken as UTF-8 whatever
its header claims (a wrong ``charset=iso-8859-1`` would otherwise mangle every diacritic). Other
pages use their declared charset (header, then ``<meta charset>``), then detection.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

__all__ = ["decode_html"]


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """``data`` as text; never raises on bad bytes (they become U+FFFD)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = (http_content_type_encoding(content_type) if content_type else None) or html_body_declared_encoding(data)
    if declared and declared.replace("-", "").lower() not in ("utf8",):
        try:
            return data.decode(declared, errors="replace")
        except (LookupError, UnicodeError):  # not a text codec, or one that ignores errors= (punycode, idna)
            pass
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace")
    return data.decode("utf-8", errors="replace")
