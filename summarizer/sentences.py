"""Sentences for summaries: the splitter (the foundation's ``bantin.sentences``, issue 13's rules)
and what a summary must never hold.

``is_source_line`` finds bylines and source or photo credits («Mộc Miên (Tổng hợp)», «Theo Dân
Trí», «Ảnh: …») and video captions («Video: …», «Clip hiện trường …»), which are never summary
sentences; ``is_finished`` tells a sentence from a title,
heading or caption (no final punctuation).
"""

from __future__ import annotations

import re

from bantin.sentences import ABBREVIATIONS, ends_with_initial, is_finished, paragraphs, split_sentences

__all__ = ["ABBREVIATIONS", "ends_with_initial", "is_finished", "is_source_line", "paragraphs", "split_sentences"]

_SOURCES = (
    # «Mộc Miên (Tổng hợp)», «Trang Dung (t / h)», «Hà An (Theo VnExpress)»
    re.compile(r"[^.!?()]{1,40}\((?:t[ổo]ng\s*h[ợo]p|t\s*/\s*h|th|theo\s[^()]{1,40}|ngu[ồo]n\s*:?[^()]{0,40})\)\.?",
               re.IGNORECASE),
    # «Theo Dân Trí», «Theo báo Tuổi Trẻ», «Nguồn: VTV» (a short line, no comma, a name after)
    re.compile(r"\(?(?:[Tt]heo|[Nn]gu[ồo]n\s*:)\s+(?:báo\s+|trang\s+|tờ\s+)?[A-ZĐ][^,.!?:;]{0,40}\)?\.?"),
    # «Ảnh: Hoàng Hà», «(Ảnh minh họa: Internet)», «Video: …»
    re.compile(r"\(?(?:ảnh|anh|video|clip|xem\s+th[êe]m)(?:\s+minh\s+h[ọo]a)?\s*:[^.!?]{0,80}\)?\.?", re.IGNORECASE),
)


# a video caption of any length: «Video: Công tác chuẩn bị …», «Clip hiện trường vụ …»
_CAPTION = re.compile(r"\(?(?:video|clip)(?:\s*:|\s+hiện\s+trường\b)", re.IGNORECASE)


def is_source_line(sentence: str) -> bool:
    """Is ``sentence`` a byline, a source line, a photo credit or a video caption rather than news?"""
    line = sentence.strip()
    return (len(line) <= 120 and any(pattern.fullmatch(line) for pattern in _SOURCES)) or (
        len(line) <= 300 and bool(_CAPTION.match(line)))
