"""Fixtures of the real-browser tests: one Streamlit server and one Chromium per session.

The tests skip only when Debian's Chromium is missing, and fail instead when
``NEURON_LAB_REQUIRE_BROWSER=1`` (CI sets it). Each test gets a fresh browser
context, so a fresh Streamlit session.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
MISSING_CHROMIUM = "Chromium not found: apt-get install chromium (Debian) to run the browser tests"
VIEWPORT = {"width": 1400, "height": 1000}
HEALTH_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server we started, by its PID: terminate, wait, then kill."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable; skip without it, unless CI requires the browser tests."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("NEURON_LAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{MISSING_CHROMIUM} (NEURON_LAB_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    return CHROMIUM


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# Module scope, not session: a sync Playwright left running would stop the other browser test
# modules (test_chart, test_replicas, ...) from starting their own.
@pytest.fixture(scope="module")
def app_url(chromium, tmp_path_factory):
    """``streamlit run app.py`` from the repo root on a free port; yields ``http://127.0.0.1:<port>``."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed in the finalizer
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit was not healthy after {HEALTH_TIMEOUT:.0f} s:\n{log_path.read_text()}")
            time.sleep(0.2)
    except BaseException:
        _stop(proc)
        log.close()
        raise
    yield base
    _stop(proc)
    log.close()
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

    def make():
        ctx = browser.new_context(viewport=VIEWPORT)
        ctx.set_default_timeout(20_000)
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
