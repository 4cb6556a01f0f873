"""The JavaScript the browser benchmark runs in the page (``page.evaluate`` / ``add_init_script``).

``WS_HOOK`` wraps the page's WebSocket before any app code runs and logs every frame with
``performance.now()`` and its bytes, so timings share the page's clock and the frames can be
decoded as Streamlit protobufs in Python (:func:`bench.browser.decode`). The others click,
watch and wait; each returns plain JSON.
"""

from __future__ import annotations

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

# K of a figure's "epoch K · cost …" annotation as drawn on screen (-1 if none): the last annotation
# on the Gradient descent figure, the first on the Hidden layer one. Read from the SVG text: a Step or
# a Play frame is written there by the chart itself (perceptron/web/redraw.js) before plotly.js redraws.
EPOCH_OF = r"""
(div) => {
  const a = div ? [...div.querySelectorAll('g.annotation text.annotation-text')] : [];
  for (let i = a.length - 1; i >= 0; i--) {
    const m = /^epoch (\d+)/.exec(a[i].textContent || '');
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
  // the figure: the moment its note on screen says the new epoch (drawn by the chart itself or by
  // plotly.js), plus one animation frame; plotly.js's own afterplot is kept as information
  const r = { t0: 0, afterplot: null, chartSeen: null, chartPaint: null, metric: null };
  let finished = false, timer = null;
  const look = () => {
    if (r.chartSeen === null && chartEpoch() === expected) {
      r.chartSeen = performance.now();
      requestAnimationFrame(() => { r.chartPaint = performance.now(); done(); });
    }
    if (r.metric === null && metricEpoch() === expected) { r.metric = performance.now(); done(); }
  };
  const mo = new MutationObserver(look);
  const onAfter = () => {
    if (r.afterplot === null && chartEpoch() === expected) r.afterplot = performance.now();
    look();
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
  const changes = [], longs = [];
  // the page's long tasks (> 50 ms on the main thread) while it plays: the Long Tasks API
  const po = new PerformanceObserver((list) => list.getEntries().forEach((e) => {
    if (start !== null && e.startTime >= start) longs.push(e.duration);
  }));
  try { po.observe({ type: 'longtask' }); } catch (err) { /* not supported: none counted */ }
  const done = (r) => { po.disconnect(); resolve({ ...r, long_tasks: longs.length,
    longest_task_ms: longs.length ? Math.round(Math.max(...longs)) : 0 }); };
  const tick = () => {
    const now = performance.now();
    const e = epochOf();
    if (e !== last) {
      if (start === null) start = now;
      changes.push([now - start, e]);
      last = e;
    }
    if (start === null && now - t0 > startTimeoutMs) { done({ error: 'playback never started', changes }); return; }
    if (start !== null && now - start >= seconds * 1000) { done({ changes, seconds: (now - start) / 1000 }); return; }
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
