"""Browser figures: a real Chromium (Playwright) against a Streamlit server we start.

* Step, click → all views repainted (the figure's epoch annotation after ``plotly_afterplot`` and
  the next animation frame, and the Epoch ``st.metric``), at n = 200 and n = 2,000, and the same on
  the Hidden layer page (n = 200, XOR);
* bytes the server sends per Step over the websocket, and the server's time per Step seen from
  the wire (the rerun BackMsg leaving → the ``script_finished`` ForwardMsg arriving);
* Play: distinct epochs painted per second;
* cold start: new browser context → Gradient descent page → every chart drawn with data.

The page's WebSocket is wrapped by an init script (before any app code runs) that logs every
frame with ``performance.now()`` and keeps its bytes, so timings share the page's clock and the
frames can be decoded as Streamlit protobufs here.
"""

from __future__ import annotations

import base64
import time
import zlib

from .common import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, Row, Server

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
STEP_TIMEOUT_MS = 15_000
PART_BUDGET = 280.0  # seconds for the whole browser part; loops stop early past it

WS_HOOK = r"""
(() => {
  if (window.__nlWs) return;
  const log = window.__nlWs = { frames: [], keep: true };
  const Orig = window.WebSocket;
  const bytesOf = (d) => d instanceof ArrayBuffer ? new Uint8Array(d)
    : (ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : null);
  const sizeOf = (d, b) => b ? b.byteLength : (d && (d.size ?? d.length)) || 0;
  const origSend = Orig.prototype.send;
  Orig.prototype.send = function (d) {
    const b = bytesOf(d);
    log.frames.push({ t: performance.now(), dir: "out", size: sizeOf(d, b), bytes: log.keep && b ? b.slice() : null });
    return origSend.call(this, d);
  };
  class Logged extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        const b = bytesOf(e.data);
        log.frames.push({ t: performance.now(), dir: "in", size: sizeOf(e.data, b), bytes: log.keep && b ? b.slice() : null });
      });
    }
  }
  window.WebSocket = Logged;
})();
"""

FETCH_FRAMES = r"""
(since) => {
  const b64 = (u8) => {
    let s = "";
    for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const out = window.__nlWs.frames.filter((f) => f.t >= since)
    .map((f) => ({ t: f.t, dir: f.dir, size: f.size, b64: f.bytes ? b64(f.bytes) : null }));
  window.__nlWs.frames = window.__nlWs.frames.filter((f) => f.t < since);
  return out;
}
"""

# idle (connected, no script running, nothing stale) and every chart drawn, for `quiet` ms in a row
SETTLED = r"""
([quiet, minCharts]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('.js-plotly-plot')];
  const idle = app
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"]')
    && charts.length >= minCharts
    && charts.every(c => c._fullLayout && c.data && c.data.length);
  const now = performance.now();
  if (!idle) { window.__nlIdleSince = null; return false; }
  if (window.__nlIdleSince == null) window.__nlIdleSince = now;
  return now - window.__nlIdleSince >= quiet;
}
"""

# K of a figure's "epoch K · cost …" annotation (-1 if none): the last annotation on the Gradient
# descent figure, the first on the Hidden layer one
EPOCH_OF = r"""
(div) => {
  const a = (div && div.layout && div.layout.annotations) || [];
  for (let i = a.length - 1; i >= 0; i--) {
    const m = /^epoch (\d+)/.exec(a[i].text || '');
    if (m) return +m[1];
  }
  return -1;
}
"""
# the page's figure with that annotation (the first chart if none has it)
EPOCH_CHART = r"""
() => [...document.querySelectorAll('.js-plotly-plot')].find(d => (EPOCH_OF)(d) >= 0)
  || document.querySelector('.js-plotly-plot')
""".replace("EPOCH_OF", EPOCH_OF.strip())


def _with_epoch(js: str) -> str:
    """``js`` with the EPOCH_OF and EPOCH_CHART helpers written in."""
    return js.replace("EPOCH_CHART", EPOCH_CHART.strip()).replace("EPOCH_OF", EPOCH_OF.strip())


EPOCH_JS = _with_epoch(r"""
() => (EPOCH_OF)((EPOCH_CHART)())
""")

# Click Step (dispatched here, so t0 is exact) and time the repaint of every view.
CLICK_STEP = _with_epoch(r"""
([expected, timeoutMs]) => new Promise((resolve) => {
  const div = (EPOCH_CHART)();
  const btn = [...document.querySelectorAll('button')].find(b => (b.innerText || '').includes('Step one epoch'));
  if (!div || !btn) { resolve({ error: 'no chart or no Step button' }); return; }
  const chartEpoch = () => (EPOCH_OF)(div);
  const metricEpoch = () => {
    for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
      const label = m.querySelector('[data-testid="stMetricLabel"]');
      if (label && label.innerText.trim() === 'Epoch') {
        const v = m.querySelector('[data-testid="stMetricValue"]');
        return v ? parseInt(v.innerText.replace(/[^0-9]/g, ''), 10) : -1;
      }
    }
    return -1;
  };
  const r = { t0: 0, afterplot: null, chartPaint: null, metric: null };
  let finished = false, timer = null;
  const mo = new MutationObserver(() => {
    if (r.metric === null && metricEpoch() === expected) { r.metric = performance.now(); done(); }
  });
  const onAfter = () => {
    if (r.afterplot !== null || chartEpoch() !== expected) return;
    r.afterplot = performance.now();
    requestAnimationFrame(() => { r.chartPaint = performance.now(); done(); });
  };
  function done(timeout) {
    if (finished) return;
    if (!timeout && (r.chartPaint === null || r.metric === null)) return;
    finished = true;
    clearTimeout(timer);
    mo.disconnect();
    if (div.removeListener) div.removeListener('plotly_afterplot', onAfter);
    r.timeout = !!timeout;
    resolve(r);
  }
  div.on('plotly_afterplot', onAfter);
  mo.observe(document.body, { subtree: true, childList: true, characterData: true });
  timer = setTimeout(() => done(true), timeoutMs);
  r.t0 = performance.now();
  btn.click();
})
""")

# Poll the figure's epoch annotation every animation frame for `seconds` after the first change.
WATCH_PLAY = _with_epoch(r"""
([seconds, startTimeoutMs]) => new Promise((resolve) => {
  const div = (EPOCH_CHART)();
  const epochOf = () => (EPOCH_OF)(div);
  const t0 = performance.now();
  let last = epochOf(), start = null;
  const changes = [];
  const tick = () => {
    const now = performance.now();
    const e = epochOf();
    if (e !== last) {
      if (start === null) start = now;
      changes.push([now - start, e]);
      last = e;
    }
    if (start === null && now - t0 > startTimeoutMs) { resolve({ error: 'playback never started', changes }); return; }
    if (start !== null && now - start >= seconds * 1000) { resolve({ changes, seconds: (now - start) / 1000 }); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})
""")

CLICK_BUTTON = r"""
(label) => {
  const b = [...document.querySelectorAll('button')].find(x => (x.innerText || '').includes(label));
  if (!b) return false;
  b.click();
  return true;
}
"""

CHARTS_DRAWN = r"""
(minCharts) => {
  const charts = [...document.querySelectorAll('.js-plotly-plot')];
  if (charts.length < minCharts || !charts.every(c => c._fullLayout && c.data && c.data.length)) return false;
  return performance.now();
}
"""

RESOURCES = r"""
() => performance.getEntriesByType('resource').filter(e => /\.js(\?|$)/.test(e.name))
  .map(e => ({ name: e.name.split('/').pop().split('?')[0], ms: Math.round(e.duration),
               start: Math.round(e.startTime), end: Math.round(e.responseEnd), bytes: e.encodedBodySize }))
  .sort((a, b) => b.bytes - a.bytes).slice(0, 4)
"""


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
            "first": changes[0][1] if changes else None, "last": changes[-1][1] if changes else None}


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
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + PART_BUDGET
    rows: list[Row] = []
    with Server() as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            if env is not None:
                env["chromium"] = browser.version
            cold = measure_cold(browser, server.base, 200, COLD_RUNS, deadline)

            ctx, page = new_page(browser)
            open_gd(page, server.base, 200)
            s200 = measure_steps(page, STEPS_200, deadline)
            s200["server_net"] = measure_server_net(page, STEPS_SERVER, deadline)
            play = measure_play(page)
            errors200 = list(page.js_errors)
            ctx.close()

            ctx, page = new_page(browser)
            open_gd(page, server.base, 2000)
            s2000 = measure_steps(page, STEPS_2000, deadline)
            s2000["server_net"] = measure_server_net(page, 8, deadline)
            errors2000 = list(page.js_errors)
            ctx.close()

            ctx, page = new_page(browser)
            open_gd(page, server.base, 200, HIDDEN_PAGE)
            hidden = measure_steps(page, STEPS_HIDDEN, deadline)
            errors_hidden = list(page.js_errors)
            ctx.close()
        finally:
            browser.close()
        rss = server.rss_mb()
    rows += step_rows(s200, s2000, errors200 + errors2000)
    rows.insert(2, hidden_step_row(hidden, s200, errors_hidden))
    rows += [play_row(play), cold_row(cold)]
    if rss:
        rows[-1].extra["server_rss_mb_after_browser_part"] = round(rss, 1)
    return rows


def _med(xs):
    s = sorted(xs)
    return s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2 if s else float("nan")


def _split(s: dict) -> str:
    """Where the time of a Step went (medians), for a row's note."""
    return (f"chart painted median {_med(s['chart']):.0f} ms (afterplot {_med(s['afterplot']):.0f}), "
            f"Epoch metric median {_med(s['metric']):.0f} ms; server (rerun sent → script_finished) "
            f"median {_med(s['server']):.0f} ms; timeouts {s['timeouts']}")


def _both_halves(row: Row, p95_target: float = 250.0) -> Row:
    """Median ≤ target and p95 ≤ ``p95_target`` must both hold: a passing median with a failing p95
    makes the p95 the compared figure."""
    p95 = row.extra["p95"]
    if row.measured is not None and p95 is not None and p95 > p95_target and row.measured <= row.target:
        row.target_text += f" (p95 {p95:.0f} ms FAILS)"
        row.measured = float(p95)
        row.target = p95_target
    return row


def hidden_step_row(s: dict, s200: dict, js_errors: list[str]) -> Row:
    """``step_hidden_n200``: the same measurement as ``step_n200`` on the Hidden layer page."""
    from .common import percentile

    errs = f" JS errors: {js_errors[:3]}" if js_errors else ""
    kb = [b / 1024 for b in s["bytes"]]
    return _both_halves(Row(
        part="browser", key="step_hidden_n200", unit="ms",
        what="Hidden layer page: Step, click → figure and Epoch metric repainted, n = 200 (XOR, h = 3)",
        target=150.0, op="<=", target_text="median ≤ 150 ms, p95 ≤ 250 ms",
        measured=_med(s["total"]) if s["total"] else None, samples=s["total"],
        baseline=_med(s200["total"]) if s200["total"] else None,
        baseline_text=(f"{_med(s200['total']):.0f} ms (step_n200, Gradient descent)" if s200["total"] else "—"),
        baseline_kind="same run", baseline_samples=s200["total"],
        notes=(_split(s) + f"; bytes per Step median {_med(kb):.1f} KiB. URL {HIDDEN_PAGE} (the network on the "
               f"neuron's XOR points, 160 train / 40 test; the figure's epoch annotation is its first)." + errs),
        extra={"p95": percentile(s["total"], 95) if s["total"] else None, "chart_ms": s["chart"],
               "metric_ms": s["metric"], "server_ms": s["server"], "kib": kb}))


def step_rows(s200: dict, s2000: dict, js_errors: list[str]) -> list[Row]:
    from .common import percentile

    split = _split
    errs = f" JS errors: {js_errors[:3]}" if js_errors else ""
    r200 = Row(part="browser", key="step_n200", unit="ms",
               what="Step, click → all views repainted, n = 200 (blobs)",
               target=150.0, op="<=", target_text="median ≤ 150 ms, p95 ≤ 250 ms",
               measured=_med(s200["total"]) if s200["total"] else None, samples=s200["total"],
               baseline_text="250–280 ms (prototype)", baseline_kind="quoted",
               notes=split(s200) + errs,
               extra={"p95": percentile(s200["total"], 95) if s200["total"] else None,
                      "chart_ms": s200["chart"], "metric_ms": s200["metric"]})
    _both_halves(r200)  # both halves of the target must hold
    r2000 = Row(part="browser", key="step_n2000", unit="ms",
                what="Step, click → all views repainted, n = 2,000 (blobs)",
                target=400.0, op="<=", target_text="median ≤ 400 ms",
                measured=_med(s2000["total"]) if s2000["total"] else None, samples=s2000["total"],
                baseline_text="~900 ms (prototype)", baseline_kind="quoted", notes=split(s2000),
                extra={"chart_ms": s2000["chart"], "metric_ms": s2000["metric"]})
    kb = [b / 1024 for b in s200["bytes"]]
    kb2000 = [b / 1024 for b in s2000["bytes"]]
    rbytes = Row(part="browser", key="bytes_n200", unit="KiB",
                 what="bytes sent per Step over the websocket, n = 200 (message payloads, server → browser)",
                 target=60.0, op="<=", target_text="≤ 60 KB",
                 measured=_med(kb) if kb else None, samples=kb,
                 baseline_text="172 KB (prototype)", baseline_kind="quoted",
                 notes=(f"payload bytes as the page receives them (after permessage-deflate, if any, is undone); "
                        f"deflated estimate (zlib -6) median {_med(s200['deflated']) / 1024:.1f} KiB. "
                        f"n = 2,000: median {_med(kb2000):.1f} KiB per Step. Biggest parts at n = 200 "
                        f"(median bytes): {dict(sorted(s200['by_element'].items(), key=lambda kv: -kv[1])[:5])}"),
                 extra={"n2000_kib": kb2000, "by_element_n200": s200["by_element"],
                        "by_element_n2000": s2000["by_element"]})
    net, net2000 = s200.get("server_net") or [], s2000.get("server_net") or []
    rserver = Row(part="browser", key="server_step_wire_n200", unit="ms",
                  what=("server time per Step as the page sees it (rerun BackMsg sent → script_finished received, "
                        "DevTools frame events), n = 200"),
                  target=None, op="<=",
                  target_text="— (information; the ≤ 25 ms target is server_step_protocol_n200's)",
                  measured=_med(net) if net else None, samples=net,
                  baseline_text="~70 ms (prototype)", baseline_kind="quoted",
                  notes=(f"Not the target row: the renderer stamps a frame when its main thread handles it, after "
                         f"drawing the Step ahead, and the browser's drawing shares the 2 cores with the server, so "
                         f"this includes the browser's work (the server alone: server_step_protocol_n200). "
                         f"{len(net)} Steps after the latency ones, from CDP Network.webSocketFrame* events. The same "
                         f"interval on the page's clock: median "
                         f"{_med(s200['server']):.0f} ms during the latency Steps. n = 2,000: median "
                         f"{_med(net2000):.0f} ms (DevTools events). Reruns not run as a fragment: {s200['not_fragment']}."),
                  extra={"n2000_ms": net2000, "page_clock_ms": s200["server"], "page_clock_n2000_ms": s2000["server"]})
    return [r200, r2000, rbytes, rserver]


def play_row(play: dict) -> Row:
    if play.get("error"):
        return Row(part="browser", key="play_eps", unit="epochs/s", what="Play: epochs per second shown, steady",
                   target=15.0, op=">=", target_text="≥ 15", baseline_text="—", baseline_kind="none",
                   notes=play["error"])
    return Row(part="browser", key="play_eps", unit="epochs/s",
               what=f"Play: distinct epochs painted per second, over {play['seconds']:.1f} s",
               target=15.0, op=">=", target_text="≥ 15", measured=play["eps"], samples=play["per_second"],
               baseline_text="— (PLAY_FPS = 15 is the design rate)", baseline_kind="none",
               notes=(f"{play['distinct']} distinct epochs ({play['first']} → {play['last']}); samples are epochs "
                      f"per 1-s bin; median gap between painted epochs {play['median_gap_ms']:.0f} ms, longest "
                      f"{play['max_gap_ms']:.0f} ms (a chunk boundary: the browser reports the end, the server "
                      "trains and sends the next 45 epochs)."),
               extra={k: play[k] for k in ("max_gap_ms", "median_gap_ms", "distinct", "seconds")})


def cold_row(cold: dict) -> Row:
    wall_s = [w / 1000 for w in cold["wall"]]
    inpage_s = [w / 1000 for w in cold["inpage"]]
    return Row(part="browser", key="cold_start", unit="s",
               what="cold start: new browser context → Gradient descent page (n = 200) → all charts drawn",
               target=3.0, op="<=", target_text="≤ 3 s", measured=_med(wall_s) if wall_s else None,
               samples=wall_s, baseline_text="~3.7 s (prototype)", baseline_kind="quoted",
               notes=(f"wall clock from before new_context() to {cold['charts']} chart(s) drawn with data; "
                      f"the page's own clock (navigation start → drawn) median {_med(inpage_s):.2f} s. "
                      f"One warm-up load first (the server's first import is not counted). "
                      f"Largest scripts of the last load: {cold['resources']}"),
               extra={"inpage_s": inpage_s, "resources": cold["resources"]})


def capture_backmsgs(base: str) -> tuple[bytes, bytes]:
    """The BackMsgs a real browser sends to open the GD page at n = 200 and to press Step once
    (for the load part's protocol-level clients)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ctx, page = new_page(browser)
            open_gd(page, base, 200)
            first = [f for f in decode(page.evaluate(FETCH_FRAMES, 0)) if f["kind"] == "rerun_script"]
            k = page.evaluate(EPOCH_JS)
            r = page.evaluate(CLICK_STEP, [k + 1, STEP_TIMEOUT_MS])
            settle(page, quiet=250)
            step = [f for f in decode(page.evaluate(FETCH_FRAMES, r["t0"])) if f["kind"] == "rerun_script"]
            ctx.close()
        finally:
            browser.close()
    if not first or not step or not step[0].get("fragment"):
        raise RuntimeError("could not capture the page's rerun and Step messages")
    return first[0]["raw"], step[0]["raw"]

