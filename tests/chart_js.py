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


def drawn(data: dict, at=None) -> dict:
    """A chart's data as the page draws it: ``spec`` is the figure the browser draws (the moving traces
    computed from the weights by perceptron/web/forward.js where the figure has a model), ``sent`` the
    figure the server sent.

    The training samples come once per session and then by their id (chart.py's share_parts); the
    browser keeps them. A test that reads a later run gives its AppTest (``at``): the samples are then
    the session lab's training points, and their id must be theirs."""
    spec = with_samples(data["spec"], at)
    return {**data, "sent": spec, "spec": figure_with(spec, None) if spec.get("model") else spec}


FORWARD_CALL = Path(__file__).resolve().parent / "js" / "forward_call.mjs"


def forward(calls: list[tuple[str, list]]) -> list:
    """perceptron/web/forward.js's functions run by Node: ``[(name, args), ...]`` → their results."""
    payload = json.dumps([{"fn": fn, "args": args} for fn, args in calls], allow_nan=False)
    done = subprocess.run(["node", str(FORWARD_CALL)], capture_output=True, text=True, input=payload)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def with_samples(spec: dict, at=None) -> dict:
    """``spec`` with the training samples in its model, where the server named them by id only."""
    model = spec.get("model") or {}
    part = model.get("samples")
    if not (isinstance(part, dict) and "$part" in part):
        return spec
    if "value" in part:
        value = part["value"]
    else:
        from perceptron.views import live
        from perceptron.web.chart import share_parts

        assert at is not None, "the samples were sent on an earlier run: pass the AppTest to read them"
        lab = at.session_state["lab"]
        value = live.neuron_model(lab.features, lab.points.train_X, lab.points.train_y, ((0, 1), (0, 1)), 2)["samples"]
        assert share_parts({"model": {"samples": value}}, [])[0]["model"]["samples"]["$part"] == part["$part"], \
            "the id the server sent does not name the session's training samples"
    return {**spec, "model": {**model, "samples": value}}
