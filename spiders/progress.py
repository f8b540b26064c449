"""A live progress display of a crawl (one line per source) on stderr, with Rich."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from bantin.spiders.report import SourceCounts

__all__ = ["CrawlProgress"]


class CrawlProgress:
    """Shows per source: pages done of scheduled, new, failed; a no-op when disabled."""

    def __init__(self, keys: Sequence[str], *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.progress = Progress(
            TextColumn("[bold]{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[line]}"), TimeElapsedColumn(),
            console=Console(stderr=True), transient=False,
        )
        self.tasks: dict[str, TaskID] = {}
        if enabled:
            for key in keys:
                self.tasks[key] = self.progress.add_task(key, total=None, line="starting")

    def __enter__(self) -> Self:
        if self.enabled:
            self.progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.enabled:
            self.progress.stop()

    def update(self, key: str, counts: SourceCounts, *, finished: bool = False) -> None:
        if not self.enabled or key not in self.tasks:
            return
        line = f"new {counts.new}  dup {counts.duplicate}  rejected {counts.rejected}  failed {counts.failed}"
        total = max(counts.scheduled, counts.done)
        self.progress.update(self.tasks[key], total=total or (1 if finished else None),
                             completed=counts.done if total or not finished else 1,
                             line=line + ("  done" if finished else ""))
