"""The mirror (slow pages on demand, servers that never finish) and Prefect for the fault tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bantin.spiders.mirror import MirrorServer, serve


@pytest.fixture(scope="session")
def mirror() -> Iterator[MirrorServer]:
    with serve(hang_s=4.0) as server:
        yield server


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """One temporary Prefect API for the session's pipeline runs (started only when asked for)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
