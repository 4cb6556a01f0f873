"""The browser's copy of numpy's math (perceptron/web/forward.js) against the Python it copies, run by Node
without a browser (tests/js/forward_call.mjs): the printing rule, σ and the step, the feature maps and their
names, the activation of each update mode, the z axis' limits, the marching squares, the network's forward
pass. The browser test checks the same on a page; this one checks thousands of generated values in a second
or two, on every run of the suite. Each test sends all its calls to one Node process (a start costs ~50 ms)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

import numpy as np

from chart_js import forward
from perceptron.data.features import _MAP_FUNCS, FEATURE_MAPS, fit_features
from perceptron.engine import network
from perceptron.engine.modes import MODES
from perceptron.engine.neuron import sigmoid, step
from perceptron.text.worked import text
from perceptron.views import figures, geometry, live

DIGITS = range(2, 9)  # the printing rule's digits, worked.DIGITS (4) to worked.MAX_DIGITS (8) and fewer


# ---------------------------------------------------------------------------------------------
# The printing rule: printNumber against worked.text
# ---------------------------------------------------------------------------------------------
def values(seed: int, n: int = 400) -> list[float]:
    """Numbers of every size and sign the pages print: mantissas at the rounding edges, exponents −320..320,
    1e−12..1e12 evenly in the exponent, whole numbers and halves (printed whole from 10³ to 10⁵, a tie to the
    even one), numbers that round up to the next power of ten at each of ``DIGITS``, the smallest and largest
    floats, 0 and −0."""
    rng = np.random.default_rng(seed)
    mant = np.concatenate([rng.uniform(1, 10, n), [9.9995, 9.99949, 1.00005, 4.99995, 9.999951, 1.0]])
    k = rng.integers(-320, 320, mant.size)
    out = [float(m) * 10.0 ** int(e) for m, e in zip(mant, k, strict=True) if abs(int(e)) < 308]
    out += [float(v) for v in rng.normal(0, 3, n)]
    out += [float(v) for v in 10.0 ** rng.uniform(-12, 12, n)]
    out += [float(v) for v in rng.integers(1, 10 ** rng.integers(1, 10, n), dtype=np.int64)]  # whole numbers
    out += [float(v) + 0.5 for v in rng.integers(1000, 100000, n)]  # halves that round to a whole number
    for d in DIGITS:  # 9.995 at 3 digits, 99.95, 999.5, ... and their neighbours: 10.0 or 9.99 printed
        for e in range(-13, 13):
            edge = (10 - 5 * 10.0 ** (1 - d)) * 10.0**e
            out += [edge, math.nextafter(edge, 0), math.nextafter(edge, math.inf)]
    out = [v for v in out if math.isfinite(v) and v != 0]
    return out + [-v for v in out] + [0.0, -0.0, 12345.6, 99999.4, 100000.0, 0.001, 0.00099995, 1e-3 * 0.99994,
                                      5e-324, -5e-324, 1e-300, 1.7976931348623157e308, -1.7976931348623157e308]


# Exact binary halves, each at the digits where it is a tie: the even neighbour and the one away from 0 differ
TIES = [(1234.5, 4), (0.125, 2), (2.25, 2), (125000.0, 2), (-0.125, 2), (0.0009765625, 6), (0.0625, 2)]


def exact_tie(v: float, digits: int) -> bool:
    """Whether ``v``'s exact value lies halfway between two numbers of ``digits`` significant digits and the two
    rules of a tie part: Python's format rounds it to the even one, JavaScript's toExponential and toFixed away
    from zero. Only exactly representable halves are ties (0.125, 2.25, 1234.5, 125000): see the next test."""
    d = Decimal(v)
    return Context(prec=digits, rounding=ROUND_HALF_EVEN).plus(d) != Context(prec=digits, rounding=ROUND_HALF_UP).plus(d)


def test_print_number_is_the_printing_rule():
    """printNumber(v, digits) is worked.text(v, digits), string for string, at 2 to 8 digits (exact ties
    apart, which the next test keeps)."""
    cases = [(v, d) for d in DIGITS for v in values(d) if not exact_tie(v, d)]
    assert len(cases) > 7 * 2000
    assert all(exact_tie(v, d) for v, d in TIES)  # the ties the next test keeps
    js = forward([("printNumber", [v, d]) for v, d in cases])
    wrong = [(v, d, text(v, d), a) for (v, d), a in zip(cases, js, strict=True) if a != text(v, d)]
    assert not wrong, f"(value, digits, python, js): {wrong[:10]}"


def test_print_number_rounds_an_exact_tie_as_python():
    """A double exactly halfway between two printed numbers (0.125 at 2 digits) goes to the even digit in both
    languages: JavaScript's toExponential and toFixed send it up (0.13), Python's format and worked.text to the
    even one (0.12); printNumber now finds the tie from the double's exact digits."""
    rng = np.random.default_rng(11)  # and halves n/2^j generated, each at its tying digits in 2..8
    halves = [float(n) / 2.0 ** int(j) for n, j in zip(rng.integers(1, 4000, 400) * 2 + 1, rng.integers(1, 24, 400),
                                                          strict=True)]
    cases = TIES + [(s * v, d) for v in halves for d in DIGITS for s in (1, -1) if exact_tie(v, d)]
    js = forward([("printNumber", [v, d]) for v, d in cases])
    wrong = [(v, d, text(v, d), a) for (v, d), a in zip(cases, js, strict=True) if a != text(v, d)]
    assert not wrong, f"{len(wrong)} of {len(cases)} ties, (value, digits, python, js): {wrong[:10]}"


# ---------------------------------------------------------------------------------------------
# σ, the step, the feature maps, the update modes' activations
# ---------------------------------------------------------------------------------------------
def test_sigmoid_and_step_are_the_engines():
    rng = np.random.default_rng(1)
    edges = [0.0, -0.0, 1e-300, -1e-300, 5e-324, -5e-324, 40.0, -40.0, 700.0, -700.0, 709.0, -709.0, 710.0,
             -710.0, 745.0, -745.0, 800.0, -800.0, 36.7, -36.7]
    z = [float(v) for v in np.concatenate([np.linspace(-40, 40, 801), rng.normal(0, 10, 300),
                                           rng.uniform(-800, 800, 100), edges])]
    js = forward([("sigmoid", [v]) for v in z] + [("step", [v]) for v in z])
    sig, steps = js[: len(z)], js[len(z):]
    # relative throughout, also where σ is as small as 1e-305 (z = −700) or 0 (below −745)
    np.testing.assert_allclose(sig, sigmoid(np.array(z)), rtol=1e-12, atol=0)
    assert steps == step(np.array(z)).tolist()


def test_the_feature_maps_and_their_names_are_the_pythons():
    """The same maps by the same names, and φ(x) through the pipeline the page receives (live.neuron_model)
    equal to Features.transform: no map, each map alone, all of them in both orders, with and without
    standardization, at points inside and far outside the training points."""
    names = forward([("MAPS", [])])[0]
    assert sorted(names) == sorted(FEATURE_MAPS) == sorted(_MAP_FUNCS)
    rng = np.random.default_rng(3)
    train = rng.normal(1.5, 2.0, (50, 2))
    X = np.concatenate([train, rng.normal(-1, 6, (100, 2)), rng.uniform(-60, 60, (40, 2)), [[0.0, 0.0]]])
    everything = tuple(FEATURE_MAPS)
    choices = [(), *((m,) for m in everything), everything, everything[::-1]]
    pipelines, want = [], []
    for standardize in (False, True):
        for maps in choices:
            f = fit_features(train, maps=maps, standardize=standardize)
            model = live.neuron_model(f, train, rng.integers(0, 2, len(train)), ((-3, 6), (-3, 6)), 5)
            pipelines.append(model["pipeline"])
            want.append(f.transform(X))
    assert pipelines[-1]["mean"] != [0.0, 0.0] and pipelines[-1]["std"] != [1.0, 1.0]  # standardization shows
    js = forward([("features", [p, float(a), float(b)]) for p in pipelines for a, b in X])
    for i, (p, ref) in enumerate(zip(pipelines, want, strict=True)):
        got = np.array(js[i * len(X):(i + 1) * len(X)])
        assert got.shape == ref.shape, p
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12, err_msg=str(p))


def test_each_modes_activation_is_the_engines():
    """The neuron's figure as forward.js draws it with each update mode's ``step`` (modes.py): the samples at
    (z, act(z)) with act the engine's step for Rosenblatt's rule and σ otherwise, clipped into the z axis,
    their hover as figures.point_text writes it, the z axis' range, and the plane (σ, or step(z) for
    Rosenblatt's rule). Two neurons: one on feature maps, standardized; one whose z is 0 on a column of the
    grid (step(0) = 1) and beyond the z axis at some samples (drawn at its edge)."""
    rng = np.random.default_rng(5)
    train, y = rng.normal(0, 1.5, (40, 2)), rng.integers(0, 2, 40)
    bounds, res = ((-4.0, 4.0), (-3.0, 5.0)), 9  # x = 0 is a grid column
    mapped = fit_features(train, maps=("x1^2", "sin(x2)"), standardize=True)
    neurons = [(mapped, rng.normal(0, 2, mapped.d), float(rng.normal())),
               (fit_features(train), np.array([25.0, 0.0]), 0.0)]
    modes = list(MODES.values())
    assert {m.step for m in modes} == {False, True}
    cases = [(m, *neuron) for m in modes for neuron in neurons]
    js = forward([("neuronParts", [live.neuron_model(f, train, y, bounds, res, step=m.step), live.neuron_params(w, b)])
                  for m, f, w, b in cases])
    xs, ys = np.linspace(*bounds[0], res), np.linspace(*bounds[1], res)
    gx, gy = np.meshgrid(xs, ys)
    clipped = at_zero = 0
    for (m, f, w, b), parts in zip(cases, js, strict=True):
        act = step if m.step else sigmoid
        z = f.transform(train) @ w + b
        z_grid = (f.transform(np.column_stack([gx.ravel(), gy.ravel()])) @ w + b).reshape(res, res)
        lim = figures.sigmoid_limit(z)
        at_zero += np.count_nonzero(z_grid == 0)
        heat, _boundary, *classes = parts["updates"]
        assert heat["trace"] == 0
        np.testing.assert_allclose(heat["z"], act(z_grid), rtol=1e-12, atol=0, err_msg=m.key)
        assert parts["layout"] == {"xaxis2": {"range": [-lim, lim]}}
        for label, trace in enumerate(classes):
            mine = z[y == label]
            assert trace["trace"] == 2 + label
            np.testing.assert_allclose(trace["x"], np.clip(mine, -lim, lim), rtol=1e-12, atol=1e-12, err_msg=m.key)
            np.testing.assert_allclose(trace["y"], act(mine), rtol=1e-12, atol=0, err_msg=m.key)
            assert trace["text"] == figures.point_text(mine, step=m.step), m.key
            clipped += np.count_nonzero(np.abs(mine) > lim)
    assert clipped and at_zero  # the edges are met


# ---------------------------------------------------------------------------------------------
# The z axis, the curve ŷ = 0.5, the network
# ---------------------------------------------------------------------------------------------
def test_the_z_axis_limits_are_the_figures():
    rng = np.random.default_rng(9)
    z = [[0.5], [5.4], [5.5], [7.0], [9.1], [13.0], [30.0], [54.0], [55.0], [100.0], [-70.0], [], [0.0],
         [lim / 1.1 for lim in figures.Z_LIMITS], [-lim / 1.1 for lim in figures.Z_LIMITS]]
    z += [[lim / 1.1] for lim in figures.Z_LIMITS] + [[math.nextafter(lim / 1.1, math.inf)] for lim in figures.Z_LIMITS]
    z += [(rng.normal(0, s, int(rng.integers(1, 30)))).tolist() for s in 10.0 ** rng.uniform(-1, 2.3, 300)]
    js = forward([("Z_LIMITS", [])] + [("sigmoidLimit", [v]) for v in z])
    assert js[0] == list(figures.Z_LIMITS)
    want = [figures.sigmoid_limit(np.array(v)) for v in z]
    assert len(set(want)) == len(figures.Z_LIMITS)  # every limit is met
    assert js[1:] == want


def fields(seed: int):
    """A grid and P over it: σ of a random quadratic (one or two branches of the curve, or none), or of
    k·sin(3x + a)·sin(3y + b) (saddle cells, where the curve crosses all four edges)."""
    rng = np.random.default_rng(seed)
    xs, ys = np.linspace(-2, 2, 17), np.linspace(-1, 3, 13)
    if seed % 3 == 2:  # a checkerboard of signs: saddle cells where its lines cross
        u, v = np.sin(3 * xs + rng.uniform(0, 1))[None, :], np.sin(3 * ys + rng.uniform(0, 1))[:, None]
        return xs, ys, sigmoid(rng.uniform(0.5, 4) * u * v + rng.normal(0, 0.01))
    return xs, ys, sigmoid(rng.normal() * xs[None, :] ** 2 + rng.normal() * ys[:, None] - rng.normal())


def test_the_level_curve_is_numpys():
    grids = [fields(seed) for seed in range(12)]
    js = forward([("levelCurve", [xs.tolist(), ys.tolist(), P.tolist(), 0.5]) for xs, ys, P in grids])
    pieces = saddles = 0
    for seed, ((xs, ys, P), curve) in enumerate(zip(grids, js, strict=True)):
        above = P > 0.5
        saddles += np.count_nonzero((above[:-1, :-1] == above[1:, 1:]) & (above[:-1, 1:] == above[1:, :-1])
                                    & (above[:-1, :-1] != above[:-1, 1:]))
        x, y = geometry.level_curve(xs, ys, P)
        jx, jy = curve["x"], curve["y"]
        assert [v is None for v in jx] == [v is None for v in x], seed
        # the same polylines, point by point (numpy's points are rounded to 4 decimals, where it chains them)
        assert np.allclose([v for v in jx if v is not None], [v for v in x if v is not None], rtol=0, atol=5.1e-5)
        assert np.allclose([v for v in jy if v is not None], [v for v in y if v is not None], rtol=0, atol=5.1e-5)
        pieces += len(x) > 0
    assert pieces >= 6 and saddles  # most fields have a curve to compare, some of it through saddle cells


def test_the_networks_forward_pass_is_the_engines():
    """networkOutput(φ, params) on the parameters the page receives (live.network_params) is
    network.forward's ŷ, for 1 to 6 hidden units, inputs with feature maps, weights up to saturation."""
    rng = np.random.default_rng(7)
    nets, phis = [], []
    for h, scale in [(1, 1.0), (2, 2.0), (3, 0.5), (5, 2.0), (6, 8.0)]:
        f = fit_features(rng.normal(0, 2, (30, 2)), maps=("x1*x2", "sin(x1)", "x2^2"), standardize=bool(h % 2))
        p = network.Params(rng.normal(0, scale, (f.d, h)), rng.normal(0, scale, h), rng.normal(0, 2 * scale, h),
                           float(rng.normal(0, scale)))
        nets.append(p)
        phis.append(f.transform(rng.normal(0, 3, (40, 2))))
    js = forward([("networkOutput", [row.tolist(), live.network_params(p)]) for p, phi in zip(nets, phis, strict=True)
                  for row in phi])
    ref = np.concatenate([network.forward(phi, p).y_hat for p, phi in zip(nets, phis, strict=True)])
    assert ref.min() < 1e-12 and ref.max() > 0.9  # the outputs span (0, 1), some of them saturated
    np.testing.assert_allclose(js, ref, rtol=1e-12, atol=0)
