"""Which plotly.js the browser loads: the *cartesian* partial bundle, committed in ``static/`` (served by Streamlit at ``app/static/``).

The app draws only ``scatter``, ``heatmap`` and ``contour`` traces on 2-D axes. The full bundle
that ships inside the plotly package (``plotly.min.js``, 4.8 MB, 1.48 MB gzipped) spends about
1.1-1.2 s of the browser's main thread just evaluating on the 2-core benchmark machine; the
cartesian bundle of the same plotly.js release (1.5 MB, 0.50 MB gzipped) about 0.5 s. On a cold
start of the Gradient descent page that is the largest single cost (measured 2026-11-28: about
0.75 s less to all charts drawn).

The bundle is ``plotly.js-cartesian-dist-min`` from the npm registry, unmodified (MIT, see
``static/LICENSE-plotly.js.txt``), at the plotly.js version that the pinned plotly package bundles
(``plotly.offline.get_plotlyjs_version()``), so figures behave the same. To update it::

    npm pack plotly.js-cartesian-dist-min@<version>   # then copy plotly-cartesian.min.js here
    # and set VERSION and SHA256 below; tests/test_plotlyjs.py checks both

:data:`TRACE_TYPES` is what the bundle registers (``Plotly.PlotSchema.get().traces``);
``tests/test_plotlyjs.py`` opens every page and checks that no figure uses another type.

This module only names the file. Nothing copies or writes it at run time: Streamlit serves the
committed file (``server.enableStaticServing``) and :mod:`perceptron.web.chart` tells the browser its
URL, ``app/static/plotly-cartesian.min.js?v=<VERSION>``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

VERSION = "4.1.1"
STATIC_NAME = "plotly-cartesian.min.js"
SHA256 = "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a"
TRACE_TYPES = frozenset({
    "bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour", "image", "pie",
    "scatter", "scatterternary", "violin",
})


def bundle_path() -> Path:
    """The vendored cartesian bundle."""
    return Path(__file__).resolve().parents[2] / "static" / STATIC_NAME


def sha256(path: Path | None = None) -> str:
    """SHA-256 of the bundle file (to check it is the one named above)."""
    return hashlib.sha256(Path(path or bundle_path()).read_bytes()).hexdigest()


def trace_types(spec) -> set[str]:
    """Every trace type in a chart's data (``{"spec": {...}, "frames": [...]}``) or a figure spec.

    A trace without ``type`` is a scatter (plotly.js's default).
    """
    found: set[str] = set()

    def traces(fig) -> None:
        for t in (fig or {}).get("data") or []:
            if isinstance(t, dict):
                found.add(t.get("type") or "scatter")

    if "spec" in spec:
        traces(spec["spec"])
        for frame in spec.get("frames") or []:
            for t in (frame or {}).get("data") or []:
                if isinstance(t, dict) and "type" in t:
                    found.add(t["type"])
        preview = spec.get("preview") or {}
        for t in (preview.get("frame") or {}).get("data") or []:
            if isinstance(t, dict) and "type" in t:
                found.add(t["type"])
    else:
        traces(spec)
    return found
