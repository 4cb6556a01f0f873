"""Fixtures of the real-browser tests: one Streamlit server and one Chromium per session.

The tests skip only when Debian's Chromium is missing, and fail instead when
``NEURON_LAB_REQUIRE_BROWSER=1`` (CI sets it). Each test gets a fresh browser
context, so a fresh Streamlit session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from servers import CHROMIUM_ARGS, ROOT, require_chromium, streamlit_server

ARTIFACTS = ROOT / "artifacts"
VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable; skip without it, unless CI requires the browser tests."""
    return require_chromium()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# Module scope, not session: a sync Playwright left running would stop the other browser test
# modules (test_chart, test_replicas, ...) from starting their own.
@pytest.fixture(scope="module")
def app_url(chromium, tmp_path_factory):
    """``streamlit run app.py`` from the repo root on a free port; yields ``http://127.0.0.1:<port>``."""
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_server(log_path) as base:
        yield base
    # Keep the server's log next to the screenshots: it holds the tracebacks that
    # showErrorDetails = "none" hides from the page.
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "server.log").write_bytes(log_path.read_bytes())


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, request, artifacts):
    """A factory of pages, each in its own browser context (its own cookies, its own Streamlit session).

    Every page records uncaught JavaScript errors in ``page.js_errors``; on a failed
    test each page's screen is saved to ``artifacts/FAILED-<test>-<n>.png``.
    """
    contexts = []

    def make(profile: dict | None = None):
        """A page in a fresh context: desktop size, or a device ``profile`` (new_context's arguments)."""
        ctx = browser.new_context(**(profile or {"viewport": VIEWPORT}))
        ctx.set_default_timeout(60_000)
        page = ctx.new_page()
        page.js_errors = []
        page.on("pageerror", lambda err: page.js_errors.append(str(err)))
        contexts.append((ctx, page))
        return page

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for n, (ctx, page) in enumerate(contexts):
        if failed:
            try:
                page.screenshot(path=str(artifacts / f"FAILED-{request.node.name}-{n}.png"), full_page=True)
            except Exception:  # noqa: BLE001 - a screenshot must never hide the real failure
                pass
        ctx.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
