"""The search query language, parsed into a small tree that no backend has to re-read as text.

Language (what a reader types)::

    tri tue nhan tao          every word must appear (diacritics optional, any case)
    "nhân tạo"                 a phrase: the words next to each other, in this order
    AI OR "trí tuệ nhân tạo"   either side; OR binds tighter than the implicit AND
    -bitcoin  -"tiền ảo"       exclude a word or a phrase

Every word is folded (``archive.text.fold``: no diacritics, đ -> d, lower case), so "hoà", "hòa"
and "hoa" are the same word. A word with punctuation inside ("GPT-4o") becomes the phrase
"gpt 4o", because both indexes split words there too. The tree holds only folded tokens made of
letters and digits; the backends pass them to the database as bound parameters (PostgreSQL) or as
double-quoted FTS5 strings (SQLite), never as query syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bantin.errors import BadQuery
from bantin.text import fold, nfc

__all__ = ["MAX_QUERY_CHARS", "MAX_TERMS", "TOKEN_CLASS", "Clause", "ParsedQuery", "Term", "parse_query", "tokens"]

MAX_QUERY_CHARS = 500
MAX_TERMS = 24

# The characters a searchable token is made of (after folding): ASCII letters and digits and the
# letters of other scripts, but not punctuation, symbols or emoji. Migration 0002 uses the very
# same class in PostgreSQL (a test checks that both split text alike); FTS5's unicode61 tokenizer
# splits on the same characters for every text bantin archives.
TOKEN_CLASS = (
    "0-9a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u1fff\u2c00-\u2dff\u3040-\ud7ff\ue000-\ufdff"
    "\ufe70-\ufefe\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uffdc"
    "\U00010000-\U0001efff\U0001fb00-\U0010ffff"
)
_TOKEN = re.compile(f"[{TOKEN_CLASS}]+")
# A query splits into quoted phrases (closed or not), and runs of non-blank characters.
_PIECE = re.compile(r'(-*)"([^"]*)("?)|(\S+)')


def tokens(text: str) -> list[str]:
    """The folded search tokens of ``text``, in order ("Đường GPT-4o" -> ["duong", "gpt", "4o"])."""
    return _TOKEN.findall(fold(text))


@dataclass(frozen=True)
class Term:
    """One word (``words`` has one token) or a phrase (several tokens, adjacent, in order)."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def __str__(self) -> str:
        return f'"{" ".join(self.words)}"' if self.is_phrase else self.words[0]


@dataclass(frozen=True)
class Clause:
    """Alternatives joined by OR; a clause without OR has one alternative."""

    alternatives: tuple[Term, ...]

    def __str__(self) -> str:
        return " OR ".join(str(term) for term in self.alternatives)


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed query: every clause must match, no excluded term may."""

    text: str
    required: tuple[Clause, ...]
    excluded: tuple[Term, ...] = ()

    @property
    def positive_terms(self) -> tuple[Term, ...]:
        """The terms to highlight (exclusions are never shown as matches)."""
        return tuple(term for clause in self.required for term in clause.alternatives)

    @property
    def single_phrase(self) -> Term | None:
        """The phrase when the query is one quoted phrase and nothing else (both backends rank
        such a query by where the phrase stands, and read it their own way)."""
        if self.excluded or len(self.required) != 1 or len(self.required[0].alternatives) != 1:
            return None
        term = self.required[0].alternatives[0]
        return term if term.is_phrase else None

    def __str__(self) -> str:
        parts = [str(clause) if len(clause.alternatives) == 1 else f"({clause})" for clause in self.required]
        parts += [f"-{term}" for term in self.excluded]
        return " ".join(parts)


def _pieces(text: str) -> list[tuple[str, bool, bool]]:
    """(text, excluded, quoted) for each piece of the query, in order; OR stays a bare piece."""
    pieces: list[tuple[str, bool, bool]] = []
    for match in _PIECE.finditer(text):
        dashes, phrase, closing, bare = match.groups()
        if bare is not None:
            stripped = bare.lstrip("-")
            pieces.append((stripped, bool(stripped) and stripped != bare, False))
            continue
        if not closing:
            raise BadQuery('unbalanced quotes: close the phrase with " or remove the quote')
        pieces.append((phrase, bool(dashes), True))
    return pieces


def parse_query(text: str) -> ParsedQuery:
    """Parse ``text``; raise ``BadQuery`` (with a message meant for the reader) if it is unusable."""
    if not isinstance(text, str):
        raise BadQuery("the query must be text")
    text = nfc(text).replace("\x00", " ").strip()
    if not text:
        raise BadQuery("empty query: type one or more words to search for")
    if len(text) > MAX_QUERY_CHARS:
        raise BadQuery(f"the query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for piece, is_excluded, quoted in _pieces(text):
        if not quoted and piece == "OR":
            join_next = bool(groups)
            continue
        words = tuple(tokens(piece))
        if not words:
            continue
        term = Term(words)
        if is_excluded:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    if not groups:
        if excluded:
            raise BadQuery("the query only excludes words: add at least one word to search for")
        raise BadQuery("the query has no letters or digits to search for")
    if sum(len(group) for group in groups) + len(excluded) > MAX_TERMS:
        raise BadQuery(f"too many words or phrases in the query (at most {MAX_TERMS})")
    required = tuple(Clause(tuple(dict.fromkeys(group))) for group in groups)
    return ParsedQuery(text=text, required=tuple(dict.fromkeys(required)), excluded=tuple(dict.fromkeys(excluded)))
