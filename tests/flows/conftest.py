"""Prefect under ``prefect_test_harness`` (one temporary API for the session) and the demo mirror."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prefect.testing.utilities import prefect_test_harness

from bantin.spiders.mirror import MirrorServer, serve


@pytest.fixture(scope="session", autouse=True)
def prefect_harness() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def mirror() -> Iterator[MirrorServer]:
    with serve() as server:
        yield server
