"""Text alternatives, tables of numbers and the keyboard's way to add a point (WCAG 2.1 AA), through AppTest.

Every chart on every page gets an ``alt`` (the chart component's ``role="img"`` + ``aria-label``)
that says what it shows now, with the current numbers, never its tick labels; the expected
numbers are computed here from the session's lab. Every figure's numbers are reachable as a table.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import streamlit.config
from apptest import ok, open_numbers, payload
from streamlit.testing.v1 import AppTest

from chart_js import drawn
from perceptron.engine import network as net
from perceptron.views import alt
from perceptron.web import chart as component
from perceptron.web import focus

streamlit.config.set_option("client.showErrorDetails", "full")

ROOT = Path(__file__).resolve().parents[1]
HOME = "app.py"
PAGES = [HOME] + sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
PAGES.remove("pages/7_Class.py")  # the teacher's, chartless without the key: tests/test_live_class.py checks it
DATASET, FORWARD, BACKPROP, DESCENT, LANDSCAPE, HIDDEN = PAGES[1:7]
TICKS = re.compile(r"^[\s\d.,−\-+eE×^]*$")  # what plotly.js names a chart by: its tick labels


def open_app(page: str = HOME) -> AppTest:
    at = AppTest.from_file(str(ROOT / HOME), default_timeout=120)
    if page != HOME:
        at.switch_page(page)
    at.run()
    return ok(at)


def charts(at: AppTest) -> dict[str, dict]:
    """key -> the data each chart component received."""
    out = {}
    for c in at.get("bidi_component"):
        if c.proto.component_name.endswith(component.COMPONENT_NAME):
            out[c.proto.id.rsplit("-", 1)[-1]] = drawn(payload(c.proto), at)
    return out


def announcements(at: AppTest) -> list[str]:
    return [payload(c.proto)["announce"] for c in at.get("bidi_component")
            if c.proto.component_name.endswith(focus.COMPONENT_NAME) and "announce" in payload(c.proto)]


def assert_describes(text: str | None, key: str) -> None:
    """A sentence with words and numbers, not a list of tick labels."""
    assert text, f"chart {key!r} has no text alternative"
    assert not TICKS.match(text), f"chart {key!r}: {text!r} is only numbers"
    words = re.findall(r"[A-Za-z]{3,}", text)
    assert len(words) >= 5 and re.search(r"\d", text), f"chart {key!r}: {text!r}"


def sides(X, y, w, b) -> str:
    right = int(np.sum(((X @ w + b) >= 0) == (y == 1)))
    return f"{right} of {len(y)} training points on the right side"


# --- every chart on every page -------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_has_a_text_alternative_that_is_not_its_tick_labels(page):
    at = open_app(page)
    found = charts(at)
    assert found, f"no chart on {page}"
    for key, data in found.items():
        assert_describes(data.get("alt"), key)


def test_the_home_and_forward_diagrams_say_the_weights():
    at = open_app()
    lab = at.session_state["lab"]
    w, b = lab.params()
    text = charts(at)["home_diagram"]["alt"]
    for v in (*w, b):
        assert alt.num(v) in text, (alt.num(v), text)
    at.switch_page(FORWARD).run()
    ok(at)
    X, y, *_ = lab.design()
    i = lab.sample
    z = float(X[i] @ w + b)
    found = charts(at)
    assert f"z = {alt.num(z)}" in found["fwd_diagram"]["alt"]
    plane = found["fwd_plane"]["alt"]
    assert sides(X, y, w, b) in plane and f"w = {alt.vector(w)}" in plane and f"Sample #{i}" in plane
    assert f"Sample #{i}: z = {alt.num(z)}" in found["fwd_sigmoid"]["alt"]


def test_the_dataset_plot_counts_the_points():
    at = open_app(DATASET)
    d = at.session_state["lab"].dataset
    text = charts(at)["ds_plot"]["alt"]
    assert f"{d.n} points" in text
    for label in (0, 1):
        train, held = int(np.sum((d.y == label) & ~d.test)), int(np.sum((d.y == label) & d.test))
        assert f"{train} training and {held} test points" in text


def test_the_descent_figure_says_the_epoch_weights_and_points_and_follows_a_step():
    at = open_app(DESCENT)
    lab = at.session_state["lab"]
    X, y, *_ = lab.design()
    for expected_epoch in (0, 1):
        w, b = lab.params()
        text = charts(at)["descent"]["alt"]
        assert text.startswith(f"Decision boundary at epoch {expected_epoch}: w = {alt.vector(w)}, b = {alt.num(b)}")
        assert sides(X, y, w, b) in text
        assert f"Cost at epoch {expected_epoch}: {alt.num(lab.history.cost[expected_epoch], 4)}" in text
        h = lab.history
        assert announcements(at) == [alt.status(h.cost, h.accuracy, lab.epoch, lab.n_train, h.test_accuracy)]
        at.button(key="step").click().run()
        ok(at)
    assert announcements(at)[0].startswith("Epoch 2: cost ")


def test_the_backprop_plane_says_the_step_and_has_a_table():
    at = open_app(BACKPROP)
    lab = at.session_state["lab"]
    w, b = lab.params()
    text = charts(at)["bp_plane"]["alt"]
    assert f"w = {alt.vector(w)}" in text and "The arrow −α∇C goes from" in text
    assert any(e.label == "Numbers of this plane" for e in at.expander)


def test_the_landscape_charts_say_their_paths_and_have_tables():
    at = open_app(LANDSCAPE)
    lab = at.session_state["lab"]
    found = charts(at)
    b = lab.params()[1]
    assert f"b held at {alt.num(b)}" in found["ls_run"]["alt"]
    assert "α = 1: " in found["ls_curves"]["alt"] and "Path α = 40 (a projection onto this slice" in found["ls_paths"]["alt"]
    assert "Path descent, α = 0.5: " in found["ls_run"]["alt"]  # the run so far stays on its slice: no projection
    labels = [e.label for e in at.expander]
    for what in ("your run's path", "the cost curves", "the three paths", "the error curves", "the slopes"):
        assert f"Numbers of {what}" in labels


def test_the_hidden_layer_figures_say_each_unit_and_have_tables():
    at = open_app(HIDDEN)
    netlab = at.session_state["netlab"]
    p = netlab.params()
    found = charts(at)
    text = found["hidden"]["alt"]
    assert text.startswith(f"Hidden-layer network at epoch {netlab.epoch}:")
    for j in range(p.h):
        assert f"unit {j + 1} draws the line" in text and f"weight {alt.num(p.w2[j])} into ŷ" in text
    X, *_ = netlab.design()
    y_hat = float(net.forward(X[netlab.sample][None, :], p).y_hat[0])
    assert f"output ŷ = {alt.num(y_hat)}" in found["hidden_net"]["alt"]
    labels = [e.label for e in at.expander]
    assert "Numbers of the figure: each unit's weights" in labels and "Numbers of the cost curve" in labels


# --- the pure functions -------------------------------------------------------------------------------


def test_numbers_are_written_by_the_one_printing_rule_with_a_real_minus_sign():
    """The text alternatives had their own 3-digit formatter ("1.23 × 10^−5"): they now say what the worked
    lines print (perceptron.text.worked.text), so a screen reader and the page agree."""
    from perceptron.text import worked

    assert alt.num(-1.23456) == "−1.235" == worked.text(-1.23456)
    assert alt.num(0.000012346) == "1.235×10⁻⁵" == worked.text(0.000012346)
    assert alt.num(6.179e-32) == "6.179×10⁻³²" and alt.num(123456.0) == "1.235×10⁵"
    assert alt.num(float("inf")) == "infinity" and alt.num(float("nan")) == "not a number"
    assert alt.vector([0.5, -2]) == "(0.5, −2)"
    assert alt.status(np.array([0.5, 0.1834]), np.array([0.5, 0.975]), 1, 80) == "Epoch 1: cost 0.1834, 78 of 80 correct"
    assert alt.status(np.array([0.5, 0.1834]), np.array([0.5, 0.975]), 1, 80, np.array([0.5, 0.996]), n_test=250) \
        == "Epoch 1: cost 0.1834, 78 of 80 correct, test accuracy 249 of 250 (99.6 %)"  # never "100%"


def test_a_plane_counts_the_points_on_the_right_side():
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [2.0, 0.0]])
    y = np.array([1, 0, 0])
    text = alt.plane_alt(X, y, np.array([1.0, 0.0]), 0.0, epoch=3)
    assert text.startswith("Decision boundary at epoch 3: w = (1, 0), b = 0; 2 of 3 training points on the right side")


# --- adding a point by keyboard -------------------------------------------------------------------------


def add_point(at: AppTest, x1: str, x2: str, label: int = 0) -> AppTest:
    at.text_input(key="ds_add_x1").input(x1)
    at.text_input(key="ds_add_x2").input(x2)
    at.radio(key="ds_add_class").set_value(label)
    next(b for b in at.button if b.label == "Add point").click().run()
    return ok(at)


def test_the_form_adds_a_point_and_refuses_bad_input_losing_nothing():
    at = open_app(DATASET)
    lab = at.session_state["lab"]
    n = lab.dataset.n
    add_point(at, "0.5", "-1,25", 1)
    assert lab.dataset.n == n + 1
    np.testing.assert_allclose(lab.dataset.X[-1], [0.5, -1.25])
    assert lab.dataset.y[-1] == 1 and not lab.dataset.test[-1]
    assert any("Added a class 1 point at (0.5, -1.25)" in s.value for s in at.success)
    add_point(at, "abc", "2")
    assert lab.dataset.n == n + 1  # refused
    assert any("not added" in e.value and "is not a number" in e.value for e in at.error)
    assert at.text_input(key="ds_add_x1").value == "abc"  # what was typed is still there
    add_point(at, "", "2")
    assert lab.dataset.n == n + 1 and any("x₁ is empty" in e.value for e in at.error)


def test_the_numbers_of_a_chart_are_shown_by_the_printing_rule():
    """A saturated gradient showed as -0.0000000000000000000000000190 in "Numbers of this plane": every chart's
    table displays its numbers as the worked lines print them (the cells stay numbers, for sorting)."""
    from perceptron.web.panels import _printed

    at = open_numbers(open_app(BACKPROP), "this plane")

    assert _printed(-1.896e-26) == "−1.896×10⁻²⁶" and _printed(float("nan")) == "" and _printed(0.5) == "0.5"
    table = next(d for d in at.dataframe if "∂C/∂·" in d.value.columns)
    assert table.value["now"].dtype.kind == "f"  # numbers underneath
    assert table.proto.arrow_data.styler.display_values  # shown through the formatter
