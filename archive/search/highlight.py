"""Highlights: the original text, diacritics kept, with the words the query matched marked.

Matching folds both sides, so the query "tri tue" marks "trí tuệ" and "hoa" marks "hoà" and
"hòa". The result is a tuple of ``Segment``s (text, marked); renderers escape the text themselves
(``to_html`` does it with ``markupsafe``), so a scraped string can never become markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from archive.search.query import TOKEN_CLASS, Term
from archive.text import fold

__all__ = ["Segment", "mark", "plain", "snippet", "to_html"]

# Token characters of the *original* text: the search class plus every combining mark, so that
# decomposed (NFD) letters stay inside their word.
_WORD = re.compile(f"[{TOKEN_CLASS}A-Z\u0300-\u036f\u00d7\u00f7]+")
_SPACES = re.compile(r"\s+")
_SEGMENT_WORDS = 40
_MAX_SCAN = 12_000


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False


@lru_cache(maxsize=100_000)
def _folded(word: str) -> str:
    return fold(word)


def _words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded word) for each word of ``text``."""
    return [(match.start(), match.end(), _folded(match.group())) for match in _WORD.finditer(text)]


def _matches(words: list[tuple[int, int, str]], terms: Iterable[Term]) -> list[tuple[int, int]]:
    """Word index ranges [i, j) that match a term (a phrase must match consecutive words)."""
    folded = [w[2] for w in words]
    spans = []
    for term in terms:
        size = len(term.words)
        for i in range(len(folded) - size + 1):
            if tuple(folded[i : i + size]) == term.words:
                spans.append((i, i + size))
    return spans


def _segments(text: str, words: list[tuple[int, int, str]], spans: list[tuple[int, int]], lo: int, hi: int) -> list[Segment]:
    marked = [False] * len(words)
    for i, j in spans:
        for k in range(i, j):
            marked[k] = True
    out: list[Segment] = []
    pos = words[lo][0] if words and lo > 0 else 0
    end = words[hi - 1][1] if words and hi < len(words) else len(text)
    k = lo
    while k < hi:
        if not marked[k]:
            k += 1
            continue
        run = k
        while run + 1 < hi and marked[run + 1]:
            run += 1
        if words[k][0] > pos:
            out.append(Segment(text[pos : words[k][0]]))
        out.append(Segment(text[words[k][0] : words[run][1]], True))
        pos = words[run][1]
        k = run + 1
    if end > pos:
        out.append(Segment(text[pos:end]))
    return out


def mark(text: str, terms: Iterable[Term]) -> tuple[Segment, ...]:
    """All of ``text`` with the matched words marked."""
    words = _words(text)
    return tuple(_segments(text, words, _matches(words, terms), 0, len(words)))


def snippet(text: str, terms: Iterable[Term], size: int = _SEGMENT_WORDS) -> tuple[Segment, ...]:
    """About ``size`` words of ``text`` around its first match (its start when none), marked."""
    text = text[:_MAX_SCAN]
    words = _words(text)
    if not words:
        return ()
    spans = sorted(_matches(words, terms))
    first = spans[0][0] if spans else 0
    lo = max(0, first - size // 4)
    hi = min(len(words), lo + size)
    lo = max(0, min(lo, hi - size))
    segments = _segments(text, words, [s for s in spans if s[0] >= lo and s[1] <= hi], lo, hi)
    if lo > 0:
        segments.insert(0, Segment("… "))
    if hi < len(words):
        segments.append(Segment(" …"))
    return tuple(Segment(_SPACES.sub(" ", s.text), s.marked) for s in segments)


def plain(segments: Iterable[Segment]) -> str:
    return "".join(s.text for s in segments)


def to_html(segments: Iterable[Segment]) -> Markup:
    """Escaped HTML with each match in ``<mark>``."""
    return Markup("").join(Markup("<mark>{}</mark>").format(s.text) if s.marked else escape(s.text) for s in segments)
