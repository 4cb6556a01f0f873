"""What every real-browser test shares: Chromium's path and flags, the skip-or-fail rule,
and a Streamlit server on a free port, healthy before use and stopped by its PID after."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium keeps dialling out, and this machine refuses it.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """Stop a server we started, by its PID: terminate, wait, then kill."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def wait_healthy(base: str, proc: subprocess.Popen, log_path: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"streamlit was not healthy after {timeout:.0f} s:\n{log_path.read_text()}")
        time.sleep(0.2)


@contextmanager
def streamlit_server(log_path: Path, cwd: Path = ROOT, script: str = "app.py"):
    """``streamlit run <script>`` on 127.0.0.1 and a free port; yields ``http://127.0.0.1:<port>``."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(base, proc, log_path)
        yield base
    finally:
        stop(proc)
