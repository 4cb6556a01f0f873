"""A Plotly renderer that keeps one ``<div>`` per chart and updates it with ``Plotly.react``.

``st.plotly_chart`` redraws the whole figure on every rerun. This module draws figures with a
small ``st.components.v2`` component instead: the component keeps its own ``<div>`` across
reruns and calls ``Plotly.react(div, data, layout, config)`` on it, so a rerun only repaints
what changed (no remount, no flicker). It also reports clicks anywhere in the plot area in
data coordinates, box/lasso selections, and plays a list of frames in the browser without
any Python rerun.

plotly.js is never sent with the component: :func:`ensure_plotly_static` copies the cartesian
bundle (1.5 MB, the same plotly.js release as the plotly package's; see :mod:`perceptron.web.plotlyjs`)
into ``<app dir>/static/plotly-cartesian.min.js`` and the browser loads it once from
``app/static/plotly-cartesian.min.js`` (this needs ``server.enableStaticServing = true``, see
``.streamlit/config.toml``). All charts on a page share a single loading promise
(``window.__neuronLabPlotly``).

How a page reads events
-----------------------
``plotly_chart`` returns the event that caused this rerun as a plain dict, else ``None``
(every event is returned on exactly one rerun)::

    event = plotly_chart(fig, key="data", click=True)
    if event and event["event"] == "click":
        add_point(event["x"], event["y"])

* ``{"event": "click", "x": 1.23, "y": -0.4, "subplot": "xy", "n": 7}``: a click anywhere in
  a plot area (not only on points), in the data coordinates of the subplot under the pointer
  (``p2c`` of that subplot's axes; for date axes ``x`` is epoch milliseconds and ``"xd"``/
  ``"yd"`` hold the axis' own value, e.g. a date string or category). A click on a point
  also carries ``"point": {"curve": c, "index": i, "customdata": ..., "x": ..., "y": ...}``.
  ``n`` counts events of this chart in this browser tab. A drag (zoom, box) is not a click.
* ``{"event": "select", "points": [{"curve": c, "index": i, "customdata": ...}, ...], "n": 8}``:
  a box/lasso selection (``select=True`` also makes ``"select"`` the default dragmode);
  ``points`` is empty when a selection is cleared.
* ``{"event": "frame", "index": k, "view": first + k, "end": bool, "n": 9, "t": ms}``:
  client-side playback stopped on frame ``k``, because it reached the last frame (``end``) or
  because the page passed ``playing=False``; with ``"more": True`` it has not stopped but asks
  for more frames (see ``more_at`` in :func:`plotly_chart`). The chart keeps showing frame ``k`` until the page sends a
  changed figure, so a page usually answers by drawing its own state at ``k``. The last
  stop also stays readable on later reruns: :func:`paused_frame` (``key``) or
  ``st.session_state[key]["frame"]``.

Playback starts when ``playing`` turns true (after a stop, the next ``playing=True`` run is a
new start even if the page never passed ``False`` in between); it resumes after the frame it
paused on when the frames are unchanged, else it starts at frame 0.

Under the hood (Streamlit 1.67) the component returns a ``ComponentResult`` with the
attributes ``click`` and ``select`` (*trigger* values: set on the rerun the browser caused,
``None`` afterwards) and ``frame`` (a *state* value, kept across reruns). They only appear
because the component is mounted with ``on_click_change``/``on_select_change``/
``on_frame_change`` callbacks. ``plotly_chart`` returns ``click or select or`` a ``frame``
it has not returned before (tracked in ``st.session_state``, per user).

``renderer="plotly"`` draws the same figure with ``st.plotly_chart`` (``theme=None`` so the
figure looks the same); there only clicks *on points* and box/lasso selections are reported,
and frames are not played.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from . import plotlyjs

_LOGGER = logging.getLogger(__name__)

COMPONENT_NAME = "neuron_lab_plotly"
STATIC_NAME = plotlyjs.STATIC_NAME
DIGITS = 6  # significant digits kept for floats sent to the browser

DEFAULT_CONFIG = {"displaylogo": False, "responsive": True}

# ---------------------------------------------------------------------------------------------
# The browser side. The component calls the default export on every rerun whose data changed,
# always with the same ``parentElement`` (Streamlit keeps the element mounted while its key is
# the same), so everything lasting lives in ``parentElement.__nlChart``. Only the cleanup
# returned by the *latest* call runs, when the element unmounts.
# ---------------------------------------------------------------------------------------------
JS = r"""
function loadPlotly(src) {
  if (window.Plotly && window.Plotly.react) return Promise.resolve(window.Plotly);
  if (!window.__neuronLabPlotly) {
    window.__neuronLabPlotly = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src;
      s.async = true;
      s.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js did not load")));
      s.onerror = () => {
        window.__neuronLabPlotly = null;
        s.remove();
        reject(new Error("Could not load " + src + " (set server.enableStaticServing = true)"));
      };
      document.head.appendChild(s);
    });
  }
  return window.__neuronLabPlotly;
}

const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
function merge(a, b) {
  if (!isObj(a) || !isObj(b)) return b;
  const out = { ...a };
  for (const k of Object.keys(b)) out[k] = merge(a[k], b[k]);
  return out;
}

function figureAt(d, k) {
  return figureWith(d, d.frames && d.frames[k]);
}

// The base figure with one frame drawn over it: updates merged into traces (or appended),
// ``extend`` appending points to a trace's x/y, the layout merged.
function figureWith(d, fr) {
  const base = d.spec;
  const data = base.data.map((t) => ({ ...t }));
  let layout = structuredClone(base.layout || {});
  if (fr) {
    (fr.data || []).forEach((u, j) => {
      const i = fr.traces ? fr.traces[j] : j;
      if (i < data.length) data[i] = merge(data[i], u);
      else data.push({ ...u });
    });
    (fr.extend || []).forEach((e) => {
      const t = data[e.trace];
      if (!t) return;
      data[e.trace] = { ...t, x: (t.x || []).concat(e.x || []), y: (t.y || []).concat(e.y || []) };
    });
    if (fr.layout) layout = merge(layout, fr.layout);
  }
  return { data, layout };
}

function draw(st, Plotly, k) {
  st.shownJSON = null;
  const fig = figureAt(st.data, k);
  return Plotly.react(st.div, fig.data, fig.layout, st.data.config);
}

// Step drawn ahead: the page sends the next step's frame with the figure; a click on the page's
// Step button (``preview.selector``) draws it at once, while the server does the same Step. When
// the server's figure for that view arrives and is exactly what was drawn, it is not drawn again
// (else it is). Not confirmed within 3 s: the figure on screen before the click is drawn again.
function drawPreview(st, Plotly) {
  const p = st.data && st.data.preview;
  if (!p || st.playing || st.previewView != null) return;
  const fig = figureWith(st.data, p.frame);
  st.previewView = p.view;
  st.previewJSON = JSON.stringify(fig) + JSON.stringify(st.data.config);  // before plotly.js writes into it
  st.shownJSON = null;
  const shown = st.data;
  clearTimeout(st.revert);
  st.revert = setTimeout(() => {
    if (st.dead || st.data !== shown) return;
    st.previewView = null;
    draw(st, Plotly, -1);
  }, 3000);
  Plotly.react(st.div, fig.data, fig.layout, st.data.config);
}

function listenForPreview(st, Plotly) {
  st.onPress = (ev) => {
    // Pause: stop at once and report the frame on screen (the server's answer comes later)
    const stopOn = st.data && st.data.stop_on;
    if (st.playing && stopOn && ev.target && ev.target.closest && ev.target.closest(stopOn)) {
      stopPlayback(st, true);
      return;
    }
    const p = st.data && st.data.preview;
    if (!p || !p.selector || !ev.target || !ev.target.closest) return;
    const btn = ev.target.closest(p.selector);
    if (!btn || btn.disabled || btn.getAttribute("aria-disabled") === "true") return;
    // After this click's other handlers: Streamlit's sends the rerun first, so the server works
    // while the browser draws. Not if the server's answer came first (new data).
    const shown = st.data;
    setTimeout(() => { if (st.data === shown && !st.dead) drawPreview(st, Plotly); }, 0);
  };
  document.addEventListener("click", st.onPress, true);
}

function pointInfo(p) {
  const out = { curve: p.curveNumber, index: p.pointIndex ?? p.pointNumber };
  if (p.customdata !== undefined) out.customdata = p.customdata;
  if (typeof p.x === "number" || typeof p.x === "string") out.x = p.x;
  if (typeof p.y === "number" || typeof p.y === "string") out.y = p.y;
  return out;
}

function subplotAt(fl, px, py) {
  const plots = fl._plots || {};
  const ids = Object.keys(plots).sort((a, b) => (a === "xy" ? -1 : b === "xy" ? 1 : 0));
  for (const id of ids) {
    const xa = plots[id].xaxis, ya = plots[id].yaxis;
    if (!xa || !ya) continue;
    const x = px - xa._offset, y = py - ya._offset;
    if (x >= 0 && x <= xa._length && y >= 0 && y <= ya._length) return { id, xa, ya, x, y };
  }
  return null;
}

function attach(st, Plotly) {
  const div = st.div;
  // Data coordinates are read at mousedown, before plotly.js handles the gesture (a quick
  // second click is a double-click that may rescale the axes before "click" fires).
  div.addEventListener("mousedown", (ev) => {
    st.down = null;
    if (!st.data || !st.data.click || !div._fullLayout || ev.button !== 0) return;
    const r = div.getBoundingClientRect();
    const sp = subplotAt(div._fullLayout, ev.clientX - r.left, ev.clientY - r.top);
    if (!sp) return;
    const msg = { event: "click", x: sp.xa.p2c(sp.x), y: sp.ya.p2c(sp.y), subplot: sp.id };
    if (!["linear", "log", "-"].includes(sp.xa.type)) msg.xd = sp.xa.p2d(sp.x);
    if (!["linear", "log", "-"].includes(sp.ya.type)) msg.yd = sp.ya.p2d(sp.y);
    // the point under the pointer: what plotly_click would report (its order varies by dragmode)
    const pts = div._hoverdata && div._hoverdata.length ? div._hoverdata : null;
    if (pts) msg.point = pointInfo(pts[0]);
    st.down = { x: ev.clientX, y: ev.clientY, msg };
  }, true);
  div.addEventListener("click", (ev) => {
    const down = st.down;
    st.down = null;
    if (!down || !st.data || !st.data.click) return;
    if (Math.hypot(ev.clientX - down.x, ev.clientY - down.y) > 4) return;  // a drag, not a click
    st.api.setTriggerValue("click", { ...down.msg, n: ++st.n });
  });
  div.on("plotly_selected", (ev) => {
    if (!st.data || !st.data.select) return;
    const points = ((ev && ev.points) || []).map(pointInfo);
    if (!points.length && !st.selected) return;  // nothing was selected, nothing to clear
    st.selected = points.length > 0;
    st.api.setTriggerValue("select", { event: "select", points, n: ++st.n });
  });
  div.on("plotly_deselect", () => {
    if (!st.data || !st.data.select || !st.selected) return;
    st.selected = false;
    st.api.setTriggerValue("select", { event: "select", points: [], n: ++st.n });
  });
  if (window.ResizeObserver) {
    // Redraw only a drawn, displayed plot (else plotly.js rejects the resize) whose size differs
    // from the size it was drawn at (the observer also fires once when it starts).
    st.ro = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1].contentRect, fl = div._fullLayout;
      if (!fl || !div.isConnected || div.offsetParent === null || !box.width || !box.height) return;
      if (Math.round(box.width) === Math.round(fl.width) && Math.round(box.height) === Math.round(fl.height)) return;
      Promise.resolve(Plotly.Plots.resize(div)).catch(() => {});
    });
    st.ro.observe(div);
  }
}

function stopPlayback(st, report) {
  if (st.timer) clearTimeout(st.timer);
  st.timer = null;
  if (!st.playing) return;
  st.playing = false;
  const last = (st.data.frames || []).length - 1;
  st.paused = st.index < last;
  if (report) {
    const msg = { event: "frame", index: st.index, view: st.shown, end: st.index >= last, n: ++st.n, t: Date.now() };
    st.api.setStateValue("frame", msg);
  }
}

// Frames are labelled ``first + index`` (``data.first``, 0 by default), so that the page can send
// a longer list while playing (starting later, ending later) and playback goes on where it is.
// ``data.more_at``: with that many frames left, ask the page for more (a "frame" event with
// ``more: true``) without stopping, so the next frames arrive before the last one is drawn.
function play(st, Plotly, start) {
  if (st.timer) clearTimeout(st.timer);
  st.playing = true;
  const run = st.run = (st.run || 0) + 1;
  st.next = (st.data.first || 0) + start;
  const step = () => {
    if (!st.playing || st.run !== run || st.dead) return;
    const d = st.data, first = d.first || 0;
    const k = Math.max(0, Math.min(st.next - first, (d.frames || []).length - 1));
    const t0 = performance.now();
    Promise.resolve(draw(st, Plotly, k)).then(() => {
      if (!st.playing || st.run !== run || st.dead) return;
      st.shown = first + k;  // the frame on screen, by label
      const cur = st.data, last = (cur.frames || []).length - 1;
      st.index = st.shown - (cur.first || 0);
      if (st.index >= last) { stopPlayback(st, true); return; }
      if (cur.more_at && last - st.index <= cur.more_at && st.askedFor !== cur.frames_sig) {
        st.askedFor = cur.frames_sig;
        st.api.setStateValue("frame", { event: "frame", index: st.index, view: st.shown, end: false, more: true,
                                        n: ++st.n, t: Date.now() });
      }
      st.next = st.shown + 1;
      const wait = 1000 / Math.max(0.1, cur.fps || 15) - (performance.now() - t0);
      st.timer = setTimeout(step, Math.max(0, wait));
    });
  };
  step();
}

function update(st, Plotly) {
  const d = st.data;
  const n = (d.frames || []).length;
  const sameFrames = d.frames_sig === st.framesSig;
  const request = d.play_token !== st.playToken;  // the page asked to play (again)
  st.playToken = d.play_token;
  const ahead = st.previewView;  // a Step drawn ahead, waiting for the server's figure
  st.previewView = null;
  clearTimeout(st.revert);
  if (st.playing && st.shown != null) st.index = st.shown - (d.first || 0);  // frames may start later now
  if (d.playing && n && (st.playing || request)) {
    if (!st.playing) {
      // resume after the frame it paused on, else start from the first frame
      play(st, Plotly, sameFrames && st.paused && st.index < n - 1 ? st.index + 1 : 0);
    }
  } else if (st.playing) {
    stopPlayback(st, true);  // keep the frame it paused on; the page answers with its figure
  } else if (st.paused && sameFrames && n) {
    // stopped here already (Pause was clicked in the browser): keep the frame it paused on
  } else {
    // Not drawn again when the figure is exactly the one on screen: the Step drawn ahead, or a
    // rerun that changed something else on the page.
    const fig = figureAt(d, -1), json = JSON.stringify(fig) + JSON.stringify(d.config);
    const onScreen = ahead != null ? (d.view === ahead ? st.previewJSON : null) : st.shownJSON;
    if (json !== onScreen) Plotly.react(st.div, fig.data, fig.layout, d.config);
    st.shownJSON = json;
  }
  st.framesSig = d.frames_sig;
}

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  if (!data || !data.spec) return;
  let st = parentElement.__nlChart;
  if (!st) {
    const div = document.createElement("div");
    div.className = "nl-plotly";
    div.style.width = "100%";
    parentElement.appendChild(div);
    st = parentElement.__nlChart = { div, gen: 0, n: 0, index: 0, playing: false };
  }
  st.data = data;
  st.api = { setStateValue, setTriggerValue };
  st.div.style.height = data.height + "px";
  const gen = ++st.gen;
  loadPlotly(data.src).then((Plotly) => {
    if (st.dead || gen !== st.gen) return;
    update(st, Plotly);  // Plotly.react sets up div.on(...) synchronously
    if (!st.attached) {
      st.attached = true;
      attach(st, Plotly);
      listenForPreview(st, Plotly);
    }
  }).catch((err) => {
    st.div.textContent = String(err && err.message ? err.message : err);
  });
  return () => {
    if (gen !== st.gen || st.dead) return;  // a newer call owns the chart
    st.dead = true;
    stopPlayback(st, false);
    clearTimeout(st.revert);
    if (st.onPress) document.removeEventListener("click", st.onPress, true);
    if (st.ro) st.ro.disconnect();
    if (window.Plotly) window.Plotly.purge(st.div);
    st.div.remove();
    delete parentElement.__nlChart;
  };
}
"""


# ---------------------------------------------------------------------------------------------
# plotly.js as a static file
# ---------------------------------------------------------------------------------------------
def plotly_js_path() -> Path:
    """The plotly.js bundle the browser loads (the vendored cartesian bundle)."""
    return plotlyjs.bundle_path()


def ensure_plotly_static(app_dir) -> Path:
    """Copy plotly.js to ``<app_dir>/static/plotly-cartesian.min.js`` when it is missing or differs in size.

    The copy goes through a temporary file and ``os.replace`` so concurrent sessions never
    serve a half-written file. Returns the destination path.
    """
    src = plotly_js_path()
    dest = Path(app_dir) / "static" / STATIC_NAME
    if dest.is_file() and dest.stat().st_size == src.stat().st_size:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".plotly-", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return dest


@functools.lru_cache(maxsize=16)
def _ensure_static_once(app_dir: str) -> str:
    """``ensure_plotly_static`` at most once per process and app folder."""
    return str(ensure_plotly_static(app_dir))


def _app_dir() -> str | None:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    path = getattr(ctx, "main_script_path", None) if ctx else None
    return str(Path(path).resolve().parent) if path else None


def _static_url() -> str:
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/app/static/{STATIC_NAME}?v={plotlyjs.VERSION}"


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
        return {"data": list(fig.get("data") or []), "layout": dict(fig.get("layout") or {})}
    raw = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else dict(fig)
    spec = _clean({"data": raw.get("data") or [], "layout": raw.get("layout") or {}}, digits)
    return {"data": list(spec["data"]), "layout": dict(spec["layout"])}


def _frame_spec(frame, digits: int | None) -> dict:
    if isinstance(frame, dict) and _plain(frame):
        return {k: frame[k] for k in ("data", "layout", "traces", "extend") if k in frame}
    if hasattr(frame, "to_plotly_json"):
        frame = frame.to_plotly_json()
    out = _clean(dict(frame), digits)
    return {k: out[k] for k in ("data", "layout", "traces", "extend") if k in out}


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


def chart_data(fig, *, height: int = 450, click: bool = False, select: bool = False,
               frames: list[dict] | None = None, fps: float = 15, playing: bool = False,
               config: dict | None = None, src: str | None = None, play_token: int = 0,
               view=None, preview: dict | None = None, first: int = 0, more_at: int = 0,
               stop_on: str | None = None) -> dict:
    """The JSON the component receives (also what ``AppTest`` shows in ``proto.json``)."""
    spec = figure_spec(fig)
    layout = spec["layout"]
    layout.pop("width", None)
    layout["height"] = int(height)
    layout["autosize"] = True
    if select and "dragmode" not in layout:
        layout["dragmode"] = "select"
    frame_specs = [_frame_spec(f, DIGITS) for f in frames or []]
    sig = hashlib.sha1(json.dumps(frame_specs, sort_keys=True).encode()).hexdigest()[:16] if frame_specs else ""
    return {
        "spec": spec,
        "height": int(height),
        "click": bool(click),
        "select": bool(select),
        "frames": frame_specs,
        "frames_sig": sig,
        "fps": float(fps),
        "playing": bool(playing and frame_specs),
        "play_token": int(play_token),
        "first": int(first),
        "more_at": int(more_at),
        "stop_on": str(stop_on) if stop_on else None,
        # A double-click would rescale the axes between two quick clicks that add points.
        "config": {**DEFAULT_CONFIG, **({"doubleClick": False} if click else {}), **(config or {})},
        "src": src or _static_url(),
        "view": view,
        "preview": None if not preview else {
            "selector": str(preview["selector"]), "view": preview["view"], "frame": _frame_spec(preview["frame"], DIGITS),
        },
    }


def plotly_chart(fig, *, key: str, height: int = 450, click: bool = False, select: bool = False,
                 frames: list[dict] | None = None, fps: float = 15, playing: bool = False,
                 config: dict | None = None, renderer: str = "component", view=None,
                 preview: dict | None = None, first: int = 0, more_at: int = 0,
                 stop_on: str | None = None) -> dict | None:
    """Draw ``fig`` full width and ``height`` pixels high; return the latest event dict or ``None``.

    ``key`` identifies the chart: while it stays the same, reruns update the same plot div.
    ``click``/``select`` turn on click and box/lasso events (see the module docstring);
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
    the page's own answer to the click arrives.

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

    app_dir = _app_dir()
    if app_dir:
        try:
            _ensure_static_once(app_dir)
        except OSError as err:  # read-only deploy: the browser says it cannot load plotly.js
            _LOGGER.warning("Could not copy plotly.js next to the app: %s", err)
    # Per-session memory of playback requests (session_state, never module state): the
    # browser starts playing when ``play_token`` changes, i.e. when ``playing`` turns true.
    memory_key = f"_neuron_lab_chart_{key}"
    memory = dict(st.session_state.get(memory_key) or {"token": 0, "playing": False, "ack": None})
    if playing and frames and not memory["playing"]:
        memory["token"] += 1
    data = chart_data(fig, height=height, click=click, select=select, frames=frames, fps=fps,
                      playing=playing, config=config, play_token=memory["token"], view=view, preview=preview,
                      first=first, more_at=more_at, stop_on=stop_on)
    result = _component()(key=key, data=data, height=int(height), width="stretch",
                          on_click_change=_noop, on_select_change=_noop, on_frame_change=_noop)
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


def paused_frame(key: str) -> int | None:
    """The frame where the chart ``key`` last stopped playing (kept across reruns), or ``None``."""
    import streamlit as st

    try:
        frame = (st.session_state.get(key) or {}).get("frame")
    except Exception:  # not a component key, or no session
        return None
    return frame.get("index") if isinstance(frame, dict) else None


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
