r"""Fisher's Iris flowers, from ``iris.csv`` next to this module: two measurements of two species."""

from __future__ import annotations

import csv
import io
from importlib import resources

import numpy as np

from .points import Dataset, split_mask

IRIS_FEATURES: tuple[str, ...] = ("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")
IRIS_SPECIES: tuple[str, ...] = ("setosa", "versicolor", "virginica")


def _iris_rows() -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("iris.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def load_iris(
    features=("petal_length_cm", "petal_width_cm"),
    species=("setosa", "versicolor"),
    test_fraction=0.0,
    seed=0,
) -> Dataset:
    r"""Fisher's Iris flowers: two measurements of two species (50 flowers each).

    Label 0 is ``species[0]`` and label 1 is ``species[1]``; X has shape (100, 2)
    in centimetres, columns ``features``.
    """
    features, species = tuple(features), tuple(species)
    if len(features) != 2:
        raise ValueError(f"Choose exactly two Iris features, got {len(features)}.")
    if len(species) != 2:
        raise ValueError(f"Choose exactly two Iris species, got {len(species)}.")
    for f in features:
        if f not in IRIS_FEATURES:
            raise ValueError(f"Unknown Iris feature {f!r}; choose among {', '.join(IRIS_FEATURES)}.")
    for s in species:
        if s not in IRIS_SPECIES:
            raise ValueError(f"Unknown Iris species {s!r}; choose among {', '.join(IRIS_SPECIES)}.")
    if species[0] == species[1]:
        raise ValueError(f"Choose two different species (both are {species[0]!r}).")
    rows = [r for r in _iris_rows() if r["species"] in species]
    X = np.array([[float(r[f]) for f in features] for r in rows]).reshape(-1, 2)
    y = np.array([species.index(r["species"]) for r in rows], dtype=int)
    return Dataset(X=X, y=y, test=split_mask(len(y), test_fraction, seed, y=y),
                   feature_names=features, class_names=species, source="iris")
