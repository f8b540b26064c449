"""Who is in the news: the entities file (``spiders/entities.toml``) and the matcher that counts
its entities in an article's title, lead and body.

Matching rules (the file's header says the same to an editor):

- an alias of case ``any`` matches on text folded like search folds it (no diacritics, đ -> d,
  one tone placement) in any capitalization: "Bo Khoa hoc va Cong nghe" finds the ministry;
- an alias of case ``exact`` (and every alias written all in capitals: FPT, AMD) matches the NFC
  text as written, diacritics included, or in capitals: "Meta" is not "meta", "Be" is not "Bé";
- matches are whole words (no letter or digit on either side), the longest alias wins where two
  overlap ("Google DeepMind" is DeepMind), an entity with ``context`` words counts a match
  only when one of them is within ``CONTEXT_WINDOW`` characters, and a match inside one of the
  entity's ``exclude`` phrases does not count ("cán bộ công an" is not the ministry).

No SQL here: ``bantin.archive.mentions`` stores what ``match_article`` counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bantin.errors import BadQuery, ConfigError
from bantin.resources import shipped
from bantin.text import canonical_tones, fold, nfc
from bantin.tomlfile import load_toml, problem

__all__ = [
    "CONTEXT_WINDOW",
    "ENTITY_TERM",
    "KINDS",
    "Catalog",
    "Entity",
    "Mentions",
    "fold_keep_case",
    "known_entity_keys",
    "load_catalog",
    "match_article",
    "entity_terms",
    "match_text",
    "suggest_names",
]

KINDS = ("company", "lab", "model", "product", "agency", "person")
ENTITY_TERM = re.compile(r"(?<!\S)entity:([A-Za-z0-9_]+)(?!\S)")
CONTEXT_WINDOW = 80
_KEY = re.compile(r"^[a-z0-9_]+$")


class _EntityModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    kind: Literal["company", "lab", "model", "product", "agency", "person"]
    aliases: list[str] = Field(min_length=1)
    case: Literal["any", "exact"] = "any"
    context: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the name is empty")
        return nfc(value.strip())

    @field_validator("aliases", "context", "exclude")
    @classmethod
    def _words(cls, values: list[str]) -> list[str]:
        if any(not v.strip() for v in values):
            raise ValueError("an empty alias or context word")
        return [nfc(v.strip()) for v in values]

    @field_validator("regex")
    @classmethod
    def _regex(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"bad regular expression {value!r}: {exc}") from None
            if re.compile(value).search(""):
                raise ValueError(f"regular expression {value!r} matches the empty string")
        return values


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suggest_ignore: list[str] = Field(default_factory=list)
    entities: dict[str, _EntityModel]

    @model_validator(mode="after")
    def _unique(self) -> _FileModel:
        seen: dict[str, str] = {}
        for key, entity in self.entities.items():
            if not _KEY.match(key):
                raise problem(("entities",), key, "an entity key uses lowercase letters, digits and _ only")
            for alias in entity.aliases:
                folded = fold(canonical_tones(alias))
                other = seen.get(folded)
                if other is not None and other != key:
                    raise problem(("entities", key), "aliases", f"duplicate alias {alias!r} (also in entities.{other})")
                seen[folded] = key
        return self


@dataclass(frozen=True)
class Entity:
    """One entity of the file: its key (stored), display name, kind and how it is written."""

    key: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    case: str = "any"
    context: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mentions:
    """How often each entity is named in an article's title, lead and body."""

    title: Counter[str] = field(default_factory=Counter)
    lead: Counter[str] = field(default_factory=Counter)
    body: Counter[str] = field(default_factory=Counter)

    def rows(self) -> list[tuple[str, int, int, int]]:
        """(entity key, in title, in lead, in body) per entity named, sorted by key."""
        keys = sorted(set(self.title) | set(self.lead) | set(self.body))
        return [(k, self.title[k], self.lead[k], self.body[k]) for k in keys]

    def total(self) -> Counter[str]:
        return self.title + self.lead + self.body


def fold_keep_case(text: str) -> str:
    """``text`` (NFC) without diacritics, đ -> d, capitals kept; one character per character of ``text``."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d" if ch == "đ" else "D")
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


def _bounded(body: str) -> str:
    return rf"(?<![\w])(?:{body})(?![\w])"


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _is_capitals(alias: str) -> bool:
    return alias.upper() == alias and any(c.isalpha() for c in alias)


class Catalog:
    """The entities of one file and the compiled patterns that find them."""

    def __init__(self, entities: Iterable[Entity], suggest_ignore: Iterable[str] = (), path: Path | None = None) -> None:
        self.entities: dict[str, Entity] = {e.key: e for e in entities}
        self.suggest_ignore = frozenset(fold(canonical_tones(s)) for s in suggest_ignore)
        self.path = path
        loose: dict[str, str] = {}
        exact: dict[str, str] = {}
        self._regexes: list[tuple[re.Pattern[str], str, bool]] = []
        for entity in self.entities.values():
            for alias in entity.aliases:
                alias = canonical_tones(alias)
                if entity.case == "exact" or _is_capitals(alias):
                    exact[alias] = entity.key
                    exact.setdefault(alias.upper(), entity.key)
                else:
                    loose[fold(alias)] = entity.key
            for pattern in entity.regex:
                flags = 0 if entity.case == "exact" else re.IGNORECASE
                self._regexes.append((re.compile(_bounded(pattern), flags), entity.key, entity.case != "exact"))
        self._loose_keys = loose
        self._exact_keys = exact
        self._loose = re.compile(_bounded(_alternation(loose)), re.IGNORECASE) if loose else None
        self._exact = re.compile(_bounded(_alternation(exact))) if exact else None
        self._context = {
            e.key: [re.compile(_bounded(re.escape(fold(canonical_tones(w))))) for w in e.context]
            for e in self.entities.values() if e.context
        }
        self._exclude = {
            e.key: re.compile(_bounded(_alternation(fold(canonical_tones(w)) for w in e.exclude)))
            for e in self.entities.values() if e.exclude
        }

    def __len__(self) -> int:
        return len(self.entities)

    def name_of(self, key: str) -> str:
        entity = self.entities.get(key)
        return entity.name if entity else key

    def kind_of(self, key: str) -> str:
        entity = self.entities.get(key)
        return entity.kind if entity else ""

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, entity key) of every mention in ``text``, in order, overlaps resolved."""
        text = canonical_tones(nfc(text or ""))
        if not text:
            return []
        folded = fold_keep_case(text)
        candidates: list[tuple[int, int, str]] = []
        if self._loose is not None:
            for m in self._loose.finditer(folded):
                candidates.append((m.start(), m.end(), self._loose_keys[m.group(0).casefold()]))
        if self._exact is not None:
            for m in self._exact.finditer(text):
                candidates.append((m.start(), m.end(), self._exact_keys[m.group(0)]))
        for pattern, key, on_folded in self._regexes:
            for m in pattern.finditer(folded if on_folded else text):
                candidates.append((m.start(), m.end(), key))
        if not candidates:
            return []
        lowered = folded.casefold()
        excluded = {key: [m.span() for m in pattern.finditer(lowered)] for key, pattern in self._exclude.items()}
        chosen: list[tuple[int, int, str]] = []
        taken: list[tuple[int, int]] = []
        for start, end, key in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
            if any(start < e and s < end for s, e in taken):
                continue
            if key in self._context and not self._in_context(lowered, start, end, key):
                continue
            if any(s <= start and end <= e for s, e in excluded.get(key, ())):
                continue
            taken.append((start, end))
            chosen.append((start, end, key))
        return sorted(chosen)

    def _in_context(self, lowered: str, start: int, end: int, key: str) -> bool:
        window = lowered[max(0, start - CONTEXT_WINDOW): end + CONTEXT_WINDOW]
        return any(p.search(window) for p in self._context[key])


def match_text(text: str, catalog: Catalog | None = None) -> Counter[str]:
    """Mentions per entity key in ``text``."""
    catalog = catalog or load_catalog()
    return Counter(key for _, _, key in catalog.spans(text))


def match_article(title: str, lead: str, body: str, catalog: Catalog | None = None) -> Mentions:
    """Mentions per entity in the title, the lead and the body of an article."""
    catalog = catalog or load_catalog()
    return Mentions(match_text(title, catalog), match_text(lead, catalog), match_text(body, catalog))


@cache
def load_catalog(path: Path | None = None) -> Catalog:
    """The entities file at ``path`` (default: the shipped ``spiders/entities.toml``).

    A duplicate alias, an empty name, a bad regular expression or an unknown key raises
    ``ConfigError`` with one line naming the file, the line and the key.
    """
    path = Path(path) if path is not None else shipped("bantin.spiders", "entities.toml")
    data = load_toml(path, _FileModel, error=ConfigError)
    entities = [
        Entity(key, e.name, e.kind, tuple(e.aliases), e.case, tuple(e.context), tuple(e.regex), tuple(e.exclude))
        for key, e in data.entities.items()
    ]
    return Catalog(entities, data.suggest_ignore, path)


def entity_terms(query: str) -> tuple[str, tuple[str, ...]]:
    """``query`` without its ``entity:KEY`` terms, and those keys (lowercased), for search."""
    keys = tuple(dict.fromkeys(m.group(1).lower() for m in ENTITY_TERM.finditer(query)))
    return (" ".join(ENTITY_TERM.sub(" ", query).split()) if keys else query), keys


def known_entity_keys(keys: Iterable[str], query: str = "", catalog: Catalog | None = None) -> tuple[str, ...]:
    """``keys`` lowercased and without repeats, for the search's entity filter, once they and the
    ``entity:KEY`` terms of ``query`` are all in the entities file; ``BadQuery`` names the first
    one that is not (a key nobody has would only give an empty result)."""
    catalog = catalog or load_catalog()
    wanted = tuple(dict.fromkeys(key.strip().lower() for key in keys if key and key.strip()))
    for key in (*wanted, *entity_terms(query or "")[1]):
        if key not in catalog.entities:
            raise BadQuery(f"unknown entity '{key[:60]}' (`bantin entities list` shows the keys)")
    return wanted


# --- names the file lacks --------------------------------------------------------------------------

# Words that open a sentence or a name-like run without being part of a name.
_OPENERS = frozenset(fold(w) for w in (
    "Theo", "Các", "Tại", "Trong", "Khi", "Người", "Một", "Nhiều", "Ông", "Bà", "Anh", "Chị", "Cô", "Với", "Sau",
    "Trước", "Đây", "Đó", "Những", "Hãng", "Công ty", "Tập đoàn", "Giám đốc", "Ngoài", "Từ", "Nhưng", "Tuy",
    "Thay", "Để", "Vì", "Nếu", "Hiện", "Giới", "Bộ", "Ngày", "Năm", "Tháng", "Chủ tịch", "Phó", "Thủ tướng",
))
_SYLLABLE = r"[A-ZĐÀ-Ỹ][\w\-&.]*"
_NAME_RUN = re.compile(rf"(?<![\w])({_SYLLABLE}(?:\s+{_SYLLABLE})+)")


def suggest_names(texts: Iterable[str], catalog: Catalog | None = None, *, min_articles: int = 2,
                  limit: int = 30) -> list[tuple[str, int]]:
    """Capitalized multi-syllable names frequent in ``texts`` (one per article) but not in the file.

    Vietnamese proper names capitalize every syllable ("Trung tâm Đổi mới" is a phrase, "Đổi Mới
    Sáng Tạo" a name), so a run of two or more capitalized words is a candidate; an opening word
    such as "Theo" or "Các" is dropped, runs the file already knows (any alias inside) and the
    file's ``suggest_ignore`` are skipped. Returns (name, number of articles) most frequent first.
    """
    catalog = catalog or load_catalog()
    per_article: Counter[str] = Counter()
    shown: dict[str, Counter[str]] = {}
    for text in texts:
        text = canonical_tones(nfc(text or ""))
        found: set[str] = set()
        for match in _NAME_RUN.finditer(text):
            words = match.group(1).split()
            while words and fold(words[0]) in _OPENERS:
                words = words[1:]
            if len(words) < 2:
                continue
            name = " ".join(words).rstrip(".")
            folded = fold(name)
            if folded in catalog.suggest_ignore or catalog.spans(name):
                continue
            found.add(folded)
            shown.setdefault(folded, Counter())[name] += 1
        per_article.update(found)
    ranked = [(shown[k].most_common(1)[0][0], n) for k, n in per_article.items() if n >= min_articles]
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked[:limit]
