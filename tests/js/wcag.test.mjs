// perceptron/web/chart_logic.js for issue 20 (what a school's accessibility check found by hand): the
// toolbar's colours, Large type's larger text, notes wrapped instead of shrunk, the address bar's epoch.
//   node --test tests/js/
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  adaptFigure, fitNotes, LARGE_TEXT, largeText, linkEpoch, MIN_NOTE_SIZE, MODEBAR, narrowLayout, STACK_BELOW, STACK_GAP,
  textWidth, withParam, wrapNote,
} from "../../perceptron/web/chart_logic.js";

// WCAG 2.1's contrast ratio of two "#rrggbb" colours
const lum = (hex) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);

const figure = () => ({
  data: [
    { type: "scatter", x: [1, 2], y: [3, 4], mode: "markers+text", text: ["a", "b"], textfont: { size: 12, color: "#000000" } },
    { type: "heatmap", z: [[0, 1], [1, 0]] },
  ],
  layout: {
    height: 400, margin: { l: 50, r: 20, t: 40, b: 45 },
    title: { text: "Title", font: { size: 14 } },
    xaxis: { title: { text: "x" }, tickfont: { size: 11 } },
    annotations: [{ text: "note", x: 0, y: 1.1, xref: "paper", yref: "paper", font: { size: 15, color: "#26303d" } },
      { text: "plain", x: 0.5, y: 0.5, xref: "x", yref: "y" }],
  },
});

describe("the chart toolbar", () => {
  test("its icons reach 3:1 on its own background and on white (plotly.js's were 1.7:1)", () => {
    for (const c of [MODEBAR.color, MODEBAR.activecolor]) {
      assert.ok(ratio(c, "#ffffff") >= 3 && ratio(c, "#fbfbfd") >= 3, c);
    }
    assert.match(MODEBAR.bgcolor, /^rgba\(255, 255, 255, 0\.9\d?\)$/);
  });

  test("every figure is drawn with those colours, unless it names its own", () => {
    const out = adaptFigure(figure(), { config: {} }, { width: 900 });
    assert.deepEqual(out.layout.modebar, { ...MODEBAR });
    const own = figure();
    own.layout.modebar = { color: "#000000" };
    assert.equal(adaptFigure(own, { config: {} }, { width: 900 }).layout.modebar.color, "#000000");
  });
});

describe("Large type: every text of a chart larger", () => {
  test("each font the figure names, 1.5 times and at least 18 px; the layout's font too", () => {
    const fig = figure(), big = largeText(fig);
    assert.equal(big.layout.font.size, 18);  // plotly.js's 12 px default, which ticks and titles inherit
    assert.equal(big.layout.title.font.size, 21);
    assert.equal(big.layout.xaxis.tickfont.size, 18);  // 11 × 1.5 = 16.5: at least 18
    assert.equal(big.layout.annotations[0].font.size, 23);
    assert.equal(big.layout.annotations[0].font.color, "#26303d");
    assert.equal(big.data[0].textfont.size, 18);
    assert.deepEqual(big.data[1], fig.data[1]);  // nothing to grow: the same values
    assert.deepEqual(big.layout.margin, { l: 75, r: 20, t: 60, b: 68 });
    assert.equal(fig.layout.title.font.size, 14, "the figure itself is not changed");
  });

  test("a layout font of its own grows as the others", () => {
    const fig = figure();
    fig.layout.font = { size: 13, family: "serif" };
    assert.deepEqual(largeText(fig).layout.font, { size: 20, family: "serif" });
  });

  test("adaptFigure applies it only under Large type", () => {
    assert.equal(adaptFigure(figure(), { config: {}, large: true }, { width: 1200 }).layout.font.size, 18);
    assert.equal(adaptFigure(figure(), { config: {} }, { width: 1200 }).layout.font, undefined);
  });

  test("panels stack below a chart LARGE_TEXT.scale times as wide, with as much more room between them", () => {
    const layout = {
      height: 500, margin: { l: 50, r: 20, t: 70, b: 100 },
      xaxis: { domain: [0, 0.45] }, yaxis: {}, xaxis2: { domain: [0.55, 1] }, yaxis2: { anchor: "x2" },
    };
    const width = STACK_BELOW + 100;
    assert.equal(narrowLayout(layout, width), layout, "side by side at normal size");
    const large = adaptFigure({ data: [], layout }, { config: {}, large: true }, { width }).layout;
    assert.ok(large.height > layout.height, "stacked under Large type");
    const normal = narrowLayout(layout, STACK_BELOW - 1), grown = narrowLayout(layout, STACK_BELOW - 1, { grow: 1.5 });
    assert.ok(grown.height - normal.height >= STACK_GAP * 0.5 - 1, [normal.height, grown.height]);
  });
});

describe("notes that do not fit", () => {
  const note = (text, x = 0.5, anchor = "left") => ({ text, x, y: 0.6, xref: "paper", yref: "paper", xanchor: anchor });
  const long = "<b>Hidden units</b>: activation a over the plane (green = 1), line a = 0.5;<br>above each: its weight";

  test("wrapNote breaks lines at spaces to the width, keeping the lines it had", () => {
    const out = wrapNote(long, 18, 300);
    for (const line of out.split("<br>")) assert.ok(textWidth(line, 18) <= 300 || !line.includes(" "), line);
    assert.equal(out.replace(/<br>/g, " "), long.replace(/<br>/g, " "));
    assert.equal(wrapNote("short", 18, 300), "short");
  });

  test("at normal size a note shrinks to fit (not below MIN_NOTE_SIZE); under Large type it wraps at 18 px", () => {
    const layout = { margin: { l: 50, r: 20 }, annotations: [note(long)] };
    const small = fitNotes(layout, 700).annotations[0];
    assert.ok(small.font.size >= MIN_NOTE_SIZE && small.font.size < 12 && small.text === long, small);
    const grown = { ...layout, annotations: [{ ...note(long), font: { size: 20 } }] };  // as largeText left it
    const large = fitNotes(grown, 700, { least: LARGE_TEXT.least, wrap: true }).annotations[0];
    assert.equal(large.font.size, LARGE_TEXT.least);
    assert.ok(large.text.split("<br>").length > 2, large.text);
    const fits = { margin: { l: 50, r: 20 }, annotations: [note("short")] };
    assert.equal(fitNotes(fits, 700, { least: 18, wrap: true }), fits);
  });
});

describe("the address bar follows Play", () => {
  test("linkEpoch: the epoch a frame shows, or null", () => {
    const d = { link: { param: "epoch", epochs: [2, 4, 6] } };
    assert.equal(linkEpoch(d, 1), 4);
    assert.equal(linkEpoch(d, 3), null);
    assert.equal(linkEpoch({}, 0), null);
    assert.equal(linkEpoch(d, -1), null);
  });

  test("withParam replaces the pair where it is, or adds it, and leaves every other pair as it was", () => {
    assert.equal(withParam("?lr=0.5&epoch=3&pts=a%2Cb", "epoch", 40), "?lr=0.5&epoch=40&pts=a%2Cb");
    assert.equal(withParam("?lr=0.5", "hepoch", 7), "?lr=0.5&hepoch=7");
    assert.equal(withParam("", "epoch", 1), "?epoch=1");
    assert.equal(withParam("?hepoch=2&epoch=9", "epoch", 10), "?hepoch=2&epoch=10");
  });
});
