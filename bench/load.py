"""Load: one server, N simulated students each pressing Step about once a second.

The students are protocol-level websocket clients, not browsers: a real Chromium opens the page
once and presses Step once, and the two BackMsgs it sends (open the page at n = 200, rerun the
fragment with the Step button's trigger) are captured and replayed by every client on its own
session. Each client waits for the ``script_finished`` ForwardMsg of its Step (what the browser
waits for before it can paint), so the latency is the server's: queueing + script run +
serialization + loopback, without 20 Chromium renderers competing for 2 cores.

Levels 1, 5, 10, 20 sessions, one after the other on the same server, each bounded in time.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time

from testing.servers import StreamlitServer

from .common import Row, busy_between, cpu_times, stats

LEVELS = ((1, 15.0), (5, 20.0), (10, 25.0), (20, 30.0))  # (sessions, seconds)
PERIOD = 1.0  # seconds between a student's Steps
STEP_TIMEOUT = 15.0
CONNECT_TIMEOUT = 30.0
PART_BUDGET = 150.0  # seconds for the measuring (after the capture); levels past it are skipped


class Student:
    def __init__(self, uri: str, first: bytes, step: bytes, seed: int):
        self.uri, self.first, self.step = uri, first, step
        self.rng = random.Random(seed)
        self.ws = None
        self.finished = asyncio.Event()
        self.finish_status = None
        self.bytes_in = 0
        self.reader = None
        self.latencies: list[float] = []
        self.errors = 0
        self.error_kinds: dict[str, int] = {}

    def _error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(self.uri, subprotocols=["streamlit"], max_size=None, open_timeout=CONNECT_TIMEOUT)
        self.reader = asyncio.create_task(self._read())
        self.finished.clear()
        await self.ws.send(self.first)
        await asyncio.wait_for(self.finished.wait(), CONNECT_TIMEOUT)

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        try:
            async for raw in self.ws:
                self.bytes_in += len(raw)
                if len(raw) > 256:
                    continue  # script_finished is a few bytes; skip decoding the big deltas
                msg = ForwardMsg.FromString(raw)
                if msg.WhichOneof("type") == "script_finished":
                    self.finish_status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                    self.finished.set()
        except Exception:  # noqa: BLE001 - the connection closing ends the reader
            pass

    async def press_step(self) -> float | None:
        self.finished.clear()
        t0 = time.perf_counter()
        await self.ws.send(self.step)
        try:
            await asyncio.wait_for(self.finished.wait(), STEP_TIMEOUT)
        except TimeoutError:
            self._error("timeout" if self.ws.state.name == "OPEN" else f"timeout, socket {self.ws.state.name}")
            return None
        if self.finish_status != "FINISHED_FRAGMENT_RUN_SUCCESSFULLY":
            self._error(str(self.finish_status))
        return (time.perf_counter() - t0) * 1e3

    async def run_for(self, seconds: float, out: list[float]) -> None:
        await asyncio.sleep(self.rng.uniform(0, PERIOD))  # students are not in step with each other
        end = time.perf_counter() + seconds
        nxt = time.perf_counter()
        while time.perf_counter() < end:
            ms = await self.press_step()
            if ms is not None:
                out.append(ms)
            nxt += PERIOD
            await asyncio.sleep(max(0.0, nxt - time.perf_counter()))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait([self.reader], timeout=5)


async def _levels(server: StreamlitServer, first: bytes, step: bytes) -> dict:
    uri = f"ws://127.0.0.1:{server.port}/_stcore/stream"
    students: list[Student] = []
    results = {}
    deadline = time.monotonic() + PART_BUDGET
    try:
        for n, seconds in LEVELS:
            if time.monotonic() + seconds > deadline:
                results[n] = {"skipped": "time budget"}
                continue
            while len(students) < n:
                s = Student(uri, first, step, seed=len(students))
                await s.open()
                students.append(s)
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            lat: list[float] = []
            cpu0, t0, mach0 = server.cpu_seconds(), time.monotonic(), cpu_times()
            errors0 = sum(s.errors for s in students[:n])
            await asyncio.gather(*(s.run_for(seconds, lat) for s in students[:n]))
            wall = time.monotonic() - t0
            cpu1 = server.cpu_seconds()
            results[n] = {
                "latencies": lat, "steps": len(lat), "seconds": round(wall, 1),
                "steps_per_s": round(len(lat) / wall, 2),
                "server_cpu": round((cpu1 - cpu0) / wall, 2) if cpu0 is not None and cpu1 is not None else None,
                "errors": sum(s.errors for s in students[:n]) - errors0,
                "error_kinds_so_far": {k: sum(s.error_kinds.get(k, 0) for s in students)
                                       for k in {k for s in students for k in s.error_kinds}},
                "rss_mb": round(server.rss_mb() or 0, 1),
                "machine_busy": busy_between(mach0, cpu_times()),
            }
            st = stats(lat)
            print(f"    {n:2d} sessions: {len(lat)} steps in {wall:.0f} s, median {st['median']:.0f} ms, "
                  f"p95 {st['p95']:.0f} ms, server CPU {results[n]['server_cpu']} cores, machine busy "
                  f"{results[n]['machine_busy']}, "
                  f"errors {results[n]['errors']}", flush=True)
    finally:
        for s in students:
            try:
                await s.close()
            except Exception:  # noqa: BLE001
                pass
    return results


def run() -> list[Row]:
    from .browser import capture_backmsgs

    with StreamlitServer(tag="bench") as server:
        first, step = capture_backmsgs(server.url)
        res = asyncio.run(_levels(server, first, step))
    med = {n: statistics.median(r["latencies"]) for n, r in res.items() if r.get("latencies")}
    one, twenty = med.get(1), med.get(20)
    ratio = twenty / one if one and twenty else None
    detail = "; ".join(
        f"{n}: median {med[n]:.0f} ms, p95 {stats(r['latencies'])['p95']:.0f} ms, {r['steps_per_s']} steps/s, "
        f"server CPU {r['server_cpu']} cores, machine busy {r['machine_busy']}, errors {r['errors']}" if n in med else f"{n}: {r}"
        for n, r in res.items())
    rows = [Row(
        part="load", key="load_20_vs_1", unit="ms",
        what="one server, students stepping every ~1 s (protocol clients): median Step latency, 20 sessions vs 1",
        target=1.5, op="<=", target_text="20 sessions median ≤ 1.5× one session's",
        measured=ratio, measured_unit="×", samples=res.get(20, {}).get("latencies", []),
        baseline=one, baseline_samples=res.get(1, {}).get("latencies", []),
        baseline_text=(f"1 session median {one:.0f} ms (same run); prototype: doubles between 10 and 20"
                       if one else "—"), baseline_kind="same run",
        notes=f"per level — {detail}. Samples are the 20-session latencies; baseline samples the 1-session ones.",
        extra={str(n): {k: v for k, v in r.items() if k != "latencies"} | (
            {"median_ms": round(med[n], 1), "p95_ms": round(stats(r["latencies"])["p95"], 1)} if n in med else {})
            for n, r in res.items()},
    )]
    if 1 in med:
        rows.append(Row(
            part="load", key="server_step_protocol_n200", unit="ms",
            what="server time per Step, one protocol client, no browser (rerun sent → script_finished), n = 200",
            target=25.0, op="<=", target_text="≤ 25 ms", measured=med[1], samples=res[1]["latencies"],
            baseline_text="~70 ms (prototype)", baseline_kind="quoted",
            notes="the 1-session level of the load run: the fragment rerun's whole server cost, nothing competing.",
        ))
    for n in (5, 10):
        if n in med:
            rows.append(Row(
                part="load", key=f"load_{n}", unit="ms",
                what=f"one server, {n} students stepping every ~1 s: median Step latency (information)",
                target=None, op="<=", target_text="—", measured=med[n], samples=res[n]["latencies"],
                baseline=one, baseline_text=f"1 session median {one:.0f} ms (same run)" if one else "—",
                baseline_kind="same run", notes=f"{med[n] / one:.2f}× one session's" if one else "",
            ))
    return rows
