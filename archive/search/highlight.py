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


def _words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded word) for each word of ``text``."""
    return [(match.start(), match.end(), _folded(match.group())) for match in _WORD.finditer(text)]


def _matches(words: list[tuple[int, int, str]], terms: Iterable[Term]) -> list[tuple[int, int]]:
    """Word index ranges [i, j) that match a term (a phrase must match consecutive words)."""
    folded = [w[2] for w in words]
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for term in terms:
        by_first.setdefault(term.words[0], []).append(term.words)
    spans = []
    for i, word in enumerate(folded):
        for sequence in by_first.get(word, ()):
            if tuple(folded[i : i + len(sequence)]) == sequence:
                spans.append((i, i + len(sequence)))
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


class _FoldTable(dict):
    """str.translate table folding one character to one (lower case, no diacritic, đ -> d)."""

    def __missing__(self, code: int) -> str:
        folded = fold(chr(code))
        self[code] = folded if len(folded) == 1 else chr(code)
        return self[code]


_FOLD_TABLE = _FoldTable()


@lru_cache(maxsize=1024)
def _finder(terms: tuple[Term, ...]) -> re.Pattern[str]:
    # \w (not the full token class) keeps this per-query pattern cheap to compile; it only
    # locates the first match, the words themselves are compared by _matches
    alternatives = "|".join(r"[\W_]+".join(re.escape(w) for w in term.words) for term in terms)
    return re.compile(f"(?<![^\\W_])(?:{alternatives})(?![^\\W_])")


def _first_match(text: str, terms: tuple[Term, ...], chunk: int = 1500) -> int:
    """Where the first match starts in ``text`` (0 when none), folding only as far as needed."""
    if not terms:
        return 0
    finder = _finder(terms)
    for start in range(0, len(text), chunk):
        # overlap the next chunk by 200 characters, so that a phrase across the cut is found
        found = finder.search(text[start : start + chunk + 200].translate(_FOLD_TABLE))
        if found:
            return start + found.start()
    return 0


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
    spans = sorted(_matches(words, terms))
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
