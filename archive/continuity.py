"""Story continuity: an article that continues an earlier story is linked to it.

Two articles are the same developing story when, within ``window_days`` of each other, they name
a common entity of the entities file and their texts are similar, but not so similar that one is a
copy of the other (copies share a ``cluster_id``, or their texts' similarity reaches
``max_similarity``). The later one is linked to the earlier one in ``story_links``.

    score = TEXT_WEIGHT x cosine(text) + (1 - TEXT_WEIGHT) x Jaccard(entities)

where the text vectors count the folded words and word pairs of title (x3), lead (x2) and body,
without the commonest function words. A pair is linked when it shares an entity and
``min_score <= score`` and ``cosine < max_similarity``. The defaults were chosen on the labelled
articles in ``tests/insights/continuity_set.toml`` (``bench/continuity.py`` prints precision and
recall over thresholds).
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from bantin.archive.mentions import article_time, entities_of
from bantin.archive.models import Article, ArticleEntity, Source, StoryLink
from bantin.text import fold

__all__ = [
    "ContinuityOptions",
    "Earlier",
    "VectorCache",
    "earlier_coverage",
    "link_stories",
    "story_timeline",
    "link_story",
    "pair_score",
    "text_vector",
]

TEXT_WEIGHT = 0.6
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WORD = re.compile(r"[a-z0-9]+")
# The commonest Vietnamese function syllables (folded): they carry no story.
_STOP = frozenset(
    "va cua cac nhung mot la co duoc cho voi trong tren tai den tu khi nay do da se dang cung nhu the ve theo "
    "hon rat nhieu ra vao de ma thi neu sau truoc bi boi hay con cho nguoi nam ngay thang nay nhat moi tren duoi "
    "ong ba anh chi em toi chung ho no hang cong ty tap doan viet bao".split()
)


@dataclass(frozen=True)
class ContinuityOptions:
    """When two articles are one developing story (see the module's docstring)."""

    window_days: int = 30
    min_score: float = 0.35
    max_similarity: float = 0.7
    max_links: int = 3
    max_candidates: int = 120  # articles sharing an entity in the window: most shared entities, then newest
    max_later_links: int = 20  # later articles stored before this one that get a link to it


@dataclass(frozen=True)
class Earlier:
    """An earlier article of the same story, as the edition and the web show it."""

    article_id: int
    title: str
    url: str
    source: str
    published_at: datetime | None
    score: float


def text_vector(title: str, lead: str, body: str) -> Counter[str]:
    """Folded words and word pairs of an article, title x3 and lead x2, function words left out."""
    vector: Counter[str] = Counter()
    for text, weight in ((title, 3), (lead, 2), (body, 1)):
        words = [w for w in _WORD.findall(fold(text or "")) if w not in _STOP and len(w) > 1]
        for word in words:
            vector[word] += weight
        for a, b in zip(words, words[1:], strict=False):
            vector[f"{a}_{b}"] += weight
    return vector


def _norm(vector: Counter[str]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


def _cosine(a: Counter[str], b: Counter[str], norm_a: float | None = None, norm_b: float | None = None) -> float:
    if not a or not b:
        return 0.0
    dot = sum(a[k] * b[k] for k in a.keys() & b.keys())  # the key intersection runs in C
    return dot / ((norm_a or _norm(a)) * (norm_b or _norm(b)))


def _jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a | b else 0.0


def pair_score(vector_a: Counter[str], entities_a: Iterable[str], vector_b: Counter[str],
               entities_b: Iterable[str], norms: tuple[float, float] | None = None) -> tuple[float, float, list[str]]:
    """(score, text cosine, shared entity keys) of two articles (``norms``: their vectors' norms, when known)."""
    entities_a, entities_b = set(entities_a), set(entities_b)
    cosine = _cosine(vector_a, vector_b, *(norms or (None, None)))
    score = TEXT_WEIGHT * cosine + (1 - TEXT_WEIGHT) * _jaccard(entities_a, entities_b)
    return score, cosine, sorted(entities_a & entities_b)


def is_continuation(score: float, cosine: float, shared: Sequence[str], options: ContinuityOptions) -> bool:
    """The linking rule: a shared entity, a score at the threshold, not a copy."""
    return bool(shared) and score >= options.min_score and cosine < options.max_similarity


class VectorCache:
    """Text vectors of recently compared articles, so that a crawl storing many articles of one
    story computes each vector once (least recently used dropped beyond ``size``)."""

    def __init__(self, size: int = 5000) -> None:
        self.size = size
        self._data: OrderedDict[int, tuple[Counter[str], float]] = OrderedDict()

    def get(self, article_id: int) -> tuple[Counter[str], float] | None:
        """(vector, its norm) of ``article_id``, or None."""
        vector = self._data.get(article_id)
        if vector is not None:
            self._data.move_to_end(article_id)
        return vector

    def put(self, article_id: int, vector: Counter[str]) -> tuple[Counter[str], float]:
        entry = self._data[article_id] = (vector, _norm(vector))
        self._data.move_to_end(article_id)
        while len(self._data) > self.size:
            self._data.popitem(last=False)
        return entry


def link_story(session: Session, article_id: int, options: ContinuityOptions | None = None,
               cache: VectorCache | None = None) -> int:
    """Link ``article_id`` with the articles of its story within the window, both ways (the later one
    links to the earlier one); its earlier links are recomputed. Returns the number of links made.

    ``cache`` keeps other articles' text vectors between calls (the crawl's store passes one)."""
    options = options or ContinuityOptions()
    cache = cache if cache is not None else VectorCache(options.max_candidates + 1)
    article = session.get(Article, article_id)
    if article is None:
        return 0
    mine = entities_of(session, [article_id]).get(article_id)
    session.execute(delete(StoryLink).where(or_(StoryLink.article_id == article_id, StoryLink.earlier_id == article_id)))
    vector, norm = cache.put(article_id, text_vector(article.title, article.lead, article.body))
    if not mine:
        return 0
    at = article.published_at or article.fetched_at
    window = timedelta(days=options.window_days)
    when = article_time()
    shared_count = func.count(ArticleEntity.entity_key)
    candidates = session.execute(  # those sharing the most entities first, then the newest stored
        select(Article.id, Article.cluster_id, when.label("at"))
        .join(ArticleEntity, ArticleEntity.article_id == Article.id)
        .where(ArticleEntity.entity_key.in_(list(mine)), Article.id != article_id,
               when >= at - window, when <= at + window)
        .group_by(Article.id, Article.cluster_id, Article.published_at, Article.fetched_at)
        .order_by(shared_count.desc(), Article.id.desc()).limit(options.max_candidates)
    ).all()
    if not candidates:
        return 0
    missing = [row.id for row in candidates if cache.get(row.id) is None]
    for start in range(0, len(missing), 200):
        rows = session.execute(select(Article.id, Article.title, Article.lead, Article.body)
                               .where(Article.id.in_(missing[start: start + 200])))
        for other_id, title, lead, body in rows:
            cache.put(other_id, text_vector(title, lead, body))
    theirs = entities_of(session, [row.id for row in candidates])
    earlier: list[tuple[float, int, list[str]]] = []
    later: list[tuple[float, int, list[str]]] = []
    for other in candidates:
        if article.cluster_id is not None and other.cluster_id == article.cluster_id:
            continue  # a copy of the same article, not a development of it
        cached = cache.get(other.id)
        if cached is None:  # dropped from a cache smaller than the candidates
            continue
        score, cosine, shared = pair_score(vector, mine, cached[0], theirs.get(other.id, {}), (norm, cached[1]))
        if not is_continuation(score, cosine, shared, options):
            continue
        (earlier if (other.at, other.id) < (at, article.id) else later).append((score, other.id, shared))
    links = [StoryLink(article_id=article_id, earlier_id=other_id, score=round(score, 4), shared=shared)
             for score, other_id, shared in sorted(earlier, reverse=True)[: options.max_links]]
    # articles stored before this earlier one: the best of them link to it too
    links += [StoryLink(article_id=other_id, earlier_id=article_id, score=round(score, 4), shared=shared)
              for score, other_id, shared in sorted(later, reverse=True)[: options.max_later_links]]
    session.add_all(links)
    session.flush()
    return len(links)


def link_stories(session: Session, *, since: datetime | None = None, options: ContinuityOptions | None = None) -> int:
    """Recompute the story links of every article (published or fetched since ``since``), oldest
    first; the number of links made."""
    query = select(Article.id).order_by(article_time(), Article.id)
    if since is not None:
        query = query.where(article_time() >= since)
    cache = VectorCache()
    return sum(link_story(session, article_id, options, cache) for article_id in list(session.scalars(query)))


def earlier_coverage(session: Session, article_ids: Sequence[int], *, limit: int = 3) -> dict[int, list[Earlier]]:
    """The earlier articles of each article's story, newest first (at most ``limit`` each)."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(StoryLink.article_id, StoryLink.score, Article.id, Article.title, Article.url, Source.name,
               Article.published_at)
        .join(Article, Article.id == StoryLink.earlier_id).join(Source, Source.id == Article.source_id)
        .where(StoryLink.article_id.in_(ids))
    )
    found: dict[int, list[Earlier]] = {}
    for later_id, score, eid, title, url, source, published in rows:
        found.setdefault(later_id, []).append(Earlier(eid, title, url, source, published, score))
    for later_id, items in found.items():
        items.sort(key=lambda e: e.published_at or _EPOCH, reverse=True)
        found[later_id] = items[:limit]
    return found


def story_timeline(session: Session, article_id: int, *, limit: int = 60) -> list[Earlier]:
    """Every article of ``article_id``'s developing story (linked either way, any number of steps) and
    the other outlets' copies of each (same cluster), oldest first; at most ``limit``."""
    seen = {article_id}
    frontier = [article_id]
    while frontier and len(seen) < limit:
        rows = session.execute(select(StoryLink.article_id, StoryLink.earlier_id).where(
            or_(StoryLink.article_id.in_(frontier), StoryLink.earlier_id.in_(frontier))))
        found = {x for pair in rows for x in pair} - seen
        seen |= found
        frontier = list(found)
    clusters = {c for c in session.scalars(select(Article.cluster_id).where(Article.id.in_(seen))) if c is not None}
    query = (select(Article.id, Article.title, Article.url, Source.name, Article.published_at)
             .join(Source, Source.id == Article.source_id)
             .where(or_(Article.id.in_(seen), Article.cluster_id.in_(clusters) if clusters else Article.id.in_(seen)))
             .order_by(article_time(), Article.id).limit(limit))
    return [Earlier(i, t, u, s, p, 0.0) for i, t, u, s, p in session.execute(query)]
