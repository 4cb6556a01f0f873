// The figure the chart component draws, for the Python tests (tests/test_pages.py,
// tests/test_hidden_layer.py): reads {"spec": figure, "frame": frame or null} as JSON on stdin
// and prints figureWith({spec}, frame) of perceptron/web/chart_logic.js as JSON (the text the
// browser compares to decide whether a figure is already on screen).
//   echo '{"spec": {"data": [], "layout": {}}, "frame": null}' | node tests/js/figure_with.mjs
import { figureWith } from "../../perceptron/web/chart_logic.js";

let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { text += chunk; });
process.stdin.on("end", () => {
  const { spec, frame } = JSON.parse(text);
  process.stdout.write(JSON.stringify(figureWith({ spec }, frame)));
});
