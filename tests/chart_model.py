"""The chart component's figure merging (``perceptron/chart.py``'s JavaScript), in Python.

The tests use it to build the figure the browser draws when Step is pressed (the figure on
screen with the Step's frame drawn over it) and compare it with the server's next figure.
"""

from __future__ import annotations


def merge(a, b):
    """chart.JS's ``merge``: objects merged (keys keep their places, new ones go last), lists and values replaced."""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return b
    out = dict(a)
    for k, v in b.items():
        out[k] = merge(a.get(k), v)
    return out


def figure_with(spec: dict, frame: dict) -> dict:
    """chart.JS's ``figureWith``: trace updates merged (or appended), ``extend`` points appended, the layout merged."""
    data = [dict(t) for t in spec["data"]]
    for j, u in enumerate(frame.get("data", [])):
        i = frame["traces"][j] if "traces" in frame else j
        if i < len(data):
            data[i] = merge(data[i], u)
        else:
            data.append(dict(u))
    for e in frame.get("extend", []):
        t = data[e["trace"]]
        data[e["trace"]] = {**t, "x": list(t.get("x", [])) + e["x"], "y": list(t.get("y", [])) + e["y"]}
    return {"data": data, "layout": merge(spec["layout"], frame.get("layout", {}))}
