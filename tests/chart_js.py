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


def drawn(data: dict) -> dict:
    """A chart's data as the page draws it: ``spec`` is the figure the browser draws (the moving traces
    computed from the weights by perceptron/web/forward.js where the figure has a model), ``sent`` the
    figure the server sent."""
    spec = data["spec"]
    return {**data, "sent": spec, "spec": figure_with(spec, None) if spec.get("model") else spec}


FORWARD_CALL = Path(__file__).resolve().parent / "js" / "forward_call.mjs"


def forward(calls: list[tuple[str, list]]) -> list:
    """perceptron/web/forward.js's functions run by Node: ``[(name, args), ...]`` → their results."""
    payload = json.dumps([{"fn": fn, "args": args} for fn, args in calls], allow_nan=False)
    done = subprocess.run(["node", str(FORWARD_CALL)], capture_output=True, text=True, input=payload)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
