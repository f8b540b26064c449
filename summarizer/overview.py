"""The edition's overview paragraph, written by a decoder-only model from the top stories' summaries.

The instruction is the shipped ``overview_prompt.txt`` (``{text}``: the stories, one ``- title:
summary`` line each); the model's own chat template wraps it, as it wraps a summary's instruction
(``DecoderOnlySummarizer.prompt``). The newsletter never imports this module: the edges
(``bantin.configure.overview_writer``) hand ``build_edition`` the callable ``overview_writer``
makes, and the newsletter stores what it returns once, with the edition.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache

from bantin.errors import InputError, InstallError, ModelError
from bantin.resources import shipped
from bantin.sentences import split_sentences
from bantin.summarizer.options import Summary, SummaryOptions
from bantin.summarizer.protocol import Summarizer
from bantin.summarizer.spec import ModelSpec

__all__ = ["MAX_CHARS", "MAX_SENTENCES", "MAX_STORIES", "OVERVIEW_TOKENS", "overview_instruction", "overview_writer",
           "write_overview"]

PROMPT_FILE = "overview_prompt.txt"
MAX_STORIES = 5  # the stories the model reads
OVERVIEW_TOKENS = 192  # most tokens generated
# fewest tokens generated: a paragraph, never a model that stops at once (end-of-text is not chosen
# before this many; a tiny random test model stopped first on some runs, as a weak real one may)
OVERVIEW_MIN_TOKENS = 16
MAX_SENTENCES = 4  # most sentences kept of what it wrote
MAX_CHARS = 700  # most characters kept (cut at a sentence, else at a word)


@cache
def overview_instruction() -> str:
    """The shipped overview instruction (``{text}`` is where the stories go)."""
    path = shipped("bantin.summarizer", PROMPT_FILE)
    text = path.read_text(encoding="utf-8").strip()
    if "{text}" not in text:
        raise InstallError(f"{path} lacks the {{text}} placeholder; reinstall bantin")
    return text


def _trim(text: str) -> str:
    """At most ``MAX_SENTENCES`` sentences and ``MAX_CHARS`` characters of ``text``, whole sentences first."""
    kept = ""
    for sentence in split_sentences(text)[:MAX_SENTENCES]:
        longer = f"{kept} {sentence}".strip()
        if len(longer) > MAX_CHARS:
            break
        kept = longer
    if kept:
        return kept
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_CHARS else flat[: MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"


def write_overview(engine: Summarizer, stories: Sequence[str], options: SummaryOptions | None = None) -> Summary:
    """A short overview paragraph of ``stories`` (each a top story's title and summary) by ``engine``,
    which must be a decoder-only model. ``ModelError`` for another engine or an empty answer,
    ``InputError`` when no story has text."""
    if getattr(engine, "engine", "") != "decoder-only":
        raise ModelError(f"the overview paragraph needs a decoder-only model, not the {getattr(engine, 'engine', '?')} engine")
    lines = [" ".join(story.split()) for story in stories if story and story.strip()][:MAX_STORIES]
    if not lines:
        raise InputError("no story has text to write an overview of")
    options = options or SummaryOptions()
    options = options.with_(instruction=overview_instruction(), max_length=OVERVIEW_TOKENS,
                            min_length=max(options.min_length, OVERVIEW_MIN_TOKENS))
    summary = engine.summarize(["\n".join(f"- {line}" for line in lines)], options)[0]
    text = _trim(summary.text)
    if not text:
        raise ModelError(f"{summary.model_id} wrote an empty overview")
    return replace(summary, text=text)


def overview_writer(spec: ModelSpec) -> Callable[[Sequence[str]], tuple[str, str]] | None:
    """What ``build_edition`` calls for the overview paragraph, or None when ``spec`` is not a
    decoder-only model (then editions have no paragraph). The model loads on the first call
    (an edition that exists already, or has no stories, never loads it); the callable returns
    (text, model id) and raises ``BantinError`` (or anything the model raises) on failure."""
    if spec.is_extractive or spec.engine == "encoder-decoder":
        return None
    if spec.engine == "auto":
        from bantin.summarizer.card import model_card

        try:
            if model_card(spec.folder).engine != "decoder-only":
                return None
        except ModelError:
            return None  # not a usable model folder: the summarize step says why

    def write(stories: Sequence[str]) -> tuple[str, str]:
        from bantin.summarizer.loading import load_summarizer

        summary = write_overview(load_summarizer(spec), stories)
        return summary.text, summary.model_id

    return write
