"""Answers kept while the archive does not change: a page is rendered once per archive state.

The archive's state is the identity, size and modification time of the SQLite file and its WAL
(``ArchiveWatch.version``): any commit, by any process, changes it. A kept answer is served while
the state is unchanged (at most ``MAX_AGE_S``, against a timestamp too coarse to see two commits
apart), and for ``GRACE_S`` after a change (micro-caching: a crawl that commits every few
milliseconds would otherwise make every page be rendered again; a reader sees a write at most
``GRACE_S`` late). An answer past that is still served while one request renders it again
(single flight: twenty clients asking for a changed page make one render, not twenty).
PostgreSQL archives have no such state here: nothing is kept. Only complete 200 answers to GET
(and HEAD) of at most ``MAX_BODY`` bytes are kept, ``MAX_ENTRIES`` at most, the least recently
used going first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

__all__ = ["GRACE_S", "MAX_AGE_S", "MAX_BODY", "MAX_ENTRIES", "ResponseCache"]

MAX_ENTRIES = 512
MAX_BODY = 512 * 1024
MAX_AGE_S = 10.0
GRACE_S = 1.0

Key = tuple[str, str, bytes]  # host, path, query


@dataclass
class _Kept:
    version: Any
    at: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass
class ResponseCache:
    entries: OrderedDict[Key, _Kept] = field(default_factory=OrderedDict)
    refreshing: set[Key] = field(default_factory=set)  # keys one request is rendering again now

    def lookup(self, key: Key, version: Any) -> tuple[_Kept | None, bool]:
        """(the kept answer or None, whether it is fresh enough to serve without rendering)."""
        kept = self.entries.get(key)
        if kept is None:
            return None, False
        age = time.monotonic() - kept.at
        self.entries.move_to_end(key)
        return kept, age <= MAX_AGE_S and (kept.version == version or age <= GRACE_S)

    def put(self, key: Key, version: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if status != 200 or len(body) > MAX_BODY:
            return
        self.entries[key] = _Kept(version, time.monotonic(), status, headers, body)
        self.entries.move_to_end(key)
        while len(self.entries) > MAX_ENTRIES:
            self.entries.popitem(last=False)

    def clear(self) -> None:
        self.entries.clear()
        self.refreshing.clear()
