"""A classroom: N students against one server at once, with the server's memory and CPU sampled.

:func:`run_classroom` starts a server of its own (:class:`testing.servers.StreamlitServer`)
unless ``ClassroomConfig.url`` names one, and runs the class in its profile (mixed, watching,
walkthrough, or the burst); :func:`run_sweep` runs the same class at increasing sizes. The report
is plain numbers; :mod:`loadtest.report` writes it as Markdown.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import math
import os
import re
import statistics
import time
from pathlib import Path

from testing.servers import StreamlitServer, cpu_seconds, rss_kib, threads

from .protocol import ACTION_TIMEOUT, OPEN_TIMEOUT, ProtocolError, Session, xsrf_check
from .student import DATASET_PAGE, DESCENT_PAGE, PAGES, ClassroomConfig, Record, Student
from .walkthrough import GAP, PHASES, Teacher, walk

MEMORY_PERIOD = 0.25  # seconds between RSS samples
ACTION_ORDER = ("open", "step", "step10", "play", "first_frame", "refill", "pause", "frame", "reset",
                *(f"visit {p}" for p in PAGES), "goto_dataset", "upload", "goto_descent")
NOT_ACTIONS = ("upload_put", "first_frame")  # timings recorded within an action, not actions of their own
BURST_SPREAD = 1.0  # seconds: the burst's students press Play within this window ("in the same second")


def app_defaults() -> tuple[str, int]:
    """The default experiment's one-line data summary and epoch limit, from the app's own code."""
    try:
        from perceptron.session.lab import Lab
        from perceptron.session.settings import MAX_EPOCHS, Settings
        from perceptron.web.frame import data_summary

        return data_summary(Lab.from_settings()), min(Settings().max_epochs, MAX_EPOCHS)
    except Exception:  # noqa: BLE001 - an older/newer app: fall back to the first session's view
        return "", 1000


def server_log_problems(text: str) -> list[str]:
    """Lines of a server log that report a failure (tracebacks, errors, exceptions)."""
    return [line for line in text.splitlines()
            if re.search(r"Traceback|\bERROR\b|Exception|Error:", line)]


class MemorySampler:
    def __init__(self, pid: int | None):
        self.pid = pid
        self.samples: list[tuple[float, int]] = []  # (seconds since start, RSS KiB)
        self.hwm = 0
        self.t0 = time.monotonic()
        self.task: asyncio.Task | None = None

    def sample(self) -> int | None:
        if not self.pid:
            return None
        v = rss_kib(self.pid)
        if v is None:
            return None
        self.samples.append((time.monotonic() - self.t0, v[0]))
        self.hwm = max(self.hwm, v[1])
        return v[0]

    async def loop(self, until: float) -> None:
        while time.monotonic() < until:
            self.sample()
            await asyncio.sleep(MEMORY_PERIOD)

    def start(self, until: float) -> None:
        self.task = asyncio.create_task(self.loop(until))

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            try:
                await self.task
            except asyncio.CancelledError:
                pass
        self.sample()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def latency_table(records: list[Record]) -> dict:
    """p50 / p95 / max / mean seconds of every kind of action that ended well, in ACTION_ORDER."""
    by_action: dict[str, list[float]] = {}
    for r in records:
        if r.ok:
            by_action.setdefault(r.action, []).append(r.seconds)
    order = ACTION_ORDER + NOT_ACTIONS
    return {a: {"n": len(v), "p50": percentile(v, 0.5), "p95": percentile(v, 0.95), "max": max(v),
                "mean": statistics.fmean(v)}
            for a, v in sorted(by_action.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)}


def refill_figures(refills: list, plays: list[dict]) -> dict | None:
    """The refills' answer times, their stalls (answered later than the frames the browser still had), and the
    student-seconds frozen out of those watched; None when no student asked for more frames."""
    if not refills and not any(p.get("watched") for p in plays):
        return None
    answers = [r.answer if r.answer is not None else r.finished for r in refills]
    late = [r.late_by for r in refills if r.stalled]
    watched = sum(p.get("watched") or 0 for p in plays)
    frozen = sum(p.get("frozen") or 0 for p in plays)
    return {
        "n": len(refills), "p50": percentile(answers, 0.5), "p95": percentile(answers, 0.95),
        "max": max(answers, default=float("nan")),
        "finished_p95": percentile([r.finished for r in refills], 0.95),
        "budget_p50": percentile([r.budget for r in refills], 0.5),
        "stalls": len(late), "stall_fraction": len(late) / len(refills) if refills else float("nan"),
        "late_p50": percentile(late, 0.5), "late_p95": percentile(late, 0.95), "late_max": max(late, default=0.0),
        "no_answer": sum(r.answer is None for r in refills), "final": sum(r.final for r in refills),
        "sent_late_p95": percentile([r.sent_late for r in refills], 0.95),
        "sent_late_max": max((r.sent_late for r in refills), default=0.0),
        "frames_added_mean": statistics.fmean([r.added for r in refills]) if refills else float("nan"),
        "watched_s": watched, "frozen_s": frozen, "frozen_fraction": frozen / watched if watched else float("nan"),
        "plays": len(plays), "fuse": sum(p.get("fuse") or 0 for p in plays),
        "past_first_chunk": sum(1 for p in plays if p.get("paused_epoch") is not None
                                and p.get("first_last_epoch") is not None and p["paused_epoch"] > p["first_last_epoch"]),
        "refills_per_play_max": max((p["refills"] for p in plays), default=0),
    }


def cpu_by_action(records: list[Record]) -> dict:
    """The server's CPU over each kind of action, where it was read around each (one student alone)."""
    by: dict[str, list[float]] = {}
    for r in records:
        if r.cpu is not None and r.ok:
            by.setdefault(r.action, []).append(r.cpu)
    return {a: {"n": len(v), "mean": statistics.fmean(v), "p50": percentile(v, 0.5), "max": max(v)}
            for a, v in by.items()}


async def run_students(url: str, cfg: ClassroomConfig, pid: int | None) -> dict:
    """One class of students against the server at ``url`` (``pid``: its process, to sample; or None) and
    return the numbers: latency per action, refills and stalls, errors, isolation violations, memory, CPU."""
    if cfg.sessions == 1 and pid and not cfg.cpu_per_action:
        cfg = dataclasses.replace(cfg, cpu_per_action=True)  # alone, the server's CPU over an action is its cost
    scenario = cfg.scenario()
    if scenario not in ("mixed", "watching", "walkthrough", "burst"):
        raise ValueError(f"unknown profile {scenario!r}")
    default_summary, limit = app_defaults()
    if cfg.app_dir:  # another version of the app than this tree's code: each student's first view is the reference
        default_summary = ""
    xsrf = await asyncio.to_thread(xsrf_check, url)
    records: list[Record] = []
    errors: list[dict] = []
    refills: list = []
    plays: list[dict] = []
    # warm-up: one session opens both pages, so the baseline includes the app's imports
    warm = Session(url, "warm-up")
    try:
        await warm.connect()
        await warm.rerun(page=DESCENT_PAGE, timeout=OPEN_TIMEOUT)
        await warm.rerun(page=DATASET_PAGE, timeout=OPEN_TIMEOUT)
    except (ProtocolError, OSError) as err:
        errors.append({"student": 0, "kind": "protocol", "text": f"warm-up: {err}"})
    finally:
        await warm.close()
    await asyncio.sleep(1.0)
    mem = MemorySampler(pid)
    rss_start = mem.sample()
    cpu0 = cpu_seconds(pid) if pid else None
    wall0 = time.monotonic()
    client_cpu0 = time.process_time()
    ramp = cfg.ramp_seconds()
    if scenario == "watching":
        deadline = wall0 + ramp + 1.5 * cfg.think + cfg.watch
    elif scenario == "walkthrough":
        deadline = wall0 + ramp + cfg.pace * (sum(spread for _, spread in PHASES.values()) + 4 * GAP + 4) + cfg.watch
    else:
        deadline = wall0 + ramp + cfg.seconds
    mem.start(deadline + ACTION_TIMEOUT + 30)
    students = [Student(k, url, cfg, default_summary, limit, records, errors, refills, plays, pid)
                for k in range(1, cfg.sessions + 1)]
    go: asyncio.Future = asyncio.get_running_loop().create_future()  # the burst's moment to press Play
    starts = [wall0 + ramp * i / max(1, cfg.sessions) for i in range(cfg.sessions)]
    teacher = Teacher(cfg.sessions, GAP * cfg.pace) if scenario == "walkthrough" else None

    def task(at: float, st: Student):
        if scenario == "burst":
            return st.run_burst(at, go)
        if scenario == "watching":
            return st.run_watching(at)
        if scenario == "walkthrough":
            return walk(st, teacher, at, cfg.watch)
        return st.run(at, deadline)

    tasks = [asyncio.create_task(task(at, st)) for at, st in zip(starts, students, strict=True)]
    leader = asyncio.create_task(teacher.lead(wall0)) if teacher else None
    # every session open at once: the per-session memory cost, before the run's own growth
    try:
        await asyncio.wait_for(asyncio.gather(*(s.opened.wait() for s in students)), ramp + OPEN_TIMEOUT + 60)
    except TimeoutError:
        errors.append({"student": 0, "kind": "timeout", "text": "not every session opened its page"})
    await asyncio.sleep(0.5)
    rss_open = mem.sample()
    burst = None
    if scenario == "burst":  # every page open and the server quiet: the whole class presses Play in the same second
        await asyncio.sleep(1.0)
        burst = {"spread": cfg.burst_spread, "at": time.monotonic() + 0.5, "cpu0": cpu_seconds(pid) if pid else None,
                 "loadavg_before": os.getloadavg()}
        go.set_result(burst["at"])
    # a fuse against a hang: every action of a scenario may take up to ACTION_TIMEOUT (the play action is 3 round
    # trips, the walkthrough ten actions or so in a row)
    hard = deadline + ACTION_TIMEOUT * (10 if scenario == "walkthrough" else 4) + 60 - time.monotonic()
    done, pending = await asyncio.wait(tasks, timeout=max(1.0, hard))
    for t in pending:
        t.cancel()
        errors.append({"student": 0, "kind": "timeout", "text": "a student did not finish in time"})
    if pending:
        await asyncio.wait(pending, timeout=10)
    if leader:
        if not leader.done():
            leader.cancel()
            errors.append({"student": 0, "kind": "timeout", "text": "the walkthrough did not reach its end"})
        await asyncio.wait([leader], timeout=10)
    wall = time.monotonic() - wall0
    if burst is not None:
        b_wall = time.monotonic() - burst.pop("at")
        cpu0_b = burst.pop("cpu0")
        cpu1_b = cpu_seconds(pid) if pid else None
        burst["wall"] = b_wall
        burst["server_cpu_s"] = cpu1_b - cpu0_b if cpu0_b is not None and cpu1_b is not None else None
        firsts = {r.student: r.seconds for r in records if r.action == "first_frame"}
        burst["first_frame_by_student"] = {k: firsts.get(k) for k in range(1, cfg.sessions + 1)}
        burst["missing"] = [k for k, v in burst["first_frame_by_student"].items() if v is None]
    await asyncio.sleep(0.5)
    await mem.stop()
    rss_end = mem.samples[-1][1] if mem.samples else None
    cpu = (cpu_seconds(pid) - cpu0) if pid and cpu0 is not None and cpu_seconds(pid) is not None else None
    peak = max((v for _, v in mem.samples), default=None)
    n = cfg.sessions
    memory = None
    if rss_start is not None:
        memory = {
            "pid": pid, "start_mib": rss_start / 1024, "all_open_mib": (rss_open or 0) / 1024,
            "peak_mib": (peak or 0) / 1024, "end_mib": (rss_end or 0) / 1024, "hwm_mib": mem.hwm / 1024,
            "per_session_open_mib": ((rss_open or rss_start) - rss_start) / 1024 / n,
            "per_session_peak_mib": ((peak or rss_start) - rss_start) / 1024 / n,
            "samples": len(mem.samples), "threads_end": threads(pid) if pid else None,
        }
    actions = len([r for r in records if r.action not in NOT_ACTIONS])
    phases = None
    if teacher:
        phases = {}
        for name, (says, spread) in PHASES.items():
            recs = [r for r in records if r.phase == name]
            phases[name] = {"says": says, "spread": spread * cfg.pace, **teacher.times.get(name, {}),
                            "latency": latency_table(recs),
                            "refills": refill_figures([r for r in refills if r.phase == name],
                                                      [p for p in plays if p["phase"] == name])}
    return {
        "scenario": scenario, "burst": burst, "profile": scenario,
        "sessions": n, "seconds": cfg.seconds, "watch": cfg.watch, "play_watch": cfg.play_watch,
        "weights": dict(cfg.weights), "max_epochs": cfg.link_max_epochs(), "think": cfg.think,
        "ramp": ramp, "wall": wall, "seed": cfg.seed, "url": url,
        "actions_sent": sum(s.sent for s in students),
        "actions_finished": sum(s.finished for s in students),
        "actions": actions,
        "uploads": sum(s.uploads for s in students),
        "visits": sum(s.visits for s in students),
        "errors": errors,
        "isolation_violations": sum(s.violations for s in students),
        "stray_messages": sum(len(s.s.stray) for s in students),
        "stray_kinds": dict(collections.Counter(k for s in students for k in s.s.stray)),
        "played_to_end": sum(s.played_to_end for s in students),
        "done_reasons": {r: sum(1 for s in students if s.done_reason == r) for r in {s.done_reason for s in students}},
        "latency": latency_table(records),
        # (the mixed profile's one-second Plays ask for nothing: no refill figures unless --play-watch)
        "refills": refill_figures(refills, plays) if refills or scenario in ("watching", "walkthrough") else None,
        "refill_list": [dataclasses.asdict(r) for r in refills],
        "plays": plays,
        "phases": phases,
        "cpu_by_action": cpu_by_action(records) if cfg.cpu_per_action else None,
        "memory": memory,
        "server_cpu_s": cpu,
        "server_cpu_pct": 100 * cpu / wall if cpu is not None and wall else None,
        "server_cpu_per_action_ms": 1000 * cpu / actions if cpu is not None and actions else None,
        "client_cpu_s": time.process_time() - client_cpu0,
        "bytes_in": sum(s.s.bytes_in for s in students),
        "cpus": os.cpu_count(),
        "xsrf_check": xsrf,
        "loadavg": os.getloadavg(),
    }


def machine() -> dict:
    """The machine a run was measured on: CPUs this process may use (``nproc``), the CPU model
    (/proc/cpuinfo), the load average, the date."""
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"nproc": nproc, "cpu_model": model, "loadavg": os.getloadavg(),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


def run_classroom(cfg: ClassroomConfig) -> dict:
    """One classroom against ``cfg.url``, or against a server started (and stopped) here."""
    if cfg.url:
        report = asyncio.run(run_students(cfg.url, cfg, cfg.pid))
        report["server_log_problems"] = []
        return report
    server = StreamlitServer(tag="loadtest", **({"cwd": Path(cfg.app_dir)} if cfg.app_dir else {}))
    with server:
        report = asyncio.run(run_students(server.url, cfg, server.pid))
        time.sleep(0.5)
    log = server.log_text()
    report["server_log_problems"] = server_log_problems(log)
    report["server_log"] = str(server.log_path)
    return report


def run_sweep(levels: list[int], cfg: ClassroomConfig) -> dict:
    """The same classroom (its profile: mixed by default) at increasing session counts, a fresh server per level
    unless ``url``; with ``cfg.burst``, each level's burst too (on a fresh server of its own)."""
    results, bursts = [], []
    for n in levels:
        results.append(run_classroom(dataclasses.replace(cfg, sessions=n, burst=False)))
        if cfg.burst:
            bursts.append(run_classroom(dataclasses.replace(cfg, sessions=n)))
    key = "step" if cfg.profile != "watching" else "refill"
    base = results[0]["latency"].get(key, {}).get("p50")
    crossings = {}
    for factor in (1.5, 2.0):
        crossings[factor] = next((r["sessions"] for r in results
                                  if base and r["latency"].get(key, {}).get("p50", 0) > factor * base), None)
    return {"levels": levels, "results": results, "bursts": bursts, "base_p50": base, "base_sessions": levels[0],
            "crossings": crossings, "profile": cfg.profile, "base_action": key}
