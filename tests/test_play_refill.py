"""A refill (the chart's request for more frames while Play plays) as the server answers it (issue 21).

With a real server and a protocol client that sends what the browser's chart sends: the run that hears the
request draws the answer (one run, no ``st.rerun``: the chart arrives once, with the frames after the one on
screen followed by the new chunk), so does the report of where the chart stopped; and the frames a playback
keeps are prepared once a chunk (:func:`perceptron.web.chart.frame_list`), the same as cleaning the whole list.
Behaviour only, no durations.
"""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest

from loadtest.protocol import Session
from perceptron.web import chart
from perceptron.web.playback import PLAY_CHUNK, PLAY_MORE_AT
from testing.servers import StreamlitServer

CHART = "descent"


@pytest.fixture(scope="module")
def server():
    with StreamlitServer(tag="refill") as srv:
        yield srv


def _charts(run) -> list[dict]:
    return [json.loads(text) for _, wid, text in run.components if wid.endswith(f"-{CHART}")]


async def _play_refill_and_stop(url: str) -> dict:
    s = Session(url)
    await s.connect()
    s.query_string = "max_epochs=5000&stride=1"  # frame label k shows epoch k
    try:
        await s.rerun(page="Gradient_descent")
        play = await s.click("play")
        first = _charts(play)[-1]
        view = first["first"] + len(first["frames"]) - 1 - first["more_at"]  # the browser asks with more_at left
        more = {"event": "frame", "index": view - first["first"], "view": view, "end": False, "more": True, "n": 1, "t": 1}
        refill = await s.set_component_state(CHART, {"frame": more})
        answer = _charts(refill)
        stop_view = answer[-1]["first"] + 5
        stop = {"event": "frame", "index": 5, "view": stop_view, "end": False, "n": 2, "t": 2}
        await s.click("play")  # Pause: the chart stops at the click and reports the frame on screen
        report = await s.set_component_state(CHART, {"frame": stop})
        return {"first": first, "view": view, "refill": refill, "answer": answer, "report": report,
                "stop_view": stop_view, "epoch": s.metric("Epoch"), "play_label": s.widget("button", "play")[1].label}
    finally:
        await s.close()


def test_a_refill_and_a_stop_report_are_answered_by_the_run_that_hears_them(server):
    r = asyncio.run(_play_refill_and_stop(server.url))
    assert len(r["first"]["frames"]) == PLAY_CHUNK and r["first"]["more_at"] == PLAY_MORE_AT
    refill = r["refill"]
    assert "FINISHED_EARLY_FOR_RERUN" not in refill.statuses and not refill.exceptions
    assert len(r["answer"]) == 1, "the chart is sent once, already with the new frames"
    data = r["answer"][0]
    assert data["playing"] and data["first"] == r["view"] + 1  # from the frame after the one on screen
    assert len(data["frames"]) > PLAY_MORE_AT, "the frames still to play, then the new chunk"
    old = {r["first"]["first"] + i: f for i, f in enumerate(r["first"]["frames"])}
    for i, f in enumerate(data["frames"]):  # the frames both lists hold are the same
        if data["first"] + i in old:
            assert f == old[data["first"] + i]
    assert data["link"]["epochs"] == list(range(data["first"], data["first"] + len(data["frames"])))
    assert data["frames_sig"] != r["first"]["frames_sig"]
    report = r["report"]
    assert "FINISHED_EARLY_FOR_RERUN" not in report.statuses and not report.exceptions
    assert r["epoch"] == str(r["stop_view"]) and r["play_label"].startswith("Play")  # the epoch it stopped on


def test_frame_list_appends_a_chunk_as_cleaning_the_whole_list_would():
    frames = [{"data": [{"x": [k], "y": [0.5 / (k + 1)]}], "traces": [4], "params": {"w": [k, 1.0], "b": 0.0},
               "other": "dropped"} for k in range(8)]
    first, sig = chart.frame_list(frames[:5])
    assert first == [chart._frame_spec(f, chart.DIGITS) for f in frames[:5]]
    out, sig2 = chart.frame_list(frames[5:], (first, sig), keep=2)
    assert out == [chart._frame_spec(f, chart.DIGITS) for f in frames[2:]]
    assert sig2 not in (sig, chart.frame_list(frames[5:], (first, sig), keep=3)[1])
    assert chart.frame_list(frames[5:], (first, sig), keep=2)[1] == sig2  # the same list, the same signature
    # numpy values (not plain JSON) are cleaned as chart_data cleans them
    raw = [{"data": [{"x": np.array([1.0, np.nan])}], "params": {"b": np.float64(0.123456789)}}]
    assert chart.frame_list(raw)[0] == [chart._frame_spec(raw[0], chart.DIGITS)]
    assert json.dumps(chart.frame_list(raw)[0], allow_nan=False)
