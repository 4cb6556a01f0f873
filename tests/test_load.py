"""The classroom load test, short: one server, 4 protocol-level students for about 12 seconds, then the
same 4 pressing Play in the same second (the burst).

Asserts correctness only (no speed bounds beyond the client's generous timeouts): every action
got its ``script_finished``, no errors, no isolation violations (each student's Epoch metric,
sidebar dataset line and Dataset counts are its own), every kind of action was exercised, every
student of the burst got its first frame, and the upload route refuses a PUT without the XSRF header.
The report is printed even without -s. The full classroom is ``python -m loadtest --sessions 30
--seconds 60``, the burst ``python -m loadtest --burst --sessions 30``, the sweep ``python -m loadtest
--sweep --burst`` (see loadtest/README.md).
"""

from __future__ import annotations

import asyncio

import pytest

from loadtest.classroom import app_defaults, run_students, server_log_problems
from loadtest.report import format_report
from loadtest.student import ClassroomConfig, Student
from testing.servers import StreamlitServer

SESSIONS = 4
SECONDS = 12.0
EXERCISED = {"open", "step", "step10", "play", "first_frame", "pause", "frame", "reset", "goto_dataset", "upload",
             "goto_descent"}


@pytest.fixture(scope="module")
def server():
    with StreamlitServer(tag="loadtest") as srv:
        yield srv


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
    cfg = ClassroomConfig(sessions=SESSIONS, seconds=SECONDS, seed=7)
    report = asyncio.run(run_students(server.url, cfg, server.pid))
    report["server_log_problems"] = server_log_problems(server.log_text())
    with capsys.disabled():
        print("\n" + format_report(report, title="Short classroom (tests/test_load.py)"))

    assert report["errors"] == [], report["errors"]
    assert report["isolation_violations"] == 0
    assert report["actions_finished"] == report["actions_sent"], "an action got no script_finished"
    assert report["actions"] >= SESSIONS * 5
    assert EXERCISED <= set(report["latency"]), f"not exercised: {EXERCISED - set(report['latency'])}"
    assert report["uploads"] >= SESSIONS
    assert report["xsrf_check"] == {"put_without_token": 403, "health_sets_cookie": True}
    assert report["server_log_problems"] == []
    assert report["memory"] and report["memory"]["start_mib"] > 0


def test_burst(server, capsys):
    """Every student opens the page, then all press Play within one second: each gets its chart's frames
    (the first frame arrives within its Play's answer), Pauses, and sees its own epoch."""
    cfg = ClassroomConfig(sessions=SESSIONS, seconds=5, seed=11, burst=True)
    report = asyncio.run(run_students(server.url, cfg, server.pid))
    with capsys.disabled():
        print("\n" + format_report(report, title="Short burst (tests/test_load.py)"))

    assert report["errors"] == [], report["errors"]
    assert report["isolation_violations"] == 0
    assert report["actions_finished"] == report["actions_sent"], "an action got no script_finished"
    firsts = report["burst"]["first_frame_by_student"]
    assert sorted(firsts) == list(range(1, SESSIONS + 1)) and None not in firsts.values(), firsts
    for action in ("open", "play", "first_frame", "pause", "frame"):  # each student did each once
        assert report["latency"][action]["n"] == SESSIONS, (action, report["latency"])
    assert report["done_reasons"] == {"burst": SESSIONS}
