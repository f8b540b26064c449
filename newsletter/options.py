"""``NewsletterOptions``: what building and delivering editions needs (the edges build it from settings)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bantin.newsletter.mail import MailSettings

__all__ = ["NewsletterOptions"]


@dataclass(frozen=True)
class NewsletterOptions:
    """How editions are built and delivered.

    out_dir: the folder of edition folders; timezone: local time of periods and dates;
    relevance_threshold: a story's least AI relevance to be an item; empty: a period without news
    gives a ``short`` edition or none (``skip``); sections_file: the layout (None: the shipped one);
    mail: SMTP delivery (None: the files are the delivery); entities_file: the entities whose
    display names the overview and the trends show (None: the shipped file).
    """

    out_dir: Path = Path("out")
    timezone: str = "Asia/Ho_Chi_Minh"
    relevance_threshold: float = 0.2
    empty: Literal["short", "skip"] = "short"
    sections_file: Path | None = None
    mail: MailSettings | None = None
    entities_file: Path | None = None
