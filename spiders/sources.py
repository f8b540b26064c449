"""The sources file: which outlets to crawl, where their feeds are, how their pages look.

A user adds a site by adding a ``[sources.KEY]`` table (and optionally
``[sources.KEY.selectors]``) to a TOML file; no code changes. Errors name the file, the line
and the offending key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bantin.errors import SourcesFileError
from bantin.resources import shipped
from bantin.tomlfile import line_of, read_toml

__all__ = ["Selectors", "SourceConfig", "default_sources_file", "load_sources", "select_sources"]

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Selectors:
    """CSS selectors (parsel syntax, ``::attr(name)`` allowed) of one site's article pages.

    Each field lists selectors tried in order. ``drop`` removes nodes from the body before its
    paragraphs are read (related links, captions, ads, author boxes); ``drop_text`` removes body
    paragraphs matching these regular expressions; ``lead_strip`` removes matches from the lead
    (e.g. the "(Dân trí) -" prefix).
    """

    title: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    drop_text: tuple[str, ...] = ()
    lead_strip: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return bool(self.title and self.body)


@dataclass(frozen=True)
class SourceConfig:
    """One outlet (or one section of it) as the sources file describes it."""

    key: str
    name: str
    homepage: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    section_depth: int = 1
    article_pattern: str | None = None
    language: str = "vi"
    enabled: bool = True
    delay_s: float = 0.5
    selectors: Selectors = field(default_factory=Selectors)

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` looks like one of this source's article pages."""
        return bool(self.article_pattern and re.search(self.article_pattern, url))


_SOURCE_KEYS = {
    "name": str, "homepage": str, "feeds": list, "sitemaps": list, "sections": list,
    "section_depth": int, "article_pattern": str, "language": str, "enabled": bool,
    "delay_s": (int, float), "selectors": dict,
}
_SELECTOR_KEYS = {name: (str, list) for name in Selectors.__dataclass_fields__}


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def fail(self, table: Sequence[str], key: str, problem: str) -> SourcesFileError:
        line = line_of(self.text, table, key)
        where = f"{self.path}:{line}" if line else str(self.path)
        return SourcesFileError(f"{where}: key {'.'.join([*table, key])!r}: {problem}")

    def check(self, table: Sequence[str], data: Mapping[str, Any], allowed: Mapping[str, Any]) -> None:
        for key, value in data.items():
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(table, key, f"unknown key (known keys: {known})")
            if not isinstance(value, allowed[key]) or isinstance(value, bool) and allowed[key] in (int, (int, float)):
                raise self.fail(table, key, f"wrong type {type(value).__name__}")
            if isinstance(value, list) and not all(isinstance(item, str) for item in value):
                raise self.fail(table, key, "must be a list of strings")

    def selectors(self, table: Sequence[str], data: Mapping[str, Any]) -> Selectors:
        self.check(table, data, _SELECTOR_KEYS)
        values = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in data.items()}
        for key in ("drop_text", "lead_strip"):
            for pattern in values.get(key, ()):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise self.fail(table, key, f"bad regular expression {pattern!r}: {exc}") from exc
        return Selectors(**values)

    def source(self, key: str, data: Any) -> SourceConfig:
        table = ["sources", key]
        if not isinstance(data, dict):
            raise self.fail(["sources"], key, "must be a table")
        if not _KEY.match(key):
            raise self.fail(["sources"], key, "source keys use a-z, 0-9, '-' and '_' (at most 64)")
        self.check(table, data, _SOURCE_KEYS)
        for required in ("name", "homepage"):
            if required not in data:
                raise self.fail(["sources"], key, f"missing required key {required!r}")
        if not (data.get("feeds") or data.get("sitemaps") or data.get("sections")):
            raise self.fail(["sources"], key, "needs at least one of feeds, sitemaps, sections")
        if "article_pattern" in data:
            try:
                re.compile(data["article_pattern"])
            except re.error as exc:
                raise self.fail(table, "article_pattern", f"bad regular expression: {exc}") from exc
        plain = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k != "selectors"}
        return SourceConfig(
            key=key, selectors=self.selectors([*table, "selectors"], data.get("selectors", {})), **plain
        )


def default_sources_file() -> Path:
    """The shipped sources file (package data of ``bantin.spiders``)."""
    return shipped("bantin.spiders", "sources.toml")


def load_sources(path: Path | None = None) -> list[SourceConfig]:
    """The sources listed in the TOML file at ``path`` (default: the shipped one), disabled ones
    included, in file order."""
    path = Path(path) if path is not None else default_sources_file()
    data, text = read_toml(path, error=SourcesFileError, name="sources file")
    reader = _Reader(path, text)
    reader.check([], data, {"sources": dict})
    sources = data.get("sources")
    if not sources:
        raise SourcesFileError(f"{path}: no [sources.KEY] tables")
    return [reader.source(key, value) for key, value in sources.items()]


def select_sources(all_sources: Sequence[SourceConfig], keys: Sequence[str] | None) -> list[SourceConfig]:
    """The enabled sources, or exactly those named in ``keys`` (unknown keys are an error)."""
    if not keys:
        return [source for source in all_sources if source.enabled]
    by_key = {source.key: source for source in all_sources}
    unknown = [key for key in keys if key not in by_key]
    if unknown:
        raise SourcesFileError(f"unknown source(s): {', '.join(unknown)} (known: {', '.join(by_key)})")
    return [by_key[key] for key in dict.fromkeys(keys)]
