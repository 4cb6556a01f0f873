"""Shared pieces of the benchmark suite: statistics, result rows, the environment, the record.

The Streamlit server and Chromium come from :mod:`testing.servers`, shared with the tests and the load
test. Nothing here imports the app's product modules; every part that needs them imports them itself.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from testing.servers import ROOT

RESULTS = Path(__file__).resolve().parent / "results"


# ---------------------------------------------------------------------------------------------
# statistics and rows
# ---------------------------------------------------------------------------------------------
def percentile(xs, q: float) -> float:
    """Linear-interpolation percentile (numpy's default), without numpy."""
    s = sorted(float(x) for x in xs)
    if not s:
        return math.nan
    pos = (len(s) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def stats(xs) -> dict:
    xs = [float(x) for x in xs if x is not None and math.isfinite(float(x))]
    if not xs:
        return {"n": 0, "min": math.nan, "median": math.nan, "p95": math.nan, "max": math.nan}
    return {"n": len(xs), "min": min(xs), "median": percentile(xs, 50), "p95": percentile(xs, 95), "max": max(xs)}


@dataclass
class Row:
    """One figure of the table.

    ``measured`` is the number compared with ``target`` (``op`` is "<=" or ">="); ``samples``
    are the raw observations whose min/median/p95 are printed. ``baseline`` says what the
    figure is compared against: a number measured in this same run, or the quoted prototype
    figure (``baseline_kind`` "same run" or "quoted").
    """

    part: str
    key: str
    what: str
    unit: str
    target: float | None
    op: str
    target_text: str
    measured: float | None = None
    samples: list = field(default_factory=list)
    baseline: float | None = None
    baseline_text: str = ""
    baseline_kind: str = "quoted"
    baseline_samples: list = field(default_factory=list)
    notes: str = ""
    extra: dict = field(default_factory=dict)
    measured_unit: str | None = None  # when the compared figure differs from the samples' unit (a ratio: "×")

    @property
    def munit(self) -> str:
        return self.unit if self.measured_unit is None else self.measured_unit

    @property
    def passed(self) -> bool | None:
        if self.target is None or self.measured is None or not math.isfinite(self.measured):
            return None
        return self.measured <= self.target if self.op == "<=" else self.measured >= self.target

    def to_dict(self) -> dict:
        d = asdict(self)
        d["stats"] = stats(self.samples)
        d["baseline_stats"] = stats(self.baseline_samples) if self.baseline_samples else None
        d["passed"] = self.passed
        return d


def fmt(v, unit: str = "") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    if abs(v) >= 100:
        s = f"{v:,.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.3g}"
    return f"{s} {unit}".strip()


def fmt_pct(v) -> str:
    return "—" if v is None else f"{v:.0%}"


def verdict(row: Row) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a"}[row.passed]


def print_row(row: Row) -> None:
    st = stats(row.samples)
    base = row.baseline_text or (fmt(row.baseline, row.unit) if row.baseline is not None else "—")
    print(f"\n[{row.part}] {row.what}", flush=True)
    print(f"    target   : {row.target_text}")
    print(f"    measured : {fmt(row.measured, row.munit)}   -> {verdict(row)}")
    if st["n"]:
        print(f"    samples  : n={st['n']}  min {fmt(st['min'])}  median {fmt(st['median'])}  "
              f"p95 {fmt(st['p95'])}  max {fmt(st['max'])}  ({row.unit})")
    print(f"    baseline : {base}  [{row.baseline_kind}]")
    if row.baseline_samples:
        b = stats(row.baseline_samples)
        print(f"               baseline samples: n={b['n']}  min {fmt(b['min'])}  median {fmt(b['median'])}  "
              f"p95 {fmt(b['p95'])}")
    if row.notes:
        print(f"    notes    : {row.notes}")
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------------
# the environment
# ---------------------------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def environment() -> dict:
    import numpy
    import streamlit

    env = {
        "date": _dt.date.today().isoformat(),
        "time": _dt.datetime.now().isoformat(timespec="seconds"),
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "streamlit": streamlit.__version__,
        "platform": platform.platform(),
    }
    for mod in ("plotly", "playwright"):
        try:
            from importlib.metadata import version

            env[mod] = version(mod)
        except Exception:  # noqa: BLE001
            env[mod] = None
    try:
        env["git_commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                           text=True, timeout=5).stdout.strip() or None
        # files that differ from that commit (the app measured may not be the commit's)
        status = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=5)
        env["git_uncommitted"] = [line.strip() for line in status.stdout.splitlines() if line.strip()]
    except (OSError, subprocess.SubprocessError):
        env["git_commit"] = None
    return env


def cpu_times() -> tuple[float, float] | None:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    try:
        vals = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    return float(sum(vals) - idle), float(sum(vals))


def busy_between(a, b) -> float | None:
    """Fraction of all CPUs busy between two ``cpu_times()`` readings (0..1), whoever used them."""
    if not a or not b or b[1] <= a[1]:
        return None
    return round((b[0] - a[0]) / (b[1] - a[1]), 2)


def machine_busy(seconds: float = 1.0) -> float | None:
    a = cpu_times()
    time.sleep(seconds)
    return busy_between(a, cpu_times())


def wait_for_quiet(limit: float = 0.35, max_wait: float = 20.0) -> dict:
    """Wait (at most ``max_wait`` s) until the machine is mostly idle before a part starts: other
    processes (another test run, another browser) would otherwise be measured with us.
    Returns what was seen, for the record."""
    t0 = time.monotonic()
    busy = machine_busy(1.0)
    while busy is not None and busy > limit and time.monotonic() - t0 < max_wait:
        busy = machine_busy(1.0)
    return {"busy_before": busy, "waited_s": round(time.monotonic() - t0, 1),
            "loadavg": [round(x, 2) for x in os.getloadavg()]}


# ---------------------------------------------------------------------------------------------
# the record
# ---------------------------------------------------------------------------------------------
def write_record(rows: list[Row], env: dict, parts: list[str], started: float) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    full = {"engine", "links", "browser", "load"} <= set(parts)  # the optional playground part may be added
    stem = env["date"] if full else f"{env['date']}-{'-'.join(parts)}"
    record = {"environment": env, "parts": parts, "duration_s": round(time.monotonic() - started, 1),
              "rows": [r.to_dict() for r in rows]}
    jpath = RESULTS / f"{stem}.json"
    jpath.write_text(json.dumps(record, indent=2, default=str, allow_nan=True) + "\n", encoding="utf-8")
    mpath = RESULTS / f"{stem}.md"
    mpath.write_text(markdown(rows, env, parts, record["duration_s"]), encoding="utf-8")
    return jpath, mpath


def markdown(rows: list[Row], env: dict, parts: list[str], duration: float) -> str:
    out = [f"# Neuron Lab benchmark, {env['date']}", ""]
    out.append(f"Run {env['time']} · parts: {', '.join(parts)} · {duration:.0f} s · CPU {env['cpu_model']} · "
               f"{env['cores']} cores · Python {env['python']} · numpy {env['numpy']} · "
               f"streamlit {env['streamlit']} · plotly {env.get('plotly')} · playwright {env.get('playwright')}"
               + (f" · Chromium {env['chromium']}" if env.get("chromium") else "")
               + (f" · commit {env['git_commit'][:10]}" if env.get("git_commit") else ""))
    if env.get("git_uncommitted"):
        out += ["", f"Uncommitted changes in the working tree: {', '.join(env['git_uncommitted'])}"]
    if env.get("playground"):
        pg = env["playground"]
        out += ["", f"TensorFlow Playground: built in `{pg['dir']}` from commit {pg['commit']}; network as set up: {pg['network']}"]
    for part, m in (env.get("machine") or {}).items():  # how busy the machine was (other work included)
        out += ["", f"Machine during `{part}`: load average {m.get('loadavg')} before it, CPUs busy "
                f"{fmt_pct(m.get('busy_before'))} before and {fmt_pct(m.get('busy_during'))} during (ours included)"]
    out += ["", "| what | target | measured | min / median / p95 (n) | baseline | result |", "|---|---|---|---|---|---|"]
    for r in rows:
        s = stats(r.samples)
        spread = (f"{fmt(s['min'])} / {fmt(s['median'])} / {fmt(s['p95'])} ({s['n']})" if s["n"] else "—")
        base = r.baseline_text or (fmt(r.baseline, r.unit) if r.baseline is not None else "—")
        out.append(f"| {r.what} | {r.target_text} | {fmt(r.measured, r.munit)} | {spread} {r.unit} | "
                   f"{base} ({r.baseline_kind}) | {verdict(r)} |")
    notes = [r for r in rows if r.notes]
    if notes:
        out += ["", "## Notes", ""]
        out += [f"- **{r.what}**: {r.notes}" for r in notes]
    extras = [r for r in rows if r.extra]
    if extras:
        out += ["", "## Details", ""]
        for r in extras:
            out.append(f"- **{r.what}**: `{json.dumps(r.extra, default=str)}`")
    return "\n".join(out) + "\n"
