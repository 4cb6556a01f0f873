// perceptron/web/redraw.js: what the chart may redraw itself instead of calling plotly.js.
//   node --test tests/js/
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { heatRGBA, linePath, parseColor, quickChanges, zoomed } from "../../perceptron/web/redraw.js";

const SCALE = [[0, "#ff0000"], [0.5, "#ffffff"], [1, "#0000ff"]];
const figure = (over = {}) => ({
  data: [
    { type: "heatmap", z: [[0, 1], [0.5, 0.25]], zsmooth: "fast", colorscale: SCALE },
    { type: "scatter", mode: "lines", x: [0, 1], y: [0, 1] },
    { type: "scatter", mode: "markers", x: [1, 2, 3], y: [0, 0, 1], text: ["a", "b", "c"] },
    { type: "scatter", mode: "lines", x: [0, 1, 2], y: [3, 2, 1], name: "train cost" },
  ],
  layout: { annotations: [{ text: "Cost" }, { text: "epoch 3 · cost 0.1" }], xaxis: { range: [0, 10] } },
  config: { displaylogo: false },
  ...over,
});
const changed = (f, edit) => { const g = structuredClone(f); edit(g); return g; };

describe("quickChanges: what moved, or null when plotly.js must draw", () => {
  test("nothing moved: no change at all", () => {
    assert.deepEqual(quickChanges(figure(), figure()), []);
  });

  test("values of a heatmap, a line's points, markers' places, a note's text", () => {
    const next = changed(figure(), (g) => {
      g.data[0].z = [[0.1, 0.9], [0.5, 0.2]];
      g.data[1].x = [0, 0.5, null, 1];
      g.data[1].y = [0, 0.5, null, 1];
      g.data[2].x = [1.5, 2, 3];
      g.data[2].text = ["d", "e", "f"];
      g.data[3].x.push(3);
      g.data[3].y.push(0.5);
      g.layout.annotations[1].text = "epoch 4 · cost 0.09";
    });
    assert.deepEqual(quickChanges(figure(), next), [
      { kind: "heat", trace: 0 }, { kind: "line", trace: 1 }, { kind: "points", trace: 2 }, { kind: "line", trace: 3 },
      { kind: "note", index: 1, text: "epoch 4 · cost 0.09" },
    ]);
  });

  test("an axis range, a style, a number of markers, a trace more, a note with markup, the config: plotly.js", () => {
    const edits = [
      (g) => { g.layout.xaxis.range = [0, 20]; },
      (g) => { g.data[2].marker = { color: "red" }; },
      (g) => { g.data[2].x = [1, 2]; g.data[2].y = [0, 0]; },
      (g) => { g.data.push({ type: "scatter", x: [], y: [] }); },
      (g) => { g.layout.annotations[1].text = "epoch 4<br>cost"; },
      (g) => { g.layout.annotations.push({ text: "new" }); },
      (g) => { g.config = { displaylogo: true }; },
      (g) => { g.data[0].zsmooth = "best"; g.data[0].z = [[1, 1], [1, 1]]; },
    ];
    for (const edit of edits) assert.equal(quickChanges(figure(), changed(figure(), edit)), null, edit.toString());
    assert.equal(quickChanges(null, figure()), null);
  });
});

describe("a zoom", () => {
  test("an axis's view revision may change (a new view), but only where nothing is zoomed", () => {
    const next = changed(figure(), (g) => { g.layout.xaxis.uirevision = "view 4"; });
    assert.deepEqual(quickChanges(figure(), next), []);
    const full = { xaxis: { range: [0, 10] }, yaxis: { range: [-1, 1], autorange: true } };
    assert.equal(zoomed(full, figure().layout), false);
    assert.equal(zoomed({ ...full, xaxis: { range: [2, 5] } }, figure().layout), true);
    assert.equal(zoomed({ ...full, yaxis: { range: [0, 1], autorange: false } }, { yaxis: {} }), true);
    assert.equal(zoomed(full, { yaxis: {} }), false);
  });
});

describe("the heatmap's picture", () => {
  test("colours: #rrggbb, #rgb, rgb()", () => {
    assert.deepEqual(parseColor("#fbe0b8"), [251, 224, 184]);
    assert.deepEqual(parseColor("#0f0"), [0, 255, 0]);
    assert.deepEqual(parseColor("rgb(12, 34, 56)"), [12, 34, 56]);
    assert.throws(() => parseColor("teal"), /colour/);
  });

  test("each value on the colour scale, linearly between its stops, the first row at the bottom", () => {
    const px = heatRGBA([[0, 1], [0.5, 0.25], [Number.NaN, 0.75]], SCALE, 0, 1);
    const at = (row, col) => [...px.slice((row * 2 + col) * 4, (row * 2 + col) * 4 + 4)];
    assert.deepEqual(at(2, 0), [255, 0, 0, 255]);  // z[0][0] = 0: the bottom row
    assert.deepEqual(at(2, 1), [0, 0, 255, 255]);  // 1
    assert.deepEqual(at(1, 0), [255, 255, 255, 255]);  // 0.5
    assert.deepEqual(at(1, 1), [255, 128, 128, 255]);  // 0.25: halfway from red to white (127.5 rounds up)
    assert.deepEqual(at(0, 0), [0, 0, 0, 0]);  // not a number: transparent
    assert.deepEqual(at(0, 1), [128, 128, 255, 255]);
  });

  test("values outside [zmin, zmax] take the end colours", () => {
    assert.deepEqual([...heatRGBA([[-3, 7]], SCALE, 0, 1)], [255, 0, 0, 255, 0, 0, 255, 255]);
  });
});

describe("a line's path", () => {
  test("through the placed points, a null starting a new piece", () => {
    const d = linePath([0, 1, null, 2, 3], [0, 1, null, 1, 0], (x) => 10 * x, (y) => 100 - 10 * y);
    assert.equal(d, "M0.00,100.00L10.00,90.00M20.00,90.00L30.00,100.00");
    assert.equal(linePath([], [], (x) => x, (y) => y), "");
  });
});
