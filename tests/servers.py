"""What every real-browser test shares: Chromium's path and flags, the skip-or-fail rule,
and a Streamlit server on a free port, healthy before use and stopped by its PID after.

The server and Chromium come from :mod:`testing.servers` (shared with ``bench`` and
``loadtest``); this module adds what only tests need: skipping, or failing in CI, when a tool
is missing.
"""

from __future__ import annotations

import os

import pytest

from testing.servers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    VIEWPORT,
    StreamlitServer,
    chromium,
    free_port,
    stop,
    streamlit_server,
    wait_healthy,
)

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "MISSING_CHROMIUM", "ROOT", "VIEWPORT", "StreamlitServer", "chromium",
           "free_port", "require", "require_chromium", "stop", "streamlit_server", "wait_healthy"]

MISSING_CHROMIUM = "Chromium not found: apt-get install chromium (Debian) to run the browser tests"


def require(*paths: str, message: str = MISSING_CHROMIUM) -> None:
    """Skip when a tool is missing, except under NEURON_LAB_REQUIRE_BROWSER=1 (CI), where it fails."""
    if all(os.access(p, os.X_OK) for p in paths):
        return
    if os.environ.get("NEURON_LAB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (NEURON_LAB_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
    pytest.skip(message)


def require_chromium() -> str:
    require(CHROMIUM)
    return CHROMIUM
