// perceptron/web/forward.js: the moving parts of a figure drawn from the weights, without a browser.
//   node --test tests/js/
// tests/test_forward_js.py compares the same functions with numpy and the Python they mirror.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  features, levelCurve, linspace, modelUpdate, networkParts, neuronParts, printNumber, sigmoid, sigmoidLimit, step,
} from "../../perceptron/web/forward.js";
import { figureWith } from "../../perceptron/web/chart_logic.js";

const close = (a, b, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe("numbers", () => {
  test("linspace has n points, evenly spaced, ending exactly at b", () => {
    const xs = linspace(-1.3, 2.7, 41);
    assert.equal(xs.length, 41);
    assert.equal(xs[0], -1.3);
    assert.equal(xs[40], 2.7);
    for (let i = 1; i < 41; i++) close(xs[i] - xs[i - 1], 0.1);
    assert.deepEqual(linspace(3, 5, 1), [3]);
  });

  test("σ is 1/(1+e^−z), finite for every z, and the step activation is 1 from 0 on", () => {
    close(sigmoid(0), 0.5);
    close(sigmoid(2) + sigmoid(-2), 1);
    assert.equal(sigmoid(-800), 0);
    assert.equal(sigmoid(800), 1);
    assert.deepEqual([step(-1e-300), step(0), step(3)], [0, 1, 1]);
  });

  test("printNumber follows the printing rule: 4 significant digits, m×10ᵏ outside [10⁻³, 10⁵)", () => {
    assert.equal(printNumber(0.123456), "0.1235");
    assert.equal(printNumber(-2.5), "−2.5");
    assert.equal(printNumber(0), "0");
    assert.equal(printNumber(1.5e-7), "1.5×10⁻⁷");
    assert.equal(printNumber(-6.179e-32), "−6.179×10⁻³²");
    assert.equal(printNumber(12345.6), "12346");
    assert.equal(printNumber(2.5e8), "2.5×10⁸");
    assert.equal(printNumber(0.001), "0.001");
  });

  test("the z axis holds every sample (10 % margin) in steps: at least ±6, at most ±60", () => {
    assert.equal(sigmoidLimit([]), 6);
    assert.equal(sigmoidLimit([1, -2]), 6);
    assert.equal(sigmoidLimit([5.5]), 8);  // 6.05 needed
    assert.equal(sigmoidLimit([-10, 3]), 15);  // 11 needed
    assert.equal(sigmoidLimit([500]), 60);
  });
});

describe("the feature pipeline", () => {
  test("standardizes, then applies each map to the standardized pair", () => {
    const p = { mean: [1, -1], std: [2, 4], maps: ["x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"] };
    const [a, b, ...rest] = features(p, 3, 1);
    assert.deepEqual([a, b], [1, 0.5]);
    assert.deepEqual(rest, [1, 0.25, 0.5, Math.sin(1), Math.sin(0.5)]);
    assert.throws(() => features({ mean: [0, 0], std: [1, 1], maps: ["x3"] }, 0, 0), /unknown feature map/);
  });
});

describe("the curve P = level", () => {
  // σ of a plane over a grid: its level curve 0.5 is where the interpolated value crosses 0.5
  const xs = linspace(-2, 2, 9), ys = linspace(-1, 3, 7);
  const P = ys.map((y) => xs.map((x) => sigmoid(1.5 * x - 0.7 * y + 0.3)));
  const at = (x, y) => {  // the grid's value at a point on a cell edge, interpolated linearly along it
    const j = Math.min(xs.findIndex((v) => v >= x - 1e-12), xs.length - 1);
    const i = Math.min(ys.findIndex((v) => v >= y - 1e-12), ys.length - 1);
    if (Math.abs(xs[j] - x) < 1e-12) {  // on a vertical edge
      const t = (y - ys[i - 1]) / (ys[i] - ys[i - 1]);
      return i === 0 ? P[0][j] : P[i - 1][j] + t * (P[i][j] - P[i - 1][j]);
    }
    const t = (x - xs[j - 1]) / (xs[j] - xs[j - 1]);
    return P[i][j - 1] + t * (P[i][j] - P[i][j - 1]);
  };

  test("every point lies on a cell edge where the interpolated value is the level", () => {
    const { x, y } = levelCurve(xs, ys, P, 0.5);
    assert.ok(x.length > 3);
    x.forEach((v, k) => { if (v !== null) close(at(v, y[k]), 0.5, 1e-12); });
  });

  test("one straight boundary is one polyline, without gaps, crossing the grid", () => {
    const { x } = levelCurve(xs, ys, P, 0.5);
    assert.ok(!x.includes(null));
  });

  test("two separate curves are separated by a null gap; a level nowhere crossed gives nothing", () => {
    const ring = ys.map(() => xs.map((x) => Math.abs(x) - 1));  // two vertical lines x = ±1
    const { x } = levelCurve(xs, ys, ring, 0);
    assert.equal(x.filter((v) => v === null).length, 1);
    assert.deepEqual(levelCurve(xs, ys, P, 2), { x: [], y: [] });
  });
});

const neuronModel = (over = {}) => ({
  kind: "neuron", pipeline: { mean: [0, 0], std: [1, 1], maps: [] }, bounds: [[-2, 2], [-2, 2]], res: 5,
  samples: { x1: [1, -1, 0.5], x2: [0, 1, -0.5], y: [1, 0, 1] }, step: false,
  traces: { heat: 0, boundary: 1, classes: [2, 3] }, zaxis: "xaxis2", ...over,
});

describe("the neuron's figure from (w, b)", () => {
  test("the heatmap is σ(w·φ + b) on the grid, rows along x₂", () => {
    const { updates } = neuronParts(neuronModel(), { w: [2, -1], b: 0.5 });
    const heat = updates.find((u) => u.trace === 0);
    assert.equal(heat.z.length, 5);
    close(heat.z[0][4], sigmoid(2 * 2 - 1 * -2 + 0.5));  // (x₁, x₂) = (2, −2)
    close(heat.z[4][0], sigmoid(2 * -2 - 1 * 2 + 0.5));  // (−2, 2)
  });

  test("each class's samples sit at their z on σ, with their own z in the hover", () => {
    const { updates, layout } = neuronParts(neuronModel(), { w: [2, -1], b: 0.5 });
    const one = updates.find((u) => u.trace === 3), zero = updates.find((u) => u.trace === 2);
    assert.deepEqual(one.x, [2.5, 2]);
    assert.deepEqual(zero.x, [-2.5]);
    close(one.y[0], sigmoid(2.5));
    assert.equal(zero.text[0], `z=−2.5<br>ŷ=σ(z)=${printNumber(sigmoid(-2.5))}`);
    assert.deepEqual(layout, { xaxis2: { range: [-6, 6] } });
  });

  test("far samples are drawn at the edge of the z axis; Rosenblatt's mode puts them on the step", () => {
    const { updates, layout } = neuronParts(neuronModel({ step: true }), { w: [200, 0], b: 0 });
    assert.deepEqual(layout.xaxis2.range, [-60, 60]);
    assert.deepEqual(updates.find((u) => u.trace === 3).x, [60, 60]);
    assert.deepEqual(updates.find((u) => u.trace === 3).y, [1, 1]);
    assert.match(updates.find((u) => u.trace === 2).text[0], /^z=−200<br>ŷ=step\(z\)=0$/);
    const heat = updates.find((u) => u.trace === 0).z.flat();
    assert.ok(heat.every((v) => v === 0 || v === 1) && heat.includes(0) && heat.includes(1));  // the plane: step(z)
  });

  test("a weight sent as null (the run diverged) draws gaps, not zeros", () => {
    const { updates } = modelUpdate(neuronModel(), { w: [null, 1], b: 0 });
    assert.ok(updates.find((u) => u.trace === 0).z.flat().every(Number.isNaN));
  });
});

describe("the network's figure from its weights", () => {
  const model = {
    kind: "network", pipeline: { mean: [0, 0], std: [1, 1], maps: ["x1*x2"] }, bounds: [[-1, 1], [-1, 1]],
    grids: { heat: 3, line: 4, thumb: 3, thumbLine: 4 }, traces: { heat: 0, boundary: 1, units: [3, 5] },
  };
  const p = { W1: [[1, -1], [0.5, 2], [3, 0]], b1: [0.1, -0.2], w2: [4, -3], b2: 0.25 };

  test("the output map is σ(w2·σ(φW1 + b1) + b2); each unit's map is its own σ(φW1 + b1)", () => {
    const { updates } = networkParts(model, p);
    const phi = [-1, 1, -1];  // (x₁, x₂) = (−1, 1): row 2, column 0
    const a = [0, 1].map((k) => sigmoid(phi[0] * p.W1[0][k] + phi[1] * p.W1[1][k] + phi[2] * p.W1[2][k] + p.b1[k]));
    close(updates.find((u) => u.trace === 0).z[2][0], sigmoid(a[0] * 4 + a[1] * -3 + 0.25));
    close(updates.find((u) => u.trace === 3).z[2][0], a[0]);
    close(updates.find((u) => u.trace === 4).z[2][0], a[1]);
    assert.deepEqual(updates.map((u) => u.trace).sort(), [0, 1, 3, 4, 5, 6]);
  });
});

describe("figureWith draws a figure's model", () => {
  const spec = {
    data: [{ type: "heatmap", x: [0], y: [0] }, { type: "scatter", x: [], y: [] }, { type: "scatter" },
           { type: "scatter" }, { type: "scatter", x: [0], y: [1], name: "epoch 0" }],
    layout: { xaxis2: { title: { text: "z" } } }, model: neuronModel(), params: { w: [1, 1], b: 0 },
  };

  test("from the figure's own weights, or from a frame's", () => {
    const own = figureWith({ spec }, null);
    close(own.data[0].z[0][0], sigmoid(-4));
    const later = figureWith({ spec }, { params: { w: [-1, -1], b: 0 }, data: [{ name: "epoch 1" }], traces: [4] });
    close(later.data[0].z[0][0], sigmoid(4));
    assert.equal(later.data[4].name, "epoch 1");
    assert.deepEqual(later.layout.xaxis2, { title: { text: "z" }, range: [-6, 6] });
    assert.equal(spec.data[0].z, undefined);  // the figure sent is never changed
  });
});
