"""AI relevance: a score in [0, 1] and topic tags from the lexicon in ``lexicon.toml``.

score = 1 - exp(-S / SCALE), where S sums, over the lexicon's terms, topic weight x
(3 x title hits + 1.5 x lead hits + body hits, at most 5 per term). One passing mention of "AI"
in a long body scores about 0.2; an article about AI scores above 0.8.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bantin.errors import ConfigError
from bantin.resources import shipped
from bantin.text import canonical_tones, nfc

__all__ = ["Lexicon", "Relevance", "load_lexicon", "score_relevance"]

TITLE_WEIGHT, LEAD_WEIGHT, BODY_CAP, SCALE = 3.0, 1.5, 5, 4.0


@dataclass(frozen=True)
class Relevance:
    """An article's AI relevance and the topics it is about (strongest first)."""

    score: float
    topics: tuple[str, ...]


@dataclass(frozen=True)
class _Topic:
    key: str
    weight: float
    pattern: re.Pattern[str]
    exact: re.Pattern[str] | None


@dataclass(frozen=True)
class Lexicon:
    topics: tuple[_Topic, ...]


def _alternation(terms: list[str]) -> str:
    ordered = sorted({canonical_tones(nfc(t)) for t in terms}, key=len, reverse=True)
    return r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in ordered) + r")(?![\w-])"


@cache
def load_lexicon(path: Path | None = None) -> Lexicon:
    """The lexicon at ``path`` (default: the shipped one); ``ConfigError`` naming the file when it is unusable."""
    path = Path(path) if path is not None else shipped("bantin.spiders", "lexicon.toml")
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        topics = []
        for key, topic in data["topics"].items():
            terms = [str(t) for t in topic["terms"]]
            exact = [t for t in terms if t.upper() == t and any(c.isalpha() for c in t)]
            loose = [t for t in terms if t not in exact]
            topics.append(_Topic(
                key, float(topic.get("weight", 1.0)),
                re.compile(_alternation(loose), re.IGNORECASE) if loose else re.compile(r"(?!x)x"),
                re.compile(_alternation(exact)) if exact else None,
            ))
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: unusable relevance lexicon ({type(exc).__name__}: {exc})") from exc
    return Lexicon(tuple(topics))


def _hits(topic: _Topic, text: str, cap: int | None) -> float:
    counts: dict[str, int] = defaultdict(int)
    for pattern in (topic.pattern, topic.exact):
        if pattern is not None:
            for match in pattern.finditer(text):
                counts[match.group(0).casefold()] += 1
    return float(sum(min(n, cap) if cap else n for n in counts.values()))


def score_relevance(title: str, lead: str, body: str, lexicon: Lexicon | None = None) -> Relevance:
    """Score an article's AI relevance from its title (3x), lead (1.5x) and body."""
    lexicon = lexicon or load_lexicon()
    title, lead, body = (canonical_tones(nfc(part or "")) for part in (title, lead, body))
    per_topic: dict[str, float] = {}
    total = 0.0
    for topic in lexicon.topics:
        head = TITLE_WEIGHT * _hits(topic, title, None) + LEAD_WEIGHT * _hits(topic, lead, None)
        value = head + _hits(topic, body, BODY_CAP)
        total += topic.weight * value
        if head >= TITLE_WEIGHT / 2 or value >= 2:
            per_topic[topic.key] = topic.weight * value
    score = round(1.0 - math.exp(-total / SCALE), 4)
    return Relevance(score, tuple(sorted(per_topic, key=lambda k: (-per_topic[k], k))))
