r"""Plain arrays for the figures: the plane's bounds, σ over a grid, the loss landscape.

Numpy only. The figure builders receive what these return and know nothing of
the neuron.
"""

from __future__ import annotations

import numpy as np

from ..engine.costs import get_cost
from ..engine.neuron import sigmoid


def plane_bounds(X, pad: float = 0.15, minimum: float = 1.0):
    r"""Axis ranges that hold every point with a margin: ``((x_lo, x_hi), (y_lo, y_hi))``.

    Empty or degenerate data (all points on one spot) gets a range of at least
    ``2 * minimum`` around the points (or around 0), so a plane is always drawn.
    """
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    X = X[np.all(np.isfinite(X), axis=1)]
    out = []
    for j in range(2):
        if X.shape[0]:
            lo, hi = float(X[:, j].min()), float(X[:, j].max())
        else:
            lo = hi = 0.0
        mid, half = (lo + hi) / 2, max((hi - lo) / 2 * (1 + pad), minimum)
        out.append((mid - half, mid + half))
    return tuple(out)


def probability_grid(features, w, b, bounds, res: int = 60):
    r"""σ(z) over a res × res grid of the plane, through the feature pipeline.

    Returns
    -------
    xs : ndarray of shape (res,)
    ys : ndarray of shape (res,)
    P : ndarray of shape (res, res), ``P[i, j] = σ(φ(xs[j], ys[i])·w + b)``, float32
    """
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.linspace(x0, x1, res), np.linspace(y0, y1, res)
    gx, gy = np.meshgrid(xs, ys)
    Phi = features.transform(np.column_stack([gx.ravel(), gy.ravel()]))
    P = sigmoid(Phi @ np.asarray(w, dtype=float) + float(b)).reshape(res, res)
    return xs, ys, P.astype(np.float32)


def loss_slice(X, y, w, b, loss, w1_range, w2_range, res: int = 41):
    r"""The cost over a grid of :math:`(w_1, w_2)`, every other parameter held where it is: a slice through
    the point ``(w, b)`` of the whole parameter space (the weights of feature maps, :math:`w_3, \dots`, and b
    fixed at their values in ``w`` and ``b``).

    So the slice passes through the model itself: at :math:`(w_1, w_2)` it shows the cost the model has.

    Returns
    -------
    w1s : ndarray of shape (res,)
    w2s : ndarray of shape (res,)
    C : ndarray of shape (res, res), ``C[i, j] = C(w1s[j], w2s[i], w_3, ..., b)``
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    w1s, w2s = np.linspace(*w1_range, res), np.linspace(*w2_range, res)
    G1, G2 = np.meshgrid(w1s, w2s)
    rest = X[:, 2:] @ w[2:] + float(b) if X.shape[1] > 2 else np.full(X.shape[0], float(b))
    Z = X[:, 0][None, :] * G1.ravel()[:, None] + X[:, 1][None, :] * G2.ravel()[:, None] + rest[None, :]
    losses = get_cost(loss).loss(np.broadcast_to(y, Z.shape), Z)
    C = losses.mean(axis=1) if X.shape[0] else np.zeros(Z.shape[0])
    return w1s, w2s, C.reshape(res, res)


def _hull(P):
    """The convex hull of 2-D points (Andrew's monotone chain), counter-clockwise; collinear points dropped."""
    P = sorted(set(map(tuple, np.asarray(P, dtype=float).tolist())))
    if len(P) <= 2:
        return P

    def half(points):
        out = []
        for p in points:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out

    lower, upper = half(P), half(P[::-1])
    return lower[:-1] + upper[:-1]


def linearly_separable(X, y) -> bool:
    r"""Whether one straight line has every class-0 point strictly on one side and every class-1 point on
    the other (2-D points). Exact: two finite sets are strictly separable iff their convex hulls are
    disjoint, and two convex polygons are disjoint iff the normal of one of their edges separates them
    (the separating axis theorem), so only those directions are tried. One class alone is separable."""
    X, y = np.asarray(X, dtype=float).reshape(-1, 2), np.asarray(y).reshape(-1)
    A, B = X[y == 0], X[y == 1]
    if not len(A) or not len(B):
        return True
    axes = []
    for hull in (_hull(A), _hull(B)):
        pts = np.asarray(hull, dtype=float)
        if len(pts) == 1:
            continue
        edges = np.roll(pts, -1, axis=0) - pts
        axes += [np.array([-e[1], e[0]]) for e in edges] + list(edges)  # normals, and the edges (segments)
    a0, b0 = A.mean(axis=0), B.mean(axis=0)
    axes.append(b0 - a0)  # two single points, or a point and a segment
    for n in axes:
        if not np.any(n):
            continue
        pa, pb = A @ n, B @ n
        if pa.max() < pb.min() or pb.max() < pa.min():
            return True
    return False


def level_curve(xs, ys, P, level: float = 0.5):
    r"""The curve :math:`P = \text{level}` through a grid, by marching squares.

    Each grid cell the level crosses contributes one segment between the two
    crossing points on its edges (linear interpolation); segments sharing an end
    point are chained into polylines, and the polylines are separated by ``None``
    gaps, ready for a Plotly line trace.

    Parameters
    ----------
    xs : ndarray of shape (m,)
    ys : ndarray of shape (k,)
    P : ndarray of shape (k, m)

    Returns
    -------
    x, y : lists of floats and ``None``
    """
    P = np.asarray(P, dtype=float) - level
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    # corners of every cell: a = (i, j), b = (i, j+1), c = (i+1, j+1), d = (i+1, j)
    a, b, c, d = P[:-1, :-1], P[:-1, 1:], P[1:, 1:], P[1:, :-1]
    x0, x1 = xs[None, :-1], xs[None, 1:]
    y0, y1 = ys[:-1, None], ys[1:, None]

    def cross(p, q):  # where the level crosses from corner value p to q, as a fraction
        with np.errstate(divide="ignore", invalid="ignore"):
            t = p / (p - q)
        return np.where(np.isfinite(t), np.clip(t, 0, 1), 0.5), (p > 0) != (q > 0)

    t_ab, on_ab = cross(a, b)  # bottom edge
    t_bc, on_bc = cross(b, c)  # right edge
    t_dc, on_dc = cross(d, c)  # top edge
    t_ad, on_ad = cross(a, d)  # left edge
    shape = a.shape
    edges = [
        (on_ab, x0 + t_ab * (x1 - x0), np.broadcast_to(y0, shape)),
        (on_bc, np.broadcast_to(x1, shape), y0 + t_bc * (y1 - y0)),
        (on_dc, x0 + t_dc * (x1 - x0), np.broadcast_to(y1, shape)),
        (on_ad, np.broadcast_to(x0, shape), y0 + t_ad * (y1 - y0)),
    ]
    on = np.stack([e[0] for e in edges])  # (4, k-1, m-1)
    # a cell crossed on exactly two edges gives one segment; four (a saddle) gives two
    out_x, out_y, segments = [], [], []
    count = on.sum(axis=0)
    for want in (2, 4):
        cells = np.argwhere(count == want)
        if not cells.size:
            continue
        ex = np.stack([np.broadcast_to(e[1], shape) for e in edges])[:, cells[:, 0], cells[:, 1]]
        ey = np.stack([np.broadcast_to(e[2], shape) for e in edges])[:, cells[:, 0], cells[:, 1]]
        mask = on[:, cells[:, 0], cells[:, 1]]
        for col in range(cells.shape[0]):
            idx = np.flatnonzero(mask[:, col])
            for s in range(0, len(idx), 2):
                segments.append(((round(float(ex[idx[s], col]), 4), round(float(ey[idx[s], col]), 4)),
                                 (round(float(ex[idx[s + 1], col]), 4), round(float(ey[idx[s + 1], col]), 4))))
    for line in _chain(segments):
        out_x += [p[0] for p in line] + [None]
        out_y += [p[1] for p in line] + [None]
    return out_x[:-1], out_y[:-1]


def _chain(segments):
    """Join segments that share end points into polylines (neighbouring cells compute their common
    edge's crossing from the same two corner values, so shared points are exactly equal)."""
    ends: dict = {}
    for i, (a, b) in enumerate(segments):
        ends.setdefault(a, []).append(i)
        ends.setdefault(b, []).append(i)
    used = [False] * len(segments)

    def walk(line):
        while True:
            nxt = next((j for j in ends[line[-1]] if not used[j]), None)
            if nxt is None:
                return line
            used[nxt] = True
            a, b = segments[nxt]
            line.append(b if a == line[-1] else a)

    lines = []
    for i, (a, b) in enumerate(segments):
        if used[i]:
            continue
        used[i] = True
        forward = walk([a, b])
        lines.append(walk(forward[::-1]))  # then the other way from the first point
    return lines
