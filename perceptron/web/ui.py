r"""The only module that imports streamlit: session state, the shared frame, shared controls.

Every page starts with ``lab = ensure_state()`` and ends with ``finish(lab)``.
The session's experiment lives in ``st.session_state["lab"]`` (and the hidden-layer
page's network in ``st.session_state["netlab"]``) and is written there in one place,
:func:`ensure_state`; pages change it only through the ``Lab`` and ``NetLab`` methods.
Nothing mutable is kept at module level.
"""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import streamlit as st

from ..session.lab import LINK_UPDATES, Lab
from ..session.netlab import NetLab
from ..session.settings import NetSettings, Settings

MODE_LABELS = {
    "batch": "Full batch: one update per epoch (the article)",
    "minibatch": "Mini-batch",
    "sample": "Single sample (stochastic)",
    "rosenblatt": "Rosenblatt's perceptron rule (step activation)",
}
LOSS_LABELS = {"mse": "MSE (the article's)", "bce": "Cross-entropy"}
PLAY_FPS = 20  # at most this many epochs shown per second while playing (fewer if drawing takes longer)
PLAY_CHUNK = 45  # epochs trained and sent to the browser at once (2–3 s of playback)
# frames left (1.5 s) when the browser asks for the next chunk: while it plays, the answer takes up to
# ~0.7 s to arrive (measured; the browser handles the messages between frames), so it never waits
PLAY_MORE_AT = 30

PAGE_LINKS = (
    ("app.py", "Home", ":material/home:"),
    ("pages/1_Dataset.py", "1 · Dataset", ":material/scatter_plot:"),
    ("pages/2_Forward_propagation.py", "2 · Forward propagation", ":material/arrow_forward:"),
    ("pages/3_Backpropagation.py", "3 · Backpropagation", ":material/arrow_back:"),
    ("pages/4_Gradient_descent.py", "4 · Gradient descent", ":material/trending_down:"),
    ("pages/5_Loss_landscape.py", "5 · Loss landscape", ":material/landscape:"),
    ("pages/6_Hidden_layer.py", "6 · Hidden layer", ":material/hub:"),
)

PAGE_KEYS = dict(zip([p for p, *_ in PAGE_LINKS], ("home", "dataset", "forward", "backprop", "descent", "landscape", "hidden"),
                     strict=True))


def ensure_state() -> Lab:
    """The session's Lab (and NetLab), created on first use from the link's query parameters.

    A link that cannot be read falls back to defaults and says why; it never
    raises. The network trains to its epoch within what the neuron's training
    left of the link's budget (``LINK_UPDATES``).
    """
    budget = LINK_UPDATES
    if "lab" not in st.session_state:
        settings, problems = Settings.from_query(st.query_params.to_dict())
        try:
            lab = Lab.from_settings(settings, st.query_params.get("pts"))
        except ValueError as err:
            problems.append(f"{err} Opened the default experiment instead.")
            lab = Lab.from_settings(Settings())
        budget -= lab.epoch * lab.updates_per_epoch
        st.session_state["lab"] = lab
        st.session_state["link_problems"] = problems
    if "netlab" not in st.session_state:
        lab = st.session_state["lab"]
        net_settings, problems = NetSettings.from_query(st.query_params.to_dict())
        st.session_state["netlab"] = NetLab.from_settings(net_settings, (lab.dataset, lab.features), budget)
        st.session_state["link_problems"] = st.session_state.get("link_problems", []) + problems
    return st.session_state["lab"]


def network() -> NetLab:
    """The session's hidden-layer network (created with the Lab by :func:`ensure_state`)."""
    ensure_state()
    return st.session_state["netlab"]


def page(title: str, intro: str, key: str) -> Lab:
    """The frame every page shares: config, state, title, a few sentences, the sidebar.

    ``key`` names the page for a teacher's link: a hidden page says so and stops.
    """
    st.set_page_config(page_title=f"{title} · Neuron Lab", page_icon=":material/neurology:", layout="wide")
    lab = ensure_state()
    large = st.session_state.get("large_type", False)
    if large:
        st.html("<style>.stMarkdown p, .stCaption, .stMetric, label p {font-size: 1.3rem !important}"
                ".katex {font-size: 1.45em !important}</style>")
    sidebar(lab)
    st.title(title)
    if hidden(lab, key):
        stop(lab, "Your teacher's link hides this page. Use the pages in the sidebar.")
    st.markdown(intro)
    for problem in st.session_state.get("link_problems", []):
        st.warning(problem, icon=":material/link_off:")
    lesson_panel(lab, key)
    return lab


def sidebar(lab: Lab) -> None:
    """Our own navigation (labels with numbers, pages a teacher hid left out) and the summary."""
    with st.sidebar:
        for path, label, icon in PAGE_LINKS:
            if not hidden(lab, PAGE_KEYS[path]):
                st.page_link(path, label=label, icon=icon)
        st.divider()
        st.markdown("**Dataset**")
        # filled by finish(), after the page has applied this run's changes
        st.session_state["_summary_slot"] = st.empty()


def data_summary(lab: Lab) -> str:
    """The dataset in one line of plain text."""
    d, c = lab.dataset, lab.dataset.counts
    return (
        f"{lab.settings.dataset}: {int(np.sum(~d.test))} train / {int(np.sum(d.test))} test points "
        f"(class 0: {c['train'][0] + c['test'][0]}, class 1: {c['train'][1] + c['test'][1]})"
    )


def summary(lab: Lab) -> str:
    """A one-line summary of the dataset and the model, in plain text."""
    w, b = lab.params()
    cost = lab.history.cost[lab.epoch]
    ws = ", ".join(f"{v:.3g}" for v in w)
    return f"Data: {data_summary(lab)}. Model at epoch {lab.epoch}: w = ({ws}), b = {b:.3g}, cost {cost:.4g}."


def stop(lab: Lab, message: str) -> None:
    """End the page early with a message that says what is missing (the frame is still finished)."""
    st.info(message)
    finish(lab)
    st.stop()


def link_query(lab: Lab) -> tuple[dict[str, str], str]:
    """The query that reopens the experiment (the neuron's and the network's settings), and why the
    hand-made points could not go in, if so."""
    problem = ""
    try:
        query = lab.query()
    except ValueError as err:  # too many hand-made points for a link
        query, problem = lab.settings.with_(epoch=lab.epoch).to_query(), str(err)
    net = st.session_state.get("netlab")
    if net is not None:
        query.update(net.query())
    return query, problem


def sync_link(lab: Lab) -> str:
    """Write the experiment into the address bar; returns why the points could not go in, if so."""
    query, problem = link_query(lab)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    return problem


def share_link(lab: Lab) -> str:
    """The full address that reopens this experiment on this page."""
    base = (st.context.url or "").split("?")[0]
    query, _ = link_query(lab)
    return base + ("?" + urlencode(query) if query else "")


def finish(lab: Lab) -> None:
    """End of every page: the address bar reopens the experiment, and a copy-link box says so."""
    problem = sync_link(lab)
    slot = st.session_state.pop("_summary_slot", None)
    if slot is not None:
        slot.caption(data_summary(lab))
    with st.sidebar:
        with st.popover("Share this experiment", icon=":material/share:", width="stretch"):
            st.caption("This link reopens the same dataset, weights, epoch and page. Copy it with the button.")
            st.code(share_link(lab), language=None, wrap_lines=True)
            if problem:
                st.warning(problem)
        st.toggle("Large type (projector)", key="large_type", persist_state="session")
        st.selectbox("Download figures as", ["png", "svg"], key="figure_format", persist_state="session",
                     help="The camera icon above each figure downloads it.")


def text(value) -> str:
    """User-given text (a file's column names, a class name) made safe to show in Markdown."""
    escaped = str(value)
    for ch in "\\`*_{}[]()#+-.!|<>$~&":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


def show(fig, key: str, **kwargs):
    """Draw a figure with the app's chart component; returns the latest click/select event or None."""
    from .chart import plotly_chart

    plain = isinstance(fig, dict)  # a figures.spec dict, drawn as it is
    height = kwargs.pop("height", None) or (fig["layout"].get("height") if plain else fig.layout.height) or 450
    if st.session_state.get("large_type"):
        if plain:
            fig = {**fig, "layout": {**fig["layout"], "font": {**fig["layout"].get("font", {}), "size": 19}}}
        else:
            fig.update_layout(font=dict(size=19))
        height = int(height * 1.15)
    fmt = st.session_state.get("figure_format", "png")
    config = {"toImageButtonOptions": {"format": fmt, "filename": f"neuron_lab_{key}", "scale": 2}}
    return plotly_chart(fig, key=key, height=int(height), config=config, **kwargs)


def setting(widget, label: str, name: str, lab: Lab, **kwargs):
    """A widget bound to one setting: it starts from the lab's value and keeps its key across reruns.

    Returns the widget's value; the page hands changed values to ``lab.update``.
    """
    current = getattr(lab.settings, name)
    if hidden(lab, name):
        return current  # a teacher's link fixed this setting
    kind = getattr(widget, "__name__", "")
    if kind in ("selectbox", "radio"):
        options = kwargs["options"]
        kwargs["index"] = list(options).index(current) if current in options else 0
    elif kind == "multiselect":
        kwargs["default"] = list(current)
    else:
        kwargs["value"] = current
    value = widget(label, key=f"setting_{name}", **kwargs)
    return tuple(value) if kind == "multiselect" else value


def reset(lab: Lab) -> None:
    """Reset button: back to epoch 0, and stop playing."""
    lab.reset()
    st.session_state["playback"] = None


def epoch_metrics(h, k: int) -> None:
    """Epoch, cost (with its change), train and test accuracy of a training record at epoch k."""
    row = st.container(horizontal=True, gap="medium")  # one block, not five columns: fewer updates to render
    row.metric("Epoch", k)
    row.metric("Cost", f"{h.cost[k]:.5g}", delta=None if k == 0 else f"{h.cost[k] - h.cost[k - 1]:+.3g}",
               delta_color="inverse")
    row.metric("Train accuracy", f"{h.accuracy[k]:.0%}")
    if h.test_accuracy is not None:
        row.metric("Test accuracy", f"{h.test_accuracy[k]:.0%}", help=f"test cost {h.test_cost[k]:.4g}")


def toggle_play(lab: Lab, play: bool = True) -> None:
    """Play/Pause button, with what its label said when it was clicked (``play``).

    Play trains the next epochs at once; the browser then shows them one by one. Pause stops
    the browser, which reports the epoch on screen. A Play clicked before that report came
    (a quick Pause, Play) is kept and carried out when it comes, from the epoch reported.
    """
    playback = st.session_state.get("playback")
    if not play:
        if playback:
            playback["paused"] = True  # the chart stops and reports where
        return
    if playback:
        if playback["paused"]:
            playback["resume"] = True
        return
    start = lab.epoch
    if lab.step(PLAY_CHUNK):
        st.session_state["playback"] = {"start": start, "end": lab.epoch, "paused": False}


STEP_KEY = "step"  # the key of the pages' "Step one epoch" button (the chart draws its result ahead)
PLAY_KEY = "play"  # the key of the Play/Pause button (a click on Pause stops the chart at once)


def descent_chart(lab: Lab, scenes) -> None:
    """The gradient-descent figure; while playing, epochs are played in the browser at PLAY_FPS.

    Play trains ``PLAY_CHUNK`` epochs in one go and sends them as frames; a second before
    the browser runs out it asks for more, and the next chunk follows while it plays on.
    Pause stops the browser, which reports the frame on screen; the lab then shows
    that epoch (the epochs trained past it are dropped by the next Step).
    """
    play = st.session_state.get("playback")
    if play and play["end"] > lab.history.epochs:  # the run was reset or changed meanwhile
        play = st.session_state["playback"] = None
    if not play:
        ahead = scenes.descent_preview(lab)  # drawn by the browser the moment Step is pressed
        show(scenes.descent_spec(lab), key="descent", view=lab.epoch,
             preview=ahead and {"selector": f".st-key-{STEP_KEY} button", "view": lab.epoch + 1, "frame": ahead})
        return
    start, end = play["start"], play["end"]
    if play.get("frames_for") != (start, end):  # built once per chunk, not again on Pause
        play["frames"], play["frames_for"] = scenes.descent_frames(lab, start + 1, end), (start, end)
    event = show(scenes.descent_spec(lab, start), key="descent", frames=play["frames"],
                 fps=PLAY_FPS, playing=not play["paused"], first=start + 1, more_at=PLAY_MORE_AT,
                 stop_on=f".st-key-{PLAY_KEY} button")
    if not (event and event.get("event") == "frame"):
        return
    shown = int(event.get("view", start + 1 + int(event["index"])))  # the epoch on the browser's screen
    if event.get("more"):  # still playing, nearly out of frames: the next chunk, from the epoch on screen
        if not play["paused"] and lab.epoch == end and lab.step(PLAY_CHUNK):
            st.session_state["playback"] = {"start": max(start, shown), "end": lab.epoch, "paused": False}
            st.rerun(scope="fragment")
        return
    lab.rewind(shown)
    st.session_state["playback"] = None
    if (event.get("end") and not play["paused"]) or play.get("resume"):
        toggle_play(lab)  # the browser ran out before the next chunk came, or Play was clicked meanwhile
    st.rerun(scope="fragment")


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


CONTROLS = {
    "dataset": "dataset choice and clicking points", "n": "number of points", "noise": "noise", "seed": "data seed",
    "test_fraction": "test fraction", "standardize": "standardize", "maps": "feature maps", "lr": "learning rate",
    "loss": "cost", "mode": "update mode", "batch_size": "mini-batch size", "init": "initial weights",
    "init_seed": "weight seed", "w1": "w₁ by hand", "w2": "w₂ by hand", "b": "b by hand",
    "max_epochs": "maximum epochs", "tol_cost": "cost threshold", "tol_grad": "gradient threshold",
}


def teacher_panel(lab: Lab) -> None:
    """Build a locked-down exercise: the link reopens this experiment with chosen pages and controls hidden."""
    pages = {PAGE_KEYS[p]: label for p, label, _ in PAGE_LINKS[1:]}
    shown_pages = st.multiselect("Pages students may open", list(pages), default=list(pages),
                                 format_func=pages.get, key="teacher_pages")
    free = st.multiselect("Settings students may change", list(CONTROLS), default=list(CONTROLS),
                          format_func=CONTROLS.get, key="teacher_controls")
    hide = tuple([p for p in pages if p not in shown_pages] + [c for c in CONTROLS if c not in free])
    query = lab.settings.with_(epoch=lab.epoch, hide=hide).to_query()
    try:
        query.update({k: v for k, v in lab.query().items() if k == "pts"})
    except ValueError as err:
        st.warning(str(err))
    base = (st.context.url or "").split("?")[0]
    st.caption("Send this link to your students: it opens this dataset and these weights, with the rest locked.")
    st.code(base + "?" + urlencode(query), language=None, wrap_lines=True)


def lesson_panel(lab: Lab, key: str) -> None:
    """The guided lesson's current step, on top of the page it belongs to."""
    from ..session.lesson import STEPS

    k = st.session_state.get("lesson")
    if k is None or not 0 <= k < len(STEPS):
        return
    step = STEPS[k]
    paths = {v: p for p, v in PAGE_KEYS.items()}
    with st.container(border=True, key="lesson_panel"):
        st.markdown(f"**Lesson · step {k + 1} of {len(STEPS)}: {step.title}**")
        if step.page != key:
            st.page_link(paths[step.page], label=f"Continue the lesson on {dict((p, t) for p, t, _ in PAGE_LINKS)[paths[step.page]]}",
                         icon=":material/school:")
        else:
            st.markdown(step.body(lab))
            if step.question:
                q = step.question
                choice = st.radio(q.prompt, q.choices, index=None, key=f"lesson_choice_{k}", horizontal=True)
                if st.button("Reveal", key=f"lesson_reveal_{k}", disabled=choice is None):
                    st.session_state[f"lesson_shown_{k}"] = choice
                if st.session_state.get(f"lesson_shown_{k}"):
                    right, why = q.answer(lab)
                    guessed = st.session_state[f"lesson_shown_{k}"] == q.choices[right]
                    (st.success if guessed else st.warning)(("Right. " if guessed else "Not this time. ") + why)
        cols = st.columns([1, 1, 1, 5])
        if cols[0].button("Back", key="lesson_back", disabled=k == 0):
            _lesson_go(k - 1, key, paths)
        if cols[1].button("Next", key="lesson_next", type="primary", disabled=k == len(STEPS) - 1):
            _lesson_go(k + 1, key, paths)
        if cols[2].button("End lesson", key="lesson_end"):
            st.session_state["lesson"] = None
            st.rerun()


def _lesson_go(k: int, here: str, paths: dict) -> None:
    from ..session.lesson import STEPS

    st.session_state["lesson"] = k
    if STEPS[k].page != here:
        st.switch_page(paths[STEPS[k].page])
    st.rerun()


def start_lesson() -> None:
    st.session_state["lesson"] = 0


def upload_panel(lab: Lab) -> None:
    """CSV upload: a good file replaces the points (with notes on what was assumed); a bad one is
    refused with the reader's message and the points stay as they were. A file with more than three
    columns can be read again with other columns chosen."""

    upload = st.file_uploader("Load points from a CSV file", type=["csv", "txt"], key=f"ds_upload_{lab.version}",
                              help="Two numeric feature columns and a label column with two classes.")
    if upload is not None:
        _load_csv(lab, upload.name, upload.getvalue())
    version, name, data, columns, notes = st.session_state.get("ds_csv", (None, "", b"", (), []))
    if version != lab.version:
        return
    for note in notes:
        st.info(text(note))
    if len(columns) > 3:
        with st.form("ds_columns"):
            st.caption(f"{text(name)} has {len(columns)} columns: choose which to use.")
            a, b, c = st.columns(3)
            x1 = a.selectbox("x₁", columns, index=0, key="ds_col_x1")
            x2 = b.selectbox("x₂", columns, index=1, key="ds_col_x2")
            label = c.selectbox("label", columns, index=len(columns) - 1, key="ds_col_label")
            if st.form_submit_button("Use these columns"):
                _load_csv(lab, name, data, features=(x1, x2), label=label)


def _load_csv(lab: Lab, name: str, data: bytes, **choice) -> None:
    from ..data import csv_io

    try:
        result = csv_io.read_csv(data, **choice)
    except csv_io.CsvError as err:
        st.error(f"{text(name)} was not loaded, and your points are unchanged. {text(err)}", icon=":material/error:")
        return
    lab.set_dataset(result.dataset)
    notes = [f"Loaded {result.dataset.n} points from {name}.", *result.notes]
    st.session_state["ds_csv"] = (lab.version, name, data, result.columns, notes)
    st.rerun()
