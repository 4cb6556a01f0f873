"""Text from a link or a file is data: every page shows it as text, and nothing from it reaches another host.

A school's IT office tries crafted links and files before it lets a class in. Each page is opened with a
link whose unknown keys and bad values are Markdown images, links, web addresses, colour codes, headings,
HTML and LaTeX; a CSV file with such a name, header and class names is uploaded and every page visited
with it. On each: no request leaves the app's host, no element carries an outside address in an
attribute (an ``<a href>``, an ``<img src>``, a style's ``url()``), and each payload the page repeats is
on screen whole, as the text of a ``<code>`` element (a code span, where nothing is interpreted), not
as a link, an image, a heading, coloured text or typeset math.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest
from lab_browser import PAGES, assert_no_app_error, open_page, settle

# Each payload fits in a quote (30 characters) so the page shows it whole.
PAYLOADS = (
    "![](http://e.invalid/x.png)", "[Sign in](https://e.invalid/l)", "https://e.invalid/phish",
    ":red[**SESSION EXPIRED**]", "# Your session expired", "<img src=//e.invalid/h.png>",
    "$\\href{//e.invalid}{x}$", "www.e.invalid/login", "<a href=//e.invalid>x</a>", "**Sign in again**",
    ":material/lock: <b>now</b>", "![t](//e.invalid/t.png)", "[here](//e.invalid)", "*:blue[x]* ~~y~~",
)

# Every attribute that can name an address, and the text of whatever element holds a payload.
INSPECT = """(payloads) => {
  const outside = [];
  for (const el of document.querySelectorAll('*')) {
    for (const name of el.getAttributeNames()) {
      const value = el.getAttribute(name) || '';
      if (/(^|:)(href|src|srcset|action|formaction|poster|data|background)$/i.test(name) || name === 'style') {
        if (/e\\.invalid/.test(value)) outside.push(`${el.tagName} ${name}=${value}`);
      }
    }
  }
  // every innermost element whose text holds a payload, and whether it sits in Markdown, a heading, a link,
  // math or coloured text (a chart's SVG text is drawn by plotly.js from escaped text: perceptron/views/scenes.py)
  const holders = {};
  for (const p of payloads) {
    holders[p] = [];
    for (const el of document.querySelectorAll('[data-testid="stMain"] *, [data-testid="stSidebar"] *')) {
      // (a word joiner keeps Streamlit from reading ":material/" as an icon's name: perceptron/text/plain.py)
      if (el.children.length > 0 || !el.textContent.replaceAll('\u2060', '').includes(p)) continue;
      holders[p].push({tag: el.tagName, markdown: !!el.closest('[data-testid="stMarkdownContainer"]'),
                       heading: !!el.closest('h1,h2,h3,h4,h5,h6'), link: !!el.closest('a'),
                       math: !!el.closest('.katex'),
                       coloured: !!el.closest('[class*="colored"], span[style*="color"]')});
    }
  }
  return {outside, holders};
}"""


def _watch(page, host: str) -> list[str]:
    """Every request and websocket of the page that goes anywhere but the app's host."""
    elsewhere: list[str] = []

    def note(url: str) -> None:
        if not url.startswith("data:") and urlsplit(url.removeprefix("blob:")).netloc != host:
            elsewhere.append(url)

    page.on("request", lambda r: note(r.url))
    page.on("websocket", lambda ws: note(ws.url))
    return elsewhere


def _check(page, expected: list[str], elsewhere: list[str], where: str) -> None:
    settle(page, min_charts=0, quiet=600)
    assert_no_app_error(page)
    seen = page.evaluate(INSPECT, expected)
    assert not seen["outside"], f"{where}: an outside address in the page: {seen['outside']}"
    assert not elsewhere, f"{where}: requests to other hosts: {elsewhere}"
    for p in expected:
        holders = seen["holders"][p]
        assert any(h["markdown"] for h in holders), f"{where}: {p!r} is not written on the page as text"
        for h in holders:
            assert not (h["heading"] or h["link"] or h["math"] or h["coloured"]), (where, p, h)
            assert h["tag"] == "CODE" or not h["markdown"], (where, p, h)  # in Markdown, only as a code span


def _groups():
    """Each page's link: three payloads as unknown keys, one as a number, one in the hide list."""
    pages = list(PAGES)
    for n, path in enumerate(pages):
        chosen = [PAYLOADS[(n * 2 + k) % len(PAYLOADS)] for k in range(5)]
        yield path, chosen


@pytest.mark.parametrize(("path", "chosen"), list(_groups()), ids=[p for p, _ in _groups()])
def test_a_hostile_link_shows_as_text_on_every_page(page, app_url, path, chosen):
    elsewhere = _watch(page, urlsplit(app_url).netloc)
    unknown, number, locked = chosen[:3], chosen[3], chosen[4]
    query = {k: "1" for k in unknown} | {"lr": number, "hlr": number, "hide": f"lr,{locked}"}
    page.goto(f"{app_url}{path}?{urlencode(query)}")
    settle(page, min_charts=0)
    alerts = page.get_by_test_id("stAlert").all_inner_texts()
    assert any("Ignored 3 link settings this app does not know" in a for a in alerts), alerts
    _check(page, chosen, elsewhere, path)


HEADER = ("![](http://e.invalid/c.png)", "[click](https://e.invalid/p)", ":red[**X**] # H", "label")
CLASSES = ("www.e.invalid/a", "$\\href{//e.invalid}{x}$")
FILE_NAME = "<img src=//e.invalid/n.png>.csv"


def _hostile_csv() -> bytes:
    rows = [",".join(f'"{h}"' for h in HEADER)]
    rows += [f"{i % 3},{i % 5},{i},\"{CLASSES[i % 2]}\"" for i in range(12)]
    return ("\n".join(rows) + "\n").encode()


def test_a_hostile_file_shows_as_text_on_every_page(page, app_url):
    elsewhere = _watch(page, urlsplit(app_url).netloc)
    open_page(page, app_url, "/Dataset")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": _hostile_csv()}])
    page.get_by_text("Loaded 12 points from").wait_for()
    # the notes name the file, the columns used and ignored and the classes; the radio buttons the classes
    _check(page, [FILE_NAME, *HEADER[:3], *CLASSES], elsewhere, "/Dataset after the upload")
    radios = page.locator('[data-testid="stRadio"]').filter(has_text="A click adds a point of")
    assert radios.locator("code").all_inner_texts() == sorted(CLASSES, key=lambda c: (c.casefold(), c))  # 0, 1
    for path in list(PAGES)[2:]:  # the other pages, in the same session (the sidebar's links)
        page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]').filter(
            has_text=path.strip("/").replace("_", " ")).first.click()
        page.wait_for_url(f"**{path}**")
        settle(page, min_charts=0)
        _check(page, [], elsewhere, path)
