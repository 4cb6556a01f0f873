r"""Datasets of labelled points on a plane, and the features the neuron sees: the one import for them.

``from perceptron.data import datasets as ds`` gives every name; they are defined, by job, in

* :mod:`~perceptron.data.points`: the :class:`Dataset` (n points :math:`x_i = (x_{i1}, x_{i2})`,
  labels :math:`y_i \in \{0, 1\}`, a mask of held-out *test* points), its seeded train/test
  split, adding and deleting points;
* :mod:`~perceptron.data.presets`: seeded generated datasets (blobs, logic gates, circles,
  moons, ...), roughly within :math:`[-2, 2]^2`, so that a learning rate near 1 trains;
* :mod:`~perceptron.data.iris`: Fisher's Iris flowers, from ``iris.csv``;
* :mod:`~perceptron.data.features`: the :class:`Features` pipeline from raw points to the
  neuron's inputs (standardization, then maps such as :math:`x_1^2` or :math:`\sin x_1`).

Every function returns a new ``Dataset``; nothing is changed in place.
Imports numpy and the standard library only.
"""

from __future__ import annotations

from .features import FEATURE_MAPS, Features, fit_features
from .iris import IRIS_FEATURES, IRIS_SPECIES, load_iris
from .points import Dataset, add_point, delete_points, split_mask, with_split
from .presets import PRESETS, SCALE, make_dataset

__all__ = [
    "FEATURE_MAPS", "IRIS_FEATURES", "IRIS_SPECIES", "PRESETS", "SCALE", "Dataset", "Features", "add_point",
    "delete_points", "fit_features", "load_iris", "make_dataset", "split_mask", "with_split",
]
