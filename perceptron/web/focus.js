// The browser side of perceptron/web/focus.py: keyboard focus and announcements (WCAG 2.1 AA).
//
// st.components.v2 runs this module in the app's page (not in an iframe), the only place where
// the app's JavaScript can reach the page: st.html does not run scripts, and an
// st.components.v1 iframe cannot reach its parent. One component, five jobs:
//
// * ``data.page`` (mounted by every page's frame): when the page changes (a sidebar link, a lesson
//   step on another page, the first load), the keyboard focus moves to the new page's heading. The
//   heading shows its focus ring only when the last thing the user did was press a key (the page's
//   CSS rings ``h1[data-nl-keyboard]``): after a click, a tap or a fresh load the focus moves as
//   well, for screen readers, but no box is drawn around the title (Chrome counts a focus a script
//   moves on a fresh load as :focus-visible, and drew its black box for every visitor).
//   Once per browser tab it also starts a watch: when the focused element disappears or is
//   disabled by a rerun (a lesson button, Start the guided lesson), the focus goes to the element
//   with the same key once it is back, else to the lesson panel, else to the heading; never to
//   the page's body. And wide formulas that scroll sideways become focusable, so that the arrow
//   keys scroll them.
// * ``data.sight``: the presenter layout keeps what the lesson's step speaks of in sight (below).
// * ``data.cookie``: the live class's teacher key kept in the browser, out of the address bar.
// * ``data.announce``: the text of a polite live region (role="status"), e.g. "Epoch 12: cost
//   0.1834, 78 of 80 correct" after Step or Play. A change of the text is read by screen readers.

const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
const HIDDEN_STYLE = "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
  + "clip:rect(0 0 0 0);white-space:nowrap;border:0;";
const HEADING_WAIT = 15000;  // ms to wait for the new page's heading to be drawn (a fuse, not a speed limit)

function state() {
  if (!window.__nlA11y) window.__nlA11y = { page: null, last: null, installed: false, timer: null, keyboard: false };
  return window.__nlA11y;
}

function heading(title) {
  const all = [...document.querySelectorAll('[data-testid="stMain"] h1')];
  return all.find((h) => !title || h.textContent.trim().startsWith(title)) || null;
}

// A key that moves or acts (not a modifier pressed alone): the user is on the keyboard.
const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta", "CapsLock", "AltGraph"]);

function focusHeading(h) {
  if (!h) return false;
  if (!h.hasAttribute("tabindex")) h.setAttribute("tabindex", "-1");
  if (state().keyboard) h.setAttribute("data-nl-keyboard", "");
  else h.removeAttribute("data-nl-keyboard");
  h.focus();
  return document.activeElement === h;
}

function usable(el) {
  return Boolean(el) && el.isConnected && !el.disabled && el.getAttribute("aria-disabled") !== "true"
    && el.getClientRects().length > 0;
}

function firstFocusable(container) {
  if (!container) return null;
  if (container.matches(FOCUSABLE) && usable(container)) return container;
  return [...container.querySelectorAll(FOCUSABLE)].find(usable) || null;
}

// The Streamlit key of an element: the nearest ``st-key-…`` class of it or an ancestor.
function keyOf(el) {
  for (let e = el; e && e !== document.body; e = e.parentElement) {
    const key = [...(e.classList || [])].find((c) => c.startsWith("st-key-"));
    if (key) return key;
  }
  return null;
}

// The focus is lost: on the body, or still on an element that was disabled or hidden (the browser
// moves it to the body later, without an event).
function lost() {
  const a = document.activeElement;
  return !a || a === document.body || a === document.documentElement || !usable(a);
}

function restore(s) {
  const last = s.last;
  if (!last || !lost() || (usable(last.el) && last.el !== document.activeElement)) return;  // the user clicked the page
  let target = last.key ? firstFocusable(document.querySelector("." + CSS.escape(last.key))) : null;
  if (!target && last.key && last.key.startsWith("st-key-lesson")) {
    target = firstFocusable(document.querySelector(".st-key-lesson_panel"));
  }
  if (target) target.focus();
  else focusHeading(heading(s.title));
}

// Formulas wider (or taller) than their box scroll: focusable, so the keyboard can scroll them.
function scrolls(el) {
  const style = getComputedStyle(el);
  const can = (overflow) => overflow === "auto" || overflow === "scroll";
  return (can(style.overflowX) && el.scrollWidth > el.clientWidth)
    || (can(style.overflowY) && el.scrollHeight > el.clientHeight);
}

function scrollables() {
  for (const el of document.querySelectorAll(".katex-display")) {
    const wide = scrolls(el);
    if (wide && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "group");
      el.setAttribute("aria-label", "Formula, larger than its box: scroll it with the arrow keys");
      el.dataset.nlScroll = "1";
    } else if (!wide && el.dataset.nlScroll) {
      el.removeAttribute("tabindex");
      el.removeAttribute("role");
      el.removeAttribute("aria-label");
      delete el.dataset.nlScroll;
    }
  }
}

function install(s) {
  if (s.installed) return;
  s.installed = true;
  const later = () => {  // once per burst of changes (a page that keeps redrawing never postpones it)
    if (s.timer) return;
    s.timer = setTimeout(() => {
      s.timer = null;
      restore(s);
      scrollables();
    }, 60);
  };
  // how the user acts now: the keyboard (its focus is shown) or a pointer (a mouse, a finger, a pen)
  document.addEventListener("keydown", (ev) => { if (!MODIFIERS.has(ev.key)) s.keyboard = true; }, true);
  document.addEventListener("pointerdown", () => { s.keyboard = false; }, true);
  document.addEventListener("focusin", (ev) => {
    if (ev.target && ev.target !== document.body) s.last = { el: ev.target, key: keyOf(ev.target) };
  }, true);
  document.addEventListener("focusout", later, true);
  window.addEventListener("resize", later);
  new MutationObserver(later).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["disabled", "aria-disabled"],
  });
  setInterval(() => restore(s), 250);  // the browser's own move to the body fires no event to wait for
}

// On a phone the open sidebar covers the page: after a page change it closes, as a menu does (Streamlit
// leaves it open over the new page). Not on the first load (it starts collapsed there) nor on wider screens.
const NARROW = "(max-width: 640px)";

export function closeSidebar(doc, narrow) {
  const bar = doc.querySelector('[data-testid="stSidebar"]');
  if (!narrow || !bar || bar.getAttribute("data-collapsed") !== "false") return false;
  const button = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (!button) return false;
  button.click();
  return true;
}

// A new page: focus its heading once it is drawn.
function arrive(s, page, title) {
  if (s.page !== null) closeSidebar(document, window.matchMedia(NARROW).matches);
  s.page = page;
  s.title = title;
  const start = performance.now();
  const attempt = () => {
    if (s.page !== page) return;  // another page came meanwhile
    if (focusHeading(heading(title))) return;
    if (performance.now() - start < HEADING_WAIT) setTimeout(attempt, 50);
  };
  attempt();
}

function announce(parentElement, text) {
  let live = parentElement.__nlLive;
  if (!live) {
    live = parentElement.__nlLive = document.createElement("div");
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "true");
    live.className = "nl-live";
    live.style.cssText = HIDDEN_STYLE;
    live.textContent = text;  // the first text is there to be read, not announced
    parentElement.appendChild(live);
    return;
  }
  if (live.textContent !== text) live.textContent = text;
}

// The presenter layout (frame.py's CSS, on a wide screen with a fine pointer): the lesson's card docks at
// the side, and when the lesson comes to a step the page scrolls so that what the step speaks of (its
// elements, ``sight.selectors``) is in sight beside the card: the top of the first one just under the
// toolbar, or the whole group centred where it is shorter than the screen. Once per step, after the
// elements are drawn; a reader who scrolls away afterwards stays where they are.
export const PRESENTER = "(min-width: 1100px) and (hover: hover) and (pointer: fine)";
const SIGHT_WAIT = 20000;  // ms to wait for the elements to be drawn (a fuse, not a speed limit)
const TOOLBAR = 64;  // px: Streamlit's toolbar over the top of the page

// Where to scroll a box [top, bottom] (page coordinates, ``scrollTop`` of the container ``now``) into a
// view ``height`` tall with ``top`` px covered: centred when it fits, its top under the toolbar if not.
export function sightScroll(box, now, height, top = TOOLBAR) {
  const room = height - top;
  const [a, b] = box;
  if (b - a <= room) {
    if (a - now >= top && b - now <= height) return now;  // already in sight: stay
    return Math.max(0, Math.round(a - top - (room - (b - a)) / 2));
  }
  return Math.max(0, Math.round(a - top - 8));
}

function scroller(el) {
  for (let e = el.parentElement; e; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (/(auto|scroll)/.test(style.overflowY) && e.scrollHeight > e.clientHeight) return e;
  }
  return document.scrollingElement;
}

function sight(s, { step, selectors }) {
  const key = `${location.pathname}:${step}`;
  if (s.sighted === key || !selectors.length) return;
  s.sighted = key;
  const start = performance.now();
  let before = "";
  const attempt = () => {
    if (s.sighted !== key) return;  // another step came meanwhile
    const els = selectors.map((q) => document.querySelector(q));
    const drawn = els.every((e) => e && e.getBoundingClientRect().height > 0);
    // drawn, and the page's layout still for a moment (the card docks, charts grow as they are drawn)
    const rects = drawn ? els.map((e) => e.getBoundingClientRect()) : [];
    const now = JSON.stringify(rects.map((r) => [r.top, r.bottom]));
    if (!drawn || now !== before) {
      before = now;
      if (performance.now() - start < SIGHT_WAIT) setTimeout(attempt, 250);
      return;
    }
    if (!window.matchMedia(PRESENTER).matches) return;
    const box = scroller(els[0]);
    const place = () => {
      const offset = box === document.scrollingElement ? 0 : box.getBoundingClientRect().top;
      const at = box.scrollTop;
      const now = els.map((e) => e.getBoundingClientRect());
      const top = Math.min(...now.map((r) => r.top)) - offset + at;
      const bottom = Math.max(...now.map((r) => r.bottom)) - offset + at;
      box.scrollTop = sightScroll([top, bottom], at, box.clientHeight, TOOLBAR - offset);
      return box.scrollTop;
    };
    // the layout can still move after the scroll (a chart above drawn again, a formula typeset, the
    // browser's scroll anchoring): look again a few times and follow, unless the reader has scrolled,
    // pressed a key or touched the page since (then they stay where they are)
    let moved = false;
    const reader = () => { moved = true; };
    const events = ["wheel", "touchstart", "pointerdown", "keydown"];
    events.forEach((e) => window.addEventListener(e, reader, { capture: true, passive: true }));
    place();
    let checks = 0;
    const follow = () => {
      if (s.sighted === key && !moved && ++checks <= SIGHT_CHECKS) {
        place();
        setTimeout(follow, 250);
        return;
      }
      events.forEach((e) => window.removeEventListener(e, reader, { capture: true }));
      // done with this step (tests wait for it: the page is where the presenter layout leaves it)
      if (s.sighted === key) document.documentElement.dataset.nlSighted = key;
    };
    setTimeout(follow, 250);
  };
  attempt();
}
const SIGHT_CHECKS = 8;  // 2 s of looking again after the scroll

// ``data.cookie``: the live class's teacher key kept in this browser (not in the address bar, which a
// projector shows): {name, value, maxAge} in seconds; SameSite=Strict, Secure where the page is https.
export function cookieText({ name, value, maxAge }, secure) {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${Math.max(0, Math.round(maxAge))}; SameSite=Strict`
    + (secure ? "; Secure" : "");
}

export default function (component) {
  const { data, parentElement } = component;
  if (!data) return;
  if (data.page) {
    const s = state();
    install(s);
    s.title = data.title || s.title;
    if (s.page !== data.page) arrive(s, data.page, data.title);
    scrollables();
  }
  if (data.sight) sight(state(), data.sight);
  if (data.cookie) document.cookie = cookieText(data.cookie, location.protocol === "https:");
  if (typeof data.announce === "string") announce(parentElement, data.announce);
}
