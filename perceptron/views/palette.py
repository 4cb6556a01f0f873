"""The figures' colours, marker shapes and base layout, shared by every figure builder.

The hues are the Okabe–Ito palette's (safe for colour-blind viewers), darkened so that every
colour drawn on a figure meets WCAG 2.1 AA against every background it is drawn on
(tests/test_contrast.py computes the ratios): text at least 4.5:1 (1.4.3), markers, lines and
legend swatches at least 3:1 (1.4.11). Those backgrounds are the white plot and paper, the page
(``PAGE``), and every colour the heatmaps span (``HEAT``, ``UNIT_HEAT``, ``LANDSCAPE``), which are
kept light for that reason. The classes differ by marker shape too: class 0 circles, class 1
diamonds; test points are hollow.
"""

from __future__ import annotations

from types import MappingProxyType

C0, C1 = "#924D00", "#00649C"  # Okabe–Ito orange and blue, darkened
ACCENT = "#9D3F7A"  # Okabe–Ito reddish purple, darkened: the chosen sample, the epoch marker, the weight vector w
RED = "#A83C00"  # Okabe–Ito vermillion, darkened: the step −α∇C, a fifth curve
GREY = "#595959"  # the σ curve, notes
GREEN = "#006B4E"  # Okabe–Ito bluish green, darkened: neither class (a hidden unit's activation, a second curve)
INK = "#26303d"  # the epoch line above a figure, the boundary, contour labels
CLASS_COLOURS = (C0, C1)
SYMBOLS = ("circle", "diamond")
HALO = "#ffffff"  # the thin ring around a filled marker: overlapping points stay apart
# σ from class-0 orange through white to class-1 blue: light, so that every mark drawn on it contrasts
HEAT = ((0.0, "#fbe0b8"), (0.5, "#ffffff"), (1.0, "#cfe2f3"))
UNIT_HEAT = ((0.0, "#ffffff"), (1.0, "#cdeee2"))  # a hidden unit's activation, 0 to 1
# the cost over (w₁, w₂): light, ordered by lightness (low cost lightest), so dark paths and labels show
LANDSCAPE = ((0.0, "#fffdf0"), (0.5, "#e4eef2"), (1.0, "#b4cbe0"))
PATH_COLOURS = (INK, C1, RED, ACCENT)  # descent paths drawn on the landscape
PAGE = "#fbfbfd"  # the page's background (.streamlit/config.toml's backgroundColor)
PLOT = "#ffffff"  # plotly_white's plot and paper

# what each colour is drawn on, and what it must reach there (tests/test_contrast.py checks it)
TEXT, GRAPHIC = 4.5, 3.0
BACKGROUNDS = MappingProxyType({
    "plot": (PLOT, PAGE, *(c for _, c in HEAT)),  # the points, the boundary, arrows and their labels
    "unit": (PLOT, *(c for _, c in UNIT_HEAT)),  # each hidden unit's thumbnail
    "landscape": (PLOT, *(c for _, c in LANDSCAPE)),  # the loss landscape
})
USES = MappingProxyType({  # colour -> (backgrounds, ratio it must reach)
    "C0 (class 0; negative weights, as text)": (C0, "plot", TEXT),
    "C1 (class 1; positive weights, as text)": (C1, "plot", TEXT),
    "ACCENT (w arrow and its label, chosen sample)": (ACCENT, "plot", TEXT),
    "RED (−α∇C arrow and its label)": (RED, "plot", TEXT),
    "GREY (σ curve, notes)": (GREY, "plot", TEXT),
    "GREEN (hidden unit, a curve)": (GREEN, "plot", TEXT),
    "INK (epoch line, boundary)": (INK, "plot", TEXT),
    "class 0 on a unit's map": (C0, "unit", GRAPHIC),
    "class 1 on a unit's map": (C1, "unit", GRAPHIC),
    "a unit's line a = 0.5": (GREEN, "unit", GRAPHIC),
    **{f"path {i + 1} on the landscape": (c, "landscape", GRAPHIC) for i, c in enumerate(PATH_COLOURS)},
    "contour labels": (INK, "landscape", TEXT),
})
def base_layout() -> dict:
    """Every figure's layout to start from, new on each call (a figure changes its own: nothing shared between
    sessions)."""
    return dict(
        template="plotly_white",
        margin=dict(l=50, r=20, t=40, b=45),
        font=dict(size=13),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        uirevision="keep",  # keeps the user's zoom across updates
    )
