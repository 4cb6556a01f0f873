"""Links, in process: what the dearest links the app accepts cost the server on opening, each page run whole,
beside the same links opened by the app as it was before issue 20 (same run); the budget's unit, by mode;
and the single-sample loop.

A link trains its epochs before the page answers (``frame.ensure_state``: the neuron's, then the network's
with what the neuron left of ``LINK_UPDATES``), and then the page computes what it shows (the loss
landscape's surfaces and comparison runs, the Backpropagation page's ledger, the figures), on the server's
one Python process: every other student waits that long. Times are ``time.process_time()`` (CPU of the
process measuring), so other work on the machine slows them less than a wall clock; the load average is
printed beside them all the same.

* ``page_survey``: every page opened from every link of ``testing.links.WORST_LINKS`` once (now).
* ``page_<page>``: each page opened from its dearest link (of the survey's two dearest there and
  ``PAGE_LINKS``'), the page's script run whole by ``bench/pagecpu.py`` (``AppTest``; median of ``REPEATS``),
  beside the same link opened by the app at ``BEFORE`` (a ``git archive`` of that commit, measured by the
  same script in the same run, once). ``issue20_<n>``: the issue's four links on their pages, the same way.
  ``worst_link_<kind>``: every one of ``WORST_LINKS`` opened on Home (what the link trains, a light page).
* ``link_unit_cost``: CPU per budget unit of each mode at the largest size, beside the unit itself (a
  single-sample update of the neuron), same run: no mode may cost more per unit than the unit.
* ``memory_after_classes``: a real server's memory after classes of ten sessions opened the dearest link at
  once and closed, now and before (same run).
* ``engine_single_sample``: one single-sample update, plain floats against the numpy loop it replaced
  (same run), and whether both give the same weights to rounding (1e-9).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from testing.links import ALL_MAPS, PAGE_LINKS, PAGES, WORST_LINKS, query_string
from testing.servers import ROOT

from .common import Row

REPEATS = 3
TIME_BUDGET = 600.0  # seconds: the part stops starting new measurements after this long
# the app before issue 20's link costs (its last commit before them): the same-run baseline of the page rows
BEFORE = os.environ.get("LINKS_BEFORE", "6a6b183")
TARGET_S = 0.5  # issue 20: no link opening costs over 0.5 s of server CPU, the page run whole
ISSUE_20 = {  # the issue's links on their pages, with its quiet-machine figures before
    "issue20_landscape_bce": ("landscape", "issue-20-bce", "3.3–3.8 s"),
    "issue20_landscape_batch": ("landscape", "issue-20-batch", "2.8–3.0 s"),
    "issue20_descent_bce": ("descent", "issue-20-bce", "2.1–2.6 s"),
    "issue20_hidden": ("hidden", "issue-20-hidden", "1.6–2.2 s"),
}


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


def page_cpu(root: Path, links: list, repeats: int) -> list[dict]:
    """Each ``(name, page key, query)`` of ``links`` opened on its page in the app at ``root`` by
    ``bench/pagecpu.py`` in a process of its own: CPU samples, the epochs it opened at, its notice."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump([[name, PAGES[page], query] for name, page, query in links], f)
    try:
        done = subprocess.run([sys.executable, str(Path(__file__).with_name("pagecpu.py")), "--root", str(root),
                               "--links", f.name, "--repeats", str(repeats)],
                              capture_output=True, text=True, timeout=TIME_BUDGET, check=False)
    finally:
        os.unlink(f.name)
    sys.stderr.write(done.stderr[-3000:] if done.returncode else "")
    if done.returncode:
        raise RuntimeError(f"bench/pagecpu.py failed in {root} (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def before_tree(commit: str = BEFORE):
    """The app's files at ``commit`` (``git archive``), in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="neuron-lab-before-") as tmp:
        archive = Path(tmp) / "before.tar"
        with archive.open("wb") as f:
            subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit], stdout=f, check=True)
        with tarfile.open(archive) as t:
            t.extractall(Path(tmp) / "app", filter="data")
        yield Path(tmp) / "app"


def _row(key: str, what: str, now: dict, before: dict | None, quoted: str = "") -> Row:
    cpu = now["cpu"]
    med = float(np.median(cpu)) if cpu else float("nan")
    was = float(np.median(before["cpu"])) if before and before.get("cpu") else None
    opened = f"opened at epoch {now['epoch']} of the neuron and {now['net_epoch']} of the network"
    if before:
        opened += f" (before: {before['epoch']} and {before['net_epoch']})"
    notes = (f"{opened}; " + (f"notice: {now['notice']!r}; " if now["notice"] else "")
             + (f"{was / med:.1f}× less CPU; " if was and med else "")
             + (f"quoted from issue 20 (quiet machine, before): {quoted}; " if quoted else "")
             + f"load average {now['load'][0]:.2f} before, {now['load'][-1]:.2f} after"
             + (f" (before's: {before['load'][0]:.2f})" if before else "")
             + (f"; ERROR now: {now['error']}" if now.get("error") else ""))
    return Row(
        part="links", key=key, unit="s CPU", what=what, target=TARGET_S, op="<=",
        target_text=f"≤ {TARGET_S:g} s (process_time)", measured=med, samples=cpu,
        baseline=was, baseline_samples=before["cpu"] if before else [], baseline_kind="same run" if before else "quoted",
        baseline_text=(f"before ({BEFORE}): {was:.2f} s" if was is not None else f"issue 20: {quoted}"),
        notes=notes,
        extra={k: now.get(k) for k in ("epoch", "net_epoch", "notice", "error")}
        | ({"before": {k: before.get(k) for k in ("cpu", "epoch", "net_epoch", "notice", "error")}} if before else {}),
    )


def survey(deadline: float) -> dict[str, list[tuple[str, float]]]:
    """Every page opened from every link once (now): per page, the links by CPU, dearest first."""
    links = [(f"{p}:{kind}", p, q) for p in PAGES for kind, q in WORST_LINKS.items()]
    found = page_cpu(ROOT, links, 1)
    out: dict[str, list[tuple[str, float]]] = {p: [] for p in PAGES}
    for r in found:
        page, kind = r["name"].split(":")
        out[page].append((kind, r["cpu"][0] if r["cpu"] else float("inf")))
    return {p: sorted(v, key=lambda kv: -kv[1]) for p, v in out.items()}


def bench_pages(deadline: float) -> list[Row]:
    """The survey; then every page from its dearest links (the survey's two dearest and ``PAGE_LINKS``'), the
    issue's links and every link on Home, now (``REPEATS``) and before (once), same run."""
    found = survey(deadline)
    top = max(v for links in found.values() for _, v in links)
    rows = [Row(
        part="links", key="page_survey", unit="s CPU",
        what=f"every page opened from every link ({len(WORST_LINKS)}) once: the dearest of all",
        target=None, op="<=", target_text="information (the page rows are the target)", measured=top,
        samples=[v for links in found.values() for _, v in links], baseline_text="—", baseline_kind="quoted",
        notes="dearest per page: " + "; ".join(f"{p} {v[0][0]} {v[0][1]:.3f} s" for p, v in found.items())
              + f"; load average {os.getloadavg()[0]:.2f} after. One opening each: noisier than the page rows.",
        extra={"by_page": found},
    )]
    candidates = {p: list(dict.fromkeys([PAGE_LINKS[p], *(k for k, _ in v[:2])])) for p, v in found.items()}
    links = [(f"page_{p}:{k}", p, WORST_LINKS[k]) for p, ks in candidates.items() for k in ks]
    links += [(key, page, WORST_LINKS[name]) for key, (page, name, _) in ISSUE_20.items()]
    links += [(f"worst_link_{kind.replace('-', '_')}", "home", q) for kind, q in WORST_LINKS.items()
              if not kind.startswith("issue-20")]
    print(f"    now: {len(links)} links × {REPEATS}", flush=True)
    now = {r["name"]: r for r in page_cpu(ROOT, links, REPEATS)}
    dearest = {p: max(ks, key=lambda k, p=p: float(np.median(now[f"page_{p}:{k}"]["cpu"] or [np.inf])))
               for p, ks in candidates.items()}  # each page's row: its dearest candidate now, by median
    before = {}
    if time.monotonic() < deadline:
        print(f"    before ({BEFORE}): {len(links)} links × 1", flush=True)
        with before_tree() as tree:
            before = {r["name"]: r for r in page_cpu(tree, links, 1)}
    for p, ks in candidates.items():  # each page: the dearest of its candidates now, beside the dearest before
        was = max(ks, key=lambda k, p=p: (before.get(f"page_{p}:{k}") or {"cpu": [-1.0]})["cpu"][0]) if before else None
        got, had = now[f"page_{p}:{dearest[p]}"], before.get(f"page_{p}:{was}") if was else None
        row = _row(f"page_{p}", f"dearest link of the {p} page, of {', '.join(ks)}: server CPU to open, page run "
                   f"whole ({dearest[p]}: {query_string(WORST_LINKS[dearest[p]])})", got, had)
        opened = lambda r: f"opened at epoch {r['epoch']} of the neuron and {r['net_epoch']} of the network"  # noqa: E731
        row.notes = (f"now the dearest is {dearest[p]}, {opened(got)}" + (f" ({got['notice']})" if got["notice"] else "")
                     + (f"; before it was {was}, {opened(had)}; {row.baseline / row.measured:.1f}× less CPU"
                        if had else "")
                     + "; each now / before: " + "; ".join(
                         f"{k} {np.median(now[f'page_{p}:{k}']['cpu']):.3f} / "
                         + (f"{before[f'page_{p}:{k}']['cpu'][0]:.2f} s" if f"page_{p}:{k}" in before else "—")
                         for k in ks)
                     + f"; load average {got['load'][0]:.2f} before, {got['load'][-1]:.2f} after")
        if was:
            row.baseline_text = f"before ({BEFORE}), its dearest of these, {was}: {row.baseline:.2f} s"
        row.extra |= {"dearest": dearest[p], "dearest_before": was}
        rows.append(row)
    for key, page, query in links:
        if key.startswith("page_"):
            continue
        what = (f"issue 20's link on the {page} page: server CPU to open, page run whole" if key in ISSUE_20
                else f"worst link on Home: server CPU to open, {key.removeprefix('worst_link_')}")
        rows.append(_row(key, f"{what} ({query_string(query)})", now[key], before.get(key),
                         ISSUE_20[key][2] if key in ISSUE_20 else ""))
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
    "batch, cross-entropy, α = 1000": ({"mode": "batch", "loss": "bce", "lr": "1000", "noise": "1"}, 1000),
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
    divided by what they count (``epochs × epoch_cost``); the best of 5 (the least disturbed)."""
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
        for _ in range(5):
            run = Lab(settings=s, dataset=build_dataset(s))
            if network:
                run = NetLab(ns, (run.dataset, run.features))
            times.append(_cpu(lambda r=run, k=epochs: r.step(k)))
        units = run.epoch * run.epoch_cost
        out[name] = {"us_per_unit": min(times) / units * 1e6, "epoch_cost": run.epoch_cost, "epochs": run.epoch,
                     "ms_per_epoch": min(times) / run.epoch * 1e3}
    if time.monotonic() < deadline:
        out.update(page_unit_costs(base))
    return out


def page_unit_costs(base: dict) -> dict[str, dict]:
    """CPU per unit of what pages compute after training, at the largest size: the loss landscape's surface
    (41 × 41 grid points over 2,000 samples, cross-entropy, counted ``SLICE_CELLS_PER_UNIT`` cells a unit) and
    the Backpropagation ledger's rows (``LEDGER_ROWS`` of a saturated sigmoid, ``LEDGER_ROW_UNITS`` each)."""
    from perceptron.engine.backprop import chain_rule, cost_slice
    from perceptron.session.lab import Lab, build_dataset
    from perceptron.session.run import LEDGER_ROW_UNITS, LEDGER_ROWS
    from perceptron.session.settings import Settings
    from perceptron.views.ledger_table import ledger_table
    from perceptron.views.scenes import slice_units

    s = Settings.from_query({**base, "loss": "bce", "lr": "1000", "noise": "1", "mode": "batch"})[0]
    lab = Lab(settings=s, dataset=build_dataset(s))
    lab.step(200)
    X, y, *_ = lab.design()
    w, b = lab.params()
    g = np.linspace(-3, 3, 41)
    times = [_cpu(lambda: cost_slice(X, y, w, b, "bce", g + w[0], g + w[1])) for _ in range(5)]
    units = slice_units(y.size, 41)
    out = {"landscape surface, 41 × 41, cross-entropy": {
        "us_per_unit": min(times) / units * 1e6, "epoch_cost": units, "epochs": 1, "ms_per_epoch": min(times) * 1e3}}
    L = chain_rule(X[:LEDGER_ROWS], y[:LEDGER_ROWS], w, b, "bce")
    times = [_cpu(lambda: ledger_table(L, y[:LEDGER_ROWS])) for _ in range(5)]
    units = LEDGER_ROWS * LEDGER_ROW_UNITS
    out[f"ledger, {LEDGER_ROWS} rows"] = {"us_per_unit": min(times) / units * 1e6, "epoch_cost": units, "epochs": 1,
                                          "ms_per_epoch": min(times) * 1e3}
    return out


UNIT = "sample, 7 inputs"  # the budget's unit: one single-sample update of the neuron, 7 inputs
UNIT_TARGET = 1.2  # no mode's CPU per unit above the unit's own (best of 5 each; 20 % for the machine's noise)


def bench_unit_cost(deadline: float) -> Row:
    from perceptron.session.run import LINK_UPDATES

    load = _load()
    u = unit_costs(deadline)
    ref = u[UNIT]["us_per_unit"]
    worst = max(u, key=lambda k: u[k]["us_per_unit"])
    ratio = u[worst]["us_per_unit"] / ref
    for name, v in u.items():
        print(f"    {name:36} {v['us_per_unit']:6.2f} µs/unit ({v['us_per_unit'] / ref:4.2f}× the unit; "
              f"{v['ms_per_epoch']:.3f} ms/epoch, {v['epoch_cost']} units/epoch)", flush=True)
    return Row(
        part="links", key="link_unit_cost", unit="µs/unit",
        what=f"link budget: CPU per budget unit of the dearest mode, as a multiple of the unit ({UNIT})",
        target=UNIT_TARGET, op="<=", target_text=f"≤ {UNIT_TARGET:g}× the unit", measured=ratio, measured_unit="×",
        samples=[v["us_per_unit"] for v in u.values()],
        baseline=ref, baseline_samples=[ref], baseline_kind="same run", baseline_text=f"the unit: {ref:.2f} µs",
        notes=(f"dearest: {worst}, {u[worst]['us_per_unit']:.2f} µs/unit ({ratio:.2f}× the unit's {ref:.2f} µs); "
               f"LINK_UPDATES ({LINK_UPDATES:,}) × {u[worst]['us_per_unit']:.2f} µs = "
               f"{u[worst]['us_per_unit'] * 1e-6 * LINK_UPDATES:.2f} s. Per mode (µs/unit; ms/epoch; units/epoch): "
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


MEMORY_SESSIONS = 10  # a class opening the dearest link at once
MEMORY_CLASSES = 3  # ... and leaving, this many times


def memory_classes(root: Path) -> list[float]:
    """A real server on ``root`` (``testing.servers``): its RSS (MiB) after every page was opened once, then after
    each of ``MEMORY_CLASSES`` classes of ``MEMORY_SESSIONS`` sessions opened the issue's dearest Loss landscape
    link at once and closed (the test ``tests/test_links_budget.py`` asserts the same on this tree)."""
    import asyncio

    from loadtest.protocol import Session
    from testing.servers import StreamlitServer

    query = "&".join(f"{k}={v}" for k, v in WORST_LINKS["issue-20-bce"].items())

    async def visit(url: str, page: str, q: str = "") -> Session:
        s = Session(url)
        await s.connect()
        s.page_name, s.query_string = page, q
        await s.rerun(timeout=TIME_BUDGET)
        return s

    async def classes(server) -> list[float]:
        for page in ("", "Loss_landscape", "Backpropagation", "Gradient_descent"):
            await (await visit(server.url, page)).close()
        rss = [server.rss_mb()]
        for _ in range(MEMORY_CLASSES):
            sessions = await asyncio.gather(*[visit(server.url, "Loss_landscape", query)
                                              for _ in range(MEMORY_SESSIONS)])
            for s in sessions:
                await s.close()
            await asyncio.sleep(2)
            rss.append(server.rss_mb())
        return rss

    with StreamlitServer(cwd=root, tag="bench-memory") as server:
        return asyncio.run(classes(server))


def bench_memory(deadline: float) -> Row:
    now = memory_classes(ROOT)
    before = None
    if time.monotonic() < deadline:
        with before_tree() as tree:
            before = memory_classes(tree)
    grown = now[-1] - now[1]
    say = lambda r: " → ".join(f"{v:.0f}" for v in r)  # noqa: E731
    return Row(
        part="links", key="memory_after_classes", unit="MiB",
        what=(f"server memory: growth from the 1st to the {MEMORY_CLASSES}rd class of {MEMORY_SESSIONS} sessions "
              "opening the dearest Loss landscape link at once, then closing"),
        target=30.0, op="<=", target_text="≤ 30 MiB (no growth class after class)", measured=grown,
        samples=now, baseline=(before[-1] - before[1]) if before else None, baseline_samples=before or [],
        baseline_kind="same run" if before else "quoted",
        baseline_text=(f"before ({BEFORE}): RSS {say(before)} MiB" if before else "issue 20: 237 → 683 MB, kept"),
        notes=(f"RSS after every page once, then after each class (MiB): now {say(now)}"
               + (f"; before {say(before)}" if before else "") + f"; load average {_load()}"),
        extra={"now": now, "before": before},
    )


def run() -> list[Row]:
    deadline = time.monotonic() + TIME_BUDGET
    rows = [bench_single_sample(deadline), bench_unit_cost(deadline)]
    rows += bench_pages(deadline)
    if time.monotonic() < deadline:
        rows.append(bench_memory(deadline + 300))
    return rows
