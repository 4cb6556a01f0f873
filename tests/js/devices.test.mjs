// perceptron/web/chart_logic.js on phones, tablets and touch screens: taps, drag modes, the toolbar,
// the zoom's lifetime, stacked panels on narrow screens, reduced motion, the tablet sidebar.
//   node --test tests/js/
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  adaptFigure, afterFrame, CLICK_SLOP, collapseSidebar, columnsOf, dragmodeFor, frameDelay, isClick, MIN_NOTE_SIZE,
  fitNotes, legendUnderTitle, modebarButtons, narrowLayout, nextFrame, nextLabel, playPace, pointNear, relayoutOnResize, SIDEBAR_COLLAPSE_BELOW,
  STACK_BELOW, STACK_GAP, subplotsOf, textWidth, TOOLBAR_ROOM, withViewRevision, zoomable,
} from "../../perceptron/web/chart_logic.js";

// ---------------------------------------------------------------------------------------------
// Layouts shaped like the app's figures (domains, margins and paper annotations as the builders in
// perceptron/views/figures.py and netscenes.py make them)
// ---------------------------------------------------------------------------------------------
const paperNote = (text, x, y, extra = {}) => ({ text, x, y, xref: "paper", yref: "paper", yanchor: "bottom", showarrow: false, ...extra });

const descentLayout = () => ({
  height: 500, margin: { l: 50, r: 20, t: 70, b: 105 }, uirevision: "keep", showlegend: true,
  xaxis: { domain: [0, 0.36], range: [-2, 2], title: { text: "x₁" } },
  yaxis: { range: [-2, 2], title: { text: "x₂" } },
  yaxis2: { anchor: "x2", range: [-0.05, 1.05] },
  xaxis2: { domain: [0.43, 0.68], range: [-6, 6] },
  xaxis3: { domain: [0.75, 1.0], range: [0, 10] },
  yaxis3: { anchor: "x3", range: [0, 0.3] },
  legend: { orientation: "h", y: -0.17, yanchor: "top", x: 0 },
  annotations: [
    paperNote("Decision boundary", 0.18, 1.0), paperNote("Sigmoid", 0.555, 1.0), paperNote("Cost", 0.875, 1.0),
    paperNote("epoch 3 · cost 0.2 · train accuracy 90%", 0, 1.13, { xanchor: "left" }),
    { text: "w", x: 1, y: 1, ax: 0, ay: 0, xref: "x", yref: "y", axref: "x", ayref: "y" },
  ],
});

// the Hidden layer page: the boundary on the left; the cost over three thumbnails on the right
const hiddenLayout = () => {
  const thumbs = {};
  [[0.512, 0.613], [0.637, 0.738], [0.762, 0.863]].forEach((dx, j) => {
    thumbs[`xaxis${3 + j}`] = { domain: dx, anchor: `y${3 + j}`, fixedrange: true };
    thumbs[`yaxis${3 + j}`] = { domain: [0.52, 0.58], anchor: `x${3 + j}`, scaleanchor: `x${3 + j}`, fixedrange: true };
  });
  return {
    height: 640, margin: { l: 50, r: 20, t: 70, b: 100 },
    xaxis: { domain: [0, 0.43] }, yaxis: { domain: [0, 1] },
    xaxis2: { domain: [0.55, 1.0], anchor: "y2" }, yaxis2: { domain: [0.76, 1.0], anchor: "x2" },
    ...thumbs,
    annotations: [
      paperNote("epoch 0", 0, 1.1), paperNote("Output ŷ: decision boundary", 0.22, 1.0),
      paperNote("Cost per epoch", 0.76, 1.0), paperNote("Hidden units", 0.5, 0.62, { xanchor: "left" }),
      paperNote("h1: +0.52", 0.5625, 0.58),
    ],
  };
};

const note = (layout, text) => layout.annotations.find((a) => a.text === text);
const plotHeight = (layout) => layout.height - layout.margin.t - layout.margin.b;

// ---------------------------------------------------------------------------------------------
describe("taps", () => {
  test("a finger may wobble more than a mouse before a tap becomes a swipe", () => {
    const down = { x: 100, y: 100 };
    assert.ok(!isClick(down, { x: 100, y: 108 }));  // a mouse: 4 px
    assert.ok(isClick(down, { x: 100, y: 108 }, "touch"));
    assert.ok(isClick(down, { x: 106, y: 108 }, "touch"));  // 10 px
    assert.ok(!isClick(down, { x: 100, y: 111 }, "touch"));
    assert.ok(!isClick(down, { x: 100, y: 160 }, "touch"));  // a swipe
    assert.ok(isClick(down, { x: 105, y: 100 }, "pen") && !isClick(down, { x: 107, y: 100 }, "pen"));
    assert.ok(isClick(down, { x: 104, y: 100 }, "unknown") && !isClick(down, { x: 105, y: 100 }, "unknown"));
    assert.ok(Object.isFrozen(CLICK_SLOP));
  });

  // a subplot as subplotAt returns it: axes with plotly.js's c2p (here 10 px per unit, origin at 0)
  const axis = () => ({ c2p: (v) => v * 10 });
  const sp = (x, y, id = "xy") => ({ id, xa: axis(), ya: axis(), x, y });
  const traces = [
    { index: 0, type: "heatmap", visible: true, x: [0, 1], y: [0, 1] },
    { index: 1, visible: true, mode: "markers", x: [1, 5], y: [1, 5], marker: { size: 8 }, customdata: [10, 11] },
    { index: 2, visible: true, mode: "markers+text", xaxis: "x2", yaxis: "y2", x: [1], y: [1], marker: { size: 8 } },
    { index: 3, visible: "legendonly", mode: "markers", x: [3], y: [3], marker: { size: 8 } },
    { index: 4, visible: true, mode: "markers", hoverinfo: "skip", x: [3.2], y: [3], marker: { size: 8 } },
    { index: 5, visible: true, mode: "lines", x: [3, 4], y: [3, 3] },
    { index: 6, visible: true, mode: "markers", x: [7, 9], y: [7, 7], marker: { size: [4, 20] }, customdata: [[1, 2], 3] },
  ];

  test("pointNear: the nearest marker whose edge is within reach of the finger, as a click on a point reports it", () => {
    assert.deepEqual(pointNear(traces, sp(50, 50)), { curve: 1, index: 1, customdata: 11, x: 5, y: 5 });
    assert.deepEqual(pointNear(traces, sp(10 + 4 + 8, 10)), { curve: 1, index: 0, customdata: 10, x: 1, y: 1 });
    assert.equal(pointNear(traces, sp(10 + 4 + 9, 10)), null);  // 9 px from the marker's edge
    assert.equal(pointNear(traces, sp(10 + 4 + 9, 10), 9).index, 0);
  });

  test("pointNear: only visible, hoverable markers of the tapped subplot; array sizes and customdata", () => {
    assert.equal(pointNear(traces, sp(30, 30)), null);  // legendonly, hoverinfo skip, lines: none counts
    assert.equal(pointNear(traces, sp(10, 10, "x2y2")).curve, 2);
    assert.equal(pointNear([], sp(0, 0)), null);
    assert.equal(pointNear(undefined, sp(0, 0)), null);
    // between a small and a big marker: nearer the small one's centre, but nearer the big one's edge
    assert.equal(pointNear(traces, sp(78, 70)).index, 1);
    assert.deepEqual(pointNear(traces, sp(70, 70)), { curve: 6, index: 0, customdata: [1, 2], x: 7, y: 7 });
    // no customdata array: none reported; strings (dates, categories) are skipped
    assert.ok(!("customdata" in pointNear([{ index: 0, visible: true, mode: "markers", x: [0], y: [0] }], sp(0, 0))));
    assert.equal(pointNear([{ index: 0, visible: true, mode: "markers", x: ["a"], y: [0] }], sp(0, 0)), null);
  });
});

// ---------------------------------------------------------------------------------------------
describe("drag modes: selecting is an explicit tool; on touch screens a swipe scrolls", () => {
  test("dragmodeFor", () => {
    const cases = [
      // [figure's dragmode, select, coarse, drawn with]
      [undefined, false, false, undefined], [undefined, false, true, false], [undefined, true, false, "select"],
      [undefined, true, true, "select"], ["select", false, false, "zoom"], ["select", false, true, false],
      ["lasso", true, true, "lasso"], ["select", true, false, "select"], ["pan", false, false, "pan"],
      ["pan", false, true, false], ["zoom", true, false, "select"], [false, false, false, false],
    ];
    for (const [dragmode, select, coarse, want] of cases) {
      assert.equal(dragmodeFor(dragmode, { select, coarse }), want, JSON.stringify({ dragmode, select, coarse }));
    }
    assert.equal(dragmodeFor("select"), "zoom");
  });

  test("zoomable: some visible axis without fixedrange; no axes listed means plotly.js's own", () => {
    assert.ok(zoomable({}));
    assert.ok(zoomable(descentLayout()));
    assert.ok(!zoomable({ xaxis: { visible: false }, yaxis: { fixedrange: true } }));
    assert.ok(zoomable({ xaxis: { visible: false }, yaxis: {} }));
  });

  test("the toolbar: download; reset axes only where a mouse drag zooms; box and lasso while selecting", () => {
    assert.deepEqual(modebarButtons(descentLayout()), [["toImage", "resetScale2d"]]);
    assert.deepEqual(modebarButtons(descentLayout(), { coarse: true }), [["toImage"]]);
    assert.deepEqual(modebarButtons({ ...descentLayout(), dragmode: false }), [["toImage"]]);
    assert.deepEqual(modebarButtons({ xaxis: { visible: false, fixedrange: true }, yaxis: { visible: false } }),
      [["toImage"]]);
    assert.deepEqual(modebarButtons(descentLayout(), { select: true }), [["toImage", "select2d", "lasso2d"]]);
    assert.deepEqual(modebarButtons(descentLayout(), { select: true, coarse: true }), [["toImage", "select2d", "lasso2d"]]);
  });
});

// ---------------------------------------------------------------------------------------------
describe("a zoom lasts as long as the view", () => {
  test("every axis (x and y at least) gets a uirevision named by the view", () => {
    const out = withViewRevision(descentLayout(), 7);
    for (const k of ["xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3"]) assert.equal(out[k].uirevision, "view 7");
    assert.equal(out.uirevision, "keep");  // legend clicks still kept
    assert.deepEqual(out.xaxis.range, [-2, 2]);
    assert.notEqual(withViewRevision({}, 7).xaxis.uirevision, withViewRevision({}, 8).xaxis.uirevision);
    assert.deepEqual(withViewRevision({}, 0), { xaxis: { uirevision: "view 0" }, yaxis: { uirevision: "view 0" } });
  });

  test("no view: the figure's own rule; the layout given is never changed", () => {
    const layout = descentLayout();
    assert.equal(withViewRevision(layout, null), layout);
    assert.equal(withViewRevision(layout, undefined), layout);
    withViewRevision(layout, 3);
    assert.deepEqual(layout, descentLayout());
  });
});

// ---------------------------------------------------------------------------------------------
describe("narrow screens: stacked panels", () => {
  test("the subplots and their columns", () => {
    const subs = subplotsOf(descentLayout());
    assert.deepEqual(subs.map((s) => [s.x, s.y]), [["xaxis", "yaxis"], ["xaxis2", "yaxis2"], ["xaxis3", "yaxis3"]]);
    assert.deepEqual(subs[0].yd, [0, 1]);
    assert.equal(columnsOf(subs).length, 3);
    const cols = columnsOf(subplotsOf(hiddenLayout()));
    assert.deepEqual(cols.map((c) => c.subs.length), [1, 4]);  // the boundary | the cost over the thumbnails
    assert.deepEqual([cols[1].x0, cols[1].x1, cols[1].y0, cols[1].y1], [0.512, 1, 0.52, 1]);
    assert.equal(columnsOf(subplotsOf({ xaxis: {}, yaxis: {} })).length, 1);
    assert.deepEqual(subplotsOf({ xaxis: { anchor: "free" } }), [{ x: "xaxis", y: "yaxis", xd: [0, 1], yd: [0, 1] }]);
  });

  test(`${STACK_BELOW} px and wider: the layout as it is`, () => {
    const layout = descentLayout();
    assert.equal(narrowLayout(layout, STACK_BELOW), layout);
    assert.equal(narrowLayout(layout, 1200), layout);
    assert.equal(narrowLayout(layout, 0), layout);  // not laid out yet
  });

  test("narrower, one panel: the same plot area, with a row above for the toolbar", () => {
    const layout = {
      height: 480, margin: { l: 50, r: 20, t: 78, b: 45 },
      title: { text: "w is perpendicular", x: 0.02, xref: "container", y: 0.99, yref: "container", yanchor: "top" },
    };
    const out = narrowLayout(layout, 358);
    assert.equal(out.height, 480 + TOOLBAR_ROOM);
    assert.equal(out.margin.t, 78 + TOOLBAR_ROOM);
    assert.equal(plotHeight(out), plotHeight(layout));
    // the title keeps its place under the toolbar's row: (1 - y) * height grows by TOOLBAR_ROOM px
    assert.ok(Math.abs((1 - out.title.y) * out.height - ((1 - 0.99) * 480 + TOOLBAR_ROOM)) < 0.1);
    assert.deepEqual(layout.margin, { l: 50, r: 20, t: 78, b: 45 });  // not changed
  });

  test("a wrapped title and a legend above the plot: the legend goes under the title", () => {
    const layout = {
      height: 480, margin: { l: 50, r: 20, t: 78, b: 45 }, legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 },
      title: { text: "Cost over (w1, w2):<br>a slice through the current<br>weights", x: 0.02, xref: "container",
               y: 0.99, yref: "container", yanchor: "top", pad: { t: 14 }, font: { size: 14 } },
    };
    for (const width of [358, 900]) {  // on a phone (under the toolbar's row) and wide
      const out = adaptFigure({ data: [], layout }, { view: null }, { width }).layout;
      assert.equal(out.legend.yref, "container");
      assert.equal(out.legend.yanchor, "top");
      // its top (px from the chart's top) under the title's three lines of 14 px
      const titleTop = (1 - out.title.y) * out.height, legendTop = (1 - out.legend.y) * out.height;
      assert.ok(legendTop >= titleTop + 3 * 14 * 1.2, JSON.stringify({ width, titleTop, legendTop }));
      assert.ok(titleTop >= (width < STACK_BELOW ? TOOLBAR_ROOM : 0));
    }
    assert.deepEqual(layout.legend, { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 });  // not changed
    // no title, an empty one, a legend below the plot or already in container coordinates: as it is
    for (const other of [{ title: undefined }, { title: { ...layout.title, text: "" } },
      { legend: { y: -0.2, yanchor: "top" } }, { legend: { yref: "container", y: 0.9 } }]) {
      const l = { ...layout, ...other };
      assert.equal(legendUnderTitle(l), l);
    }
  });

  test("the Gradient descent figure on a phone: three panels across the whole width, one under the other", () => {
    const layout = descentLayout(), width = 358;
    const out = narrowLayout(layout, width);
    const plotW = width - 50 - 20, oldH = plotHeight(layout), newH = plotHeight(out);
    // each panel: the whole width, at most as tall as wide (288 px: at least 250 px each way)
    const panels = [["xaxis", "yaxis"], ["xaxis2", "yaxis2"], ["xaxis3", "yaxis3"]].map(([x, y]) => ({
      w: (out[x].domain[1] - out[x].domain[0]) * plotW, h: (out[y].domain[1] - out[y].domain[0]) * newH, y: out[y].domain,
    }));
    for (const p of panels) {
      assert.ok(Math.abs(p.w - plotW) < 0.5);
      assert.ok(Math.abs(p.h - Math.min(plotW, oldH)) < 0.5, JSON.stringify(p));
      assert.ok(p.w >= 250 && p.h >= 250);
    }
    // top to bottom in the order left to right, STACK_GAP px apart, filling the plot area
    assert.ok(Math.abs(panels[0].y[1] - 1) < 1e-3 && Math.abs(panels[2].y[0]) < 1e-3);
    for (const i of [0, 1]) assert.ok(Math.abs((panels[i].y[0] - panels[i + 1].y[1]) * newH - STACK_GAP) < 0.5);
    assert.equal(out.height, Math.round(3 * 288 + 2 * STACK_GAP + 70 + TOOLBAR_ROOM + 105));
    // each title over its own panel, centred; the epoch line and the legend as far from the plot area
    // (in px) as before
    for (const [title, p] of [["Decision boundary", 0], ["Sigmoid", 1], ["Cost", 2]]) {
      assert.ok(Math.abs(note(out, title).x - 0.5) < 1e-3, title);
      assert.ok(Math.abs(note(out, title).y - panels[p].y[1]) < 1e-3, title);
    }
    const epoch = note(out, "epoch 3 · cost 0.2 · train accuracy 90%");
    assert.ok(Math.abs((epoch.y - 1) * newH - 0.13 * oldH) < 0.1 && epoch.x === 0);
    assert.ok(Math.abs(out.legend.y * newH - -0.17 * oldH) < 0.1);
    // each axis on its own panel's edge (plotly.js puts an axis without an anchor on the first's)
    assert.deepEqual(["xaxis", "xaxis2", "xaxis3"].map((k) => out[k].anchor), ["y", "y2", "y3"]);
    assert.deepEqual(["yaxis", "yaxis2", "yaxis3"].map((k) => out[k].anchor), ["x", "x2", "x3"]);
    // the toolbar's row above it all; data-anchored annotations stay on their axes
    assert.equal(out.margin.t, 70 + TOOLBAR_ROOM);
    assert.deepEqual(out.annotations[4], layout.annotations[4]);
    assert.deepEqual(layout, descentLayout());  // not changed
  });

  test("the Hidden layer figure: the boundary first; the cost and the thumbnails keep their height", () => {
    const layout = hiddenLayout(), width = 358;
    const out = narrowLayout(layout, width);
    const oldH = plotHeight(layout), newH = plotHeight(out), plotW = width - 70;
    const boundary = (out.yaxis.domain[1] - out.yaxis.domain[0]) * newH;
    assert.ok(Math.abs(boundary - plotW) < 0.5);  // as tall as wide
    const right = (out.yaxis2.domain[1] - out.yaxis3.domain[0]) * newH;
    assert.ok(Math.abs(right - (1 - 0.52) * oldH) < 0.5);  // its own height
    assert.ok(out.yaxis.domain[0] > out.yaxis2.domain[1]);  // the boundary on top
    // the thumbnails across the width: each about twice as wide as before
    const thumb = (out.xaxis3.domain[1] - out.xaxis3.domain[0]) * plotW;
    assert.ok(thumb > 1.9 * (0.613 - 0.512) * plotW);
    assert.equal(out.xaxis3.domain[0], 0);
    // a note in the gap between the columns goes with the nearer column; a thumbnail's label with it
    assert.ok(Math.abs(note(out, "Hidden units").x - (0.5 - 0.512) / 0.488) < 1e-3);
    const label = note(out, "h1: +0.52");
    assert.ok(Math.abs(label.y - out.yaxis3.domain[1]) < 1e-3);
    assert.ok(label.x > out.xaxis3.domain[0] && label.x < out.xaxis3.domain[1]);
    assert.ok(Math.abs(note(out, "Cost per epoch").y - out.yaxis2.domain[1]) < 1e-3);
  });

  test("a note too wide for the chart gets a smaller font, never below MIN_NOTE_SIZE px", () => {
    assert.equal(textWidth("<b>ab</b>c<br>a&amp;cd", 10), 4 * 10 * 0.55);
    assert.equal(textWidth("", 10), 0);
    const long = "x".repeat(45);
    const layout = {
      height: 400, margin: { l: 50, r: 20, t: 40, b: 40 }, font: { size: 13 },
      annotations: [
        paperNote(long, 0, 1.05, { xanchor: "left" }), paperNote("short", 0, 1.05, { xanchor: "left" }),
        paperNote(long, 0.5, 1.0, { font: { size: 20, color: "red" } }), paperNote("x".repeat(500), 0, 1.1),
        { text: long, x: 1, y: 1, xref: "x", yref: "y" }, paperNote(long, 1, 0.5, { xanchor: "right" }),
      ],
    };
    const [left, short, centred, huge, onAxis, right] = fitNotes(layout, 358).annotations;
    // from the plot's left edge to the chart's right: 308 px; 45 characters at 13 px want 322 px
    assert.equal(left.font.size, Math.floor((13 * 308) / textWidth(long, 13)));
    assert.ok(textWidth(left.text, left.font.size) <= 308);
    assert.deepEqual(short, layout.annotations[1]);
    assert.equal(centred.font.color, "red");
    assert.ok(textWidth(centred.text, centred.font.size) <= 2 * (308 - 144) && centred.font.size >= MIN_NOTE_SIZE);
    assert.equal(huge.font.size, MIN_NOTE_SIZE);
    assert.deepEqual(onAxis, layout.annotations[4]);
    assert.deepEqual(right, layout.annotations[5]);  // 322 px fit left of x = 1 (338 px)
    const fits = { ...layout, annotations: layout.annotations.slice(0, 3) };
    assert.equal(fitNotes(fits, 2000), fits);  // all fit: the same layout
    assert.equal(fitNotes(layout, 0), layout);
    assert.equal(fitNotes({ height: 10 }, 300).annotations, undefined);
  });

  test("adaptFigure fits the notes at every width (the Hidden layer's explanation on a tablet)", () => {
    const layout = hiddenLayout();
    layout.annotations[3].text = "<b>Hidden units</b>: activation a over the plane (green = 1), line a = 0.5;<br>above";
    layout.annotations[3].font = { size: 13 };
    const at = (width) => adaptFigure({ data: [], layout }, { view: null }, { width }).layout;
    assert.equal(at(1400).annotations[3].font.size, 13);
    assert.ok(at(788).annotations[3].font.size < 13);
    assert.ok(at(358).annotations[3].font.size >= MIN_NOTE_SIZE);
  });

  test("square thumbnails at a column's bottom leave no empty band under them", () => {
    const layout = hiddenLayout(), width = 358, plotW = 288;
    for (const j of [3, 4, 5]) {
      layout[`xaxis${j}`] = { ...layout[`xaxis${j}`], range: [-2, 2] };
      layout[`yaxis${j}`] = { ...layout[`yaxis${j}`], domain: [0.06, 0.58], range: [-2, 2], constraintoward: "top" };
    }
    const out = narrowLayout(layout, width), oldH = plotHeight(layout), newH = plotHeight(out);
    const thumbW = (out.xaxis3.domain[1] - out.xaxis3.domain[0]) * plotW;
    const thumbH = (out.yaxis3.domain[1] - out.yaxis3.domain[0]) * newH;
    assert.ok(Math.abs(thumbH - thumbW) < 1, JSON.stringify({ thumbW, thumbH }));  // square, nothing under it
    // the thumbnails' tops as far below the cost panel's top as before (in px)
    assert.ok(Math.abs((out.yaxis2.domain[1] - out.yaxis3.domain[1]) * newH - (1 - 0.58) * oldH) < 0.5);
    // the cost panel keeps its height; the column is shorter than before by the band
    assert.ok(Math.abs((out.yaxis2.domain[1] - out.yaxis2.domain[0]) * newH - 0.24 * oldH) < 0.5);
    assert.ok(Math.abs(out.yaxis3.domain[0]) < 1e-3);
    // without both ranges, or not pushed to the top, the column keeps its height
    layout.yaxis5 = { ...layout.yaxis5, constraintoward: "middle" };
    assert.ok(plotHeight(narrowLayout(layout, width)) > newH + 100);
  });

  test("a layout without a margin or height: plotly.js's defaults", () => {
    const out = narrowLayout({ xaxis: { domain: [0, 0.45] }, xaxis2: { domain: [0.55, 1] } }, 300);
    assert.equal(out.margin.t, 100 + TOOLBAR_ROOM);
    assert.ok(out.height > 450);
    assert.deepEqual(out.xaxis2.domain, [0, 1]);
    assert.deepEqual(out.yaxis.domain[1], 1);
  });

  test("relayoutOnResize: a new width, not a fraction of a pixel, not an element not laid out", () => {
    assert.ok(relayoutOnResize(358, 400));
    assert.ok(relayoutOnResize(800, 600));  // into a narrow width
    assert.ok(relayoutOnResize(600, 800));  // out of it
    assert.ok(relayoutOnResize(800, 1000));
    assert.ok(!relayoutOnResize(358, 358.3));
    assert.ok(relayoutOnResize(undefined, 300));
    assert.ok(!relayoutOnResize(358, 0));
  });
});

// ---------------------------------------------------------------------------------------------
describe("adaptFigure: what a chart draws", () => {
  const d = (over = {}) => ({ config: { displaylogo: false }, select: false, view: 4, ...over });
  const fig = () => ({ data: [{ type: "scatter", x: [0], y: [0] }], layout: { ...descentLayout(), dragmode: "select" } });

  test("a mouse, a wide chart: zoom by dragging, reset axes in the toolbar, the view names the zoom", () => {
    const out = adaptFigure(fig(), d(), { width: 900, coarse: false });
    assert.equal(out.layout.dragmode, "zoom");
    assert.deepEqual(out.config, { displaylogo: false, modeBarButtons: [["toImage", "resetScale2d"]] });
    assert.equal(out.layout.xaxis.uirevision, "view 4");
    assert.equal(out.layout.height, 500);
  });

  test("a phone: no drag mode, download only, stacked; the figure given is not changed", () => {
    const f = fig();
    const out = adaptFigure(f, d(), { width: 358, coarse: true });
    assert.equal(out.layout.dragmode, false);
    assert.deepEqual(out.config.modeBarButtons, [["toImage"]]);
    assert.ok(out.layout.height > 1000);
    assert.equal(out.data, f.data);
    assert.deepEqual(f, fig());
  });

  test("selecting: box select (lasso from the toolbar) on every screen; a page's own toolbar wins", () => {
    const out = adaptFigure(fig(), d({ select: true }), { width: 358, coarse: true });
    assert.equal(out.layout.dragmode, "select");
    assert.deepEqual(out.config.modeBarButtons, [["toImage", "select2d", "lasso2d"]]);
    const own = adaptFigure(fig(), d({ config: { modeBarButtons: [["toImage"]] } }), { width: 900 });
    assert.deepEqual(own.config.modeBarButtons, [["toImage"]]);
  });

  test("the view may be given (a Step drawn ahead, playback frames without one)", () => {
    assert.equal(adaptFigure(fig(), d(), { width: 900 }, 5).layout.xaxis.uirevision, "view 5");
    assert.equal(adaptFigure(fig(), d(), { width: 900 }, null).layout.xaxis.uirevision, undefined);
  });
});

// ---------------------------------------------------------------------------------------------
describe("prefers-reduced-motion", () => {
  test("playPace: normal playback draws every frame at fps; reduced, one change a second, skipping ahead", () => {
    assert.deepEqual(playPace(20, false), { fps: 20, stride: 1 });
    assert.deepEqual(playPace(20, true), { fps: 1, stride: 20 });
    assert.deepEqual(playPace(0.5, true), { fps: 0.5, stride: 1 });
    assert.deepEqual(playPace(undefined, true), { fps: 1, stride: 15 });
    assert.ok(frameDelay(playPace(20, true).fps, 0) >= 1000);
  });

  test("nextLabel: stride frames on, never past a list's last frame", () => {
    const cur = { first: 1, frames: new Array(45).fill({}) };  // labels 1..45
    assert.equal(nextLabel(cur, 1), 2);
    assert.equal(nextLabel(cur, 1, 20), 21);
    assert.equal(nextLabel(cur, 41, 20), 45);
    assert.equal(nextLabel(cur, 45, 20), 46);  // after the last: the next list's first
    assert.equal(nextLabel(cur, 3, 0), 4);
  });

  // Playback as chart.js runs it: draw the frame for ``next``, then afterFrame decides.
  function playLabels(cur, pace, start = 0) {
    const shown = [];
    let next = (cur.first || 0) + start;
    for (let guard = 0; guard < 1000; guard++) {
      const k = nextFrame(cur, next);
      if (k == null) break;
      const label = (cur.first || 0) + k;
      shown.push(label);
      const a = afterFrame(cur, label, null);
      if (a.end || a.wait) break;
      next = nextLabel(cur, label, pace.stride);
    }
    return shown;
  }

  test("a list of 45 frames: all of them normally; with reduced motion one a second, ending on the last", () => {
    const cur = { first: 1, frames: new Array(45).fill({}), more_at: 0 };
    assert.equal(playLabels(cur, playPace(20, false)).length, 45);
    assert.deepEqual(playLabels(cur, playPace(20, true)), [1, 21, 41, 45]);
  });

  test("reduced motion still asks for more frames in time: the request comes within more_at frames of the end", () => {
    const cur = { first: 1, frames: new Array(45).fill({}), more_at: 30, frames_sig: "a" };
    const asked = [1, 21].map((label) => afterFrame(cur, label, null).more);
    assert.deepEqual(asked, [false, true]);
  });
});

// ---------------------------------------------------------------------------------------------
describe("the sidebar on tablets", () => {
  test("collapsed once on a touch screen narrower than 1024 px, unless the student chose", () => {
    const base = { width: 820, coarse: true, expanded: true, chosen: false };
    assert.ok(collapseSidebar(base));
    assert.ok(!collapseSidebar({ ...base, chosen: true }));
    assert.ok(!collapseSidebar({ ...base, expanded: false }));
    assert.ok(!collapseSidebar({ ...base, coarse: false }));  // a desktop window that narrow keeps it
    assert.ok(!collapseSidebar({ ...base, width: SIDEBAR_COLLAPSE_BELOW }));
    assert.ok(collapseSidebar({ ...base, width: SIDEBAR_COLLAPSE_BELOW - 1 }));
    assert.ok(!collapseSidebar({ ...base, width: 0 }));
  });
});
