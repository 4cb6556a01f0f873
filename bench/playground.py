"""The peer, side by side: TensorFlow Playground in the same headless Chromium as the browser part.

The Playground is not part of this repository and is never built here (CI skips this part). Build
it yourself from github.com/tensorflow/playground (``npm install && mkdir -p dist && npm run
build``) and give its ``dist`` directory: ``python -m bench playground --playground DIR`` or
``PLAYGROUND_DIR=DIR``. This part serves that directory with Python's ``http.server`` on
127.0.0.1 (a free port, in a thread of this process, shut down at the end) and measures, in
issue 15's setup (one output neuron, no hidden layer, inputs x1 and x2, the Gaussian blobs,
sigmoid; 40 % of its 500 points for training, i.e. 200 like our n = 200):

* Step: the click on ``#next-step-button`` dispatched inside ``page.evaluate`` → the iteration
  counter's DOM changed → the next animation frame (the same convention as ``step_n200``). The
  Playground trains and redraws synchronously in the click handler, and writes the counter after
  the heatmap, so a new counter means a new heatmap;
* Play: the iteration counter read every animation frame for 5 s from its first change: epochs
  computed per second and frames per second that showed a new epoch;
* fresh visit: new browser context → the heatmap canvas drawn (a pixel painted, the counter
  written), checked every animation frame (as ``cold_start`` checks our charts).

Its page asks for Google Fonts and Google Analytics; on this machine (no network) those requests
fail at once, so they do not delay the drawing as they may online.
"""

from __future__ import annotations

import functools
import os
import subprocess
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from testing.servers import VIEWPORT, chromium

from .common import Row, percentile

ENV_VAR = "PLAYGROUND_DIR"
# issue 15's setup, written as the Playground's own URL hash (keys: its src/state.ts)
HASH = ("#activation=sigmoid&batchSize=10&dataset=gauss&regDataset=reg-plane&learningRate=0.03"
        "&regularizationRate=0&noise=0&networkShape=&seed=0.12345&showTestData=false&discretize=false"
        "&percTrainData=40&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false"
        "&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false")
STEPS = 25
WARMUP_STEPS = 3
PLAY_SECONDS = 5.0
COLD_RUNS = 5

# the iteration counter ("000,012" → 12), -1 before the page has written it
ITER_JS = "() => { const t = document.querySelector('#iter-number')?.textContent || ''; return t ? +t.replace(/\\D/g, '') : -1; }"

# Click Step (dispatched here, so t0 is on the page's clock) → counter changed → next animation frame.
CLICK_STEP = r"""
(timeoutMs) => new Promise((resolve) => {
  const it = document.querySelector('#iter-number');
  const r = { t0: 0, dom: null, paint: null, timeout: false };
  const mo = new MutationObserver(() => {
    if (r.dom !== null) return;
    r.dom = performance.now();
    requestAnimationFrame(() => { r.paint = performance.now(); mo.disconnect(); clearTimeout(timer); resolve(r); });
  });
  const timer = setTimeout(() => { mo.disconnect(); r.timeout = true; resolve(r); }, timeoutMs);
  mo.observe(it, { subtree: true, childList: true, characterData: true });
  r.t0 = performance.now();
  document.querySelector('#next-step-button').click();
})
"""

# Read the counter every animation frame for `seconds` after its first change.
WATCH_PLAY = r"""
([seconds, startTimeoutMs]) => new Promise((resolve) => {
  const iter = () => +document.querySelector('#iter-number').textContent.replace(/\D/g, '');
  const t0 = performance.now();
  let last = iter(), start = null, frames = 0;
  const changes = [];
  const tick = () => {
    const now = performance.now(), e = iter();
    if (start !== null) frames++;
    if (e !== last) {
      if (start === null) start = now;
      changes.push([now - start, e]);
      last = e;
    }
    if (start === null && now - t0 > startTimeoutMs) { resolve({ error: 'Play never started' }); return; }
    if (start !== null && now - start >= seconds * 1000) { resolve({ changes, frames, seconds: (now - start) / 1000 }); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})
"""

# the heatmap canvas painted (its centre pixel not transparent) and the counter written
HEATMAP_DRAWN = r"""
() => {
  const c = document.querySelector('#heatmap canvas'), it = document.querySelector('#iter-number');
  if (!c || !it || !it.textContent) return false;
  return c.getContext('2d').getImageData(c.width >> 1, c.height >> 1, 1, 1).data[3] > 0 ? performance.now() : false;
}
"""

# the network as set up: hidden layers shown and the active input nodes (issue 15's: 0 and x, y)
NETWORK_JS = ("() => ({ hidden_layers: +document.querySelector('#num-layers').textContent, "
              "inputs: [...document.querySelectorAll('#network g.node.active')].map(g => g.id) })")


SKIPPED = (f"playground: SKIPPED, no built TensorFlow Playground given (--playground DIR or {ENV_VAR}=DIR, "
           f"a directory with index.html and bundle.js); bench/playground.py says how to build one.")


def playground_dir(given: str | None) -> Path | None:
    """The built Playground (a directory with index.html and bundle.js), from the argument or
    ``PLAYGROUND_DIR``; None when neither names one."""
    d = given or os.environ.get(ENV_VAR)
    if not d:
        return None
    d = Path(d)
    if (d / "dist" / "index.html").exists():  # the checkout given instead of its dist
        d = d / "dist"
    return d if (d / "index.html").exists() and (d / "bundle.js").exists() else None


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no line per request
        pass


def _serve(directory: Path) -> ThreadingHTTPServer:
    """``directory`` served on 127.0.0.1, a free port, from a daemon thread; call ``shutdown()``."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def _open(browser, url: str):
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.goto(url, wait_until="commit")
    handle = page.wait_for_function(HEATMAP_DRAWN, polling="raf", timeout=30_000)
    return ctx, page, float(handle.json_value())


def measure_steps(page) -> dict:
    res = {"paint": [], "dom": [], "timeouts": 0}
    for i in range(WARMUP_STEPS + STEPS):
        k = page.evaluate(ITER_JS)
        r = page.evaluate(CLICK_STEP, 5_000)
        if i >= WARMUP_STEPS:
            if r["timeout"] or page.evaluate(ITER_JS) != k + 1:
                res["timeouts"] += 1
            else:
                res["paint"].append(r["paint"] - r["t0"])
                res["dom"].append(r["dom"] - r["t0"])
        time.sleep(0.15)  # each Step starts from an idle page
    return res


def measure_play(page) -> dict:
    page.evaluate("() => document.querySelector('#play-pause-button').click()")
    r = page.evaluate(WATCH_PLAY, [PLAY_SECONDS, 10_000])
    page.evaluate("() => document.querySelector('#play-pause-button').click()")  # pause
    if r.get("error"):
        return r
    ch, secs = r["changes"], r["seconds"]
    bins = range(int(secs))
    return {"seconds": secs, "eps": (ch[-1][1] - ch[0][1]) / secs, "fps": len(ch) / secs, "raf_per_s": r["frames"] / secs,
            "eps_bins": [sum(b - a for (t, b), (_, a) in zip(ch[1:], ch, strict=False) if s * 1000 <= t < (s + 1) * 1000)
                         for s in bins],
            "fps_bins": [sum(1 for t, _ in ch if s * 1000 <= t < (s + 1) * 1000) for s in bins],
            "first": ch[0][1], "last": ch[-1][1]}


def measure_cold(browser, url: str) -> dict:
    ctx, _, _ = _open(browser, url)  # warm-up, not counted (the OS's file cache, the server thread)
    ctx.close()
    wall, inpage = [], []
    for _ in range(COLD_RUNS):
        t0 = time.perf_counter()
        ctx, _, t_page = _open(browser, url)
        wall.append(time.perf_counter() - t0)
        inpage.append(t_page / 1000)
        ctx.close()
    return {"wall": wall, "inpage": inpage}


def _commit(d: Path) -> str | None:
    try:
        return subprocess.run(["git", "-C", str(d), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def run(env: dict | None = None, directory: str | None = None) -> list[Row]:
    d = playground_dir(directory)
    if d is None:
        print(SKIPPED, flush=True)
        return []
    srv = _serve(d)
    url = f"http://127.0.0.1:{srv.server_address[1]}/index.html{HASH}"
    try:
        with chromium() as browser:
            cold = measure_cold(browser, url)
            ctx, page, _ = _open(browser, url)
            net = page.evaluate(NETWORK_JS)
            steps = measure_steps(page)
            play = measure_play(page)
            ctx.close()
            version = browser.version
    finally:
        srv.shutdown()
        srv.server_close()
    if env is not None:
        env["chromium"] = version
        env["playground"] = {"dir": str(d), "commit": _commit(d), "network": net}
    return rows(steps, play, cold, net)


def _med(xs) -> float | None:
    return percentile(xs, 50) if xs else None


def rows(steps: dict, play: dict, cold: dict, net: dict) -> list[Row]:
    info = "— (information: the peer, issue 15)"
    setup = f"hidden layers {net['hidden_layers']}, active inputs {net['inputs']}"
    out = [Row(part="playground", key="playground_step", unit="ms",
               what="TensorFlow Playground: Step, click → iteration counter changed → next animation frame",
               target=None, op="<=", target_text=info, measured=_med(steps["paint"]), samples=steps["paint"],
               baseline_text="16–20 ms (issue 15, two repeats); ours: the browser part's step_n200",
               baseline_kind="quoted",
               notes=(f"{setup}; click → counter in the DOM median {_med(steps['dom']):.1f} ms (training and "
                      f"redrawing happen inside the click handler); {WARMUP_STEPS} warm-up Steps; timeouts "
                      f"{steps['timeouts']}."),
               extra={"p95": percentile(steps["paint"], 95) if steps["paint"] else None, "dom_ms": steps["dom"]})]
    if play.get("error"):
        out.append(Row(part="playground", key="playground_play_eps", unit="epochs/s",
                       what="TensorFlow Playground: Play, epochs per second", target=None, op=">=",
                       target_text=info, notes=play["error"]))
    else:
        out.append(Row(part="playground", key="playground_play_eps", unit="epochs/s",
                       what=f"TensorFlow Playground: Play, epochs computed per second, over {play['seconds']:.1f} s",
                       target=None, op=">=", target_text=info, measured=play["eps"], samples=play["eps_bins"],
                       baseline_text="60 epochs/s (issue 15); ours: the browser part's play_eps",
                       baseline_kind="quoted",
                       notes=(f"iterations {play['first']} → {play['last']}; samples are epochs per 1-s bin; "
                              f"animation frames {play['raf_per_s']:.1f}/s."),
                       extra={k: play[k] for k in ("first", "last", "seconds", "raf_per_s")}))
        out.append(Row(part="playground", key="playground_play_fps", unit="frames/s",
                       what="TensorFlow Playground: Play, animation frames per second that showed a new epoch",
                       target=None, op=">=", target_text=info, measured=play["fps"], samples=play["fps_bins"],
                       baseline_text="60 frames/s (issue 15)", baseline_kind="quoted",
                       notes="samples are frames per 1-s bin."))
    out.append(Row(part="playground", key="playground_cold", unit="s",
                   what="TensorFlow Playground: fresh visit, new browser context → heatmap canvas drawn",
                   target=None, op="<=", target_text=info, measured=_med(cold["wall"]), samples=cold["wall"],
                   baseline_text="0.75–0.81 s (issue 15); ours: the browser part's cold_start", baseline_kind="quoted",
                   notes=(f"wall clock from before new_context() to the heatmap drawn, {len(cold['wall'])} contexts "
                          f"after one uncounted warm-up; the page's own clock (navigation start → drawn) median "
                          f"{_med(cold['inpage']):.2f} s."),
                   extra={"inpage_s": cold["inpage"]}))
    return out
