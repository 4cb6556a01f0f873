"""One simulated student: what it clicks, and what its own screen must show.

A :class:`Student` drives one :class:`~loadtest.protocol.Session` through the Gradient descent
and Dataset pages (Step, Step ×10, Play/Pause, upload, Reset) and counts every difference
between its screen and its own experiment as an isolation violation.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from dataclasses import dataclass

from perceptron.session.settings import Settings
from perceptron.web.playback import PLAY_CHUNK, PLAY_FPS

from .protocol import OPEN_TIMEOUT, ProtocolError, Run, Session

PLAY_EPOCHS = PLAY_CHUNK * Settings().stride  # what one Play trains at the page's default speed

DESCENT_PAGE = "Gradient_descent"
DATASET_PAGE = "Dataset"
FINAL = {"FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"}


@dataclass
class ClassroomConfig:
    sessions: int = 30
    seconds: float = 60.0
    think: float = 1.0  # mean seconds between actions (uniform in [0.5, 1.5] x think)
    ramp: float | None = None  # seconds over which students arrive (default min(5, seconds / 6))
    seed: int = 1
    url: str | None = None  # an already running server; None starts one
    pid: int | None = None  # the server's PID for memory sampling with --url
    play_seconds: float = 1.0  # Play, then Pause after about this long
    burst: bool = False  # the burst scenario: every student opens its page, then all press Play at once
    burst_spread: float = 1.0  # seconds over which the burst's Plays are spread ("in the same second")

    def ramp_seconds(self) -> float:
        return self.ramp if self.ramp is not None else min(5.0, self.seconds / 6)


@dataclass
class Record:
    action: str
    seconds: float
    status: str
    ok: bool
    student: int = 0


def student_csv(n: int, k: int) -> bytes:
    """A small valid dataset of ``n`` points, alternating classes, coordinates unique to student ``k``."""
    rows = ["x1,x2,label"]
    for i in range(n):
        label = i % 2
        x1 = (-1.0 if label == 0 else 1.0) * (1.0 + 0.07 * i) + 0.001 * k
        x2 = 0.05 * i - 0.5 - 0.001 * k
        rows.append(f"{x1:.4f},{x2:.4f},{label}")
    return ("\n".join(rows) + "\n").encode()


def custom_summary(n: int) -> str:
    """``perceptron.web.frame.data_summary`` of ``student_csv(n)``: all train, classes alternate from 0."""
    return f"custom: {n} train / 0 test points (class 0: {(n + 1) // 2}, class 1: {n // 2})"


class Student:
    """One simulated student: opens the gradient-descent page, then Step/Step×10/Play/upload/Reset.

    Knows what its own screen must show (its epoch, its points) and counts every difference
    as an isolation violation.
    """

    def __init__(self, k: int, base_url: str, cfg: ClassroomConfig, default_summary: str, limit: int,
                 records: list, errors: list):
        self.k = k
        self.cfg = cfg
        self.rng = random.Random(cfg.seed * 1000 + k)
        self.s = Session(base_url, name=f"student{k}")
        self.records, self.errors = records, errors
        self.n_points = k + 4
        self.expected_epoch = 0
        self.expected_summary = default_summary
        self.limit = limit
        self.opened = asyncio.Event()
        self.uploads = 0
        self.played_to_end = 0  # Pause came back after the browser had played every frame
        self.sent = 0
        self.finished = 0
        self.violations = 0
        self.done_reason = ""

    # --- bookkeeping -------------------------------------------------------------------------
    def error(self, kind: str, text: str) -> None:
        if kind == "isolation":
            self.violations += 1
        self.errors.append({"student": self.k, "kind": kind, "text": text[:400]})

    def record(self, action: str, run: Run) -> None:
        self.finished += 1
        ok = run.status in FINAL and not run.exceptions
        self.records.append(Record(action, run.seconds, run.status, ok, self.k))
        if run.exceptions:
            self.error("exception", f"{action}: {run.exceptions}")
        if run.status not in FINAL:
            self.error("protocol", f"{action}: ended with {run.status}")
        for alert in self.s.alerts("ERROR"):
            self.error("app_error", f"{action}: st.error on screen: {alert[:200]}")

    async def act(self, action: str, coro) -> Run:
        self.sent += 1
        run = await coro
        self.record(action, run)
        return run

    # --- checks ------------------------------------------------------------------------------
    def check_epoch(self, action: str) -> None:
        body = self.s.metric("Epoch")
        if body is None:
            self.error("isolation", f"{action}: no Epoch metric on screen (expected {self.expected_epoch})")
        elif body != str(self.expected_epoch):
            self.error("isolation", f"{action}: Epoch shows {body}, this student's epoch is {self.expected_epoch}")

    def check_summary(self, action: str) -> None:
        """The sidebar's dataset line (written on full runs) names this student's own points."""
        lines = [b for b in self.s.markdown() if re.match(r"^[\w-]+: \d+ train / \d+ test points", b)]
        if not lines:
            self.error("isolation", f"{action}: no dataset summary in the sidebar")
            return
        if not self.expected_summary:  # no reference from the app's code: the first view is it
            self.expected_summary = lines[0]
        if lines[0] != self.expected_summary:
            self.error("isolation", f"{action}: sidebar says {lines[0]!r}, expected {self.expected_summary!r}")

    def check_counts_table(self, action: str) -> None:
        """The Dataset page's counts table (st.dataframe, Arrow IPC): total = this student's points."""
        import pyarrow as pa

        for _, _, df in self.s.find("dataframe"):
            data = df.arrow_data.data if df.HasField("arrow_data") else b""
            if not data:
                continue
            try:
                t = pa.ipc.open_stream(data).read_all().to_pandas()
            except Exception:  # noqa: BLE001
                continue
            if "total" in t.columns and len(t) == 3:
                total = int(t["total"].iloc[-1])
                if total != self.n_points:
                    self.error("isolation", f"{action}: counts table total {total}, uploaded {self.n_points}")
                return
        self.error("isolation", f"{action}: no counts table on the Dataset page")

    # --- the scenario ------------------------------------------------------------------------
    async def open(self) -> None:
        """Connect and open the Gradient descent page; check that it shows this student's own experiment."""
        await self.s.connect()
        self.sent += 1
        run = await self.s.rerun(page=DESCENT_PAGE, timeout=OPEN_TIMEOUT)
        self.record("open", run)
        if not self.s.session_id:
            self.error("protocol", "no new_session.initialize.session_id")
        for name in (DESCENT_PAGE, DATASET_PAGE):
            if name not in self.s.pages:
                self.error("protocol", f"page {name} not in the navigation message")
        self.check_epoch("open")
        self.check_summary("open")
        self.opened.set()

    async def guarded(self, coro) -> bool:
        """Run one part of the scenario; a protocol or client failure is counted as an error, not raised."""
        try:
            await coro
            return True
        except ProtocolError as err:
            self.error("protocol", str(err))
        except Exception as err:  # noqa: BLE001 - one broken student must not stop the class
            self.error("client", f"{type(err).__name__}: {err}")
        self.done_reason = "error"
        return False

    async def run_burst(self, start_at: float, go: asyncio.Future) -> None:
        """The burst scenario: open the page at ``start_at``; when the whole class has opened, ``go`` gives
        the moment to press Play, and this student presses it within ``burst_spread`` seconds of it (its
        own random offset); then Pause, as in the mixed profile."""
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        try:
            if not await self.guarded(self.open()):
                return
            self.opened.set()
            play_at = await go
            await asyncio.sleep(max(0.0, play_at + self.rng.uniform(0, self.cfg.burst_spread) - time.monotonic()))
            if await self.guarded(self.do_play()):
                self.done_reason = "burst"
        finally:
            self.opened.set()
            await self.s.close()

    async def run(self, start_at: float, deadline: float) -> None:
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        try:
            await self.open()
            plan = ["step", "step10", "play", "upload", "reset"]
            self.rng.shuffle(plan)  # every kind of action early, in a different order per student
            max_actions = int(self.cfg.seconds * 4) + 10
            for i in range(max_actions):
                await asyncio.sleep(self.cfg.think * self.rng.uniform(0.5, 1.5))
                if time.monotonic() >= deadline:
                    self.done_reason = "time"
                    break
                action = plan[i] if i < len(plan) else self.rng.choices(
                    ["step", "step10", "play", "upload", "reset"], weights=[60, 15, 12, 8, 5])[0]
                if action in ("step", "step10", "play") and self.expected_epoch + PLAY_EPOCHS + 10 > self.limit:
                    action = "reset"  # stay clear of the epoch limit, where Step does nothing
                await getattr(self, f"do_{action}")()
            else:
                self.done_reason = "action bound"
        except ProtocolError as err:
            self.error("protocol", str(err))
            self.done_reason = "error"
        except Exception as err:  # noqa: BLE001 - one broken student must not stop the class
            self.error("client", f"{type(err).__name__}: {err}")
            self.done_reason = "error"
        finally:
            self.opened.set()
            await self.s.close()

    async def do_step(self) -> None:
        await self.act("step", self.s.click("step"))
        self.expected_epoch += 1
        self.check_epoch("step")

    async def do_step10(self) -> None:
        await self.act("step10", self.s.click("step10"))
        self.expected_epoch += 10
        self.check_epoch("step10")

    async def do_reset(self) -> None:
        await self.act("reset", self.s.click("reset"))
        self.expected_epoch = 0
        self.check_epoch("reset")

    async def do_play(self) -> None:
        start = self.expected_epoch
        run = await self.act("play", self.s.click("play"))
        played_at = time.perf_counter()
        # the first frame: the chart's element with the frames arrived, the browser can start playing
        first = run.arrival("descent")
        self.records.append(Record("first_frame", run.seconds if first is None else first, "arrival",
                                   first is not None, self.k))
        if first is None:
            self.error("protocol", "play: no chart element in the answer to Play")
        _, play = self.s.widget("button", "play")
        _, step = self.s.widget("button", "step")
        if not play.label.startswith("Pause") or not step.disabled:
            self.error("isolation", f"play: expected a Pause button and a disabled Step, got {play.label!r} "
                                    f"(Step disabled={step.disabled})")
        _, comp = self.s.widget("bidi_component", "descent")
        data = json.loads(comp.json)
        frames = len(data.get("frames") or [])
        if frames != PLAY_CHUNK or not data.get("playing"):
            self.error("isolation", f"play: chart got {frames} frames (playing={data.get('playing')}), "
                                    f"expected {PLAY_CHUNK} from epoch {start}")
        await asyncio.sleep(self.cfg.play_seconds * self.rng.uniform(0.8, 1.2))
        # Pause: the page stops the chart, the browser reports the frame on screen (emulated here
        # from the time the chart has been playing, as the browser's timer would have it).
        await self.act("pause", self.s.click("play"))
        # If the Pause round trip took longer than the frames last, the browser already stopped on
        # the last frame and reports that (end=True); the page keeps the pause (no next chunk).
        index = min(frames - 1, int((time.perf_counter() - played_at) * PLAY_FPS))
        self.s.chart_events += 1
        msg = {"event": "frame", "index": index, "end": index >= frames - 1, "n": self.s.chart_events,
               "t": int(time.time() * 1000)}
        await self.act("frame", self.s.set_component_state("descent", {"frame": msg}))
        # the epoch of the frame on screen: the frame's cost marker names it (2 epochs a frame by default)
        shown = (data["frames"][index].get("data") or [{}])[0].get("x") or [None]
        self.expected_epoch = int(shown[0]) if shown[0] is not None else start + 1 + index
        self.played_to_end += bool(msg["end"])
        _, play = self.s.widget("button", "play")
        if not play.label.startswith("Play"):
            self.error("isolation", f"frame: still playing after the frame report ({play.label!r})")
        self.check_epoch("frame")

    async def do_upload(self) -> None:
        await self.act("goto_dataset", self.s.rerun(page=DATASET_PAGE))
        self.check_summary("goto_dataset")
        name = f"student_{self.k}.csv"
        self.sent += 1
        run, http = await self.s.upload("ds_upload_", name, student_csv(self.n_points, self.k))
        self.record("upload", run)
        self.records.append(Record("upload_put", http["put"], "HTTP", True, self.k))
        self.uploads += 1
        self.expected_summary = custom_summary(self.n_points)
        self.expected_epoch = 0  # new points restart the run
        loaded = [a for a in self.s.alerts("INFO") if a.startswith("Loaded ")]
        # the page shows the file's name as code: "Loaded 5 points from `student_1.csv`\\."
        if not any(a.startswith(f"Loaded {self.n_points} points from `{name}`") for a in loaded):
            self.error("isolation", f"upload: expected 'Loaded {self.n_points} points', saw {loaded}")
        self.check_summary("upload")
        self.check_counts_table("upload")
        await self.act("goto_descent", self.s.rerun(page=DESCENT_PAGE))
        self.check_summary("goto_descent")
        self.check_epoch("goto_descent")
