"""What the browser's chart does while it plays, for a protocol-level student: its clock, its requests.

The chart (``perceptron/web/chart.js``'s ``play``, with ``afterFrame``, ``nextFrame`` and
``frameSchedule`` of ``chart_logic.js``) draws frame after frame, one every ``1/fps`` s, on a steady
clock, from whatever list of frames is current when each is due. After each frame drawn it looks at
the list: with ``more_at`` frames or fewer left (and not yet asked for this list) it asks the page for
more, with a ``frame`` event carrying ``more: true``, and plays on; on the last frame, when more are
offered, it draws nothing and looks again every frame interval (the picture is **frozen**) until the
longer list comes (at most ``WAIT_FUSE`` s); when ``more_at`` is 0 nothing more will come and it stops
on the last frame, reporting it (``end: true``). Frames are labelled ``first + index``; the page answers
a request with a list that starts after the frame on screen then (the frames it still had, then the new
chunk), and the chart goes on after the frame on screen. A Pause click stops it at once (``stop_on``, the click going no further)
and it reports the frame on screen.

:class:`Playback` replays that from the times things arrived (no browser, no timers: the times are
computed, the student sleeps until the next moment the page must hear of). A **stall** is a request
answered later than the frames the browser still had when it asked (frames left ÷ fps after the request):
the browser was then waiting on its last frame. Frozen time is the time a picture stood beyond its one
frame interval. Pure Python; tested without a server by ``tests/test_load.py``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from urllib.parse import quote

WAIT_FUSE = 15.0  # seconds the chart waits on its last frame for frames it asked for (chart_logic.js)
LINK_EVERY = 1.0  # seconds between two writes of the epoch on screen into the address bar (chart_logic.js)
EPS = 1e-9


@dataclass(frozen=True)
class ChartData:
    """What of the chart component's data (its ``json``) playback reads."""

    first: int
    frames: list
    fps: float
    more_at: int
    playing: bool
    play_token: int
    sig: str
    link: dict | None

    @classmethod
    def parse(cls, text: str) -> ChartData:
        d = json.loads(text)
        return cls(first=int(d.get("first") or 0), frames=list(d.get("frames") or []),
                   fps=float(d.get("fps") or 15), more_at=int(d.get("more_at") or 0),
                   playing=bool(d.get("playing")), play_token=int(d.get("play_token") or 0),
                   sig=str(d.get("frames_sig") or ""), link=d.get("link") or None)

    @property
    def n(self) -> int:
        return len(self.frames)

    @property
    def last(self) -> int:
        """The label of the last frame."""
        return self.first + self.n - 1

    def same_playback(self, other: ChartData | None) -> bool:
        """Whether the browser would see nothing new in ``other`` for its playback."""
        return other is not None and (self.sig, self.more_at, self.playing, self.play_token) == (
            other.sig, other.more_at, other.playing, other.play_token)

    def epochs(self) -> dict[int, int]:
        """The epoch each frame shows, by label: the link's list (``link.epochs``) or else each frame's cost
        marker (its first trace's ``x``); frames that name none are left out."""
        out: dict[int, int] = {}
        listed = (self.link or {}).get("epochs") or []
        for i, f in enumerate(self.frames):
            e = listed[i] if i < len(listed) else None
            if e is None:
                try:
                    e = (f.get("data") or [{}])[0].get("x")[0]
                except (AttributeError, IndexError, KeyError, TypeError):
                    e = None
            if e is not None:
                out[self.first + i] = int(e)
        return out


@dataclass
class Refill:
    """One request for more frames and its answer."""

    student: int
    phase: str
    left: int  # frames after the one on screen when the browser asked
    budget: float  # seconds those frames last (left / fps): the answer is late after that
    answer: float | None  # seconds from the request to the chart with the new frames (None: none came)
    finished: float  # seconds from the request to the run's final script_finished
    added: int  # frames past the old last one that the answer brought
    final: bool  # the answer says nothing more will come (more_at 0)
    # seconds the student sent the request after the browser would have (its previous answer's run was still
    # finishing, or the client was busy): counted in ``answer``, which runs from the browser's moment
    sent_late: float = 0.0

    @property
    def late_by(self) -> float:
        return max(0.0, (self.finished if self.answer is None else self.answer) - self.budget)

    @property
    def stalled(self) -> bool:
        return self.late_by > 0


def with_param(query: str, name: str, value) -> str:
    """``query`` ("a=1&epoch=3") with ``name`` set to ``value``: its pair replaced where it is, else added at
    the end (chart_logic.js's ``withParam``, without the "?")."""
    pairs = [p for p in query.lstrip("?").split("&") if p]
    pair = f"{quote(name, safe='')}={quote(str(value), safe='')}"
    at = next((i for i, p in enumerate(pairs) if p.split("=", 1)[0].replace("+", " ") == name), None)
    if at is None:
        pairs.append(pair)
    else:
        pairs[at] = pair
    return "&".join(pairs)


@dataclass
class Playback:
    """The chart playing ``data`` from frame ``start`` (an index), its first frame drawn at ``at`` (seconds on
    the student's clock, ``time.perf_counter``). ``asks``: whether it asks for more frames (False: a Play
    paused within its first list, as the mixed profile's one-second Play, where no request is sent)."""

    data: ChartData
    at: float
    start: int = 0
    asks: bool = True
    playing: bool = True
    shown: int = 0  # the label on screen
    drawn_at: float = 0.0  # when it was drawn
    next_at: float = 0.0  # the chart's next timer
    polling: bool = False  # waiting on the last frame: the next timer draws nothing unless frames came
    wait_from: float | None = None
    asked_for: str | None = None  # frames_sig of the list it asked more for
    outstanding: bool = False  # a request for more is out, unanswered
    fuse_counted: bool = False
    frozen: float = 0.0  # seconds the picture stood beyond its frame interval
    fuse_blown: int = 0  # waits longer than WAIT_FUSE (the browser would have stopped; see README)
    link_epoch: int | None = None  # the epoch the browser last wrote into the address bar
    linked_at: float = -math.inf
    events: list[tuple[str, float]] = field(default_factory=list)  # ("more" | "end", when)
    epoch_of: dict[int, int] = field(default_factory=dict)  # label -> epoch, over every list seen
    mismatches: list[str] = field(default_factory=list)  # labels whose epoch changed between lists
    pending: tuple[str, float] | None = None  # what the chart did at the first frame of a playback, not yet reported
    frames_seen: int = 0  # labels drawn

    def __post_init__(self) -> None:
        self.epoch_of.update(self.data.epochs())
        self._draw(self.data.first + min(self.start, max(0, self.data.n - 1)), self.at)
        self.next_at = self.at
        # the chart looks at the list right after its first frame: with a list no longer than ``more_at`` it asks
        # then (or, one frame long and final, stops); advance() reports that first
        self._first_look(self.at)

    @property
    def period(self) -> float:
        return 1.0 / max(0.1, self.data.fps or 15)

    @property
    def index(self) -> int:
        return self.shown - self.data.first

    # --- the chart's timer ----------------------------------------------------------------------
    def _draw(self, label: int, t: float) -> None:
        if self.frames_seen and t - self.drawn_at > self.period + EPS:  # it stood longer than a frame
            self.frozen += t - self.drawn_at - self.period
        self.shown, self.drawn_at = label, t
        self.frames_seen += 1
        epoch = self.epoch_of.get(label)
        if self.data.link and epoch is not None and t - self.linked_at >= LINK_EVERY - EPS:
            self.link_epoch, self.linked_at = epoch, t

    def _after(self, t: float) -> str | None:
        """``after`` in chart.js: what the browser does after frame ``shown`` (or a look while waiting) at ``t``."""
        d = self.data
        last = d.n - 1
        index = self.shown - d.first
        waited = 0.0 if self.wait_from is None else t - self.wait_from
        offers = bool(d.more_at)
        more = offers and last - index <= d.more_at and self.asked_for != d.sig
        event = None
        if index < last:
            wait, end = False, False
        else:
            # past WAIT_FUSE the browser stops (``end``); with a request out, the emulation waits on for its answer
            # (the browser's report would interrupt the refill; counted in fuse_blown, see README)
            wait = offers and (waited < WAIT_FUSE or self.outstanding)
            if offers and waited >= WAIT_FUSE and self.outstanding and not self.fuse_counted:
                self.fuse_blown += 1
                self.fuse_counted = True
            more = wait and more
            end = not wait
        if more and self.asks:
            self.asked_for = d.sig
            self.outstanding = True
            event = "more"
        elif more:
            self.asked_for = d.sig  # it would ask here; the student pauses before the answer could matter
        if end:
            self.playing = False
            self.polling = False
            return "end"
        if wait:
            if self.wait_from is None:
                self.wait_from = t
                self.fuse_counted = False
            self.polling = True
        else:
            self.wait_from = None
            self.polling = False
        self.next_at = t + self.period
        return event

    def _tick(self) -> str | None:
        t = self.next_at
        if not self.polling:
            d = self.data
            nxt = self.shown + 1
            k = max(0, min(nxt - d.first, d.n - 1))
            if d.first + k >= nxt:  # nextFrame: never back to an earlier frame
                self._draw(d.first + k, t)
        return self._after(t)

    def _first_look(self, t: float) -> None:
        event = self._after(t)
        if event:
            self.pending = (event, t)

    def advance(self, until: float) -> tuple[str, float] | None:
        """Run the chart's timer up to ``until``; stop at the first moment the page must hear of: ``("more", t)``
        (it asks for more frames at ``t``) or ``("end", t)`` (it stopped on the last frame and reports it)."""
        if self.pending:
            event, self.pending = self.pending, None
            self.events.append(event)
            return event
        while self.playing and self.next_at <= until:
            t = self.next_at
            event = self._tick()
            if event:
                self.events.append((event, t))
                return event, t
        return None

    # --- what the page sends ----------------------------------------------------------------------
    def receive(self, data: ChartData, t: float) -> str:
        """The page's answer with ``data`` arrived at ``t`` (the chart's ``update``). Returns what the chart does:
        "continue" (same playback, the list may be longer), "play" (a new playback: a new play_token), "stop"
        (the page stopped it) or "hold"."""
        self.advance_quietly(t)
        self.outstanding = False
        old = self.data
        if self.playing:
            if data.playing and data.n:
                self._merge(old, data)
                self.data = data
                return "continue"
            self.playing = False
            return "stop"
        if data.playing and data.n and data.play_token != old.play_token:
            start = self.index + 1 if data.sig == old.sig and self.index < data.n - 1 else 0
            self.epoch_of = data.epochs()  # a new playback: its labels start again
            self.data, self.playing, self.wait_from, self.asked_for = data, True, None, None
            self._draw(data.first + start, t)
            self.next_at = t
            self._first_look(t)
            return "play"
        return "hold"

    def _merge(self, old: ChartData, new: ChartData) -> None:
        for label, epoch in new.epochs().items():
            known = self.epoch_of.get(label)
            if known is not None and known != epoch:
                self.mismatches.append(f"frame {label}: epoch {known} in the list before, {epoch} now")
            self.epoch_of[label] = epoch

    def advance_quietly(self, until: float) -> None:
        """The timer up to ``until`` while a request is out (no second request: the browser asked for this list)."""
        while self.playing and self.next_at <= until:
            event = self._tick()
            if event == "end":
                self.events.append(("end", self.drawn_at))
                return

    def stop(self, t: float) -> dict:
        """A Pause click at ``t`` stops the chart at once (``stop_on``), and the click goes no further; the frame
        event it reports (``pause``: this report is the Pause the server hears)."""
        self.advance_quietly(t)
        if self.playing and self.polling and t - self.drawn_at > self.period:
            self.frozen += t - self.drawn_at - self.period  # stood on the last frame until the click
        self.playing = False
        return self.report(end=self.index >= self.data.n - 1, pause=True)

    def report(self, end: bool, more: bool = False, pause: bool = False) -> dict:
        """The ``frame`` event for the frame on screen (chart_logic.js's ``frameEvent``, without ``n``/``t``)."""
        msg = {"event": "frame", "index": self.index, "view": self.shown, "end": bool(end)}
        if more:
            msg["more"] = True
        if pause:
            msg["pause"] = True
        return msg

    def left(self) -> int:
        """Frames after the one on screen in the current list."""
        return self.data.n - 1 - self.index

    def epoch(self, label: int | None = None) -> int | None:
        return self.epoch_of.get(self.shown if label is None else label)
