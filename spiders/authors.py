"""The one home of the author rules: what a page offers as its author, made a list of names.

An author is a person's name. Pages offer more: ``meta article:author`` holds the outlet's
Facebook page (``https://www.facebook.com/baodantridientu``), ``meta author`` the outlet's name
(``TUOI TRE ONLINE``, ``VietNamNet News``), ``its_author`` a number, a byline block
"và 1 tác giả khác". ``clean_authors`` keeps the names only, several joined ``"A, B"``, and
returns ``""`` when no name is left (the article then has no author).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from bantin.text import clean_field, fold

__all__ = ["author_parts", "clean_authors", "outlet_marks"]

_SPLIT = re.compile(r"\s*(?:[;,|\n]|\s+và\s+|\s+&\s+)\s*", re.IGNORECASE)
_PREFIX = re.compile(r"^(?:tác giả|bài(?: và ảnh)?|ảnh|by|author)\s*[:：-]\s*", re.IGNORECASE)
_URL = re.compile(r"://|^www\.|\.(?:com|vn|net|org|info|io)(?:[/?#]|$)", re.IGNORECASE)
_HANDLE = re.compile(r"^@|^[a-z0-9_.]+$")
_MAX_CHARS = 60
_MAX_WORDS = 7


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(text))


def outlet_marks(*names: str | None) -> frozenset[str]:
    """The compact folded forms that name an outlet: each name's first part ("Dân trí - Sức mạnh
    số" -> ``dantri``) and each URL's host label (``https://dantri.com.vn/`` -> ``dantri``)."""
    marks: set[str] = set()
    for name in names:
        if not name:
            continue
        if "://" in name:
            host = (urlsplit(name).hostname or "").removeprefix("www.")
            label = host.split(".")[0] if host else ""
            if len(label) >= 4:
                marks.add(label)
            continue
        head = _compact(re.split(r"\s+[-–—|:]\s+", name)[0])
        if len(head) >= 4:
            marks.add(head)
    return frozenset(marks)


def _is_name(part: str, marks: frozenset[str]) -> bool:
    if not part or len(part) > _MAX_CHARS or len(part.split()) > _MAX_WORDS:
        return False
    if "@" in part or _URL.search(part) or _HANDLE.match(part) or any(ch.isdigit() for ch in part):
        return False
    compact = _compact(part)
    if len(compact) < 2:
        return False
    return not any(mark in compact or (len(compact) >= 4 and compact in mark) for mark in marks)


def author_parts(value: str) -> list[str]:
    """``value`` split into the names it lists (``"A; B"``, ``"A, B"``, ``"A và B"``), unescaped."""
    text = clean_field(value)
    return [_PREFIX.sub("", part).strip(" .-–—") for part in _SPLIT.split(text) if part.strip()]


def clean_authors(values: Iterable[str] | str, marks: frozenset[str] = frozenset()) -> str:
    """The person names in ``values``, distinct, in page order, joined ``"A, B"``; ``""`` if none.

    Never a URL, an e-mail, a handle (``baotuoitre``, ``@vnexpress``), a number, or the outlet's
    own name (any of ``marks``, see ``outlet_marks``).
    """
    if isinstance(values, str):
        values = [values]
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        for part in author_parts(value):
            key = fold(part)
            if key not in seen and _is_name(part, marks):
                seen.add(key)
                names.append(part)
    return ", ".join(names)
