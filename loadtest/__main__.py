"""``python -m loadtest``: a classroom of protocol-level students against one Neuron Lab server.

    python -m loadtest --sessions 30 --seconds 60          # the mixed profile; starts its own server
    python -m loadtest --burst --sessions 30               # all 30 press Play in the same second
    python -m loadtest --sweep --seconds 30                # 1, 10, 20, 30, 40 sessions, a fresh server each
    python -m loadtest --sweep 1,5,10 --burst --seconds 30 # chosen levels, and each level's burst too
    python -m loadtest --url http://127.0.0.1:8501 --pid 1234 --sessions 10

Results are appended to loadtest/results/<date>.md (``--out`` to change the folder), with the machine
they ran on (nproc, CPU model, load average before and after, date).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

from .classroom import BURST_SPREAD, machine, run_classroom, run_sweep
from .report import format_report, format_sweep
from .student import ClassroomConfig

RESULTS = Path(__file__).resolve().parent / "results"
SWEEP = "1,10,20,30,40"


def machine_line(before: dict, after: dict) -> str:
    load = lambda m: ", ".join(f"{x:.2f}" for x in m["loadavg"])  # noqa: E731
    return (f"Machine: {before['nproc']} CPUs (`nproc`), {before['cpu_model']} (/proc/cpuinfo); load average "
            f"{load(before)} before, {load(after)} after; started {before['date']}, ended {after['date']}. "
            "Server and students share these CPUs (the students take a few % of one).")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=30, help="simulated students (default 30)")
    ap.add_argument("--seconds", type=float, default=60.0, help="how long each student keeps acting (default 60)")
    ap.add_argument("--sweep", nargs="?", const=SWEEP, metavar="LEVELS",
                    help=f"a sweep of the mixed profile over comma-separated session counts (default {SWEEP})")
    ap.add_argument("--burst", action="store_true",
                    help="the burst: every student opens the page, then all press Play in the same second; "
                         "with --sweep, at every level")
    ap.add_argument("--burst-spread", type=float, default=BURST_SPREAD,
                    help=f"seconds over which the burst's Plays are spread (default {BURST_SPREAD:g})")
    ap.add_argument("--url", help="an already running server (default: start one on a free loopback port)")
    ap.add_argument("--pid", type=int, help="that server's PID, to sample its memory (with --url)")
    ap.add_argument("--think", type=float, default=1.0, help="mean think time between actions, seconds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=RESULTS, help="folder for <date>.md")
    ap.add_argument("--json", action="store_true", help="also print the raw numbers as JSON")
    args = ap.parse_args(argv)

    cfg = ClassroomConfig(sessions=args.sessions, seconds=args.seconds, think=args.think, seed=args.seed,
                          url=args.url, pid=args.pid, burst=args.burst, burst_spread=args.burst_spread)
    now = datetime.datetime.now()
    before = machine()
    if args.sweep:
        levels = [int(x) for x in args.sweep.split(",") if x.strip()]
        data = run_sweep(levels, cfg)
        text = format_sweep(data) + "\n" + "\n".join(
            format_report(r, title="Sweep level") for r in data["results"] + data["bursts"])
        failed = any(r["errors"] for r in data["results"] + data["bursts"])
        title = f"Sweep {args.sweep} × {args.seconds:.0f} s" + (" with bursts" if args.burst else "")
    else:
        data = run_classroom(cfg)
        text = format_report(data, title="Burst" if args.burst else "Classroom")
        failed = bool(data["errors"])
        title = (f"Burst {args.sessions} × Play within {args.burst_spread:g} s" if args.burst
                 else f"Classroom {args.sessions} × {args.seconds:.0f} s")
    text = machine_line(before, machine()) + "\n\n" + text
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{now:%Y-%m-%d}.md"
    header = "" if path.exists() else f"# Neuron Lab load test, {now:%Y-%m-%d}\n\n"
    cmd = "python -m loadtest " + " ".join(sys.argv[1:] if argv is None else argv)
    with path.open("a") as f:
        f.write(f"{header}## {title} ({now:%H:%M})\n\n`{cmd}`\n\n{text}\n")
    print(text)
    print(f"written to {path}")
    if args.json:
        print(json.dumps(data, default=str, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
