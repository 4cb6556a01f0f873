"""One simulated student: what it clicks, and what its own screen must show.

A :class:`Student` drives one :class:`~loadtest.protocol.Session`: the mixed profile (Step, Step ×10,
Play/Pause, Reset, a visit to another page and back, uploads if asked for), the watching profile (Play
and watch, asking for more frames as the browser's chart does: :mod:`loadtest.watch`) and the parts
of the walkthrough (:mod:`loadtest.walkthrough`). It counts every difference between its screen and
its own experiment as an isolation violation.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field

from perceptron.session.settings import Settings
from perceptron.web.playback import PLAY_FPS
from testing.servers import cpu_seconds

from .protocol import OPEN_TIMEOUT, ProtocolError, Run, Session, component_text
from .watch import ChartData, Playback, Refill, with_param

STRIDE = Settings().stride  # epochs a frame at the page's default speed
DESCENT_PAGE = "Gradient_descent"
DATASET_PAGE = "Dataset"
CHART = "descent"  # the Gradient descent page's chart (its component key)
FINAL = {"FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"}
# the pages a visit goes to (label -> URL path; Home is the main page, path "")
VISITS = {"Home": "", "Dataset": "Dataset", "Forward propagation": "Forward_propagation",
          "Backpropagation": "Backpropagation", "Loss landscape": "Loss_landscape", "Hidden layer": "Hidden_layer"}
PAGES = {**VISITS, "Gradient descent": DESCENT_PAGE}
# the mixed profile's weights (issue 21's mix; uploads at 0 unless --uploads)
MIX = {"step": 55, "step10": 15, "play": 15, "reset": 5, "visit": 10, "upload": 0}
LINK_MAX_EPOCHS = 5000  # the watchers' link (?max_epochs=5000): 20-30 s of Play stays clear of the limit
PROFILES = ("mixed", "watching", "walkthrough")


@dataclass
class ClassroomConfig:
    sessions: int = 30
    seconds: float = 60.0
    think: float = 1.0  # mean seconds between actions (uniform in [0.5, 1.5] x think)
    ramp: float | None = None  # seconds over which students arrive (default min(5, seconds / 6))
    seed: int = 1
    url: str | None = None  # an already running server; None starts one
    pid: int | None = None  # the server's PID for memory sampling with --url
    play_seconds: float = 1.0  # Play, then Pause after about this long (the mixed profile, without play_watch)
    burst: bool = False  # the burst scenario: every student opens its page, then all press Play at once
    burst_spread: float = 1.0  # seconds over which the burst's Plays are spread ("in the same second")
    profile: str = "mixed"  # mixed | watching | walkthrough (the burst: ``burst``)
    watch: float = 20.0  # watching and the walkthrough's Play: seconds each student watches, with refills
    play_watch: float | None = None  # the mixed profile's Play watches this long with refills (None: ~1 s, none)
    weights: dict = field(default_factory=lambda: dict(MIX))  # the mixed profile's actions
    max_epochs: int | None = None  # open with ?max_epochs=N (None: the default link; watching uses 5000)
    cpu_per_action: bool = False  # read the server's CPU around every action (1 student alone: its cost)
    pace: float = 1.0  # the walkthrough's spreads, pauses and looks × pace (the tests shorten them)
    app_dir: str | None = None  # serve the app from this folder (an export of a commit) instead of this tree
    own: bool = False  # each student its own experiment (the link's data seed is the student's number): no two
    # students ask for the same training, so nothing is shared between them (the app's worst case; a class on one
    # teacher's link shares every chunk)

    def ramp_seconds(self) -> float:
        return self.ramp if self.ramp is not None else min(5.0, self.seconds / 6)

    def scenario(self) -> str:
        return "burst" if self.burst else self.profile

    def link(self, student: int) -> str:
        """The query of the link ``student`` opens: the epoch limit, and with ``own`` its own data seed."""
        parts = [f"max_epochs={self.link_max_epochs()}"] if self.link_max_epochs() else []
        return "&".join(parts + ([f"seed={student + 1}"] if self.own else []))

    def link_max_epochs(self) -> int | None:
        """The link's epoch limit: given, or the watchers' (long Plays), or None (the app's default)."""
        if self.max_epochs:
            return self.max_epochs
        if self.profile in ("watching", "walkthrough") or self.play_watch:
            return LINK_MAX_EPOCHS
        return None


@dataclass
class Record:
    action: str
    seconds: float
    status: str
    ok: bool
    student: int = 0
    phase: str = ""  # the walkthrough's phase
    cpu: float | None = None  # the server's CPU seconds over this action (with cpu_per_action)


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
    """One simulated student: opens the gradient-descent page, then acts as its profile says.

    Knows what its own screen must show (its epoch, its points) and counts every difference
    as an isolation violation.
    """

    def __init__(self, k: int, base_url: str, cfg: ClassroomConfig, default_summary: str, limit: int,
                 records: list, errors: list, refills: list | None = None, plays: list | None = None,
                 pid: int | None = None):
        self.k = k
        self.cfg = cfg
        self.rng = random.Random(cfg.seed * 1000 + k)
        self.s = Session(base_url, name=f"student{k}")
        self.records, self.errors = records, errors
        self.refills = refills if refills is not None else []  # every request for more frames (watch.Refill)
        self.plays = plays if plays is not None else []  # one dict per Play: watched, frozen, refills, epochs
        self.pid = pid if cfg.cpu_per_action else None
        self.n_points = k + 4
        self.expected_epoch = 0
        self.expected_summary = default_summary
        self.limit = cfg.link_max_epochs() or limit
        self.opened = asyncio.Event()
        self.uploads = 0
        self.visits = 0
        self.deck: list[str] = []  # the pages still to visit before any repeats (every page in turn, shuffled)
        self.played_to_end = 0  # Pause came back after the browser had played every frame
        self.sent = 0
        self.finished = 0
        self.violations = 0
        self.done_reason = ""
        self.phase = ""  # the walkthrough's phase, written into every record

    # --- bookkeeping -------------------------------------------------------------------------
    def error(self, kind: str, text: str) -> None:
        if kind == "isolation":
            self.violations += 1
        self.errors.append({"student": self.k, "kind": kind, "text": text[:400]})

    def record(self, action: str, run: Run, cpu: float | None = None) -> None:
        self.finished += 1
        ok = run.status in FINAL and not run.exceptions
        self.records.append(Record(action, run.seconds, run.status, ok, self.k, self.phase, cpu))
        if run.exceptions:
            self.error("exception", f"{action}: {run.exceptions}")
        if run.status not in FINAL:
            self.error("protocol", f"{action}: ended with {run.status}")
        for alert in self.s.alerts("ERROR"):
            self.error("app_error", f"{action}: st.error on screen: {alert[:200]}")

    def note(self, action: str, seconds: float, status: str, ok: bool) -> None:
        """A timing measured within an action (not an action of its own): first_frame, upload_put."""
        self.records.append(Record(action, seconds, status, ok, self.k, self.phase))

    async def act(self, action: str, coro) -> Run:
        self.sent += 1
        c0 = cpu_seconds(self.pid) if self.pid else None
        run = await coro
        c1 = cpu_seconds(self.pid) if self.pid else None
        self.record(action, run, None if c0 is None or c1 is None else c1 - c0)
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
    async def open(self, page: str = DESCENT_PAGE) -> None:
        """Connect and open ``page`` (a URL path; the Gradient descent page by default) with the profile's link;
        check that it shows this student's own experiment."""
        await self.s.connect()
        if self.cfg.link(self.k):
            self.s.query_string = self.cfg.link(self.k)
        await self.act("open", self.s.rerun(page=page, timeout=OPEN_TIMEOUT))
        if not self.s.session_id:
            self.error("protocol", "no new_session.initialize.session_id")
        for name in (DESCENT_PAGE, DATASET_PAGE):
            if name not in self.s.pages:
                self.error("protocol", f"page {name} not in the navigation message")
        if page == DESCENT_PAGE:
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

    async def run_watching(self, start_at: float) -> None:
        """The watching profile: open the Gradient descent page at ``start_at``, think ~1 s, press Play and watch
        for ``cfg.watch`` seconds as the browser plays (asking for more frames), Pause and report the frame on
        screen. A Play that reaches the epoch limit (nothing more will come) stops there; then Reset and Play."""
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        try:
            if not await self.guarded(self.open()):
                return
            await asyncio.sleep(self.cfg.think * self.rng.uniform(0.5, 1.5))
            until = time.monotonic() + self.cfg.watch
            while True:
                left = until - time.monotonic()
                if left < 1.0:
                    break
                if self.expected_epoch + 2 * STRIDE * PLAY_FPS > self.limit:
                    if not await self.guarded(self.do_reset()):
                        return
                if not await self.guarded(self.play_and_watch(left, refills=True)):
                    return
                if self.plays and not self.plays[-1]["final"]:
                    break
            self.done_reason = "watched"
        finally:
            self.opened.set()
            await self.s.close()

    def choose(self, i: int, plan: list[str]) -> str:
        """The ``i``-th action of the mixed profile: ``plan`` first (every kind once), then by weight."""
        kinds = [k for k, w in self.cfg.weights.items() if w > 0]
        action = plan[i] if i < len(plan) else self.rng.choices(kinds, weights=[self.cfg.weights[k] for k in kinds])[0]
        # stay clear of the epoch limit, where Step does nothing and Play has nothing to play
        need = {"step": 1, "step10": 10, "play": 2 * STRIDE * PLAY_FPS}.get(action)
        if need and self.expected_epoch + need > self.limit:
            action = "reset"
        return action

    async def run(self, start_at: float, deadline: float) -> None:
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        try:
            await self.open()
            plan = [k for k, w in self.cfg.weights.items() if w > 0]
            self.rng.shuffle(plan)  # every kind of action early, in a different order per student
            max_actions = int(self.cfg.seconds * 4) + 10
            for i in range(max_actions):
                await asyncio.sleep(self.cfg.think * self.rng.uniform(0.5, 1.5))
                if time.monotonic() >= deadline:
                    self.done_reason = "time"
                    break
                await getattr(self, f"do_{self.choose(i, plan)}")()
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
        """Play, watch, Pause: about ``play_seconds`` within the first list of frames (no request for more), or
        with ``play_watch`` that long with the browser's requests for more."""
        if self.cfg.play_watch:
            await self.play_and_watch(self.cfg.play_watch, refills=True)
        else:
            await self.play_and_watch(self.cfg.play_seconds * self.rng.uniform(0.8, 1.2), refills=False)

    async def do_visit(self, name: str | None = None, back: bool = True) -> None:
        """Another page (``name``, a key of PAGES; by default the next of VISITS in a shuffled deck: every page once
        before any twice) as the sidebar's link opens it, then (``back``) Gradient descent again: each page ran to its end without an exception or error on
        screen and showed this student's data; Gradient descent shows the epoch this student left it at."""
        if name is None:
            if not self.deck:
                self.deck = self.rng.sample(list(VISITS), len(VISITS))
            name = self.deck.pop()
        run = await self.act(f"visit {name}", self.s.goto(PAGES[name]))
        self.visits += 1
        if run.fragment:
            self.error("protocol", f"visit {name}: a fragment run, not the page's")
        self.check_summary(f"visit {name}")
        if PAGES[name] == DESCENT_PAGE:
            self.check_epoch(f"visit {name}")
        if back:
            await self.act("goto_descent", self.s.goto(DESCENT_PAGE))
            self.check_summary("goto_descent")
            self.check_epoch("goto_descent")

    # --- Play as the browser plays -------------------------------------------------------------
    def charts(self, run: Run) -> list[tuple[float, ChartData]]:
        """Every arrival of the chart in ``run``: (when, on the perf_counter clock; its data)."""
        return [(run.sent_at + t, ChartData.parse(text)) for t, wid, text in run.components
                if wid.endswith(f"-{CHART}")]

    def follow(self, pb: Playback) -> None:
        """The address bar names the epoch on screen (the browser writes it once a second while playing);
        the next message sends it, as the browser's does."""
        if pb.link_epoch is not None and pb.data.link:
            self.s.query_string = with_param(self.s.query_string, pb.data.link.get("param") or "epoch", pb.link_epoch)

    async def send_frame(self, action: str, msg: dict) -> Run:
        """The chart's ``frame`` event (``setStateValue("frame", …)``): its whole state, with ``n`` and ``t``."""
        self.s.chart_events += 1
        msg = {**msg, "n": self.s.chart_events, "t": int(time.time() * 1000)}
        return await self.act(action, self.s.set_component_state(CHART, {"frame": msg}))

    async def play_and_watch(self, seconds: float, refills: bool = True) -> None:
        """Press Play, watch the frames for ``seconds`` from the first one drawn (asking for more as the chart does
        when ``refills``), Pause, report the frame on screen; check that the epoch shown is that frame's."""
        start = self.expected_epoch
        run = await self.act("play", self.s.click("play"))
        arrivals = [(t, d) for t, d in self.charts(run) if d.playing and d.n]
        first = arrivals[0] if arrivals else None
        self.note("first_frame", run.seconds if first is None else first[0] - run.sent_at, "arrival", first is not None)
        if first is None:
            self.error("protocol", "play: no chart element with frames in the answer to Play")
            return
        _, play = self.s.widget("button", "play")
        _, step = self.s.widget("button", "step")
        if not play.label.startswith("Pause") or not step.disabled:
            self.error("isolation", f"play: expected a Pause button and a disabled Step, got {play.label!r} "
                                    f"(Step disabled={step.disabled})")
        pb = Playback(first[1], first[0], asks=refills)
        epochs = first[1].epochs()
        if epochs and not start < epochs[first[1].first] <= start + STRIDE:
            self.error("isolation", f"play: the first frame shows epoch {epochs[first[1].first]}, "
                                    f"this student pressed Play at epoch {start}")
        info = {"student": self.k, "phase": self.phase, "first_last_epoch": epochs.get(first[1].last),
                "refills": 0, "stalls": 0, "final": False, "fuse": 0, "paused_epoch": None}
        until = first[0] + seconds
        stopped = False
        while True:
            event = pb.advance(until)
            if event is None:
                break
            kind, at = event
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            self.follow(pb)
            if kind == "end":  # the last frame of a final list (or the fuse): the browser reports it and stops
                stopped = await self.ended(pb, info)
                if stopped:
                    break
                continue
            await self.refill(pb, info, at)
            if not pb.playing:
                stopped = True
                break
        info["fuse"] = pb.fuse_blown
        if not stopped:
            await asyncio.sleep(max(0.0, until - time.perf_counter()))
            clicked = time.perf_counter()
            msg = pb.stop(clicked)  # the chart stops at the click (stop_on) and keeps it: its report is the Pause
            self.follow(pb)
            await self.send_frame("pause", msg)
            self.played_to_end += bool(msg["end"])
            self.after_stop(pb, msg["view"], "pause")
        info.update(watched=pb.drawn_at - first[0] if stopped else clicked - first[0], frozen=pb.frozen,
                    paused_epoch=self.expected_epoch, frames=pb.frames_seen)
        for m in pb.mismatches:
            self.error("isolation", f"refill: {m}")
        self.plays.append(info)

    def after_stop(self, pb: Playback, view: int, action: str) -> None:
        """After the report of the frame on screen: Play is offered again and the epoch shown is that frame's."""
        epoch = pb.epoch(view)
        if epoch is None:
            self.error("playback", f"{action}: no epoch known for frame {view}")
        else:
            self.expected_epoch = epoch
        _, play = self.s.widget("button", "play")
        if not play.label.startswith("Play"):
            self.error("isolation", f"{action}: still playing after the frame report ({play.label!r})")
        self.check_epoch(action)

    async def refill(self, pb: Playback, info: dict, asked: float) -> None:
        """The chart asked for more frames at ``asked`` (perf_counter; now, unless the student's previous answer
        came later): time the answer (the chart with the new frames) from then, and go on with it."""
        old = pb.data
        left = pb.left()
        run = await self.send_frame("refill", pb.report(end=False, more=True))
        new = [(t, d) for t, d in self.charts(run) if not d.same_playback(old)]
        answer = new[0] if new else None
        done_at = run.sent_at + run.seconds
        if answer is None:  # nothing new came: the chart waits on (and stops at the fuse)
            data = ChartData.parse(component_text(self.s.widget("bidi_component", CHART)[1]))
        else:
            data = answer[1]
        r = Refill(student=self.k, phase=self.phase, left=left, budget=left / max(0.1, old.fps),
                   answer=None if answer is None else answer[0] - asked, finished=done_at - asked,
                   added=max(0, data.last - old.last) if data.playing else 0, final=data.playing and not data.more_at,
                   sent_late=max(0.0, run.sent_at - asked))
        self.refills.append(r)
        info["refills"] += 1
        info["stalls"] += r.stalled
        info["final"] = info["final"] or r.final
        if answer is None:
            self.error("playback", f"refill: the answer to a request for more frames carried none (frames {old.first}-{old.last})")
        elif data.playing and not r.final and data.last <= old.last:
            self.error("playback", f"refill: frames {data.first}-{data.last} after {old.first}-{old.last}: none new")
        what = pb.receive(data, answer[0] if answer else done_at)
        if what == "stop":  # the page stopped the playback: the chart reports the frame on screen
            self.error("playback", "refill: the page's answer stopped the playback")

    async def ended(self, pb: Playback, info: dict) -> bool:
        """The chart stopped on its last frame (nothing more will come, or the fuse blew) and reports it; the page
        shows that epoch, or plays on (a new Play). Returns whether the playback stopped."""
        msg = pb.report(end=True)
        run = await self.send_frame("frame", msg)
        arrivals = self.charts(run)
        data = arrivals[-1][1] if arrivals else ChartData.parse(component_text(self.s.widget("bidi_component", CHART)[1]))
        info["final"] = info["final"] or not pb.data.more_at
        if pb.receive(data, (arrivals[-1][0] if arrivals else run.sent_at + run.seconds)) == "play":
            return False
        self.played_to_end += 1
        self.after_stop(pb, msg["view"], "frame")
        return True

    async def do_upload(self) -> None:
        await self.act("goto_dataset", self.s.rerun(page=DATASET_PAGE))
        self.check_summary("goto_dataset")
        name = f"student_{self.k}.csv"
        self.sent += 1
        run, http = await self.s.upload("ds_upload_", name, student_csv(self.n_points, self.k))
        self.record("upload", run)
        self.note("upload_put", http["put"], "HTTP", True)
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
