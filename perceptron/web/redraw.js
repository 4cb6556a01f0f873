// Redrawing only what moved: the decisions, without the DOM. A Plotly.react of the Gradient descent
// figure costs 40-60 ms (plotly.js lays out every subplot, legend and note again, whatever changed);
// a Step or a Play frame changes only the values of a few traces (the heatmap, the curve ŷ = 0.5,
// the samples on the sigmoid, the cost marker and line) and the text of a note. chart.js then writes
// those into the SVG that plotly.js drew (the heatmap's image, the line's path, each marker's place,
// the note's text) in a few ms, and lets plotly.js draw the whole figure once the chart is quiet (so
// that its hover labels read the new values). Anything else that changed (an axis range, a style, a
// trace's number of points, the width) is drawn by plotly.js at once. tests/js/redraw.test.mjs.

const isRecord = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const sameJSON = (a, b) => a === b || JSON.stringify(a) === JSON.stringify(b);

// What a trace may change and still be redrawn here: a heatmap its values, a line or markers its
// points (their hover text and name, read only on hover, follow with plotly's own drawing).
const MOVING = Object.freeze({ heatmap: ["z"], scatter: ["x", "y", "text", "name", "customdata"] });

// The changes from ``prev`` to ``next`` (figures as adaptFigure made them, with their config) that the
// chart can redraw itself, or null when plotly.js must draw ``next``:
//   {kind: "heat", trace}   a heatmap's values;
//   {kind: "line", trace}   a line's points (a scatter drawn as lines only);
//   {kind: "points", trace} markers' places (a scatter drawn as markers only, as many as before);
//   {kind: "note", index, text}  a note's plain text (no markup).
export function quickChanges(prev, next) {
  if (!prev || !next || prev.data.length !== next.data.length || !sameJSON(prev.config, next.config)) return null;
  const changes = [];
  for (let i = 0; i < next.data.length; i++) {
    const a = prev.data[i], b = next.data[i];
    if (a.type !== b.type) return null;
    const moved = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !sameJSON(a[k], b[k]));
    if (!moved.length) continue;
    const allowed = MOVING[b.type || "scatter"];
    if (!allowed || moved.some((k) => !allowed.includes(k))) return null;
    const mode = String(b.mode || "");
    if (b.type === "heatmap") {
      if (b.zsmooth !== "fast" || !Array.isArray(b.z)) return null;
      changes.push({ kind: "heat", trace: i });
    } else if (mode === "lines") {
      changes.push({ kind: "line", trace: i });
    } else if (mode === "markers" && (a.x || []).length === (b.x || []).length) {
      changes.push({ kind: "points", trace: i });
    } else {
      return null;
    }
  }
  const notes = (l) => (Array.isArray(l.annotations) ? l.annotations : []);
  // the notes without their texts, the axes without their uirevision (a new view resets a zoom: the chart
  // draws itself only where nothing is zoomed, see zoomed())
  const without = (l) => {
    const out = { ...l, annotations: notes(l).map((n) => (isRecord(n) ? { ...n, text: null } : n)) };
    for (const k of Object.keys(out)) {
      if (AXIS.test(k) && isRecord(out[k])) out[k] = { ...out[k], uirevision: null };
    }
    return out;
  };
  if (notes(prev.layout).length !== notes(next.layout).length || !sameJSON(without(prev.layout), without(next.layout))) {
    return null;
  }
  for (const [j, n] of notes(next.layout).entries()) {
    if (n.text === notes(prev.layout)[j].text) continue;
    if (typeof n.text !== "string" || /[<>&]/.test(n.text)) return null;  // markup: plotly.js's own drawing
    changes.push({ kind: "note", index: j, text: n.text });
  }
  return changes;
}

const AXIS = /^[xy]axis\d*$/;

// Whether the student zoomed or panned an axis of ``layout`` (the figure asked for) in the chart drawn
// (``full``: plotly.js's _fullLayout): an axis whose range differs from the figure's, or that the figure
// leaves to autorange and plotly.js no longer autoranges.
export function zoomed(full, layout) {
  for (const [k, axis] of Object.entries(layout || {})) {
    if (!AXIS.test(k) || !isRecord(axis) || !full[k]) continue;
    const shown = full[k].range || [];
    if (Array.isArray(axis.range)) {
      const span = Math.abs(axis.range[1] - axis.range[0]) || 1;
      if (axis.range.some((v, i) => Math.abs(v - shown[i]) > 1e-9 * span)) return true;
    } else if (full[k].autorange === false) {
      return true;
    }
  }
  return false;
}

// A colour as [r, g, b]: "#rrggbb", "#rgb" or "rgb(r, g, b)".
export function parseColor(c) {
  const s = String(c).trim();
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map((k) => parseInt(m[1].slice(k, k + 2), 16));
  m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [...m[1]].map((h) => parseInt(h + h, 16));
  m = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/i.exec(s);
  if (m) return [1, 2, 3].map((k) => Number(m[k]));
  throw new Error(`colour ${c}`);
}

// The heatmap's picture as RGBA pixels, one per value, the first row of z at the bottom (as plotly.js
// draws a heatmap whose y rises): each value mapped on the colour scale, linearly in RGB between its
// stops; a value that is not a number is transparent.
export function heatRGBA(z, colorscale, zmin = 0, zmax = 1) {
  const rows = z.length, cols = rows ? z[0].length : 0;
  const stops = colorscale.map(([s, c]) => [Number(s), parseColor(c)]);
  const out = new Uint8ClampedArray(rows * cols * 4);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = z[i][j], at = ((rows - 1 - i) * cols + j) * 4;
      if (typeof v !== "number" || !Number.isFinite(v)) continue;
      const t = Math.min(Math.max((v - zmin) / (zmax - zmin || 1), 0), 1);
      let k = 1;
      while (k < stops.length - 1 && stops[k][0] < t) k++;
      const [s0, c0] = stops[k - 1], [s1, c1] = stops[k];
      const f = s1 > s0 ? (t - s0) / (s1 - s0) : 0;
      for (let ch = 0; ch < 3; ch++) out[at + ch] = Math.round(c0[ch] + f * (c1[ch] - c0[ch]));
      out[at + 3] = 255;
    }
  }
  return out;
}

// An SVG path through the points (x[k], y[k]) placed by ``px``/``py`` (data → pixels); a null breaks
// the line (a new "M"). Empty: "M0,0" (plotly.js's own path for a line without points draws nothing).
export function linePath(x, y, px, py) {
  let d = "", move = true;
  for (let k = 0; k < x.length; k++) {
    if (x[k] === null || y[k] === null || x[k] === undefined || y[k] === undefined) { move = true; continue; }
    d += `${move ? "M" : "L"}${px(x[k]).toFixed(2)},${py(y[k]).toFixed(2)}`;
    move = false;
  }
  return d;
}
