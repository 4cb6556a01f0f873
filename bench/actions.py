"""Server CPU per action (issue 21): ``python -m bench actions``, or ``python -m bench.actions [--before REF]``.

One server process, one protocol student (``loadtest.protocol.Session``, what the browser sends, the chart's
``more`` events included) on the Gradient descent page at n = 200 (the default blobs) with ``?max_epochs=5000``:
Steps, Plays, refills (the chart's request for more frames, sent when ``more_at`` frames are left as chart.js
does, answered by the next chunk), Pause (as each tree's browser sends it: its frame report alone, or the
click and then the report), Reset, and a visit to every page and back. The
server's CPU is read around each action (``testing.servers.cpu_seconds``: utime + stime, 10 ms ticks; the
script runs in a thread that ends with the run, which ``/proc/<pid>/task/*/schedstat`` would miss), so a figure
is the **mean** over many actions of a kind; the server does nothing else meanwhile.

Baseline, same run: the same actions on a server of the app as committed at ``BEFORE`` (``git archive``; the
main branch by default, ``ACTIONS_BEFORE=<ref>`` or ``--before``), the two servers' rounds interleaved so that
other work on the machine weighs on both alike.

Rows: ``server_refill_cpu_n200`` (target ≤ 15 ms), ``server_refill_beyond_training_n200`` (the same less the CPU
of training the refill's chunk alone, in this process: the page's part), ``server_step_cpu_n200`` (target ≤ 25 ms);
the note of each gives every action's mean now and before.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import time
from pathlib import Path

from .common import Row

BEFORE = os.environ.get("ACTIONS_BEFORE", "main")
ROUNDS = 5  # rounds per server, interleaved (each: Steps, a Play with its refills to the epoch limit, visits)
STEPS = 10  # Steps a round
CHART = "descent"
PAGE = "Gradient_descent"
VISITS = ("", "Dataset", "Forward_propagation", "Backpropagation", "Loss_landscape", "Hidden_layer")


class Probe:
    """A student whose every action is timed in the server's CPU."""

    def __init__(self, url: str, pid: int, keeps_pause: bool = True):
        from loadtest.protocol import Session
        from testing.servers import cpu_seconds

        self.s, self.pid, self.cpu_seconds = Session(url), pid, cpu_seconds
        # whether this tree's chart keeps a Pause click to itself while playing (its report, pause: true, is the
        # Pause): else the browser sends the click, then the report, and the Pause is both
        self.keeps_pause = keeps_pause
        self.cpu: dict[str, list[float]] = {}
        self.events = 0

    async def act(self, kind: str, coro):
        c0 = self.cpu_seconds(self.pid)
        run = await coro
        c1 = self.cpu_seconds(self.pid)
        if run.exceptions:
            raise RuntimeError(f"{kind}: {run.exceptions}")
        if c0 is not None and c1 is not None:
            self.cpu.setdefault(kind, []).append((c1 - c0) * 1e3)
        return run

    def chart(self, run) -> dict | None:
        found = [text for _, wid, text in run.components if wid.endswith(f"-{CHART}")]
        return json.loads(found[-1]) if found else None

    async def frame(self, kind: str, msg: dict):
        self.events += 1
        return await self.act(kind, self.s.set_component_state(CHART, {"frame": {**msg, "n": self.events,
                                                                               "t": int(time.time() * 1000)}}))

    async def pause(self, view: int):
        """The Pause as this tree's browser sends it: the chart's report of frame ``view`` (``pause: true``) alone,
        or the click first; timed by :meth:`act` as one action."""
        if not self.keeps_pause:
            await self.s.click("play")
        self.events += 1
        return await self.s.set_component_state(CHART, {"frame": {"event": "frame", "index": 0, "view": view,
                                                                  "end": False, "pause": True, "n": self.events,
                                                                  "t": int(time.time() * 1000)}})

    async def open(self) -> None:
        await self.s.connect()
        self.s.query_string = "max_epochs=5000"
        await self.act("open", self.s.rerun(page=PAGE))

    async def round(self) -> None:
        await self.act("reset", self.s.click("reset"))
        for _ in range(STEPS):
            await self.act("step", self.s.click("step"))
        d = self.chart(await self.act("play", self.s.click("play")))
        for _ in range(20):  # refills until the epoch limit says no more (more_at 0)
            if not d or not d.get("more_at"):
                break
            first, n = int(d.get("first") or 0), len(d.get("frames") or [])
            view = first + n - 1 - int(d["more_at"])  # the browser asks with more_at frames left
            run = await self.frame("refill", {"event": "frame", "index": view - first, "view": view, "end": False,
                                              "more": True})
            d = self.chart(run)
        view = int(d.get("first") or 0) if d else 0
        await self.act("pause (what the browser sends)", self.pause(view))
        for page in VISITS:
            await self.act(f"visit {page or 'Home'}", self.s.goto(page))
            await self.act("back to Gradient descent", self.s.goto(PAGE))
            self.s.query_string = "max_epochs=5000"


def export(ref: str) -> tuple[str, str]:
    from loadtest.__main__ import export_commit

    return export_commit(ref)


def keeps_pause(tree: Path) -> bool:
    """Whether the chart of the app in ``tree`` keeps a Pause click to itself while playing (chart.js, since the
    report's ``pause`` flag): its browser sends one message for a Pause, not the click and then the report."""
    return "msg.pause = true" in (tree / "perceptron" / "web" / "chart_logic.js").read_text(encoding="utf-8")


async def _measure(servers: dict[str, object], rounds: int) -> dict[str, dict[str, list[float]]]:
    probes = {name: Probe(srv.url, srv.pid, keeps_pause(Path(srv.cwd))) for name, srv in servers.items()}
    for p in probes.values():
        await p.open()
    for _ in range(rounds):
        for p in probes.values():  # interleaved: drift weighs on both
            await p.round()
    for p in probes.values():
        await p.s.close()
    return {name: p.cpu for name, p in probes.items()}


def measure(before: str | None = BEFORE, rounds: int = ROUNDS) -> tuple[dict, str]:
    """Per action kind, the server CPU (ms) of each occurrence: {"now": {...}, "before": {...}}; and the commit."""
    from testing.servers import StreamlitServer

    root = Path(__file__).resolve().parents[1]
    trees = {"now": (str(root), "")}
    if before:
        trees["before"] = export(before)
    servers = {name: StreamlitServer(cwd=Path(tree), tag=f"actions-{name}").start() for name, (tree, _) in trees.items()}
    try:
        cpu = asyncio.run(_measure(servers, rounds))
    finally:
        for srv in servers.values():
            srv.stop()
        if "before" in trees:
            shutil.rmtree(trees["before"][0], ignore_errors=True)  # the exported copy
    return cpu, trees.get("before", ("", ""))[1]


def training_cpu() -> list[float]:
    """CPU (ms) of training each refill's chunk alone, in this process: what the page's Play trains at n = 200 with
    ``?max_epochs=5000`` (``Run.play_chunk(PLAY_CHUNK)``, then ``PLAY_REFILL`` frames until nothing is left), the
    part of a refill that is the engine's work, not the page's."""
    from perceptron.session.lab import Lab
    from perceptron.session.settings import Settings
    from perceptron.web.playback import PLAY_CHUNK, PLAY_REFILL

    out = []
    for _ in range(ROUNDS):
        lab = Lab.from_settings(Settings(max_epochs=5000))
        lab.play_chunk(PLAY_CHUNK)
        while True:
            t0 = time.process_time()
            more = lab.play_chunk(PLAY_REFILL)
            if not more:
                break
            out.append((time.process_time() - t0) * 1e3)
    return out


def _mean(xs) -> float | None:
    return statistics.fmean(xs) if xs else None


def table(cpu: dict) -> str:
    kinds = list(dict.fromkeys(k for side in cpu.values() for k in side))
    lines = []
    for k in kinds:
        now, before = cpu.get("now", {}).get(k, []), cpu.get("before", {}).get(k, [])
        cell = lambda xs: f"{_mean(xs):.1f} ms (n {len(xs)})" if xs else "-"  # noqa: E731
        lines.append(f"{k}: {cell(now)} now, {cell(before)} before")
    return "; ".join(lines)


def rows(cpu: dict, commit: str) -> list[Row]:
    now, before = cpu.get("now", {}), cpu.get("before", {})
    note = f"Server CPU per action, means (10 ms ticks), same run; before = {commit[:10] or '-'}: " + table(cpu)
    train = cpu.get("training", {}).get("refill", [])
    if train:
        note += f". Of a refill, training its chunk alone (in process): {_mean(train):.1f} ms (n {len(train)})"
    out = []
    for key, kind, target, what in (
        ("server_refill_cpu_n200", "refill", 15.0, "Server CPU per refill (the chart's more: the next chunk), n = 200"),
        ("server_step_cpu_n200", "step", 25.0, "Server CPU per Step (a fragment rerun), n = 200"),
    ):
        xs, bs = now.get(kind, []), before.get(kind, [])
        if kind == "refill" and xs and train:  # what the page adds to the engine's work
            beyond = [x - _mean(train) for x in xs]
            out.append(Row("actions", "server_refill_beyond_training_n200", "Server CPU per refill beyond training "
                           "its chunk (the page's part: frames, figure, Streamlit), n = 200", "ms", 15.0, "<=", "≤ 15 ms",
                           measured=_mean(beyond), samples=beyond,
                           baseline=_mean(bs) - _mean(train) if bs else None, baseline_kind="same run",
                           baseline_text=f"{commit[:10]} same run, less the same training" if bs else "", notes=note))
        out.append(Row("actions", key, what, "ms", target, "<=", f"≤ {target:g} ms", measured=_mean(xs), samples=xs,
                       baseline=_mean(bs), baseline_text=f"{commit[:10]} same run" if bs else "",
                       baseline_kind="same run", baseline_samples=bs, notes=note, extra={"cpu_ms": cpu}))
    return out


def run() -> list[Row]:
    cpu, commit = measure()
    cpu["training"] = {"refill": training_cpu()}
    return rows(cpu, commit)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--before", default=BEFORE, help="the commit to compare with ('' for none)")
    ap.add_argument("--rounds", type=int, default=ROUNDS)
    args = ap.parse_args(argv)
    cpu, commit = measure(args.before or None, args.rounds)
    train = training_cpu()
    print(f"load average {os.getloadavg()}; a refill's training alone (in process): {_mean(train):.1f} ms (n {len(train)})")
    cpu.pop("training", None)
    for k in dict.fromkeys(k for side in cpu.values() for k in side):
        now, before = cpu.get("now", {}).get(k, []), cpu.get("before", {}).get(k, [])
        f = lambda xs: f"{_mean(xs):7.1f} (n {len(xs):2})" if xs else "      -      "  # noqa: E731
        print(f"{k:28} now {f(now)}   before {commit[:8]} {f(before)}   ms server CPU, mean")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
