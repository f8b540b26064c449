"""The extractive engine: a learned sentence scorer, the embedded default when no model is configured.

1. ``split_article``: a short first line without final punctuation, or a single question,
   exclamation, ellipsis or line ending with a name's initial, is the title (a feature source,
   never picked; a body that starts by repeating it loses the repeat); the rest is split into
   sentences (``sentences.split_sentences``; the first ``MAX_SENTENCES``, the cut said in the
   info's warnings), exact repeats, bylines, source lines, photo credits and lines without final
   punctuation (headings, captions) dropped; a "sentence" longer than ``MAX_SENTENCE_CHARS``
   (text without punctuation) is cut at a word boundary there, so a summary stays bounded;
2. each sentence gets cheap features (``features.sentence_features``: position, length,
   centrality, title overlap (plain, IDF-weighted, bigrams), numbers, names, dates, attributions,
   shape; the lead sentence stands in for a missing title) and two predictions from linear models
   on the standardised features and their pairwise products, trained on VietNews: the share of its
   syllables and of its syllable bigrams that the reference summary holds (its ROUGE-1 and ROUGE-2
   precision; ``extractive_weights.json`` beside this module: plain numbers, no pickle;
   ``bench/train_extractive.py`` made it, ``bantin model train-extractive`` retrains it from an
   archive);
3. ``select``: sentences are added one at a time while they raise the expected ROUGE-1 + ROUGE-2
   F1 against a reference of ``reference_tokens`` syllables (expected overlap: the predicted
   precision times the length; after the first sentence, times ``discount`` and the share of its
   syllables not yet picked), sharing no trigram with what is picked, within
   ``budget_sentences``/``budget_chars``, a summary of several sentences within ``target_chars``;
4. a sentence that opens with a back-reference («Tuy nhiên, …», «Sau đó, …») keeps its opener only
   when the sentence before it is picked too; the picked sentences keep document order.

The info's ``input_tokens``/``output_tokens`` count syllables (space-separated tokens) read and written.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from bantin.errors import ModelError
from bantin.summarizer.features import FEATURES, drop_asides, drop_opener, opens_with_reference, sentence_features
from bantin.summarizer.generation import check_documents
from bantin.summarizer.options import Summary, SummaryInfo, SummaryOptions
from bantin.summarizer.protocol import Progress
from bantin.summarizer.rouge import syllables
from bantin.summarizer.sentences import ends_with_initial, is_finished, is_source_line, paragraphs, split_sentences

__all__ = [
    "MAX_SENTENCE_CHARS", "MAX_SENTENCES", "WEIGHTS_FILE", "ExtractiveSummarizer", "candidates", "load_weights",
    "precisions", "select", "split_article",
]

MAX_SENTENCES = 400
MAX_SENTENCE_CHARS = 1000
WEIGHTS_FILE = "extractive_weights.json"
_TITLE_CHARS = 250


@functools.cache
def _read_weights(path: str | None, stamp: tuple[int, int] | None = None) -> dict[str, Any]:
    try:
        if path is None:
            raw = resources.files("bantin.summarizer").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
        else:
            raw = Path(path).read_text(encoding="utf-8")
        weights = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the extractive weights {path or WEIGHTS_FILE}: {exc}") from exc
    if not isinstance(weights, dict) or weights.get("features") != list(FEATURES):
        raise ModelError(f"{path or WEIGHTS_FILE} was made for other features; retrain: bantin model train-extractive")
    for key in ("model_id", "mean", "scale", "coef", "intercept", "coef2", "intercept2", "target_chars",
                "reference_tokens", "discount"):
        if key not in weights:
            raise ModelError(f"{path or WEIGHTS_FILE} lacks {key!r}; retrain: bantin model train-extractive")
    return weights


def load_weights(path: Path | None = None) -> dict[str, Any]:
    """The weights file at ``path`` (default: the one shipped in the package), read once per process
    (again if the file changes)."""
    if path is None:
        return _read_weights(None)
    try:
        stat = Path(path).stat()
    except OSError as exc:
        raise ModelError(f"cannot read the extractive weights {path}: {exc}") from exc
    return _read_weights(str(Path(path).resolve()), (stat.st_mtime_ns, stat.st_size))


def _looks_like_title(line: str) -> bool:
    """A headline: no final punctuation, or one question, exclamation or ellipsis («…: Liệu có đúng
    luật?»), or one that ends with a name's initial («… bắt giữ Cao Mỹ D.»)."""
    if not is_finished(line):
        return True
    end = line.rstrip("\"”’»)] ")
    return len(split_sentences(line)) == 1 and (end.endswith(("?", "!", "…", "...")) or ends_with_initial(line))


def split_article(doc: str) -> tuple[str, list[str], int]:
    """(title or "", candidate sentences, how many sentences the text has: more than
    ``MAX_SENTENCES`` means the rest was cut)."""
    blocks = paragraphs(doc)
    title = ""
    if len(blocks) > 1 and len(blocks[0]) <= _TITLE_CHARS and _looks_like_title(blocks[0]):
        title, blocks = blocks[0], blocks[1:]
        rest = blocks[0][len(title):].lstrip(" .:-–—")
        if len(title) >= 20 and blocks[0].startswith(title) and rest[:1].isupper():  # a body repeating its headline
            blocks[0] = rest
    sentences = [s for block in blocks for s in split_sentences(block)]
    found = len(sentences)
    sentences = list(dict.fromkeys(sentences[:MAX_SENTENCES]))  # exact repeats count once
    news = [s for s in sentences if not is_source_line(s)] or sentences
    # headings and captions (no final punctuation), bylines and credits are not picked
    return title, [s for s in news if is_finished(s)] or news, found


def candidates(doc: str) -> tuple[str, list[str], int]:
    """``split_article``'s (title, sentences, count), the sentences without their long bracketed
    asides (``features.drop_asides``) when there are several."""
    title, sentences, found = split_article(doc)
    if len(sentences) > 1:
        sentences = list(dict.fromkeys(drop_asides(s) for s in sentences))
    return title, sentences, found


def _bounded(sentence: str) -> str:
    """``sentence`` cut at a word boundary before ``MAX_SENTENCE_CHARS`` (with an ellipsis)."""
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return sentence
    cut = sentence[: MAX_SENTENCE_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_SENTENCE_CHARS // 2 else cut).rstrip() + "…"


def _trigrams(sentence: str) -> set[tuple[str, ...]]:
    words = syllables(sentence)
    return set(zip(words, words[1:], words[2:], strict=False))


def expand(standardised: np.ndarray) -> np.ndarray:
    """The standardised features and their pairwise products (i <= j): the model's inputs with ``pairs``."""
    i, j = np.triu_indices(standardised.shape[1])
    return np.hstack([standardised, standardised[:, i] * standardised[:, j]])


def precisions(weights: dict[str, Any], features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's predicted ROUGE-1 and ROUGE-2 precision against the reference under ``weights``."""
    z = (features - np.asarray(weights["mean"])) / np.asarray(weights["scale"])
    if weights.get("pairs"):
        z = expand(z)
    one = np.clip(z @ np.asarray(weights["coef"]) + weights["intercept"], 0.01, 1.0)
    two = np.clip(z @ np.asarray(weights["coef2"]) + weights["intercept2"], 0.0, 1.0)
    return one, two


def select(sentences: Sequence[str], precision: np.ndarray, options: SummaryOptions, *, target_chars: int,
           reference_tokens: float, discount: float, bigram_precision: np.ndarray | None = None,
           antecedent: Sequence[int] | None = None, bigram_weight: float = 1.0) -> list[str]:
    """The summary's sentences (see the module docstring, steps 3 and 4), in document order.

    ``precision``/``bigram_precision``: each sentence's predicted ROUGE-1/-2 precision (the bigram one
    defaults to the unigram one); ``bigram_weight``: the weight of the ROUGE-2 part of the expected
    F1 (1: ROUGE-1 and ROUGE-2 count alike). ``antecedent[i]``: the index of the sentence that sentence ``i``
    follows (default ``i - 1``; -1: none).
    """
    two = precision if bigram_precision is None else bigram_precision
    bags = [syllables(s) for s in sentences]
    words = [set(bag) for bag in bags]
    grams = [_trigrams(s) for s in sentences]
    chosen: list[int] = []
    have: set[str] = set()
    seen: set[tuple[str, ...]] = set()
    overlap = length = chars = 0.0
    current = 0.0
    while len(chosen) < max(1, options.budget_sentences):
        best: tuple[float, int, float, int] | None = None
        for i, bag in enumerate(bags):
            if i in chosen or not bag:
                continue
            grown = chars + (1 if chosen else 0) + len(sentences[i])
            if chosen and (grown > target_chars or (options.budget_chars and grown > options.budget_chars)):
                continue
            if chosen and grams[i] & seen:
                continue
            weight = discount * len(words[i] - have) / len(words[i]) if chosen else 1.0
            gained = overlap + weight * (precision[i] * len(bag) + bigram_weight * two[i] * (len(bag) - 1))
            f1 = 2 * gained / (length + len(bag) + reference_tokens)
            if best is None or f1 > best[0]:
                best = (f1, i, gained, len(bag))
        if best is None or (chosen and best[0] <= current):
            break
        current, i, overlap, size = best
        chosen.append(i)
        length += size
        chars += (1 if len(chosen) > 1 else 0) + len(sentences[i])
        have |= words[i]
        seen |= grams[i]
    chosen.sort()
    picked = set(chosen)
    before = antecedent if antecedent is not None else range(-1, len(sentences) - 1)
    return [s if not opens_with_reference(s) or before[i] in picked else drop_opener(s)
            for i, s in zip(chosen, (sentences[i] for i in chosen), strict=True)]


class ExtractiveSummarizer:
    """Picks the sentences a learned scorer rates best (see the module docstring).

    ``weights``: a weights file (default: the one shipped in the package). ``target_chars``
    overrides the file's length cap for a summary of several sentences (characters).
    """

    engine = "extractive"
    device = "cpu"
    compute_type = "none"

    def __init__(self, weights: Path | None = None, *, target_chars: int | None = None) -> None:
        self.weights = load_weights(weights)
        self.model_id: str = self.weights["model_id"]
        self.target_chars = int(self.weights["target_chars"] if target_chars is None else target_chars)
        self.reference_tokens = float(self.weights["reference_tokens"])
        self.discount = float(self.weights["discount"])
        self.bigram_weight = float(self.weights.get("bigram_weight", 1.0))  # files before it: 1

    def summarize_one(self, doc: str, options: SummaryOptions) -> tuple[str, int, bool, list[str]]:
        """(summary, syllables read, whether anything was left out or cut, warnings saying what)."""
        title, sentences, found = candidates(doc)
        warnings: list[str] = []
        truncated = found > MAX_SENTENCES
        if truncated:
            warnings.append(f"read only the first {MAX_SENTENCES} of {found:,} sentences; the rest was left out")
        if not sentences:
            sentences = [title] if title else [" ".join(doc.split())]
        longest = max(len(s) for s in sentences)
        if longest > MAX_SENTENCE_CHARS:
            truncated = True
            warnings.append(f"a sentence of {longest:,} characters (no punctuation?) was cut to {MAX_SENTENCE_CHARS:,}")
            sentences = [_bounded(s) for s in sentences]
        read = sum(len(s.split()) for s in sentences)
        if len(sentences) <= 1:  # one sentence (or only a title): that sentence, standing alone
            return drop_opener(sentences[0]), read, truncated, warnings
        one, two = self.precisions(sentences, title or sentences[0])  # no title: the lead sentence stands in
        return " ".join(self.pick(sentences, one, two, options)), read, truncated, warnings

    def precisions(self, sentences: list[str], title: str) -> tuple[np.ndarray, np.ndarray]:
        """Each of ``sentences``' predicted ROUGE-1 and ROUGE-2 precision under this engine's weights."""
        return precisions(self.weights, sentence_features(sentences, title)[0])

    def pick(self, sentences: Sequence[str], one: np.ndarray, two: np.ndarray, options: SummaryOptions,
             antecedent: Sequence[int] | None = None) -> list[str]:
        """``select`` with this engine's selection settings."""
        return select(sentences, one, options, target_chars=self.target_chars, reference_tokens=self.reference_tokens,
                      discount=self.discount, bigram_precision=two, antecedent=antecedent,
                      bigram_weight=self.bigram_weight)

    def summarize(
        self, docs: Sequence[str], options: SummaryOptions, *, progress: Progress | None = None
    ) -> list[Summary]:
        warnings = check_documents(docs)
        out: list[Summary] = []
        for index, (doc, extra) in enumerate(zip(docs, warnings, strict=True)):
            began = time.perf_counter()
            text, read, truncated, cut = self.summarize_one(doc, options)
            info = SummaryInfo(
                engine=self.engine, model_id=self.model_id, device=self.device, compute_type=self.compute_type,
                options=options.as_dict(), options_hash=options.options_hash(), input_tokens=read,
                output_tokens=len(text.split()), seconds=round(time.perf_counter() - began, 6),
                truncated=truncated, warnings=(*extra, *cut),
            )
            out.append(Summary(text, info))
            if progress is not None:
                progress(index + 1, len(docs))
        return out
