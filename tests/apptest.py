"""What the tests that drive the app in-process (Streamlit's AppTest) share: a fresh session opened on a page (from
a link, or with a lab already in it), a page switch, a click, the data a chart component received (as the server
sent it, or as the browser draws it), a metric's value, the number that ends a LaTeX line, and σ computed
independently of the engine."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from chart_js import drawn

ROOT = Path(__file__).resolve().parents[1]
HOME = "app.py"


def ok(at: AppTest) -> AppTest:
    """``at`` after its run, which raised nothing."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def app(page: str = HOME, query: dict | None = None, lab=None) -> AppTest:
    """A fresh session on ``page``: opened from a link's ``query``, or with ``lab`` already in it."""
    at = AppTest.from_file(str(ROOT / HOME), default_timeout=120)
    if lab is not None:
        at.session_state["lab"] = lab
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if page != HOME:
        at.switch_page(page)
    return ok(at.run())


def go(at: AppTest, page: str) -> AppTest:
    """The same session, on ``page``."""
    return ok(at.switch_page(page).run())


def open_numbers(at: AppTest, what: str) -> AppTest:
    """The same session after opening the expander "Numbers of ``what``" (its table is built only while open)."""
    from perceptron.web.panels import numbers_key

    at.session_state[numbers_key(what)] = True
    return ok(at.run())


def click(at: AppTest, key: str) -> AppTest:
    return ok(at.button(key=key).click().run())


def payload_text(proto) -> str:
    """The JSON a component element carries: the chart's comes as UTF-8 bytes (``chart.plotly_chart``), others as text."""
    return proto.bytes.decode("utf-8") if proto.bytes else proto.json


def payload(proto) -> dict:
    """A component element's data, parsed (:func:`payload_text`)."""
    return json.loads(payload_text(proto))


def component(at: AppTest, key: str) -> dict:
    """The data the chart component ``key`` received, as the server sent it."""
    found = [c for c in at.get("bidi_component") if c.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, f"expected one chart {key!r}, found {[c.proto.id for c in at.get('bidi_component')]}"
    return payload(found[0].proto)


def chart(at: AppTest, key: str) -> dict:
    """The data of the chart component ``key`` as the page draws it (``spec``: the figure the browser draws)."""
    return drawn(component(at, key), at)


def numbers(obj):
    """Every number in a JSON structure."""
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return
    if isinstance(obj, int | float):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from numbers(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from numbers(v)


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def last_number(line: str) -> float:
    """The number at the end of a LaTeX line as latex.num writes it (``1.234`` or ``1.234 \\times 10^{-5}``)."""
    m = re.search(r"(-?[\d.]+(?:e[+-]?\d+)?)(?: \\times 10\^\{(-?\d+)\})?\s*(?:\\end\{aligned\}|\$\$)?\s*$", line.strip())
    assert m, line
    return float(m.group(1)) * (10.0 ** int(m.group(2)) if m.group(2) else 1.0)


def sigma(z):
    """σ(z) = 1/(1 + e^{−z}) in numpy, written here, not the engine's."""
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))
