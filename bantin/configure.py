"""Settings in, per-stage options out: the one place that turns ``Settings`` into what a stage takes.

The edges (the CLI, the Prefect flows, the web app, Scrapy's project settings) read ``Settings``
once and call these; library code never sees ``Settings``. Adding a setting means adding it to
``bantin.settings.Settings`` and to the options it feeds here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bantin.flows.alerts import AlertOptions
    from bantin.newsletter.chat import ChatOptions
    from bantin.newsletter.mail import MailSettings
    from bantin.newsletter.options import NewsletterOptions
    from bantin.settings import Settings
    from bantin.spiders.crawlsettings import CrawlOptions
    from bantin.summarizer.spec import ModelSpec
    from bantin.web.deps import WebOptions

__all__ = ["alert_options", "chat_options", "crawl_options", "mail_settings", "model_path", "model_spec", "newsletter_options",
           "overview_writer", "web_options"]


def crawl_options(settings: Settings, *, sources_file: Path | None = None) -> CrawlOptions:
    """The crawl's options (``sources_file`` replaces the configured one when given)."""
    from bantin.spiders.crawlsettings import CrawlOptions

    return CrawlOptions(
        database_url=settings.effective_database_url,
        sources_file=sources_file or settings.sources_file,
        data_dir=Path(settings.data_dir),
        user_agent=settings.user_agent,
        concurrency_per_domain=settings.crawl_concurrency_per_domain,
        max_page_bytes=settings.crawl_max_page_bytes,
        timeout_s=settings.crawl_timeout_s,
        obey_robots=settings.crawl_obey_robots,
        http_cache=settings.crawl_http_cache,
        entities_file=settings.entities_file,
        continuity=continuity_options(settings),
    )


def model_path(settings: Settings) -> Path | None:
    """The model folder in use: ``BANTIN_MODEL_PATH`` when set, else the one ``bantin model pull`` /
    ``bantin model use`` recorded in the data folder (``models/current.toml``), else None (extractive)."""
    if settings.model_path is not None:
        return settings.model_path
    from bantin.summarizer.hub import current_model

    return current_model(Path(settings.data_dir) / "models")
def continuity_options(settings: Settings):  # noqa: ANN201 - a ContinuityOptions (imported lazily)
    """When two articles are one developing story (bantin.archive.continuity)."""
    from bantin.archive.continuity import ContinuityOptions

    return ContinuityOptions(window_days=settings.continuity_window_days, min_score=settings.continuity_min_score,
                             max_similarity=settings.continuity_max_similarity)


def model_spec(settings: Settings, **overrides: object) -> ModelSpec:
    """The configured model; ``overrides`` (path, engine, device, compute_type) replace fields unless None."""
    from bantin.summarizer.spec import TRAINED_WEIGHTS_FILE, ModelSpec

    values = {"path": model_path(settings), "engine": settings.model_engine, "device": settings.model_device,
              "compute_type": settings.model_compute_type}
    trained = Path(settings.data_dir) / TRAINED_WEIGHTS_FILE  # bantin model train-extractive wrote it
    extractive_weights = trained if trained.is_file() else None
    unknown = set(overrides) - set(values)
    if unknown:
        raise TypeError(f"unknown model overrides: {', '.join(sorted(unknown))}")
    values.update({key: value for key, value in overrides.items() if value is not None})
    return ModelSpec(**values, extractive_weights=extractive_weights)


def overview_writer(settings: Settings) -> Callable[[Sequence[str]], tuple[str, str]] | None:
    """What writes a new edition's overview paragraph: the configured model when it is decoder-only
    (it loads on the first call), else None (no paragraph). ``build_edition(write_overview=…)``."""
    from bantin.summarizer.overview import overview_writer as writer

    return writer(model_spec(settings))


def mail_settings(settings: Settings, recipients: list[str] | None = None) -> MailSettings | None:
    """SMTP delivery to ``recipients`` (default: the newsletter's), or None when ``smtp_host`` or
    the recipients are not set (files only)."""
    from bantin.newsletter.mail import MailSettings

    recipients = settings.smtp_recipients if recipients is None else recipients
    if not settings.smtp_host or not recipients:
        return None
    return MailSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        starttls=settings.smtp_starttls,
        user=settings.smtp_user or None,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        sender=settings.smtp_from,
        recipients=tuple(recipients),
    )


def alert_options(settings: Settings) -> AlertOptions:
    """Where a failed scheduled run is told: the alert URLs, and the alert recipients by the
    newsletter's SMTP server."""
    from bantin.flows.alerts import AlertOptions

    return AlertOptions(urls=tuple(settings.alert_urls), mail=mail_settings(settings, settings.alert_recipients))


def newsletter_options(settings: Settings) -> NewsletterOptions:
    from bantin.newsletter.options import NewsletterOptions

    return NewsletterOptions(
        out_dir=Path(settings.out_dir),
        timezone=settings.timezone,
        relevance_threshold=settings.relevance_threshold,
        empty=settings.newsletter_empty,
        sections_file=settings.newsletter_sections,
        mail=mail_settings(settings),
        entities_file=settings.entities_file,
    )


def chat_options(settings: Settings) -> ChatOptions:
    from bantin.newsletter.chat import ChatOptions

    return ChatOptions(urls=tuple(settings.notify_urls), web_url=settings.web_url)


def web_options(settings: Settings) -> WebOptions:
    from bantin.web.deps import WebOptions

    return WebOptions(
        timezone=settings.timezone,
        token=settings.web_token.get_secret_value() if settings.web_token else None,
        sections_file=settings.newsletter_sections,
        relevance_threshold=settings.relevance_threshold,
        entities_file=settings.entities_file,
    )
