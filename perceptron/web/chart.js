// The browser side of perceptron/web/chart.py: one plotly.js <div> per chart, updated with
// Plotly.react. The decisions are in chart_logic.js; this file draws, listens and keeps state.
//
// The component calls the default export on every rerun whose data changed, always with the
// same ``parentElement`` (Streamlit keeps the element mounted while its key is the same), so
// everything lasting lives in ``parentElement.__nlChart``. Only the cleanup returned by the
// *latest* call runs, when the element unmounts.
import {
  adaptFigure, afterFrame, clickEvent, collapseSidebar, figureAt, frameDelay, frameEvent, frameSchedule, frameDue, fullscreenLayout,
  isClick, LINK_EVERY, matchesShortcut, withFullscreen,
  linkEpoch, needsResize, nextFrame, nextLabel, paramsOf, planUpdate, playPace, pointInfo, pointNear, previewPlan,
  relayoutOnResize, resolveParts, stopState, subplotAt, withParam,
} from "./chart_logic.js";
import { heatRGBA, linePath, quickChanges, zoomed } from "./redraw.js";

const matches = (query) => Boolean(window.matchMedia && window.matchMedia(query).matches);
// A touch screen: any coarse pointer, not only the primary one, so that a touch laptop (a
// Chromebook's touchpad is its primary pointer) scrolls on a swipe too. A mouse drag then no
// longer zooms there; nothing a student needs depends on zooming.
const touchScreen = () => matches("(any-pointer: coarse)");

// plotly.js, loaded once per page for every chart, from ``data.src`` (chart.py names the URL).
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

// Every drawing goes through here: ``fig`` (the base figure or a frame over it) made fit for this
// screen and width (adaptFigure: drag mode, zoom reset by a new ``view``, stacked panels on narrow
// screens, the trimmed toolbar), the div as tall as the figure it holds. Where only the values of
// some traces and the text of some notes changed since the last drawing (a Step, a Play frame), they
// are written into plotly.js's SVG at once (quickDraw) and plotly.js draws the whole figure once the
// chart has been quiet for QUIET_MS (its hover labels then read the new values).
const QUIET_MS = 300;
// a browser test sets window.__nlQuietMs to hold the whole drawing back long enough to read the quick one
// on a loaded machine
const quietMs = () => window.__nlQuietMs || QUIET_MS;

function render(st, Plotly, fig, view = st.data.view, whole = false) {
  const width = st.div.clientWidth || st.div.parentElement.clientWidth;
  const out = adaptFigure(fig, st.data, { width, coarse: touchScreen() }, view);
  const full = document.fullscreenElement === st.div;  // a projector: the chart fills the screen
  if (full) out.layout = fullscreenLayout(out.layout, window.innerHeight);
  if (st.div.requestFullscreen) out.config = withFullscreen(out.config, () => toggleFullscreen(st.div), full);
  const before = st.drawn;
  st.lastFig = fig;
  st.lastView = view;
  st.drawn = { data: out.data, layout: out.layout, config: out.config, width };
  clearTimeout(st.whole);
  const fl = st.div._fullLayout;
  const changes = !whole && before && before.width === width && fl && !zoomed(fl, before.layout)
    ? quickChanges(before, st.drawn) : null;
  if (changes && quickDraw(st.div, out, changes)) {
    st.quick = (st.quick || 0) + 1;
    st.behind = true;  // plotly.js has not drawn this figure itself yet
    st.whole = setTimeout(() => {
      if (!st.dead && st.lastFig === fig) render(st, Plotly, fig, view, true);
    }, quietMs());
    return Promise.resolve();
  }
  st.drawnWidth = width;
  st.behind = false;
  st.div.style.height = out.layout.height + "px";
  // a swipe on the chart scrolls or pinch-zooms the page, unless the drag selects
  st.div.style.touchAction = out.layout.dragmode === "select" || out.layout.dragmode === "lasso" ? "none" : "pan-x pan-y pinch-zoom";
  // plotly.js writes into the objects it draws: it gets copies, st.drawn stays what was asked for
  st.plotting = Plotly.react(st.div, structuredClone(out.data), structuredClone(out.layout), out.config);
  return st.plotting;
}

function toggleFullscreen(div) {
  const done = document.fullscreenElement ? document.exitFullscreen() : div.requestFullscreen();
  Promise.resolve(done).catch(() => {});
}

// The trace groups plotly.js drew, by trace index (plotly.js binds each group to its trace's data).
function traceGroups(div) {
  const out = new Map();
  for (const g of div.querySelectorAll("g.trace, g.hm")) {
    const cd = g.__data__;
    const t = cd && (Array.isArray(cd) ? cd[0] && cd[0].trace : cd.trace);
    if (t && Number.isInteger(t.index)) out.set(t.index, g);
  }
  return out;
}

const axisOf = (fl, ref, letter) => fl[`${letter}axis${String(ref || letter).slice(1)}`];

// Writes ``changes`` (redraw.js's quickChanges) of the figure ``out`` into the SVG plotly.js drew:
// the heatmap's image, the line's path, each marker's place, the note's text. Everything is found
// first; if anything is missing (plotly.js drew otherwise), nothing is changed and it returns false.
function quickDraw(div, out, changes) {
  const fl = div._fullLayout, groups = traceGroups(div), writes = [];
  for (const c of changes) {
    if (c.kind === "note") {
      const text = div.querySelector(`g.annotation[data-index="${c.index}"] text.annotation-text`);
      if (!text || text.children.length) return false;
      writes.push(() => { text.textContent = c.text; });
      continue;
    }
    const t = out.data[c.trace], g = groups.get(c.trace);
    const xa = axisOf(fl, t.xaxis, "x"), ya = axisOf(fl, t.yaxis, "y");
    if (!g || !xa || !ya) return false;
    if (c.kind === "heat") {
      const image = g.querySelector("image");
      const rows = t.z.length, cols = rows ? t.z[0].length : 0;
      if (!image || !rows || !cols) return false;
      writes.push(() => {
        const canvas = document.createElement("canvas");
        canvas.width = cols;
        canvas.height = rows;
        const img = new ImageData(heatRGBA(t.z, t.colorscale, t.zmin ?? 0, t.zmax ?? 1), cols, rows);
        canvas.getContext("2d").putImageData(img, 0, 0);
        image.setAttribute("href", canvas.toDataURL());
        image.removeAttribute("xlink:href");
      });
    } else if (c.kind === "line") {
      const paths = [...g.querySelectorAll("path.js-line")];
      if (!paths.length && (t.x || []).some((v) => v !== null)) return false;  // plotly.js drew no line yet
      const d = linePath(t.x || [], t.y || [], (v) => xa.c2p(v), (v) => ya.c2p(v));
      writes.push(() => paths.forEach((p, k) => p.setAttribute("d", k === 0 ? d || "M0,0" : "M0,0")));
    } else {
      const points = g.querySelectorAll("path.point");
      if (points.length !== (t.x || []).length) return false;
      writes.push(() => points.forEach((p, k) => {
        p.setAttribute("transform", `translate(${xa.c2p(t.x[k]).toFixed(2)},${ya.c2p(t.y[k]).toFixed(2)})`);
      }));
    }
  }
  writes.forEach((w) => w());
  return true;
}

// ``st.params``: the weights the figure on screen was drawn from (tests/browser read them back).
function draw(st, Plotly, k) {
  st.shownJSON = null;
  st.params = paramsOf(st.data, st.data.frames && st.data.frames[k]);
  return render(st, Plotly, figureAt(st.data, k), k >= 0 ? null : st.data.view);
}

// Step drawn ahead: the page sends the next step's frame with the figure; a click on the page's
// Step button (``preview.selector``) draws it at once, while the server does the same Step. When
// the server's figure for that view arrives and is exactly what was drawn, it is not drawn again
// (else it is). Not confirmed within 3 s: the figure on screen before the click is drawn again.
function drawPreview(st, Plotly) {
  const plan = previewPlan(st, st.data);
  if (!plan) return;
  st.previewView = plan.view;
  st.previewJSON = plan.key;  // taken before plotly.js writes into the figure
  st.shownJSON = null;
  st.params = paramsOf(st.data, st.data.preview.frame);
  const shown = st.data;
  clearTimeout(st.revert);
  st.revert = setTimeout(() => {
    if (st.dead || st.data !== shown) return;
    st.previewView = null;
    draw(st, Plotly, -1);
  }, 3000);
  render(st, Plotly, plan.fig, plan.view);
}

function listenForPreview(st, Plotly) {
  st.onPress = (ev) => {
    // Pause: stop at once and report the frame on screen (the server's answer comes later)
    const stopOn = st.data && st.data.stop_on;
    if (st.playing && stopOn && ev.target && ev.target.closest && ev.target.closest(stopOn)) {
      // The click goes no further: the report of the frame on screen (pause: true) is the Pause the server
      // hears, one run; the button's own click would be a second run, resending every frame, for nothing.
      ev.preventDefault();
      ev.stopPropagation();
      stopPlayback(st, true, true);
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
  // The Pause button's keyboard shortcut (``stop_key``), the same: Streamlit's own handler never hears it while the
  // chart plays, so a Pause by keyboard is one run, as by a click (it was two: the button's and the report).
  st.onKey = (ev) => {
    if (!st.playing || !matchesShortcut(ev, st.data && st.data.stop_key)) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    stopPlayback(st, true, true);
  };
  window.addEventListener("keydown", st.onKey, true);
}

function attach(st, Plotly) {
  const div = st.div;
  // Clicks and taps, from pointer events: a tap sends pointer and touch events but (once plotly.js
  // has called preventDefault) no mousedown or click. Data coordinates are read at pointerdown,
  // before plotly.js handles the gesture (a quick second click is a double-click that may rescale
  // the axes). The release is a click when it is close to the press (isClick; a swipe that scrolls
  // the page ends in pointercancel instead). It is heard on the document: plotly.js covers the page
  // while a mouse button is down, so the release lands on its cover, not on the plot.
  div.addEventListener("pointerdown", (ev) => {
    st.down = null;
    if (!st.data || !st.data.click || !div._fullLayout || !ev.isPrimary) return;
    if (ev.pointerType === "mouse" && ev.button !== 0) return;
    const r = div.getBoundingClientRect();
    const sp = subplotAt(div._fullLayout, ev.clientX - r.left, ev.clientY - r.top);
    if (!sp) return;
    // the point under the pointer: a mouse's hover, what plotly_click would report (its order
    // varies by dragmode); a finger has no hover, so the marker the tap landed on
    const mouse = ev.pointerType === "mouse";
    const msg = clickEvent(sp, mouse ? div._hoverdata : null);
    const point = mouse ? null : pointNear(div._fullData, sp);
    if (point) msg.point = point;
    st.down = { id: ev.pointerId, type: ev.pointerType, x: ev.clientX, y: ev.clientY, msg };
  }, true);
  st.onRelease = (ev) => {
    const down = st.down;
    if (!down || down.id !== ev.pointerId) return;
    st.down = null;
    if (ev.type !== "pointerup" || !st.data || !st.data.click) return;
    if (!isClick(down, { x: ev.clientX, y: ev.clientY }, down.type)) return;
    st.api.setTriggerValue("click", { ...down.msg, n: ++st.n });
  };
  document.addEventListener("pointerup", st.onRelease, true);
  document.addEventListener("pointercancel", st.onRelease, true);
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
  // in and out of full screen: drawn again for the screen's size (or the page's), on the page's background
  st.onFullscreen = () => {
    const full = document.fullscreenElement === div;
    if (!full && !st.full) return;
    st.full = full;
    div.style.background = full ? "#fbfbfd" : "";
    if (st.lastFig) Promise.resolve(render(st, Plotly, st.lastFig, st.lastView, true)).catch(() => {});
  };
  document.addEventListener("fullscreenchange", st.onFullscreen);
  if (window.ResizeObserver) {
    // Redraw only a drawn, displayed plot (else plotly.js rejects the resize) whose size differs
    // from the size it was drawn at (the observer also fires once when it starts).
    // The layout itself depends on the width (stacked panels, notes that fit): at a new width the
    // figure on screen is drawn again for it (a phone turned, the sidebar opened).
    st.ro = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1].contentRect, fl = div._fullLayout;
      if (!fl || !div.isConnected || div.offsetParent === null) return;
      if (st.lastFig && relayoutOnResize(st.drawnWidth, box.width)) {
        Promise.resolve(render(st, Plotly, st.lastFig, st.lastView))
          .then(() => Plotly.Plots.resize(div)).catch(() => {});
        return;
      }
      if (!needsResize(box, fl)) return;
      Promise.resolve(Plotly.Plots.resize(div)).catch(() => {});
    });
    st.ro.observe(div);
  }
}

// ``pause``: stopped by a Pause (the page's or the stop_on click), not because the frames ran out.
function stopPlayback(st, report, pause = false) {
  if (st.timer) clearTimeout(st.timer);
  st.timer = null;
  if (st.raf) cancelAnimationFrame(st.raf);
  st.raf = null;
  if (!st.playing) return;
  st.playing = false;
  const { paused, end } = stopState(st.data.frames, st.index, pause);
  st.paused = paused;
  if (report) {
    st.api.setStateValue("frame", frameEvent({ index: st.index, view: st.shown, end, pause, n: ++st.n, t: Date.now() }));
  }
}

// The address bar names the epoch of frame ``k`` of ``d`` on screen (chart_logic's linkEpoch), at most every
// LINK_EVERY ms; replaceState: no entry in the history, and Streamlit's own writes (at every chunk, at
// Pause) still win.
function followLink(st, d, k) {
  const epoch = linkEpoch(d, k), now = performance.now();
  if (epoch == null || (st.linkedAt != null && now - st.linkedAt < LINK_EVERY)) return;
  st.linkedAt = now;
  try {
    const search = withParam(window.location.search, d.link.param, epoch);
    if (search !== window.location.search) {
      window.history.replaceState(window.history.state, "", window.location.pathname + search + window.location.hash);
    }
  } catch {
    // a page that may not change its address (a sandbox): the server's writes remain
  }
}

// Plays from frame ``start`` of the current list, one frame per 1/fps s, on whatever list is
// current when each frame is due (``data.first`` labels them); with ``data.more_at`` frames
// left it asks the page for more (a "frame" event with ``more: true``) without stopping, so the
// next frames usually arrive before the last one is drawn. When they have not (a slow server),
// it stays on the last frame, still playing, and looks again every frame interval: the frame
// after it is drawn when the longer list comes; it stops (``end``) when the page says no more
// will come (``more_at`` falsy) or after WAIT_FUSE ms (afterFrame decides).
function play(st, Plotly, start) {
  if (st.timer) clearTimeout(st.timer);
  if (st.raf) cancelAnimationFrame(st.raf);
  st.playing = true;
  st.waitFrom = null;
  st.due = null;
  // prefers-reduced-motion: a change a second at most, skipping frames (playPace says why)
  const pace = playPace(st.data.fps, matches("(prefers-reduced-motion: reduce)"));
  const run = st.run = (st.run || 0) + 1;
  const live = () => st.playing && st.run === run && !st.dead;
  st.next = (st.data.first || 0) + start;
  // after a frame is drawn (``t0``: when its drawing began), and while waiting on the last one
  const after = (t0) => {
    if (!live()) return;
    const cur = st.data, now = performance.now();
    const waited = st.waitFrom == null ? 0 : now - st.waitFrom;
    const a = afterFrame(cur, st.shown, st.askedFor, waited);
    st.index = a.index;
    if (a.more) {
      st.askedFor = cur.frames_sig;
      st.api.setStateValue("frame", frameEvent({ index: st.index, view: st.shown, end: false, more: true,
                                                 n: ++st.n, t: Date.now() }));
    }
    if (a.end) { stopPlayback(st, true); return; }
    if (a.wait) {  // nothing drawn: the frame on screen stays until the next frames come
      if (st.waitFrom == null) st.waitFrom = now;
      st.due = null;  // the clock starts again with the next frame drawn
      st.timer = setTimeout(() => after(performance.now()), frameDelay(cur.fps, 0));
      return;
    }
    st.waitFrom = null;
    const s = frameSchedule(st.due == null ? t0 : st.due, now, pace.fps);
    st.next = nextLabel(cur, st.shown, pace.stride * (1 + s.skip));  // frames whose time has passed: left out
    st.due = s.due;
    // on the screen's clock: each frame is drawn at the start of the display frame nearest its time, so
    // at 60 a second every display frame shows a new one (a timer drifts against the display and drew
    // two frames into one display frame, then none into the next: 30 distinct pictures a second)
    const tick = () => {
      st.raf = null;
      if (!live()) return;
      if (frameDue(performance.now(), st.due, pace.fps)) step();
      else st.raf = requestAnimationFrame(tick);
    };
    st.raf = requestAnimationFrame(tick);
  };
  const step = () => {
    if (!live()) return;
    const d = st.data, first = d.first || 0;
    const k = nextFrame(d, st.next);
    const t0 = performance.now();
    if (k == null) { after(t0); return; }  // the list changed and ends before st.next: never go back
    Promise.resolve(draw(st, Plotly, k)).then(() => {
      if (!live()) return;
      st.shown = first + k;  // the frame on screen, by label
      followLink(st, d, k);
      after(t0);
    });
  };
  step();
}

function update(st, Plotly) {
  const d = st.data;
  if (st.playing && st.shown != null) st.index = st.shown - (d.first || 0);  // frames may start later now
  const plan = planUpdate(st, d);
  st.playToken = d.play_token;
  st.previewView = null;  // a Step drawn ahead is confirmed (or replaced) by this figure
  clearTimeout(st.revert);
  if (plan.action === "play") {
    play(st, Plotly, plan.start);
  } else if (plan.action === "stop") {
    stopPlayback(st, true, true);  // keep the frame it paused on; the page answers with its figure
  } else if (plan.action === "hold") {
    return;  // the frame on screen stays (and the frames it belongs to, for a later resume)
  } else if (plan.action === "draw" || plan.action === "same") {
    st.params = paramsOf(d, null);
    if (plan.action === "draw") render(st, Plotly, plan.fig, d.view);
    st.shownJSON = plan.key;
  }
  st.framesSig = d.frames_sig;
}

// The chart's text alternative: screen readers read what it shows now, not its tick labels. The
// div is a named figure (role="img" would make the toolbar's buttons nested-interactive, which
// axe-core reports); the drawing's SVG layers are hidden from assistive technology.
function describe(div, alt) {
  if (alt) {
    div.setAttribute("role", "figure");
    div.setAttribute("aria-label", alt);
  } else {
    div.removeAttribute("role");
    div.removeAttribute("aria-label");
  }
  hideDrawing(div);
}

function hideDrawing(div) {
  div.querySelectorAll(".main-svg").forEach((svg) => svg.setAttribute("aria-hidden", "true"));
}

// ---------------------------------------------------------------------------------------------
// The page around the charts: every page draws a chart, so the chart component does this once per
// document (``window.__nlPage``). Tablets: Streamlit's "auto" sidebar stays open down to 769 px
// wide; collapse it once, by its own button, unless the student chose (collapseSidebar decides).
// Tried for a few seconds while the app draws its sidebar.
// ---------------------------------------------------------------------------------------------
function collapseSidebarOnTablets(tries = 40) {
  const bar = document.querySelector('[data-testid="stSidebar"]');
  const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (!bar || !button) {
    if (tries > 0) setTimeout(() => collapseSidebarOnTablets(tries - 1), 100);
    return;
  }
  let chosen;
  try {
    chosen = Object.keys(window.localStorage).some((k) => k.startsWith("stSidebarCollapsed-"));
  } catch {
    chosen = true;  // no storage: leave Streamlit's own choice alone
  }
  const expanded = bar.getAttribute("data-collapsed") !== "true" && bar.getAttribute("aria-expanded") !== "false";
  if (collapseSidebar({ width: window.innerWidth, coarse: touchScreen(), expanded, chosen })) button.click();
}

function pageOnce() {
  if (window.__nlPage) return;
  window.__nlPage = true;
  collapseSidebarOnTablets();
}

export default function (component) {
  const { parentElement, setStateValue, setTriggerValue } = component;
  const sent = component.data;  // parsed by loader.js
  if (!sent || !sent.spec) return;
  pageOnce();
  // the training samples come once per session, then by name (chart.py's share_parts)
  const parts = window.__nlParts || (window.__nlParts = new Map());
  const { spec, missing } = resolveParts(sent.spec, parts);
  if (missing) {  // not kept here (a reload of the module, say): the page sends them again
    setStateValue("missing", `${missing}@${Date.now()}`);
    return;
  }
  const data = { ...sent, spec };
  let st = parentElement.__nlChart;
  if (!st) {
    const div = document.createElement("div");
    div.className = "nl-plotly";
    div.style.width = "100%";
    // plotly.js measures its text while it draws: kept inside the chart, that layout does not involve the
    // rest of the page (its formulas, tables and widgets), a few ms less per drawing
    div.style.contain = "layout paint";
    parentElement.appendChild(div);
    st = parentElement.__nlChart = { div, gen: 0, n: 0, index: 0, playing: false };
  }
  st.data = data;
  st.api = { setStateValue, setTriggerValue };
  // the space the chart takes until its first drawing; then render() sizes the div to its figure
  // (the height is part of the figure, so a new height is a new figure, drawn again)
  if (!st.lastFig) st.div.style.height = data.height + "px";
  describe(st.div, data.alt);
  const gen = ++st.gen;
  loadPlotly(data.src).then((Plotly) => {
    if (st.dead || gen !== st.gen) return;
    update(st, Plotly);  // Plotly.react sets up div.on(...) synchronously
    hideDrawing(st.div);
    if (!st.attached) {
      st.attached = true;
      attach(st, Plotly);
      listenForPreview(st, Plotly);
      st.div.on("plotly_afterplot", () => hideDrawing(st.div));
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
    if (st.onKey) window.removeEventListener("keydown", st.onKey, true);
    if (st.onRelease) {
      document.removeEventListener("pointerup", st.onRelease, true);
      document.removeEventListener("pointercancel", st.onRelease, true);
    }
    if (st.ro) st.ro.disconnect();
    if (st.onFullscreen) document.removeEventListener("fullscreenchange", st.onFullscreen);
    // plotly.js may still be drawing (an auto-margin redraw reads div._fullLayout); purging under it
    // throws in the page. Hide the div now, purge and remove it once that drawing has finished.
    const div = st.div;
    div.style.display = "none";
    Promise.resolve(st.plotting).catch(() => {}).then(() => {
      if (window.Plotly) window.Plotly.purge(div);
      div.remove();
    });
    delete parentElement.__nlChart;
  };
}
