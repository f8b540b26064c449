"""The encoder-decoder engine: T5/ViT5, BART/mBART/BARTpho through ``ctranslate2.Translator``."""

from __future__ import annotations

from collections.abc import Sequence

from bantin.summarizer.generation import CT2Engine
from bantin.summarizer.options import SummaryOptions

__all__ = ["EncoderDecoderSummarizer", "DEFAULT_WINDOW"]

DEFAULT_WINDOW = 512


class EncoderDecoderSummarizer(CT2Engine):
    """Summaries from a converted T5/BART model.

    ViT5 expects its task prefix ``"vietnews: "``: give it per call (``options.prefix``) or once at
    conversion (``bantin model convert --prefix``, kept in the model card and used when the
    options name none).
    """

    def prefix(self, options: SummaryOptions) -> str:
        return options.prefix or self.card.prefix

    engine = "encoder-decoder"

    def window(self, options: SummaryOptions) -> int:
        """Most input tokens per call, special tokens included."""
        if options.max_input_tokens:
            return options.max_input_tokens
        return min(self.card.max_positions or DEFAULT_WINDOW, 1024)

    def text_budget(self, options: SummaryOptions) -> int:
        specials = len(self.tokenizer("").input_ids)
        prefix = self.count(self.prefix(options)) if self.prefix(options) else 0
        return max(8, self.window(options) - specials - prefix)

    def encode(self, texts: Sequence[str], options: SummaryOptions) -> list[list[str]]:
        ids = self.tokenizer(
            [self.prefix(options) + text for text in texts], truncation=True, max_length=self.window(options)
        ).input_ids
        return [self.tokenizer.convert_ids_to_tokens(row) for row in ids]

    def run(self, batch: list[list[str]], options: SummaryOptions) -> list[list[str]]:
        results = self.model.translate_batch(
            batch,
            max_decoding_length=options.max_length,
            min_decoding_length=options.min_length,
            **options.search_kwargs(),
        )
        return [result.hypotheses[0] for result in results]
