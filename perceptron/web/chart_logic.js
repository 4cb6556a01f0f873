// The chart component's decisions, without the DOM or plotly.js: what figure a frame draws, whether
// a rerun's figure is drawn again, where playback resumes, when it asks for more frames, what an
// event reports. chart.js does the drawing and the listening; tests/js/ tests this file with Node.
//
// st.components.v2 takes one ES module as a string, so perceptron/web/chart.py puts this file
// ahead of chart.js (dropping chart.js's `import ... from "./chart_logic.js"`): names declared here
// must not be declared again in chart.js. Nothing here runs at load time.

// ---------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------
export const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// Objects are merged (keys keep their places, new ones go last); lists and values replace.
export function merge(a, b) {
  if (!isObj(a) || !isObj(b)) return b;
  const out = { ...a };
  for (const k of Object.keys(b)) out[k] = merge(a[k], b[k]);
  return out;
}

// The base figure (``d.spec``) with one frame drawn over it: updates merged into traces (the
// trace ``fr.traces[j]``, else the j-th) or appended, ``extend`` appending points to a trace's
// x/y, the layout merged. ``d`` is never changed.
export function figureWith(d, fr) {
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

// Frame ``k`` drawn over the base figure; a ``k`` with no frame (-1) is the base figure itself.
export function figureAt(d, k) {
  return figureWith(d, d.frames && d.frames[k]);
}

// What identifies a drawn figure: the same key means the same picture (taken before plotly.js
// writes into the objects it is given).
export function figureKey(fig, config) {
  return JSON.stringify(fig) + JSON.stringify(config);
}

// ---------------------------------------------------------------------------------------------
// A rerun's data: play, stop, keep or draw
// ---------------------------------------------------------------------------------------------
// The frame playback starts from when it (re)starts: after the frame it paused on when the
// frames are the ones it paused in, else the first frame.
export function resumeFrom(st, d) {
  const n = (d.frames || []).length;
  return d.frames_sig === st.framesSig && st.paused && st.index < n - 1 ? st.index + 1 : 0;
}

// What a rerun's data ``d`` asks of the chart in state ``st`` (read, never changed):
//   {action: "play", start}  start playing (the page asked, with a new play_token);
//   {action: "continue"}     keep playing (the frames may have changed: longer, starting later);
//   {action: "stop"}         stop and report the frame on screen;
//   {action: "hold"}         stopped here already: keep the frame on screen (Pause clicked in the
//                            browser; or a late answer to a request for more frames, see below);
//   {action: "draw", fig, key} / {action: "same", fig, key}  the base figure, drawn only when
//   it is not exactly the one on screen: the Step drawn ahead (``st.previewView`` is its view,
//   ``st.previewJSON`` its key) or the last figure drawn (``st.shownJSON``).
// Frames that go on playing the playback this chart has stopped (same play_token: it ran out
// of frames or was paused, and its report is on its way) are a late answer to its request for
// more: their base figure is an earlier epoch than the frame on screen, so it is not drawn (the
// page answers the report with its own figure).
export function planUpdate(st, d) {
  const n = (d.frames || []).length;
  const request = d.play_token !== st.playToken;  // the page asked to play (again)
  if (d.playing && n && (st.playing || request)) {
    return st.playing ? { action: "continue" } : { action: "play", start: resumeFrom(st, d) };
  }
  if (st.playing) return { action: "stop" };
  if (d.playing && n && st.shown != null) return { action: "hold" };  // (not request: see above)
  if (st.paused && d.frames_sig === st.framesSig && n) return { action: "hold" };
  const fig = figureAt(d, -1), key = figureKey(fig, d.config);
  const ahead = st.previewView;
  const onScreen = ahead != null ? (d.view === ahead ? st.previewJSON : null) : st.shownJSON;
  return { action: key === onScreen ? "same" : "draw", fig, key };
}

// The Step drawn ahead for the data ``d``, or null: not while playing, not while one waits for
// the server's answer, not when the page sent none.
export function previewPlan(st, d) {
  const p = d && d.preview;
  if (!p || st.playing || st.previewView != null) return null;
  const fig = figureWith(d, p.frame);
  return { view: p.view, fig, key: figureKey(fig, d.config) };
}

// ---------------------------------------------------------------------------------------------
// Playback
// ---------------------------------------------------------------------------------------------
// Frames are labelled ``first + index`` (``d.first``, 0 by default), so that the page can send a
// longer list while playing (starting later, ending later) and playback goes on where it is.

// The index of the frame to draw for label ``label``, within the list.
export function frameIndex(d, label) {
  return Math.max(0, Math.min(label - (d.first || 0), (d.frames || []).length - 1));
}

// The index of the frame playback draws next, for label ``next`` (the frame after the one on
// screen): that frame, or the list's first when the list starts later; null when the list ends
// before ``next`` (playback never goes back to an earlier frame: it waits or stops, afterFrame).
export function nextFrame(d, next) {
  const k = frameIndex(d, next);
  return (d.first || 0) + k < next ? null : k;
}

// How long playback waits on the last frame for the frames it asked for (ms) before it stops.
export const WAIT_FUSE = 15000;

// After frame ``shown`` (a label) is on screen, with the data ``cur`` current by then, having
// asked for more frames for the list ``askedFor`` and waited ``waited`` ms on this frame:
//   index  its index in ``cur``;
//   more   ask the page for more frames (with ``cur.more_at`` frames or fewer left, once per list);
//   wait   it is the last frame, more frames are coming (asked for, now with ``more`` if not
//          before, and ``cur.more_at`` still offers them): keep playing, draw nothing, look again
//          later (for at most WAIT_FUSE ms);
//   end    it is the last frame and no more are coming (``more_at`` falsy), or the fuse blew: stop.
// So playback does not depend on how fast the page answers: when the longer list arrives, the
// next frame drawn is the one after ``shown``.
export function afterFrame(cur, shown, askedFor, waited = 0) {
  const last = (cur.frames || []).length - 1;
  const index = shown - (cur.first || 0);
  const offers = Boolean(cur.more_at);
  const more = offers && last - index <= cur.more_at && askedFor !== cur.frames_sig;
  if (index < last) return { index, more, wait: false, end: false };
  const wait = offers && waited < WAIT_FUSE;
  return { index, more: wait && more, wait, end: !wait };
}

// Milliseconds until the next frame, at ``fps`` frames per second (15 by default, at least 0.1),
// after ``elapsed`` ms spent drawing this one.
export function frameDelay(fps, elapsed) {
  return Math.max(0, 1000 / Math.max(0.1, fps || 15) - elapsed);
}

// Playback stopped on frame ``index`` of ``frames``: ``paused`` before the end (a later Play
// resumes after it) or by a Pause (``pause``: also on the last frame, where it may have been
// waiting for more; the frame on screen is kept, planUpdate's "hold"), ``end`` at the last frame.
export function stopState(frames, index, pause = false) {
  const last = (frames || []).length - 1;
  return { paused: pause || index < last, end: index >= last };
}

// The "frame" event (a state value kept across reruns).
export function frameEvent({ index, view, end, more, n, t }) {
  const msg = { event: "frame", index, view, end: Boolean(end) };
  if (more) msg.more = true;
  return { ...msg, n, t };
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------
// A plotly.js point as events report it.
export function pointInfo(p) {
  const out = { curve: p.curveNumber, index: p.pointIndex ?? p.pointNumber };
  if (p.customdata !== undefined) out.customdata = p.customdata;
  if (typeof p.x === "number" || typeof p.x === "string") out.x = p.x;
  if (typeof p.y === "number" || typeof p.y === "string") out.y = p.y;
  return out;
}

// The subplot of plotly.js's ``_fullLayout`` under the pixel (px, py) of the plot div ("xy"
// first where plot areas overlap), with the pixel inside its plot area; null outside them all.
export function subplotAt(fl, px, py) {
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

const NUMERIC_AXES = ["linear", "log", "-"];

// The click event for a pixel of subplot ``sp`` (from subplotAt): data coordinates (``p2c``),
// the axis' own values for other axis types (dates, categories), the point under the pointer.
export function clickEvent(sp, hoverdata) {
  const msg = { event: "click", x: sp.xa.p2c(sp.x), y: sp.ya.p2c(sp.y), subplot: sp.id };
  if (!NUMERIC_AXES.includes(sp.xa.type)) msg.xd = sp.xa.p2d(sp.x);
  if (!NUMERIC_AXES.includes(sp.ya.type)) msg.yd = sp.ya.p2d(sp.y);
  if (hoverdata && hoverdata.length) msg.point = pointInfo(hoverdata[0]);
  return msg;
}

// A press and release further apart than 4 px are a drag (zoom, box), not a click.
export function isClick(down, up) {
  return Math.hypot(up.x - down.x, up.y - down.y) <= 4;
}

// Whether a plot drawn at ``fl.width`` x ``fl.height`` needs a resize for the box it is in now.
export function needsResize(box, fl) {
  if (!box.width || !box.height) return false;
  return Math.round(box.width) !== Math.round(fl.width) || Math.round(box.height) !== Math.round(fl.height);
}
