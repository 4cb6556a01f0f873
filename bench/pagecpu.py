"""Server CPU of whole page runs opened from links, in process: ``python bench/pagecpu.py --root DIR --links FILE``.

Run as a script (not ``-m``) so that it measures the app in ``--root``, this tree or a copy of an earlier
commit (``git archive``), with the same code: the same-run "before" of ``python -m bench links``. Each link
opens a fresh session on its page as a browser's first visit does: ``AppTest`` runs ``app.py``'s frame and
the page's script (``ensure_state`` trains the link's epochs, then the page computes and builds everything
it sends), timed with ``time.process_time()`` (all this process's threads). Streamlit's component registry
is built once beforehand, as a server does at its start (``AppTest`` rebuilds it per session, 0.2 s of
scanning installed packages that no real session pays). Prints one JSON list: per link its CPU samples, the
epochs it opened at and the first notice; an error is reported, not raised.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", required=True, help="the app's tree (app.py, pages/, perceptron/)")
    ap.add_argument("--links", required=True, help='a JSON file: [[name, page path, {query}], ...]')
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    root = os.path.abspath(args.root)
    with open(args.links, encoding="utf-8") as f:
        links = json.load(f)
    sys.path.insert(0, root)
    os.chdir(root)
    import logging

    logging.disable(logging.WARNING)  # "missing ScriptRunContext" in bare mode, once per session
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    registry = BidiComponentManager()
    registry.discover_and_register_components(start_file_watching=False)

    def open_page(page: str, query: dict):
        at = AppTest.from_file(os.path.join(root, "app.py"), default_timeout=600)
        at._bidi_component_manager = registry  # built once, as a server's
        at.query_params.update(query)
        if page != "app.py":
            at.switch_page(page)
        gc.collect()
        t0 = time.process_time()
        at.run()
        return time.process_time() - t0, at

    open_page("app.py", {})  # imports, plotly's validators, the first compile: a server's start, not a link's
    out = []
    for name, page, query in links:
        row = {"name": name, "page": page, "query": query, "cpu": [], "load": [os.getloadavg()[0]]}
        for _ in range(max(1, args.repeats)):
            dt, at = open_page(page, query)
            if at.exception:
                row["error"] = str(at.exception[0].value)[:300]
                break
            row["cpu"].append(dt)
        state = at.session_state
        lab = state["lab"] if "lab" in state else None
        net = state["netlab"] if "netlab" in state else None
        row["epoch"] = None if lab is None else int(lab.epoch)
        row["net_epoch"] = None if net is None else int(net.epoch)
        row["notice"] = (lab.notice if lab is not None and lab.notice else
                         net.notice if net is not None and net.notice else "")
        row["load"].append(os.getloadavg()[0])
        out.append(row)
        print(f"    {name:34} {min(row['cpu'] or [float('nan')]):.3f} s  (load {row['load'][0]:.2f})",
              file=sys.stderr, flush=True)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
