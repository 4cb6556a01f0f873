// focus.js's sightScroll (below) and closeSidebar: after a page change on a phone the open sidebar closes (its collapse button is
// pressed), and only then.
import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSidebar, cookieText, sightScroll } from "../../perceptron/web/focus.js";

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

// sightScroll: where the presenter layout scrolls so that what a lesson step speaks of is in sight, under
// the toolbar (64 px) of a view 720 px tall.
test("a group already in sight stays where it is", () => {
  assert.equal(sightScroll([300, 500], 100, 720), 100);  // on screen at 200..400
});

test("a group below the screen comes up, centred in the room under the toolbar", () => {
  const at = sightScroll([1000, 1400], 0, 720);
  const [top, bottom] = [1000 - at, 1400 - at];
  assert.ok(top >= 64 && bottom <= 720, `${top}..${bottom}`);
  assert.equal(top - 64, 720 - bottom);  // as much room above as below
});

test("a group above the screen comes down into sight", () => {
  const at = sightScroll([200, 300], 900, 720);
  assert.ok(200 - at >= 64 && 300 - at <= 720, String(at));
});

test("a group taller than the room shows its top under the toolbar, and the page never scrolls above 0", () => {
  assert.equal(sightScroll([1000, 2000], 0, 720), 1000 - 64 - 8);
  assert.equal(sightScroll([10, 100], 500, 720), 0);
});

// cookieText: the teacher key kept in the browser, for the school day, for this site only.
test("the teacher's cookie is strict, for the whole site, and secure on https", () => {
  const text = cookieText({ name: "nl_teacher", value: "ABC234.k-y_Z", maxAge: 43200 }, true);
  assert.equal(text, "nl_teacher=ABC234.k-y_Z; Path=/; Max-Age=43200; SameSite=Strict; Secure");
  assert.ok(!cookieText({ name: "n", value: "a;b", maxAge: -5 }, false).includes("Secure"));
  assert.ok(cookieText({ name: "n", value: "a;b", maxAge: -5 }, false).startsWith("n=a%3Bb; Path=/; Max-Age=0;"));
});
