"""The live class's store: server CPU per read of the teacher's class page, 30 students, on SQLite and PostgreSQL.

``python -m bench.classroom [--record]`` fills a class of 30 seats, each with a 200-epoch run reported
one epoch a report (a cost curve and the weights of 200 epochs each, ~14 kB of trace a seat, written a
round at a time as the store coalesces them), then times :meth:`ClassStore.roster`, the one query and
what the class page gets from it (every seat's report, curve and flags), with ``time.process_time()``:
the app server's CPU per refresh (every ~2 s on the class page). Target ≤ 100 ms for 30 students.
Baseline, same run, same store: a class of 1 seat with the same run. On PostgreSQL (a throwaway
cluster from ``testing/postgres.py``; skipped with a message without one) the note adds the database
server's own CPU per read (its processes' ticks in ``/proc``) and the wall time; the notes also give the
CPU of one report (validated and kept) and of one written report.

``--record`` writes ``bench/results/<date>-classroom.json`` and ``.md`` as the other parts do.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import Row, environment, print_row, stats, write_record

SEATS = 30
EPOCHS = 200
READS = 30  # timed roster reads per class
WARMUP = 3
TARGET_MS = 100.0
TIME_BUDGET = 120.0  # seconds: each loop also stops when the part has run this long


class Clock:
    """The store's clock, moved by the bench: the reports of a round fall within one second."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _reports(seat: int, epochs: int, rng) -> list[dict]:
    """One student's run as its page reports it, one report an epoch: a falling cost, moving weights."""
    w = rng.normal(0.0, 0.5, size=3)
    out = []
    for k in range(epochs):
        w = w + rng.normal(0.0, 0.02, size=3)
        cost = 0.25 * np.exp(-k / (40 + seat)) + 0.02 + float(rng.uniform(0, 1e-3))
        out.append({"page": "descent", "mode": "batch", "loss": "mse", "lr": 0.5, "epoch": k, "cost": float(cost),
                    "accuracy": 0.9, "chance": 0.25, "weights": [float(x) for x in w], "playing": True,
                    "query": f"n=100&seed={seat}&lr=0.5&epoch={k}"})
    return out


def _fill(store, clock, seats: int, epochs: int, rng) -> tuple[object, dict]:
    """A class of ``seats`` students who each reported ``epochs`` epochs; the CPU of reports, kept and written."""
    new = store.create_class(f"bench {seats}")
    tokens = [store.join(new.code, f"Student {i}").token for i in range(seats)]
    runs = [_reports(i, epochs, rng) for i in range(seats)]
    kept = written = 0.0
    n_kept = n_written = 0
    for k in range(epochs):
        t0 = time.process_time()
        for token, run in zip(tokens, runs, strict=True):
            store.report(token, run[k])
        t1 = time.process_time()
        n_before = store.writes
        store.flush()
        t2 = time.process_time()
        if k:  # the first round is written as it comes (the first report after a quiet second)
            kept += t1 - t0
            n_kept += seats
            written += t2 - t1
            n_written += store.writes - n_before
        clock.now += 0.99
    return new, {"report_kept_ms": 1e3 * kept / max(n_kept, 1), "report_written_ms": 1e3 * written / max(n_written, 1)}


def _db_ticks(cluster) -> int | None:
    """CPU ticks of the PostgreSQL cluster's processes (the postmaster and its children), from /proc."""
    try:
        leader = int((cluster.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == leader or ppid == leader:
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def _reads(store, new, deadline: float, cluster=None) -> dict:
    for _ in range(WARMUP):
        store.roster(new.code, new.key)
    cpu, wall = [], []
    ticks0 = _db_ticks(cluster) if cluster else None
    for _ in range(READS):
        if time.monotonic() > deadline:
            break
        c0, w0 = time.process_time(), time.perf_counter()
        roster = store.roster(new.code, new.key)
        cpu.append(1e3 * (time.process_time() - c0))
        wall.append(1e3 * (time.perf_counter() - w0))
    ticks1 = _db_ticks(cluster) if cluster else None
    db_ms = (None if ticks0 is None or ticks1 is None or not cpu
             else 1e3 * (ticks1 - ticks0) / os.sysconf("SC_CLK_TCK") / len(cpu))
    return {"cpu": cpu, "wall": wall, "db_ms": db_ms, "seats": len(roster.seats),
            "curve": len(roster.seats[0].curve) if roster.seats else 0}


def measure(url: str, dialect: str, cluster=None) -> Row:
    from perceptron.classroom import ClassStore

    clock = Clock()
    store = ClassStore(url, clock=clock)
    deadline = time.monotonic() + TIME_BUDGET
    rng = np.random.default_rng(24)
    try:
        big, costs = _fill(store, clock, SEATS, EPOCHS, rng)
        small, _ = _fill(store, clock, 1, EPOCHS, rng)
        base = _reads(store, small, deadline, cluster)
        full = _reads(store, big, deadline, cluster)
    finally:
        store.engine.dispose()
    med, base_med = stats(full["cpu"])["median"], stats(base["cpu"])["median"]
    db = (f"; the database's own CPU {full['db_ms']:.1f} ms a read (1 seat: {base['db_ms']:.1f} ms)"
          if full["db_ms"] is not None and base["db_ms"] is not None else "")
    return Row(
        part="classroom", key=f"classroom_roster_{SEATS}_{dialect}",
        what=f"Class page refresh, {SEATS} students with {EPOCHS}-epoch runs ({dialect}): server CPU per roster read",
        unit="ms", target=TARGET_MS, op="<=", target_text=f"≤ {TARGET_MS:g} ms", measured=med, samples=full["cpu"],
        baseline=base_med, baseline_text=f"1 student: {base_med:.2f} ms", baseline_kind="same run",
        baseline_samples=base["cpu"],
        notes=(f"one query, {full['seats']} seats, {full['curve']} entries a curve; wall time median "
               f"{stats(full['wall'])['median']:.1f} ms (1 student {stats(base['wall'])['median']:.1f} ms){db}; "
               f"a report costs {costs['report_kept_ms']:.3f} ms of CPU when kept (coalesced), "
               f"{costs['report_written_ms']:.2f} ms when written"),
        extra={"wall_ms": full["wall"], "db_ms_per_read": full["db_ms"], **costs})


PAGE_RUNS = 8  # timed runs of the class page


def measure_page(folder: str) -> Row:
    """The class page itself, run whole by the teacher (``AppTest``, in process, on a SQLite file): the roster read,
    every student's small multiple and curve, the controls; its CPU per run, for 30 students and for 1."""
    import gc
    import logging

    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    from perceptron.classroom import ClassStore

    logging.disable(logging.WARNING)  # "missing ScriptRunContext" in bare mode, once per session
    db = f"{folder}/page.sqlite3"
    os.environ["NEURON_LAB_DB"] = db  # the page's own store opens this file
    clock = Clock()
    store = ClassStore(f"sqlite:///{db}", clock=clock)
    rng = np.random.default_rng(24)
    classes = {n: _fill(store, clock, n, EPOCHS, rng)[0] for n in (SEATS, 1)}
    store.engine.dispose()
    registry = BidiComponentManager()
    registry.discover_and_register_components(start_file_watching=False)  # once, as a server does at its start
    root = Path(__file__).resolve().parents[1]
    cpu = {}
    for n, new in classes.items():
        at = AppTest.from_file(str(root / "app.py"), default_timeout=600)
        at._bidi_component_manager = registry
        at.query_params.update({"class": new.code, "teacher": new.key})
        at.switch_page("pages/7_Class.py")
        at.run()  # the first run, not counted
        assert not at.exception, [e.value for e in at.exception]
        cpu[n] = []
        for _ in range(PAGE_RUNS):
            gc.collect()
            c0 = time.process_time()
            at.run()
            cpu[n].append(1e3 * (time.process_time() - c0))
    med, base = stats(cpu[SEATS])["median"], stats(cpu[1])["median"]
    return Row(
        part="classroom", key=f"classroom_page_{SEATS}_sqlite",
        what=f"Class page, {SEATS} students with {EPOCHS}-epoch runs: server CPU of the page run whole (in process)",
        unit="ms", target=TARGET_MS, op="<=", target_text=f"≤ {TARGET_MS:g} ms", measured=med, samples=cpu[SEATS],
        baseline=base, baseline_text=f"1 student: {base:.1f} ms", baseline_kind="same run", baseline_samples=cpu[1],
        notes=("the whole page (its live part refreshes every ~2 s and runs less than this): AppTest in this "
               "process, the script's thread included; a real server adds the messages' encoding"))


def run() -> list[Row]:
    from testing.postgres import MISSING_POSTGRES, PostgresCluster, find_bindir

    rows = []
    with tempfile.TemporaryDirectory(prefix="neuron-lab-bench-") as folder:
        rows.append(measure(f"sqlite:///{folder}/classes.sqlite3", "sqlite"))
        rows.append(measure_page(folder))
    if find_bindir() is None:
        print(f"SKIPPED PostgreSQL: {MISSING_POSTGRES}", flush=True)
        return rows
    with PostgresCluster() as cluster:
        rows.append(measure(cluster.url(cluster.create_database("bench")), "postgresql", cluster))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.classroom", description=__doc__.split("\n\n")[0])
    ap.add_argument("--record", action="store_true", help="write bench/results/<date>-classroom.json and .md")
    args = ap.parse_args(argv)
    started = time.monotonic()
    env = environment()
    env["loadavg_before"] = os.getloadavg()
    print(f"Neuron Lab benchmark · classroom · {env['time']} · {env['cpu_model']} · {env['cores']} cores · "
          f"load average {env['loadavg_before'][0]:.1f}", flush=True)
    rows = run()
    env["loadavg_after"] = os.getloadavg()
    for row in rows:
        print_row(row)
    print(f"\n(load average before {env['loadavg_before'][0]:.1f}, after {env['loadavg_after'][0]:.1f})")
    if args.record:
        for path in write_record(rows, env, ["classroom"], started):
            print(f"record: {path}")
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
