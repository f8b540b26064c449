"""Vietnamese sentence splitting that survives "TP.HCM", "ThS.", "105 triệu USD.", decimals and quotes.

A boundary is end punctuation (``.``, ``!``, ``?``, ``…``), optionally followed by closing quotes or
brackets, then white space, then something that can start a sentence (an upper-case letter, a digit,
an opening quote or a dash); a closing quote or bracket alone never ends a sentence. A full stop
after a known abbreviation ("TP.", "ThS.", "PGS.") is not a boundary. A name's initial ("ông
Nguyễn Văn T.", "Nguyễn Xuân Ph.", "Gi.", "T.H.") is the last part of a Vietnamese name, so its
full stop ends the sentence only when a capitalised word follows ("anh Nguyễn Văn H. Nguyên nhân
…"), never before "(SN 1990)", a digit or a lower-case word. "TP.HCM" and "3.5" have no space after
the dot and never split. Paragraph breaks (new lines) always split.

``is_finished`` tells a sentence from a title, heading or caption (no final punctuation).
A foundation module (it imports only ``bantin.text``): the summarizer and the newsletter both split
with it.
"""


from __future__ import annotations

import re

from bantin.text import nfc

__all__ = ["ABBREVIATIONS", "ends_with_initial", "is_finished", "paragraphs", "split_sentences"]

# Titles, places and units written with a full stop that does not end a sentence.
ABBREVIATIONS = frozenset(
    """TP Tp tp ThS Ths TS Ts PGS GS BS Bs KS Ks CN NCS TT Th TX Tx Q P Mr Mrs Ms Dr St Jr Sr No
    Co Corp Inc Ltd vs etc Ph PV ĐB NXB Nxb Đ/c đ/c Lt Gen Col Prof""".split()
)

_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)")
_SPACES = re.compile(r"\s*")
_OPENERS = "\"“‘«([–—-"
_CLOSERS = "\"”’»)]"
# Vietnamese initial consonants written as a name's initial ("Nguyễn Xuân Ph.", "Gi.", "Ngh.").
_CLUSTERS = frozenset("Ch Gh Gi Kh Ng Ngh Nh Ph Qu Th Tr".split())
_DOTTED = re.compile(r"(?:[A-ZĐ]\.)+[A-ZĐ]")  # "T.H" of "T.H."
_FINISHED = re.compile(r"[.!?…][\"”’»)\]]*$")


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


def is_finished(sentence: str) -> bool:
    """Does ``sentence`` end like a sentence (``.!?…``, then maybe closing quotes or brackets)?"""
    return bool(_FINISHED.search(sentence))


def ends_with_initial(text: str) -> bool:
    """Does ``text`` end with a name's initial («… bắt giữ Cao Mỹ D.»), so its full stop may not end a sentence?"""
    line = text.rstrip()
    return line.endswith(".") and _is_initial(_word_before(line, len(line) - 1))


def _word_before(text: str, dot: int) -> str:
    start = dot
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:dot].lstrip(_OPENERS)


def _is_initial(word: str) -> bool:
    return (len(word) == 1 and word.isalpha() and word.isupper()) or word in _CLUSTERS or bool(_DOTTED.fullmatch(word))


def _next_is_word(text: str, index: int) -> bool:
    """Does a capitalised word (not an initial) start right after ``index``?"""
    rest = text[index:].lstrip()
    word = rest.split(maxsplit=1)[0] if rest else ""
    if not word or not word[0].isalpha() or not word[0].isupper():
        return False
    if len(word.rstrip(",;:")) == 1:  # «anh N.T. D (SN 1981)»: a name's last initial, no sentence
        return False
    return not (word.endswith(".") and _is_initial(word[:-1]))


def _is_abbreviation(text: str, dot: int, after: int) -> bool:
    """Is the full stop at ``dot`` (the match ending at ``after``) part of an abbreviation or an initial?"""
    word = _word_before(text, dot)
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    if _is_initial(word):
        return not _next_is_word(text, after)
    return False


def _split_paragraph(text: str) -> list[str]:
    sentences: list[str] = []
    begin = 0
    for match in _END.finditer(text):
        end = match.end()
        if not _starts_sentence(text, end):
            continue
        if match.group().rstrip(_CLOSERS) == "." and _is_abbreviation(text, match.start(), end):
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
