// Forward propagation in the browser: the parts of a training figure that move with the epoch,
// computed from the model's weights. The server (Python, the one source of truth) trains and sends
// the weights of each epoch, a few floats; the chart draws from them here the σ-heatmap over the
// plane (through the same feature maps), the curve ŷ = 0.5, every sample at its z on the sigmoid,
// and for a hidden layer each unit's map and its line a = 0.5. A Step or a Play frame is then
// drawn without waiting for the server's figure.
//
// Each function mirrors the Python that it stands in for (named beside it), operation by
// operation, so the values agree with numpy to rounding (tests/browser/test_drawn_from_weights.py
// checks 1e-9 in the page; tests/js/forward.test.mjs checks the pieces). Pure: no DOM, no
// plotly.js; chart_logic.js calls modelUpdate() when it builds a figure.

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------
// numpy.linspace(a, b, n): a + i·step, the last point exactly b.
export function linspace(a, b, n) {
  if (n <= 1) return n === 1 ? [a] : [];
  const step = (b - a) / (n - 1);
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = a + i * step;
  out[n - 1] = b;
  return out;
}

// perceptron.engine.neuron.sigmoid: 1 / (1 + e^(−z)); e^(−z) overflows to ∞ below z = −709 and
// 1/(1 + ∞) = 0 is the right limit.
export const sigmoid = (z) => 1 / (1 + Math.exp(-z));

// perceptron.engine.neuron.step: Rosenblatt's step activation, 1 from z = 0 on.
export const step = (z) => (z >= 0 ? 1 : 0);

const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

// Python's f"{v:.{digits}g}" (trailing zeros dropped; JavaScript's toPrecision keeps them).
// v.toExponential(f) with a tie to the even digit, as Python's format rounds: a tie is a double exactly halfway
// between two printed numbers (0.125 at 2 digits), which toExponential and toFixed send up ("1.3e-1"; Python
// "0.12"). The double's exact digits (toExponential(100) holds every digit a tie can have) tell one.
function toExp(v, f) {
  const s = v.toExponential(f);
  const [m, e] = v.toExponential(100).split("e");
  const digits = m.replace("-", "").replace(".", "");
  if (digits[f + 1] !== "5" || !/^0*$/.test(digits.slice(f + 2)) || Number(digits[f]) % 2 === 1) return s;
  return `${v < 0 ? "-" : ""}${digits[0]}${f > 0 ? "." + digits.slice(1, f + 1) : ""}e${e}`;  // the even one: below
}

// Python's "{:.{digits}g}": ``digits`` significant digits, fixed or with an exponent.
function formatG(v, digits) {
  const [mant, exp] = toExp(v, digits - 1).split("e");
  const k = Number(exp);
  if (k < -4 || k >= digits) {
    const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
    return `${m}e${k < 0 ? "-" : "+"}${String(Math.abs(k)).padStart(2, "0")}`;
  }
  // the same digits written without an exponent: k + 1 of them before the point (none if k < 0)
  const sign = mant.startsWith("-") ? "-" : "", d = mant.replace("-", "").replace(".", "");
  const s = k >= 0 ? `${d.slice(0, k + 1)}${d.length > k + 1 ? "." + d.slice(k + 1) : ""}`
    : `0.${"0".repeat(-k - 1)}${d}`;
  return sign + (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
}

// The whole number nearest v, a tie to the even one, as Python's round() (Math.round sends −9999.5 to −9999).
function halfEven(v) {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// perceptron.text.worked.text: the project's printing rule, as plain text. ``digits``
// significant digits; m×10ᵏ when |v| < 10⁻³ or |v| ≥ 10⁵; a real minus sign.
export function printNumber(v, digits = 4) {
  let s;
  if (!Number.isFinite(v)) s = Number.isNaN(v) ? "NaN" : (v > 0 ? "∞" : "-∞");
  else if (v === 0) s = "0";
  else {
    const [mant, exp] = toExp(v, digits - 1).split("e");
    const k = Number(exp);
    if (-3 <= k && k < digits) s = formatG(v, digits);
    else if (digits <= k && k < 5) s = String(halfEven(v));
    else {
      const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
      s = `${m}×10${String(k).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c])}`;
    }
  }
  return s.replace(/-/g, "−");
}

// ---------------------------------------------------------------------------------------------
// The feature pipeline: perceptron.data.features.Features.transform
// ---------------------------------------------------------------------------------------------
export const MAPS = Object.freeze({
  "x1^2": (a) => a * a,
  "x2^2": (a, b) => b * b,
  "x1*x2": (a, b) => a * b,
  "sin(x1)": (a) => Math.sin(a),
  "sin(x2)": (a, b) => Math.sin(b),
});

// φ(x): (x − μ)/σ per coordinate, then each chosen map of the standardized pair.
export function features(pipeline, x1, x2) {
  const a = (x1 - pipeline.mean[0]) / pipeline.std[0];
  const b = (x2 - pipeline.mean[1]) / pipeline.std[1];
  const out = [a, b];
  for (const m of pipeline.maps || []) {
    if (!MAPS[m]) throw new Error(`unknown feature map ${m}`);
    out.push(MAPS[m](a, b));
  }
  return out;
}

// z = φ·w + b, summed in the inputs' order.
function weighted(phi, w, b) {
  let z = 0;
  for (let j = 0; j < phi.length; j++) z += phi[j] * w[j];
  return z + b;
}

// A network's output and hidden activations at φ: perceptron.engine.network._forward.
function network(phi, p) {
  const h = p.w2.length, a = new Array(h);
  let z2 = 0;
  for (let k = 0; k < h; k++) {
    let z1 = 0;
    for (let j = 0; j < phi.length; j++) z1 += phi[j] * p.W1[j][k];
    a[k] = sigmoid(z1 + p.b1[k]);
    z2 += a[k] * p.w2[k];
  }
  return { a, y: sigmoid(z2 + p.b2) };
}

// The network's output ŷ at φ (the tests compare it with perceptron.engine.network.forward).
export const networkOutput = (phi, p) => network(phi, p).y;

// Values over a res × res grid of the bounds: rows follow y, columns x (P[i][j] at (xs[j], ys[i])),
// as perceptron.views.geometry.probability_grid lays them out. ``f(φ)`` gives a number or an array.
function overGrid(pipeline, bounds, res, f) {
  const xs = linspace(bounds[0][0], bounds[0][1], res), ys = linspace(bounds[1][0], bounds[1][1], res);
  const rows = ys.map((y) => xs.map((x) => f(features(pipeline, x, y))));
  return { xs, ys, rows };
}

// ---------------------------------------------------------------------------------------------
// The curve P = level: perceptron.views.geometry.level_curve (marching squares)
// ---------------------------------------------------------------------------------------------
// Where the level crosses from corner value p to q, as a fraction of the edge (0.5 when p = q).
function cross(p, q) {
  const t = p / (p - q);
  return { t: Number.isFinite(t) ? Math.min(Math.max(t, 0), 1) : 0.5, on: (p > 0) !== (q > 0) };
}

// One segment per cell the level crosses (two in a saddle cell), chained into polylines separated
// by null gaps, ready for a plotly line trace. Cells are visited as numpy visits them: first the
// cells crossed twice, then the saddles, row by row.
export function levelCurve(xs, ys, P, level = 0.5) {
  const segments = [];
  for (const want of [2, 4]) {
    for (let i = 0; i + 1 < ys.length; i++) {
      for (let j = 0; j + 1 < xs.length; j++) {
        const a = P[i][j] - level, b = P[i][j + 1] - level, c = P[i + 1][j + 1] - level, d = P[i + 1][j] - level;
        const x0 = xs[j], x1 = xs[j + 1], y0 = ys[i], y1 = ys[i + 1];
        const ab = cross(a, b), bc = cross(b, c), dc = cross(d, c), ad = cross(a, d);
        const edges = [
          [ab.on, x0 + ab.t * (x1 - x0), y0], [bc.on, x1, y0 + bc.t * (y1 - y0)],
          [dc.on, x0 + dc.t * (x1 - x0), y1], [ad.on, x0, y0 + ad.t * (y1 - y0)],
        ].filter((e) => e[0]);
        if (edges.length !== want) continue;
        for (let s = 0; s < edges.length; s += 2) {
          segments.push([[edges[s][1], edges[s][2]], [edges[s + 1][1], edges[s + 1][2]]]);
        }
      }
    }
  }
  const x = [], y = [];
  for (const line of chain(segments)) {
    if (x.length) { x.push(null); y.push(null); }
    for (const p of line) { x.push(p[0]); y.push(p[1]); }
  }
  return { x, y };
}

// Segments sharing an end point joined into polylines (neighbouring cells compute their common
// edge's crossing from the same two corner values, so shared points are exactly equal).
function chain(segments) {
  const key = (p) => `${p[0]},${p[1]}`;
  const ends = new Map();
  segments.forEach(([a, b], i) => {
    for (const p of [a, b]) {
      if (!ends.has(key(p))) ends.set(key(p), []);
      ends.get(key(p)).push(i);
    }
  });
  const used = segments.map(() => false);
  const walk = (line) => {
    for (;;) {
      const end = line[line.length - 1];
      const next = ends.get(key(end)).find((j) => !used[j]);
      if (next === undefined) return line;
      used[next] = true;
      const [a, b] = segments[next];
      line.push(key(a) === key(end) ? b : a);
    }
  };
  const lines = [];
  segments.forEach(([a, b], i) => {
    if (used[i]) return;
    used[i] = true;
    lines.push(walk(walk([a, b]).reverse()));
  });
  return lines;
}

// ---------------------------------------------------------------------------------------------
// What moves in each figure
// ---------------------------------------------------------------------------------------------
// perceptron.views.figures.sigmoid_limit: half the z axis, the first of Z_LIMITS that holds every sample
// with a 10 % margin (±60 at most): in steps, so that it rarely changes while training.
export const Z_LIMITS = Object.freeze([6, 8, 10, 15, 20, 30, 40, 60]);
export function sigmoidLimit(z) {
  let top = 0;
  for (const v of z) top = Math.max(top, Math.abs(v));
  const need = top * 1.1;
  return Z_LIMITS.find((lim) => need <= lim) ?? Z_LIMITS[Z_LIMITS.length - 1];
}

// The neuron's figure (perceptron.views.scenes.descent_spec): the heatmap of ŷ = σ(φ·w + b), the
// curve ŷ = 0.5, and each class's samples at (z, act(z)), z clipped into the axis' range.
//   model: {kind: "neuron", pipeline: {mean, std, maps}, bounds: [[x0, x1], [y0, y1]], res,
//           samples: {x1: [...], x2: [...], y: [0|1, ...]} (the training points, raw),
//           step: bool (Rosenblatt's step activation), traces: {heat, boundary, classes: [c0, c1]},
//           zaxis: the sigmoid's z axis ("xaxis2")}
//   params: {w: [w1, ..., wd], b}
export function neuronParts(model, { w, b }) {
  const grid = overGrid(model.pipeline, model.bounds, model.res, (phi) => sigmoid(weighted(phi, w, b)));
  const s = model.samples;
  const z = s.x1.map((x, i) => weighted(features(model.pipeline, x, s.x2[i]), w, b));
  const lim = sigmoidLimit(z);
  const act = model.step ? step : sigmoid, name = model.step ? "step(z)" : "σ(z)";
  const t = model.traces;
  // Rosenblatt's rule: the plane shows its output, step(z), 0 or 1 (σ ≥ 0.5 exactly where z ≥ 0)
  const heat = model.step ? grid.rows.map((row) => row.map((p) => (p >= 0.5 ? 1 : 0))) : grid.rows;
  const updates = [
    { trace: t.heat, z: heat },
    { trace: t.boundary, ...levelCurve(grid.xs, grid.ys, grid.rows, 0.5) },
  ];
  [0, 1].forEach((label, c) => {
    const mine = z.filter((_, i) => s.y[i] === label);
    updates.push({
      trace: t.classes[c],
      x: mine.map((v) => Math.min(Math.max(v, -lim), lim)),
      y: mine.map(act),
      text: mine.map((v) => `z=${printNumber(v)}<br>ŷ=${name}=${printNumber(act(v))}`),
    });
  });
  return { updates, layout: { [model.zaxis]: { range: [-lim, lim] } } };
}

// The Hidden layer page's figure (perceptron.views.netscenes.figure_spec): the output's map and its
// curve ŷ = 0.5, each hidden unit's map a_k and its line a_k = 0.5, each on its own grid.
//   model: {kind: "network", pipeline, bounds, grids: {heat, line, thumb, thumbLine} (resolutions),
//           traces: {heat, boundary, units: [first map, first line]}}
//   params: {W1: d × h, b1: [h], w2: [h], b2}
export function networkParts(model, p) {
  const { pipeline, bounds, grids, traces } = model;
  const h = p.w2.length;
  const heat = overGrid(pipeline, bounds, grids.heat, (phi) => network(phi, p).y);
  const line = overGrid(pipeline, bounds, grids.line, (phi) => network(phi, p).y);
  const thumb = overGrid(pipeline, bounds, grids.thumb, (phi) => network(phi, p).a);
  const thumbLine = overGrid(pipeline, bounds, grids.thumbLine, (phi) => network(phi, p).a);
  const updates = [
    { trace: traces.heat, z: heat.rows },
    { trace: traces.boundary, ...levelCurve(line.xs, line.ys, line.rows, 0.5) },
  ];
  const unit = (g, k) => g.rows.map((row) => row.map((a) => a[k]));
  for (let k = 0; k < h; k++) {
    updates.push({ trace: traces.units[0] + k, z: unit(thumb, k) });
    updates.push({ trace: traces.units[1] + k, ...levelCurve(thumbLine.xs, thumbLine.ys, unit(thumbLine, k), 0.5) });
  }
  return { updates, layout: {} };
}

function nanForNull(v) {
  if (v === null) return NaN;
  if (Array.isArray(v)) return v.map(nanForNull);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nanForNull(x)]));
  return v;
}

// The moving parts of ``model`` at ``params``: {updates: [{trace, ...trace update}], layout}.
// A weight sent as null (not finite: the run diverged) is NaN here, drawn as a gap.
export function modelUpdate(model, params) {
  const p = nanForNull(params);
  if (model.kind === "neuron") return neuronParts(model, p);
  if (model.kind === "network") return networkParts(model, p);
  throw new Error(`unknown model kind ${model.kind}`);
}
