r"""The features the neuron sees: a :class:`Features` pipeline from the raw points to the inputs.

Optional standardization :math:`\tilde x_j = (x_j - \mu_j)/\sigma_j` with :math:`\mu, \sigma`
fitted on the training points, then the two columns followed by chosen feature maps such as
:math:`x_1^2` or :math:`\sin x_1`. Imports numpy and the standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np


@dataclass(frozen=True)
class FeatureMap:
    """One feature map, declared once: its ``key`` (in a link and the settings), its name in LaTeX and in plain
    text, and its function ``of`` the two inputs (arrays of shape (n,), standardized when the pipeline is).
    perceptron/web/forward.js computes the same maps in the page (``MAPS``, checked equal by
    tests/test_forward_js.py)."""

    key: str
    latex: str
    plain: str
    of: Callable[[np.ndarray, np.ndarray], np.ndarray]


MAPS: tuple[FeatureMap, ...] = (
    FeatureMap("x1^2", "x_1^2", "x₁²", lambda a, b: a * a),
    FeatureMap("x2^2", "x_2^2", "x₂²", lambda a, b: b * b),
    FeatureMap("x1*x2", "x_1 x_2", "x₁x₂", lambda a, b: a * b),
    FeatureMap("sin(x1)", r"\sin x_1", "sin x₁", lambda a, b: np.sin(a)),
    FeatureMap("sin(x2)", r"\sin x_2", "sin x₂", lambda a, b: np.sin(b)),
)
FEATURE_MAPS: Mapping[str, str] = MappingProxyType({m.key: m.latex for m in MAPS})  # key -> LaTeX name
_MAP_FUNCS = MappingProxyType({m.key: m.of for m in MAPS})
# every input's LaTeX name -> its plain-text name (the two inputs, then the maps)
PLAIN_NAMES: Mapping[str, str] = MappingProxyType({"x_1": "x₁", "x_2": "x₂", **{m.latex: m.plain for m in MAPS}})


@dataclass(frozen=True)
class Features:
    r"""The pipeline from raw points to the neuron's inputs.

    .. math::
        \tilde x_j = \frac{x_j - \mu_j}{\sigma_j}, \qquad
        \phi(x) = (\tilde x_1, \tilde x_2, m_1(\tilde x), \dots, m_k(\tilde x))

    with :math:`\mu, \sigma` the training points' mean and standard deviation
    (:math:`\mu = 0, \sigma = 1` without standardization; a :math:`\sigma` of 0
    counts as 1) and :math:`m_i` the chosen :data:`FEATURE_MAPS`.

    Attributes
    ----------
    maps : tuple of str
    standardize : bool
    mean, std : ndarray of shape (2,)
    """

    maps: tuple[str, ...]
    standardize: bool
    mean: np.ndarray
    std: np.ndarray

    @property
    def names(self) -> tuple[str, ...]:
        """LaTeX names of the d inputs: ``("x_1", "x_2", "x_1^2", ...)``."""
        return ("x_1", "x_2", *(FEATURE_MAPS[m] for m in self.maps))

    @property
    def d(self) -> int:
        """Number of inputs the neuron gets."""
        return 2 + len(self.maps)

    def transform(self, X) -> np.ndarray:
        r"""Raw points of shape (m, 2) to inputs of shape (m, d)."""
        X = np.asarray(X, dtype=float).reshape(-1, 2)
        Z = (X - self.mean) / self.std
        cols = [Z[:, 0], Z[:, 1], *(_MAP_FUNCS[m](Z[:, 0], Z[:, 1]) for m in self.maps)]
        return np.column_stack(cols) if len(X) else np.zeros((0, self.d))


    def raw_line(self, w, b) -> tuple[np.ndarray, float] | None:
        r"""The same neuron written on the raw points: :math:`(w', b')` with :math:`w' \cdot x + b' = w \cdot
        \phi(x) + b` for every raw point :math:`x`,

        .. math::
            w'_j = \frac{w_j}{\sigma_j}, \qquad b' = b - \sum_j w'_j \mu_j,

        since :math:`\sum_j w_j (x_j - \mu_j)/\sigma_j + b = \sum_j (w_j/\sigma_j)\, x_j + b - \sum_j
        (w_j/\sigma_j)\, \mu_j`. The boundary :math:`w' \cdot x + b' = 0` is then a line in the data's own
        units (centimetres for Iris) and :math:`w'` is perpendicular to it there. ``None`` with feature maps,
        whose boundary is not a line in the raw plane.

        w : ndarray of shape (2,); returns ``w'`` of shape (2,) and ``b'``.
        """
        if self.maps:
            return None
        w_raw = np.asarray(w, dtype=float).reshape(2) / self.std
        return w_raw, float(b) - float(w_raw @ self.mean)


def fit_features(X_train, maps=(), standardize=False) -> Features:
    r"""Fit the pipeline on training points of shape (n, 2) (n may be 0: mean 0, std 1).

    Unknown map names raise ``ValueError``; a repeated name counts once.
    """
    maps = tuple(dict.fromkeys(maps))
    for m in maps:
        if m not in FEATURE_MAPS:
            raise ValueError(f"Unknown feature map {m!r}; choose among {', '.join(FEATURE_MAPS)}.")
    X = np.asarray(X_train, dtype=float).reshape(-1, 2)
    mean, std = np.zeros(2), np.ones(2)
    if standardize and len(X):
        mean = X.mean(axis=0)
        std = X.std(axis=0)
        std = np.where(np.isfinite(std) & (std > 0), std, 1.0)
        mean = np.where(np.isfinite(mean), mean, 0.0)
    return Features(maps=maps, standardize=bool(standardize), mean=mean, std=std)
