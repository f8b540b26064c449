"""The one interface every engine offers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from bantin.summarizer.options import Summary, SummaryOptions

__all__ = ["Progress", "Summarizer"]

# Called after each batch with (documents done, documents in all).
Progress = Callable[[int, int], None]


@runtime_checkable
class Summarizer(Protocol):
    """Summarizes documents; loaded once per process by ``load_summarizer``."""

    engine: str
    model_id: str
    device: str
    compute_type: str

    def summarize(
        self, docs: Sequence[str], options: SummaryOptions, *, progress: Progress | None = None
    ) -> list[Summary]:
        """One summary per document, in order. Raises ``InputError`` for an empty document."""
        ...
