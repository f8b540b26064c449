"""Settings, read once at the edges (CLI, flows, web app) and passed down.

Every field can be set with a ``BANTIN_<FIELD>`` environment variable or in a ``.env`` file in
the working directory. Library code never reads ``os.environ``; it receives a ``Settings``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bantin.safety import mask_url

__all__ = ["Settings", "load_settings"]


class Settings(BaseSettings):
    """All of bantin's configuration. See the README's configuration table."""

    model_config = SettingsConfigDict(
        env_prefix="BANTIN_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        protected_namespaces=(),
    )

    data_dir: Path = Field(Path("bantin-data"), description="Folder for the embedded database and caches.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: SQLite file bantin.db in the data folder."
    )
    out_dir: Path = Field(Path("out"), description="Where editions are written, one folder each.")
    sources_file: Path | None = Field(None, description="TOML file listing the sources; unset: the shipped one.")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Local time zone of editions and dates.")

    # crawling
    user_agent: str = Field("bantin/0.1 (+https://example.invalid/bantin)", description="User-Agent of the crawler.")
    crawl_concurrency_per_domain: int = Field(2, ge=1, description="Parallel requests per domain.")
    crawl_max_page_bytes: int = Field(5_000_000, ge=10_000, description="Pages larger than this are rejected.")
    crawl_timeout_s: float = Field(30.0, gt=0, description="Download timeout per request (seconds).")
    crawl_obey_robots: bool = Field(True, description="Obey robots.txt.")
    crawl_http_cache: bool = Field(False, description="Scrapy HTTP cache in the data folder (development).")
    relevance_threshold: float = Field(0.2, ge=0, le=1, description="Minimum AI relevance for editions.")
    entities_file: Path | None = Field(None, description="Entities file (names counted in articles); unset: shipped.")
    continuity_window_days: int = Field(30, ge=1, le=365, description="Story continuity: days apart at most.")
    continuity_min_score: float = Field(0.35, ge=0, le=1, description="Story continuity: least score to link.")
    continuity_max_similarity: float = Field(0.7, gt=0, le=1, description="Story continuity: text this similar is a copy.")

    # summarizer
    model_path: Path | None = Field(None, description="CTranslate2 model folder; unset: extractive engine.")
    model_engine: Literal["auto", "encoder-decoder", "decoder-only", "extractive"] = Field(
        "auto", description="Engine; auto picks from the model folder."
    )
    model_device: Literal["auto", "cpu", "cuda"] = Field("auto", description="auto: CUDA if a GPU is visible.")
    model_compute_type: str = Field("auto", description="CTranslate2 compute type; auto picks per device/model.")

    # newsletter and delivery
    newsletter_empty: Literal["short", "skip"] = Field("short", description="Empty period: short edition or none.")
    newsletter_sections: Path | None = Field(None, description="Sections file (topic tags -> sections); unset: shipped.")
    smtp_host: str | None = Field(None, description="SMTP server; unset: editions go to files only.")
    smtp_port: int = Field(587, description="SMTP port.")
    smtp_starttls: bool = Field(True, description="Use STARTTLS.")
    smtp_user: str | None = Field(None, description="SMTP login.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password (masked when shown).")
    smtp_from: str = Field("bantin@localhost", description="From address.")
    smtp_recipients: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated recipients."
    )

    # orchestration
    crawl_parallel_sources: int = Field(2, ge=1, description="Sources crawled at once (one process each).")
    summarize_batch_size: int = Field(8, ge=1, description="Articles per summarization batch.")
    dask_address: str | None = Field(None, description="Dask scheduler; set: summarization fans out over it.")

    # schedules
    schedule_daily_cron: str = Field("30 6 * * *", description="Cron of the daily edition.")
    schedule_weekly_cron: str = Field("0 7 * * 1", description="Cron of the weekly edition.")
    schedule_catch_up: bool = Field(
        True, description="A scheduled run missed while the scheduler was stopped runs once when it starts."
    )
    prefect_port: int = Field(4200, ge=1, le=65535, description="Port of the local Prefect server (API and UI).")
    alert_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Apprise URLs told when a scheduled run fails (comma-separated)."
    )
    alert_recipients: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="E-mail addresses told when a scheduled run fails (the SMTP server above)."
    )

    notify_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Apprise URLs (Telegram, Slack, Discord, Matrix …) sent a short digest of each new edition.",
    )

    # web
    web_token: SecretStr | None = Field(None, description="Token for state-changing web requests.")
    web_url: str | None = Field(None, description="Public address of `bantin web` (links in chat digests and feeds).")

    @field_validator("smtp_recipients", "alert_recipients", mode="before")
    @classmethod
    def _split_recipients(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("alert_urls", "notify_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: Any) -> Any:
        """URLs apart at blanks or at a comma that starts the next ``scheme://`` (a comma inside a
        URL's query stays)."""
        if isinstance(value, str):
            return [part for part in re.split(r"\s+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)", value.strip()) if part]
        return value

    @property
    def effective_database_url(self) -> str:
        """The database URL in use: the configured one, or the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'bantin.db').resolve()}"

    def shown(self) -> dict[str, str]:
        """Settings as strings for display, secrets and URL passwords masked."""
        rows: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                text = "********" if value.get_secret_value() else ""
            elif value is None:
                text = ""
            elif isinstance(value, list):
                text = ", ".join(str(v) for v in value)
            else:
                text = str(value)
            rows[name] = text
        rows["database_url"] = mask_url(self.effective_database_url)
        # Apprise URLs carry their tokens in the path: show the kind of channel only.
        rows["alert_urls"] = ", ".join(f"{url.partition('://')[0]}://…" for url in self.alert_urls)
        rows["notify_urls"] = ", ".join(f"{url.partition('://')[0]}://…" for url in self.notify_urls)
        return rows


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment and ``.env``; ``overrides`` win (CLI options)."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)
