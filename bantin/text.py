"""Vietnamese text normalization: NFC for storage, folding for dedup and search.

Vietnamese arrives precomposed (NFC) and decomposed (NFD), and with the old and the new tone-mark
placement (``hòa``/``hoà``, ``thúy``/``thuý``). ``nfc`` is what we store; ``canonical_tones``
puts tone marks in one place; ``fold`` removes every diacritic and maps đ/Đ to d, which neither
PostgreSQL's ``unaccent`` in every setup nor SQLite's ``remove_diacritics`` does.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

__all__ = [
    "canonical_tones", "clean_field", "collapse_space", "content_hash", "fold", "looks_vietnamese", "nfc",
    "vietnamese_share",
]

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
# Old-style placement puts the tone on the first vowel of "oa", "oe", "uy" in an open syllable
# ("hòa", "thúy"); the new style puts it on the second ("hoà", "thuý"). NFD makes both visible as
# base letter + combining mark, so one substitution moves the mark to the second vowel.
_OLD_TONE = re.compile(rf"([oO])([{_TONES}])([aAeE])(?![a-zA-Z\u0300-\u036f])|([uU])([{_TONES}])([yY])(?![a-zA-Z\u0300-\u036f])")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC, the form every stored string uses."""
    return unicodedata.normalize("NFC", text)


def canonical_tones(text: str) -> str:
    """NFC ``text`` with old-style tone placement moved to the new style (``hòa`` -> ``hoà``)."""
    decomposed = unicodedata.normalize("NFD", text)

    def move(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1) + match.group(3) + match.group(2)
        return match.group(4) + match.group(6) + match.group(5)

    return unicodedata.normalize("NFC", _OLD_TONE.sub(move, decomposed))


def fold(text: str) -> str:
    """Lowercase ``text`` without any diacritic, đ -> d: the form search and dedup compare."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def collapse_space(text: str) -> str:
    """NFC ``text`` with zero-width characters dropped and runs of blanks made one space.

    Newlines are kept (they separate paragraphs); blanks around them are trimmed.
    """
    text = _ZERO_WIDTH.sub("", nfc(text))
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def clean_field(text: object) -> str:
    """A metadata string as it is stored: HTML character references resolved (also when escaped
    twice, ``&amp;#xE1;``), NFC, blanks collapsed, stripped; ``""`` for ``None`` or a non-string."""
    if not isinstance(text, str):
        return ""
    for _ in range(3):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return collapse_space(text)


def content_hash(*parts: str | None) -> str:
    """SHA-256 over the tone-canonical, whitespace-collapsed parts: equal for equal articles."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(canonical_tones(collapse_space(part or "")).casefold().encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


# A cheap check that a text is Vietnamese: the share of words that carry a letter or tone mark
# that only Vietnamese writes.
_BASE_MARKS = set("ăâđêôơưĂÂĐÊÔƠƯ")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def vietnamese_share(text: str, sample: int = 5000) -> float:
    """Share of words (in the first ``sample`` characters) that carry a Vietnamese letter or tone."""
    words = text[:sample].split()
    if not words:
        return 0.0
    marked = 0
    for word in words:
        decomposed = unicodedata.normalize("NFD", word)
        if any(ch in _BASE_MARKS for ch in word) or any(ch in _TONES for ch in decomposed):
            marked += 1
    return marked / len(words)


def looks_vietnamese(text: str) -> bool:
    """Vietnamese prose has a tone mark or a special letter in about half of its syllables."""
    return vietnamese_share(text) >= 0.2
