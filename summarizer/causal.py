"""The decoder-only engine: PhoGPT (MPT), Llama/Qwen-family models through ``ctranslate2.Generator``.

The document goes into ``options.instruction`` (``{text}``), which goes into
``options.prompt_template`` (``{instruction}``; PhoGPT's is ``### Câu hỏi: {instruction}\\n### Trả lời:``).
Only the generated part is returned, and generation stops at the end token.

Batches hold prompts of equal token length only. ``Generator.generate_batch`` forwards a batch's
prompts at once only up to the shortest one and feeds the rest through the decoding loop with
constrained decoding: that is slow for long prompts (CTranslate2 issue #1480) and, measured here,
changes the result (float32 log-probs differ by up to 0.02 on MPT/ALiBi, 0.003 on Llama), so a
summary would depend on its batch neighbours. Equal-length groups keep every summary identical to
its one-by-one result.
"""

from __future__ import annotations

from collections.abc import Sequence

from bantin.errors import ModelError
from bantin.summarizer.generation import CT2Engine
from bantin.summarizer.options import DEFAULT_PROMPT, SummaryOptions

__all__ = ["DecoderOnlySummarizer"]

DEFAULT_CONTEXT = 2048


class DecoderOnlySummarizer(CT2Engine):
    """Summaries from a converted instruction-following decoder-only model."""

    engine = "decoder-only"

    def prompt(self, text: str, options: SummaryOptions) -> str:
        # The model's own template (kept in its card by ``bantin model pull``) unless one is given.
        template = options.prompt_template
        if template == DEFAULT_PROMPT and self.card.prompt_template:
            template = self.card.prompt_template
        return template.format(instruction=options.instruction.format(text=text))

    def context(self, options: SummaryOptions) -> int:
        return options.max_input_tokens or self.card.max_positions or DEFAULT_CONTEXT

    def text_budget(self, options: SummaryOptions) -> int:
        overhead = len(self.tokenizer(self.prompt("", options)).input_ids)
        budget = self.context(options) - options.max_length - overhead
        if budget < 16:
            raise ModelError(
                f"the model's context ({self.context(options)} tokens) leaves no room for text with "
                f"max_length {options.max_length}; lower --max-length"
            )
        return budget

    def encode(self, texts: Sequence[str], options: SummaryOptions) -> list[list[str]]:
        limit = self.context(options) - options.max_length
        ids = self.tokenizer([self.prompt(text, options) for text in texts], truncation=True, max_length=limit).input_ids
        return [self.tokenizer.convert_ids_to_tokens(row) for row in ids]

    def batches(self, encoded: list[list[str]], options: SummaryOptions) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for index, tokens in enumerate(encoded):
            groups.setdefault(len(tokens), []).append(index)
        return [
            same[start : start + options.max_batch_size]
            for _, same in sorted(groups.items())
            for start in range(0, len(same), options.max_batch_size)
        ]

    def run(self, batch: list[list[str]], options: SummaryOptions) -> list[list[str]]:
        end = self.tokenizer.eos_token
        results = self.model.generate_batch(
            batch,
            max_length=options.max_length,
            min_length=options.min_length,
            include_prompt_in_result=False,
            end_token=end if end else None,
            **options.search_kwargs(),
        )
        return [[tok for tok in result.sequences[0] if tok != end] for result in results]
