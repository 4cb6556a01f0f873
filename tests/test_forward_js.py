"""The browser's copy of numpy's math (perceptron/web/forward.js) against the Python it copies, run by Node
without a browser (tests/js/forward_call.mjs): the printing rule, σ and the step, the feature maps and their
names, the z axis' limits, the marching squares, the network's forward pass. The browser test checks the same
on a page; this one checks thousands of values in a second, on every run of the suite."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chart_js import forward
from perceptron.data.features import FEATURE_MAPS, fit_features
from perceptron.engine import network
from perceptron.engine.neuron import sigmoid
from perceptron.views import figures, geometry
from perceptron.text.worked import text


def values(seed: int, n: int = 400) -> list[float]:
    """Numbers of every size and sign the pages print: mantissas at the rounding edges, exponents −320..320."""
    rng = np.random.default_rng(seed)
    mant = np.concatenate([rng.uniform(1, 10, n), [9.9995, 9.99949, 1.00005, 4.99995, 9.999951, 1.0]])
    k = rng.integers(-320, 320, mant.size)
    out = [float(m) * 10.0 ** int(e) for m, e in zip(mant, k, strict=True) if abs(int(e)) < 308] + [float(v) for v in rng.normal(0, 3, n)]
    out = [v for v in out if math.isfinite(v)]
    return out + [-v for v in out] + [0.0, 12345.6, 99999.4, 100000.0, 0.001, 0.00099995, 1e-3 * 0.99994, 5e-324]


@pytest.mark.parametrize("digits", [3, 4, 5])
def test_print_number_is_the_printing_rule(digits):
    xs = values(digits)
    js = forward([("printNumber", [v, digits]) for v in xs])
    wrong = [(v, a, text(v, digits)) for v, a in zip(xs, js, strict=True) if a != text(v, digits)]
    assert not wrong, wrong[:10]


def test_sigmoid_and_step_are_the_engines():
    z = [float(v) for v in np.concatenate([np.linspace(-40, 40, 801), [-745.0, -700.0, 700.0, 0.0, -0.0]])]
    js = forward([("sigmoid", [v]) for v in z] + [("step", [v]) for v in z])
    sig, steps = js[: len(z)], js[len(z):]
    assert np.allclose(sig, sigmoid(np.array(z)), rtol=1e-14, atol=1e-300)
    assert steps == [1 if v >= 0 else 0 for v in z]


def test_the_feature_maps_and_their_names_are_the_pythons():
    """The same maps by the same names, and φ(x) of a fitted pipeline equal to Features.transform."""
    names = forward([("MAPS", [])])[0]
    assert sorted(names) == sorted(FEATURE_MAPS)
    rng = np.random.default_rng(3)
    X = rng.normal(1.5, 2.0, (50, 2))
    for standardize in (False, True):
        f = fit_features(X, maps=tuple(FEATURE_MAPS), standardize=standardize)
        pipeline = {"mean": np.broadcast_to(f.mean, 2).tolist(), "std": np.broadcast_to(f.std, 2).tolist(),
                    "maps": list(f.maps)}
        js = forward([("features", [pipeline, float(a), float(b)]) for a, b in X])
        assert np.allclose(js, f.transform(X), rtol=1e-13, atol=1e-15)


def test_the_z_axis_limits_are_the_figures():
    z = [0.5, 5.4, 5.5, 7.0, 9.1, 13.0, 30.0, 54.0, 55.0, 100.0, -70.0]
    assert forward([("Z_LIMITS", [])])[0] == list(figures.Z_LIMITS)
    assert forward([("sigmoidLimit", [[v]]) for v in z]) == [figures.sigmoid_limit(np.array([v])) for v in z]


@pytest.mark.parametrize("seed", range(5))
def test_the_level_curve_is_numpys(seed):
    rng = np.random.default_rng(seed)
    xs, ys = np.linspace(-2, 2, 17), np.linspace(-1, 3, 13)
    P = 1 / (1 + np.exp(-(rng.normal() * xs[None, :] ** 2 + rng.normal() * ys[:, None] - rng.normal())))
    x, y = geometry.level_curve(xs, ys, P)
    curve = forward([("levelCurve", [xs.tolist(), ys.tolist(), P.tolist(), 0.5])])[0]
    jx, jy = curve["x"], curve["y"]
    assert [v is None for v in jx] == [v is None for v in x]
    # the same polylines, point by point (numpy's points are rounded to 4 decimals, where it chains them)
    assert np.allclose([v for v in jx if v is not None], [v for v in x if v is not None], rtol=0, atol=5.1e-5)
    assert np.allclose([v for v in jy if v is not None], [v for v in y if v is not None], rtol=0, atol=5.1e-5)


def test_the_networks_forward_pass_is_the_engines():
    rng = np.random.default_rng(7)
    d, h = 4, 5
    p = {"W1": rng.normal(0, 2, (d, h)), "b1": rng.normal(0, 1, h), "w2": rng.normal(0, 2, h), "b2": float(rng.normal())}
    phi = rng.normal(0, 1.5, (30, d))
    js = forward([("networkOutput", [row.tolist(), {k: (v.tolist() if hasattr(v, "tolist") else v)
                                                    for k, v in p.items()}]) for row in phi])
    ref = network._forward(phi, p["W1"], p["b1"], p["w2"], p["b2"])[3]
    assert np.allclose(js, ref, rtol=1e-13)
