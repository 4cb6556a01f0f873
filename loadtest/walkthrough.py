"""The walkthrough: a teacher leads the whole class through a lesson, everyone doing the same thing at once.

Each phase starts when the teacher speaks: once every student has finished the phase before (or dropped
out with an error), after ``GAP`` seconds to say it. Within a phase each student starts at its own
random moment within the phase's spread (a class does not click in the same millisecond):

============  ===================================================================================
``arrive``    every student opens the teacher's link (Home, ``?max_epochs=5000``) over the ramp
``backprop``  "go to Backpropagation": each opens it within 5 s
``step5``     "Step five times": each opens Gradient descent within 3 s, then Steps five times, about
              a second apart (uniform 0.5-1.5 s × ``--think``); the Epoch metric must read 1, …, 5
``watch``     "Play and watch": each presses Play within 2 s and watches ``--watch`` seconds (30 by
              default here) as the browser plays, asking for more frames; then Pause and report
``tour``      "look at the Loss landscape, then the Hidden layer": each opens the Loss landscape within
              5 s, looks 2-4 s, opens the Hidden layer
============  ===================================================================================

``--pace`` scales the spreads, the teacher's pauses and the looks (the tests run at 0.3).
Every record carries its phase: :mod:`loadtest.report` gives each phase's latencies and its wall time
(from the teacher's word to the last student's answer).
"""

from __future__ import annotations

import asyncio
import collections
import time

from .student import Student

GAP = 2.0  # seconds between the last student's answer and the teacher's next instruction
PHASES = {  # phase -> (what the teacher says, the spread of the students' start in seconds)
    "arrive": ("open the link", 0.0),
    "backprop": ("go to Backpropagation", 5.0),
    "step5": ("Step five times", 3.0),
    "watch": ("Play and watch", 2.0),
    "tour": ("look at the Loss landscape, then the Hidden layer", 5.0),
}
WALK_WATCH = 30.0  # the walkthrough's default watch (``--watch`` overrides)


class Teacher:
    """Starts each phase when the whole class has finished the one before; remembers when each began and ended."""

    def __init__(self, n: int, gap: float = GAP):
        self.n = n
        self.gap = gap
        loop = asyncio.get_running_loop()
        self.starts: dict[str, asyncio.Future] = {p: loop.create_future() for p in PHASES}
        self.done: collections.Counter = collections.Counter()
        self.left = 0  # students that dropped out (an error): counted as done for every later phase
        self.changed = asyncio.Event()
        self.times: dict[str, dict] = {}  # phase -> {"start", "end", "wall", "students"} (time.monotonic)

    def finished(self, phase: str) -> None:
        self.done[phase] += 1
        self.changed.set()

    def leave(self) -> None:
        self.left += 1
        self.changed.set()

    async def lead(self, first_at: float) -> None:
        at = first_at
        for phase in PHASES:
            self.starts[phase].set_result(at)
            while self.done[phase] + self.left < self.n:
                self.changed.clear()
                await self.changed.wait()
            end = time.monotonic()
            self.times[phase] = {"start": at, "end": end, "wall": end - at, "students": self.done[phase]}
            at = end + self.gap


async def _at(t: float) -> None:
    await asyncio.sleep(max(0.0, t - time.monotonic()))


async def phase(st: Student, name: str, at: float, arrive_at: float, watch: float) -> None:
    """One student's part of phase ``name``, which the teacher started at ``at``."""
    spread = PHASES[name][1] * st.cfg.pace
    if name == "arrive":
        await _at(arrive_at)
        await st.open(page="")
        return
    await _at(at + st.rng.uniform(0, spread))
    if name == "backprop":
        await st.do_visit("Backpropagation", back=False)
    elif name == "step5":
        await st.do_visit("Gradient descent", back=False)
        for _ in range(5):
            await asyncio.sleep(st.cfg.think * st.rng.uniform(0.5, 1.5))
            await st.do_step()
    elif name == "watch":
        await st.play_and_watch(watch, refills=True)
    elif name == "tour":
        await st.do_visit("Loss landscape", back=False)
        await asyncio.sleep(st.rng.uniform(2.0, 4.0) * st.cfg.pace)
        await st.do_visit("Hidden layer", back=False)


async def walk(st: Student, teacher: Teacher, arrive_at: float, watch: float) -> None:
    """A student through every phase; one that fails leaves the class (the teacher does not wait for it)."""
    gone = False
    try:
        for name in PHASES:
            at = await teacher.starts[name]
            st.phase = name
            if not await st.guarded(phase(st, name, at, arrive_at, watch)):
                gone = True
                teacher.leave()
                return
            if name == "arrive":
                st.opened.set()
            teacher.finished(name)
        st.done_reason = "walkthrough"
    except BaseException:
        if not gone:
            teacher.leave()
            gone = True
        raise
    finally:
        st.opened.set()
        await st.s.close()
