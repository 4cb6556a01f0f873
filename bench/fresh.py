"""Fresh visit (issue 21): ``python -m bench.fresh [--before REF] [--runs N]`` or ``--served``.

A new browser context (empty cache) opens the Gradient descent page at n = 200; the time from before
``new_context()`` to every chart drawn with data (``CHARTS_DRAWN``, as ``cold_start``), and from the page's
resource timeline when the chart's module (``neuron-lab-chart.js``) and plotly.js (``plotly-cartesian.min.js``)
were requested. By default two servers in the same run, one Chromium (Debian's), visits alternated: the app as
committed at ``BEFORE`` (main) and this tree as committed (``HEAD``), each ``git archive``d. ``--served``: this
tree served directly and through ``deploy/replicas.sh`` (nginx serving the static files), each with the server's
CPU per visit, beside TensorFlow Playground with ``--playground DIR``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path

from .page_scripts import CHARTS_DRAWN

PAGE = "/Gradient_descent?n=200"
RUNS = 7
TIMELINE = r"""
() => {
  const pick = (re) => performance.getEntriesByType('resource').filter(e => re.test(e.name))
    .map(e => ({ start: Math.round(e.startTime), end: Math.round(e.responseEnd) }))[0] || null;
  return { chart: pick(/neuron-lab-chart\.js/), plotly: pick(/plotly-cartesian\.min\.js/) };
}
"""


def export(ref: str) -> tuple[str, str]:
    from loadtest.__main__ import export_commit

    return export_commit(ref)


def visit(browser, url: str, expected: int) -> dict:
    t0 = time.perf_counter()
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    page.goto(url, wait_until="commit")
    drawn = page.wait_for_function(CHARTS_DRAWN, arg=expected, timeout=60_000, polling="raf")
    wall = (time.perf_counter() - t0) * 1e3
    out = {"wall": wall, "inpage": float(drawn.json_value()), **page.evaluate(TIMELINE)}
    ctx.close()
    return out


def measure(before: str, after: str, runs: int, path: str = PAGE) -> dict:
    from testing.servers import StreamlitServer, chromium

    trees = {"before": export(before), "now": export(after)}
    servers = {k: StreamlitServer(cwd=Path(folder), tag=f"fresh-{k}").start() for k, (folder, _) in trees.items()}
    out = {k: [] for k in trees}
    try:
        with chromium() as browser:
            expected = {}
            for k, srv in servers.items():  # warm-up, not counted: the server's first run imports everything
                ctx = browser.new_context()
                page = ctx.new_page()
                page.goto(srv.url + path)
                page.wait_for_function(CHARTS_DRAWN, arg=1, timeout=60_000)
                time.sleep(1.5)
                expected[k] = page.locator(".js-plotly-plot").count()
                ctx.close()
            for _ in range(runs):
                for k, srv in servers.items():
                    out[k].append(visit(browser, srv.url + path, expected[k]))
    finally:
        for srv in servers.values():
            srv.stop()
        for folder, _ in trees.values():
            shutil.rmtree(folder, ignore_errors=True)  # the exported copies
    return {"runs": out, "commits": {k: c for k, (_, c) in trees.items()}, "charts": expected}


def summary(r: dict) -> str:
    lines = []
    for k, xs in r["runs"].items():
        def med(f, xs=xs):
            return statistics.median(f(x) for x in xs if f(x) is not None)

        lines.append(f"{k:6} {r['commits'][k][:8]}: charts drawn median {med(lambda x: x['wall']) / 1e3:.2f} s "
                     f"(wall, {len(xs)} visits; {min(x['wall'] for x in xs) / 1e3:.2f}-{max(x['wall'] for x in xs) / 1e3:.2f}), "
                     f"in-page {med(lambda x: x['inpage']) / 1e3:.2f} s; chart module requested at "
                     f"{med(lambda x: (x['chart'] or {}).get('start')) / 1e3:.2f} s, plotly.js at "
                     f"{med(lambda x: (x['plotly'] or {}).get('start')) / 1e3:.2f} s (medians, page clock)")
    return "\n".join(lines)


def measure_served(runs: int, path: str = PAGE, playground: str | None = None) -> dict:
    """This tree's fresh visit served two ways, and the peer's, visits alternated in one Chromium: ``direct``
    (one Streamlit process serves the page, its frontend and the static files, as ``streamlit run app.py``)
    and ``proxy`` (as deployed: ``deploy/replicas.sh 1``, nginx serving the frontend and the static files
    itself), each with the server's CPU per visit (the Streamlit process's, from /proc); ``playground``:
    TensorFlow Playground built in that folder, its heatmap drawn (``bench/playground.py``)."""
    import tempfile

    from testing.servers import Replicas, StreamlitServer, chromium, cpu_seconds

    from . import playground as peer

    out = {"direct": [], "proxy": []}
    prefix = Path(tempfile.mkdtemp(prefix="nl-fresh-"))
    direct = StreamlitServer(cwd=Path(__file__).resolve().parents[1], tag="fresh-direct").start()
    try:
        proxy = Replicas(1, prefix).start()
    except BaseException:
        direct.stop()  # the proxy did not start: nothing else is left running
        raise
    pid = int((prefix / "replicas").read_text().split()[0])
    pids = {"direct": direct.pid, "proxy": pid}
    urls = {"direct": direct.url + path, "proxy": proxy.url + path}
    built = peer.playground_dir(playground)
    web = peer._serve(built) if built else None
    if web:
        out["playground"] = []
        urls["playground"] = f"http://127.0.0.1:{web.server_address[1]}/index.html{peer.HASH}"
    try:
        with chromium() as browser:
            expected = 1
            for k, url in urls.items():  # warm-up, not counted: the server's first run imports everything
                if k == "playground":
                    ctx, _, _ = peer._open(browser, url)
                else:
                    ctx = browser.new_context()
                    page = ctx.new_page()
                    page.goto(url)
                    page.wait_for_function(CHARTS_DRAWN, arg=1, timeout=60_000)
                    time.sleep(1.5)
                    expected = page.locator(".js-plotly-plot").count()
                ctx.close()
            for _ in range(runs):
                for k, url in urls.items():
                    time.sleep(1.0)  # the last visit's session settles
                    if k == "playground":
                        t0 = time.perf_counter()
                        ctx, _, t_page = peer._open(browser, url)
                        out[k].append({"wall": (time.perf_counter() - t0) * 1e3, "inpage": t_page})
                        ctx.close()
                        continue
                    c0 = cpu_seconds(pids[k])
                    row = visit(browser, url, expected)
                    time.sleep(0.5)  # the visit's last messages and requests
                    row["cpu"] = (cpu_seconds(pids[k]) - c0) * 1e3
                    out[k].append(row)
    finally:
        direct.stop()
        proxy.stop()
        if web:
            web.shutdown()
        shutil.rmtree(prefix, ignore_errors=True)
    return out


def served_summary(out: dict) -> str:
    lines = []
    for k, xs in out.items():
        med = lambda f, xs=xs: statistics.median(f(x) for x in xs)  # noqa: E731
        cpu = f"; server CPU per visit {med(lambda x: x['cpu']):.0f} ms" if xs and "cpu" in xs[0] else ""
        lines.append(f"{k:10} charts drawn median {med(lambda x: x['wall']) / 1e3:.2f} s wall "
                     f"({min(x['wall'] for x in xs) / 1e3:.2f}-{max(x['wall'] for x in xs) / 1e3:.2f}, {len(xs)} visits), "
                     f"{med(lambda x: x['inpage']) / 1e3:.2f} s in page{cpu}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--before", default="main")
    ap.add_argument("--after", default="HEAD")
    ap.add_argument("--runs", type=int, default=RUNS)
    ap.add_argument("--page", default=PAGE, help=f"the page and its link (default {PAGE})")
    ap.add_argument("--served", action="store_true", help="this tree served directly and through deploy/replicas.sh "
                    "(nginx serving the static files), beside TensorFlow Playground with --playground")
    ap.add_argument("--playground", default=None, help="a built TensorFlow Playground (bench/playground.py)")
    args = ap.parse_args(argv)
    load0 = os.getloadavg()
    if args.served:
        out = measure_served(args.runs, args.page, args.playground)
        print(f"{args.page}: load average {load0[0]:.2f} before, {os.getloadavg()[0]:.2f} after")
        print(served_summary(out))
        return 0
    r = measure(args.before, args.after, args.runs, args.page)
    print(f"{args.page}: load average {load0[0]:.2f} before, {os.getloadavg()[0]:.2f} after; {r['charts']} charts")
    print(summary(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
