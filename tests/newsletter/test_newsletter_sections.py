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


def test_a_story_goes_under_its_strongest_topic_above_the_threshold_else_tin_khac():
    """Issue 15: a bank-data story under "Chip & hạ tầng", ChatGPT in schools under "Mô hình"."""
    config = load_sections()
    assert config.topic_threshold == 0.5 and config.generic_topics == ("ai",)
    assert config.fallback.title == "Tin khác"
    # a weak tag further down never pulls a story in: the strongest topic is listed by no section
    assert config.section_for(["ai", "finance", "data"]).key == "other"
    # one outlet's strongest topic, the others' none: below the threshold
    bank = [["ai", "data"], ["ai"], ["ai"]]
    assert config.section_for_story(bank).key == "other"
    # ChatGPT named in passing by one of two school stories, second to education: strength 1/4
    schools = [["ai", "education", "generative"], ["ai", "education"]]
    assert config.section_for_story(schools).key == "other"
    # the strongest topic of most of the story's articles decides
    assert config.section_for_story([["ai", "policy", "chips"], ["policy"], ["chips"]]).key == "policy"
    assert config.section_for_story([["chips"], ["ai", "chips", "data"]]).key == "chips"
    assert config.section_for_story([["ai"]]).key == "other" and config.section_for_story([]).key == "other"
    # exactly at the threshold counts
    assert config.section_for_story([["generative"], ["robotics"]]).key == "models"


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


def test_a_mistake_in_a_later_section_names_that_sections_line(tmp_path):
    path = tmp_path / "sections.toml"
    path.write_text('[[section]]\nkey = "a"\ntitle = "A"\nfallback = true\n\n'
                    '[[section]]\nkey = "b"\ntitle = "B"\ntags = [1]\n\n[[section]]\nkey = "a"\ntitle = "C"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 9: key 'tags': must be a list of strings"):
        load_sections(path)
    path.write_text(path.read_text(encoding="utf-8").replace("tags = [1]", 'tags = ["x"]'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 12: key 'key': section key 'a' is used twice"):
        load_sections(path)
