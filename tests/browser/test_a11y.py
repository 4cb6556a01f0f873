"""Accessibility in a real Chromium (WCAG 2.1 AA): axe-core on every page, first and after a Step,
and the whole lab by keyboard alone, with the focus never dropped on the page's body.

axe-core cannot judge text inside the SVG charts; their colours are checked by
tests/test_contrast.py, and their text alternatives by tests/test_alt.py.
"""

from __future__ import annotations

import re

import pytest
from a11y_browser import FOCUS as FOCUS_JS
from a11y_browser import axe_violations, describe, focused
from lab_browser import PAGES, assert_no_app_error, open_page, settle, step

pytestmark = pytest.mark.browser

STEPPING = {"/Gradient_descent": "Step one epoch", "/Hidden_layer": "Step one epoch"}
MIN_CHARTS = {"/Loss_landscape": 3}


@pytest.mark.parametrize("path", list(PAGES), ids=list(PAGES.values()))
def test_axe_finds_no_wcag_violations(page, app_url, path):
    open_page(page, app_url, path, min_charts=MIN_CHARTS.get(path, 1))
    assert_no_app_error(page)
    found = axe_violations(page)
    assert not found, f"axe on {path}:\n{describe(found)}"
    if path in STEPPING:
        step(page)
        found = axe_violations(page)
        assert not found, f"axe on {path} after a Step:\n{describe(found)}"
        # the button's shortcut hint (its tooltip), shown in full, is read like any other text
        button = page.get_by_role("button", name=STEPPING[path])
        tip = page.locator(".stTooltipContent").filter(has_text="Keyboard")
        found = axe_violations(page, hover=button, shows=tip)
        assert tip.is_visible(), "the Step button's tooltip was not shown while axe ran: nothing was checked"
        assert not found, f"axe on {path} with the Step button's tooltip shown:\n{describe(found)}"
    assert_no_app_error(page)


# --------------------------------------------------------------------------------------------
# The whole lab by keyboard alone
# --------------------------------------------------------------------------------------------
def tab_to(page, locator, back: bool = False, limit: int = 400) -> None:
    """Press Tab (Shift+Tab with ``back``) until the focus is on ``locator`` (or inside it)."""
    target = locator.first
    target.wait_for(timeout=60_000)
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        if target.evaluate("(el) => el === document.activeElement || el.contains(document.activeElement)"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} not reached with {limit} presses of {key}; focus on {focused(page)}")


def assert_focus_kept(page, action: str) -> None:
    """After ``action`` and the rerun it caused, the focus is somewhere, not dropped on the body."""
    settle(page)
    try:  # the page's watch puts a dropped focus back within its next check (a fuse, not a speed limit)
        page.wait_for_function(f"() => ({FOCUS_JS})() !== null", timeout=60_000, polling=100)
    except Exception:  # noqa: BLE001 - reported below, with what the page knew
        pass
    where = focused(page)
    state = None if where else page.evaluate(
        """() => { const s = window.__nlA11y || {}; const l = s.last || {};
                   return {page: s.page, title: s.title, lastKey: l.key, lastConnected: l.el && l.el.isConnected,
                           lastDisabled: l.el && l.el.disabled, lastText: l.el && (l.el.innerText || '').slice(0, 40)}; }""")
    assert where is not None, f"the focus fell to the page's body after {action}: {state}"


def wait_heading_focused(page, title: str) -> None:
    page.wait_for_function(
        """(title) => { const a = document.activeElement;
             return a && a.tagName === 'H1' && a.innerText.trim().startsWith(title); }""",
        arg=title, timeout=60_000, polling=100)


def type_into(page, locator, text: str, back: bool = False) -> None:
    tab_to(page, locator, back=back)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_the_lab_by_keyboard_alone(page, app_url):
    from lab_browser import wait_counts, wait_epoch_metric

    from perceptron.views.lesson import STEPS

    open_page(page, app_url, "/Dataset")
    wait_heading_focused(page, "Dataset")  # the page's heading has the focus on arrival

    # a two-point dataset, with the form
    tab_to(page, page.locator(".st-key-ds_clear button"))
    page.keyboard.press("Enter")
    wait_counts(page, {"total": (0, 0, 0)})
    assert_focus_kept(page, "Clear all points")
    x1, x2 = page.locator(".st-key-ds_add_x1 input"), page.locator(".st-key-ds_add_x2 input")
    type_into(page, x1, "-1")
    type_into(page, x2, "-1")
    page.keyboard.press("Enter")  # Enter in a field submits the form
    page.get_by_text("Added a class 0 point at (-1, -1); 1 point in all.").wait_for(timeout=60_000)
    assert_focus_kept(page, "adding a point with Enter")
    type_into(page, x1, "1", back=True)
    type_into(page, x2, "1")
    tab_to(page, page.locator(".st-key-ds_add_class input[type=radio]"))
    page.keyboard.press("ArrowRight")  # class 1
    tab_to(page, x2, back=True)
    page.keyboard.press("Enter")
    page.get_by_text("Added a class 1 point at (1, 1); 2 points in all.").wait_for(timeout=60_000)
    wait_counts(page, {"class 0": (1, 0, 1), "class 1": (1, 0, 1), "total": (2, 0, 2)})
    assert_focus_kept(page, "adding a second point")
    type_into(page, x1, "abc", back=True)  # a typo is refused, and nothing is lost
    page.keyboard.press("Enter")
    page.get_by_text("is not a number", exact=False).wait_for(timeout=60_000)
    assert x1.input_value() == "abc"
    wait_counts(page, {"total": (2, 0, 2)})
    assert_focus_kept(page, "a refused point")

    # Gradient descent: Step, Play, Pause and Reset by keyboard
    tab_to(page, page.locator('[data-testid="stSidebar"] a').filter(has_text="4 · Gradient descent"), back=True)
    page.keyboard.press("Enter")
    wait_heading_focused(page, "Gradient descent")
    settle(page, min_charts=1)
    page.keyboard.press("ArrowRight")  # the Step shortcut
    wait_epoch_metric(page, 1)
    page.wait_for_function("() => [...document.querySelectorAll('.nl-live')].some(e => "
                           "/^Epoch 1: cost [\\d.]+, \\d of 2 correct/.test(e.textContent))", timeout=60_000)
    assert_focus_kept(page, "the Step shortcut")
    tab_to(page, page.locator(".st-key-step button"))
    page.keyboard.press("Enter")
    wait_epoch_metric(page, 2)
    assert_focus_kept(page, "Enter on Step")
    page.keyboard.press("Alt+P")  # Play
    page.locator(".st-key-play button").filter(has_text="Pause").first.wait_for(timeout=60_000)
    # as a student would: pause once the figure plays (a Pause sent before the browser got the frames
    # is a known race of the chart component, on the mouse as on the keyboard)
    page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot g.annotation text.annotation-text')]
        .some(t => /playing/.test(t.textContent || ''))""",
                           timeout=60_000, polling=50)
    page.keyboard.press("Alt+P")  # Pause
    page.locator(".st-key-play button").filter(has_text="Play").first.wait_for(timeout=60_000)
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
    assert_focus_kept(page, "Play and Pause")
    page.keyboard.press("Alt+0")  # Reset
    wait_epoch_metric(page, 0)
    assert_focus_kept(page, "Reset")

    # the guided lesson, start to end
    tab_to(page, page.locator('[data-testid="stSidebar"] a').filter(has_text="Home"), back=True)
    page.keyboard.press("Enter")
    wait_heading_focused(page, "Neuron Lab")
    tab_to(page, page.get_by_role("button", name="Start the guided lesson"))
    page.keyboard.press("Enter")
    panel = page.locator(".st-key-lesson_panel")
    for k, lesson_step in enumerate(STEPS):
        panel.get_by_text(f"step {k + 1} of {len(STEPS)}: {lesson_step.title}").wait_for(timeout=60_000)
        assert_focus_kept(page, f"reaching lesson step {k + 1}")
        assert_no_app_error(page)
        if k < len(STEPS) - 1:  # "Next" once a prediction is revealed, else "Skip": the lesson goes on either way
            tab_to(page, panel.get_by_role("button", name=re.compile(r"^(Next|Skip)$")))
            page.keyboard.press("Enter")
    tab_to(page, panel.get_by_role("button", name="End lesson"))
    page.keyboard.press("Enter")
    panel.wait_for(state="detached", timeout=60_000)
    assert_focus_kept(page, "ending the lesson")
    assert_no_app_error(page)
