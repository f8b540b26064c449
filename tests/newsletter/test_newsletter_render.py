"""Rendering: hostile scraped strings stay inert in every format; template errors name the template."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from newsletter_seed import HOSTILE_TITLE, NOW, add_article, seed_hostile
from sqlalchemy import func, select

from bantin.archive.models import Edition
from bantin.errors import TemplateError
from bantin.newsletter import build_edition
from bantin.newsletter.render import Renderer, default_templates_dir, href, md, paragraphs


class _TagParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag, attrs) -> None:  # noqa: ANN001
        self.tags.append((tag, [(name, value or "") for name, value in attrs]))


def _tags(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every element of ``html`` with its attributes, as a browser's tokenizer sees them."""
    parser = _TagParser()
    parser.feed(html)
    return parser.tags


def test_hostile_strings_are_escaped_in_every_format(db, settings):
    seed_hostile(db)
    result = build_edition(db, settings, now=NOW)
    html = (result.output_dir / "edition.html").read_text(encoding="utf-8")
    tags = _tags(html)
    assert not {"script", "img", "iframe", "svg", "b"} & {name for name, _attrs in tags}
    assert not [name for _tag, attrs in tags for name, _value in attrs if name.startswith("on")]
    links = [value for _tag, attrs in tags for name, value in attrs if name in ("href", "src")]
    assert links and all(value.startswith("https://") for value in links)
    assert "&lt;script&gt;alert(&#39;tiêu đề&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:alert(4)" not in html  # the article's bad URL makes no link

    markdown = (result.output_dir / "edition.md").read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark").render(markdown)
    assert "<script" not in rendered and "<img" not in rendered and "<iframe" not in rendered
    assert 'href="javascript' not in rendered
    assert "&lt;script&gt;" in rendered  # shown as text

    text = (result.output_dir / "edition.txt").read_text(encoding="utf-8")
    assert HOSTILE_TITLE in text  # plain text shows the words as they are, with no link
    assert "javascript:alert(4)" not in text


def test_filters():
    assert href("javascript:alert(1)") == "" and href(" JAVASCRIPT:x") == "" and href("data:text/html,x") == ""
    assert href("https://vnexpress.net/a b") == "" and href("//evil.example/x") == ""
    assert href("https://vnexpress.net/a.html?x=1") == "https://vnexpress.net/a.html?x=1"
    assert md("1. *đậm* [link](u) <b>") == r"1\. \*đậm\* \[link\]\(u\) \<b\>"
    assert md("- gạch đầu dòng") == r"\- gạch đầu dòng"
    assert str(paragraphs("a <b>\nb\n\nc", "margin:0;")) == '<p style="margin:0;">a &lt;b&gt;<br>b</p><p style="margin:0;">c</p>'
    assert "\x1b" not in str(paragraphs("màu \x1b[31mđỏ"))


@pytest.fixture
def templates(tmp_path):  # noqa: ANN001, ANN201
    folder = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), folder)
    return folder


def test_template_syntax_error_names_the_template(templates):
    (templates / "edition.md.j2").write_text("# {{ subject }}\n{% if %}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"edition\.md\.j2, line 2"):
        Renderer(templates)


def test_missing_template_is_named(templates):
    (templates / "subject.txt.j2").unlink()
    with pytest.raises(TemplateError, match=r"subject\.txt\.j2 not found"):
        Renderer(templates)


def test_template_runtime_error_names_the_template_and_stores_nothing(db, settings, templates):
    add_article(db, "mot-bai")
    (templates / "edition.txt.j2").write_text("{{ subject }}\n{{ edition.no_such_field }}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"edition\.txt\.j2, line 2 failed: .*no_such_field"):
        build_edition(db, settings, now=NOW, templates_dir=templates)
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Edition)) == 0
    assert not (settings.out_dir).exists() or not any(settings.out_dir.iterdir())
