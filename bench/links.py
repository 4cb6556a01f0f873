"""Links, in process: what the dearest links the app accepts cost the server on opening, beside what they cost
before the link budget was set by these measurements; the budget's unit, by mode; and the single-sample loop.

A link trains its epochs before the page answers (``frame.ensure_state``: the neuron's, then the network's
with what the neuron left of ``LINK_UPDATES``), on the server's one Python process: every other student
waits that long. Times are ``time.process_time()`` (CPU of this process), so other work on the machine
slows them less than a wall clock; the load average is printed beside them all the same.

* ``worst_link_<kind>``: each of :data:`testing.links.WORST_LINKS` opened as the app opens it now
  (median of ``REPEATS``), beside the same link opened under the rules before (one run, same process):
  the numpy single-sample loop, a budget of 200,000 plain updates, a network update counting 5, epochs'
  bookkeeping and passes not counted.
* ``link_unit_cost``: CPU per budget unit of each mode at the largest size (the most a unit can cost);
  times ``LINK_UPDATES`` it bounds the dearest link.
* ``engine_single_sample``: one single-sample update, plain floats against the numpy loop it replaced
  (same run), and whether both give the same weights to rounding (1e-9).
"""

from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager

import numpy as np

from testing.links import ALL_MAPS, WORST_LINKS, query_string

from .common import Row

REPEATS = 3
TIME_BUDGET = 300.0  # seconds: the part stops starting new measurements after this long
OLD_LINK_UPDATES = 200_000  # the budget before: plain updates, whatever their kind
OLD_NET_UPDATE_COST = 5
TARGET_S = 1.0


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


@contextmanager
def numpy_loop():
    """The single-sample loop as it was before (numpy on one-row arrays), for the baseline."""
    from perceptron.engine import training

    floats = training._Floats
    training._Floats = lambda X, y: None  # train then takes the numpy loop
    try:
        yield
    finally:
        training._Floats = floats


def _cpu(fn) -> float:
    gc.collect()
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def open_now(query: dict):
    """Open a link as ``frame.ensure_state`` does: the neuron, then the network with what is left."""
    from perceptron.session.lab import Lab
    from perceptron.session.netlab import NetLab
    from perceptron.session.run import LINK_UPDATES
    from perceptron.session.settings import NetSettings, Settings

    lab = Lab.from_settings(Settings.from_query(query)[0])
    budget = LINK_UPDATES - lab.epoch * lab.epoch_cost
    net = NetLab.from_settings(NetSettings.from_query(query)[0], (lab.dataset, lab.features), budget)
    return lab, net


def open_before(query: dict):
    """Open a link under the rules before this bound: 200,000 plain updates (a network's counting 5),
    the numpy single-sample loop."""
    from perceptron.session.lab import Lab, build_dataset
    from perceptron.session.netlab import NetLab
    from perceptron.session.settings import NetSettings, Settings

    s, ns = Settings.from_query(query)[0], NetSettings.from_query(query)[0]
    with numpy_loop():
        lab = Lab(settings=s, dataset=build_dataset(s))
        if s.epoch and lab.n_train:
            lab.step(min(s.epoch, OLD_LINK_UPDATES // lab.updates_per_epoch))
        left = OLD_LINK_UPDATES - lab.epoch * lab.updates_per_epoch
        net = NetLab(ns, (lab.dataset, lab.features))
        if ns.hepoch and net.n_train and left > 0:
            net.step(min(ns.hepoch, left // (OLD_NET_UPDATE_COST * net.updates_per_epoch)))
    return lab, net


def bench_worst_links(deadline: float) -> list[Row]:
    rows = []
    for kind, query in WORST_LINKS.items():
        if time.monotonic() > deadline:
            print(f"    (time budget: {kind} and the links after it skipped)", flush=True)
            break
        opened: dict = {}
        load_before = _load()
        now = [_cpu(lambda q=query, o=opened: o.update(now=open_now(q))) for _ in range(REPEATS)]
        before = [_cpu(lambda q=query, o=opened: o.update(before=open_before(q)))]
        (lab, net), (old_lab, old_net) = opened["now"], opened["before"]
        med = float(np.median(now))
        print(f"    {kind:20} now {med:.3f} s (epochs {lab.epoch} + network {net.epoch}), before {before[0]:.2f} s "
              f"(epochs {old_lab.epoch} + network {old_net.epoch}); load {load_before}", flush=True)
        rows.append(Row(
            part="links", key=f"worst_link_{kind.replace('-', '_')}", unit="s CPU",
            what=f"worst link: server CPU to open, {kind} ({query_string(query)})",
            target=TARGET_S, op="<=", target_text=f"≤ {TARGET_S:g} s (process_time)",
            measured=med, samples=now, baseline=before[0], baseline_samples=before, baseline_kind="same run",
            baseline_text=f"before (200,000 plain updates, numpy loop): {before[0]:.2f} s",
            notes=(f"opened at epoch {lab.epoch} of the neuron and {net.epoch} of the network (before: "
                   f"{old_lab.epoch} and {old_net.epoch}); {before[0] / med:.1f}× less CPU; load average "
                   f"{load_before} before, {_load()} after"),
            extra={"epoch": lab.epoch, "net_epoch": net.epoch, "epoch_before": old_lab.epoch,
                   "net_epoch_before": old_net.epoch},
        ))
    return rows


UNIT_MODES = {  # mode -> (query at the largest size, epochs timed)
    "sample, 2 inputs": ({"mode": "sample", "maps": ""}, 20),
    "sample, 7 inputs": ({"mode": "sample"}, 8),
    "sample, 7 inputs, cross-entropy": ({"mode": "sample", "loss": "bce"}, 8),
    "minibatch 1": ({"mode": "minibatch", "batch_size": "1"}, 8),
    "minibatch 2 (numpy)": ({"mode": "minibatch", "batch_size": "2"}, 5),
    "minibatch 16 (numpy)": ({"mode": "minibatch", "batch_size": "16"}, 30),
    "minibatch 1000 (numpy)": ({"mode": "minibatch", "batch_size": "1000"}, 300),
    "rosenblatt": ({"mode": "rosenblatt", "dataset": "overlap", "noise": "1"}, 8),
    "batch": ({"mode": "batch"}, 1000),
    "batch, 10 % trained": ({"mode": "batch", "test_fraction": "0.9"}, 1000),
    "batch, n = 20": ({"mode": "batch", "n": "20"}, 2000),
    "network sample, h = 8": ({"hmode": "sample"}, 2),
    "network minibatch 1, h = 8": ({"hmode": "minibatch", "hbatch": "1"}, 2),
    "network minibatch 4, h = 8": ({"hmode": "minibatch", "hbatch": "4"}, 6),
    "network minibatch 64, h = 8": ({"hmode": "minibatch", "hbatch": "64"}, 30),
    "network minibatch 1000, h = 8": ({"hmode": "minibatch", "hbatch": "1000"}, 100),
    "network batch, h = 8": ({"hmode": "batch"}, 200),
    "network batch, h = 8, 10 % trained": ({"hmode": "batch", "test_fraction": "0.9"}, 300),
    "network batch, h = 8, n = 20": ({"hmode": "batch", "n": "20"}, 600),
}


def unit_costs(deadline: float) -> dict[str, dict]:
    """CPU per budget unit of each mode: ``epochs`` epochs trained as a link trains them (``Run.step``),
    divided by what they count (``epochs × epoch_cost``); the best of 3 (the least disturbed)."""
    from perceptron.session.lab import Lab, build_dataset
    from perceptron.session.netlab import NetLab
    from perceptron.session.settings import NetSettings, Settings

    base = {"n": "2000", "test_fraction": "0", "maps": ALL_MAPS, "dataset": "overlap", "h": "8", "hdata": "yours"}
    out = {}
    for name, (q, epochs) in UNIT_MODES.items():
        if time.monotonic() > deadline:
            break
        q = {k: v for k, v in {**base, **q}.items() if v}
        s, ns = Settings.from_query(q)[0], NetSettings.from_query(q)[0]
        network = name.startswith("network")
        times, run = [], None
        for _ in range(3):
            run = Lab(settings=s, dataset=build_dataset(s))
            if network:
                run = NetLab(ns, (run.dataset, run.features))
            times.append(_cpu(lambda r=run, k=epochs: r.step(k)))
        units = run.epoch * run.epoch_cost
        out[name] = {"us_per_unit": min(times) / units * 1e6, "epoch_cost": run.epoch_cost, "epochs": run.epoch,
                     "ms_per_epoch": min(times) / run.epoch * 1e3}
    return out


def bench_unit_cost(deadline: float) -> Row:
    from perceptron.session.run import LINK_UPDATES

    load = _load()
    u = unit_costs(deadline)
    worst = max(u, key=lambda k: u[k]["us_per_unit"])
    bound = u[worst]["us_per_unit"] * 1e-6 * LINK_UPDATES
    for name, v in u.items():
        print(f"    {name:36} {v['us_per_unit']:6.2f} µs/unit  ({v['ms_per_epoch']:.3f} ms/epoch, "
              f"{v['epoch_cost']} units/epoch)", flush=True)
    return Row(
        part="links", key="link_unit_cost", unit="µs/unit",
        what=f"link budget: CPU per budget unit, dearest mode × LINK_UPDATES ({LINK_UPDATES:,})",
        target=TARGET_S, op="<=", target_text=f"≤ {TARGET_S:g} s", measured=bound, measured_unit="s",
        samples=[v["us_per_unit"] for v in u.values()],
        baseline_text="before: ~15–30 µs a plain update × 200,000 (not counted by mode)", baseline_kind="quoted",
        notes=(f"dearest: {worst}, {u[worst]['us_per_unit']:.2f} µs/unit → {bound:.2f} s for the whole budget. "
               "Per mode (µs/unit; ms/epoch; units/epoch): "
               + "; ".join(f"{k} {v['us_per_unit']:.2f}; {v['ms_per_epoch']:.3f}; {v['epoch_cost']}"
                           for k, v in u.items())
               + f". n = 2,000 points, none held out unless said, 7 inputs unless said; load average {load} "
                 f"before, {_load()} after."),
        extra=u,
    )


def bench_single_sample(deadline: float) -> Row:
    """perceptron.train, single-sample mode at n = 2,000: the plain-float loop against the numpy loop."""
    from perceptron import train
    from perceptron.data import datasets as ds

    data = ds.make_dataset("blobs", n=2000, noise=0.1, seed=0, test_fraction=0.0)
    out = {}
    for d, maps in ((2, ()), (7, tuple(ALL_MAPS.split(",")))):
        X = ds.fit_features(data.train_X, maps=maps, standardize=True).transform(data.train_X)
        y = data.train_y.astype(float)
        w0 = np.linspace(-0.3, 0.3, d)
        epochs = 10 if d == 2 else 4
        new, old, same = [], [], True
        for _ in range(3):
            if time.monotonic() > deadline and new:
                break
            h: dict = {}

            def one(key, h=h, X=X, y=y, w0=w0, epochs=epochs):
                h[key] = train(X, y, w0, 0.1, lr=0.5, epochs=epochs, batch_size=1)

            new.append(_cpu(lambda: one("new")) / (epochs * len(y)) * 1e6)
            with numpy_loop():
                old.append(_cpu(lambda: one("old")) / (epochs * len(y)) * 1e6)
            same &= bool(np.allclose(h["new"].w, h["old"].w, rtol=1e-9, atol=1e-12)
                         and np.allclose(h["new"].b, h["old"].b, rtol=1e-9, atol=1e-12))
        out[d] = {"new": new, "old": old, "same": same}
    n2, o2 = float(np.median(out[2]["new"])), float(np.median(out[2]["old"]))
    n7, o7 = float(np.median(out[7]["new"])), float(np.median(out[7]["old"]))
    return Row(
        part="links", key="engine_single_sample", unit="µs/update",
        what="engine, single-sample mode, n = 2,000, 2 inputs: CPU per update (plain floats; epoch's pass included)",
        target=5.0, op="<=", target_text="≤ 5 µs (issue: ~30 µs)", measured=n2, samples=out[2]["new"],
        baseline=o2, baseline_samples=out[2]["old"], baseline_kind="same run",
        baseline_text=f"numpy loop {o2:.1f} µs/update",
        notes=(f"2 inputs: {n2:.2f} vs {o2:.2f} µs ({o2 / n2:.1f}×); 7 inputs (all feature maps): {n7:.2f} vs "
               f"{o7:.2f} µs ({o7 / n7:.1f}×). Same weights and bias to 1e-9: 2 inputs {out[2]['same']}, "
               f"7 inputs {out[7]['same']}. Load average {_load()}."),
        extra={"d2": out[2], "d7": out[7]},
    )


def run() -> list[Row]:
    deadline = time.monotonic() + TIME_BUDGET
    rows = [bench_single_sample(deadline), bench_unit_cost(deadline)]
    rows += bench_worst_links(deadline)
    return rows
