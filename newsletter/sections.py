"""The edition's layout: topic tags -> sections, the "top stories" block and ranking weights.

The layout lives in a TOML file (``newsletter/sections.toml`` by default; see its comments).
Section titles are the readers' words and come from that file; nothing here is shown to readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from bantin.errors import ConfigError
from bantin.resources import shipped
from bantin.tomlfile import Spot, Strings, load_toml, problem

__all__ = ["default_sections_file", "Ranking", "Section", "SectionConfig", "load_sections"]


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
    data = load_toml(path, _SectionsFile, error=ConfigError, name="sections file", describe=_describe)
    edition, ranking = data.edition, data.ranking
    return SectionConfig(
        sections=tuple(Section(s.key, s.title.strip(), _folded(s.tags), s.fallback) for s in data.section),
        top_stories=edition.top_stories,
        max_items=max(1, edition.max_items),
        generic_topics=_folded(edition.generic_topics),
        topic_threshold=edition.topic_threshold,
        ranking=Ranking(relevance=ranking.relevance, recency=ranking.recency, outlets=ranking.outlets,
                        outlets_full=max(2, ranking.outlets_full)),
        path=path,
    )


def _folded(tags: Iterable[str]) -> tuple[str, ...]:
    return tuple(tag.strip().casefold() for tag in tags)


def _describe(spot: Spot) -> str:
    """``sections file FILE, line N: key 'colour': unknown key in [edition] (expected …)``."""
    where = f"{spot.path}, line {spot.line}" if spot.line else str(spot.path)
    message = spot.message
    if spot.known:
        table = spot.names[0] if len(spot.names) > 1 else ""
        inside = " in [[section]]" if table == "section" else f" in [{table}]" if table else ""
        message = f"{message}{inside} (expected {', '.join(spot.known)})"
    key = spot.names[-1] if spot.names else ""
    return f"sections file {where}: key {key!r}: {message}"


# The file's schema (pydantic); load_sections turns it into SectionConfig.
def _whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("must be a whole number >= 0")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError("must be a number >= 0")
    return float(value)


_Count = Annotated[int, BeforeValidator(_whole_number)]
_Weight = Annotated[float, BeforeValidator(_number)]


class _Edition(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    top_stories: _Count = 3
    max_items: _Count = 40
    generic_topics: Strings = ("ai",)
    topic_threshold: _Weight = 0.5


class _Ranking(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    relevance: _Weight = 0.6
    recency: _Weight = 0.25
    outlets: _Weight = 0.15
    outlets_full: _Count = 4


class _SectionModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, validate_default=True)

    key: str = ""
    title: str = ""
    tags: Strings = ()
    fallback: bool = False

    @field_validator("key", mode="before")
    @classmethod
    def _key(cls, key: Any) -> str:
        if not isinstance(key, str) or not _KEY_PATTERN.match(key):
            raise ValueError("each section needs a key of lowercase letters, digits, '-' or '_'")
        if key == "top":
            raise ValueError("'top' is reserved for the top stories block")
        return key

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, title: Any, info: ValidationInfo) -> str:
        if not isinstance(title, str) or not title.strip():
            raise ValueError(f"section {info.data.get('key', '')!r} needs a title")
        return title

    @field_validator("fallback", mode="before")
    @classmethod
    def _fallback(cls, fallback: Any, info: ValidationInfo) -> bool:
        if not isinstance(fallback, bool):
            raise ValueError(f"section {info.data.get('key', '')!r}: fallback must be true or false")
        return fallback


class _SectionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    edition: _Edition = Field(default_factory=_Edition)
    ranking: _Ranking = Field(default_factory=_Ranking)
    section: list[_SectionModel] = Field(default_factory=list)

    @model_validator(mode="after")
    def _layout(self) -> _SectionsFile:
        if not self.section:
            raise problem((), "section", "at least one [[section]] is needed")
        keys = [section.key for section in self.section]
        for index, key in enumerate(keys):
            if key in keys[:index]:
                raise problem(("section", index), "key", f"section key {key!r} is used twice")
        if sum(section.fallback for section in self.section) != 1:
            raise problem(("section",), "fallback", "exactly one section must have fallback = true")
        return self
