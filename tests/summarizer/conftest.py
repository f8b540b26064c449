"""Tiny random models for the summarizer tests, built and converted once per test session.

Each family gets a tokenizer trained here on Vietnamese text, a random Hugging Face model, and a
float32 CTranslate2 conversion made with ``bantin model convert`` (float32 so that parity and
batching can be compared exactly).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.loading import clear_cache
from summarizer.random_models import FAMILIES, build_model, train_tokenizer

VI_ARTICLE = """Trí tuệ nhân tạo thay đổi tòa soạn Việt Nam

Nhiều tòa soạn tại TP.HCM và Hà Nội đã bắt đầu dùng trí tuệ nhân tạo để tóm tắt tin tức. Theo ThS. Nguyễn Văn An, mô hình ngôn ngữ lớn giúp biên tập viên tiết kiệm 30% thời gian mỗi ngày.

Một công ty khởi nghiệp công nghệ ở TP.HCM vừa gọi vốn thành công 105 triệu USD. Số tiền này sẽ được dùng để xây dựng trung tâm dữ liệu và đào tạo kỹ sư. Ông Lê Văn T. cho biết tốc độ tăng trưởng đạt 2,5 lần so với năm trước.

"Dữ liệu tiếng Việt chất lượng cao là chìa khóa," PGS. Trần Thị Bình nói. Các chuyên gia cảnh báo rằng mô hình có thể bịa ra thông tin nếu không được kiểm chứng cẩn thận. Vì vậy, con người vẫn phải duyệt lại từng bản tóm tắt trước khi đăng.

Bộ Thông tin và Truyền thông đang soạn thảo hướng dẫn về việc dùng trí tuệ nhân tạo trong báo chí. Hướng dẫn dự kiến được ban hành trong quý 3/2025."""

CORPUS = [line for line in VI_ARTICLE.splitlines() if line.strip()] * 3 + [
    "Mô hình tóm tắt văn bản tiếng Việt cần được kiểm tra kỹ.",
    "Câu hỏi và trả lời về công nghệ số, điện thoại, phần mềm và an ninh mạng.",
    "### Câu hỏi: Tóm tắt ngắn gọn bài báo sau bằng tiếng Việt: ### Trả lời:",
]


def run_cli(args: list[str]) -> None:
    """Run ``bantin`` in-process like the console script; raise if it does not exit 0."""
    from bantin.cli import main

    try:
        main(args)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise AssertionError(f"bantin {' '.join(args)} exited {exc.code}") from None


@pytest.fixture(scope="session")
def hf_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hf")
    sys.path.insert(0, str(root))  # nothing imported from here; remote code loads via transformers
    return {family: build_model(root / family, family, train_tokenizer(CORPUS, family)) for family in FAMILIES}


@pytest.fixture(scope="session")
def ct2_models(hf_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("ct2")
    out: dict[str, Path] = {}
    for family, folder in hf_models.items():
        target = root / f"{family}-ct2"
        extra = ["--trust-remote-code"] if family == "mpt" else []
        run_cli(["model", "convert", str(folder), str(target), "--quantization", "float32", *extra])
        out[family] = target
    return out


@pytest.fixture(autouse=True)
def fresh_model_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()
