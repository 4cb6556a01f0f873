// perceptron/web/chart_logic.js: the chart component's decisions, without a browser.
//   node --test tests/js/
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  afterFrame, clickEvent, figureAt, matchesShortcut, figureKey, figureWith, frameDelay, frameEvent, frameSchedule, frameDue, MAX_SKIP, resolveParts, frameIndex, isClick, merge,
  needsResize, nextFrame, planUpdate, pointInfo, previewPlan, resumeFrom, stopState, subplotAt, WAIT_FUSE,
} from "../../perceptron/web/chart_logic.js";

const spec = () => ({
  data: [
    { type: "scatter", x: [0, 1], y: [0, 1], marker: { color: "red", size: 4 } },
    { type: "heatmap", z: [[1, 2], [3, 4]] },
  ],
  layout: { title: { text: "epoch 0" }, xaxis: { range: [0, 1] }, height: 300 },
});

// The data a rerun sends (what chart.py's chart_data builds), with a few frames.
const chartData = (over = {}) => ({
  spec: spec(),
  frames: [0, 1, 2, 3, 4].map((k) => ({ data: [{ y: [0, k] }], layout: { title: { text: `epoch ${k}` } } })),
  frames_sig: "sig-a",
  first: 0,
  fps: 15,
  more_at: 0,
  playing: false,
  play_token: 0,
  config: { displaylogo: false },
  view: 0,
  preview: null,
  ...over,
});

// A chart's state in the browser as chart.js keeps it (only what the decisions read).
const chartState = (over = {}) => ({
  playing: false, paused: false, index: 0, framesSig: "sig-a", playToken: 0,
  previewView: null, previewJSON: null, shownJSON: null, ...over,
});

describe("merge", () => {
  test("merges objects deeply; lists and values replace", () => {
    const a = { marker: { color: "red", size: 4 }, x: [1, 2, 3], name: "a" };
    const b = { marker: { size: 9 }, x: [7], name: null };
    assert.deepEqual(merge(a, b), { marker: { color: "red", size: 9 }, x: [7], name: null });
  });

  test("keeps the keys' places and puts new keys last", () => {
    const out = merge({ a: 1, b: { c: 1, d: 2 }, e: 3 }, { z: 0, b: { z: 1, c: 5 }, a: 2 });
    assert.equal(JSON.stringify(out), '{"a":2,"b":{"c":5,"d":2,"z":1},"e":3,"z":0}');
  });

  test("a non-object on either side is replaced by the update", () => {
    assert.deepEqual(merge([1, 2], { a: 1 }), { a: 1 });
    assert.deepEqual(merge({ a: 1 }, [3]), [3]);
    assert.equal(merge(undefined, 5), 5);
    assert.equal(merge({ a: 1 }, null), null);
  });

  test("changes neither side", () => {
    const a = { m: { c: 1 } }, b = { m: { d: 2 } };
    merge(a, b);
    assert.deepEqual(a, { m: { c: 1 } });
    assert.deepEqual(b, { m: { d: 2 } });
  });
});

describe("figureWith", () => {
  test("merges the j-th update into the j-th trace and the layout into the layout", () => {
    const fig = figureWith({ spec: spec() }, { data: [{ y: [5, 6], marker: { size: 8 } }], layout: { xaxis: { title: { text: "x" } } } });
    assert.deepEqual(fig.data[0], { type: "scatter", x: [0, 1], y: [5, 6], marker: { color: "red", size: 8 } });
    assert.deepEqual(fig.data[1], spec().data[1]);
    assert.deepEqual(fig.layout.xaxis, { range: [0, 1], title: { text: "x" } });
    assert.deepEqual(fig.layout.title, { text: "epoch 0" });
  });

  test("`traces` names the traces the updates are for", () => {
    const fig = figureWith({ spec: spec() }, { data: [{ z: [[0]] }], traces: [1] });
    assert.deepEqual(fig.data[1].z, [[0]]);
    assert.deepEqual(fig.data[0], spec().data[0]);
  });

  test("an update for a trace past the end is appended", () => {
    const extra = { type: "scatter", x: [9], y: [9] };
    assert.deepEqual(figureWith({ spec: spec() }, { data: [{}, {}, extra] }).data[2], extra);
    assert.deepEqual(figureWith({ spec: spec() }, { data: [extra], traces: [5] }).data[2], extra);
  });

  test("`extend` appends points to a trace's x and y", () => {
    const fig = figureWith({ spec: spec() }, { extend: [{ trace: 0, x: [2, 3], y: [4, 9] }] });
    assert.deepEqual([fig.data[0].x, fig.data[0].y], [[0, 1, 2, 3], [0, 1, 4, 9]]);
    assert.deepEqual(fig.data[0].marker, spec().data[0].marker);
  });

  test("`extend` starts missing x/y and ignores a trace that does not exist", () => {
    const fig = figureWith({ spec: { data: [{ type: "scatter" }], layout: {} } },
      { extend: [{ trace: 0, y: [1] }, { trace: 3, x: [1], y: [1] }] });
    assert.deepEqual(fig.data, [{ type: "scatter", x: [], y: [1] }]);
  });

  test("updates apply before extend, so a frame can replace and then extend a trace", () => {
    const fig = figureWith({ spec: spec() }, { data: [{ x: [5], y: [5] }], extend: [{ trace: 0, x: [6], y: [6] }] });
    assert.deepEqual([fig.data[0].x, fig.data[0].y], [[5, 6], [5, 6]]);
  });

  test("no frame: a copy of the base figure; a missing layout is empty", () => {
    assert.deepEqual(figureWith({ spec: spec() }, undefined), spec());
    assert.deepEqual(figureWith({ spec: spec() }, null), spec());
    assert.deepEqual(figureWith({ spec: { data: [] } }, { layout: { height: 2 } }), { data: [], layout: { height: 2 } });
  });

  test("never changes the base figure (plotly.js writes into what it draws)", () => {
    const d = chartData();
    const fig = figureWith(d, { data: [{ marker: { size: 1 } }], extend: [{ trace: 0, x: [2], y: [2] }], layout: { title: { text: "t" } } });
    fig.layout.xaxis.range[0] = -5;
    fig.data[1].type = "contour";
    assert.deepEqual(d.spec, spec());
  });

  test("figureAt draws frame k over the base figure; -1 is the base figure", () => {
    const d = chartData();
    assert.deepEqual(figureAt(d, 3).data[0].y, [0, 3]);
    assert.equal(figureAt(d, 3).layout.title.text, "epoch 3");
    assert.deepEqual(figureAt(d, -1), spec());
    assert.deepEqual(figureAt(chartData({ frames: undefined }), 0), spec());
  });
});

describe("figureKey", () => {
  test("the same figure and config give the same key; any change another", () => {
    const d = chartData();
    assert.equal(figureKey(figureAt(d, -1), d.config), figureKey(spec(), { displaylogo: false }));
    assert.notEqual(figureKey(figureAt(d, -1), d.config), figureKey(figureAt(d, 0), d.config));
    assert.notEqual(figureKey(spec(), d.config), figureKey(spec(), { displaylogo: true }));
  });
});

describe("planUpdate: the 'don't redraw an identical figure' rule", () => {
  test("a figure is drawn the first time", () => {
    const d = chartData();
    const plan = planUpdate(chartState(), d);
    assert.equal(plan.action, "draw");
    assert.deepEqual(plan.fig, spec());
    assert.equal(plan.key, figureKey(spec(), d.config));
  });

  test("a rerun that sends exactly the figure on screen does not draw it again", () => {
    const d = chartData();
    const shownJSON = figureKey(figureAt(d, -1), d.config);
    assert.equal(planUpdate(chartState({ shownJSON }), d).action, "same");
  });

  test("a changed figure or config is drawn", () => {
    const shownJSON = figureKey(spec(), { displaylogo: false });
    const moved = chartData();
    moved.spec.data[0].y = [1, 1];
    assert.equal(planUpdate(chartState({ shownJSON }), moved).action, "draw");
    assert.equal(planUpdate(chartState({ shownJSON }), chartData({ config: { displaylogo: true } })).action, "draw");
  });

  test("the Step drawn ahead is kept when the server's figure for that view is exactly it", () => {
    const d = chartData({ view: 1 });
    const previewJSON = figureKey(figureAt(d, -1), d.config);
    // shownJSON was cleared when the preview was drawn
    assert.equal(planUpdate(chartState({ previewView: 1, previewJSON }), d).action, "same");
  });

  test("the Step drawn ahead is replaced when the server's figure differs or is for another view", () => {
    const d = chartData({ view: 1 });
    const previewJSON = figureKey(figureAt(d, 0), d.config);
    assert.equal(planUpdate(chartState({ previewView: 1, previewJSON }), d).action, "draw");
    const same = figureKey(figureAt(d, -1), d.config);
    assert.equal(planUpdate(chartState({ previewView: 2, previewJSON: same, shownJSON: same }), d).action, "draw");
  });
});

describe("planUpdate: playback", () => {
  test("a new play_token with frames starts playing at the first frame", () => {
    const plan = planUpdate(chartState(), chartData({ playing: true, play_token: 1 }));
    assert.deepEqual(plan, { action: "play", start: 0 });
  });

  test("playing without a new play_token does not start again (it stopped on its own)", () => {
    const plan = planUpdate(chartState({ playToken: 1, index: 4 }), chartData({ playing: true, play_token: 1 }));
    assert.equal(plan.action, "draw");  // nothing of it on screen: the figure is drawn
    const stopped = chartState({ playToken: 1, index: 4, shown: 4 });
    assert.deepEqual(planUpdate(stopped, chartData({ playing: true, play_token: 1 })), { action: "hold" });
  });

  test("a late chunk after it stopped at the end keeps the frame on screen, never the chunk's base figure", () => {
    // frames for epochs 4..48 (labels 1..45) ran out at 48 and it stopped; then the answer to its
    // request for more came: the same play_token, frames 19..93 over the figure at epoch 18
    const st = chartState({ playToken: 1, framesSig: "c0", index: 44, shown: 45 });
    const late = chartData({ playing: true, play_token: 1, first: 16, frames_sig: "c1", more_at: 30 });
    assert.deepEqual(planUpdate(st, late), { action: "hold" });
    assert.deepEqual(planUpdate({ ...st, paused: true, index: 20, shown: 21 }, late), { action: "hold" });  // after a Pause
    // the page's answer to the report: its own figure, drawn; or a new Play
    assert.equal(planUpdate(st, chartData({ play_token: 1, frames: [] })).action, "draw");
    assert.deepEqual(planUpdate(st, chartData({ playing: true, play_token: 2, frames_sig: "c2" })), { action: "play", start: 0 });
  });

  test("nothing to play: the figure is drawn", () => {
    assert.equal(planUpdate(chartState(), chartData({ playing: true, play_token: 1, frames: [] })).action, "draw");
  });

  test("while playing, a rerun that still plays goes on; one that does not stops it", () => {
    const st = chartState({ playing: true, playToken: 1, index: 2 });
    assert.deepEqual(planUpdate(st, chartData({ playing: true, play_token: 1, frames_sig: "sig-b" })), { action: "continue" });
    assert.deepEqual(planUpdate(st, chartData({ playing: false, play_token: 1 })), { action: "stop" });
  });

  test("paused in the browser with the same frames: it keeps the frame it paused on", () => {
    const st = chartState({ paused: true, index: 2, playToken: 1 });
    assert.deepEqual(planUpdate(st, chartData({ play_token: 1 })), { action: "hold" });
    assert.equal(planUpdate(st, chartData({ play_token: 1, frames_sig: "sig-b" })).action, "draw");
  });
});

describe("which frame playback resumes from", () => {
  test("after the frame it paused on, when the frames are the same", () => {
    const st = chartState({ paused: true, index: 2 });
    assert.equal(resumeFrom(st, chartData()), 3);
    assert.deepEqual(planUpdate({ ...st, playToken: 1 }, chartData({ playing: true, play_token: 2 })), { action: "play", start: 3 });
  });

  test("from the first frame when the frames changed, it did not pause, or it paused on the last", () => {
    assert.equal(resumeFrom(chartState({ paused: true, index: 2 }), chartData({ frames_sig: "sig-b" })), 0);
    assert.equal(resumeFrom(chartState({ paused: false, index: 2 }), chartData()), 0);
    assert.equal(resumeFrom(chartState({ paused: true, index: 4 }), chartData()), 0);
  });
});

describe("previewPlan: the Step drawn ahead", () => {
  const withPreview = (over) => chartData({
    preview: { selector: ".st-key-step button", view: 1, frame: { data: [{ y: [9, 9] }], layout: { title: { text: "epoch 1" } } } },
    ...over,
  });

  test("draws the preview frame over the figure and keys it", () => {
    const d = withPreview();
    const plan = previewPlan(chartState(), d);
    assert.equal(plan.view, 1);
    assert.deepEqual(plan.fig.data[0].y, [9, 9]);
    assert.equal(plan.fig.layout.title.text, "epoch 1");
    assert.equal(plan.key, figureKey(plan.fig, d.config));
  });

  test("none without a preview, while playing, or while one waits for the server", () => {
    assert.equal(previewPlan(chartState(), chartData()), null);
    assert.equal(previewPlan(chartState({ playing: true }), withPreview()), null);
    assert.equal(previewPlan(chartState({ previewView: 1 }), withPreview()), null);
    assert.equal(previewPlan(chartState(), null), null);
  });

  test("the server's figure equal to the preview is then not drawn again", () => {
    const d = withPreview();
    const plan = previewPlan(chartState(), d);
    const next = chartData({ view: 1, spec: plan.fig });
    assert.equal(planUpdate(chartState({ previewView: plan.view, previewJSON: plan.key }), next).action, "same");
  });
});

describe("playback frames", () => {
  test("frameIndex: the label minus `first`, within the list", () => {
    const d = chartData({ first: 10 });
    assert.equal(frameIndex(d, 12), 2);
    assert.equal(frameIndex(d, 3), 0);
    assert.equal(frameIndex(d, 99), 4);
    assert.equal(frameIndex(chartData({ first: undefined }), 1), 1);
  });

  test("nextFrame: the frame after the one on screen, never an earlier one", () => {
    const d = chartData({ first: 10 });  // labels 10..14
    assert.equal(nextFrame(d, 12), 2);
    assert.equal(nextFrame(d, 14), 4);
    assert.equal(nextFrame(d, 15), null);  // the list ends before it: nothing to draw
    assert.equal(nextFrame(d, 7), 0);  // the list starts later: its first frame
  });

  test("afterFrame: the last frame ends playback when no more frames are offered", () => {
    const done = { index: 4, more: false, wait: false, end: true };
    assert.deepEqual(afterFrame(chartData(), 4), done);
    assert.deepEqual(afterFrame(chartData({ first: 20 }), 24), done);
    assert.deepEqual(afterFrame(chartData({ more_at: null }), 4, "sig-a"), done);
    assert.deepEqual(afterFrame(chartData(), 1), { index: 1, more: false, wait: false, end: false });
  });

  test("afterFrame: at the last frame, having asked for more with more_at set, it waits", () => {
    const d = chartData({ more_at: 2 });
    assert.deepEqual(afterFrame(d, 4, "sig-a"), { index: 4, more: false, wait: true, end: false });
    assert.deepEqual(afterFrame(d, 4, "sig-a", WAIT_FUSE - 1), { index: 4, more: false, wait: true, end: false });
    // not asked yet for this list (its first frame is its last): asks, and waits
    assert.deepEqual(afterFrame(d, 4, "sig-z"), { index: 4, more: true, wait: true, end: false });
    // a list that ends before the frame on screen: it waits on that frame as well
    assert.deepEqual(afterFrame(chartData({ more_at: 2, first: -3 }), 4, "sig-a"), { index: 7, more: false, wait: true, end: false });
  });

  test("afterFrame: it stops after the fuse, or when the page offers no more (more_at falsy)", () => {
    assert.deepEqual(afterFrame(chartData({ more_at: 2 }), 4, "sig-a", WAIT_FUSE), { index: 4, more: false, wait: false, end: true });
    for (const more_at of [0, null, undefined]) {
      assert.deepEqual(afterFrame(chartData({ more_at }), 4, "sig-a", 100), { index: 4, more: false, wait: false, end: true });
    }
    assert.ok(WAIT_FUSE >= 10000 && WAIT_FUSE <= 20000);
  });

  test("afterFrame: asks for more frames with more_at frames or fewer left", () => {
    const d = chartData({ more_at: 2 });
    assert.equal(afterFrame(d, 1).more, false);  // 3 left
    assert.equal(afterFrame(d, 2).more, true);  // 2 left
    assert.equal(afterFrame(d, 3).more, true);
    assert.equal(afterFrame(chartData({ more_at: 0 }), 3).more, false);  // never without more_at
  });

  test("afterFrame: asks once per list of frames", () => {
    const d = chartData({ more_at: 2 });
    assert.equal(afterFrame(d, 3, "sig-a").more, false);
    assert.equal(afterFrame(chartData({ more_at: 2, frames_sig: "sig-b" }), 3, "sig-a").more, true);
  });

  test("resolveParts: the samples once, then by their id; an unknown id is reported, not guessed", () => {
    const cache = new Map();
    const samples = { x1: [0.5, -1.25], x2: [2, 3], y: [0, 1] };
    const first = resolveParts({ data: [], model: { kind: "neuron", samples: { $part: "a1", value: samples } } }, cache);
    assert.equal(first.missing, null);
    assert.deepEqual(first.spec.model, { kind: "neuron", samples });
    const again = resolveParts({ data: [], model: { kind: "neuron", samples: { $part: "a1" } } }, cache);
    assert.deepEqual(again.spec.model.samples, samples);
    assert.deepEqual(resolveParts({ model: { samples: { $part: "zz" } } }, cache), { spec: null, missing: "zz" });
    // a spec without parts is returned as it is
    const plain = { data: [1], model: { samples: { x1: [1] } } };
    assert.equal(resolveParts(plain, cache).spec, plain);
    assert.equal(resolveParts({ data: [] }, cache).missing, null);
    // at most ``keep`` parts, the oldest dropped first (re-sending one makes it the newest)
    for (const id of ["b", "c", "a1"]) resolveParts({ model: { samples: { $part: id, value: [id] } } }, cache, 3);
    resolveParts({ model: { samples: { $part: "d", value: ["d"] } } }, cache, 3);
    assert.deepEqual([...cache.keys()], ["c", "a1", "d"]);
  });

  test("frameDue: each display frame (every 16.7 ms, with jitter) shows one new frame at 60 a second, every 4th at 15", () => {
    for (const [fps, every] of [[60, 1], [30, 2], [15, 4]]) {
      let due = 0, shown = [];
      for (let v = 0; v < 240; v++) {  // 4 s of display frames, each up to 2 ms late
        const now = v * (1000 / 60) + (v % 3) * 0.7;
        if (frameDue(now, due, fps)) { shown.push(v); due = frameSchedule(due, now, fps).due; }
      }
      const gaps = new Set(shown.slice(1).map((v, i) => v - shown[i]));
      assert.deepEqual([...gaps], [every], `${fps} a second: gaps ${[...gaps]}`);
    }
    assert.equal(frameDue(100, 120, 60), false);  // 20 ms early: the next display frame is nearer
    assert.equal(frameDue(112, 120, 60), true);
  });

  test("frameSchedule: a steady clock that makes up a late frame, leaves out frames whose time has passed, restarts after a stall", () => {
    // on time: the next frame one period after the last was due
    assert.deepEqual(frameSchedule(1000, 1010, 20), { due: 1050, delay: 40, skip: 0 });
    // the page was busy: the frame due at 1050 was drawn at 1080, so the next comes 20 ms later, at 1100
    assert.deepEqual(frameSchedule(1050, 1080, 20), { due: 1100, delay: 20, skip: 0 });
    // 1.5 periods late: the next frame at once, none left out
    assert.deepEqual(frameSchedule(1000, 1075, 20), { due: 1050, delay: 0, skip: 0 });
    // 2.6 periods late: two frames' time has passed, they are left out and the third is drawn
    assert.deepEqual(frameSchedule(1000, 1180, 20), { due: 1150, delay: 0, skip: 2 });
    // 7 frames late: all 7 left out, on the same time line
    assert.deepEqual(frameSchedule(1000, 1400, 20), { due: 1400, delay: 0, skip: 7 });
    // a stall of many frames (a hidden tab): MAX_SKIP left out and the clock restarts now, no leap far ahead
    assert.deepEqual(frameSchedule(1000, 5000, 20), { due: 5000, delay: 0, skip: MAX_SKIP });
    assert.deepEqual(frameSchedule(1400, 1400, 20), { due: 1450, delay: 50, skip: 0 });
    // the first frame: one period after now
    assert.deepEqual(frameSchedule(null, 500, 10), { due: 600, delay: 100, skip: 0 });
    // 30 frames a second hold over many frames where drawing is quick
    let due = 0, now = 0, drawn = 0;
    for (let k = 0; k < 300; k++) {
      const s = frameSchedule(due, now, 30);
      due = s.due;
      now += s.delay + (k % 60 === 0 ? 50 : 5);  // a frame takes 5 ms to draw, every 60th 50 ms (a chunk arrives)
      drawn += 1 + s.skip;
    }
    assert.ok(Math.abs(drawn / (now / 1000) - 30) < 0.2, `${drawn / (now / 1000)} frames a second`);
    // drawing slower than the clock (70 ms a frame at 60 a second): ~14 pictures a second, but the frames
    // (epochs) still go by at 60 a second
    due = 0; now = 0;
    let pictures = 0, frames = 0;
    for (let k = 0; k < 200; k++) {
      const s = frameSchedule(due, now, 60);
      due = s.due;
      frames += 1 + s.skip;
      pictures += 1;
      now += s.delay + 70;
    }
    assert.ok(Math.abs(frames / (now / 1000) - 60) < 1.5, `${frames / (now / 1000)} frames a second`);
    assert.ok(pictures / (now / 1000) < 15, `${pictures / (now / 1000)} pictures a second`);
  });

  test("frameDelay: 1/fps seconds less the drawing time, never negative", () => {
    assert.equal(frameDelay(20, 0), 50);
    assert.equal(frameDelay(20, 30), 20);
    assert.equal(frameDelay(20, 80), 0);
    assert.equal(frameDelay(undefined, 0), 1000 / 15);
    assert.equal(frameDelay(0.01, 0), 10000);
  });

  test("stopState: paused before the last frame, end on it", () => {
    const frames = chartData().frames;
    assert.deepEqual(stopState(frames, 2), { paused: true, end: false });
    assert.deepEqual(stopState(frames, 4), { paused: false, end: true });
    assert.deepEqual(stopState(undefined, 0), { paused: false, end: true });
    assert.deepEqual(stopState(frames, 4, true), { paused: true, end: true });  // a Pause on the last frame
    assert.deepEqual(stopState(frames, 2, true), { paused: true, end: false });
  });

  test("frameEvent: what the page reads", () => {
    assert.deepEqual(frameEvent({ index: 2, view: 12, end: false, n: 3, t: 7 }),
      { event: "frame", index: 2, view: 12, end: false, n: 3, t: 7 });
    assert.deepEqual(frameEvent({ index: 2, view: 12, end: false, more: true, n: 4, t: 8 }),
      { event: "frame", index: 2, view: 12, end: false, more: true, n: 4, t: 8 });
    // a Pause click, stopped in the browser: the report says so, even on the last frame (not "ran out")
    assert.deepEqual(frameEvent({ index: 9, view: 19, end: true, pause: true, n: 5, t: 9 }),
      { event: "frame", index: 9, view: 19, end: true, pause: true, n: 5, t: 9 });
  });

  test("a played chunk asks for more once, and a longer list that starts later goes on where it is", () => {
    // chart.js's play loop, without the clock: draw frameIndex(d, next), then afterFrame (the
    // page answers the first ask only: at the end of the second list it waits, here the end)
    const chunk = (first, sig) => chartData({
      first, frames_sig: sig, more_at: 2,
      frames: Array.from({ length: 5 }, (_, k) => ({ data: [{ y: [0, first + k] }] })),
    });
    let d = chunk(0, "c0"), next = 0, askedFor, shown = [], asks = [];
    for (;;) {
      const k = frameIndex(d, next);
      const label = (d.first || 0) + k;
      shown.push(figureAt(d, k).data[0].y[1]);
      const after = afterFrame(d, label, askedFor);
      if (after.end || after.wait) break;
      if (after.more) {
        askedFor = d.frames_sig;
        asks.push(label);
        if (asks.length === 1) d = chunk(3, "c1");  // the page answers with frames 3..7
      }
      next = label + 1;
    }
    assert.deepEqual(shown, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(asks, [2, 5]);  // once per chunk
  });
});

// chart.js's play loop on a virtual clock, with the pure decisions of this file: every ``dt`` ms
// it draws the next frame (nextFrame) or looks again while waiting (afterFrame); ``serve(t, d)``
// is the page, returning the data current at time t (a new list once its answer has arrived).
// Returns the epochs drawn (the figure's title), the asks, the stop report and the time.
function playOn(d0, serve, { dt = 50, askedFor, shownBefore } = {}) {
  const st = chartState({ playing: true, playToken: d0.play_token, framesSig: d0.frames_sig, askedFor });
  const epochs = [], asks = [], updates = [];
  let d = d0, t = 0, next = (d0.first || 0), waitFrom = null, report = null;
  if (shownBefore != null) { st.shown = shownBefore; next = shownBefore + 1; }
  const arrive = () => {
    const nd = serve(t, d);
    if (nd === d) return;
    if (st.playing && st.shown != null) st.index = st.shown - (nd.first || 0);
    const plan = planUpdate(st, nd);
    updates.push(plan.action);
    d = nd;
    st.playToken = d.play_token;
    if (plan.action === "draw") epochs.push(plan.fig.layout.title.text);  // what chart.js would draw
    if (plan.action === "stop") stop();
    if (plan.action !== "hold") st.framesSig = d.frames_sig;
  };
  const stop = () => {
    if (!st.playing) return;
    st.playing = false;
    const { end } = stopState(d.frames, st.index);
    report = { index: st.index, view: st.shown, end, t };
  };
  const after = () => {
    const a = afterFrame(d, st.shown, st.askedFor, waitFrom == null ? 0 : t - waitFrom);
    st.index = a.index;
    if (a.more) { st.askedFor = d.frames_sig; asks.push(st.shown); }
    if (a.end) return stop();
    if (a.wait) { waitFrom ??= t; return "wait"; }
    waitFrom = null;
    next = st.shown + 1;
    return "next";
  };
  let todo = "next";
  while (t < 60000) {
    arrive();
    if (!st.playing) {  // stopped: late data may still come
      t += dt;
      continue;
    }
    if (todo === "next") {
      const k = nextFrame(d, next);
      if (k != null) {
        st.shown = (d.first || 0) + k;
        epochs.push(figureAt(d, k).layout.title.text);
      }
    }
    todo = after();
    t += dt;
  }
  return { epochs: epochs.map((s) => Number(s.split(" ")[1])), asks, report, updates, st };
}

// The playback page's lists: frame i (label first + i) shows epoch first + i + 3, over the figure
// of the epoch before the first frame (playback.py: epochs 4..48 as labels 1..45 over epoch 3).
const epochChunk = (first, last, sig, over = {}) => chartData({
  spec: { ...spec(), layout: { ...spec().layout, title: { text: `epoch ${first + 2}` } } },
  first, frames_sig: sig, more_at: 30, playing: true, play_token: 1, fps: 20,
  frames: Array.from({ length: last - first + 1 }, (_, i) => ({ layout: { title: { text: `epoch ${first + i + 3}` } } })),
  ...over,
});
const increasing = (xs) => xs.every((x, i) => i === 0 || x === xs[i - 1] + 1);

describe("playback waits at the last frame for the frames it asked for", () => {
  test("a late answer: it waits on the last frame, then goes on with the first new frame", () => {
    const c0 = epochChunk(1, 45, "c0");  // epochs 4..48
    // it asks at label 15 (epoch 18); the page answers (frames 16..90: epochs 19..93 over epoch 18)
    // only at t = 4000 ms, long after the browser drew epoch 48 (label 45, at t = 2200 ms)
    const c1 = epochChunk(16, 90, "c1");
    const run = playOn(c0, (t, d) => (t >= 4000 ? c1 : d));
    assert.deepEqual(run.asks, [15, 60]);
    assert.ok(increasing(run.epochs), `epochs drawn: ${run.epochs}`);
    assert.deepEqual(run.epochs.slice(0, 3), [4, 5, 6]);
    assert.deepEqual(run.epochs.slice(44, 47), [48, 49, 50]);  // 48, waited, then 49 (never 18)
    assert.equal(run.epochs.at(-1), 93);
    assert.deepEqual(run.updates, ["continue"]);
    // the second list runs out as well (nothing answers): it stops WAIT_FUSE ms later, at its end
    assert.deepEqual([run.report.view, run.report.index, run.report.end], [90, 74, true]);
  });

  test("the longer list arrives while waiting: the next frame is shown + 1", () => {
    const c0 = epochChunk(1, 45, "c0");
    let st = { playing: true, shown: 45, askedFor: "c0" };
    assert.equal(afterFrame(c0, st.shown, st.askedFor).wait, true);
    const c1 = epochChunk(16, 90, "c1");
    assert.deepEqual(planUpdate({ ...chartState({ playToken: 1, framesSig: "c0" }), ...st }, c1), { action: "continue" });
    const a = afterFrame(c1, st.shown, st.askedFor, 500);
    assert.deepEqual(a, { index: 29, more: false, wait: false, end: false });  // 45 left: no need to ask
    const k = nextFrame(c1, st.shown + 1);
    assert.equal(c1.first + k, 46);
    assert.equal(figureAt(c1, k).layout.title.text, "epoch 49");
  });

  test("the page says no more will come (more_at falsy): it stops on the frame on screen and reports end", () => {
    const c0 = epochChunk(1, 45, "c0");
    const last = { ...c0, more_at: 0 };
    const run = playOn(c0, (t, d) => (t >= 3000 ? last : d));
    assert.deepEqual(run.epochs, Array.from({ length: 45 }, (_, i) => i + 4));
    assert.deepEqual([run.report.view, run.report.index, run.report.end], [45, 44, true]);
    assert.equal(run.report.t, 3000);  // on that update, not at the fuse
  });

  test("no answer at all: it stops after the fuse and reports end; a chunk coming later is not drawn", () => {
    const c0 = epochChunk(1, 45, "c0");
    const c1 = epochChunk(16, 90, "c1");
    const run = playOn(c0, (t, d) => (t >= 30000 ? c1 : d));
    const reached = 44 * 50;  // the last frame drawn
    assert.deepEqual([run.report.view, run.report.index, run.report.end], [45, 44, true]);
    assert.ok(run.report.t >= reached + WAIT_FUSE && run.report.t <= reached + WAIT_FUSE + 100, `stopped at ${run.report.t}`);
    assert.deepEqual(run.updates, ["hold"]);  // the late chunk keeps epoch 48 on screen
    assert.equal(run.epochs.at(-1), 48);
    assert.ok(increasing(run.epochs));
  });

  test("a list that ends before the frame on screen draws nothing earlier: it waits", () => {
    const c0 = epochChunk(1, 45, "c0", { more_at: 0 });
    const short = epochChunk(1, 20, "c-short");
    const run = playOn(c0, (t, d) => (t >= 1500 && t < 2000 ? short : t >= 2000 ? epochChunk(31, 60, "c2") : d),
      { askedFor: "c0" });
    assert.ok(increasing(run.epochs), `epochs drawn: ${run.epochs}`);
    assert.equal(run.epochs.at(-1), 63);
  });

  test("Pause while waiting stops at the frame on screen", () => {
    const c0 = epochChunk(1, 45, "c0");
    const st = chartState({ playing: true, playToken: 1, framesSig: "c0", askedFor: "c0", shown: 45, index: 44 });
    assert.equal(afterFrame(c0, st.shown, st.askedFor, 1000).wait, true);
    // the stop_on click: stopPlayback(st, true, true) reports the frame on screen, as before
    const { paused, end } = stopState(c0.frames, st.index, true);
    assert.deepEqual([paused, end], [true, true]);
    assert.deepEqual(frameEvent({ index: st.index, view: st.shown, end, n: 1, t: 0 }),
      { event: "frame", index: 44, view: 45, end: true, n: 1, t: 0 });
    // the page's answer to the click (playing: false, the same frames) keeps that frame, and so
    // does a late chunk; the page's own figure is drawn
    const stopped = { ...st, playing: false, paused };
    assert.equal(planUpdate(stopped, { ...c0, playing: false }).action, "hold");
    assert.equal(planUpdate(stopped, epochChunk(16, 90, "c1")).action, "hold");
    assert.equal(planUpdate(stopped, chartData({ play_token: 1, frames: [] })).action, "draw");
  });
});

describe("events", () => {
  test("pointInfo reports curve, index, customdata and plain x/y", () => {
    assert.deepEqual(pointInfo({ curveNumber: 1, pointNumber: 4, customdata: 7, x: 0.5, y: "b" }),
      { curve: 1, index: 4, customdata: 7, x: 0.5, y: "b" });
    assert.deepEqual(pointInfo({ curveNumber: 0, pointIndex: 2, pointNumber: 9, x: [1], y: null }),
      { curve: 0, index: 2 });
    assert.deepEqual(pointInfo({ curveNumber: 0, pointIndex: 0, customdata: null }), { curve: 0, index: 0, customdata: null });
  });

  // plotly.js's axes as far as the click handling reads them
  const axis = (offset, length, type = "linear", scale = 1) => ({
    _offset: offset, _length: length, type, p2c: (p) => p / scale, p2d: (p) => `d${p}`,
  });
  const layout = {
    _plots: {
      x2y2: { xaxis: axis(300, 100, "linear", 10), yaxis: axis(20, 200) },
      xy: { xaxis: axis(40, 200), yaxis: axis(20, 200, "date") },
      broken: { xaxis: null, yaxis: axis(0, 1000) },
    },
  };

  test("subplotAt finds the plot area under a pixel, xy first, in plot-area pixels", () => {
    assert.deepEqual(
      (({ id, x, y }) => ({ id, x, y }))(subplotAt(layout, 140, 70)), { id: "xy", x: 100, y: 50 });
    assert.equal(subplotAt(layout, 350, 30).id, "x2y2");
    assert.equal(subplotAt(layout, 260, 30), null);  // between the plots
    assert.equal(subplotAt({}, 1, 1), null);
  });

  test("clickEvent: data coordinates, the axis' own value off numeric axes, the point under the pointer", () => {
    assert.deepEqual(clickEvent(subplotAt(layout, 350, 30), []), { event: "click", x: 5, y: 10, subplot: "x2y2" });
    const msg = clickEvent(subplotAt(layout, 140, 70), [{ curveNumber: 0, pointNumber: 1, customdata: 11, x: 5, y: 5 }]);
    assert.deepEqual(msg, { event: "click", x: 100, y: 50, subplot: "xy", yd: "d50",
      point: { curve: 0, index: 1, customdata: 11, x: 5, y: 5 } });
  });

  test("isClick: a press and release within 4 px; farther is a drag", () => {
    assert.ok(isClick({ x: 10, y: 10 }, { x: 13, y: 10 }));
    assert.ok(isClick({ x: 10, y: 10 }, { x: 10, y: 14 }));
    assert.ok(!isClick({ x: 10, y: 10 }, { x: 14, y: 14 }));
  });

  test("needsResize: only a visible box of another size", () => {
    const fl = { width: 600, height: 300 };
    assert.ok(!needsResize({ width: 600.4, height: 299.6 }, fl));
    assert.ok(needsResize({ width: 640, height: 300 }, fl));
    assert.ok(!needsResize({ width: 0, height: 300 }, fl));
  });
});

// Full screen: one more button at the end of the toolbar's first group; the page's config is not changed.
import { fullscreenLayout, withFullscreen } from "../../perceptron/web/chart_logic.js";

describe("full screen", () => {
  test("the button goes after the page's own, and calls the toggle with the chart", () => {
    const config = { displaylogo: false, modeBarButtons: [["toImage", "resetScale2d"]] };
    const seen = [];
    const out = withFullscreen(config, (gd) => seen.push(gd));
    assert.deepEqual(out.modeBarButtons[0].slice(0, 2), ["toImage", "resetScale2d"]);
    const button = out.modeBarButtons[0][2];
    assert.equal(button.name, "fullscreen");
    assert.equal(button.title, "Full screen");
    button.click("the div");
    assert.deepEqual(seen, ["the div"]);
    assert.deepEqual(config.modeBarButtons, [["toImage", "resetScale2d"]]);  // not changed
    assert.equal(out.displaylogo, false);
    assert.equal(withFullscreen({}, () => {}, true).modeBarButtons[0][0].title, "Leave full screen (Esc)");
  });
  test("a full-screen figure is as tall as the screen, never under 300 px", () => {
    assert.deepEqual(fullscreenLayout({ height: 500, width: 3 }, 1079.6), { height: 1080, width: 3 });
    assert.equal(fullscreenLayout({ height: 500 }, 120).height, 300);
  });
});

describe("matchesShortcut: the Pause button's shortcut, which the playing chart takes", () => {
  const key = (code, key, mods = {}) => ({ code, key, altKey: false, ctrlKey: false, shiftKey: false, metaKey: false, ...mods });
  test("Alt+P by the physical key, whatever character it types (π on a Mac)", () => {
    assert.equal(matchesShortcut(key("KeyP", "p", { altKey: true }), "Alt+P"), true);
    assert.equal(matchesShortcut(key("KeyP", "π", { altKey: true }), "Alt+P"), true);
  });
  test("the modifiers exactly: P alone, Ctrl+Alt+P, Alt+O are not Alt+P", () => {
    assert.equal(matchesShortcut(key("KeyP", "p"), "Alt+P"), false);
    assert.equal(matchesShortcut(key("KeyP", "p", { altKey: true, ctrlKey: true }), "Alt+P"), false);
    assert.equal(matchesShortcut(key("KeyO", "o", { altKey: true }), "Alt+P"), false);
  });
  test("digits by their key, arrows and other keys by name; no shortcut matches nothing", () => {
    assert.equal(matchesShortcut(key("Digit0", "0", { altKey: true }), "Alt+0"), true);
    assert.equal(matchesShortcut(key("ArrowRight", "ArrowRight", { shiftKey: true }), "Shift+Right"), true);
    assert.equal(matchesShortcut(key("ArrowRight", "ArrowRight"), "Shift+Right"), false);
    assert.equal(matchesShortcut(key("KeyP", "p", { altKey: true }), null), false);
  });
});
