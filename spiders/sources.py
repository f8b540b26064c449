"""The sources file: which outlets to crawl, where their feeds are, how their pages look.

A user adds a site by adding a ``[sources.KEY]`` table (and optionally
``[sources.KEY.selectors]``) to a TOML file; no code changes. Errors name the file, the line
and the offending key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from bantin.errors import SourcesFileError
from bantin.resources import shipped
from bantin.tomlfile import Spot, StringOrStrings, Strings, dotted, load_toml, problem

__all__ = ["Selectors", "SourceConfig", "default_sources_file", "load_sources", "select_sources"]

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _compiles(patterns: Any) -> Any:
    for pattern in (patterns,) if isinstance(patterns, str) else patterns or ():
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
    return patterns


# Regular expressions, checked when the file is read.
_Pattern = Annotated[StrictStr, AfterValidator(_compiles)]
_Patterns = Annotated[StringOrStrings, AfterValidator(_compiles)]
# The dataclasses below are also the file's schema: pydantic reads the tables into them through
# these annotations (strict: TOML has the types; unknown keys are mistakes). Code builds them as
# plain dataclasses.
_SCHEMA = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Selectors:
    """CSS selectors (parsel syntax, ``::attr(name)`` allowed) of one site's article pages.

    Each field lists selectors tried in order (the file takes one string or a list). ``drop``
    removes nodes from the body before its paragraphs are read (related links, captions, ads,
    author boxes); ``drop_text`` removes body paragraphs matching these regular expressions;
    ``lead_strip`` removes matches from the lead (e.g. the "(Dân trí) -" prefix).
    """

    __pydantic_config__ = _SCHEMA

    title: StringOrStrings = ()
    lead: StringOrStrings = ()
    body: StringOrStrings = ()
    published: StringOrStrings = ()
    author: StringOrStrings = ()
    drop: StringOrStrings = ()
    drop_text: _Patterns = ()
    lead_strip: _Patterns = ()

    @property
    def usable(self) -> bool:
        return bool(self.title and self.body)


@dataclass(frozen=True)
class SourceConfig:
    """One outlet (or one section of it) as the sources file describes it (``key``: its table's name)."""

    __pydantic_config__ = _SCHEMA

    key: StrictStr
    name: StrictStr
    homepage: StrictStr
    feeds: Strings = ()
    sitemaps: Strings = ()
    sections: Strings = ()
    section_depth: StrictInt = 1
    article_pattern: _Pattern | None = None
    language: StrictStr = "vi"
    enabled: StrictBool = True
    delay_s: StrictFloat = 0.5
    selectors: Selectors = field(default_factory=Selectors)

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` looks like one of this source's article pages."""
        return bool(self.article_pattern and re.search(self.article_pattern, url))


class _SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    sources: dict[str, SourceConfig] = Field(default_factory=dict)

    @field_validator("sources", mode="before")
    @classmethod
    def _named(cls, sources: Any) -> Any:
        """A table's name is its source's key; a ``key`` inside the table is unknown."""
        if not isinstance(sources, dict):
            return sources
        for key, table in sources.items():
            if isinstance(table, dict) and "key" in table:
                raise problem(("sources", key), "key", "unknown key (the table's name is the source's key)")
        return {key: {**table, "key": key} if isinstance(table, dict) else table for key, table in sources.items()}

    @model_validator(mode="after")
    def _sources(self) -> _SourcesFile:
        for key, source in self.sources.items():
            if not _KEY.match(key):
                raise problem(("sources",), key, "source keys use a-z, 0-9, '-' and '_' (at most 64)")
            if not (source.feeds or source.sitemaps or source.sections):
                raise problem(("sources",), key, "needs at least one of feeds, sitemaps, sections")
        return self


def _describe(spot: Spot) -> str:
    """The loader's words, less ``key`` among a table's known keys (the table's name is the key)."""
    return dotted(replace(spot, known=tuple(name for name in spot.known if name != "key")))


def default_sources_file() -> Path:
    """The shipped sources file (package data of ``bantin.spiders``)."""
    return shipped("bantin.spiders", "sources.toml")


def load_sources(path: Path | None = None) -> list[SourceConfig]:
    """The sources listed in the TOML file at ``path`` (default: the shipped one), disabled ones
    included, in file order."""
    path = Path(path) if path is not None else default_sources_file()
    data = load_toml(path, _SourcesFile, error=SourcesFileError, name="sources file", describe=_describe)
    if not data.sources:
        raise SourcesFileError(f"{path}: no [sources.KEY] tables")
    return list(data.sources.values())


def select_sources(all_sources: Sequence[SourceConfig], keys: Sequence[str] | None) -> list[SourceConfig]:
    """The enabled sources, or exactly those named in ``keys`` (unknown keys are an error)."""
    if not keys:
        return [source for source in all_sources if source.enabled]
    by_key = {source.key: source for source in all_sources}
    unknown = [key for key in keys if key not in by_key]
    if unknown:
        raise SourcesFileError(f"unknown source(s): {', '.join(unknown)} (known: {', '.join(by_key)})")
    return [by_key[key] for key in dict.fromkeys(keys)]
