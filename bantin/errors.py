"""One exception tree for all of bantin.

Library code raises these; only the edges (CLI, web app, flows, Scrapy pipelines) turn them into
words. The CLI prints ``str(exc)`` as one line on stderr and exits with code 2.

::

    BantinError
    ├── InstallError                a file the package ships is missing (a broken install)
    ├── ConfigError                 settings or a sources file are wrong
    │   └── SourcesFileError        sources.toml: syntax error, unknown key (names file, line, key)
    ├── DatabaseError
    │   ├── DatabaseUnavailable     cannot connect: unreachable, bad password, unknown driver
    │   ├── MigrationError          unknown revision, failed migration
    │   │   └── ExtensionMissing    PostgreSQL refused CREATE EXTENSION (names the SQL a DBA runs)
    │   └── PipelineBusy            another pipeline holds the database lock
    ├── FetchError                  a URL could not be fetched (network, HTTP status, not HTML)
    │   └── FeedError               a feed or sitemap is empty or not RSS/Atom/sitemap XML
    ├── ExtractionError             a page held no usable article
    ├── SummarizerError
    │   ├── ModelError              model folder missing, not CTranslate2, no tokenizer, bad device
    │   └── InputError              empty text, binary file, unreadable input
    ├── NewsletterError
    │   ├── TemplateError           a template failed to load or render (names the template)
    │   └── DeliveryError           writing files or sending e-mail failed
    ├── SearchError
    │   └── BadQuery                the query cannot be parsed or its filters are invalid
    └── SchedulerError              the Prefect server of the schedules cannot be started or reached
"""

from __future__ import annotations

__all__ = [
    "BadQuery",
    "BantinError",
    "ConfigError",
    "DatabaseError",
    "DatabaseUnavailable",
    "DeliveryError",
    "ExtensionMissing",
    "ExtractionError",
    "FeedError",
    "FetchError",
    "InstallError",
    "InputError",
    "MigrationError",
    "ModelError",
    "NewsletterError",
    "PipelineBusy",
    "SchedulerError",
    "SearchError",
    "SourcesFileError",
    "SummarizerError",
    "TemplateError",
]


class BantinError(Exception):
    """Base of every error bantin raises on purpose."""


class InstallError(BantinError):
    """A template, migration or data file that ships inside the package is missing."""


class ConfigError(BantinError):
    """Settings or a configuration file are invalid."""


class SourcesFileError(ConfigError):
    """The sources file cannot be used; the message names the file, line and key."""


class DatabaseError(BantinError):
    """The archive database failed."""


class DatabaseUnavailable(DatabaseError):
    """The database cannot be reached or refused the login."""


class MigrationError(DatabaseError):
    """A schema migration cannot run."""


class ExtensionMissing(MigrationError):
    """PostgreSQL refused to create an extension that search needs."""


class PipelineBusy(DatabaseError):
    """Another pipeline run holds the database lock."""


class FetchError(BantinError):
    """A URL could not be fetched."""


class FeedError(FetchError):
    """A feed or sitemap is empty, malformed, or lists no article links."""


class ExtractionError(BantinError):
    """A page held no usable article."""


class SummarizerError(BantinError):
    """Summarization failed."""


class ModelError(SummarizerError):
    """The model cannot be loaded or used."""


class InputError(SummarizerError):
    """The input text cannot be summarized."""


class NewsletterError(BantinError):
    """Building, rendering or delivering an edition failed."""


class TemplateError(NewsletterError):
    """A template failed to load or render."""


class DeliveryError(NewsletterError):
    """An edition could not be written or sent."""


class SearchError(BantinError):
    """Searching the archive failed."""


class BadQuery(SearchError):
    """The query or its filters are invalid."""


class SchedulerError(BantinError):
    """The Prefect server that runs and records the schedules cannot be started or reached."""
