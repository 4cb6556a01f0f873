r"""The only module that imports streamlit: session state, the shared frame, shared controls.

Every page starts with ``lab = ensure_state()`` and ends with ``finish(lab)``.
The session's experiment lives in ``st.session_state["lab"]`` and is written
there in one place, :func:`ensure_state`; pages change it only through the
``Lab`` methods. Nothing mutable is kept at module level.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from .lab import Lab
from .state import Settings

MODE_LABELS = {
    "batch": "Full batch: one update per epoch (the article)",
    "minibatch": "Mini-batch",
    "sample": "Single sample (stochastic)",
    "rosenblatt": "Rosenblatt's perceptron rule (step activation)",
}
LOSS_LABELS = {"mse": "MSE (the article's)", "bce": "Cross-entropy"}
PLAY_INTERVAL = 0.1  # seconds between epochs while playing

PAGE_LINKS = (
    ("app.py", "Home", "🏠"),
    ("pages/1_Dataset.py", "1 · Dataset", "🎯"),
    ("pages/2_Forward_propagation.py", "2 · Forward propagation", "➡️"),
    ("pages/3_Backpropagation.py", "3 · Backpropagation", "⬅️"),
    ("pages/4_Gradient_descent.py", "4 · Gradient descent", "⛰️"),
    ("pages/5_Loss_landscape.py", "5 · Loss landscape", "🗺️"),
)

PAGE_KEYS = dict(zip([p for p, *_ in PAGE_LINKS], ("home", "dataset", "forward", "backprop", "descent", "landscape"),
                     strict=True))


def ensure_state() -> Lab:
    """The session's Lab, created on first use from the link's query parameters.

    A link that cannot be read falls back to defaults and says why; it never
    raises.
    """
    if "lab" not in st.session_state:
        settings, problems = Settings.from_query(st.query_params.to_dict())
        try:
            lab = Lab.from_settings(settings, st.query_params.get("pts"))
        except ValueError as err:
            problems.append(f"{err} Opened the default experiment instead.")
            lab = Lab.from_settings(Settings())
        st.session_state["lab"] = lab
        st.session_state["link_problems"] = problems
    return st.session_state["lab"]


def page(title: str, intro: str) -> Lab:
    """The frame every page shares: config, state, title, a few sentences, the sidebar summary."""
    st.set_page_config(page_title=f"{title} · Neuron Lab", page_icon="🧠", layout="wide")
    lab = ensure_state()
    st.title(title)
    st.markdown(intro)
    for problem in st.session_state.get("link_problems", []):
        st.warning(problem, icon="🔗")
    sidebar(lab)
    return lab


def sidebar(lab: Lab) -> None:
    """Our own navigation (labels with numbers, pages a teacher hid left out) and the summary."""
    with st.sidebar:
        for path, label, icon in PAGE_LINKS:
            if not hidden(lab, PAGE_KEYS[path]):
                st.page_link(path, label=label, icon=icon)
        st.divider()
        st.markdown("**Current experiment**")
        st.caption(summary(lab))


def summary(lab: Lab) -> str:
    """A one-line summary of the dataset and the model, in plain text."""
    d, s = lab.dataset, lab.settings
    c = d.counts
    w, b = lab.params()
    cost = lab.history.cost[lab.epoch]
    ws = ", ".join(f"{v:.3g}" for v in w)
    return (
        f"Data: {s.dataset}, {int(np.sum(~d.test))} train / {int(np.sum(d.test))} test "
        f"(class 0: {c['train'][0] + c['test'][0]}, class 1: {c['train'][1] + c['test'][1]}). "
        f"Model at epoch {lab.epoch}: w = ({ws}), b = {b:.3g}, cost {cost:.4g}."
    )


def finish(lab: Lab) -> None:
    """Write the experiment into the link, so the address bar always reopens it."""
    try:
        query = lab.query()
    except ValueError as err:  # too many hand-made points for a link
        query = lab.settings.with_(epoch=lab.epoch).to_query()
        st.caption(str(err))
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def text(value) -> str:
    """User-given text (a file's column names, a class name) made safe to show in Markdown."""
    escaped = str(value)
    for ch in "\\`*_{}[]()#+-.!|<>$~&":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


def show(fig, key: str, **kwargs):
    """Draw a figure with the app's chart component; returns the latest click/select event or None."""
    from .chart import plotly_chart

    height = kwargs.pop("height", None) or fig.layout.height or 450
    return plotly_chart(fig, key=key, height=int(height), **kwargs)


def setting(widget, label: str, name: str, lab: Lab, **kwargs):
    """A widget bound to one setting: it starts from the lab's value and keeps its key across reruns.

    Returns the widget's value; the page hands changed values to ``lab.update``.
    """
    current = getattr(lab.settings, name)
    if widget in (st.selectbox, st.radio):
        options = kwargs["options"]
        kwargs["index"] = list(options).index(current) if current in options else 0
    elif widget is st.multiselect:
        kwargs["default"] = list(current)
    else:
        kwargs["value"] = current
    value = widget(label, key=f"setting_{name}", **kwargs)
    return tuple(value) if widget is st.multiselect else value


def reset(lab: Lab) -> None:
    """Reset button: back to epoch 0, and stop playing."""
    lab.reset()
    st.session_state["playing"] = False


def toggle_play() -> None:
    """Play/Pause button."""
    st.session_state["playing"] = not st.session_state.get("playing", False)


def rewind_from(lab: Lab, key: str) -> None:
    """Rewind slider: show the epoch the slider points at."""
    lab.rewind(st.session_state[key])


def hidden(lab: Lab, name: str) -> bool:
    """Whether a teacher's link hides this control or page."""
    return name in lab.settings.hide


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
