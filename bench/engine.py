"""Engine figures, in-process: perceptron.train against a lean numpy loop and a pure-Python loop,
and the server-side work of one Step (Lab.step + scenes.descent_spec + chart.chart_data)."""

from __future__ import annotations

import gc
import json
import math
import time

import numpy as np

from .common import Row

BIG_N = 200_000
SMALL_N = 2_000
LR = 0.5
EPOCHS_BIG = 20  # epochs per timed run at n = 200,000
REPEATS_BIG = 9
EPOCHS_SMALL = 200
REPEATS_SMALL = 9
PY_REPEATS = 5  # pure-Python epochs timed at n = 2,000 (one epoch each)
STEP_REPEATS = 40  # in-process Steps timed per dataset size
TIME_BUDGET = 90.0  # seconds: every loop here also stops when the part has run this long


def data(n: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, size=(n, 2))
    y = (X @ np.array([1.5, -1.0]) + 0.3 + rng.normal(0.0, 0.5, size=n) > 0).astype(float)
    return X, y


def lean_loop(X, y, w, b, lr, epochs):
    """The same math as the article, nothing else: forward, cost, gradient, update."""
    n = X.shape[0]
    w = w.copy()
    costs = np.empty(epochs)
    for k in range(epochs):
        z = X @ w + b
        y_hat = 1.0 / (1.0 + np.exp(-z))
        r = y - y_hat
        costs[k] = np.mean(r * r)
        g = (-2.0 / n) * r * y_hat * (1.0 - y_hat)
        w -= lr * (X.T @ g)
        b -= lr * g.sum()
    return w, b, costs


def python_loop(X, y, w, b, lr, epochs):
    """The article's formulas one sample at a time, in plain Python floats (full-batch update)."""
    n = len(y)
    w1, w2 = float(w[0]), float(w[1])
    for _ in range(epochs):
        cost = g1 = g2 = gb = 0.0
        for i in range(n):
            x1, x2 = X[i]
            z = x1 * w1 + x2 * w2 + b
            y_hat = 1.0 / (1.0 + math.exp(-z))
            r = y[i] - y_hat
            cost += r * r
            dz = -2.0 / n * r * y_hat * (1.0 - y_hat)
            g1 += dz * x1
            g2 += dz * x2
            gb += dz
        w1 -= lr * g1
        w2 -= lr * g2
        b -= lr * gb
    return (w1, w2), b, cost / n


def _timed(fn, *args):
    gc.collect()
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def _versus(*, key: str, samples: list, baseline_samples: list, baseline_name: str, **fields) -> Row:
    """An engine row whose figure is a ratio (×) of the engine's ms/epoch to a loop timed in the same run."""
    med = float(np.median(baseline_samples))
    return Row(part="engine", key=key, unit="ms/epoch", samples=samples, baseline=med,
               baseline_samples=baseline_samples, baseline_text=f"{baseline_name} {med:.2f} ms/epoch (median)",
               baseline_kind="same run", measured_unit="×", **fields)


def bench_full_batch(deadline: float) -> Row:
    from perceptron import train

    X, y = data(BIG_N)
    w0, b0 = np.zeros(2), 0.0
    # correctness first: both loops must follow the same path
    h = train(X, y, w0, b0, lr=LR, epochs=5)
    w_lean, b_lean, _ = lean_loop(X, y, w0, b0, LR, 5)
    same = bool(np.allclose(h.w[-1], w_lean) and math.isclose(h.b[-1], b_lean, rel_tol=1e-9, abs_tol=1e-12))
    eng, lean = [], []
    for _ in range(REPEATS_BIG):  # interleaved, so drift hits both alike
        if time.monotonic() > deadline:
            break
        t, _ = _timed(lambda: train(X, y, w0, b0, lr=LR, epochs=EPOCHS_BIG))
        eng.append(t / EPOCHS_BIG * 1e3)
        t, _ = _timed(lean_loop, X, y, w0, b0, LR, EPOCHS_BIG)
        lean.append(t / EPOCHS_BIG * 1e3)
    ratio = float(np.median(eng) / np.median(lean))
    ratios = [e / le for e, le in zip(eng, lean, strict=True)]
    # where the extra time goes: one epoch's pieces, timed alone
    breakdown = _train_breakdown(X, y)
    return _versus(
        key="engine_full_batch",
        what=f"engine, full batch, n = {BIG_N:,}: perceptron.train per epoch, as a multiple of the lean numpy loop",
        target=1.5, op="<=", target_text="≤ 1.5× the lean loop",
        measured=ratio, samples=eng, baseline_samples=lean, baseline_name="lean numpy loop",
        notes=(f"measured = median(train) / median(lean) = {np.median(eng):.2f} / {np.median(lean):.2f} ms "
               f"= {ratio:.2f}×; per-pair ratios min {min(ratios):.2f} median {np.median(ratios):.2f} "
               f"max {max(ratios):.2f}. train(epochs={EPOCHS_BIG}) makes {EPOCHS_BIG + 1} full passes "
               f"(row 0 too), divided by {EPOCHS_BIG}. Same weights after 5 epochs: {same}."),
        extra={"same_result": same, "breakdown_ms": breakdown},
    )


def _train_breakdown(X, y, reps: int = 15) -> dict:
    """Median ms of each piece of one perceptron.train epoch at this n (diagnosis only)."""
    from perceptron.engine.costs import get_cost
    from perceptron.engine.neuron import sigmoid

    cost = get_cost("mse")
    n = X.shape[0]
    w, b = np.array([0.3, -0.2]), 0.1
    z = X @ w + b
    yh = sigmoid(z)
    pieces = {
        "z = X@w + b": lambda: X @ w + b,
        "sigmoid(z)": lambda: sigmoid(z),
        "cost(y, z, ŷ)": lambda: cost(y, z, yh),
        "accuracy mean((z>=0)==(y==1))": lambda: float(np.mean((z >= 0) == (y == 1))),
        "dL_dz(y, z, ŷ) / n": lambda: cost.dL_dz(y, z, yh) / n,
        "X.T @ g": lambda: X.T @ z,
        "np.isfinite checks": lambda: all(np.all(np.isfinite(v)) for v in (1.0, w, b, w, b)),
    }
    out = {}
    for name, fn in pieces.items():
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            ts.append((time.perf_counter() - t0) * 1e3)
        out[name] = round(float(np.median(ts)), 3)
    return out


def bench_python_loop(deadline: float) -> Row:
    from perceptron import train

    X, y = data(SMALL_N)
    Xl, yl = X.tolist(), y.tolist()
    w0, b0 = np.zeros(2), 0.0
    py = []
    for _ in range(PY_REPEATS):
        if time.monotonic() > deadline and py:
            break
        t, _ = _timed(python_loop, Xl, yl, w0, b0, LR, 1)
        py.append(t * 1e3)
    eng = []
    for _ in range(REPEATS_SMALL):
        if time.monotonic() > deadline and eng:
            break
        t, _ = _timed(lambda: train(X, y, w0, b0, lr=LR, epochs=EPOCHS_SMALL))
        eng.append(t / EPOCHS_SMALL * 1e3)
    speedup = float(np.median(py) / np.median(eng))
    lean = []
    for _ in range(REPEATS_SMALL):
        t, _ = _timed(lean_loop, X, y, w0, b0, LR, EPOCHS_SMALL)
        lean.append(t / EPOCHS_SMALL * 1e3)
    lean_small = round(float(np.median(lean)), 4)
    return _versus(
        key="engine_vs_python",
        what=f"engine vs per-sample pure-Python loop, n = {SMALL_N:,}: speed-up per epoch",
        target=100.0, op=">=", target_text="engine > 100× faster",
        measured=speedup, samples=eng, baseline_samples=py, baseline_name="pure-Python loop",
        notes=(f"measured = median(pure Python) / median(perceptron.train) = {np.median(py):.2f} / "
               f"{np.median(eng):.4f} ms = {speedup:.0f}×; samples are perceptron.train ms/epoch. For scale, the lean "
               f"numpy loop takes {lean_small:.4f} ms/epoch here ({np.median(py) / lean_small:.0f}× the pure-Python "
               "loop): at n = 2,000 numpy's per-call overhead, not arithmetic, sets the time."),
        extra={"lean_numpy_ms_per_epoch": lean_small},
    )


def step_path(n: int, repeats: int, deadline: float) -> dict:
    """Time what the server does for one Step, in process: Lab.step(1), scenes.descent_spec, chart.chart_data,
    and the JSON the component sends. Also the rest of the fragment (the update's LaTeX lines)."""
    from perceptron.engine.backprop import gradients
    from perceptron.session.lab import Lab
    from perceptron.session.settings import Settings
    from perceptron.views import latex, scenes
    from perceptron.web import chart

    lab = Lab.from_settings(Settings(n=n))
    config = {"toImageButtonOptions": {"format": "png", "filename": "neuron_lab_descent", "scale": 2}}
    parts = {"Lab.step": [], "scenes.descent_spec": [], "chart.chart_data": [], "json.dumps": [], "latex lines": []}
    total, sizes = [], []
    for i in range(repeats + 3):
        if time.monotonic() > deadline and len(total) >= 5:
            break
        t0 = time.perf_counter()
        lab.step(1)
        t1 = time.perf_counter()
        fig = scenes.descent_spec(lab)  # what the page draws (a plain figure dict)
        t2 = time.perf_counter()
        d = chart.chart_data(fig, height=int(fig["layout"]["height"]), config=config, src="/app/static/plotly-cartesian.min.js")
        t3 = time.perf_counter()
        payload = json.dumps(d)
        t4 = time.perf_counter()
        X, y, *_ = lab.design()
        k = lab.epoch
        w0, b0 = lab.params(k - 1)
        dw, db = gradients(X, y, w0, b0, lab.settings.loss)
        w1, b1 = lab.params(k)
        list(latex.update_steps(w0, b0, dw, db, lab.settings.lr, w1, b1))
        t5 = time.perf_counter()
        if i < 3:
            continue  # warm-up
        for name, (a, c) in zip(parts, ((t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)), strict=True):
            parts[name].append((c - a) * 1e3)
        total.append((t4 - t0) * 1e3)
        sizes.append(len(payload))
    return {"total": total, "parts": {k: round(float(np.median(v)), 2) for k, v in parts.items()},
            "json_bytes": int(np.median(sizes)), "fragment_extra_ms": round(float(np.median(parts["latex lines"])), 2)}


def bench_server_step(deadline: float) -> list[Row]:
    rows = []
    for n, quoted in ((200, "~70 ms (prototype)"), (2000, None)):
        r = step_path(n, STEP_REPEATS, deadline)
        rows.append(Row(
            part="engine", key=f"server_step_inprocess_n{n}", unit="ms",
            what=f"server time per Step, in process (Lab.step + scenes.descent_spec + chart.chart_data + JSON), n = {n}",
            target=25.0 if n == 200 else None, op="<=", target_text="≤ 25 ms" if n == 200 else "— (information)",
            measured=float(np.median(r["total"])), samples=r["total"],
            baseline_text=quoted or "—", baseline_kind="quoted" if quoted else "none",
            notes=(f"median per stage (ms): {r['parts']}; component JSON {r['json_bytes'] / 1024:.1f} KiB. "
                   "The fragment also builds the update's LaTeX lines (the 'latex lines' stage, not in the total)."),
            extra=r["parts"] | {"json_bytes": r["json_bytes"]},
        ))
    return rows


def run() -> list[Row]:
    deadline = time.monotonic() + TIME_BUDGET
    rows = [bench_full_batch(deadline), bench_python_loop(deadline)]
    rows += bench_server_step(deadline)
    return rows
