import pytest

from bantin.summarizer.chunking import chunk_text, truncate_text
from bantin.summarizer.sentences import is_finished, is_source_line, split_sentences


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


# Cases from issue 13 (VietNews articles).
def test_multi_letter_and_dotted_initials_before_birth_year_do_not_split() -> None:
    text = (
        "Trường đi ra cổng thì bị Võ Văn Tr. (SN 1996) cùng nhóm thanh niên xông vào. "
        "Nạn nhân gồm Nguyễn Xuân Ph. (SN 1990), chị Lê Thị Gi. (SN 1992), anh Trần Nh. (SN 1985) "
        "và ông T.H. (SN 1970). Vợ chồng ông Bảo Th., ngụ quận Hải Châu, mất 1 tỷ đồng."
    )
    assert split_sentences(text) == [
        "Trường đi ra cổng thì bị Võ Văn Tr. (SN 1996) cùng nhóm thanh niên xông vào.",
        "Nạn nhân gồm Nguyễn Xuân Ph. (SN 1990), chị Lê Thị Gi. (SN 1992), anh Trần Nh. (SN 1985) và ông T.H. (SN 1970).",
        "Vợ chồng ông Bảo Th., ngụ quận Hải Châu, mất 1 tỷ đồng.",
    ]


def test_an_initial_before_a_capitalised_word_ends_the_sentence() -> None:
    text = ("Người tử vong là anh Nguyễn Văn H. Nguyên nhân có thể do chập điện. Ông Nguyễn Tấn T. 970 triệu đồng. "
            "Ngoài ra, anh N.T. D (chồng chị M.) bị thương.")
    assert split_sentences(text) == [
        "Người tử vong là anh Nguyễn Văn H.",
        "Nguyên nhân có thể do chập điện.",
        "Ông Nguyễn Tấn T. 970 triệu đồng.",
        "Ngoài ra, anh N.T. D (chồng chị M.) bị thương.",
    ]


def test_a_closing_quote_or_bracket_alone_ends_nothing() -> None:
    headline = "Ông Trump: “Tôi sẽ không từ bỏ”"
    sentences = split_sentences(f"{headline} Cựu tổng thống nói vậy. Ông (đại diện công ty) Nam đồng ý.")
    assert sentences == [f"{headline} Cựu tổng thống nói vậy.", "Ông (đại diện công ty) Nam đồng ý."]
    assert not is_finished(headline) and not is_finished("Mộc Miên (Tổng hợp)")
    assert is_finished("Ông nói: “Đây là bước ngoặt.”") and is_finished("(Đã sửa.)") and is_finished("Có…")


@pytest.mark.parametrize(
    "line",
    ["Mộc Miên (Tổng hợp)", "Quốc Tiệp (tổng hợp)", "Trang Dung (t / h)", "Hà An (Theo VnExpress)", "Theo Dân Trí",
     "Theo TTXVN.", "Nguồn: Tuổi Trẻ", "Ảnh: Hoàng Hà", "(Ảnh minh họa: Internet)", "Video: Hiện trường vụ tai nạn",
     "Video: Công tác chuẩn bị trước ngày xét xử ông Phan Văn Vĩnh và đường dây đánh bạc nghìn tỷ ở Phú Thọ.",
     "Clip hiện trường nghi án bác rể sát hại cháu trai rồi chôn xác ở góc vườn."],
)
def test_bylines_sources_and_photo_credits(line: str) -> None:
    assert is_source_line(line)


@pytest.mark.parametrize(
    "sentence",
    ["Theo tài liệu điều tra, Thương đã đột nhập vào nhà chú ruột để trộm hơn 1 tạ thóc.",
     "Theo đó, công an đã khởi tố vụ án.", "Anh Nam (SN 1990) bị thương nặng.", "Ông nói: “Tôi đồng ý”.",
     "Clip ghi lại vụ việc được chia sẻ rộng rãi trên mạng xã hội."],
)
def test_news_sentences_are_not_source_lines(sentence: str) -> None:
    assert not is_source_line(sentence)
