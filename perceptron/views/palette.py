"""The figures' colours, marker shapes and base layout, shared by every figure builder.

Colours are the Okabe–Ito palette (safe for colour-blind viewers), and the classes differ by
marker shape too: class 0 circles, class 1 diamonds; test points are hollow.
"""

from __future__ import annotations

C0, C1 = "#E69F00", "#0072B2"  # Okabe–Ito orange and blue
ACCENT, GREY, RED = "#D55E00", "#6b6b6b", "#CC79A7"
GREEN = "#009E73"  # Okabe–Ito bluish green: neither class (a hidden unit's activation, a third curve)
CLASS_COLOURS = (C0, C1)
SYMBOLS = ("circle", "diamond")
# σ from class-0 orange through white to class-1 blue, light enough for points to show on top
HEAT = [[0.0, "#f5c77a"], [0.5, "#ffffff"], [1.0, "#7fb5dc"]]
INK = "#26303d"  # the epoch line above a figure
BASE_LAYOUT = dict(
    template="plotly_white",
    margin=dict(l=50, r=20, t=40, b=45),
    font=dict(size=13),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    uirevision="keep",  # keeps the user's zoom across updates
)
