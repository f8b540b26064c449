"""One summary per story: the extractive engine over all the articles several outlets wrote about it.

Each article is split and scored on its own (``extractive.candidates``, its features and the
engine's weights); the candidates are pooled and picked like one article's (``ExtractiveSummarizer.pick``:
added while they raise the expected ROUGE, in article then document order), and a sentence that shares a
trigram with one already picked is dropped, so the same fact told by two outlets appears once.
The summary's model id is the engine's plus ``STORY_SUFFIX`` and its info says how many articles
it was drawn from (``sources``). ``story_hash`` keys it in the archive by its options and its
articles; ``pending.summarize_stories`` makes and stores the ones the next editions show.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence

import numpy as np

from bantin.archive.models import STORY_SUFFIX
from bantin.errors import InputError
from bantin.summarizer.extractive import MAX_SENTENCES, ExtractiveSummarizer, candidates
from bantin.summarizer.generation import check_documents
from bantin.summarizer.options import Summary, SummaryInfo, SummaryOptions

__all__ = ["STORY_SUFFIX", "story_hash", "summarize_story"]


def story_hash(options: SummaryOptions, members: Sequence[int]) -> str:
    """The options hash a story summary is stored under: ``options`` and the ids of the articles it
    is drawn from, so that a story that gains an article is summarized again (16 hex digits)."""
    blob = options.options_hash() + ":" + ",".join(str(member) for member in sorted(set(members)))
    return hashlib.sha256(blob.encode("ascii")).hexdigest()[:16]


def summarize_story(engine: ExtractiveSummarizer, docs: Sequence[str], options: SummaryOptions) -> Summary:
    """One summary drawn from all of ``docs`` (the articles of one story, title line first)."""
    if not docs:
        raise InputError("a story needs at least one article")
    warnings = check_documents(docs)
    began = time.perf_counter()
    sentences: list[str] = []
    scores: list[float] = []
    bigram: list[float] = []
    antecedent: list[int] = []
    truncated = False
    for doc in docs:
        title, own, cut = candidates(doc)
        truncated |= cut > MAX_SENTENCES
        if not own:
            continue
        one, two = engine.precisions(own, title) if len(own) > 1 else (np.ones(1),) * 2
        start = len(sentences)
        sentences.extend(own)
        scores.extend(float(v) for v in one)
        bigram.extend(float(v) for v in two)
        antecedent.extend([-1] + list(range(start, start + len(own) - 1)))
    picked = engine.pick(sentences, np.array(scores), np.array(bigram), options, antecedent)
    text = " ".join(picked)
    info = SummaryInfo(
        engine=engine.engine, model_id=engine.model_id + STORY_SUFFIX, device=engine.device,
        compute_type=engine.compute_type, options=options.as_dict(), options_hash=options.options_hash(),
        input_tokens=sum(len(s.split()) for s in sentences), output_tokens=len(text.split()),
        seconds=round(time.perf_counter() - began, 6), truncated=truncated,
        warnings=tuple(dict.fromkeys(w for each in warnings for w in each)), sources=len(docs),
    )
    return Summary(text, info)
