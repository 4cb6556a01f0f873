"""A teacher's walkthrough in a real browser: the teacher builds a preset link on Home (its QR code decodes to
it), and a student opens it and walks the whole guided lesson, Home to the hidden layer, on a desktop and on a
phone: every step on its page, no dead end, no page hidden from the lesson. (tests/test_walkthrough.py walks
every preset in-process and checks the advice each page gives against the link's locks.)"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import numpy as np
import pytest
import zxingcpp
from lab_browser import open_page, settle, walk_lesson
from PIL import Image

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def teacher_link(page, base: str, preset: str) -> str:
    """Home's teacher panel: choose the preset, read the link, and check that its QR code decodes to it."""
    open_page(page, base, "/")
    page.get_by_text("For teachers: share a locked-down exercise").click()
    page.get_by_role("radiogroup", name="Students may change").get_by_text(preset).click()
    settle(page)
    panel = page.locator('[data-testid="stExpander"]').filter(has_text="Send this link to your students")
    link = panel.locator('[data-testid="stCode"]').inner_text().strip()
    assert link.startswith(base), link
    page.mouse.move(0, 0)  # the copy button is in sight without the mouse over the link
    seen = panel.locator('[data-testid="stCode"] button[aria-label="Copy to clipboard"]').evaluate(
        """(b) => { let o = 1; for (let e = b; e; e = e.parentElement) { const s = getComputedStyle(e);
                    o *= +s.opacity; if (s.visibility === 'hidden' || s.display === 'none') return 0; } return o; }""")
    assert seen == 1, seen
    qr = panel.locator('[data-testid="stImage"] img')
    # the link and its picture come in separately (the image is fetched after the run that made it): read both
    # again until they agree, or say what they were after 30 s
    for _ in range(60):
        link = panel.locator('[data-testid="stCode"]').inner_text().strip()
        qr.scroll_into_view_if_needed()
        qr.evaluate("(img) => img.decode()")
        pixels = np.asarray(Image.open(io.BytesIO(qr.screenshot())).convert("L"))
        found = [c.text for c in zxingcpp.read_barcodes(pixels)]
        if found == [link]:
            break
        page.wait_for_timeout(500)
    assert found == [link], (found, link)
    return link


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("preset", ["Only the learning rate", "Read-only demonstration", "Everything"])
def test_a_student_walks_the_lesson_on_a_teachers_link(new_page, app_url, preset, device):
    link = teacher_link(new_page(), app_url, preset)
    page = new_page(PHONE if device == "phone" else None)
    page.goto(link)
    settle(page, min_charts=1)
    if "hide=" in link:  # a locked link keeps the teacher panel out of the students' sight
        assert not page.get_by_text("For teachers").count()
    walk_lesson(page)


def test_on_a_phone_the_one_free_setting_sits_beside_step(new_page, app_url):
    """The "only the learning rate" link on a 390×844 phone: α is in one screen with Step (no sidebar to open),
    a tap changes it and Step trains with it; the locked cost and mode are said, read-only, in their place."""
    link = teacher_link(new_page(), app_url, "Only the learning rate")
    page = new_page(PHONE)
    page.goto(f"{app_url}/Gradient_descent?{urlsplit(link).query}")
    settle(page, min_charts=1)
    step = page.get_by_role("button", name="Step one epoch")
    rate = page.get_by_label("Learning rate α")
    step.scroll_into_view_if_needed()
    top, bottom = rate.bounding_box(), step.bounding_box()
    assert 0 <= top["y"] and bottom["y"] + bottom["height"] <= 844, (top, bottom)  # one screen, no scrolling
    assert page.get_by_text("Cost: MSE (the article's) (fixed by your teacher's link)").is_visible()
    # no projector's toggle and no keyboard hints on a touch screen
    assert page.evaluate("getComputedStyle(document.querySelector('.st-key-large_type')).display") == "none"
    rate.tap()
    rate.fill("2")
    rate.press("Enter")
    settle(page, min_charts=1)
    step.tap()
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
                              .some((m) => m.innerText.trim() === '1')""")
    settle(page, min_charts=1)
    assert "lr=2.0" in page.url and "hide=" in page.url, page.url


def test_on_a_phone_the_sidebar_closes_after_a_page_link(new_page, app_url):
    """Streamlit leaves the sidebar open over the new page; on a phone it closes, as a menu does."""
    page = new_page(PHONE)
    open_page(page, app_url, "/Gradient_descent")
    bar = page.locator('[data-testid="stSidebar"]')
    assert bar.get_attribute("data-collapsed") == "true"  # a phone starts with it closed
    page.locator('[data-testid="stExpandSidebarButton"]').tap()
    page.wait_for_function("""() => document.querySelector('[data-testid="stSidebar"]')
                              .getAttribute('data-collapsed') === 'false'""")
    bar.locator('[data-testid="stPageLink-NavLink"]').filter(has_text="2 · Forward propagation").tap()
    page.wait_for_url(re.compile(r"/Forward_propagation(\?|$)"))
    settle(page, min_charts=1)
    page.wait_for_function("""() => document.querySelector('[data-testid="stSidebar"]')
                              .getAttribute('data-collapsed') === 'true'""")
