"""The entities file and the matcher: case rules, word boundaries, counts per part, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from entity_eval import score

from bantin.archive.entities import fold_keep_case, load_catalog, match_article, match_text, suggest_names
from bantin.errors import ConfigError


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_the_shipped_file_has_fifty_entities_of_every_kind(catalog) -> None:
    assert len(catalog) >= 50
    assert {e.kind for e in catalog.entities.values()} == {"company", "lab", "model", "product", "agency", "person"}
    assert catalog.name_of("bo_khcn") == "Bộ Khoa học và Công nghệ"


def test_case_rules_keep_words_apart_from_names(catalog) -> None:
    assert match_text("Meta ra mắt Llama 4; trang có thẻ meta charset.", catalog) == {"meta": 1, "llama": 1}
    assert match_text("Bé gái học bài. Be careful.", catalog) == {}
    assert match_text("Tài xế ứng dụng Be nhận cuốc gọi xe.", catalog) == {"be": 1}
    assert match_text("Ai là người dùng ChatGPT nhiều nhất?", catalog) == {"chatgpt": 1}
    assert match_text("NVIDIA và Nvidia, nvidia", catalog) == {"nvidia": 3}


def test_folded_matching_finds_names_without_diacritics(catalog) -> None:
    assert match_text("Bo Khoa hoc va Cong nghe va Bộ KH&CN", catalog) == {"bo_khcn": 2}
    assert match_text("Bộ Khoa học và Công nghệ", catalog) == {"bo_khcn": 1}


def test_whole_words_and_the_longest_alias_win(catalog) -> None:
    assert match_text("Google DeepMind và Google", catalog) == {"deepmind": 1, "google": 1}
    assert match_text("ChatGPT dùng GPT-4o; DeepSeek-R1", catalog) == {"chatgpt": 1, "gpt": 1, "deepseek": 1}
    assert match_text("Googler và Nvidias không phải tên", catalog) == {}
    assert match_text("một cán bộ công an phường và Bộ Công an", catalog) == {"bo_cong_an": 1}


def test_counts_per_title_lead_and_body(catalog) -> None:
    mentions = match_article("Nvidia và AMD", "Nvidia công bố", "AMD đáp trả. Nvidia nói.", catalog)
    assert mentions.rows() == [("amd", 1, 0, 1), ("nvidia", 1, 1, 1)]
    assert mentions.total() == {"nvidia": 3, "amd": 2}


def test_fold_keep_case_keeps_one_character_per_character() -> None:
    text = "Đà Nẵng Bộ KH&CN ư"
    assert fold_keep_case(text) == "Da Nang Bo KH&CN u"
    assert len(fold_keep_case(text)) == len(text)


def test_suggest_lists_frequent_capitalized_names_the_file_lacks(catalog) -> None:
    texts = ["Theo Trung Tâm Dữ Liệu Quốc Gia, Nvidia và FPT hợp tác.",
             "Trung Tâm Dữ Liệu Quốc Gia mở ở Hà Nội; Việt Nam tăng tốc.",
             "Ông Lê Văn An nói. Việt Nam và Nvidia."]
    names = suggest_names(texts, catalog, min_articles=2)
    assert names == [("Trung Tâm Dữ Liệu Quốc Gia", 2)]


def test_the_labelled_set_meets_the_goal(catalog) -> None:
    parts = score(catalog)
    total = parts["all"]
    in_repository = parts["mirror"].gold + parts["text"].gold
    assert in_repository >= 250
    if parts["shared"].documents:
        assert total.gold >= 300
    assert total.precision >= 0.95, total.mistakes
    assert total.recall >= 0.9, total.mistakes


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "entities.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = '[entities.a]\nname = "A"\nkind = "company"\naliases = ["Alpha"]\n\n'


@pytest.mark.parametrize(
    ("body", "line", "key", "reason"),
    [
        ('[entities.b]\nname = "B"\nkind = "lab"\naliases = ["Beta", "alpha"]\n', 9, "entities.b.aliases", "duplicate alias"),
        ('[entities.b]\nname = "  "\nkind = "lab"\naliases = ["Beta"]\n', 7, "entities.b.name", "name is empty"),
        ('[entities.b]\nname = "B"\nkind = "lab"\naliases = ["Beta"]\nregex = ["Beta(("]\n', 10, "entities.b.regex",
         "bad regular expression"),
        ('[entities.b]\nname = "B"\nkind = "firm"\naliases = ["Beta"]\n', 8, "entities.b.kind", "Input should be"),
        ('[entities.b]\nname = "B"\nkind = "lab"\naliases = ["Beta"]\nalias = "Be"\n', 10, "entities.b.alias", "unknown key"),
    ],
)
def test_a_bad_file_is_one_line_with_file_line_and_key(tmp_path: Path, body: str, line: int, key: str, reason: str) -> None:
    path = _write(tmp_path, GOOD + body)
    with pytest.raises(ConfigError) as caught:
        load_catalog(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: key '{key}'"), message
    assert reason in message and "\n" not in message
