"""The chart component's own JavaScript, run by Node from Python tests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

FIGURE_WITH = Path(__file__).resolve().parent / "js" / "figure_with.mjs"


def figure_with(spec: dict, frame: dict | None) -> dict:
    """The figure the browser draws: ``spec`` with ``frame`` drawn over it (``None``: ``spec`` alone, as it
    draws a figure the server sent), by perceptron/web/chart_logic.js itself, run by Node."""
    done = subprocess.run(["node", str(FIGURE_WITH)], capture_output=True, text=True,
                          input=json.dumps({"spec": spec, "frame": frame}, allow_nan=False))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
