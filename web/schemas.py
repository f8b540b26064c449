"""The JSON API's response models (what ``/api/openapi.json`` documents). Times are ISO 8601 with
the readers' offset (``BANTIN_TIMEZONE``), e.g. ``2026-12-02T03:25:00+07:00``."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = [
    "ArticleBrief",
    "ArticleOut",
    "EditionItemOut",
    "EditionList",
    "EditionOut",
    "ErrorOut",
    "HitOut",
    "SearchOut",
    "SourceOut",
    "SummaryOut",
]


class ErrorOut(BaseModel):
    """Every error: ``error`` for readers (Vietnamese), ``detail`` the original text where one exists."""

    error: str
    detail: str | None = None


class HitOut(BaseModel):
    id: int
    title: str
    url: str | None
    source: str
    source_name: str
    published_at: str | None = Field(description="ISO 8601 with offset")
    time: str = Field(description="published, else fetched; ISO 8601 with offset")
    score: float
    relevance: float | None
    topics: list[str]
    cluster_id: int | None
    title_html: str
    snippet: str
    snippet_html: str
    matched: list[str]
    others: list[HitOut] = Field(default=[], description="grouped mode: the story's other matching articles")


class SearchOut(BaseModel):
    query: str
    page: int
    per_page: int
    pages: int
    total: int = Field(description="matches: counted, or estimated when `capped`")
    capped: bool = Field(description="true: `total` is an estimate (a frequent query; not every match was read)")
    total_text: str = Field(description="the count as a reader reads it: '35 kết quả', 'khoảng 66.600 kết quả'")
    suggestion: str | None
    messages: list[str]
    grouped: bool = Field(description="true: one hit per story, its other articles under `others`")
    hits: list[HitOut]


class ArticleBrief(BaseModel):
    id: int
    title: str
    url: str | None
    source: str
    source_name: str
    published_at: str | None


class SummaryOut(BaseModel):
    text: str
    model_id: str
    engine: str | None
    created_at: str | None


class ArticleOut(ArticleBrief):
    homepage: str | None
    author: str | None
    fetched_at: str | None
    lead: str | None
    body: str | None
    topics: list[str]
    relevance: float | None
    cluster_id: int | None
    summary: SummaryOut | None
    also_covered_by: list[ArticleBrief]


class EditionBrief(BaseModel):
    id: int
    number: int = Field(description="the edition's number, counted from the first")
    kind: str
    title: str | None
    period_start: str | None
    period_end: str | None
    created_at: str | None
    item_count: int
    delivered: bool


class EditionList(BaseModel):
    page: int
    pages: int
    total: int
    editions: list[EditionBrief]


class LinkOut(BaseModel):
    source: str
    url: str | None
    title: str


class EditionItemOut(ArticleBrief):
    position: int
    section: str
    section_title: str
    summary: str
    summary_automatic: bool
    summary_sources: int = 1  # outlets a story summary was drawn from (1: the article's own summary)
    also_covered: list[LinkOut]


class KeyPointOut(BaseModel):
    text: str
    title: str
    url: str | None
    source: str


class OverviewOut(BaseModel):
    headline: str
    points: list[KeyPointOut]
    paragraph: str | None = Field(None, description="written by a decoder-only model when the edition was built "
                                                    "(machine-written); null without such a model")
    paragraph_model: str | None = Field(None, description="the model that wrote the paragraph")


class EditionOut(EditionBrief):
    overview: OverviewOut | None = None
    items: list[EditionItemOut]


class SourceOut(BaseModel):
    key: str
    name: str
    homepage: str | None
    enabled: bool
    articles: int
    last_success_at: str | None
    consecutive_failures: int
    last_error: str | None
    last_error_at: str | None
    healthy: bool
