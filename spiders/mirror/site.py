"""The demo site's content: articles from ``articles.toml`` rendered in each outlet's markup.

Publication times are relative to an anchor time (``now``), so a newsletter built right after a
demo crawl finds fresh articles; tests pass a fixed anchor and get exact, repeatable dates.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from functools import cache

from jinja2 import Environment, FileSystemLoader

from bantin.resources import shipped
from bantin.spiders.dates import VIETNAM

__all__ = ["SITE_NAMES", "MirrorArticle", "Site"]

SITE_NAMES = {
    "vnexpress": "VnExpress - Số hóa",
    "vietnamnet": "VietNamNet - Thông tin và Truyền thông",
    "tuoitre": "Tuổi Trẻ - Nhịp sống số",
    "thanhnien": "Thanh Niên - Công nghệ",
    "dantri": "Dân trí - Sức mạnh số",
    "genk": "GenK",
    "znews": "ZNews - Công nghệ",
    "vneconomy": "VnEconomy - Thế giới số",
    "bad": "Trang lỗi (kiểm thử)",
}
_WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


@dataclass(frozen=True)
class MirrorArticle:
    """One article of the mirror with the fields a perfect extractor returns."""

    source: str
    path: str
    url: str
    title: str
    lead: str
    body: tuple[str, ...]
    author: str
    published: datetime
    cluster: str = ""
    layout: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(self.body)


@cache
def _raw_articles() -> tuple[dict, ...]:
    with shipped("bantin.spiders", "mirror", "articles.toml").open("rb") as handle:
        return tuple(tomllib.load(handle)["article"])


@cache
def _history_days() -> dict[str, int]:
    with shipped("bantin.spiders", "mirror", "history.toml").open("rb") as handle:
        return {str(path): int(days) for path, days in tomllib.load(handle)["days"].items()}


def _filters(env: Environment) -> None:
    env.filters.update(
        iso=lambda d: d.isoformat(),
        iso_local=lambda d: d.strftime("%Y-%m-%dT%H:%M:%S"),
        rfc822=lambda d: format_datetime(d),
        dmy=lambda d: d.strftime("%d/%m/%Y"),
        hm=lambda d: d.strftime("%H:%M"),
        ymd_hm=lambda d: d.strftime("%Y-%m-%d %H:%M"),
        vn_weekday=lambda d: _WEEKDAYS[d.weekday()].title(),
        vn_weekday_lower=lambda d: _WEEKDAYS[d.weekday()],
        vn_long=lambda d: f"{_WEEKDAYS[d.weekday()]}, {d:%d/%m/%Y}, {d:%H:%M} (GMT+7)",
    )


class Site:
    """The mirror's pages for one base URL and one anchor time."""

    def __init__(self, base_url: str, now: datetime | None = None, history: bool = False) -> None:
        self.base_url = base_url.rstrip("/")
        self.history = _history_days() if history else {}  # history.toml: older dates for the weekly demo
        anchor = (now or datetime.now(VIETNAM)).astimezone(VIETNAM)
        self.now = anchor.replace(second=0, microsecond=0)
        self.env = Environment(loader=FileSystemLoader(shipped("bantin.spiders", "mirror", "templates")), autoescape=True)
        _filters(self.env)
        self.articles = tuple(self._article(raw) for raw in _raw_articles())
        self.by_path = {f"/{a.source}/{a.path}": a for a in self.articles}

    def _article(self, raw: dict) -> MirrorArticle:
        return MirrorArticle(
            source=raw["source"],
            path=raw["path"],
            url=f"{self.base_url}/{raw['source']}/{raw['path']}",
            title=raw["title"],
            lead=raw["lead"],
            body=tuple(raw["body"]),
            author=raw["author"],
            published=self.now - timedelta(minutes=raw["age_minutes"], days=self.history.get(raw["path"], 0)),
            cluster=raw.get("cluster", ""),
            layout=raw.get("layout", ""),
        )

    def of_source(self, key: str) -> list[MirrorArticle]:
        return sorted((a for a in self.articles if a.source == key), key=lambda a: a.published, reverse=True)

    def sources(self) -> list[str]:
        return [key for key in SITE_NAMES if key != "bad"]

    def article_page(self, article: MirrorArticle, template: str | None = None) -> str:
        name = template or (f"{article.source}_{article.layout}" if article.layout else article.source)
        related = [a for a in self.of_source(article.source) if a is not article][:3]
        return self.env.get_template(f"{name}.html").render(
            a=article, related=related, base=self.base_url, site_name=SITE_NAMES[article.source]
        )

    def feed(self, key: str, items: list[dict] | None = None) -> str:
        if items is None:
            items = [
                {"title": a.title, "link": a.url, "lead": a.lead, "published": a.published} for a in self.of_source(key)
            ]
        return self.env.get_template("rss.xml").render(
            items=items, key=key, base=self.base_url, site_name=SITE_NAMES.get(key, key)
        )

    def section(self, key: str) -> str:
        links = "".join(f'<li><a href="{a.url}">{a.title}</a></li>' for a in self.of_source(key))
        return (
            f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{SITE_NAMES.get(key, key)}</title>'
            f'</head><body><h1>{SITE_NAMES.get(key, key)}</h1><ul class="list-news">{links}</ul>'
            f'<a href="{self.base_url}/{key}/section.html?page=2">Trang sau</a></body></html>'
        )

    def sitemap(self, key: str) -> str:
        entries = "".join(
            f"<url><loc>{a.url}</loc><news:news><news:publication_date>{a.published.isoformat()}"
            f"</news:publication_date><news:title>{a.title}</news:title></news:news></url>"
            for a in self.of_source(key)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + entries + "</urlset>"
        )
