from bantin.summarizer.chunking import chunk_text, truncate_text
from bantin.summarizer.sentences import split_sentences


def test_abbreviations_decimals_and_money_survive() -> None:
    text = (
        "Tại TP.HCM, ThS. Nguyễn Văn An cho biết công ty gọi vốn 105 triệu USD. "
        "Tăng trưởng đạt 3,5% và 2.4 lần. TP. Đà Nẵng có PGS. Trần Bình tham dự. Ông Lê Văn T. phát biểu."
    )
    assert split_sentences(text) == [
        "Tại TP.HCM, ThS. Nguyễn Văn An cho biết công ty gọi vốn 105 triệu USD.",
        "Tăng trưởng đạt 3,5% và 2.4 lần.",
        "TP. Đà Nẵng có PGS. Trần Bình tham dự.",
        "Ông Lê Văn T. phát biểu.",
    ]


def test_quotes_questions_and_ellipsis() -> None:
    text = 'Ông nói: "Đây là bước ngoặt." Bạn có tin không? Có… Không biết! «Thật sao?» Anh hỏi.'
    assert split_sentences(text) == [
        'Ông nói: "Đây là bước ngoặt."',
        "Bạn có tin không?",
        "Có…",
        "Không biết!",
        "«Thật sao?»",
        "Anh hỏi.",
    ]


def test_lower_case_after_stop_is_not_a_boundary_and_lines_are() -> None:
    text = "Giá vàng tăng. nhưng chưa rõ vì sao\nDòng mới không có dấu chấm"
    assert split_sentences(text) == ["Giá vàng tăng. nhưng chưa rõ vì sao", "Dòng mới không có dấu chấm"]


def test_decomposed_input_comes_out_nfc() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "Hòa bình. Thúy Kiều.")
    assert split_sentences(text) == ["Hòa bình.", "Thúy Kiều."]


def count_words(text: str) -> int:
    return len(text.split())


def test_truncate_keeps_whole_sentences_within_budget() -> None:
    text = "Một hai ba. Bốn năm sáu bảy. Tám chín."
    fitted = truncate_text(text, 7, count_words)
    assert fitted.text == "Một hai ba. Bốn năm sáu bảy."
    assert fitted.truncated and fitted.tokens <= 7
    assert not truncate_text(text, 100, count_words).truncated


def test_chunks_respect_budget_and_cap() -> None:
    text = "\n".join(f"Câu số {i} có năm chữ." for i in range(40))
    chunks, dropped = chunk_text(text, 12, count_words, max_chunks=100)
    assert not dropped and all(count_words(c) <= 12 for c in chunks)
    assert " ".join(chunks).split() == text.split()
    capped, dropped = chunk_text(text, 12, count_words, max_chunks=3)
    assert dropped and len(capped) == 3
