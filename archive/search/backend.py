"""The one interface both search backends implement (PostgreSQL in ``postgres.py``, SQLite in
``sqlite.py``); ``search`` talks to a backend only through it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection

from bantin.archive.search.filters import SearchFilters
from bantin.archive.search.query import ParsedQuery
from bantin.archive.search.results import Found

__all__ = ["SearchBackend"]


class SearchBackend(Protocol):
    def candidates(
        self, conn: Connection, parsed: ParsedQuery, filters: SearchFilters, source_ids: tuple[int, ...], cap: int,
        keep: int, now: datetime,
    ) -> Found:
        """The best ``keep`` (by ``results.rank``'s score at ``now``, without adjacency) of the
        matches worth ranking (all, or at least the newest ``cap`` and the newest title
        matches), and how many match in all."""
        ...

    def adjacency(self, conn: Connection, ids: list[int], pairs: list[tuple[str, str]]) -> dict[int, int]:
        """For each article of ``ids``: how many of the word ``pairs`` it has side by side, in order."""
        ...

    def has(self, conn: Connection, lexeme: str) -> bool:
        """Whether any article has the word, or the two words side by side ("nhan tao")."""
        ...

    def matches_any(self, conn: Connection, parsed: ParsedQuery) -> bool:
        """Whether any article matches ``parsed`` (filters aside)."""
        ...

    def suggestions(self, conn: Connection, word: str, limit: int) -> list[str]:
        """Indexed words most like ``word``, best first, for "did you mean"."""
        ...

    def topic_exists(self, conn: Connection, topic: str) -> bool:
        """Whether any archived article has ``topic``."""
        ...
