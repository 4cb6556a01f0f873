// The chart component's decisions, without the DOM or plotly.js: what figure a frame draws, whether
// a rerun's figure is drawn again, where playback resumes, when it asks for more frames, what an
// event reports. chart.js does the drawing and the listening; tests/js/ tests this file with Node.
//
// st.components.v2 takes one ES module as a string, so perceptron/web/chart.py puts this file
// ahead of chart.js (dropping chart.js's `import ... from "./chart_logic.js"`): names declared here
// must not be declared again in chart.js. Nothing here runs at load time. (Past 400 lines on
// purpose: chart.py joins exactly this file and chart.js into the one module, so every pure decision
// of the component lives here, in sections, where Node tests it: figures, playback, touch, layout.)

import { modelUpdate } from "./forward.js";

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
// A figure with a ``model`` (perceptron/views/live.py) has its moving traces drawn here from the
// weights: the frame's ``params``, else the figure's own (forward.js), before the frame's updates.
export function figureWith(d, fr) {
  const base = d.spec;
  const data = base.data.map((t) => ({ ...t }));
  let layout = structuredClone(base.layout || {});
  const params = paramsOf(d, fr);
  if (base.model && params) {
    const moved = modelUpdate(base.model, params);
    for (const { trace, ...u } of moved.updates) if (data[trace]) data[trace] = { ...data[trace], ...u };
    layout = merge(layout, moved.layout);
  }
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

// The weights a figure with a model is drawn from: the frame's, else the figure's own (null without).
export function paramsOf(d, fr) {
  return (fr && fr.params) || d.spec.params || null;
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

// A part of the figure sent once and then named by its id (chart.py's share_parts: the training
// samples, ``{"$part": id, "value": ...}`` the first time, ``{"$part": id}`` after). Returns the spec
// with the part's value, kept in ``cache`` (a Map, at most ``keep`` parts: the oldest go first), or
// ``missing``: the id the cache lacks (the page is asked to send it again).
export function resolveParts(spec, cache, keep = 8) {
  const model = spec && spec.model;
  const part = model && model.samples;
  if (!part || typeof part !== "object" || !("$part" in part)) return { spec, missing: null };
  const id = part.$part;
  if ("value" in part) {
    cache.delete(id);
    cache.set(id, part.value);
    while (cache.size > keep) cache.delete(cache.keys().next().value);
  } else if (!cache.has(id)) {
    return { spec: null, missing: id };
  }
  return { spec: { ...spec, model: { ...model, samples: cache.get(id) } }, missing: null };
}

// When the next frame is due and how long until then (ms), at ``fps``, after the frame due at ``due``
// (null: the first), and how many frames to leave out before it (``skip``). Frames keep a steady
// clock: a frame drawn late (the page was busy, e.g. with the next chunk of frames arriving) makes
// the next one come sooner, so the rate holds. Where drawing takes longer than a frame (2,000 points
// on a slow machine), whole frames late are left out, as a video player does: fewer pictures, but
// the epochs go by at the rate Play promises. After a long stall (more than MAX_SKIP frames late)
// the clock restarts instead: no leap far ahead.
export const MAX_SKIP = 7;
export function frameSchedule(due, now, fps) {
  const period = 1000 / Math.max(0.1, fps || 15);
  let next = (due == null ? now : due) + period;
  let skip = 0;
  if (now - next >= period) {
    skip = Math.floor((now - next) / period);
    if (skip > MAX_SKIP) {
      skip = MAX_SKIP;
      next = now;
    } else {
      next += skip * period;
    }
  }
  return { due: next, delay: Math.max(0, next - now), skip };
}

// Whether a display frame starting at ``now`` should show the frame due at ``due`` (at ``fps``): the one
// nearest its time, so up to half a display frame (60 a second: 8.3 ms) before it, or half a period at
// more than 60 frames a second. At 60 frames a second each display frame shows a new frame, at 15 every fourth.
export function frameDue(now, due, fps) {
  return now >= due - Math.min(500 / 60, 500 / Math.max(0.1, fps || 15));
}

// While it plays, the address bar names the epoch on screen (``d.link``: the query parameter, e.g. "epoch",
// and the epoch each frame shows), at most every LINK_EVERY ms: a reload reopens about where the run was,
// not where Play started. The server writes it too, at every chunk and at Pause (playback.py).
export const LINK_EVERY = 1000;

// The epoch frame ``k`` of ``d`` shows for its link, or null (no link, no such frame).
export function linkEpoch(d, k) {
  const epochs = d && d.link && Array.isArray(d.link.epochs) ? d.link.epochs : [];
  return Number.isInteger(k) && k >= 0 && k < epochs.length ? epochs[k] : null;
}

// The query string ``search`` ("?a=1&epoch=3", or "") with ``name`` set to ``value``: its pair replaced
// where it is, else added at the end; every other pair as it was, byte for byte.
export function withParam(search, name, value) {
  const pairs = String(search || "").replace(/^\?/, "").split("&").filter(Boolean);
  const pair = `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`;
  const at = pairs.findIndex((p) => decodeURIComponent(p.split("=")[0].replace(/\+/g, " ")) === name);
  if (at >= 0) pairs[at] = pair;
  else pairs.push(pair);
  return `?${pairs.join("&")}`;
}

// Playback stopped on frame ``index`` of ``frames``: ``paused`` before the end (a later Play
// resumes after it) or by a Pause (``pause``: also on the last frame, where it may have been
// waiting for more; the frame on screen is kept, planUpdate's "hold"), ``end`` at the last frame.
export function stopState(frames, index, pause = false) {
  const last = (frames || []).length - 1;
  return { paused: pause || index < last, end: index >= last };
}

// The "frame" event (a state value kept across reruns). ``pause``: a Pause click stopped it (the click itself
// goes no further: this report is the Pause the server hears, even on the last frame).
export function frameEvent({ index, view, end, more, pause, n, t }) {
  const msg = { event: "frame", index, view, end: Boolean(end) };
  if (more) msg.more = true;
  if (pause) msg.pause = true;
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

// How far (px) a press may move before its release and still be a click (a mouse) or a tap (a
// finger, which wobbles more): further, it is a drag (zoom, box) or a swipe (the page scrolls).
export const CLICK_SLOP = Object.freeze({ mouse: 4, pen: 6, touch: 10 });

// Whether a press at ``down`` and its release at ``up`` (client pixels) are a click or a tap.
export function isClick(down, up, pointerType = "mouse") {
  const slop = CLICK_SLOP[pointerType] ?? CLICK_SLOP.mouse;
  return Math.hypot(up.x - down.x, up.y - down.y) <= slop;
}

// How close (px, from a marker's edge) a tap must land to be a tap on that marker.
export const TAP_REACH = 8;

// The marker a tap landed on. A finger has no hover, so plotly.js's ``_hoverdata`` is the last
// mouse hover's or an earlier tap's: the point is found here instead, as what a click on a point
// reports (pointInfo): the nearest marker of a visible, hoverable trace of subplot ``sp`` (from
// subplotAt) whose edge is within ``reach`` px of the tap; null when there is none. ``traces`` is
// plotly.js's ``_fullData`` (each trace with its ``index``, axis ids, mode, marker size).
export function pointNear(traces, sp, reach = TAP_REACH) {
  let best = null;
  for (const t of traces || []) {
    if (!t || t.visible !== true || t.hoverinfo === "skip" || !String(t.mode || "").includes("markers")) continue;
    if ((t.xaxis || "x") + (t.yaxis || "y") !== sp.id) continue;
    const xs = t.x || [], ys = t.y || [], size = t.marker ? t.marker.size : undefined;
    for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
      if (typeof xs[i] !== "number" || typeof ys[i] !== "number") continue;
      const radius = (Array.isArray(size) ? size[i] : size ?? 6) / 2;
      const gap = Math.hypot(sp.xa.c2p(xs[i]) - sp.x, sp.ya.c2p(ys[i]) - sp.y) - radius;
      if (gap <= reach && (!best || gap < best.gap)) best = { gap, t, i };
    }
  }
  if (!best) return null;
  const { t, i } = best;
  const custom = Array.isArray(t.customdata) ? t.customdata[i] : undefined;
  return pointInfo({ curveNumber: t.index, pointIndex: i, customdata: custom, x: t.x[i], y: t.y[i] });
}

// Whether a plot drawn at ``fl.width`` x ``fl.height`` needs a resize for the box it is in now.
export function needsResize(box, fl) {
  if (!box.width || !box.height) return false;
  return Math.round(box.width) !== Math.round(fl.width) || Math.round(box.height) !== Math.round(fl.height);
}

// ---------------------------------------------------------------------------------------------
// Touch screens, the toolbar and zoom: what a chart is drawn with (chart.js's adaptFigure)
// ---------------------------------------------------------------------------------------------
const AXIS_KEY = /^[xy]axis\d*$/;

// The layout's axes as [key, axis] pairs ("xaxis", "yaxis2", ...).
export function axesOf(layout) {
  return Object.keys(layout || {}).filter((k) => AXIS_KEY.test(k) && isObj(layout[k])).map((k) => [k, layout[k]]);
}

// The drag mode a chart is drawn with, from the figure's own (``dragmode``, maybe undefined): a drag
// that selects is an explicit tool, used only while the page asks for it (``select``, e.g. the
// Dataset page's "Select to delete"); on a touch screen (``coarse``) there is no drag mode at all
// otherwise, so a swipe that starts on a chart scrolls the page (plotly.js calls preventDefault on
// touchstart for every other drag mode) and zooms or selects nothing. With a mouse, a drag zooms.
// Returns undefined to leave plotly.js's default (zoom).
export function dragmodeFor(dragmode, { select = false, coarse = false } = {}) {
  const selecting = dragmode === "select" || dragmode === "lasso";
  if (select) return selecting ? dragmode : "select";
  if (coarse) return false;
  return selecting ? "zoom" : dragmode;
}

// Whether a drag can zoom any of the layout's axes (no axes listed: plotly.js's default ones can).
export function zoomable(layout) {
  const axes = axesOf(layout);
  return !axes.length || axes.some(([, a]) => a.visible !== false && !a.fixedrange);
}

// The toolbar, trimmed to what a student needs, since every button is a Tab stop: "Download plot as
// a PNG" always; "Reset axes" where a mouse drag zooms (not on touch screens, where nothing zooms,
// nor while selecting); the box and lasso tools while selecting. No zoom, pan or autoscale buttons,
// no plotly logo, no "share"/"edit in Chart Studio" (an upload to a third party: chart.py turns
// those off in the config).
export function modebarButtons(layout, { select = false, coarse = false } = {}) {
  const reset = !select && !coarse && layout.dragmode !== false && zoomable(layout);
  return [["toImage", ...(reset ? ["resetScale2d"] : []), ...(select ? ["select2d", "lasso2d"] : [])]];
}

// "Full screen": the chart fills the screen (a projector), its text as large as the figure says (Large type
// included); Esc or the button again leaves. ``toggle`` is called with the chart's div. Added to the first
// group of the toolbar, after the page's own buttons; the config given is not changed.
export const FULLSCREEN_ICON = Object.freeze({
  width: 24, height: 24,
  path: "M3 3h7v2H5v5H3V3zm11 0h7v7h-2V5h-5V3zM3 14h2v5h5v2H3v-7zm16 0h2v7h-7v-2h5v-5z",
});
export function withFullscreen(config, toggle, full = false) {
  const groups = (config.modeBarButtons || [[]]).map((g) => [...g]);
  const button = { name: "fullscreen", title: full ? "Leave full screen (Esc)" : "Full screen",
    icon: FULLSCREEN_ICON, click: (gd) => toggle(gd) };
  groups[0].push(button);
  return { ...config, modeBarButtons: groups };
}

// The layout of a figure drawn full screen: as tall as the screen ``height`` (its width follows the screen).
export function fullscreenLayout(layout, height) {
  return { ...layout, height: Math.max(300, Math.round(height)) };
}

// A zoom does not outlive the view it was made on: with a view (``d.view``, e.g. the epoch), every
// axis keeps the user's zoom only while the view is the same (plotly.js's per-axis ``uirevision``),
// so after a Step or a rewind the axes show the figure's own ranges again (the figure's layout
// ``uirevision`` still keeps legend clicks). Without a view the figure's own rule holds.
export function withViewRevision(layout, view) {
  if (view === null || view === undefined) return layout;
  const out = { ...layout };
  for (const key of new Set(["xaxis", "yaxis", ...axesOf(layout).map(([k]) => k)])) {
    out[key] = { ...(isObj(layout[key]) ? layout[key] : {}), uirevision: `view ${JSON.stringify(view)}` };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Narrow screens: side-by-side panels stacked, room for the toolbar
// ---------------------------------------------------------------------------------------------
// Below this width (px, the chart's own) a figure's side-by-side panels are stacked, one under the
// other across the whole width, and the toolbar gets a row of its own above the figure.
export const STACK_BELOW = 640;
// px between stacked panels: the upper one's tick labels and axis title, the lower one's title
export const STACK_GAP = 90;
// px added above a narrow figure: the toolbar's row, so it covers no text (the epoch line, a title)
export const TOOLBAR_ROOM = 30;
const PLOTLY_MARGIN = Object.freeze({ l: 80, r: 80, t: 100, b: 80 });  // plotly.js's defaults

// The layout's subplots: each x axis with the y axis it is anchored to, and their domains.
export function subplotsOf(layout) {
  const out = [];
  for (const [key, xa] of axesOf(layout)) {
    const m = /^xaxis(\d*)$/.exec(key);
    if (!m) continue;
    const anchor = typeof xa.anchor === "string" && /^y\d*$/.test(xa.anchor) ? xa.anchor : "y" + m[1];
    const y = "yaxis" + anchor.slice(1);
    const ya = isObj(layout[y]) ? layout[y] : {};
    out.push({ x: key, y, xd: xa.domain || [0, 1], yd: ya.domain || [0, 1] });
  }
  return out;
}

// The side-by-side columns of subplots, left to right: subplots whose x domains overlap share one.
// Each: {subs, x0, x1, y0, y1} (its extent on the paper).
export function columnsOf(subplots) {
  const cols = [];
  for (const s of [...subplots].sort((a, b) => a.xd[0] - b.xd[0])) {
    const c = cols[cols.length - 1];
    if (c && s.xd[0] < c.x1 - 1e-9) {
      c.subs.push(s);
      c.x1 = Math.max(c.x1, s.xd[1]);
      c.y0 = Math.min(c.y0, s.yd[0]);
      c.y1 = Math.max(c.y1, s.yd[1]);
    } else {
      cols.push({ subs: [s], x0: s.xd[0], x1: s.xd[1], y0: s.yd[0], y1: s.yd[1] });
    }
  }
  return cols;
}

const round4 = (v) => Math.round(v * 1e4) / 1e4;
const paperNote = (a) => isObj(a) && a.xref === "paper" && a.yref === "paper" && typeof a.x === "number"
  && typeof a.y === "number";

// The column a point of the paper belongs to: the one under it, else the nearest.
function columnAt(cols, x) {
  let best = cols[0], dist = Infinity;
  for (const c of cols) {
    const d = x < c.x0 ? c.x0 - x : x > c.x1 ? x - c.x1 : 0;
    if (d < dist) [best, dist] = [c, d];
  }
  return best;
}

// The px a column of several panels does not use at its bottom once stacked across ``plotW`` px:
// when every panel at its bottom is drawn at a fixed aspect ratio (its y axis ``scaleanchor``ed to
// its x, ``constraintoward: "top"``, both ranges given: the Hidden layer's thumbnails), each is as
// tall as its new width allows, and the rest of its domain below it would stay empty.
function bottomSlack(c, layout, plotW, oldH) {
  let slack = Infinity;
  for (const s of c.subs) {
    if (s.yd[0] > c.y0 + 1e-6) continue;  // not at the column's bottom
    const xr = layout[s.x].range, ya = isObj(layout[s.y]) ? layout[s.y] : {}, yr = ya.range;
    const fixed = ya.scaleanchor === "x" + s.x.slice(5) && ya.constraintoward === "top"
      && Array.isArray(xr) && Array.isArray(yr) && xr[1] !== xr[0];
    if (!fixed) return 0;
    const w = ((s.xd[1] - s.xd[0]) / (c.x1 - c.x0 || 1)) * plotW;
    const h = (s.yd[1] - s.yd[0]) * oldH;
    slack = Math.min(slack, h - w * Math.abs((yr[1] - yr[0]) / (xr[1] - xr[0])) * (ya.scaleratio || 1));
  }
  return Number.isFinite(slack) ? Math.max(0, slack) : 0;
}

// ``layout`` for a chart ``width`` px wide: unchanged at ``below`` px (STACK_BELOW by default) and wider.
// Narrower, the
// toolbar gets TOOLBAR_ROOM px above the figure, and side-by-side panels (columnsOf: e.g. the
// Gradient descent page's boundary, sigmoid and cost; the Hidden layer page's boundary beside the
// cost and the units' thumbnails) are stacked top to bottom, left column first, each across the
// whole width:
//   * a column of one panel is as tall as it was, but at most as tall as it is now wide;
//   * a column of several panels keeps its height, so the text between them keeps its room
//     (less the empty band that panels drawn at a fixed aspect ratio leave at its bottom);
//   * the columns are STACK_GAP px apart and the figure grows to hold them.
// ``grow``: text that many times larger (Large type), so a column of several panels and the gaps
// between columns are as many times taller.
// Annotations placed on the paper move with their column (titles stay above their panel); those
// above or below the plot area (the epoch line, a legend) keep their distance from it in pixels.
// The Python figure builders stay as they are: this is the only place that knows about phones.
export function narrowLayout(layout, width, { below = STACK_BELOW, grow = 1 } = {}) {
  if (!(width > 0) || width >= below) return layout;
  const m = { ...PLOTLY_MARGIN, ...(layout.margin || {}) };
  const height = layout.height || 450;
  const out = { ...layout, margin: { ...m, t: m.t + TOOLBAR_ROOM }, height: height + TOOLBAR_ROOM };
  const cols = columnsOf(subplotsOf(layout));
  if (cols.length < 2) return underToolbar(layout, out);

  const oldH = Math.max(1, height - m.t - m.b), plotW = Math.max(1, width - m.l - m.r);
  const heights = cols.map((c) => {
    const was = Math.max(1, (c.y1 - c.y0) * oldH);
    return c.subs.length > 1 ? Math.max(1, was * grow - bottomSlack(c, layout, plotW, oldH * grow))
      : Math.min(was, plotW);
  });
  const gap = STACK_GAP * grow;
  const newH = heights.reduce((a, b) => a + b, 0) + gap * (cols.length - 1);
  let top = newH;
  cols.forEach((c, i) => {
    c.to = [(top - heights[i]) / newH, top / newH];
    top -= heights[i] + gap;
  });
  const fx = (c, x) => round4((x - c.x0) / (c.x1 - c.x0 || 1));
  // one panel: scaled to its new height; several: the same px from the column's top (down to its
  // new bottom, where a panel drawn at a fixed aspect ratio loses what it did not use)
  const fy = (c, y) => round4(c.subs.length > 1
    ? Math.max(c.to[0], c.to[1] - ((c.y1 - y) * oldH * grow) / newH)
    : c.to[0] + ((y - c.y0) / (c.y1 - c.y0 || 1)) * (c.to[1] - c.to[0]));
  for (const c of cols) {
    for (const s of c.subs) {
      // anchored explicitly: an axis without an anchor would be drawn on the first panel's edge
      const ya = isObj(layout[s.y]) ? layout[s.y] : {};
      out[s.x] = { anchor: "y" + s.y.slice(5), ...layout[s.x], domain: [fx(c, s.xd[0]), fx(c, s.xd[1])] };
      out[s.y] = { anchor: "x" + s.x.slice(5), ...ya, domain: [fy(c, s.yd[0]), fy(c, s.yd[1])] };
    }
  }
  // outside the plot area: the same distance from it in pixels
  const outside = (y) => round4(y > 1 ? 1 + ((y - 1) * oldH) / newH : (y * oldH) / newH);
  if (Array.isArray(layout.annotations)) {
    out.annotations = layout.annotations.map((a) => {
      if (!paperNote(a)) return a;
      if (a.y > 1 || a.y < 0) return { ...a, y: outside(a.y) };
      const c = columnAt(cols, a.x);
      return { ...a, x: fx(c, a.x), y: fy(c, a.y) };
    });
  }
  if (isObj(layout.legend) && typeof layout.legend.y === "number" && (layout.legend.y > 1 || layout.legend.y < 0)) {
    out.legend = { ...layout.legend, y: outside(layout.legend.y) };
  }
  out.height = Math.round(newH + m.t + TOOLBAR_ROOM + m.b);
  return underToolbar(layout, out);
}

// A title at the top of the container (yref "container") of a narrow figure ``out`` (made from
// ``layout``, TOOLBAR_ROOM px taller at the top) moves down under the toolbar's row.
const topTitle = (t) => isObj(t) && t.yref === "container" && typeof t.y === "number" && t.y > 0.5
  && (t.yanchor || "top") === "top";

function underToolbar(layout, out) {
  if (!topTitle(layout.title)) return out;
  const top = (1 - layout.title.y) * (layout.height || 450) + TOOLBAR_ROOM;  // px from the chart's top
  out.title = { ...layout.title, y: round4(1 - top / out.height) };
  return out;
}

// A legend above the plot area, in a figure whose title is at the top of the container, goes right
// under the title: plotly.js moves the plot area down to make room for a legend, never for a title,
// so a wrapped title and a legend (of several rows on a narrow chart) would cover each other. The
// title's height is counted from its lines (1.3 em each). Unchanged otherwise.
export function legendUnderTitle(layout) {
  const title = layout.title, legend = isObj(layout.legend) ? layout.legend : null;
  if (!topTitle(title) || !title.text || !legend || (legend.yref || "paper") !== "paper"
      || typeof legend.y !== "number" || legend.y < 1) return layout;
  const height = layout.height || 450;
  const size = (isObj(title.font) && title.font.size) || (isObj(layout.font) && layout.font.size) || 12;
  const lines = String(title.text).split(/<br\s*\/?>/i).length;
  const pad = (isObj(title.pad) && title.pad.t) || 0;
  const below = (1 - title.y) * height + pad + lines * size * 1.3 + 4;
  return { ...layout, legend: { ...legend, yref: "container", y: round4(1 - below / height), yanchor: "top" } };
}

// The width (px) a text of plotly.js's takes at ``size`` px, estimated from its longest line (tags
// like <b> take none): 0.55 em a character, a little more than the fonts the browser picks need.
export function textWidth(text, size) {
  const lines = String(text ?? "").split(/<br\s*\/?>/i)
    .map((l) => l.replace(/<[^>]*>/g, "").replace(/&[a-z]+;|&#\d+;/gi, "x"));
  return Math.max(0, ...lines.map((l) => [...l].length)) * size * 0.55;
}

// The smallest font (px) fitNotes gives a note.
export const MIN_NOTE_SIZE = 10;

// A note's text (lines split by <br>) with its lines broken at spaces so that each is at most ``avail``
// px wide at ``size`` px (textWidth's estimate); a word longer than that stays whole, on a line of its own.
export function wrapNote(text, size, avail) {
  const most = Math.max(1, Math.floor(avail / (size * 0.55)));  // characters a line holds (textWidth's 0.55 em)
  const shown = (s) => [...s.replace(/<[^>]*>/g, "").replace(/&[a-z]+;|&#\d+;/gi, "x")].length;
  return String(text ?? "").split(/<br\s*\/?>/i).map((line) => {
    const out = [];
    let cur = "";
    for (const word of line.split(" ")) {
      if (cur && shown(cur) + 1 + shown(word) > most) {
        out.push(cur);
        cur = word;
      } else {
        cur = cur ? `${cur} ${word}` : word;
      }
    }
    return [...out, cur].join("<br>");
  }).join("<br>");
}

// ``layout`` for a chart ``width`` px wide, with every note placed on the paper (an annotation with
// xref and yref "paper": titles, the epoch line, explanations) that would be cut off at the chart's
// edge given a smaller font, just small enough (not below ``least`` px, MIN_NOTE_SIZE by default): on a
// phone, or a tablet's column, a long line is read smaller rather than not at all. With ``wrap`` (Large
// type: ``least`` is LARGE_TEXT.least, a projector's text never smaller) a note that does not fit at
// ``least`` px is broken onto more lines instead (wrapNote). Unchanged when all fit.
export function fitNotes(layout, width, { least = MIN_NOTE_SIZE, wrap = false } = {}) {
  if (!(width > 0) || !Array.isArray(layout.annotations)) return layout;
  const m = { ...PLOTLY_MARGIN, ...(layout.margin || {}) };
  const plotW = Math.max(1, width - m.l - m.r), size = (isObj(layout.font) && layout.font.size) || 12;
  let changed = false;
  const annotations = layout.annotations.map((a) => {
    if (!paperNote(a)) return a;
    const font = isObj(a.font) ? a.font : {}, px = font.size || size;
    const pos = a.x * plotW;  // from the plot area's left edge; the chart spans -m.l .. plotW + m.r
    const anchor = a.xanchor || "auto";
    const avail = anchor === "left" ? plotW + m.r - pos
      : anchor === "right" ? pos + m.l : 2 * Math.min(pos + m.l, plotW + m.r - pos);
    const want = textWidth(a.text, px);
    if (want <= avail || px <= least) return a;
    changed = true;
    const fit = Math.floor((px * avail) / want);
    if (fit >= least || !wrap) return { ...a, font: { ...font, size: Math.max(least, fit) } };
    return { ...a, text: wrapNote(a.text, least, avail), font: { ...font, size: least } };
  });
  return changed ? { ...layout, annotations } : layout;
}

// Whether a chart drawn for ``drawnWidth`` px needs its layout made again at ``width`` px: at any
// other width (narrowLayout and fitNotes depend on it), not for a fraction of a pixel, nor while
// the chart is not laid out (0 px).
export function relayoutOnResize(drawnWidth, width) {
  const a = Math.round(drawnWidth || 0), b = Math.round(width || 0);
  return b > 0 && a !== b;
}

// The toolbar's colours (plotly.js's own icons are rgba(68, 68, 68, 0.3) on white, 1.7:1, and a touch
// screen always shows them): icons 7.3:1 on its white, the hovered or active one 13.4:1 (WCAG 1.4.11,
// tests/test_contrast.py).
export const MODEBAR = Object.freeze({ color: "#4d5766", activecolor: "#26303d", bgcolor: "rgba(255, 255, 255, 0.95)" });

// ---------------------------------------------------------------------------------------------
// Large type (the sidebar's toggle, for a projector): every text of a chart larger
// ---------------------------------------------------------------------------------------------
// Every text is LARGE_TEXT.scale times its size and at least LARGE_TEXT.least px: the layout's font
// (what tick labels, axis titles, legends and notes without a size of their own inherit; plotly.js's
// default is 12 px) and every font the figure names (a title's, a note's, an axis's tickfont, a
// trace's textfont, ...); the margins the figure names at the top, bottom and left as much larger.
export const LARGE_TEXT = Object.freeze({ scale: 1.5, least: 18 });
const PLOTLY_FONT = 12;
const FONT_KEY = /font$/i;

function largerFonts(v, grow) {
  if (Array.isArray(v)) return v.length && isObj(v[0]) ? v.map((x) => largerFonts(x, grow)) : v;
  if (!isObj(v)) return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    const font = FONT_KEY.test(k) && isObj(x) && x.size !== undefined && x.size !== null;
    out[k] = font ? { ...largerFonts(x, grow), size: grow(x.size) } : largerFonts(x, grow);
  }
  return out;
}

// ``fig`` ({data, layout}) with every text larger (see LARGE_TEXT); ``fig`` is not changed.
export function largeText(fig, { scale, least } = LARGE_TEXT) {
  const grow = (size) => (Array.isArray(size) ? size.map(grow)
    : typeof size === "number" ? Math.max(least, Math.round(size * scale)) : size);
  const own = fig.layout || {};
  const layout = largerFonts(own, grow);
  if (!(isObj(own.font) && typeof own.font.size === "number")) {
    layout.font = { ...(isObj(own.font) ? own.font : {}), size: grow(PLOTLY_FONT) };
  }
  // room for the larger tick labels, axis titles and the notes above the plot (margins the figure names)
  if (isObj(own.margin)) {
    layout.margin = { ...own.margin };
    for (const side of ["t", "b", "l"]) {
      if (typeof own.margin[side] === "number") layout.margin[side] = Math.round(own.margin[side] * scale);
    }
  }
  return { ...fig, data: (fig.data || []).map((t) => largerFonts(t, grow)), layout };
}

// What a chart draws: the figure ``fig`` (the base figure, or a frame over it) made fit for the
// screen (``env``: the chart's ``width`` in px, ``coarse`` for a touch screen) and for the page's
// data ``d`` (``select``, ``config``, ``large``): larger text under Large type, the drag mode, the
// zoom reset by a new ``view``, the narrow layout, the legend under the title, notes that fit, the
// trimmed toolbar (unless the page's config names its buttons) in its colours. ``fig`` is not changed.
export function adaptFigure(fig, d, env = {}, view = d.view) {
  const select = Boolean(d.select), coarse = Boolean(env.coarse);
  const sized = d.large ? largeText(fig) : fig;
  let layout = structuredClone(sized.layout || {});
  const dragmode = dragmodeFor(layout.dragmode, { select, coarse });
  if (dragmode !== undefined) layout.dragmode = dragmode;
  layout.modebar = { ...MODEBAR, ...(isObj(layout.modebar) ? layout.modebar : {}) };
  // Large type: text 1.5 times larger needs a chart as much wider to sit side by side, and as much
  // more room between stacked panels
  const narrow = d.large ? { below: STACK_BELOW * LARGE_TEXT.scale, grow: LARGE_TEXT.scale } : {};
  layout = fitNotes(legendUnderTitle(narrowLayout(withViewRevision(layout, view), env.width, narrow)), env.width,
    d.large ? { least: LARGE_TEXT.least, wrap: true } : {});
  const config = { ...(d.config || {}) };
  if (!config.modeBarButtons) config.modeBarButtons = modebarButtons(layout, { select, coarse });
  return { data: sized.data, layout, config };
}

// ---------------------------------------------------------------------------------------------
// prefers-reduced-motion
// ---------------------------------------------------------------------------------------------
// Play under prefers-reduced-motion: reduce. Decision: no animation, and no slower learning. The
// figure changes at most once a second (``fps`` 1), and each change skips ahead as many frames as
// normal playback shows in a second (``stride``), so a Play still trains and shows the same epochs
// per second, in discrete steps a second apart instead of a moving picture. Pause, Step and the last
// frame of every list of frames behave as usual (nextLabel never skips a list's last frame).
export function playPace(fps, reduced) {
  const rate = Math.max(0.1, fps || 15);
  return reduced ? { fps: Math.min(rate, 1), stride: Math.max(1, Math.round(rate)) } : { fps: rate, stride: 1 };
}

// The label of the frame playback draws after the frame ``shown``: ``stride`` frames on, but never
// past the last frame of the current list ``cur`` (so that one is always shown, and the request
// for more frames and the wait at the end work as with every frame shown); after the last, the next.
export function nextLabel(cur, shown, stride = 1) {
  const last = (cur.first || 0) + (cur.frames || []).length - 1;
  return shown < last ? Math.min(shown + Math.max(1, stride), last) : shown + 1;
}

// ---------------------------------------------------------------------------------------------
// The page around the charts
// ---------------------------------------------------------------------------------------------
// Streamlit's "auto" sidebar starts collapsed only up to 768 px wide, so a tablet (820-1024 px)
// opens every page with a third of its screen under the sidebar. The chart component (the app's only
// script) collapses it once: on a touch screen narrower than this, with the sidebar open, when the
// student never chose (Streamlit keeps their choice in localStorage, ``stSidebarCollapsed-...``;
// collapsing it by its button records that choice, so a student who opens it again keeps it open).
export const SIDEBAR_COLLAPSE_BELOW = 1024;

export function collapseSidebar({ width, coarse, expanded, chosen }) {
  return Boolean(coarse && expanded && !chosen && width > 0 && width < SIDEBAR_COLLAPSE_BELOW);
}

// Whether a keydown is the shortcut ``spec`` as Streamlit's buttons name one ("Alt+P", "Shift+Right"): exactly its
// modifiers, and its key by the physical key for a letter or a digit (Alt+P types "π" on a Mac), else by name.
export function matchesShortcut(ev, spec) {
  if (!spec || !ev) return false;
  const parts = String(spec).split("+");
  const key = parts.pop();
  const mods = new Set(parts.map((m) => m.toLowerCase()));
  if (["alt", "ctrl", "shift", "meta"].some((m) => Boolean(ev[`${m}Key`]) !== mods.has(m))) return false;
  if (/^[A-Za-z]$/.test(key)) return ev.code === `Key${key.toUpperCase()}`;
  if (/^[0-9]$/.test(key)) return ev.code === `Digit${key}`;
  return ev.key === ({ Right: "ArrowRight", Left: "ArrowLeft", Up: "ArrowUp", Down: "ArrowDown" }[key] || key);
}
