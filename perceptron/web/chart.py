"""A Plotly renderer that keeps one ``<div>`` per chart and updates it with ``Plotly.react``.

``st.plotly_chart`` redraws the whole figure on every rerun. This module draws figures with a
small ``st.components.v2`` component instead: the component keeps its own ``<div>`` across
reruns and calls ``Plotly.react(div, data, layout, config)`` on it, so a rerun only repaints
what changed (no remount, no flicker). It also reports clicks anywhere in the plot area in
data coordinates, box/lasso selections, and plays a list of frames in the browser without
any Python rerun.

The component's JavaScript lives in ``forward.js``, ``chart_logic.js``, ``redraw.js`` and ``chart.js``
beside this file, joined into one module committed as ``static/neuron-lab-chart.js`` (:func:`bundle`),
which the component's own few lines (``loader.js``, :data:`JS`) import once per page. plotly.js is never sent with the component: the cartesian bundle (1.5 MB, the same
plotly.js release as the plotly package's; see :mod:`perceptron.web.plotlyjs`) is committed at
``static/plotly-cartesian.min.js`` and the browser loads it once from
``app/static/plotly-cartesian.min.js`` (this needs ``server.enableStaticServing = true``, see
``.streamlit/config.toml``; the app never writes that file). All charts on a page share a single
loading promise (``window.__neuronLabPlotly``).

How a page reads events
-----------------------
``plotly_chart`` returns the event that caused this rerun as a plain dict, else ``None``
(every event is returned on exactly one rerun)::

    event = plotly_chart(fig, key="data", click=True)
    if event and event["event"] == "click":
        add_point(event["x"], event["y"])

* ``{"event": "click", "x": 1.23, "y": -0.4, "subplot": "xy", "n": 7}``: a click or a tap anywhere
  in a plot area (not only on points), in the data coordinates of the subplot under the pointer
  (``p2c`` of that subplot's axes; for date axes ``x`` is epoch milliseconds and ``"xd"``/
  ``"yd"`` hold the axis' own value, e.g. a date string or category). A click on a point
  also carries ``"point": {"curve": c, "index": i, "customdata": ..., "x": ..., "y": ...}`` (for
  a tap: the marker within a few pixels of the finger). ``n`` counts events of this chart in this
  browser tab. A drag (zoom, box) or a swipe is not a click.
* ``{"event": "select", "points": [{"curve": c, "index": i, "customdata": ...}, ...], "n": 8}``:
  a box/lasso selection, only while the page passes ``select=True`` (a drag then selects: box,
  or lasso from the toolbar); ``points`` is empty when a selection is cleared.
* ``{"event": "frame", "index": k, "view": first + k, "end": bool, "n": 9, "t": ms}``:
  client-side playback stopped on frame ``k``, because it reached the last frame (``end``) or
  because the page passed ``playing=False``; with ``"more": True`` it has not stopped but asks
  for more frames (see ``more_at`` in :func:`plotly_chart`). The chart keeps showing frame ``k`` until the page sends a
  changed figure, so a page usually answers by drawing its own state at ``k``. The last
  stop also stays readable on later reruns: ``st.session_state[key]["frame"]``.

Playback starts when ``playing`` turns true (after a stop, the next ``playing=True`` run is a
new start even if the page never passed ``False`` in between); it resumes after the frame it
paused on when the frames are unchanged, else it starts at frame 0.

Under the hood (Streamlit 1.67) the component returns a ``ComponentResult`` with the
attributes ``click`` and ``select`` (*trigger* values: set on the rerun the browser caused,
``None`` afterwards) and ``frame`` (a *state* value, kept across reruns). They only appear
because the component is mounted with ``on_click_change``/``on_select_change``/
``on_frame_change`` callbacks. ``plotly_chart`` returns ``click or select or`` a ``frame``
it has not returned before (tracked in ``st.session_state``, per user).

Phones, tablets, screens (chart_logic.js decides, chart.js applies, for every drawing): on a
touch screen no drag zooms or selects unless the page passes ``select=True``, so a swipe that
starts on a chart scrolls the page; a tap is a click. Below 640 px (the chart's own width)
side-by-side panels are stacked (``narrowLayout``), the figure growing as needed, and the toolbar
gets a row of its own. A zoom lasts until the ``view`` changes (a Step resets it). Under
``prefers-reduced-motion`` playback changes the picture at most once a second (``playPace``).
The toolbar keeps "download" (and "reset axes" where a mouse drag zooms): few Tab stops.

``renderer="plotly"`` draws the same figure with ``st.plotly_chart`` (``theme=None`` so the
figure looks the same); there only clicks *on points* and box/lasso selections are reported,
and frames are not played.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from . import plotlyjs
from .bundle import BUNDLE_NAME, MODULES, bundle, bundle_path  # noqa: F401 - the chart's JavaScript, named here

COMPONENT_NAME = "neuron_lab_plotly"
STATIC_NAME = plotlyjs.STATIC_NAME
DIGITS = 6  # significant digits kept for floats sent to the browser

# Nothing that reaches a third party: no plotly logo (a link), no "Edit in Chart Studio" or "share"
# (an upload to Plotly's cloud). The toolbar's buttons are chosen in the browser (chart_logic.js's
# modebarButtons: download, reset axes where a drag zooms, box/lasso while selecting).
DEFAULT_CONFIG = MappingProxyType({"displaylogo": False, "responsive": True, "showSendToCloud": False,
                                   "showEditInChartStudio": False, "showLink": False})

# ---------------------------------------------------------------------------------------------
# The browser side: forward.js (the moving traces from the weights), chart_logic.js and redraw.js
# (pure decisions, tested by tests/js/ with Node) and chart.js (drawing and listening), all linted by
# ESLint. They are joined into one ES module, the *bundle*, committed as static/neuron-lab-chart.js
# (``python -m perceptron.web.bundle`` writes it; tests/test_chart.py fails when it is stale) and
# imported once per page by loader.js, the only JavaScript the component itself carries: st.components.v2
# sends a component's JavaScript with every rerun (70 KB of chart code a Step, before), and takes one
# module as a string (file paths only work for installed packages with a component manifest).
# ---------------------------------------------------------------------------------------------
_HERE = Path(__file__).resolve().parent
BUNDLE_VERSION = hashlib.sha1(bundle().encode("utf-8")).hexdigest()[:12]  # in the URL: a new bundle is fetched anew
JS = (_HERE / "loader.js").read_text(encoding="utf-8")  # what the component sends with every rerun


def _static_url(name: str = STATIC_NAME, version: str = plotlyjs.VERSION) -> str:
    """Where the browser loads a committed ``static/`` file (plotly.js by default), served at ``app/static/``."""
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/app/static/{name}?v={version}"


# ---------------------------------------------------------------------------------------------
# Figures as plain JSON
# ---------------------------------------------------------------------------------------------
def _round(v: float, digits: int | None) -> float | None:
    if not math.isfinite(v):
        return None  # NaN/inf are not JSON; plotly.js treats null as a gap
    if digits is None or v == 0:
        return v
    return float(f"{v:.{digits}g}")


def _decode_typed(obj: dict) -> np.ndarray:
    """plotly.py >= 6 encodes numpy arrays as ``{"dtype": "f8", "bdata": base64, "shape": "r, c"}``."""
    dtype = np.dtype(obj["dtype"].rstrip("c")).newbyteorder("<")
    arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=dtype)
    shape = obj.get("shape")
    if shape:
        dims = [int(s) for s in str(shape).split(",") if s.strip()]
        arr = arr.reshape(dims)
    return arr


def _clean(obj: Any, digits: int | None) -> Any:
    """Plain JSON values: typed arrays and numpy values become lists and numbers, floats rounded."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj and len(obj) <= 3:
            return _clean(_decode_typed(obj), digits)
        return {str(k): _clean(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v, digits) for v in obj]
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _round(float(obj), digits)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "iub":
            return obj.tolist()
        return _clean(obj.tolist(), digits)
    if hasattr(obj, "to_plotly_json"):
        return _clean(obj.to_plotly_json(), digits)
    if hasattr(obj, "tolist"):  # pandas objects, numpy scalars of other kinds
        return _clean(obj.tolist(), digits)
    if hasattr(obj, "isoformat"):  # dates
        return obj.isoformat()
    return _clean(json.loads(json.dumps(obj, default=str)), digits)


def _plain(obj) -> bool:
    """Whether ``obj`` is already plain, finite JSON (only dicts, lists, str, numbers, bools, None)."""
    try:
        json.dumps(obj, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def figure_spec(fig, digits: int | None = DIGITS) -> dict:
    """A ``go.Figure`` (or a figure dict) as a plain JSON-able ``{"data": [...], "layout": {...}}``.

    numpy arrays (including plotly's base64 ``bdata`` encoding) become lists, NaN/inf become
    ``None`` and floats keep ``digits`` significant digits (``None`` keeps them exact).
    A dict that is already plain, finite JSON is taken as it is (its builder rounded it):
    that skips walking every value on every update.
    """
    if isinstance(fig, dict) and _plain(fig):
        live = {k: fig[k] for k in ("model", "params") if k in fig}  # drawn from the weights (views/live.py)
        return {"data": list(fig.get("data") or []), "layout": dict(fig.get("layout") or {}), **live}
    raw = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else dict(fig)
    spec = _clean({"data": raw.get("data") or [], "layout": raw.get("layout") or {}}, digits)
    return {"data": list(spec["data"]), "layout": dict(spec["layout"])}


def _frame_spec(frame, digits: int | None) -> dict:
    if isinstance(frame, dict) and _plain(frame):
        return {k: frame[k] for k in FRAME_KEYS if k in frame}
    if hasattr(frame, "to_plotly_json"):
        frame = frame.to_plotly_json()
    out = _clean(dict(frame), digits)
    return {k: out[k] for k in FRAME_KEYS if k in out}


FRAME_KEYS = ("data", "layout", "traces", "extend", "params")  # params: weights the browser draws from


# ---------------------------------------------------------------------------------------------
# Streamlit
# ---------------------------------------------------------------------------------------------
def _noop() -> None:
    """Mounting with ``on_event_change``/``on_frame_change`` makes those keys part of the result."""


@functools.lru_cache(maxsize=1)
def _component():
    import streamlit as st

    # isolate_styles=False: plotly.js injects its CSS into document.head and listens on the
    # document while dragging, neither of which reaches into a shadow root.
    return st.components.v2.component(COMPONENT_NAME, js=JS, isolate_styles=False)


SHARED_PARTS_KEPT = 8  # parts a session remembers having sent (the browser keeps as many)


def share_parts(spec: dict, sent: list[str]) -> tuple[dict, list[str]]:
    """The figure with its training samples (``model["samples"]``, the browser's inputs for drawing from
    the weights: two exact floats a sample) sent once per session, then named by their hash.

    Every Step reran the figure with the same samples, 65 KB of the 118 KB a Step sent at n = 2,000.
    The samples become ``{"$part": id, "value": samples}`` the first time and ``{"$part": id}`` after;
    the chart keeps the values by id for the page's life (``resolveParts`` in chart_logic.js). ``sent``
    is the session's list of ids sent (session state, never module state); returns the new spec and list.
    When the browser reports an id it does not have (``missing``), the page clears the list and the
    next run sends the values again.
    """
    model = spec.get("model")
    if not isinstance(model, dict) or "samples" not in model:
        return spec, sent
    samples = model["samples"]
    h = hashlib.sha1(json.dumps(samples, separators=(",", ":")).encode()).hexdigest()[:16]
    part = {"$part": h} if h in sent else {"$part": h, "value": samples}
    return {**spec, "model": {**model, "samples": part}}, [*(x for x in sent if x != h), h][-SHARED_PARTS_KEPT:]


def chart_data(fig, *, height: int = 450, click: bool = False, select: bool = False,
               frames: list[dict] | None = None, fps: float = 15, playing: bool = False,
               config: dict | None = None, src: str | None = None, play_token: int = 0,
               view=None, preview: dict | None = None, first: int = 0, more_at: int = 0, alt: str | None = None,
               stop_on: str | None = None, stop_key: str | None = None, module: str | None = None,
               large: bool = False, link: dict | None = None) -> dict:
    """The JSON the component receives (also what ``AppTest`` shows in ``proto.json``). ``frames`` may be a
    :class:`Frames` (prepared once a chunk), or a list."""
    spec = figure_spec(fig)
    layout = spec["layout"]
    layout.pop("width", None)
    layout["height"] = int(height)
    layout["autosize"] = True
    # A drag selects only while the page asks for it (e.g. a "Select to delete" toggle): the mode is
    # part of the figure, so turning it on or off redraws the chart.
    if select and layout.get("dragmode") not in ("select", "lasso"):
        layout["dragmode"] = "select"
    elif not select and layout.get("dragmode") in ("select", "lasso"):
        del layout["dragmode"]
    shared = ()
    if isinstance(frames, Frames):  # a playback's, prepared once a chunk
        frame_specs, sig, shared = list(frames.frames), frames.sig, frames.shared
    else:
        frame_specs = [_frame_spec(f, DIGITS) for f in frames or []]
        sig = hashlib.sha1(json.dumps(frame_specs, sort_keys=True).encode()).hexdigest()[:16] if frame_specs else ""
    return {
        "spec": spec,
        "height": int(height),
        "click": bool(click),
        "select": bool(select),
        "frames": frame_specs,
        "frames_sig": sig,
        **({"frames_shared": {"annotations": list(shared)}} if shared else {}),
        "fps": float(fps),
        "playing": bool(playing and frame_specs),
        "play_token": int(play_token),
        "first": int(first),
        "more_at": int(more_at),
        "stop_on": str(stop_on) if stop_on else None,
        "stop_key": str(stop_key) if stop_key else None,
        "alt": str(alt) if alt else None,
        "large": bool(large),  # Large type: every text of the figure larger (chart_logic.js's largeText)
        # while playing, the address bar's epoch follows the frame on screen (chart.js's followLink)
        "link": {"param": str(link["param"]), "epochs": [int(e) for e in link["epochs"]]} if link and frame_specs else None,
        # A double-click would rescale the axes between two quick clicks that add points.
        "config": {**DEFAULT_CONFIG, **({"doubleClick": False} if click else {}), **(config or {})},
        "src": src or _static_url(),
        "module": module or _static_url(BUNDLE_NAME, BUNDLE_VERSION),
        "view": view,
        "preview": None if not preview else {
            "selector": str(preview["selector"]), "view": preview["view"], "frame": _frame_spec(preview["frame"], DIGITS),
        },
    }


def plotly_chart(fig, *, key: str, height: int = 450, click: bool = False, select: bool = False,
                 frames: list[dict] | None = None, fps: float = 15, playing: bool = False,
                 config: dict | None = None, renderer: str = "component", view=None,
                 preview: dict | None = None, first: int = 0, more_at: int = 0,
                 stop_on: str | None = None, stop_key: str | None = None, alt: str | None = None,
                 large: bool = False, link: dict | None = None) -> dict | None:
    """Draw ``fig`` full width and ``height`` pixels high; return the latest event dict or ``None``.

    ``key`` identifies the chart: while it stays the same, reruns update the same plot div.
    ``click``/``select`` turn on click (and tap) and box/lasso events (see the module docstring;
    while ``select`` is false a drag never selects, and on a touch screen a swipe scrolls the page);
    with ``click`` plotly's double-click autoscale is off unless ``config`` says otherwise.
    ``frames`` are partial updates drawn over ``fig`` in the browser, ``fps`` per second,
    while ``playing`` is true: ``{"data": [update of trace 0, update of trace 1, ...],
    "layout": {...}}`` (or ``"traces": [i, ...]`` naming the traces the updates are for);
    objects are deep-merged, lists and values replace. Full figure specs and ``go.Frame``
    objects work too. ``config`` is plotly.js's config (merged over ``DEFAULT_CONFIG``).
    ``renderer="plotly"`` draws with ``st.plotly_chart`` instead (no clicks on empty space,
    no playback, no preview).

    ``first`` labels the frames (frame i is ``first + i``; events carry the label as ``"view"``),
    so that a page may answer a ``more`` request with a list that starts later: playback goes
    on from the label on screen. ``more_at``: with that many frames left, the browser asks for
    more with ``{"event": "frame", "more": True, "view": label, ...}`` and keeps playing.

    ``stop_on``: a CSS selector (e.g. the Pause button's ``.st-key-play button``); while playing,
    a click on it stops playback in the browser at once and reports the frame on screen, before
    the page's own answer to the click arrives. ``stop_key``: that button's keyboard shortcut (``"Alt+P"``), which
    the chart takes the same way while it plays.

    ``alt``: the chart's text alternative, what it shows now in a sentence or two; screen readers
    read it instead of the plot's tick labels (``role="figure"`` with that ``aria-label``; the SVG drawing hidden).

    ``link``: ``{"param": "epoch", "epochs": [the epoch of each frame]}``: while the frames play, the
    browser writes the epoch on screen into the address bar's ``param`` (at most once a second), so a
    reload reopens about where the run was.

    ``large``: Large type (a projector): the browser draws every text of the figure 1.5 times its size
    and at least 18 px (``largeText`` in chart_logic.js), frames and the Step drawn ahead included.

    ``view`` names what ``fig`` shows (e.g. the epoch), and ``preview`` draws a button's result
    before the server answers: ``{"selector": CSS selector of the button, "view": the view
    the press leads to, "frame": a frame (as above) that turns ``fig`` into it}``. A click on
    a matching button draws the frame at once; the server's next figure is not drawn again
    when it has that ``view`` and is exactly the figure drawn ahead (a changed figure is
    drawn; after 3 s without an answer the chart goes back to ``fig``).
    """
    if renderer == "plotly":
        return _plotly_fallback(fig, key=key, height=height, click=click, select=select, config=config)
    if renderer != "component":
        raise ValueError(f"renderer must be 'component' or 'plotly', not {renderer!r}")
    import streamlit as st

    # Per-session memory of playback requests (session_state, never module state): the
    # browser starts playing when ``play_token`` changes, i.e. when ``playing`` turns true.
    memory_key = f"_neuron_lab_chart_{key}"
    memory = _memory(key)
    if playing and frames and not memory["playing"]:
        memory["token"] += 1
    data = chart_data(fig, height=height, click=click, select=select, frames=frames, fps=fps,
                      playing=playing, config=config, play_token=memory["token"], view=view, preview=preview,
                      first=first, more_at=more_at, stop_on=stop_on, stop_key=stop_key, alt=alt, large=large,
                      link=link)
    missing = (st.session_state.get(key) or {}).get("missing")
    if missing and missing != memory.get("missing"):  # the browser lacks a part it was sent: send it again
        memory["missing"], memory["parts"] = missing, []
    data["spec"], memory["parts"] = share_parts(data["spec"], memory.get("parts") or [])
    # height="content": the element is as tall as the chart's div, which the browser sets to the
    # figure's height (taller than ``height`` when a narrow screen stacks the panels)
    # sent as UTF-8 JSON bytes, encoded once here: given a dict, Streamlit 1.67 encodes it twice (once sorted, for
    # an identity that a keyed component does not use), a tenth of the server's CPU in a class stepping together
    result = _component()(key=key, data=json.dumps(data, separators=(",", ":"), allow_nan=False).encode("utf-8"),
                          height="content", width="stretch",
                          on_click_change=_noop, on_select_change=_noop, on_frame_change=_noop,
                          on_missing_change=_noop)
    frame = result.get("frame")
    new_frame = frame if isinstance(frame, dict) and frame != memory["ack"] else None
    if new_frame and new_frame.get("more"):
        memory["ack"], memory["playing"] = new_frame, bool(playing and frames)  # still playing
    elif new_frame:
        # The browser stopped on its own (or answered a pause): a later ``playing=True``
        # is a new request even if the page never passed ``playing=False`` in between.
        memory["ack"], memory["playing"] = new_frame, False
    else:
        memory["playing"] = bool(playing and frames)
    st.session_state[memory_key] = memory
    return result.get("click") or result.get("select") or new_frame


def _memory(key: str) -> dict:
    """The chart's per-session memory (session state): its play token, whether it plays, the last event answered."""
    import streamlit as st

    return dict(st.session_state.get(f"_neuron_lab_chart_{key}") or {"token": 0, "playing": False, "ack": None})


def take_frame(key: str) -> dict | None:
    """The chart ``key``'s ``frame`` event (a request for more frames, or the report of where it stopped) that no
    run has answered yet, taken now: before the page draws anything, so that the run that hears it draws the
    answer (one run, where answering after drawing the chart needed a second). :func:`plotly_chart` then
    returns None for it, as for any event already returned."""
    import streamlit as st

    try:
        frame = (st.session_state.get(key) or {}).get("frame")
    except Exception:  # not a component key yet, or no session
        return None
    memory = _memory(key)
    if not isinstance(frame, dict) or frame == memory["ack"]:
        return None
    memory["ack"] = frame
    if not frame.get("more"):  # stopped: a later ``playing=True`` is a new request (as plotly_chart decides)
        memory["playing"] = False
    st.session_state[f"_neuron_lab_chart_{key}"] = memory
    return frame


@dataclass(frozen=True)
class Frames:
    """A playback's frames as the browser gets them, prepared once a chunk and kept while it plays (the page's
    playback state), so a run that sends them again (a refill's, a Pause's) only sends them.

    ``frames``: each cleaned once (when its chunk is not plain JSON), not on every run;
    ``sig``: their signature (``frames_sig``); ``shared``: annotations that frames repeat (a figure's titles,
    the same in every frame), sent once in ``frames_shared`` and named in a frame's ``layout.annotations`` by their
    index (an integer): half a frame's bytes at the Gradient descent page. loader.js puts them back before the
    chart sees the frames.
    """

    frames: tuple = ()
    sig: str = ""
    shared: tuple = ()

    def __len__(self) -> int:
        return len(self.frames)

    def then(self, frames: list, keep: int = 0) -> Frames:
        """These frames from the ``keep``-th on, then ``frames`` (new, as a page's ``frames`` gives them)."""
        if frames and not _plain(frames[0]):  # a chunk comes from one builder: plain JSON, or not at all
            frames = [_frame_spec(f, DIGITS) for f in frames]
        shared = list(self.shared)
        new = [_share_annotations({k: f[k] for k in FRAME_KEYS if k in f}, shared, prev)
               for f, prev in zip(frames, [None, *frames[:-1]], strict=True)]
        out = (*self.frames[keep:], *new)
        # signed by the list before, what it kept and the new chunk's ends: a chunk is one stretch of one run's
        # training, so its first and last frames name it (a dump of every frame cost more than the rest here)
        ends = json.dumps([len(new), new[:1], new[-1:], shared], separators=(",", ":"))
        sig = hashlib.sha1(f"{self.sig}|{keep}|{ends}".encode()).hexdigest()[:16] if out else ""
        return Frames(out, sig, tuple(shared))


def _share_annotations(frame: dict, shared: list, prev: dict | None) -> dict:
    """``frame`` with each annotation that ``shared`` holds, or that the frame before holds at the same place,
    named by its index in ``shared`` (added to it); one that differs from the frame before's only in its text
    (the epoch's note: "epoch 6 · cost 0.07358 …", its place and font the same every frame) as
    ``{"$": index, "text": its text}``, the index naming a pattern kept in ``shared``: 435 bytes a frame at
    the Gradient descent page became 305."""
    notes = (frame.get("layout") or {}).get("annotations")
    if not isinstance(notes, list) or not notes:
        return frame
    before = (prev or {}).get("layout", {}).get("annotations") or []
    out = []
    for i, a in enumerate(notes):
        b = before[i] if i < len(before) else None
        if a in shared:
            out.append(shared.index(a))
        elif b == a:
            shared.append(a)
            out.append(len(shared) - 1)
        elif (k := next((j for j, x in enumerate(shared) if _same_but_text(a, x)), None)) is not None:
            out.append({"$": k, "text": a["text"]})  # lossless: everything but the text is the pattern's
        elif _same_but_text(a, b):
            shared.append(b)
            out.append({"$": len(shared) - 1, "text": a["text"]})
        else:
            out.append(a)
    return {**frame, "layout": {**frame["layout"], "annotations": out}}


def _same_but_text(a, b) -> bool:
    """Whether annotations ``a`` and ``b`` differ only in their text."""
    return (isinstance(a, dict) and isinstance(b, dict) and isinstance(a.get("text"), str) and "text" in b
            and a.keys() == b.keys() and all(a[k] == b[k] for k in a if k != "text"))


def _plotly_fallback(fig, *, key, height, click, select, config) -> dict | None:
    import plotly.graph_objects as go
    import streamlit as st

    figure = go.Figure(fig)
    figure.update_layout(height=int(height))
    modes = (["points"] if click else []) + (["box", "lasso"] if select else [])
    state = st.plotly_chart(
        figure, key=key, theme=None, width="stretch", config={**DEFAULT_CONFIG, **(config or {})},
        on_select="rerun" if modes else "ignore", selection_mode=modes or ("points", "box", "lasso"),
    )
    if not modes:
        return None
    selection = (state or {}).get("selection") or {}
    points = [
        {"curve": p.get("curve_number"), "index": p.get("point_index", p.get("point_number")),
         **({"customdata": p["customdata"]} if "customdata" in p else {}), "x": p.get("x"), "y": p.get("y")}
        for p in selection.get("points") or []
    ]
    if not points:
        return None
    if select and (selection.get("box") or selection.get("lasso") or not click):
        return {"event": "select", "points": points}
    return {"event": "click", "x": points[0]["x"], "y": points[0]["y"], "point": points[0]}

