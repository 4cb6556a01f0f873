"""The presenter layout on a projector's 1280×720 screen: for every step of the guided lesson, the lesson's card
and what the step speaks of (``Step.shows``) are in one viewport, side by side (bounding boxes, the card covering
none of it), with and without Large type; under Large type the text, the buttons and the navigation are larger
together (the root's size), no chart text is under 18 px and no word is broken or cut. A phone keeps the card in
the page's flow (no docking)."""

from __future__ import annotations

import pytest
from lab_browser import BROKEN, LESSON_PATHS, SMALL_CHART_TEXT, assert_no_app_error, settle

from perceptron.views.lesson import STEPS
from perceptron.web.panels import sight_selector

PROJECTOR = {"viewport": {"width": 1280, "height": 720}}
LEAST_CHART_TEXT = 18  # px under Large type
TOOLBAR = 60  # px: Streamlit's toolbar at the top of the page covers what is under it

# True once every element the step speaks of is drawn, laid out where it stays (the same boxes for 8 polls), and
# the page has stopped scrolling (the presenter layout brings them in sight)
IN_SIGHT_AND_STILL = """(selectors) => {
  const els = selectors.map((q) => document.querySelector(q));
  if (!els.every((e) => e && e.getBoundingClientRect().height > 0)) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  const now = JSON.stringify([main ? main.scrollTop : 0, ...els.map((e) => {
    const r = e.getBoundingClientRect(); return [r.top, r.bottom]; })]);
  if (window.__nlSight !== now) { window.__nlSight = now; window.__nlSightStill = 0; return false; }
  return ++window.__nlSightStill >= 8;
}"""

BOXES = """(selectors) => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  return {card: box(document.querySelector('.st-key-lesson_panel')),
          shows: selectors.map((q) => box(document.querySelector(q))),
          root: parseFloat(getComputedStyle(document.documentElement).fontSize),
          nav: parseFloat(getComputedStyle(document.querySelector('[data-testid="stSidebar"] a p, [data-testid="stSidebar"] a span')).fontSize),
          button: parseFloat(getComputedStyle(document.querySelector('.st-key-lesson_end button p, .st-key-lesson_end button')).fontSize)};
}"""


def inside(box, width, height, top=0) -> bool:
    return box["top"] >= top - 1 and box["bottom"] <= height + 1 and box["left"] >= -1 and box["right"] <= width + 1


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large type"])
def test_each_lesson_card_and_what_it_speaks_of_share_the_projectors_screen(new_page, app_url, large):
    page = new_page(PROJECTOR)
    width, height = PROJECTOR["viewport"]["width"], PROJECTOR["viewport"]["height"]
    problems = []
    for k, step in enumerate(STEPS):
        selectors = [sight_selector(name) for name in step.shows]
        assert selectors, f"step {k + 1} ({step.title}) names nothing on its page"
        page.goto(f"{app_url}{LESSON_PATHS[step.page]}?lesson={k + 1}" + ("&large=1" if large else ""))
        page.locator(".st-key-lesson_panel").wait_for(timeout=60_000)
        settle(page)
        # the presenter layout says when it is done with the step (it scrolled and followed the layout for 2 s)
        page.wait_for_function("(k) => (document.documentElement.dataset.nlSighted || '').endsWith(':' + k)",
                               arg=k, timeout=60_000, polling=100)
        page.wait_for_function(IN_SIGHT_AND_STILL, arg=selectors, timeout=60_000, polling=100)
        assert_no_app_error(page)
        seen = page.evaluate(BOXES, selectors)
        card = seen["card"]
        where = f"step {k + 1} ({step.title})"
        if not inside(card, width, height, TOOLBAR):
            problems.append(f"{where}: the card {card} is not on screen")
        for name, box in zip(step.shows, seen["shows"], strict=True):
            if not inside(box, width, height, TOOLBAR):
                problems.append(f"{where}: {name} {box} is not on screen beside the card")
            if box["right"] > card["left"] and box["left"] < card["right"] and box["bottom"] > card["top"]:
                problems.append(f"{where}: the card covers {name} ({box} under {card})")
        if large:
            assert seen["root"] == 20, seen  # 125 % of 16 px: every size in rem grows together
            assert seen["nav"] >= 17.5 and seen["button"] >= 17.5, seen
            if small := page.evaluate(SMALL_CHART_TEXT, LEAST_CHART_TEXT):
                problems.append(f"{where}: chart text under {LEAST_CHART_TEXT} px: {small[:3]}")
            if broken := page.evaluate(BROKEN):
                problems.append(f"{where}: {broken[:3]}")
    assert not problems, "\n".join(problems)


def test_on_a_phone_the_card_stays_in_the_page(new_page, app_url):
    """No docking on a touch screen: the card is in the page's flow, above what it speaks of, as wide as it."""
    page = new_page({"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True})
    page.goto(f"{app_url}/Gradient_descent?lesson=8")
    card = page.locator(".st-key-lesson_panel")
    card.wait_for(timeout=60_000)
    settle(page)
    assert card.evaluate("(e) => getComputedStyle(e).position") != "fixed"
    box, step = card.bounding_box(), page.locator(".st-key-step").bounding_box()
    assert box["y"] + box["height"] <= step["y"], (box, step)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large type"])
def test_a_chart_fills_the_screen_and_comes_back(new_page, app_url, large):
    """The toolbar's Full screen button: the Gradient descent figure fills the projector's screen (the browser's
    full-screen element, as tall as the screen, its three panels side by side), under Large type no text under
    18 px; the button again brings it back to its place and size."""
    page = new_page(PROJECTOR)
    page.goto(f"{app_url}/Gradient_descent" + ("?large=1" if large else ""))
    settle(page, min_charts=1)
    chart = page.locator(".st-key-descent .nl-plotly")
    before = chart.bounding_box()
    chart.hover()
    page.locator('.st-key-descent .modebar-btn[data-title="Full screen"]').click()
    page.wait_for_function("() => document.fullscreenElement && document.fullscreenElement.matches('.nl-plotly')")
    page.wait_for_function("(h) => Math.abs(document.fullscreenElement.getBoundingClientRect().height - h) < 2",
                           arg=PROJECTOR["viewport"]["height"])
    page.wait_for_function("() => document.fullscreenElement._fullLayout.height >= 700")
    panels = page.evaluate("""() => [...document.fullscreenElement.querySelectorAll('.subplot.xy, .subplot.x2y2, .subplot.x3y3')]
        .map((g) => Math.round(g.getBoundingClientRect().top))""")
    assert len(panels) == 3 and max(panels) - min(panels) < 5, panels  # side by side: the screen is wide
    if large:
        assert not page.evaluate(SMALL_CHART_TEXT, LEAST_CHART_TEXT)
    chart.hover()
    page.locator('.st-key-descent .modebar-btn[data-title="Leave full screen (Esc)"]').click()
    page.wait_for_function("() => !document.fullscreenElement")
    page.wait_for_function("(h) => Math.abs(document.querySelector('.st-key-descent .nl-plotly').getBoundingClientRect().height - h) < 2",
                           arg=before["height"])
    assert_no_app_error(page)
