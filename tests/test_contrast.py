"""Colour contrast (WCAG 2.1 AA 1.4.3 and 1.4.11) of what axe-core cannot judge: the charts' SVG.

The ratios are computed here with WCAG's relative-luminance formula, independently of the app:
text at least 4.5:1, markers, lines and legend swatches at least 3:1, against every background
a colour is drawn on: the white plot, the page (#fbfbfd) and every colour of the heatmaps
(the decision boundary's, each hidden unit's, the loss landscape's). Besides the palette's own
table of uses, every colour the real figures draw (built from a lab, as the pages build them)
is checked against the backgrounds of its own figure. And Streamlit's captions and the shortcut
hints on buttons, drawn in the theme's text colour at 60 % opacity, reach 4.5:1.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

from perceptron.session.lab import Lab
from perceptron.session.netlab import NetLab
from perceptron.session.settings import NetSettings, Settings
from perceptron.views import figures, netscenes, palette, scenes

ROOT = Path(__file__).resolve().parents[1]
TEXT, GRAPHIC = 4.5, 3.0
CAPTION_OPACITY = 0.6  # Streamlit's faded text (captions, the shortcut hint on a button)


# --- WCAG 2.1's formulas ---------------------------------------------------------------------------

NAMED = {"white": "#ffffff", "black": "#000000"}


def rgb(colour: str) -> tuple[float, float, float, float]:
    """(r, g, b, alpha) of "#rrggbb", "#rgb", "rgb(...)", "rgba(...)" or a few names; r, g, b in 0..255."""
    c = NAMED.get(colour.strip().lower(), colour.strip())
    if c.startswith("#"):
        h = c[1:]
        if len(h) == 3:
            h = "".join(ch * 2 for ch in h)
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0
    m = re.fullmatch(r"rgba?\(([^)]*)\)", c)
    assert m, f"unknown colour {colour!r}"
    parts = [float(p) for p in m.group(1).split(",")]
    return parts[0], parts[1], parts[2], parts[3] if len(parts) == 4 else 1.0


def over(colour: str, background: str) -> str:
    """``colour`` (with its alpha) painted over an opaque ``background``, as "#rrggbb"."""
    r, g, b, a = rgb(colour)
    R, G, B, _ = rgb(background)
    return "#" + "".join(f"{round(a * x + (1 - a) * y):02x}" for x, y in ((r, R), (g, G), (b, B)))


def luminance(colour: str) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b, _ = rgb(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_formula_gives_wcag_reference_values():
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-fails grey
    assert ratio("#E69F00", "#ffffff") == pytest.approx(2.25, abs=0.01)  # the orange w₂ label
    assert ratio("#CC79A7", "#ffffff") == pytest.approx(3.06, abs=0.01)  # the old −α∇C colour


# --- the palette's declared uses -----------------------------------------------------------------


@pytest.mark.parametrize("use", list(palette.USES))
def test_every_palette_colour_meets_its_ratio_on_every_background_it_is_drawn_on(use):
    colour, where, needed = palette.USES[use]
    assert needed in (TEXT, GRAPHIC)
    low = {bg: round(ratio(colour, bg), 2) for bg in palette.BACKGROUNDS[where] if ratio(colour, bg) < needed}
    assert not low, f"{use} {colour}: below {needed}:1 on {low}"


def test_the_backgrounds_include_every_colour_the_heatmaps_span_and_the_page():
    assert set(palette.BACKGROUNDS["plot"]) >= {c for _, c in palette.HEAT} | {palette.PAGE, "#ffffff"}
    assert set(palette.BACKGROUNDS["unit"]) >= {c for _, c in palette.UNIT_HEAT}
    assert set(palette.BACKGROUNDS["landscape"]) >= {c for _, c in palette.LANDSCAPE}
    theme = tomllib.loads((ROOT / ".streamlit/config.toml").read_text())["theme"]
    assert theme["backgroundColor"].lower() == palette.PAGE


def test_classes_differ_by_shape_and_by_hue():
    assert palette.SYMBOLS[0] != palette.SYMBOLS[1]
    assert len(set(palette.CLASS_COLOURS)) == 2
    # the two class colours are far apart in lightness too, not only in hue? Not needed with shapes;
    # but they must not be the same colour as the accent marks drawn beside them
    assert not {palette.ACCENT, palette.RED} & set(palette.CLASS_COLOURS)


# --- the theme: captions and shortcut hints --------------------------------------------------------


def test_captions_and_shortcut_hints_reach_4_5_to_1():
    theme = tomllib.loads((ROOT / ".streamlit/config.toml").read_text())["theme"]
    faded = f"rgba({','.join(str(v) for v in rgb(theme['textColor'])[:3])},{CAPTION_OPACITY})"
    for bg in (theme["backgroundColor"], theme["secondaryBackgroundColor"], "#ffffff"):  # page, sidebar, button
        value = ratio(over(faded, bg), bg)
        assert value >= TEXT, f"a caption on {bg}: {value:.2f}:1"
    assert ratio(theme["textColor"], theme["secondaryBackgroundColor"]) >= TEXT
    assert ratio("#ffffff", theme["primaryColor"]) >= TEXT  # a primary button's label


# --- every colour the real figures draw -------------------------------------------------------------


def _lab() -> Lab:
    lab = Lab.from_settings(Settings())
    lab.step(5)
    return lab


def _net(lab: Lab) -> NetLab:
    net = NetLab.from_settings(NetSettings(), (lab.dataset, lab.features))
    net.step(5)
    return net


def _figures():
    lab = _lab()
    net = _net(lab)
    X, y, *_ = lab.design()
    w, b = lab.params()
    rows = scenes.train_index(lab)
    L = scenes.gradient_at(lab, w, b)
    yield "dataset", scenes.dataset_view(lab).to_dict()
    yield "plane with arrows", scenes.plane(lab, w, b, highlight=rows[0], arrows=scenes.weight_arrows(
        lab, w, b, L[0], lab.settings.lr)).to_dict()
    yield "sigmoid", figures.sigmoid_figure(X @ w + b, y, chosen=0).to_dict()
    yield "descent", scenes.descent_spec(lab)
    yield "neuron diagram", figures.neuron_diagram(w, b, ["x1", "x2"], X[0], 0.3, 0.57).to_dict()
    yield "neuron diagram, negative weights", figures.neuron_diagram(-np.abs(w) - 1, b).to_dict()
    yield "landscape", scenes.landscape(lab, {f"path {i}": lab.history.w[: i + 2] for i in range(4)}).to_dict()
    h = lab.history  # runs with their costs: each end's note in the key under the plot, in the run's colour
    yield "landscape with end notes", scenes.landscape(lab, {f"run {i}": (h.w[: i + 2], h.b[: i + 2], h.cost[: i + 2])
                                                             for i in range(4)}).to_dict()
    yield "curves", figures.curves_figure({f"c{i}": np.linspace(1, 0, 5) for i in range(5)}, "t").to_dict()
    yield "hidden layer", netscenes.figure_spec(net)
    yield "network diagram", netscenes.diagram_spec(net)


def _backgrounds(fig: dict) -> set[str]:
    """The white plot and paper, the page, and every colour of the figure's heatmaps and contours."""
    out = {"#ffffff", palette.PAGE}
    for t in fig["data"]:
        if t.get("type") in ("heatmap", "contour") and isinstance(t.get("colorscale"), list):
            out |= {c for _, c in t["colorscale"]}
    return out


def _transparent(colour) -> bool:
    return not isinstance(colour, str) or rgb(colour)[3] == 0


def _drawn(fig: dict):
    """(what, colour, needed ratio) of every mark and text the figure draws in a colour of its own."""
    for t in fig["data"]:
        if t.get("type") != "scatter":
            continue
        name = t.get("name", "?")
        marker, line = t.get("marker") or {}, t.get("line") or {}
        mode = t.get("mode", "")
        if "markers" in mode:
            # a marker shows by its fill, or by an outline at least 1 px wide (a hollow marker by its outline)
            hollow = "-open" in str(marker.get("symbol", ""))
            fills = marker.get("color")
            fills = fills if isinstance(fills, list) else [fills]
            edge = marker.get("line") or {}
            edges, widths = edge.get("color"), edge.get("width", 0)
            edges = edges if isinstance(edges, list) else [edges] * len(fills)
            widths = widths if isinstance(widths, list) else [widths] * len(fills)
            for fill, e, width in zip(fills, edges, widths, strict=False):
                if hollow and isinstance(e, str):
                    yield f"hollow marker of {name}", e, GRAPHIC
                elif not _transparent(fill):
                    yield f"marker of {name}", (fill, e) if isinstance(e, str) and width >= 1 else fill, GRAPHIC
        if "lines" in mode and isinstance(line.get("color"), str):
            yield f"line of {name}", line["color"], GRAPHIC
        font = t.get("textfont") or {}
        if "text" in mode and isinstance(font.get("color"), str):
            yield f"text of {name}", font["color"], TEXT
    layout = fig["layout"]
    for a in layout.get("annotations") or []:
        colour = (a.get("font") or {}).get("color")
        if isinstance(colour, str):
            yield f"annotation {a.get('text', '')[:30]!r}", colour, TEXT
        where = OUTSIDE if _outside(a) else ""
        for part in re.findall(r"color:\s*([^;\"'>]+)", str(a.get("text", ""))):  # a line in its own colour
            yield f"{where}a coloured part of annotation {a.get('text', '')[:30]!r}", part.strip(), TEXT
        if a.get("showarrow") and isinstance(a.get("arrowcolor"), str):
            yield f"arrow {a.get('text', '')[:30]!r}", a["arrowcolor"], GRAPHIC
    for s in layout.get("shapes") or []:
        colour = (s.get("line") or {}).get("color")
        if isinstance(colour, str) and s.get("type") == "line" and not _transparent(colour):
            yield f"shape line {s.get('type')}", colour, GRAPHIC
    for t in fig["data"]:
        labels = (t.get("contours") or {}).get("showlabels")
        if t.get("type") == "contour" and labels:
            colour = ((t.get("contours") or {}).get("labelfont") or {}).get("color")
            assert colour, "contour labels need a colour of their own (plotly's default is not checked)"
            yield "contour labels", colour, TEXT


OUTSIDE = "outside the plot: "  # drawn on the paper around the plot (white) and the page, not on a heatmap


def _outside(a: dict) -> bool:
    """Whether a paper annotation sits wholly below or above the plot area (a key under the axis title)."""
    if a.get("xref") != "paper" or a.get("yref") != "paper" or not isinstance(a.get("y"), int | float):
        return False
    below = a["y"] <= 0 and a.get("yanchor") == "top" and (a.get("yshift") or 0) <= 0
    return below or (a["y"] >= 1 and a.get("yanchor") == "bottom" and (a.get("yshift") or 0) >= 0)


@pytest.mark.parametrize("name,fig", list(_figures()), ids=[n for n, _ in _figures()])
def test_every_colour_a_figure_draws_contrasts_with_its_backgrounds(name, fig):
    backgrounds = _backgrounds(fig)
    low = []
    for what, colours, needed in _drawn(fig):
        colours = colours if isinstance(colours, tuple) else (colours,)  # a fill and its outline: either will do
        for bg in sorted({"#ffffff", palette.PAGE} if what.startswith(OUTSIDE) else backgrounds):
            best = max(ratio(over(c, "#ffffff"), bg) for c in colours)
            if best < needed:
                low.append(f"{what}: {'/'.join(colours)} on {bg} is {best:.2f}:1 (needs {needed})")
    assert not low, f"{name}:\n" + "\n".join(sorted(set(low)))


# --- what frames every page: the focus ring, the chart toolbar ------------------------------------------------

def test_the_focus_ring_reaches_3_to_1_on_the_page_the_sidebar_and_a_chart():
    """WCAG 2.4.7 and 1.4.11: frame.py's ring, drawn 2 px off every focused element, on what is around it."""
    from perceptron.web.frame import FOCUS, RING

    theme = tomllib.loads((ROOT / ".streamlit/config.toml").read_text())["theme"]
    for bg in (theme["backgroundColor"], theme["secondaryBackgroundColor"], palette.PLOT):
        assert ratio(FOCUS, bg) >= GRAPHIC, (FOCUS, bg, ratio(FOCUS, bg))
    assert "2px solid" in RING and FOCUS in RING and "outline-offset: 2px" in RING


def test_the_chart_toolbar_icons_reach_3_to_1():
    """WCAG 1.4.11: chart_logic.js's MODEBAR (plotly.js's own icons, rgba(68, 68, 68, 0.3) on white, are 1.7:1)."""
    js = (ROOT / "perceptron/web/chart_logic.js").read_text()
    m = re.search(r"MODEBAR = Object\.freeze\(\{([^}]*)\}\)", js)
    assert m, "MODEBAR in chart_logic.js"
    colours = dict(re.findall(r'(\w+): "([^"]+)"', m.group(1)))
    assert ratio(over("rgba(68,68,68,0.3)", "#ffffff"), "#ffffff") < GRAPHIC  # what it was
    for paper in (palette.PLOT, palette.PAGE):
        ground = over(colours["bgcolor"], paper)
        for key in ("color", "activecolor"):
            assert ratio(colours[key], ground) >= GRAPHIC, (key, colours[key], ground, ratio(colours[key], ground))
