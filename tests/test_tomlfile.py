"""The one TOML loader: pydantic's errors as one line with the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from bantin.errors import ConfigError
from bantin.tomlfile import Strings, line_of, load_toml

TEXT = """\
[edition]
size = 3

[[section]]
key = "a"

[[section]]
key = "b"
tags = ["x"]

[[section]]
key = "c"
tags = ["y"]
"""


def test_line_of_finds_a_key_in_a_table_and_in_one_of_an_array_of_tables() -> None:
    assert line_of(TEXT, ("edition",), "size") == 2
    assert line_of(TEXT, (), "edition") == 1
    assert line_of(TEXT, ("section",), "tags") == 9  # no index: the first match
    assert line_of(TEXT, ("section", 2), "tags") == 13
    assert line_of(TEXT, ("section",), 1) == 7  # the second [[section]] header
    assert line_of(TEXT, ("section", 0), "tags") == 0


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    key: str
    tags: Strings = ()


class _Edition(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    size: int = 1
    names: list[str] = Field(default_factory=list)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    edition: _Edition = Field(default_factory=_Edition)
    section: list[_Section] = Field(default_factory=list)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (TEXT.replace('tags = ["y"]', 'tagz = ["y"]'), "f.toml:13: key 'section.tagz': unknown key (known keys: key, tags)"),
        (TEXT.replace('tags = ["y"]', 'tags = "y"'), "f.toml:13: key 'section.tags': wrong type str"),
        (TEXT.replace('tags = ["y"]', "tags = [1]"), "f.toml:13: key 'section.tags': must be a list of strings"),
        (TEXT.replace('tags = ["x"]', "kind = 1"), "f.toml:9: key 'section.kind': unknown key"),
        (TEXT.replace('key = "c"', ""), "f.toml:11: key 'section': missing required key 'key'"),
        (TEXT.replace("size = 3", "size = true"), "f.toml:2: key 'edition.size': wrong type bool"),
        (TEXT.replace("size = 3", 'names = ["a", 2]'), "f.toml:2: key 'edition.names': item 2: wrong type int"),
        ("edition = 1\n", "f.toml:1: key 'edition': must be a table"),
    ],
)
def test_a_bad_file_reads_as_one_line_with_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "f.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_toml(path, _File)
    assert str(caught.value).startswith(f"{tmp_path}/{message}"), str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_good_file_is_the_model(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_text(TEXT, encoding="utf-8")
    data = load_toml(path, _File)
    assert data.edition.size == 3 and [s.tags for s in data.section] == [(), ("x",), ("y",)]
