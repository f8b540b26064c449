"""Cheap per-sentence features for the learned extractive scorer (``extractive.py``, ``training.py``).

Tokens are lower-cased syllables (``rouge.syllables``), so no word segmenter runs. Each sentence
gets: where it stands (first/second/third, relative position), how long it is, how central it is
(TF-IDF cosine to the article's centroid, its rank, TextRank), how much it shares with the title
and with the first sentence, numbers and capitalised (name-like) syllables, and its shape
(back-reference opener, quotes, question, brackets); then how much of the title it holds weighted by
how rare each syllable is in the article (IDF over its sentences) and in title bigrams, a date near
its start («Ngày 22/6, …»), an attribution («… đưa tin», «… cho biết»), its length against the
article's median sentence and capped at 80 syllables, and how rare its own syllables are.
``FEATURES`` names the columns; the weights file lists them too, so a file made for other features
is refused.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from bantin.summarizer.rouge import syllables

__all__ = ["FEATURES", "OPENERS", "drop_asides", "drop_opener", "opens_with_reference", "sentence_features"]

FEATURES = (
    "first", "second", "third", "position", "inverse_position", "last",
    "log_length", "short", "long",
    "centroid", "centroid_rank", "textrank",
    "title_recall", "title_precision", "first_similarity", "previous_similarity",
    "numbers", "capitalised", "opener", "quote", "question", "bracket", "log_sentences",
    "title_idf_recall", "title_bigram_recall", "date", "attribution", "relative_length", "capped_length", "mean_idf",
)

# Openers that point back at an earlier sentence («Dù vậy, …», «Sau đó, …»): such a sentence needs
# the one before it, or loses the opener when it stands alone.
OPENERS = (
    "dù vậy", "tuy vậy", "tuy nhiên", "nhưng", "thế nhưng", "mặc dù vậy", "sau đó", "sau khi đó",
    "thấy vậy", "do đó", "vì vậy", "vì thế", "bởi vậy", "chính vì vậy", "chính vì thế", "do vậy", "ngoài ra",
    "bên cạnh đó", "theo đó", "trước đó", "cùng với đó", "đồng thời", "lúc này", "khi đó", "ngay sau đó",
    "từ đó", "cũng theo", "không chỉ vậy", "hơn nữa", "thêm vào đó", "tiếp đó", "sau đấy", "cùng lúc đó",
    "trong khi đó", "như vậy", "vậy nên", "tại đây", "ngay lập tức",
)
_OPENER = re.compile(r"^(?:" + "|".join(re.escape(o) for o in sorted(OPENERS, key=len, reverse=True)) + r")\b[,:]?\s*",
                     re.IGNORECASE)
_NUMBER = re.compile(r"\d")
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}\b")
_ATTRIBUTION = re.compile(r"đưa tin|cho biết|cho hay|thông tin|trao đổi|chia sẻ", re.IGNORECASE)
_UPPER_SYLLABLE = re.compile(r"(?<!^)\b[A-ZĐÀ-Ỹ]\w*", re.UNICODE)


def opens_with_reference(sentence: str) -> bool:
    return bool(_OPENER.match(sentence))


def drop_opener(sentence: str) -> str:
    """``sentence`` without its back-reference opener, re-capitalised («Sau đó, giữa …» -> «Giữa …»)."""
    rest = sentence
    while opens_with_reference(rest):  # «Tuy nhiên, trước đó …»: both go
        shorter = _OPENER.sub("", rest, count=1).lstrip(" ,")
        if len(shorter.split()) < 4:
            break
        rest = shorter
    return rest if rest == sentence else rest[0].upper() + rest[1:]


_ASIDE = re.compile(r"\s*\(([^()]{1,120})\)")


def drop_asides(sentence: str) -> str:
    """``sentence`` without its bracketed asides of five words or more or with a comma («Nguyễn Văn
    Tiến (33 tuổi, quê Ninh Bình) nhận …» -> «Nguyễn Văn Tiến nhận …»); short ones («Công an quận
    Nam Từ Liêm (Hà Nội)», «(SN 1985)») stay, and so does the sentence when under six words would be left."""
    shorter = _ASIDE.sub(lambda m: "" if "," in m.group(1) or len(m.group(1).split()) >= 5 else m.group(0), sentence)
    return shorter if shorter != sentence and len(shorter.split()) >= 6 else sentence


def _tfidf(bags: list[list[str]]) -> np.ndarray:
    vocab: dict[str, int] = {}
    for bag in bags:
        for word in bag:
            vocab.setdefault(word, len(vocab))
    matrix = np.zeros((len(bags), max(1, len(vocab))))
    df = Counter(word for bag in bags for word in set(bag))
    for row, bag in enumerate(bags):
        for word, tf in Counter(bag).items():
            matrix[row, vocab[word]] = (1 + math.log(tf)) * math.log((1 + len(bags)) / (1 + df[word]) + 1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _textrank(similarity: np.ndarray, damping: float = 0.85, rounds: int = 30) -> np.ndarray:
    graph = similarity.copy()
    np.fill_diagonal(graph, 0)
    sums = graph.sum(axis=1, keepdims=True)
    graph = graph / np.where(sums == 0, 1, sums)
    n = len(graph)
    rank = np.full(n, 1 / n)
    for _ in range(rounds):
        rank = (1 - damping) / n + damping * graph.T @ rank
    return rank / rank.max() if rank.max() > 0 else rank


def sentence_features(sentences: list[str], title: str = "") -> tuple[np.ndarray, np.ndarray]:
    """(features, one row per sentence in ``FEATURES`` order; sentence-similarity matrix)."""
    n = len(sentences)
    bags = [syllables(s) for s in sentences]
    vectors = _tfidf(bags)
    similarity = vectors @ vectors.T
    centroid = vectors.mean(axis=0)
    norm = np.linalg.norm(centroid)
    to_centroid = vectors @ (centroid / norm) if norm > 0 else np.zeros(n)
    centroid_rank = np.empty(n)
    centroid_rank[np.argsort(-to_centroid, kind="stable")] = np.arange(n)
    textrank = _textrank(similarity) if n > 1 else np.ones(n)
    title_bag = syllables(title)
    title_words = set(title_bag)
    title_pairs = set(zip(title_bag, title_bag[1:], strict=False))
    df = Counter(word for bag in bags for word in set(bag))
    idf = {word: math.log((n + 1) / (count + 0.5)) for word, count in df.items()}
    title_weight = sum(idf.get(word, math.log(n + 1)) for word in title_words) or 1.0
    median_length = max(1.0, float(np.median([len(bag) for bag in bags]))) if n else 1.0
    rows = np.zeros((n, len(FEATURES)))
    for i, (sentence, bag) in enumerate(zip(sentences, bags, strict=True)):
        length = len(bag)
        words = set(bag)
        shared = len(words & title_words)
        pairs = set(zip(bag, bag[1:], strict=False))
        rows[i] = (
            i == 0, i == 1, i == 2, i / max(1, n - 1), 1 / (1 + i), i == n - 1 and n > 1,
            math.log1p(length), length < 8, length > 60,
            to_centroid[i], centroid_rank[i] / max(1, n - 1), textrank[i],
            shared / len(title_words) if title_words else 0.0, shared / len(words) if words and title_words else 0.0,
            similarity[i, 0] if i else 1.0, similarity[i, i - 1] if i else 0.0,
            min(5, len(_NUMBER.findall(sentence))) / 5, len(_UPPER_SYLLABLE.findall(sentence)) / max(1, length),
            opens_with_reference(sentence), any(q in sentence for q in "\"“”«»"), sentence.rstrip("\"”’»)] ").endswith("?"),
            "(" in sentence, math.log(n),
            sum(idf[word] for word in words & title_words) / title_weight,
            len(pairs & title_pairs) / max(1, len(title_pairs)),
            bool(_DATE.search(sentence[:40])), bool(_ATTRIBUTION.search(sentence)),
            length / median_length, min(length, 80) / 80, sum(idf[word] for word in words) / max(1, len(words)),
        )
    return rows, similarity
