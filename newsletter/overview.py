"""The edition's opening, as an editor would write it: a headline naming the period's dominant
names and theme, and three key points (one per top story: its most informative summary sentence,
linked to the story).

- dominant names: the entities named by the most stories of the edition (a top story counts
  twice), at most two, each named by at least two stories or by a top story's title;
- theme: the commonest topic tag of the edition's stories (the generic "ai" tag left out);
- a key point: the summary sentence (or lead sentence) of the story that names the most entities
  and numbers, preferring sentences of 8-40 words; cut to ``MAX_POINT`` characters.

Machine-made from the stories themselves (no model writes here); the templates say so. The
overview paragraph, when a decoder-only model is configured, is written by the callable the
edges pass to ``build_edition`` and stored with the edition (``Overview.paragraph``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bantin.archive.entities import Catalog, load_catalog, match_text
from bantin.sentences import split_sentences

__all__ = ["KeyPoint", "Overview", "compose_overview", "key_sentence"]

MAX_POINT = 240
_NUMBER = re.compile(r"\d")


@dataclass(frozen=True)
class KeyPoint:
    text: str
    title: str
    url: str
    source: str


@dataclass(frozen=True)
class Overview:
    """The opening; ``paragraph`` is what a decoder-only model wrote when the edition was built
    (stored with it; "" without such a model) and ``paragraph_model`` the model's id."""

    headline: str
    points: tuple[KeyPoint, ...]
    names: tuple[str, ...] = ()
    theme: str = ""
    paragraph: str = ""
    paragraph_model: str = ""


def key_sentence(text: str, catalog: Catalog) -> str:
    """The most informative sentence of ``text`` (entities and numbers, a readable length)."""
    sentences = split_sentences(text or "")
    if not sentences:
        return ""

    def score(sentence: str) -> tuple[float, int]:
        words = len(sentence.split())
        named = sum(match_text(sentence, catalog).values())
        numbers = len(_NUMBER.findall(sentence)) > 0
        fits = 1.0 if 8 <= words <= 40 else 0.0
        return (2.0 * min(named, 3) + 1.0 * numbers + fits, -sentences.index(sentence))

    best = max(sentences, key=score)
    return best if len(best) <= MAX_POINT else best[: MAX_POINT - 1].rsplit(" ", 1)[0] + "…"


def compose_overview(
    items: Sequence[Any],
    top_ids: Sequence[int],
    item_ids: Sequence[int],
    mentions: Mapping[int, Counter[str]],
    topics: Mapping[int, Sequence[str]],
    *,
    kind: str,
    topic_labels: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
) -> Overview | None:
    """The overview of an edition whose stories are ``items`` (``item_ids`` their articles, in the
    same order; ``top_ids`` those of the top stories); None for an edition without stories."""
    if not items:
        return None
    catalog = catalog or load_catalog()
    top = set(top_ids)
    weight: Counter[str] = Counter()
    stories: Counter[str] = Counter()
    in_top_title: set[str] = set()
    for item, article_id in zip(items, item_ids, strict=True):
        for key in mentions.get(article_id, {}):
            weight[key] += 2 if article_id in top else 1
            stories[key] += 1
        if article_id in top:
            in_top_title.update(match_text(item.title or "", catalog))
    names = [key for key, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))
             if stories[key] >= 2 or key in in_top_title][:2]
    shown = [catalog.name_of(key) for key in names]
    theme_counts = Counter(t for article_id in item_ids for t in topics.get(article_id, ()) if t != "ai")
    theme_key = min(theme_counts, key=lambda t: (-theme_counts[t], t)) if theme_counts else ""
    theme = (topic_labels or {}).get(theme_key, theme_key)
    when = {"daily": "hôm nay", "weekly": "tuần này"}.get(kind, "kỳ này")
    if shown:
        headline = f"{' và '.join(shown)} dẫn đầu tin AI {when}"
        headline += f", tâm điểm: {theme}" if theme else ""
    elif theme:
        headline = f"Tâm điểm tin AI {when}: {theme}"
    else:
        headline = items[0].title or f"Tin AI {when}"
    points = []
    for item, article_id in zip(items, item_ids, strict=True):
        if article_id in top and len(points) < 3:
            sentence = key_sentence(item.summary, catalog) or item.title
            points.append(KeyPoint(sentence, item.title, item.url, item.source))
    if len(points) < 3:  # fewer top stories than three: the next stories fill in
        for item, article_id in zip(items, item_ids, strict=True):
            if article_id not in top and len(points) < 3:
                points.append(KeyPoint(key_sentence(item.summary, catalog) or item.title, item.title, item.url, item.source))
    return Overview(headline, tuple(points), tuple(shown), theme)
