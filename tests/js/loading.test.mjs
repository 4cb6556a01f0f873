// perceptron/web/loading.js's withShared: a playback's frames made whole as chart.py's Frames sent them.
//   node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { withShared } from "../../perceptron/web/loading.js";

const title = { text: "Cost", x: 0.875, font: { size: 14 } };

test("the shared titles are put back in their places, each frame its own copy", () => {
  const frames = [
    { data: [{ x: [2] }], layout: { annotations: [title, { text: "epoch 2" }] } },
    { data: [{ x: [4] }], layout: { annotations: [0, { text: "epoch 4" }], xaxis3: { range: [0, 10] } } },
    { data: [{ x: [6] }] },
  ];
  const component = { parentElement: "div", data: { frames, frames_shared: { annotations: [title] }, first: 1 } };
  const out = withShared(component);
  assert.equal(out.parentElement, "div");
  assert.equal(out.data.first, 1);
  assert.deepEqual(out.data.frames[1].layout, { annotations: [title, { text: "epoch 4" }], xaxis3: { range: [0, 10] } });
  assert.equal(out.data.frames[0], frames[0]);  // nothing named: the same frame
  assert.equal(out.data.frames[2], frames[2]);
  out.data.frames[1].layout.annotations[0].font.size = 99;  // a drawing that writes into a frame changes only it
  assert.equal(title.font.size, 14);
  assert.equal(frames[1].layout.annotations[0], 0);  // what was sent is left as it was
});

test("a note whose text alone changes is put back from its pattern, each frame its own copy", () => {
  const note = { text: "epoch 1", x: 0, y: 1.13, font: { size: 15, color: "#26303d" } };
  const frames = [
    { layout: { annotations: [0, { $: 1, text: "epoch 2 · cost 0.5" }] } },
    { layout: { annotations: [0, { $: 1, text: "epoch 3 · cost 0.4" }] } },
  ];
  const out = withShared({ data: { frames, frames_shared: { annotations: [title, note] } } });
  assert.deepEqual(out.data.frames.map((f) => f.layout.annotations[1]),
    [{ ...note, text: "epoch 2 · cost 0.5" }, { ...note, text: "epoch 3 · cost 0.4" }]);
  out.data.frames[0].layout.annotations[1].font.size = 99;
  assert.equal(note.font.size, 15);
  assert.equal(out.data.frames[1].layout.annotations[1].font.size, 15);
});

test("data without shared titles is handed on as it is", () => {
  const component = { data: { frames: [{ data: [] }] } };
  assert.equal(withShared(component), component);
  const preview = { data: { spec: {} } };
  assert.equal(withShared(preview), preview);
});
