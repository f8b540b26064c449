"""Rendering an edition with the Jinja2 templates in ``templates/newsletter/``.

The templates hold every word a reader sees. Scraped strings reach them as plain text: the HTML
template autoescapes them, the Markdown template escapes them with ``md``, the text template
drops control characters with ``plain``. The one place that builds HTML from scraped text
(``paragraphs``) escapes it first and then passes the result through nh3 with a two-tag
allowlist. Links pass ``href``, which keeps only http(s) URLs, so ``javascript:`` never links.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
import nh3
from markupsafe import Markup, escape

from bantin.errors import ConfigError, TemplateError
from bantin.newsletter.view import EditionView
from bantin.resources import shipped
from bantin.safety import http_url, strip_controls

__all__ = ["TEMPLATES", "Rendered", "Renderer", "default_templates_dir", "number"]

def default_templates_dir() -> Path:
    """The shipped newsletter templates (package data of ``bantin``)."""
    return shipped("bantin", "templates", "newsletter")


# output name -> template file
TEMPLATES = {
    "subject": "subject.txt.j2",
    "html": "edition.html.j2",
    "text": "edition.txt.j2",
    "markdown": "edition.md.j2",
}
CHAT_TEMPLATE = "chat.txt.j2"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~&$])")
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class Rendered:
    """An edition in every format: the e-mail subject (also the edition's title) and three bodies."""

    subject: str
    html: str
    text: str
    markdown: str


def plain(value: Any) -> str:
    """``value`` as text without control or bidi-override characters (newlines kept)."""
    return strip_controls(unicodedata.normalize("NFC", "" if value is None else str(value)))


def href(value: Any) -> str:
    """``value`` if it is an absolute http(s) URL without blanks, else '' (no link is made)."""
    return http_url(plain(value)) or ""


def md(value: Any) -> str:
    """Text made inert in Markdown: its markup characters escaped, lines joined into one."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(plain(value).split()))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit() else "\\" + m.group(1), escaped)


def md_url(value: Any) -> str:
    """A safe link target for Markdown ``[text](<url>)``; '' when ``href`` rejects it."""
    return quote(href(value), safe="/:?#[]@!$&'*+,;=%~-._")


def number(value: float | int | None, digits: int = 2) -> str:
    """A number as Vietnamese writes it: ``0,20``, ``1.234`` (the web pages use it too)."""
    if value is None:
        return ""
    text = f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,d}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def paragraphs(value: Any, style: str = "") -> Markup:
    """Text as escaped ``<p>`` paragraphs (blank lines separate them, single newlines break)."""
    blocks = [block.strip() for block in _PARAGRAPH_BREAK.split(plain(value)) if block.strip()]
    attribute = f' style="{escape(style)}"' if style else ""
    html = "".join(
        f"<p{attribute}>" + "<br>".join(str(escape(line.strip())) for line in block.splitlines()) + "</p>"
        for block in blocks
    )
    return Markup(nh3.clean(html, tags={"p", "br"}, attributes={"p": {"style"}}, strip_comments=True))


def _local(zone: str) -> Callable[[datetime | None, str], str]:
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"unknown time zone {zone!r} (BANTIN_TIMEZONE); use a name like Asia/Ho_Chi_Minh") from exc

    def local(moment: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
        return "" if moment is None else moment.astimezone(tz).strftime(fmt)

    return local


class Renderer:
    """Loads the newsletter templates once (a broken one fails here, naming itself) and renders."""

    def __init__(self, templates_dir: Path | None = None) -> None:
        self.templates_dir = Path(templates_dir) if templates_dir is not None else default_templates_dir()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.templates_dir),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(plain=plain, href=href, md=md, md_url=md_url, paragraphs=paragraphs, number=number)
        self.templates = {kind: self._load(name) for kind, name in TEMPLATES.items()}

    def _load(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"newsletter template {exc.name} not found in {self.templates_dir}") from exc
        except jinja2.TemplateSyntaxError as exc:
            where = f"{exc.filename or exc.name or name}, line {exc.lineno}"
            raise TemplateError(f"newsletter template {where}: {exc.message}") from exc

    def render(self, view: EditionView) -> Rendered:
        """The edition in every format; ``TemplateError`` names the template that failed."""
        local = _local(view.timezone)
        subject = " ".join(self._render("subject", edition=view, local=local).split())
        if not subject:
            raise TemplateError(f"newsletter template {TEMPLATES['subject']} rendered an empty subject")
        out = {
            kind: self._render(kind, edition=view, local=local, subject=subject)
            for kind in ("html", "text", "markdown")
        }
        return Rendered(subject=subject, html=out["html"], text=out["text"], markdown=out["markdown"])

    def render_chat(self, view: EditionView, *, link: str | None, stories: int = 5) -> tuple[str, str]:
        """(title, body) of the short chat digest: the top stories (else the first ones) and ``link``."""
        local = _local(view.timezone)
        subject = " ".join(self._render("subject", edition=view, local=local).split())
        chosen = view.top or view.items
        template = self._load(CHAT_TEMPLATE)
        try:
            body = template.render(edition=view, local=local, shown=chosen[:stories],
                                   more=max(0, view.story_count - min(len(chosen), stories)), link=link)
        except jinja2.TemplateError as exc:
            raise TemplateError(f"newsletter template {CHAT_TEMPLATE} failed: {exc}") from exc
        return subject, re.sub(r"\n{3,}", "\n\n", body).strip()

    def _render(self, kind: str, **context: Any) -> str:
        name = TEMPLATES[kind]
        try:
            return self.templates[kind].render(**context)
        except jinja2.TemplateError as exc:
            line = _template_line(exc, self.templates_dir)
            where = f"{name}, line {line}" if line else name
            message = getattr(exc, "message", None) or str(exc)
            raise TemplateError(f"newsletter template {where} failed: {message}") from exc


def _template_line(exc: BaseException, templates_dir: Path) -> int | None:
    """The line of the innermost template frame in ``exc``'s traceback (Jinja maps it)."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if str(tb.tb_frame.f_code.co_filename).startswith(str(templates_dir)):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
