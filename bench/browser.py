"""Browser figures: a real Chromium (Playwright) against a Streamlit server we start.

* Step, click → all views repainted (the figure's epoch note on screen, drawn by the chart itself or by
  plotly.js, and the next animation frame, and the Epoch ``st.metric``), at n = 200 and n = 2,000, and the same on
  the Hidden layer page (n = 200, XOR);
* bytes the server sends per Step over the websocket, and the server's time per Step seen from
  the wire (the rerun BackMsg leaving → the ``script_finished`` ForwardMsg arriving);
* Play: distinct epochs painted per second;
* cold start: new browser context → Gradient descent page → every chart drawn with data.

The page's WebSocket is wrapped by an init script (before any app code runs) that logs every
frame with ``performance.now()`` and keeps its bytes, so timings share the page's clock and the
frames can be decoded as Streamlit protobufs here. The scripts run in the page are in
:mod:`bench.page_scripts`; the rows made of the numbers in :mod:`bench.browser_rows`.
"""

from __future__ import annotations

import base64
import time
import zlib

from perceptron.data.csv_io import MAX_ROWS
from testing.servers import VIEWPORT, StreamlitServer, chromium

from .browser_rows import cold_row, hidden_step_row, play_row, play_stride_row, step_rows, upload_step_row
from .common import Row
from .page_scripts import (
    CHARTS_DRAWN,
    CLICK_BUTTON,
    CLICK_STEP,
    EPOCH_JS,
    FETCH_FRAMES,
    RESOURCES,
    SETTLED,
    WATCH_PLAY,
    WS_HOOK,
)

PAGE = "/Gradient_descent"
# the Hidden layer page's network on the neuron's points ("yours"): XOR, n = 200 (160 train), h = 3
HIDDEN_PAGE = "/Hidden_layer?dataset=xor&n=200&hdata=yours"
STEPS_200 = 25
STEPS_2000 = 15
STEPS_HIDDEN = 20
STEPS_SERVER = 20  # Steps timed from DevTools frame events (after the latency Steps)
WARMUP_STEPS = 3
COLD_RUNS = 5
PLAY_SECONDS = 5.0
UPLOAD_ROWS = MAX_ROWS  # the largest CSV the app takes
STEPS_UPLOAD = 10
PLAY_STRIDE = 5  # epochs a frame for the second Play row (the neuron page's "Play: epochs per frame")
STEP_TIMEOUT_MS = 15_000
PART_BUDGET = 280.0  # seconds for the whole browser part; loops stop early past it


# ---------------------------------------------------------------------------------------------
# protobuf decoding of logged frames
# ---------------------------------------------------------------------------------------------
def decode(frames: list[dict]) -> list[dict]:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out = []
    for f in frames:
        raw = base64.b64decode(f["b64"]) if f.get("b64") else None
        info = {"t": f["t"], "dir": f["dir"], "size": f["size"], "raw": raw, "kind": None}
        if raw is not None:
            try:
                if f["dir"] == "out":
                    m = BackMsg.FromString(raw)
                    info["kind"] = m.WhichOneof("type")
                    if info["kind"] == "rerun_script":
                        info["fragment"] = m.rerun_script.fragment_id
                else:
                    m = ForwardMsg.FromString(raw)
                    kind = m.WhichOneof("type")
                    info["kind"] = kind
                    if kind == "script_finished":
                        info["status"] = ForwardMsg.ScriptFinishedStatus.Name(m.script_finished)
                    elif kind == "delta":
                        d = m.delta.WhichOneof("type")
                        sub = getattr(m.delta, d).WhichOneof("type") if d == "new_element" else None
                        info["element"] = f"{d}:{sub}" if sub else d
            except Exception as err:  # noqa: BLE001 - a frame we cannot read is reported, not fatal
                info["kind"] = f"undecodable ({type(err).__name__})"
        out.append(info)
    return out


def step_wire(frames: list[dict], t0: float) -> dict:
    """From the decoded frames of one Step: bytes in/out, the rerun → script_finished time, the biggest parts."""
    rerun = next((f for f in frames if f["dir"] == "out" and f["kind"] == "rerun_script" and f["t"] >= t0), None)
    fin = None
    if rerun:
        fin = next((f for f in frames if f["dir"] == "in" and f["kind"] == "script_finished" and f["t"] >= rerun["t"]),
                   None)
    inbound = [f for f in frames if f["dir"] == "in" and f["t"] >= t0 and (fin is None or f["t"] <= fin["t"])]
    by_elem: dict[str, int] = {}
    for f in inbound:
        key = f.get("element") or f["kind"] or "?"
        by_elem[key] = by_elem.get(key, 0) + f["size"]
    raw = b"".join(f["raw"] or b"" for f in inbound)
    return {
        "bytes_in": sum(f["size"] for f in inbound),
        "bytes_in_deflated": len(zlib.compress(raw, 6)) if raw else 0,
        "bytes_out": sum(f["size"] for f in frames if f["dir"] == "out" and f["t"] >= t0),
        "messages_in": len(inbound),
        "server_ms": (fin["t"] - rerun["t"]) if (rerun and fin) else None,
        "finish_status": fin.get("status") if fin else None,
        "fragment_run": bool(rerun and rerun.get("fragment")),
        "by_element": by_elem,
    }


# ---------------------------------------------------------------------------------------------
# the measurements
# ---------------------------------------------------------------------------------------------
def new_page(browser):
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(30_000)
    ctx.add_init_script(WS_HOOK)
    page = ctx.new_page()
    page.js_errors = []
    page.on("pageerror", lambda err: page.js_errors.append(str(err)))
    return ctx, page


def settle(page, min_charts=1, quiet=250, timeout=30_000):
    page.wait_for_function(SETTLED, arg=[quiet, min_charts], timeout=timeout, polling=30)


def open_gd(page, base: str, n: int, path: str | None = None) -> None:
    """Open the Gradient descent page at n points (or ``path``, a page and its link) and let it settle."""
    page.goto(f"{base}{path or f'{PAGE}?n={n}'}")
    page.wait_for_selector('[data-testid="stApp"]')
    settle(page, quiet=400)


def measure_steps(page, count: int, deadline: float) -> dict:
    """``WARMUP_STEPS`` + ``count`` Steps; per Step: click → paint (ms), bytes, server time."""
    res = {"total": [], "chart": [], "metric": [], "afterplot": [], "bytes": [], "deflated": [], "server": [],
           "timeouts": 0, "by_element": {}, "not_fragment": 0}
    for i in range(WARMUP_STEPS + count):
        if time.monotonic() > deadline and len(res["total"]) >= 5:
            break
        settle(page, quiet=200)
        k = page.evaluate(EPOCH_JS)
        page.evaluate(FETCH_FRAMES, 0)  # drop what came before
        r = page.evaluate(CLICK_STEP, [k + 1, STEP_TIMEOUT_MS])
        if r.get("error"):
            raise RuntimeError(r["error"])
        settle(page, quiet=250)
        wire = step_wire(decode(page.evaluate(FETCH_FRAMES, r["t0"])), r["t0"])
        if i < WARMUP_STEPS:
            continue
        if r["timeout"]:
            res["timeouts"] += 1
            continue
        chart, metric = r["chartPaint"] - r["t0"], r["metric"] - r["t0"]
        res["chart"].append(chart)
        res["metric"].append(metric)
        if r["afterplot"] is not None:  # plotly.js's own drawing, when it came before the numbers did
            res["afterplot"].append(r["afterplot"] - r["t0"])
        res["total"].append(max(chart, metric))
        res["bytes"].append(wire["bytes_in"])
        res["deflated"].append(wire["bytes_in_deflated"])
        if wire["server_ms"] is not None:
            res["server"].append(wire["server_ms"])
        res["not_fragment"] += 0 if wire["fragment_run"] else 1
        for key, v in wire["by_element"].items():
            res["by_element"].setdefault(key, []).append(v)
        time.sleep(0.15)
    res["by_element"] = {k: int(sorted(v)[len(v) // 2]) for k, v in res["by_element"].items()}
    return res


def measure_server_net(page, count: int, deadline: float) -> list[float]:
    """Server time of ``count`` Steps from Chrome DevTools Protocol frame events.

    ``Network.webSocketFrameSent``/``Received`` are stamped by the renderer when it handles the
    frame, so, like the page's own clock, a ``script_finished`` that arrives while the main
    thread draws the Step ahead is stamped after the drawing: this times the server *as the
    page sees it*. The server alone is timed by the load part (``server_step_protocol_n200``).
    These Steps run after the latency ones, so that DevTools' copies of every frame do not
    slow those.
    """
    cdp = page.context.new_cdp_session(page)
    events: list[dict] = []

    def on(kind):
        def handler(params):
            resp = params.get("response") or {}
            if resp.get("opcode") == 2:  # binary: base64 payload
                events.append({"t": params["timestamp"] * 1000.0, "dir": kind, "size": 0, "b64": resp["payloadData"]})
        return handler

    cdp.on("Network.webSocketFrameSent", on("out"))
    cdp.on("Network.webSocketFrameReceived", on("in"))
    cdp.send("Network.enable")
    out: list[float] = []
    try:
        for _ in range(count):
            if time.monotonic() > deadline and len(out) >= 5:
                break
            settle(page, quiet=200)
            k = page.evaluate(EPOCH_JS)
            events.clear()
            r = page.evaluate(CLICK_STEP, [k + 1, STEP_TIMEOUT_MS])
            if r.get("error"):
                raise RuntimeError(r["error"])
            settle(page, quiet=250)
            frames = decode(list(events))
            rerun = next((f for f in frames if f["dir"] == "out" and f["kind"] == "rerun_script"), None)
            fin = rerun and next((f for f in frames if f["dir"] == "in" and f["kind"] == "script_finished"
                                  and f["t"] >= rerun["t"]), None)
            if rerun and fin:
                out.append(fin["t"] - rerun["t"])
            time.sleep(0.15)
    finally:
        cdp.send("Network.disable")
        cdp.detach()
    return out


def upload_csv(rows: int) -> bytes:
    """A CSV of ``rows`` points, two overlapping blobs (seeded): what a student might upload at the app's limit."""
    import numpy as np

    rng = np.random.default_rng(15)
    y = np.arange(rows) % 2
    X = rng.normal(size=(rows, 2)) + np.where(y[:, None] == 1, 1.0, -1.0)
    return ("x1,x2,label\n" + "".join(f"{a:.4f},{b:.4f},{c}\n" for (a, b), c in zip(X, y, strict=True))).encode()


def measure_upload_steps(page, base: str, rows: int, count: int, deadline: float) -> dict:
    """Upload a CSV of ``rows`` points on the Dataset page, go to Gradient descent by the sidebar (the same
    session), and time ``count`` Steps as :func:`measure_steps` does."""
    page.goto(f"{base}/Dataset")
    settle(page, quiet=400)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "large.csv", "mimeType": "text/csv", "buffer": upload_csv(rows)}])
    page.get_by_text(f"Loaded {rows:,} points").or_(page.get_by_text(f"Loaded {rows} points")).first.wait_for(timeout=60_000)
    settle(page, quiet=400)
    page.locator('[data-testid="stSidebar"] a', has_text="Gradient descent").first.click()
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    settle(page, quiet=600)
    return measure_steps(page, count, deadline)


def measure_play(page) -> dict:
    settle(page, quiet=300)
    if not page.evaluate(CLICK_BUTTON, "Play"):
        raise RuntimeError("no Play button")
    r = page.evaluate(WATCH_PLAY, [PLAY_SECONDS, 15_000])
    page.evaluate(CLICK_BUTTON, "Pause")
    try:  # the chart stops at the click; the page's answer (a fragment rerun) turns the button back to Play
        page.wait_for_function("() => [...document.querySelectorAll('button')].some(b => (b.innerText || '').includes('Play'))",
                               timeout=15_000, polling=50)
        settle(page, quiet=300, timeout=15_000)
    except Exception:  # noqa: BLE001 - playback stopping late does not spoil the numbers
        pass
    if r.get("error"):
        return {"error": r["error"]}
    changes = r["changes"]
    secs = r["seconds"]
    distinct = len({e for _, e in changes})
    per_second = [sum(1 for t, _ in changes if s * 1000 <= t < (s + 1) * 1000) for s in range(int(secs))]
    gaps = [b[0] - a[0] for a, b in zip(changes, changes[1:], strict=False)]
    return {"eps": distinct / secs, "per_second": per_second, "seconds": secs, "distinct": distinct,
            "max_gap_ms": max(gaps) if gaps else None,
            "median_gap_ms": sorted(gaps)[len(gaps) // 2] if gaps else None,
            "first": changes[0][1] if changes else None, "last": changes[-1][1] if changes else None,
            "long_tasks": r.get("long_tasks"), "longest_task_ms": r.get("longest_task_ms")}


def measure_cold(browser, base: str, n: int, runs: int, deadline: float) -> dict:
    url = f"{base}{PAGE}?n={n}"
    # warm-up (not counted): the server's first run of the page imports everything
    ctx, page = new_page(browser)
    open_gd(page, base, n)
    expected = page.locator(".js-plotly-plot").count()
    ctx.close()
    wall, inpage, resources = [], [], None
    for _ in range(runs):
        if time.monotonic() > deadline and wall:
            break
        t0 = time.perf_counter()
        ctx, page = new_page(browser)
        page.goto(url, wait_until="commit")
        handle = page.wait_for_function(CHARTS_DRAWN, arg=expected, timeout=30_000, polling="raf")
        t1 = time.perf_counter()
        inpage.append(float(handle.json_value()))
        wall.append((t1 - t0) * 1e3)
        resources = page.evaluate(RESOURCES)
        ctx.close()
    return {"wall": wall, "inpage": inpage, "charts": expected, "resources": resources}


def run(env: dict | None = None) -> list[Row]:
    deadline = time.monotonic() + PART_BUDGET
    rows: list[Row] = []
    with StreamlitServer(tag="bench") as server:
        with chromium() as browser:
            if env is not None:
                env["chromium"] = browser.version
            cold = measure_cold(browser, server.url, 200, COLD_RUNS, deadline)

            ctx, page = new_page(browser)
            open_gd(page, server.url, 200)
            s200 = measure_steps(page, STEPS_200, deadline)
            s200["server_net"] = measure_server_net(page, STEPS_SERVER, deadline)
            play = measure_play(page)
            errors200 = list(page.js_errors)
            ctx.close()

            ctx, page = new_page(browser)
            open_gd(page, server.url, 200, f"{PAGE}?n=200&stride={PLAY_STRIDE}")
            play_fast = measure_play(page)
            errors200 += list(page.js_errors)
            ctx.close()

            ctx, page = new_page(browser)
            open_gd(page, server.url, 2000)
            s2000 = measure_steps(page, STEPS_2000, deadline)
            s2000["server_net"] = measure_server_net(page, 8, deadline)
            errors2000 = list(page.js_errors)
            ctx.close()

            ctx, page = new_page(browser)
            open_gd(page, server.url, 2000)
            play2000 = measure_play(page)
            errors2000 += list(page.js_errors)
            ctx.close()

            ctx, page = new_page(browser)
            open_gd(page, server.url, 200, HIDDEN_PAGE)
            hidden = measure_steps(page, STEPS_HIDDEN, deadline)
            errors_hidden = list(page.js_errors)
            ctx.close()

            ctx, page = new_page(browser)
            upload = measure_upload_steps(page, server.url, UPLOAD_ROWS, STEPS_UPLOAD, deadline)
            ctx.close()
        rss = server.rss_mb()
    rows += step_rows(s200, s2000, errors200 + errors2000)
    rows.insert(2, hidden_step_row(hidden, s200, errors_hidden, HIDDEN_PAGE))
    rows += [upload_step_row(upload, UPLOAD_ROWS), play_row(play), play_row(play2000, 2000), play_stride_row(play_fast, PLAY_STRIDE), cold_row(cold)]
    if rss:
        rows[-1].extra["server_rss_mb_after_browser_part"] = round(rss, 1)
    return rows


def capture_backmsgs(base: str) -> tuple[bytes, bytes]:
    """The BackMsgs a real browser sends to open the GD page at n = 200 and to press Step once
    (for the load part's protocol-level clients)."""
    with chromium() as browser:
        ctx, page = new_page(browser)
        open_gd(page, base, 200)
        first = [f for f in decode(page.evaluate(FETCH_FRAMES, 0)) if f["kind"] == "rerun_script"]
        k = page.evaluate(EPOCH_JS)
        r = page.evaluate(CLICK_STEP, [k + 1, STEP_TIMEOUT_MS])
        settle(page, quiet=250)
        step = [f for f in decode(page.evaluate(FETCH_FRAMES, r["t0"])) if f["kind"] == "rerun_script"]
        ctx.close()
    if not first or not step or not step[0].get("fragment"):
        raise RuntimeError("could not capture the page's rerun and Step messages")
    return first[0]["raw"], step[0]["raw"]
