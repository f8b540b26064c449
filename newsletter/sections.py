"""The edition's layout: topic tags -> sections, the "top stories" block and ranking weights.

The layout lives in a TOML file (``newsletter/sections.toml`` by default; see its comments).
Section titles are the readers' words and come from that file; nothing here is shown to readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bantin.errors import ConfigError
from bantin.resources import shipped
from bantin.tomlfile import read_toml

__all__ = ["default_sections_file", "Ranking", "Section", "SectionConfig", "load_sections"]


_TABLE_KEYS = {
    "edition": {"top_stories", "max_items", "generic_topics", "topic_threshold"},
    "ranking": {"relevance", "recency", "outlets", "outlets_full"},
}
_SECTION_KEYS = {"key", "title", "tags", "fallback"}
_KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def default_sections_file() -> Path:
    """The shipped sections file (package data of ``bantin.newsletter``)."""
    return shipped("bantin.newsletter", "sections.toml")


@dataclass(frozen=True)
class Section:
    """A topic section: its stable key (stored on edition items), title and the tags it takes."""

    key: str
    title: str
    tags: tuple[str, ...] = ()
    fallback: bool = False


@dataclass(frozen=True)
class Ranking:
    """Weights of a story's score: relevance, recency in the period and number of outlets."""

    relevance: float = 0.6
    recency: float = 0.25
    outlets: float = 0.15
    outlets_full: int = 4


@dataclass(frozen=True)
class SectionConfig:
    """Sections in display order (exactly one is the fallback), top-stories size, item cap."""

    sections: tuple[Section, ...]
    top_stories: int = 3
    max_items: int = 40
    ranking: Ranking = Ranking()
    path: Path | None = None
    generic_topics: tuple[str, ...] = ("ai",)
    topic_threshold: float = 0.5

    @property
    def fallback(self) -> Section:
        return next(section for section in self.sections if section.fallback)

    def _strongest(self, topics: Iterable[str]) -> list[str]:
        """The specific topics (generic ones such as "ai" left out), strongest first, folded."""
        generic = {tag.casefold() for tag in self.generic_topics}
        folded = (str(topic).strip().casefold() for topic in topics)
        return [tag for tag in dict.fromkeys(folded) if tag and tag not in generic]

    def _listing(self, tag: str) -> Section:
        return next((section for section in self.sections if tag in section.tags), self.fallback)

    def section_for(self, topics: Iterable[str]) -> Section:
        """The section that lists the strongest specific topic (stored strongest first), else the fallback.

        Only the strongest topic decides: a weaker tag further down never pulls a story into its
        section. Tags compare case-insensitively; a tag listed by two sections goes to the earlier one.
        """
        strongest = self._strongest(topics)
        return self._listing(strongest[0]) if strongest else self.fallback

    def section_for_story(self, members: Sequence[Iterable[str]]) -> Section:
        """A story's section: its strongest topic if it is strong enough, else the fallback ("Tin khác").

        A topic's strength in a story is the mean over its articles of 1 / rank (1 for an article's
        strongest specific topic, 1/2 for its second …, 0 when the article lacks it); the strongest
        topic must reach ``topic_threshold`` (the ``[edition]`` key), e.g. 0.5: the strongest topic
        of at least half the outlets' articles.
        """
        if not members:
            return self.fallback
        strength: dict[str, float] = {}
        for topics in members:
            for rank, tag in enumerate(self._strongest(topics), start=1):
                strength[tag] = strength.get(tag, 0.0) + 1.0 / rank / len(members)
        if not strength:
            return self.fallback
        best = min(strength, key=lambda tag: (-strength[tag], tag))
        return self._listing(best) if strength[best] >= self.topic_threshold - 1e-9 else self.fallback

    def by_key(self, key: str) -> Section:
        """The section stored under ``key`` (an older edition's unknown key reads as the fallback)."""
        return next((section for section in self.sections if section.key == key), self.fallback)


def load_sections(path: Path | None = None) -> SectionConfig:
    """Read a layout file (default: the shipped ``newsletter/sections.toml``).

    Raises ``ConfigError`` naming the file, the line where known, and the offending key.
    """
    path = Path(path) if path is not None else default_sections_file()
    data, text = read_toml(path, error=ConfigError, name="sections file")
    return _parse(data, path, text)


def _parse(data: dict[str, Any], path: Path, text: str) -> SectionConfig:
    def fail(key: str, problem: str) -> ConfigError:
        line = _line_of(text, key)
        where = f"{path}, line {line}" if line else str(path)
        return ConfigError(f"sections file {where}: key {key!r}: {problem}")

    for name in data:
        if name not in _TABLE_KEYS and name != "section":
            raise fail(name, "unknown key (expected edition, ranking or section)")
    edition = _table(data, "edition", fail)
    ranking = _table(data, "ranking", fail)
    sections = tuple(_section(raw, fail) for raw in _section_list(data, fail))
    if not sections:
        raise fail("section", "at least one [[section]] is needed")
    keys = [section.key for section in sections]
    duplicate = next((key for key in keys if keys.count(key) > 1), None)
    if duplicate:
        raise fail("key", f"section key {duplicate!r} is used twice")
    if sum(section.fallback for section in sections) != 1:
        raise fail("fallback", "exactly one section must have fallback = true")
    return SectionConfig(
        sections=sections,
        top_stories=_int(edition, "top_stories", 3, fail),
        max_items=max(1, _int(edition, "max_items", 40, fail)),
        generic_topics=_tags(edition, "generic_topics", ("ai",), fail),
        topic_threshold=_number(edition, "topic_threshold", 0.5, fail),
        ranking=Ranking(
            relevance=_number(ranking, "relevance", 0.6, fail),
            recency=_number(ranking, "recency", 0.25, fail),
            outlets=_number(ranking, "outlets", 0.15, fail),
            outlets_full=max(2, _int(ranking, "outlets_full", 4, fail)),
        ),
        path=path,
    )


def _table(data: dict[str, Any], name: str, fail) -> dict[str, Any]:  # noqa: ANN001
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise fail(name, "must be a table")
    for key in table:
        if key not in _TABLE_KEYS[name]:
            raise fail(key, f"unknown key in [{name}] (expected {', '.join(sorted(_TABLE_KEYS[name]))})")
    return table


def _section_list(data: dict[str, Any], fail) -> list[dict[str, Any]]:  # noqa: ANN001
    raw = data.get("section", [])
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        raise fail("section", "must be an array of tables ([[section]])")
    return raw


def _section(raw: dict[str, Any], fail) -> Section:  # noqa: ANN001
    for key in raw:
        if key not in _SECTION_KEYS:
            raise fail(key, f"unknown key in [[section]] (expected {', '.join(sorted(_SECTION_KEYS))})")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY_PATTERN.match(key):
        raise fail("key", "each section needs a key of lowercase letters, digits, '-' or '_'")
    if key == "top":
        raise fail("key", "'top' is reserved for the top stories block")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("title", f"section {key!r} needs a title")
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise fail("tags", f"section {key!r}: tags must be a list of strings")
    fallback = raw.get("fallback", False)
    if not isinstance(fallback, bool):
        raise fail("fallback", f"section {key!r}: fallback must be true or false")
    return Section(key, title.strip(), tuple(tag.strip().casefold() for tag in tags), fallback)


def _int(table: dict[str, Any], key: str, default: int, fail) -> int:  # noqa: ANN001
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise fail(key, "must be a whole number >= 0")
    return value


def _number(table: dict[str, Any], key: str, default: float, fail) -> float:  # noqa: ANN001
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise fail(key, "must be a number >= 0")
    return float(value)


def _tags(table: dict[str, Any], key: str, default: tuple[str, ...], fail) -> tuple[str, ...]:  # noqa: ANN001
    value = table.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise fail(key, "must be a list of strings")
    return tuple(tag.strip().casefold() for tag in value)


def _line_of(text: str, key: str) -> int | None:
    """The first line (1-based) where ``key`` is assigned or opens a table, if any."""
    pattern = re.compile(rf"^\s*(\[\[?\s*{re.escape(key)}\s*\]\]?|{re.escape(key)}\s*=)")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None
