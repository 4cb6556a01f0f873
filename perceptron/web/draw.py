"""Figures on the page, and what the user did to them.

:func:`show` draws a figure (a ``go.Figure`` or a plain figure dict of :mod:`perceptron.views`)
with the app's chart component (:mod:`perceptron.web.chart`), larger on the projector (taller, and
every text larger: the browser scales it, see ``largeText`` in chart_logic.js) and with the
chosen download format; :func:`clicked_point` and :func:`selected_points` read the events it
returns. Nothing mutable at module level.
"""

from __future__ import annotations

import streamlit as st

from . import keys


def show(fig, key: str, **kwargs):
    """Draw a figure with the app's chart component; returns the latest click/select event or None."""
    from .chart import plotly_chart

    plain = isinstance(fig, dict)  # a figures.spec dict, drawn as it is
    height = kwargs.pop("height", None) or (fig["layout"].get("height") if plain else fig.layout.height) or 450
    large = bool(st.session_state.get(keys.LARGE_TYPE))  # the browser draws every text larger (tick labels too)
    if large:
        height = int(height * 1.15)
    fmt = st.session_state.get(keys.FIGURE_FORMAT, "png")
    config = {"toImageButtonOptions": {"format": fmt, "filename": f"neuron_lab_{key}", "scale": 2}}
    return plotly_chart(fig, key=key, height=int(height), config=config, large=large, **kwargs)


def clicked_point(event) -> int | None:
    """The ``customdata`` (a dataset row) of the point a click landed on, or None."""
    if event and event.get("event") == "click" and event.get("point"):
        data = event["point"].get("customdata")
        if isinstance(data, list):
            data = data[0] if data else None
        if isinstance(data, int | float):
            return int(data)
    return None


def selected_points(event) -> list[int]:
    """The dataset rows of the points a box or lasso selection caught (points only, not the heatmap)."""
    if not event or event.get("event") != "select":
        return []
    rows = {int(p["customdata"]) for p in event.get("points", []) if isinstance(p.get("customdata"), int | float)}
    return sorted(rows)
