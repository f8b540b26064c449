"""Vietnamese sentence splitting that survives "TP.HCM", "ThS.", "105 triệu USD.", decimals and quotes.

A boundary is end punctuation (``.``, ``!``, ``?``, ``…``), optionally followed by closing quotes or
brackets, then white space, then something that can start a sentence (an upper-case letter, a digit,
an opening quote or a dash). A full stop after a known abbreviation ("TP.", "ThS.", "PGS.") or a
single-letter initial ("ông Nguyễn Văn T.") is not a boundary; "TP.HCM" and "3.5" have no space
after the dot and never split. Paragraph breaks (new lines) always split.
"""

from __future__ import annotations

import re

from bantin.text import nfc

__all__ = ["ABBREVIATIONS", "paragraphs", "split_sentences"]

# Titles, places and units written with a full stop that does not end a sentence.
ABBREVIATIONS = frozenset(
    """TP Tp tp ThS Ths TS Ts PGS GS BS Bs KS Ks CN NCS TT Th TX Tx Q P Mr Mrs Ms Dr St Jr Sr No
    Co Corp Inc Ltd vs etc Ph PV ĐB NXB Nxb Đ/c đ/c Lt Gen Col Prof""".split()
)

_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)")
_SPACES = re.compile(r"\s*")
_OPENERS = "\"“‘«([–—-"


def paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs (blocks separated by new lines), spaces collapsed."""
    return [" ".join(line.split()) for line in nfc(text).splitlines() if line.strip()]


def _starts_sentence(text: str, index: int) -> bool:
    # Matched in place (never ``text[index:]``, which would copy the rest of a long text per stop).
    index = _SPACES.match(text, index).end()
    if index >= len(text):
        return False
    head = text[index]
    if head in _OPENERS and index + 1 < len(text):
        after = _SPACES.match(text, index + 1).end()
        head = text[after] if after < len(text) else head
    return head.isupper() or head.isdigit() or head in _OPENERS


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the full stop at ``dot`` the end of an abbreviation or an initial?"""
    start = dot
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:dot].lstrip(_OPENERS)
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha() and word.isupper()


def _split_paragraph(text: str) -> list[str]:
    sentences: list[str] = []
    begin = 0
    for match in _END.finditer(text):
        end = match.end()
        if not _starts_sentence(text, end):
            continue
        if match.group().startswith(".") and match.group().rstrip("\"”’»)]") == "." and _is_abbreviation(
            text, match.start()
        ):
            continue
        piece = text[begin:end].strip()
        if piece:
            sentences.append(piece)
        begin = end
    tail = text[begin:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order (NFC, spaces collapsed)."""
    out: list[str] = []
    for paragraph in paragraphs(text):
        out.extend(_split_paragraph(paragraph))
    return out
