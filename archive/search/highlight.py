"""Highlights: the original text, diacritics kept, with the words the query matched marked.

Matching folds both sides, so the query "tri tue" marks "trí tuệ" and "hoa" marks "hoà" and
"hòa". The result is a tuple of ``Segment``s (text, marked); renderers escape the text themselves
(``to_html`` does it with ``markupsafe``), so a scraped string can never become markup.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from bantin.archive.search.query import TOKEN_CLASS, Term
from bantin.text import fold

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


def _words(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of ``text``."""
    return [match.span() for match in _WORD.finditer(text)]


def _matches(text: str, words: list[tuple[int, int]], terms: tuple[Term, ...]) -> list[tuple[int, int]]:
    """Word index ranges [i, j) of ``text``'s ``words`` that match a term (a phrase must match
    consecutive words): where the pattern of the text as stored finds one (``_raw_finder``, at
    every word where one begins), the words there folded and compared. Only those words are
    folded: folding every word of a snippet cost more than the rest of it."""
    if not terms:
        return []
    starts = [start for start, _ in words]
    wanted = {term.words for term in terms}
    spans = []
    for found in _raw_finder(terms, overlapping=True).finditer(text):
        i, j = bisect_left(starts, found.start(1)), bisect_left(starts, found.end(1))
        if i < j and tuple(_folded(text[a:b]) for a, b in words[i:j]) in wanted:
            spans.append((i, j))
    return spans


def _segments(text: str, words: list[tuple[int, int]], spans: list[tuple[int, int]], lo: int, hi: int) -> list[Segment]:
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
    return tuple(_segments(text, words, _matches(text, words, tuple(terms)), 0, len(words)))


# Characters folding to one letter, for a pattern that finds a folded word in the text as stored:
# Latin with Vietnamese (U+1E00-U+1EFF), Greek, Cyrillic. Any other character stands for itself.
_CASED = ((0x20, 0x250), (0x370, 0x530), (0x1E00, 0x1F00))


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    found: dict[str, set[str]] = {}
    for start, end in _CASED:
        for char in map(chr, range(start, end)):
            folded = fold(char)
            if len(folded) == 1:  # (not "ß" -> "ss", nor a combining mark -> "")
                found.setdefault(folded, set()).add(char)
    return {folded: "[" + "".join(map(re.escape, sorted(chars | {folded}))) + "]" for folded, chars in found.items()}


@lru_cache(maxsize=1024)
def _raw_finder(terms: tuple[Term, ...], *, overlapping: bool = False) -> re.Pattern[str]:
    """A pattern of the terms in the text as stored: each letter of a word as any character
    folding to it (any case), followed by any combining marks (text in NFD), the words of a
    phrase apart by anything but letters and digits, the longest term first. \\w (not the full
    token class) keeps it cheap; ``_matches`` compares the words it finds. ``overlapping``:
    a lookahead whose group 1 is the match, so that a match starting inside another is found."""
    variants = _variants()

    def word(folded: str) -> str:
        return "".join(variants.get(char, re.escape(char)) + "[\u0300-\u036f]*" for char in folded)

    longest = sorted(terms, key=lambda term: (-len(term.words), -len("".join(term.words))))
    alternatives = "|".join(r"[\W_]+".join(word(w) for w in term.words) for term in longest)
    if overlapping:
        return re.compile(f"(?<![^\\W_])(?=({alternatives})(?![^\\W_]))", re.IGNORECASE)
    return re.compile(f"(?<![^\\W_])(?:{alternatives})(?![^\\W_])", re.IGNORECASE)


def _first_match(text: str, terms: tuple[Term, ...]) -> int:
    """Where the first match starts in ``text`` (0 when none), found in the text as stored (a
    folded copy of it cost 3-10 times as much)."""
    found = _raw_finder(terms).search(text) if terms else None
    return found.start() if found else 0


def snippet(text: str, terms: Iterable[Term], size: int = _SEGMENT_WORDS) -> tuple[Segment, ...]:
    """About ``size`` words of ``text`` around its first match (its start when none), marked."""
    terms = tuple(terms)
    text = text[:_MAX_SCAN]
    first = _first_match(text, terms)
    begin = max(0, first - 6 * size)
    end = min(len(text), first + 14 * size)
    if begin > 0:  # start the window at a word boundary
        begin = text.find(" ", begin, first) + 1 if text.find(" ", begin, first) >= 0 else begin
    window = text[begin:end]
    words = _words(window)
    if not words:
        return ()
    spans = sorted(_matches(window, words, terms))
    at = spans[0][0] if spans else 0
    lo = max(0, at - size // 4)
    hi = min(len(words), lo + size)
    lo = max(0, min(lo, hi - size))
    segments = _segments(window, words, [s for s in spans if s[0] >= lo and s[1] <= hi], lo, hi)
    if lo > 0 or begin > 0:
        segments.insert(0, Segment("… "))
    if hi < len(words) or end < len(text):
        segments.append(Segment(" …"))
    return tuple(Segment(_SPACES.sub(" ", s.text), s.marked) for s in segments)


def plain(segments: Iterable[Segment]) -> str:
    return "".join(s.text for s in segments)


def to_html(segments: Iterable[Segment]) -> Markup:
    """Escaped HTML with each match in ``<mark>``."""
    return Markup("").join(Markup("<mark>{}</mark>").format(s.text) if s.marked else escape(s.text) for s in segments)
