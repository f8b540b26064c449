"""The sections file: the shipped default, custom layouts and clear errors."""

from __future__ import annotations

import pytest

from bantin.errors import ConfigError
from bantin.newsletter import load_sections


def test_default_layout_maps_tags_to_sections_with_a_fallback():
    config = load_sections()
    assert config.top_stories == 3 and config.fallback.key == "other"
    assert config.section_for(["Investment"]).key == "business"
    assert config.section_for(["policy", "chips"]).key == "policy"  # the strongest topic decides
    assert config.section_for(["ai", "chips", "policy"]).key == "chips"  # "ai" is on everything
    assert config.section_for(["generative"]).key == "models" and config.section_for(["data"]).key == "chips"
    assert config.section_for(["no-such-tag"]).key == "other"
    assert config.section_for([]).key == "other"
    assert config.by_key("gone-from-the-file").key == "other"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[edition]\ntop_stories = 2\ncolour = "red"\n', r"line 3: key 'colour': unknown key in \[edition\]"),
        ('[[section]]\nkey = "a"\ntitle = "A"\nlabel = "x"\nfallback = true\n', r"line 4: key 'label'"),
        ('[[section]]\nkey = "a"\ntitle = "A"\n', "exactly one section must have fallback"),
        ('[[section]]\nkey = "top"\ntitle = "A"\nfallback = true\n', "'top' is reserved"),
        ('[ranking]\nrelevance = -1\n[[section]]\nkey = "a"\ntitle = "A"\nfallback = true\n', "line 2: key 'relevance'"),
        ("[[section]\nkey = 1\n", "Expected"),
        ("", "at least one"),
    ],
)
def test_bad_sections_files_name_file_line_and_key(tmp_path, text, message):
    path = tmp_path / "sections.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_sections(path)
    assert str(path) in str(caught.value)


def test_missing_sections_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read sections file"):
        load_sections(tmp_path / "none.toml")
