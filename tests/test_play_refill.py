"""A refill (the chart's request for more frames while Play plays) as the server answers it (issue 21).

With a real server and a protocol client that sends what the browser's chart sends: the run that hears the
request draws the answer (one run, no ``st.rerun``: the chart arrives once, with the frames after the one on
screen followed by the new chunk), so does the report of where the chart stopped; and the frames a playback
keeps are prepared once a chunk (:class:`perceptron.web.chart.Frames`), the same as cleaning the whole list, with
the titles every frame repeats sent once.
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


def _expanded(frames: chart.Frames) -> list[dict]:
    """The frames as loader.js hands them to the chart: every shared annotation put back in its place."""
    out = []
    for f in frames.frames:
        notes = (f.get("layout") or {}).get("annotations")
        if isinstance(notes, list):
            f = {**f, "layout": {**f["layout"], "annotations": [
                frames.shared[a] if isinstance(a, int) else {**frames.shared[a["$"]], "text": a["text"]}
                if isinstance(a, dict) and "$" in a else a for a in notes]}}
        out.append(f)
    return out


def test_frames_append_a_chunk_as_cleaning_the_whole_list_would_and_send_repeated_titles_once():
    title = {"text": "Cost", "x": 0.8, "showarrow": False}
    frames = [{"data": [{"x": [k], "y": [0.5 / (k + 1)]}], "traces": [4], "params": {"w": [k, 1.0], "b": 0.0},
               "layout": {"annotations": [title, {"text": f"epoch {k}"}]}, "other": "dropped"} for k in range(8)]
    first = chart.Frames().then(frames[:5])
    assert _expanded(first) == [chart._frame_spec(f, chart.DIGITS) for f in frames[:5]]
    assert first.shared == (title, {"text": "epoch 0"}) and all(f["layout"]["annotations"][0] == 0 for f in first.frames[1:])
    # the epoch's note changes only its text: sent as the text and the note it follows the pattern of
    assert [f["layout"]["annotations"][1] for f in first.frames[1:3]] == [{"$": 1, "text": "epoch 1"},
                                                                         {"$": 1, "text": "epoch 2"}]
    out = first.then(frames[5:], keep=2)
    assert _expanded(out) == [chart._frame_spec(f, chart.DIGITS) for f in frames[2:]]
    assert out.sig not in (first.sig, first.then(frames[5:], keep=3).sig)
    assert first.then(frames[5:], keep=2).sig == out.sig  # the same list, the same signature
    data = chart.chart_data({"data": [], "layout": {}}, frames=out, src="x", module="y", playing=True)
    assert data["frames_shared"] == {"annotations": [title, {"text": "epoch 0"}]} and data["frames_sig"] == out.sig
    assert len(json.dumps(data["frames"])) < len(json.dumps(_expanded(out)))
    # numpy values (not plain JSON) are cleaned as chart_data cleans them
    raw = [{"data": [{"x": np.array([1.0, np.nan])}], "params": {"b": np.float64(0.123456789)}}]
    assert list(chart.Frames().then(raw).frames) == [chart._frame_spec(raw[0], chart.DIGITS)]
    assert json.dumps(chart.Frames().then(raw).frames, allow_nan=False)


async def _pause_in_the_browser(url: str, last: bool) -> dict:
    """Play, then the Pause as the browser sends it: only the chart's report (``pause: true``), the click stopped
    there; on the last frame of the list (``end``) or within it."""
    s = Session(url)
    await s.connect()
    s.query_string = "max_epochs=5000&stride=1"
    try:
        await s.rerun(page="Gradient_descent")
        first = _charts(await s.click("play"))[-1]
        index = len(first["frames"]) - 1 if last else 7
        stop = {"event": "frame", "index": index, "view": first["first"] + index, "end": last, "pause": True,
                "n": 1, "t": 1}
        report = await s.set_component_state(CHART, {"frame": stop})
        after = _charts(report)
        return {"view": stop["view"], "report": report, "after": after, "epoch": s.metric("Epoch"),
                "play_label": s.widget("button", "play")[1].label}
    finally:
        await s.close()


@pytest.mark.parametrize("last", [False, True], ids=["within the frames", "on the last frame"])
def test_a_pause_stopped_in_the_browser_is_one_run_that_shows_the_frame_on_screen(server, last):
    """The browser keeps the Pause click to itself while it plays (chart.js: one run, not the click's and then
    the report's): the report alone pauses, even on the last frame, where a report without ``pause`` means the
    frames ran out and Play goes on."""
    r = asyncio.run(_pause_in_the_browser(server.url, last))
    assert not r["report"].exceptions
    assert r["epoch"] == str(r["view"]) and r["play_label"].startswith("Play")
    assert r["after"] and not r["after"][-1]["playing"] and not r["after"][-1]["frames"]
