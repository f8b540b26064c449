"""Fixtures of the web tests: the search tests' small archive (tests/search/search_corpus.py) and a client."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))

from search_corpus import Archive, fill  # noqa: E402

from bantin.archive.engine import Database  # noqa: E402


@pytest.fixture
def archive(db: Database) -> Archive:
    return Archive(db, fill(db))


@pytest.fixture
def app(archive):
    from bantin.web import WebOptions, create_app

    return create_app(WebOptions(timezone="Asia/Ho_Chi_Minh", token="s3cret"), archive.db)


@pytest.fixture
def client(app):
    """A TestClient that sees server errors as responses (as a browser would), not exceptions."""
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
