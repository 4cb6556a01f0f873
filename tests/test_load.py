"""The classroom load test, short: one server; 4 protocol-level students in the mixed profile for about 12
seconds (with page visits and uploads), the same 4 pressing Play in the same second (the burst), 3 watching
Play for a few seconds as the browser does (asking for more frames), one visiting every page, and 3 through
the teacher's walkthrough at a quicker pace.

Asserts behaviour only (no speed bounds beyond the client's generous timeouts): every action got its
``script_finished``, no errors, no isolation violations (each student's Epoch metric, sidebar dataset line
and Dataset counts are its own; after Pause the epoch is the one of the frame the browser reported),
every kind of action was exercised, every watcher asked for more frames and got them (its Pause came
past its first list of frames), every student of the burst got its first frame, and the upload route
refuses a PUT without the XSRF header. The browser's playback emulation (:mod:`loadtest.watch`) is also
checked on made-up arrival times: when it asks, what counts as a stall, how long the picture stands.
The reports are printed even without -s. The full runs are ``python -m loadtest --sessions 30 --seconds
60``, ``--profile watching``, ``--profile walkthrough``, ``--burst`` (see loadtest/README.md).
"""

from __future__ import annotations

import asyncio
import collections

import pytest

from loadtest.classroom import app_defaults, run_students, server_log_problems
from loadtest.report import format_report
from loadtest.student import MIX, VISITS, ClassroomConfig, Student
from loadtest.walkthrough import PHASES
from loadtest.watch import ChartData, Playback, Refill, with_param
from testing.servers import StreamlitServer

SESSIONS = 4
SECONDS = 12.0
EXERCISED = {"open", "step", "step10", "play", "first_frame", "pause", "reset", "goto_dataset", "upload",
             "goto_descent"}


@pytest.fixture(scope="module")
def server():
    with StreamlitServer(tag="loadtest") as srv:
        yield srv


def _run(server, cfg: ClassroomConfig, title: str, capsys) -> dict:
    report = asyncio.run(run_students(server.url, cfg, server.pid))
    report["server_log_problems"] = server_log_problems(server.log_text())
    with capsys.disabled():
        print("\n" + format_report(report, title=title))
    return report


def _clean(report: dict) -> None:
    assert report["errors"] == [], report["errors"]
    assert report["isolation_violations"] == 0
    assert report["actions_finished"] == report["actions_sent"], "an action got no script_finished"
    assert report["server_log_problems"] == []


# --- the browser's playback, on made-up arrival times (no server, no clock) -----------------------
def _chart(first: int, n: int, sig: str, more_at: int = 30, token: int = 1) -> ChartData:
    """A list of ``n`` frames labelled from ``first``, frame label k showing epoch 2k (the page's default stride)."""
    return ChartData(first=first, frames=[{}] * n, fps=30, more_at=more_at, playing=True, play_token=token, sig=sig,
                     link={"param": "epoch", "epochs": [2 * (first + i) for i in range(n)]})


def _answer(pb: Playback, sig: str, new: int = 60) -> ChartData:
    """The page's answer to a request for more: the frames after the one on screen, then ``new`` more."""
    keep = pb.index + 1
    return _chart(pb.data.first + keep, pb.data.n - keep + new, sig)


def test_playback_asks_with_more_at_frames_left_and_goes_on_after_the_frame_on_screen():
    pb = Playback(_chart(1, 60, "a"), at=0.0)
    kind, at = pb.advance(100.0)
    assert kind == "more" and pb.left() == 30 and pb.shown == 30  # frame 29 of 0-59 drawn at 29/30
    assert at == pytest.approx(29 / 30)
    assert pb.report(end=False, more=True) == {"event": "frame", "index": 29, "view": 30, "end": False, "more": True}
    assert pb.advance(100.0) is None  # one request per list: it waits on its last frame for the answer
    pb = Playback(_chart(1, 60, "a"), at=0.0)
    kind, at = pb.advance(100.0)
    assert pb.receive(_answer(pb, "b"), at + 0.5) == "continue"  # an answer within the second of frames left
    assert pb.frozen == 0
    kind, at2 = pb.advance(100.0)
    assert kind == "more" and pb.shown == 90 and pb.left() == 30
    assert pb.mismatches == []
    msg = pb.stop(at2 + 0.1)  # Pause three frames later: the chart reports the frame on screen
    assert msg == {"event": "frame", "index": pb.index, "view": 93, "end": False, "pause": True} and pb.epoch(93) == 186


def test_playback_asks_at_its_first_frame_when_the_first_list_is_short():
    """A first list no longer than ``more_at`` (a short first chunk): the chart asks right after its first frame."""
    pb = Playback(_chart(1, 20, "a"), at=5.0)
    assert pb.advance(100.0) == ("more", 5.0) and pb.shown == 1 and pb.left() == 19
    assert pb.report(end=False, more=True)["more"] is True
    assert pb.advance(100.0) is None  # then it plays on and waits on its last frame for the answer
    pb = Playback(_chart(1, 1, "a", more_at=0), at=5.0)  # one frame, nothing more to come: it stops there
    assert pb.advance(100.0) == ("end", 5.0) and not pb.playing


def test_playback_counts_a_late_answer_as_a_stall_and_the_picture_as_frozen():
    pb = Playback(_chart(1, 60, "a"), at=0.0)
    kind, at = pb.advance(100.0)
    budget = pb.left() / 30
    late = Refill(student=1, phase="", left=pb.left(), budget=budget, answer=budget + 1.5, finished=budget + 1.6,
                  added=60, final=False)
    on_time = Refill(student=1, phase="", left=30, budget=budget, answer=budget / 2, finished=budget / 2, added=60,
                     final=False)
    assert late.stalled and late.late_by == pytest.approx(1.5) and not on_time.stalled
    pb.receive(_answer(pb, "b"), at + budget + 1.5)
    assert pb.frozen == 0  # the next frame is not drawn yet: the chart looks again at its next tick
    pb.advance(at + budget + 3.0)
    # the last frame stood from its drawing (at + budget) until the first look after the answer, plus a frame
    assert 1.5 <= pb.frozen <= 1.5 + 2 / 30 + 1e-9
    assert pb.playing and pb.shown > 60


def test_playback_stops_on_the_last_frame_when_nothing_more_will_come():
    pb = Playback(_chart(1, 60, "a", more_at=0), at=0.0)
    kind, at = pb.advance(100.0)
    assert kind == "end" and pb.shown == 60 and not pb.playing
    assert pb.report(end=True) == {"event": "frame", "index": 59, "view": 60, "end": True}
    pb = Playback(_chart(1, 60, "a"), at=0.0, asks=False)  # the mixed profile's one-second Play asks for nothing
    assert pb.advance(1.52) is None and pb.shown == 46


def test_playback_flags_frames_that_change_their_epoch_between_lists():
    pb = Playback(_chart(1, 60, "a"), at=0.0)
    _, at = pb.advance(100.0)
    wrong = _answer(pb, "b")
    wrong = ChartData(**{**wrong.__dict__, "link": {"param": "epoch", "epochs": [e + 1 for e in wrong.link["epochs"]]}})
    pb.receive(wrong, at + 0.1)
    assert pb.mismatches


def test_link_follows_the_frame_on_screen():
    assert with_param("max_epochs=5000&epoch=3&x=1", "epoch", 60) == "max_epochs=5000&epoch=60&x=1"
    assert with_param("", "epoch", 2) == "epoch=2"
    pb = Playback(_chart(1, 60, "a"), at=0.0, asks=False)
    pb.advance(1.2)
    assert pb.link_epoch == 2 * 31  # written at most once a second: the frame drawn at 1 s


# --- against a server -------------------------------------------------------------------------
def test_checks_catch_a_wrong_screen(server):
    """The isolation checks are not vacuous: a student expecting another epoch or other points is flagged."""

    async def go():
        summary, limit = app_defaults()
        errors: list = []
        st = Student(99, server.url, ClassroomConfig(sessions=1, seconds=1), summary, limit, [], errors)
        await st.s.connect()
        try:
            await st.s.rerun(page="Gradient_descent")
            st.check_epoch("open")
            st.check_summary("open")
            assert st.violations == 0, errors
            st.expected_epoch = 7
            st.check_epoch("wrong epoch")
            st.expected_summary = "custom: 5 train / 0 test points (class 0: 3, class 1: 2)"
            st.check_summary("wrong points")
        finally:
            await st.s.close()
        return st.violations, errors

    violations, errors = asyncio.run(go())
    assert violations == 2, errors


def test_classroom(server, capsys):
    """The mixed profile with page visits, and uploads (a weight of their own here, 0 by default)."""
    cfg = ClassroomConfig(sessions=SESSIONS, seconds=SECONDS, seed=7, weights={**MIX, "upload": 8})
    report = _run(server, cfg, "Short classroom (tests/test_load.py)", capsys)
    _clean(report)
    assert report["actions"] >= SESSIONS * 5
    assert EXERCISED <= set(report["latency"]), f"not exercised: {EXERCISED - set(report['latency'])}"
    assert any(a.startswith("visit ") for a in report["latency"]), report["latency"]
    assert report["uploads"] >= SESSIONS and report["visits"] >= SESSIONS
    assert report["xsrf_check"] == {"put_without_token": 403, "health_sets_cookie": True}
    assert report["memory"] and report["memory"]["start_mib"] > 0


def test_visit_every_page_and_back(server):
    """A visit to each other page as the sidebar's link opens it (no query string kept): each page runs to its
    end without an exception or error, shows this student's data, and Gradient descent keeps the epoch."""

    async def go():
        summary, limit = app_defaults()
        records: list = []
        errors: list = []
        st = Student(98, server.url, ClassroomConfig(sessions=1, seconds=1), summary, limit, records, errors)
        try:
            await st.open()
            await st.do_step10()
            for name in VISITS:
                await st.do_visit(name)
            await st.do_step()
        finally:
            await st.s.close()
        return st, records, errors

    st, records, errors = asyncio.run(go())
    assert errors == [] and st.violations == 0
    assert st.expected_epoch == 11
    visited = [r.action for r in records if r.action.startswith("visit ")]
    assert visited == [f"visit {name}" for name in VISITS]
    assert all(r.ok for r in records), [r for r in records if not r.ok]


def test_burst(server, capsys):
    """Every student opens the page, then all press Play within one second: each gets its chart's frames
    (the first frame arrives within its Play's answer), Pauses, and sees its own epoch."""
    cfg = ClassroomConfig(sessions=SESSIONS, seconds=5, seed=11, burst=True)
    report = _run(server, cfg, "Short burst (tests/test_load.py)", capsys)
    _clean(report)
    firsts = report["burst"]["first_frame_by_student"]
    assert sorted(firsts) == list(range(1, SESSIONS + 1)) and None not in firsts.values(), firsts
    for action in ("open", "play", "first_frame", "pause"):  # each student did each once
        assert report["latency"][action]["n"] == SESSIONS, (action, report["latency"])
    assert report["done_reasons"] == {"burst": SESSIONS}


def test_watching(server, capsys):
    """Three students press Play and watch as the browser does: each asks for more frames and gets them, so its
    Pause comes past its first list of frames, at the epoch of the frame it reported."""
    n = 3
    cfg = ClassroomConfig(sessions=n, profile="watching", watch=4.0, ramp=1.0, seed=5)
    report = _run(server, cfg, "Short watching (tests/test_load.py)", capsys)
    _clean(report)
    assert report["done_reasons"] == {"watched": n}
    per_student = collections.Counter(r["student"] for r in report["refill_list"])
    assert sorted(per_student) == list(range(1, n + 1)) and min(per_student.values()) > 0, per_student
    assert report["refills"]["n"] == report["latency"]["refill"]["n"] > 0
    assert report["refills"]["no_answer"] == 0 and all(r["added"] > 0 for r in report["refill_list"])
    plays = report["plays"]
    assert len(plays) == n and report["refills"]["past_first_chunk"] == n, plays
    for p in plays:
        assert p["paused_epoch"] > p["first_last_epoch"] and p["refills"] > 0, p
    for action in ("open", "play", "first_frame", "pause"):
        assert report["latency"][action]["n"] == n, (action, report["latency"])


def test_walkthrough(server, capsys):
    """Three students through the teacher's walkthrough at a quicker pace: every phase reached by all, five Steps
    each, Play watched with refills, the Loss landscape and the Hidden layer opened."""
    n = 3
    cfg = ClassroomConfig(sessions=n, profile="walkthrough", watch=3.5, ramp=1.0, pace=0.3, think=0.5, seed=3)
    report = _run(server, cfg, "Short walkthrough (tests/test_load.py)", capsys)
    _clean(report)
    assert report["done_reasons"] == {"walkthrough": n}
    phases = report["phases"]
    assert list(phases) == list(PHASES)
    assert all(ph["students"] == n for ph in phases.values()), phases
    expect = {"arrive": {"open": n}, "backprop": {"visit Backpropagation": n},
              "step5": {"visit Gradient descent": n, "step": 5 * n},
              "tour": {"visit Loss landscape": n, "visit Hidden layer": n}}
    for name, counts in expect.items():
        assert {a: v["n"] for a, v in phases[name]["latency"].items()} == counts, (name, phases[name]["latency"])
    watch = phases["watch"]["latency"]
    assert watch["play"]["n"] == watch["pause"]["n"] == n  # a Pause is one message: the chart's report
    assert watch["refill"]["n"] >= n and phases["watch"]["refills"]["past_first_chunk"] == n
