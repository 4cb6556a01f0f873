// focus.js's closeSidebar: after a page change on a phone the open sidebar closes (its collapse button is
// pressed), and only then.
import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSidebar } from "../../perceptron/web/focus.js";

function page(collapsed, withButton = true) {
  const clicks = [];
  const bar = { getAttribute: (name) => (name === "data-collapsed" ? String(collapsed) : null) };
  const button = { click: () => clicks.push(1) };
  const doc = {
    querySelector: (sel) => (sel.includes("stSidebarCollapseButton") ? (withButton ? button : null)
      : sel.includes("stSidebar") ? bar : null),
  };
  return { doc, clicks };
}

test("an open sidebar on a phone is closed", () => {
  const { doc, clicks } = page(false);
  assert.equal(closeSidebar(doc, true), true);
  assert.equal(clicks.length, 1);
});

test("a closed sidebar, a wide screen or no button: nothing is pressed", () => {
  for (const [collapsed, narrow, withButton] of [[true, true, true], [false, false, true], [false, true, false]]) {
    const { doc, clicks } = page(collapsed, withButton);
    assert.equal(closeSidebar(doc, narrow), false);
    assert.equal(clicks.length, 0);
  }
});
