"""Helpers of the accessibility browser tests: axe-core on a page as tall as its content, and focus.

axe-core comes from the ``axe-playwright-python`` package (requirements-dev.txt), which bundles
``axe.min.js``; it is injected into the page and run with the WCAG 2.0/2.1 A and AA rules only.
Streamlit scrolls inside its own container, and axe leaves out what is scrolled out of view, so
the viewport is first made as tall as the content.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lab_browser import settle

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAX_HEIGHT = 12_000  # a fuse against a runaway layout, far above any page's height

_CONTENT_HEIGHT = """
() => Math.max(...['[data-testid="stMain"]', '[data-testid="stMainBlockContainer"]',
                   '[data-testid="stAppViewContainer"]', '[data-testid="stSidebarContent"]', 'body']
  .map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight))
"""

# Finite CSS animations and transitions still running (a tooltip fading in, a popover sliding):
# axe would judge a half-transparent frame of them, which no one reads. Endless ones (a spinner) do not count.
_ANIMATING = """
() => document.getAnimations().filter(a => a.playState === 'running'
  && !(a.effect && a.effect.getComputedTiming().iterations === Infinity)).length
"""

_RUN = """
async (tags) => {
  const result = await window.axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary, html: n.html.slice(0, 300)}))}));
}
"""


@functools.lru_cache(maxsize=1)
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def tall_viewport(page) -> dict:
    """Make the viewport as tall as the page's content (so nothing is scrolled out); returns the old size."""
    size = dict(page.viewport_size)
    height = page.evaluate(_CONTENT_HEIGHT)
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), MAX_HEIGHT)})
    settle(page, min_charts=0, quiet=400)
    # the taller viewport may reflow the page: measure once more
    again = page.evaluate(_CONTENT_HEIGHT)
    if again > page.viewport_size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(again, MAX_HEIGHT)})
        settle(page, min_charts=0, quiet=400)
    return size


def axe_violations(page, hover=None, shows=None) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe-core finds on the whole page (viewport as tall as the content).

    The mouse is first moved off the page's elements, so no tooltip starts to fade in while axe
    reads the colours; with ``hover`` (a locator) it rests on that element instead, and axe runs
    once what that shows (``shows``, e.g. its tooltip) is there and has finished fading in.
    """
    size = tall_viewport(page)
    try:
        if hover is None:
            page.mouse.move(0, 0)
        else:
            hover.hover()
            if shows is not None:
                shows.wait_for(timeout=30_000)
        # judge the page as it settles, not a frame of a fade (a fuse, not a speed limit)
        page.wait_for_function(f"() => ({_ANIMATING})() === 0", timeout=30_000, polling=50)
        if not page.evaluate("() => Boolean(window.axe)"):
            page.add_script_tag(content=axe_source())
        return page.evaluate(_RUN, WCAG_TAGS)
    finally:
        page.set_viewport_size(size)


def describe(violations: list[dict]) -> str:
    """Violations as readable lines, for an assertion message."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s)")
        for n in v["nodes"][:6]:
            lines.append(f"    {n['target']}: {(n['summary'] or '').splitlines()[-1] if n['summary'] else ''}")
            lines.append(f"        {n['html'][:160]}")
    return "\n".join(lines)


FOCUS = """
() => {
  const a = document.activeElement;
  if (!a || a === document.body || a === document.documentElement) return null;
  return {tag: a.tagName, text: (a.innerText || a.getAttribute('aria-label') || '').slice(0, 80), id: a.id || ''};
}
"""


def focused(page) -> dict | None:
    """What has the keyboard focus (tag, text), or None when it is on the page's body."""
    return page.evaluate(FOCUS)
