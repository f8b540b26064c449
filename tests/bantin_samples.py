"""Vietnamese sample text: a short article about AI in newsrooms (written for bantin, no copyright
issue) and a corpus built from it. Tests train their tiny tokenizers on ``TOKENIZER_CORPUS``; the
speed bench and ``bantin model convert --check`` use the article's sentences.
"""

from __future__ import annotations

__all__ = ["SAMPLE_ARTICLE", "TOKENIZER_CORPUS"]

SAMPLE_ARTICLE = """Trí tuệ nhân tạo thay đổi tòa soạn Việt Nam

Nhiều tòa soạn tại TP.HCM và Hà Nội đã bắt đầu dùng trí tuệ nhân tạo để tóm tắt tin tức. Theo ThS. Nguyễn Văn An, mô hình ngôn ngữ lớn giúp biên tập viên tiết kiệm 30% thời gian mỗi ngày.

Một công ty khởi nghiệp công nghệ ở TP.HCM vừa gọi vốn thành công 105 triệu USD. Số tiền này sẽ được dùng để xây dựng trung tâm dữ liệu và đào tạo kỹ sư. Ông Lê Văn T. cho biết tốc độ tăng trưởng đạt 2,5 lần so với năm trước.

"Dữ liệu tiếng Việt chất lượng cao là chìa khóa," PGS. Trần Thị Bình nói. Các chuyên gia cảnh báo rằng mô hình có thể bịa ra thông tin nếu không được kiểm chứng cẩn thận. Vì vậy, con người vẫn phải duyệt lại từng bản tóm tắt trước khi đăng.

Bộ Thông tin và Truyền thông đang soạn thảo hướng dẫn về việc dùng trí tuệ nhân tạo trong báo chí. Hướng dẫn dự kiến được ban hành trong quý 3/2025."""

TOKENIZER_CORPUS = [line for line in SAMPLE_ARTICLE.splitlines() if line.strip()] * 3 + [
    "Mô hình tóm tắt văn bản tiếng Việt cần được kiểm tra kỹ.",
    "Câu hỏi và trả lời về công nghệ số, điện thoại, phần mềm và an ninh mạng.",
    "### Câu hỏi: Tóm tắt ngắn gọn bài báo sau bằng tiếng Việt: ### Trả lời:",
]
