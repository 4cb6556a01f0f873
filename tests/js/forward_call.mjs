// perceptron/web/forward.js's functions called from the Python tests (tests/test_forward_js.py): reads a
// JSON list of calls [{"fn": name, "args": [...]}, ...] on stdin and prints the list of results (NaN as null).
//   echo '[{"fn": "printNumber", "args": [0.5]}]' | node tests/js/forward_call.mjs
import * as forward from "../../perceptron/web/forward.js";

let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { text += chunk; });
process.stdin.on("end", () => {
  const calls = JSON.parse(text);
  // a function is called with its args; a table (MAPS, Z_LIMITS) is read: an array as it is, an object's keys
  const call = ({ fn, args }) => (typeof forward[fn] === "function" ? forward[fn](...args)
    : Array.isArray(forward[fn]) ? forward[fn] : Object.keys(forward[fn]));
  process.stdout.write(JSON.stringify(calls.map(call)));
});
