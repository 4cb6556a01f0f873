"""Standardized inputs, written back in the data's own units (issue 22: "the boundary and w in the raw units of
the data (Iris), not only in standardized ones").

The reference is the pipeline itself: :meth:`Features.transform` followed by ``w·x̃ + b``. Every claim the
page makes (w′ and b′, the boundary line, the sample's z, the arrow perpendicular to the boundary) is checked
against points pushed through that pipeline, never against the formula w′ = w/σ it prints.
"""

import re

import numpy as np
import pytest
from apptest import app, chart

from perceptron.data.features import fit_features
from perceptron.session.lab import Lab
from perceptron.session.settings import Settings
from perceptron.text import worked
from perceptron.views import alt, latex, scenes

FORWARD = "pages/2_Forward_propagation.py"


def _cases(count=150, seed=7):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        scale = 10.0 ** rng.uniform(-2, 2, size=2)
        X = rng.normal(rng.uniform(-5, 5, size=2), scale, size=(int(rng.integers(2, 40)), 2))
        X = np.round(X, int(rng.integers(1, 4)))  # measured data: a few decimals
        w = rng.normal(0, 3, size=2)
        b = float(rng.normal(0, 3))
        yield X, fit_features(X, standardize=True), w, b


def _result(line: str) -> float:
    """The value a worked line ends with."""
    return worked.value_of(re.split(r"= |\\approx ", line)[-1].strip())


def test_raw_line_gives_the_pipeline_z_for_every_raw_point():
    for X, f, w, b in _cases():
        w_raw, b_raw = f.raw_line(w, b)
        probe = X + np.random.default_rng(1).normal(0, 1, size=X.shape) * f.std
        assert np.allclose(probe @ w_raw + b_raw, f.transform(probe) @ w + b, rtol=1e-9, atol=1e-9)


def test_no_raw_line_with_feature_maps():
    f = fit_features(np.array([[0.0, 1.0], [2.0, 5.0]]), maps=("x1^2",), standardize=True)
    assert f.raw_line(np.ones(3)[:2], 0.0) is None


def test_every_raw_units_line_holds_and_prints_w_and_b_alike_everywhere():
    for X, f, w, b in _cases():
        x = X[0]
        z = float(f.transform(x)[0] @ w + b)
        lines = latex.raw_units_steps(x, f.mean, f.std, w, b, z)
        worked_lines = [line for line in lines[:-1] if not line.startswith(r"\text{boundary: } x_2")]
        assert all(worked.holds(line) for line in worked_lines), lines
        if not worked.holds(lines[-1]):  # z ≈ …: only where large terms cancel to a small z
            w_raw, b_raw = f.raw_line(w, b)
            assert max(abs(w_raw[0] * x[0]), abs(w_raw[1] * x[1]), abs(b_raw)) > 10 * abs(z), lines[-1]
        w1, w2 = (re.split(r"= ", lines[j])[-1] for j in range(2))
        b_shown = re.split(r"= ", lines[2])[-1]
        # the b′ line takes w′ as the lines above printed them; so do the slope and z lines
        assert f"{worked.paren(w1)} \\cdot" in lines[2] and \
            f"{worked.paren(w2)} \\cdot" in lines[2]
        assert lines[-1].split("= ")[2].startswith(f"{worked.paren(w1)} \\cdot")
        assert re.search(re.escape(f"+ {worked.paren(b_shown)} ") + r"(=|\\approx)", lines[-1])
        # the sample's z from its raw coordinates is the z the neuron computed
        assert worked.num(_result(lines[-1])) == worked.num(z)
        # each printed number is the true one at its printed precision
        w_raw, b_raw = f.raw_line(w, b)
        for shown, true in ((w1, w_raw[0]), (w2, w_raw[1]), (b_shown, b_raw)):
            digits = len(re.sub(r"\\times.*|[^0-9]", "", shown).lstrip("0")) or 1
            assert worked.num(true, max(digits, 4)) == shown or worked.value_of(shown) == pytest.approx(true, rel=6e-4)


def test_the_printed_boundary_is_where_the_pipeline_says_z_is_zero():
    for X, f, w, b in _cases():
        w_raw, _ = f.raw_line(w, b)
        if abs(w_raw[1]) < 1e-9:
            continue
        lines = latex.raw_units_steps(X[0], f.mean, f.std, w, b, float(f.transform(X[0])[0] @ w + b))
        boundary = next(line for line in lines if line.startswith(r"\text{boundary: } x_2"))
        slope = _result(next(line for line in lines if line.startswith(r"\text{slope}")))
        icept = _result(next(line for line in lines if line.startswith(r"\text{intercept}")))
        assert boundary == (rf"\text{{boundary: }} x_2 = {worked.num(slope)}\, x_1 "
                            f"{'-' if icept < 0 else '+'} {worked.num(abs(icept))}")
        # the true boundary, found from the pipeline alone: z(x1, x2) = 0 solved for x2 at two x1
        for x1 in (float(f.mean[0]), float(f.mean[0] + f.std[0])):
            # z is linear in x2: two evaluations give its root
            z0, z1 = (float(f.transform([x1, v])[0] @ w + b) for v in (0.0, 1.0))
            root = -z0 / (z1 - z0)
            line = slope * x1 + icept
            scale = max(abs(root), abs(slope * x1), abs(icept), 1e-12)
            assert abs(line - root) <= 2e-3 * scale


def test_the_arrow_w_prime_is_perpendicular_to_the_boundary_in_the_data_units():
    lab = Lab.from_settings(Settings(dataset="iris", standardize=True))
    lab.update(epoch=20)
    w, b = lab.params()
    arrows = scenes.weight_arrows(lab, w, b)
    (x0, y0, x1, y1, label, _), = arrows
    assert label == "w′"
    assert (x0, y0) == pytest.approx(tuple(lab.features.mean))  # from where the standardized inputs are 0
    f = lab.features
    # two raw points on the boundary, from the pipeline: z linear in x2
    ends = []
    for u in (1.0, 4.0):
        z0, z1 = (float(f.transform([u, v])[0] @ w + b) for v in (0.0, 1.0))
        ends.append((u, -z0 / (z1 - z0)))
    along = np.subtract(ends[1], ends[0])
    arrow = np.array([x1 - x0, y1 - y0])
    assert abs(along @ arrow) <= 1e-9 * np.linalg.norm(along) * np.linalg.norm(arrow)
    # and it points to the side the neuron calls class 1
    assert float(f.transform([x1, y1])[0] @ w + b) > float(f.transform([x0, y0])[0] @ w + b)
    said = alt.plane_alt(*lab.design()[:2], w, b, arrows=arrows)
    assert "w′ = w/σ points from the training points' mean" in said
    # the descent step is drawn in the same units: −α∇C/σ from the tip
    _, title = scenes.descent_arrow(lab, w, b)
    assert title.startswith("w′ = w/σ, and ") and "−α∇C/σ" in title


def test_forward_page_shows_the_neuron_in_centimetres_for_standardized_iris():
    at = app(FORWARD, {"dataset": "iris", "standardize": "1", "epoch": "30"}).run()
    assert not at.exception
    box = next(e for e in at.expander if e.label == "The same neuron in the data's own units")
    assert box.proto.expanded  # Iris: open, measured in centimetres
    text = " ".join(m.value for m in box.markdown)
    assert "in centimetres" in text and "`petal_length_cm`" in text
    lines = [e.value for e in box.latex]
    assert any("w'_1" in line for line in lines) and any("boundary: " in line for line in lines)
    # the z from the raw coordinates is the z of the forward step above, as printed there
    z_forward = [e.value for e in at.latex if r"z &= x \cdot w + b" in e.value][0]
    z_raw = [line for line in lines if r"z &= w'_1 x_1" in line][0]
    assert z_forward.split("&= ")[-1].split(r" \end")[0] == z_raw.split("&= ")[-1].split(r" \end")[0]
    plane = chart(at, "fwd_plane")["spec"]["layout"]  # drawn with the arrow w′, and its title says so
    assert plane["title"]["text"].startswith("w′ = w/σ is perpendicular")
    assert [a["text"] for a in plane["annotations"] if a.get("showarrow")] == ["w′"]


@pytest.mark.parametrize("query", [{"dataset": "iris"}, {"dataset": "iris", "standardize": "1", "maps": "x1^2"}])
def test_no_raw_units_box_where_the_inputs_are_raw_or_mapped(query):
    at = app(FORWARD, query).run()
    assert not at.exception
    assert all(e.label != "The same neuron in the data's own units" for e in at.expander)
