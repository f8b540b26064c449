"""Vietnamese summaries: CTranslate2 encoder-decoder and decoder-only engines, an extractive fallback.

Call ``load_summarizer(ModelSpec(path))`` once, then ``summarizer.summarize(docs, SummaryOptions())``;
``summarize_pending(db, summarizer, options)`` fills the archive's missing summaries.
"""

from bantin.summarizer.convert import ModelCard, convert_model, model_card
from bantin.summarizer.device import Placement, choose_placement
from bantin.summarizer.extractive import ExtractiveSummarizer
from bantin.summarizer.loading import clear_cache, load_summarizer
from bantin.summarizer.options import Summary, SummaryInfo, SummaryOptions
from bantin.summarizer.parity import check_parity
from bantin.summarizer.pending import PendingReport, summarize_pending
from bantin.summarizer.protocol import Summarizer
from bantin.summarizer.sentences import split_sentences
from bantin.summarizer.spec import ModelSpec

__all__ = [
    "ExtractiveSummarizer",
    "ModelCard",
    "ModelSpec",
    "PendingReport",
    "Placement",
    "Summarizer",
    "Summary",
    "SummaryInfo",
    "SummaryOptions",
    "check_parity",
    "choose_placement",
    "clear_cache",
    "convert_model",
    "load_summarizer",
    "model_card",
    "split_sentences",
    "summarize_pending",
]
