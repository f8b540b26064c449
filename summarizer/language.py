"""A cheap check that a text is Vietnamese: the share of letters that only Vietnamese writes."""

from __future__ import annotations

import unicodedata

__all__ = ["looks_vietnamese", "vietnamese_share"]

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
