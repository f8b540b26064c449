"""Fixtures of the hostile-page tests: the corpus server, its sources file, a watching browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile_site import (
    CHROMIUM,
    PWNED_PROBE,
    HostileServer,
    Watched,
    serve,
    write_sources,
)


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[HostileServer]:
    state = HostileServer()
    httpd = serve(state)
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def hostile_sources(hostile_server: HostileServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sources file with one source reading the hostile feed with VnExpress's selectors."""
    return write_sources(hostile_server.base_url, tmp_path_factory.mktemp("hostile") / "sources.toml")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (JavaScript on, so that anything that could run would).

    Module-scoped: a Playwright sync session left open would make every later sync_playwright()
    in the run fail ("Sync API inside the asyncio loop").
    """
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True)
        yield instance
        instance.close()


@pytest.fixture
def watch(browser: Any) -> Iterator[Any]:
    """``watch(url)`` opens ``url`` at phone width (375 px) and returns a ``Watched``."""
    contexts: list[Any] = []

    def open_page(url: str) -> Watched:
        context = browser.new_context(viewport={"width": 375, "height": 800})
        contexts.append(context)
        context.add_init_script(PWNED_PROBE)
        page = context.new_page()
        seen = Watched(page)
        page.on(
            "dialog",
            lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()),
        )
        page.on("console", lambda message: seen.console_error(message))
        page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
        page.on(
            "response",
            lambda response: response.status >= 400 and seen.failed_loads.append(f"{response.status} {response.url}"),
        )
        page.goto(url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)  # let any timer-based payload fire before the checks
        return seen

    yield open_page
    for context in contexts:
        context.close()
