"""The demo-site mirror on a local port, sources files pointing at it, fast crawl settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from bantin_test_support import new_postgres_database

from bantin.configure import crawl_options
from bantin.settings import Settings
from bantin.spiders.crawlsettings import CrawlOptions, Politeness
from bantin.spiders.dates import VIETNAM
from bantin.spiders.mirror import MirrorServer, serve, write_sources_file

# the mirror's anchor time in tests: articles are dated relative to it, so dates are exact
ANCHOR = datetime(2025, 10, 22, 10, 0, tzinfo=VIETNAM)
# a local server needs no politeness delays; retries stay on (the bad cases need them)
FAST = Politeness(retry_times=1, backoff_s=0.05, max_delay_s=2.0, autothrottle_start_s=0.0)
USER_AGENT = "bantin-test/1.0 (+https://example.invalid/tests)"


@pytest.fixture(scope="session")
def mirror() -> Iterator[MirrorServer]:
    with serve(now=ANCHOR, hang_s=4.0) as server:
        yield server


@pytest.fixture(scope="session")
def demo_sources(mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped sources pointed at the mirror (what ``bantin demo`` uses)."""
    return write_sources_file(mirror.base_url, tmp_path_factory.mktemp("sources") / "demo.toml")


@pytest.fixture(scope="session")
def test_sources(mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped sources plus the bad-case sources, pointed at the mirror."""
    return write_sources_file(mirror.base_url, tmp_path_factory.mktemp("sources") / "test.toml", include_bad=True)


@pytest.fixture
def fast() -> Politeness:
    """Politeness for the local mirror: no start delay, one quick retry."""
    return FAST


@pytest.fixture
def user_agent() -> str:
    return USER_AGENT


@pytest.fixture
def crawl_settings(tmp_path: Path) -> Callable[[str], CrawlOptions]:
    """Options for a crawl of the mirror into ``database_url``: short timeout, small size cap."""

    def make(database_url: str) -> CrawlOptions:
        return crawl_options(Settings(data_dir=tmp_path, database_url=database_url, crawl_timeout_s=1.0,
                                      crawl_max_page_bytes=500_000, user_agent=USER_AGENT))

    return make


@pytest.fixture
def empty_pg_url() -> Iterator[str]:
    """A PostgreSQL database with no schema at all (never migrated), dropped afterwards."""
    with new_postgres_database("bantin_spiders") as url:
        yield url
