"""Step, Play, Pause, Reset and Rewind: one controller for every stepping page (the neuron's and the network's).

A page describes what it shows of its run (a :class:`~perceptron.session.run.Run`) as a
:class:`Stepper` and calls :func:`stepper` inside an ``st.fragment``, so that a Step reruns only
the fragment. What the controller does:

* **Step** trains one (or ten) epochs; the figure is sent with the next Step's frame, which the
  browser draws the moment the button is pressed (``preview``), the server's answer confirming it.
* **Play** trains ``PLAY_CHUNK`` frames at once (``Run.play_chunk``: ``stride`` epochs a frame)
  and sends them; the browser plays them at ``PLAY_FPS``. ``PLAY_MORE_AT`` frames before the end
  it asks for more (a ``more`` event) and plays on; the next chunk, ``PLAY_REFILL`` frames, follows from the
  frame on screen. The run that hears a ``more`` event (or the report of where the chart stopped) answers it
  before drawing anything and draws the answer: one run, not a second after ``st.rerun``; the frames and the
  figure under them are prepared once a chunk and kept in the playback, not rebuilt on every run.
* **Pause** stops the browser at the click (``stop_on``), and the click goes no further: the
  browser's report of the frame on screen (``pause: true``) is the Pause, one run, and the run shows
  that epoch (the epochs trained past it are dropped by the next Step). A Pause the browser does not
  stop (its frames had not come yet, a keyboard shortcut) reaches the server as a click, as before. A Play clicked before that report came (a quick Pause, Play) is
  kept and carried out when it comes, from the epoch reported. When the frames run out before the
  next chunk came, the browser waits on the last frame for it; when nothing more can be trained
  (the epoch limit, a stop rule) the page says so (``more_at`` 0) and the browser stops there.

While it plays, the address bar follows: the browser writes the epoch on screen into it once a second
(``link``), each request for the next chunk writes the epoch on screen then (``follow_link``: what the
tab sends again when it reconnects after a restart of the server), and Pause the epoch it stopped on,
so a reload loses at most a second of playing and a restart at most a chunk. The live region says
"Playing from epoch k" once, when Play starts, and the epoch on screen when it stops.

The playback in progress lives in ``st.session_state[keys.playback]``: ``start`` (the epoch of
the figure under the frames), ``since`` (the epoch Play was pressed at), ``epochs`` (one per frame),
``first`` (frame 0's label), ``frames``, ``paused``, ``resume``, ``final`` (no more chunks will come)
and ``sent`` (the frames went to the browser: a Pause before that ends the playback at once, since no
report will come). While the live class is paused (``st.session_state[keys.HOLD]``, the note to show, set
by :mod:`perceptron.web.classroom`) a playback stops as a click on Pause stops it, and Step, Step ×10 and Play
rest. Nothing mutable at module level.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ..session.run import Run
from ..views.alt import status
from . import keys
from .chart import Frames, take_frame
from .controls import epoch_metrics
from .draw import show
from .focus import announce
from .keys import StepperKeys
from .site import follow_link

PLAY_FPS = 60  # at most this many frames shown per second while playing, one a display frame (fewer if drawing takes longer)
# frames trained and sent at Play (3 s of playback: a class pressing Play at once waits little); more than PLAY_MORE_AT,
# so the browser asks for the next chunk after a second of playing, not at its first frame (with a chunk no longer than
# that, every Play cost a refill at once, a Play paused after a second too, and a class pressing Play together asked twice)
PLAY_CHUNK = 3 * PLAY_FPS
# frames trained and sent when the browser asks for more (10 s of playback): a class watching Play together asks
# the shared server once in ten seconds each, not every two (issue 21's watching profile: 30 students' refills
# queued behind each other and 97 % came after the frames had run out)
PLAY_REFILL = 10 * PLAY_FPS
# frames left (2 s) when the browser asks for more: the answer has that long to arrive before the picture stops
PLAY_MORE_AT = 2 * PLAY_FPS
# s a playback the teacher's pause stopped waits for the browser's report of the frame on screen: none comes when
# the pause reached the browser before its frames did (it never started), and the run then shows where Play began
HOLD_WAIT = 3.0


@dataclass(frozen=True)
class Stepper:
    """What a stepping page shows of its run.

    ``spec(run, k)``: the figure at epoch k (the epoch on screen for None), a plain figure dict;
    ``frames(run, epochs)``: partial updates of that figure to each of ``epochs``, for playback;
    ``ahead(run)``: the frame one press of Step leads to, or None when a Step would not train;
    ``keys``: the page's widget keys and the key of its playback;
    ``alt(run, k)``: the figure's text alternative at epoch k (the epoch on screen for None).
    """

    keys: StepperKeys
    spec: Callable
    frames: Callable
    ahead: Callable
    alt: Callable | None = None


PAUSE_KEY = "Alt+P"  # Play and Pause by keyboard: the button's shortcut, which the playing chart takes as Pause


def stepper(run: Run, page: Stepper) -> bool:
    """The buttons, the epoch's numbers, the rewind slider and the figure; returns whether it is playing."""
    k = page.keys
    state = _playback(run, page)
    if state and (event := take_frame(k.chart)):  # answered before anything is drawn: this run draws the answer
        state = _heard(run, page, state, event)
    hold = st.session_state.get(keys.HOLD)  # the teacher paused the live class
    if hold and state and not state["paused"]:
        toggle(run, page, False)  # as a click on Pause: the browser stops and reports the frame on screen
        state = _playback(run, page)
        if state:
            state["held_at"] = time.monotonic()
    elif state and state.get("held_at") and time.monotonic() - state["held_at"] > HOLD_WAIT:
        run.rewind(state["start"])  # no report came: the browser shows the figure under the frames
        state = st.session_state[k.playback] = None
    playing = bool(state)
    controls = st.container(horizontal=True)  # filled after the numbers, which so reach the browser first
    if not playing:  # above the figure: the numbers of the epoch on screen come first
        epoch_metrics(run.history, run.epoch, run.measure, run.n_train, int(run.points.test_y.size))
    on = st.session_state.get(keys.SHORTCUTS, True)  # the sidebar's "Keyboard shortcuts" toggle (WCAG 2.1.4)
    with controls:
        for label, key, click, args, shortcut, kind in (
            ("Step one epoch", k.step, run.step, (1,), "Right", "primary"),
            ("Step ×10", k.step10, run.step, (10,), "Shift+Right", "secondary"),
            ("Pause" if playing else "Play ▶", k.play, toggle, (run, page, not playing), PAUSE_KEY, "secondary"),
            # never a key that also scrolls (Home, End, Space, the arrows up and down): Reset wipes the run
            ("Reset", k.reset, reset, (run, page), "Alt+0", "secondary"),
        ):
            st.button(label, key=key, type=kind, on_click=click, args=args,
                      disabled=(playing and key in (k.step, k.step10)) or (bool(hold) and key != k.reset),
                      shortcut=shortcut if on else None,
                      help=f"Keyboard: {shortcut.replace('+', ' + ').replace('Right', '→')}" if on else None)
        # read by screen readers when it changes: the result of Step, Play (once, not at every chunk) and Pause
        announce(f"Playing from epoch {state.get('since', state['start'])}." if playing else _status(run), key=f"{k.chart}_status")
    if hold:
        st.info(hold, icon=":material/pause_circle:")
    if run.history.epochs > 0 and not playing:
        key = f"{k.rewind}{run.history.epochs}"
        st.slider("Rewind to epoch", 0, run.history.epochs, run.epoch, key=key, on_change=_rewind,
                  args=(run, key, run.history.epochs))
    _chart(run, page, state)
    if playing:
        st.caption("Playing: the epoch, cost and accuracy are written above the figure.")
    return playing


def _status(run: Run) -> str:
    """"Epoch 12: cost 0.1834, 78 of 80 correct" for the epoch on screen."""
    h = run.history
    return status(h.cost, h.accuracy, run.epoch, run.n_train, h.test_accuracy, run.measure)


def toggle(run: Run, page: Stepper, play: bool = True, since: int | None = None) -> None:
    """Play/Pause button, with what its label said when it was clicked (``play``); ``since``: the epoch
    where the playing went on from (the browser ran out of frames before the next chunk came)."""
    state = st.session_state.get(page.keys.playback)
    if state and not play and not state.get("sent"):
        # Pause before the frames were ever sent (a quick Play, Pause, e.g. by keyboard): nothing plays
        # in the browser, so no report of a frame will come; the run stays at the epoch on screen
        run.rewind(state["start"])
        st.session_state[page.keys.playback] = None
        return
    if state or not play:
        if state and (not play or state["paused"]):
            state["resume" if play else "paused"] = True  # Pause: the chart stops and reports where
        return
    start = run.epoch
    epochs = run.play_chunk(PLAY_CHUNK)
    if epochs:  # frame i is labelled first + i; the figure under the frames shows epoch `start`
        state = st.session_state[page.keys.playback] = {
            "start": start, "since": start if since is None else since, "epochs": epochs, "first": 1,
            "paused": False, "frames": Frames().then(page.frames(run, epochs))}
        _figure(run, page, state)


def _figure(run: Run, page: Stepper, state: dict) -> None:
    """The figure under the frames and its text alternative, built once a chunk (its cost line holds every epoch
    trained), not on every run that sends them again (a Pause, the live class's ticker)."""
    state["spec"] = page.spec(run, state["start"])
    state["alt"] = page.alt and page.alt(run, state["start"]) + " Playing: pause to read the epoch on screen."


def reset(run: Run, page: Stepper) -> None:
    """Reset button: back to epoch 0, and stop playing."""
    run.reset()
    st.session_state[page.keys.playback] = None


def _rewind(run: Run, key: str, epochs: int) -> None:
    """Rewind slider: show the epoch the slider points at. Only the slider of the record as it is now: a rerun
    that left the browser before a Step's answer came back (the live class's 2-second ticker sends one) still
    carries the slider of the record before that Step, whose value would undo the Step."""
    if epochs == run.history.epochs:
        run.rewind(st.session_state[key])


def _playback(run: Run, page: Stepper) -> dict | None:
    """The playback in progress, unless the run was reset or changed meanwhile."""
    state = st.session_state.get(page.keys.playback)
    if state and state["epochs"][-1] > run.history.epochs:
        state = st.session_state[page.keys.playback] = None
    return state


def _chart(run: Run, page: Stepper, state: dict | None) -> None:
    """The figure: with the next Step drawn ahead, or playing the frames (prepared once a chunk, :func:`_heard`)."""
    k = page.keys
    if not state:
        ahead = page.ahead(run)  # drawn by the browser the moment Step is pressed
        show(page.spec(run, None), key=k.chart, view=run.epoch, alt=page.alt and page.alt(run, None),
             preview=ahead and {"selector": f".st-key-{k.step} button", "view": run.epoch + 1, "frame": ahead})
        return
    show(state["spec"], key=k.chart, frames=state["frames"], fps=PLAY_FPS,
         playing=not state["paused"], first=state["first"], more_at=0 if state.get("final") else PLAY_MORE_AT,
         stop_on=f".st-key-{k.play} button", stop_key=PAUSE_KEY if st.session_state.get(keys.SHORTCUTS, True) else None,
         link={"param": run.ROLES["epoch"], "epochs": state["epochs"]},
         alt=state["alt"])
    if not state["paused"]:
        state["sent"] = True  # the browser has the frames: a Pause now waits for its report of the frame on screen


def _heard(run: Run, page: Stepper, state: dict, event: dict) -> dict | None:
    """The chart's ``frame`` event while it plays, answered before the page draws: a request for more frames (the
    next chunk, after the frame on screen: only it is trained and prepared) or the report of where it stopped
    (the run then shows that epoch). Returns the playback now."""
    k = page.keys
    if event.get("event") != "frame":
        return state
    shown = int(event.get("view", state["first"] + int(event["index"]))) - state["first"]  # the frame on screen
    epoch = state["epochs"][min(shown, len(state["epochs"]) - 1)] if shown >= 0 else state["start"]
    if event.get("more"):  # still playing, nearly out of frames: the next chunk, after the frame on screen
        if state["paused"] or state.get("final"):
            return state
        if run.epoch == state["epochs"][-1] and (more := run.play_chunk(PLAY_REFILL)):
            keep = max(shown + 1, 0)
            state.update(start=epoch, epochs=state["epochs"][keep:] + more, first=state["first"] + keep,
                         frames=state["frames"].then(page.frames(run, more), keep))
            _figure(run, page, state)
        else:  # nothing more to train (the epoch limit, a stop rule): the browser stops at the last frame
            state["final"] = True
        follow_link(run, epoch)  # a reload now reopens the epoch on screen, not the one Play started at
        return state
    if event.get("pause"):  # the Pause click, stopped in the browser: this report is all the server hears of it
        state["paused"] = True
    run.rewind(epoch)  # the page's own sync_link writes it into the link
    st.session_state[k.playback] = None
    if (event.get("end") and not state["paused"]) or state.get("resume"):
        # the browser ran out before the next chunk came (it plays on, announced once), or Play was clicked meanwhile
        toggle(run, page, since=None if state.get("resume") else state.get("since"))
    return _playback(run, page)


def held_too_long() -> bool:
    """Whether a playback the teacher's pause stopped still waits for a report after ``HOLD_WAIT`` s (the live
    class's ticker then reruns the page, which ends it)."""
    now = time.monotonic()
    return any((state := st.session_state.get(k.playback)) and state.get("held_at")
               and now - state["held_at"] > HOLD_WAIT for k in (keys.DESCENT, keys.HIDDEN))
