"""Vietnamese summaries: CTranslate2 encoder-decoder and decoder-only engines, an extractive fallback.

Call ``load_summarizer(settings)`` once, then ``summarizer.summarize(docs, SummaryOptions())``;
``summarize_pending(db, summarizer, options)`` fills the archive's missing summaries.
"""

from summarizer.convert import ModelCard, convert_model, model_card
from summarizer.device import Placement, choose_placement
from summarizer.extractive import ExtractiveSummarizer
from summarizer.loading import clear_cache, load_summarizer
from summarizer.options import Summary, SummaryInfo, SummaryOptions
from summarizer.parity import check_parity
from summarizer.pending import PendingReport, summarize_pending
from summarizer.protocol import Summarizer
from summarizer.sentences import split_sentences

__all__ = [
    "ExtractiveSummarizer",
    "ModelCard",
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
