"""``python -m loadtest``: a classroom of protocol-level students against one Neuron Lab server.

    python -m loadtest --sessions 30 --seconds 60          # the mixed profile (with page visits); its own server
    python -m loadtest --profile watching --sessions 30    # each presses Play and watches 20 s, asking for more frames
    python -m loadtest --profile walkthrough --sessions 30 # the teacher's walkthrough, phase by phase
    python -m loadtest --burst --sessions 30               # all 30 press Play in the same second
    python -m loadtest --sweep --seconds 30                # 1, 10, 20, 30, 40 sessions, a fresh server each
    python -m loadtest --sweep 1,10,30 --profile watching  # chosen levels of another profile
    python -m loadtest --sweep 1,5,10 --burst --seconds 30 # and each level's burst too
    python -m loadtest --url http://127.0.0.1:8501 --pid 1234 --sessions 10

Results are appended to loadtest/results/<date>.md (``--out`` to change the folder, ``--tag before`` for
<date>-before.md), with the machine they ran on (nproc, CPU model, load average before and after, date).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from .classroom import BURST_SPREAD, machine, run_classroom, run_sweep
from .report import format_report, format_sweep, headline
from .student import MIX, PROFILES, ClassroomConfig
from .walkthrough import WALK_WATCH

RESULTS = Path(__file__).resolve().parent / "results"
SWEEP = "1,10,20,30,40"
WATCH = 20.0


def machine_line(before: dict, after: dict, waited: str = "") -> str:
    load = lambda m: ", ".join(f"{x:.2f}" for x in m["loadavg"])  # noqa: E731
    return (f"Machine: {before['nproc']} CPUs (`nproc`), {before['cpu_model']} (/proc/cpuinfo); load average "
            f"{load(before)} before, {load(after)} after; started {before['date']}, ended {after['date']}. "
            "Server and students share these CPUs (the students take a few % of one)." + waited)


def wait_quiet(limit: float, most: float) -> str:
    """Wait (at most ``most`` seconds) until the 1-minute load average is at or below ``limit``; say how it went."""
    t0 = time.monotonic()
    first = os.getloadavg()[0]
    while os.getloadavg()[0] > limit and time.monotonic() - t0 < most:
        time.sleep(10)
    now = os.getloadavg()[0]
    waited = time.monotonic() - t0
    if now <= limit:
        return (f" Waited {waited:.0f} s for the 1-minute load average to fall to {limit:g} or below "
                f"(it was {first:.2f}, then {now:.2f})." if waited >= 1 else "")
    return (f" **Busy machine**: the 1-minute load average stayed above {limit:g} for {waited:.0f} s of waiting "
            f"(it was {first:.2f}, then {now:.2f}); the run went ahead, and its numbers are pessimistic.")


def export_commit(ref: str) -> tuple[str, str]:
    """The app as committed at ``ref``, exported into a fresh temporary folder (read-only on the repository):
    (the folder, the full commit hash)."""
    root = Path(__file__).resolve().parents[1]
    commit = subprocess.run(["git", "rev-parse", "--verify", f"{ref}^{{commit}}"], cwd=root, check=True,
                            capture_output=True, text=True).stdout.strip()
    folder = tempfile.mkdtemp(prefix="neuron-lab-loadtest-app-")
    archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=root, check=True, capture_output=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder, commit


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", choices=PROFILES, default="mixed",
                    help="mixed (default): about one action a second; watching: Play and watch with refills; "
                         "walkthrough: the teacher's script")
    ap.add_argument("--sessions", type=int, default=30, help="simulated students (default 30)")
    ap.add_argument("--seconds", type=float, default=60.0, help="how long each student keeps acting (default 60)")
    ap.add_argument("--watch", type=float, default=None,
                    help=f"seconds each student watches Play (watching: default {WATCH:g}; walkthrough: "
                         f"{WALK_WATCH:g})")
    ap.add_argument("--play-watch", type=float, default=None, metavar="SECONDS",
                    help="the mixed profile's Play watches this long, asking for more frames (default: ~1 s, none)")
    ap.add_argument("--uploads", type=float, default=MIX["upload"], metavar="WEIGHT",
                    help=f"weight of an upload in the mixed profile (default {MIX['upload']:g}; the others sum to 100)")
    ap.add_argument("--max-epochs", type=int, default=None,
                    help="open the page with ?max_epochs=N (default: 5000 for watching, the walkthrough and "
                         "--play-watch; the app's own default otherwise)")
    ap.add_argument("--sweep", nargs="?", const=SWEEP, metavar="LEVELS",
                    help=f"a sweep of the profile over comma-separated session counts (default {SWEEP})")
    ap.add_argument("--burst", action="store_true",
                    help="the burst: every student opens the page, then all press Play in the same second; "
                         "with --sweep, at every level")
    ap.add_argument("--burst-spread", type=float, default=BURST_SPREAD,
                    help=f"seconds over which the burst's Plays are spread (default {BURST_SPREAD:g})")
    ap.add_argument("--url", help="an already running server (default: start one on a free loopback port)")
    ap.add_argument("--app-commit", metavar="REF",
                    help="serve the app as committed at REF (git archive into a temporary folder), not this "
                         "working tree with whatever is being edited in it")
    ap.add_argument("--note", default="", help="a sentence written into the record under the machine line")
    ap.add_argument("--pid", type=int, help="that server's PID, to sample its memory and CPU (with --url)")
    ap.add_argument("--think", type=float, default=1.0, help="mean think time between actions, seconds")
    ap.add_argument("--pace", type=float, default=1.0,
                    help="the walkthrough's spreads, the teacher's pauses and the looks × PACE (default 1)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--own", action="store_true",
                    help="each student its own experiment (?seed=k): no training is shared (the worst case)")
    ap.add_argument("--out", type=Path, default=RESULTS, help="folder for <date>.md")
    ap.add_argument("--tag", help="write <date>-<tag>.md instead of <date>.md (e.g. before, after)")
    ap.add_argument("--wait-quiet", type=float, default=None, metavar="LOAD",
                    help="first wait (up to --wait-most s) until the 1-minute load average is at most LOAD")
    ap.add_argument("--wait-most", type=float, default=600.0, help="seconds --wait-quiet waits at most")
    ap.add_argument("--json", action="store_true", help="also print the raw numbers as JSON")
    args = ap.parse_args(argv)

    watch = args.watch if args.watch is not None else (WALK_WATCH if args.profile == "walkthrough" else WATCH)
    weights = {**MIX, "upload": args.uploads}
    cfg = ClassroomConfig(sessions=args.sessions, seconds=args.seconds, think=args.think, seed=args.seed,
                          url=args.url, pid=args.pid, burst=args.burst and not args.sweep,
                          burst_spread=args.burst_spread, profile=args.profile, watch=watch,
                          play_watch=args.play_watch, weights=weights, max_epochs=args.max_epochs,
                          pace=args.pace, own=args.own)
    served = ""
    if args.app_commit:
        cfg.app_dir, commit = export_commit(args.app_commit)
        served = f" The app was served as committed at {commit[:10]} (`git archive`), not from the working tree."
    if args.own:
        served += " Each student opened its own experiment (`--own`: `?seed=k`), so no training was shared."
    waited = wait_quiet(args.wait_quiet, args.wait_most) if args.wait_quiet is not None else ""
    now = datetime.datetime.now()
    before = machine()
    if args.sweep:
        levels = [int(x) for x in args.sweep.split(",") if x.strip()]
        data = run_sweep(levels, dataclasses.replace(cfg, burst=args.burst))  # burst: each level's too
        text = format_sweep(data) + "\n" + "\n".join(
            format_report(r, title="Sweep level") for r in data["results"] + data["bursts"])
        failed = any(r["errors"] for r in data["results"] + data["bursts"])
        title = f"Sweep {args.sweep} of the {args.profile} profile" + (
            f" × {args.seconds:.0f} s" if args.profile == "mixed" else "") + (" with bursts" if args.burst else "")
    else:
        data = run_classroom(cfg)
        text = format_report(data, title={"burst": "Burst", "watching": "Watching",
                                          "walkthrough": "Walkthrough"}.get(cfg.scenario(), "Classroom"))
        failed = bool(data["errors"])
        title = {"burst": "Burst", "watching": "Watching", "walkthrough": "Walkthrough"}.get(
            cfg.scenario(), "Mixed profile") + ": " + headline(data)
    if cfg.app_dir:
        shutil.rmtree(cfg.app_dir, ignore_errors=True)
    text = machine_line(before, machine(), waited + served) + (f"\n\n{args.note}" if args.note else "") + "\n\n" + text
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / (f"{now:%Y-%m-%d}-{args.tag}.md" if args.tag else f"{now:%Y-%m-%d}.md")
    header = "" if path.exists() else f"# Neuron Lab load test, {now:%Y-%m-%d}" + (f" ({args.tag})" if args.tag else "") + "\n\n"
    cmd = "python -m loadtest " + " ".join(sys.argv[1:] if argv is None else argv)
    with path.open("a") as f:
        f.write(f"{header}## {title} ({now:%H:%M})\n\n`{cmd}`\n\n{text}\n")
    print(text)
    print(f"written to {path}")
    if args.json:
        print(json.dumps({k: v for k, v in data.items() if k != "refill_list"} if isinstance(data, dict) else data,
                         default=str, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
