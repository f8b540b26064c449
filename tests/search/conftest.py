"""Fixtures of the search tests: the small archive on both backends and a web client over it."""

from __future__ import annotations

import pytest
from search_corpus import Archive, fill

from bantin.archive.engine import Database


@pytest.fixture
def archive(db: Database) -> Archive:
    return Archive(db, fill(db))


@pytest.fixture
def client(archive):
    """A TestClient over the web app on the filled archive."""
    from fastapi.testclient import TestClient

    from bantin.configure import web_options
    from bantin.settings import Settings
    from bantin.web import create_app

    with TestClient(create_app(web_options(Settings(web_token="s3cret")), archive.db)) as test_client:
        yield test_client
