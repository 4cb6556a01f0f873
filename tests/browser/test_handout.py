"""The Backpropagation page's printable handout: downloaded from the page, opened and printed to PDF by Chromium,
its formulas are typeset (MathML laid out, no LaTeX source left in the printed text) and its numbers are the
page's own, recomputed here from σ."""

from __future__ import annotations

import io
import math
import re

from lab_browser import open_page, settle
from pypdf import PdfReader

from perceptron.session.lab import Lab


def test_the_handout_prints_with_its_formulas_typeset(page, app_url, browser):
    open_page(page, app_url, "/Backpropagation")
    button = page.get_by_role("button", name="Printable handout of these numbers")
    button.scroll_into_view_if_needed()
    settle(page)
    with page.expect_download() as download:
        button.click()
    html = download.value.path().read_text(encoding="utf-8")
    assert "<math" in html and "$$" not in html and "<mi>&</mi>" not in html
    assert not re.search(r"\b(src|href)=", html)  # nothing to fetch

    paper = browser.new_context().new_page()
    requests: list[str] = []
    paper.on("request", lambda r: requests.append(r.url))
    paper.set_content(html)
    paper.emulate_media(media="print")
    boxes = paper.evaluate("""() => [...document.querySelectorAll('math')].map(m => {
        const r = m.getBoundingClientRect(); return [r.width, r.height, m.scrollWidth <= m.parentElement.clientWidth + 1];
    })""")
    assert len(boxes) >= 12 and all(w > 20 and h > 10 and fits for w, h, fits in boxes), boxes  # typeset, on the page
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(paper.pdf(format="A4"))).pages)
    assert "\\frac" not in text and "\\partial" not in text and "$" not in text, text[:500]
    assert not [u for u in requests if not u.startswith(("about:", "data:"))], requests

    # the page's default sample #0 at epoch 0, recomputed: z, ŷ and ∂ŷ/∂z as the handout prints them
    lab = Lab.from_settings()
    X, y, *_ = lab.design()
    w, b = lab.params()
    z = float(X[0] @ w + b)
    y_hat = 1 / (1 + math.exp(-z))
    for value in (z, y_hat, y_hat * (1 - y_hat)):
        assert text_of(value) in text, (text_of(value), text[:800])


def text_of(value: float) -> str:
    """A number as the handout prints it (the pages' rule: 4 significant digits here)."""
    return f"{value:.4g}"
