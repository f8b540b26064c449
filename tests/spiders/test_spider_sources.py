"""The sources file: the shipped one, and errors that name file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bantin.errors import SourcesFileError
from bantin.spiders import load_sources, select_sources
from bantin.spiders.mirror import BAD_SOURCES, write_sources_file

SHIPPED = ("vnexpress", "vietnamnet", "tuoitre", "thanhnien", "dantri", "genk", "znews", "vneconomy")


def test_shipped_sources_cover_the_outlets_with_feeds_and_selectors() -> None:
    sources = {s.key: s for s in load_sources()}
    assert tuple(sources) == SHIPPED
    for key, source in sources.items():
        assert source.feeds and all(f.startswith("https://") for f in source.feeds), key
        assert source.enabled and source.article_pattern
        sel = source.selectors
        assert sel.title and sel.lead and sel.body and sel.published and sel.author and sel.drop, key
    assert sources["vnexpress"].feeds[0] == "https://vnexpress.net/rss/so-hoa.rss"
    assert sources["vnexpress"].is_article_url("https://vnexpress.net/nvidia-ra-mat-4950001.html")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_syntax_error_names_file_line_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path, '[sources.a]\nname = "A"\nhomepage = "https://a.vn"\nfeeds = ["https://a.vn/rss"\n')
    with pytest.raises(SourcesFileError) as caught:
        load_sources(path)
    message = str(caught.value)
    assert f"{path}:4" in message and "'feeds'" in message and "syntax" in message


def test_syntax_error_in_the_middle_names_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '[sources.a]\nname = "A"\nhomepage "https://a.vn"\nfeeds = ["https://a.vn/rss"]\n')
    with pytest.raises(SourcesFileError, match=rf"{path}:3: key 'homepage': TOML syntax error"):
        load_sources(path)


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path, '[sources.a]\nname = "A"\nhomepage = "https://a.vn"\nfeeds = ["https://a.vn/rss"]\nfeed_url = "x"\n')
    with pytest.raises(SourcesFileError, match=rf"{path}:5: key 'sources.a.feed_url': unknown key"):
        load_sources(path)


def test_unknown_selector_key_names_its_line(tmp_path: Path) -> None:
    text = ('[sources.a]\nname = "A"\nhomepage = "https://a.vn"\nfeeds = ["https://a.vn/rss"]\n\n'
            '[sources.a.selectors]\ntitle = "h1"\nbodyy = "article"\n')
    with pytest.raises(SourcesFileError, match=rf"{path_of(tmp_path)}:8: key 'sources.a.selectors.bodyy': unknown key"):
        load_sources(_write(tmp_path, text))


def path_of(tmp_path: Path) -> Path:
    return tmp_path / "sources.toml"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('name = "A"\nhomepage = "https://a.vn"\nfeeds = "https://a.vn/rss"\n', "'sources.a.feeds': wrong type str"),
        ('name = "A"\nhomepage = "https://a.vn"\n', "needs at least one of feeds"),
        ('homepage = "https://a.vn"\nfeeds = ["x"]\n', "missing required key 'name'"),
        ('name = "A"\nhomepage = "https://a.vn"\nfeeds = ["x"]\narticle_pattern = "("\n', "bad regular expression"),
        ('name = "A"\nhomepage = "https://a.vn"\nfeeds = ["x"]\ndelay_s = true\n', "wrong type bool"),
    ],
)
def test_invalid_values_are_named(tmp_path: Path, body: str, needle: str) -> None:
    with pytest.raises(SourcesFileError, match=str(path_of(tmp_path))) as caught:
        load_sources(_write(tmp_path, "[sources.a]\n" + body))
    assert needle in str(caught.value)


def test_missing_file_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourcesFileError, match="cannot read"):
        load_sources(tmp_path / "nope.toml")
    with pytest.raises(SourcesFileError, match="no \\[sources.KEY\\] tables"):
        load_sources(_write(tmp_path, "# nothing\n"))


def test_select_sources_by_key_and_unknown_keys() -> None:
    sources = load_sources()
    assert [s.key for s in select_sources(sources, ["genk", "dantri", "genk"])] == ["genk", "dantri"]
    assert len(select_sources(sources, None)) == len(SHIPPED)
    with pytest.raises(SourcesFileError, match="unknown source\\(s\\): nope"):
        select_sources(sources, ["nope"])


def test_mirror_sources_file_round_trips(tmp_path: Path) -> None:
    path = write_sources_file("http://127.0.0.1:9", tmp_path / "m.toml", include_bad=True)
    sources = {s.key: s for s in load_sources(path)}
    shipped = {s.key: s for s in load_sources()}
    assert set(sources) == set(SHIPPED) | set(BAD_SOURCES)
    for key in SHIPPED:
        assert sources[key].feeds == (f"http://127.0.0.1:9/{key}/rss.xml",)
        assert sources[key].selectors == shipped[key].selectors
        assert sources[key].delay_s == 0.0
