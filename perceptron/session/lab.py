r"""One session's experiment: settings, dataset, feature pipeline and training record.

A ``Lab`` is a plain object (numpy only) that the UI keeps in its session and
every page reads; it turns settings into a dataset and a run. Step, Reset, Rewind and
Play are :class:`~perceptron.session.run.Run`'s. Nothing here is shared between sessions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import datasets as ds
from ..engine import modes
from ..engine.backprop import gradients
from ..engine.training import rosenblatt, train
from ..text.worked import text
from .run import Run
from .settings import MAX_EPOCHS, Settings, decode_points, encode_points

# settings that change the dataset (everything else only changes the run)
DATA_KEYS = ("dataset", "n", "noise", "seed", "test_fraction", "iris_x", "iris_y", "iris_a", "iris_b")
# settings that leave the run as it is
VIEW_KEYS = ("epoch", "stride", "hide")


def build_dataset(s: Settings) -> ds.Dataset:
    """The dataset the settings describe (not for ``custom``, which is the user's own)."""
    if s.dataset == "iris":
        return ds.load_iris(
            features=(s.iris_x, s.iris_y), species=(s.iris_a, s.iris_b),
            test_fraction=s.test_fraction, seed=s.seed,
        )
    return ds.make_dataset(s.dataset, n=s.n, noise=s.noise, seed=s.seed, test_fraction=s.test_fraction)


@dataclass(eq=False)
class Lab(Run):
    r"""The experiment of one session: the single neuron.

    Attributes
    ----------
    settings : Settings
    dataset : Dataset
        The raw 2-D points the user sees.
    history : History
        Row k holds the state after k epochs; ``epoch`` is the row on screen (see :class:`Run`).
    sample : int
        The sample chosen on the forward and backward pages (an index into the
        training points).
    version : int
        Grows whenever the points change, so tables and selections start afresh.
    """

    settings: Settings
    dataset: ds.Dataset
    sample: int = 0
    version: int = 0

    DATA_KEYS = DATA_KEYS
    VIEW_KEYS = VIEW_KEYS
    OVERSHOOT_MODES = tuple(k for k, m in modes.MODES.items() if m.gradient)

    def __post_init__(self):
        self.reset()

    @classmethod
    def from_settings(cls, settings: Settings | None = None, points: str | None = None, trainings=None) -> Lab:
        """A lab for these settings; ``points`` is a link's hand-made dataset, if any; ``trainings``: the process's
        shared trainings (:class:`~perceptron.session.trainings.Trainings`), which a link's epochs come from too."""
        settings = settings or Settings()
        if settings.dataset == "custom":
            if points:
                X, y, test = decode_points(points)
                data = ds.Dataset(X=X, y=y, test=test, source="custom")
            else:
                data = ds.Dataset(X=np.zeros((0, 2)), y=np.zeros(0, dtype=int), test=np.zeros(0, dtype=bool))
        else:
            data = build_dataset(settings)
        lab = cls(settings=settings, dataset=data)
        if trainings is not None:
            lab.trainings = trainings
        lab.open_link()
        return lab

    # --- what the pages read ------------------------------------------------------------

    @property
    def points(self) -> ds.Dataset:
        return self.dataset

    @property
    def features(self) -> ds.Features:
        """The feature pipeline fitted on the training points: fitted once per dataset and setting (a page reads it
        many times a run)."""
        s = self.settings
        made = getattr(self, "_features", None)
        if made is None or made[0] is not self.dataset or made[1] != (s.maps, s.standardize):
            made = self._features = (self.dataset, (s.maps, s.standardize),
                                     ds.fit_features(self.dataset.train_X, maps=s.maps, standardize=s.standardize))
        return made[2]

    stride = property(lambda self: self.settings.stride, doc="Epochs between two frames while playing.")

    @property
    def limit(self) -> int:
        return min(self.settings.max_epochs, MAX_EPOCHS)

    def initial_params(self):
        """Starting weights: seeded random (small normal), zeros, or by hand (w₁, w₂, b)."""
        s, d = self.settings, self.features.d
        if s.init == "zeros":
            return np.zeros(d), 0.0
        if s.init == "manual":
            w = np.zeros(d)
            w[:2] = (s.w1, s.w2)
            return w, float(s.b)
        rng = np.random.default_rng(s.init_seed)
        return rng.normal(0.0, 0.5, size=d), float(rng.normal(0.0, 0.5))

    # --- what the pages do ----------------------------------------------------------------

    def reset(self) -> None:
        """Back to epoch 0 with the initial weights (the dataset stays)."""
        super().reset()
        self.sample = min(self.sample, max(self.n_train - 1, 0))

    def _stuck(self, before) -> str:
        """A warning when Step changed nothing although the cost is not zero, with the reason the numbers give:
        a learning rate so small that α times the gradient leaves every weight as it was in floating point, or a
        saturated sigmoid whose gradient is practically 0. Advice names only what the teacher's link left free."""
        w, b = before.params()
        w1, b1 = self.history.params()
        s = self.settings
        if not (s.lr > 0 and self.history.cost[-1] > 1e-9 and np.allclose(w1, w, rtol=1e-12, atol=0) and b1 == b
                and self.mode.gradient):
            return ""
        X, y, *_ = self.design()
        dw, db = gradients(X, y, np.asarray(w, dtype=float), float(b), s.loss)
        g = float(np.max(np.abs([*dw, db])))
        if g > 0 and np.all(np.asarray(w, dtype=float) - s.lr * dw == w) and float(b) - s.lr * db == b:
            return (f"The weights did not move: the learning rate α = {text(s.lr)} is so small that α times the gradient "
                    f"(its largest part {text(g)}) changes no weight in the computer's numbers. Choose a larger α."
                    if "lr" not in s.hide else
                    f"The weights did not move: the learning rate α = {text(s.lr)} is so small that α times the gradient "
                    f"(its largest part {text(g)}) changes no weight in the computer's numbers.")
        ways = [what for lock, what in (("standardize", "standardize the inputs on the Dataset page"),
                                        ("loss", "use cross-entropy")) if lock not in s.hide]
        return ("The weights did not move: the sigmoid is saturated (|z| is huge), so its slope and the gradient "
                f"are practically 0 (its largest part {text(g)})." + (f" To go on, {' or '.join(ways)}." if ways else ""))

    def _load(self) -> None:
        if self.settings.dataset != "custom":
            self.dataset = build_dataset(self.settings)
            self.version += 1

    def set_dataset(self, data: ds.Dataset) -> None:
        """Replace the points with the user's own (clicked, edited or uploaded); the run restarts."""
        self.dataset = data
        self.settings = self.settings.with_(dataset="custom")
        self.version += 1
        self.reset()

    def on_plot_event(self, event, label: int, test: bool = False) -> str:
        """The dataset plot's click handler: a click on empty space adds a point of class ``label`` there.

        ``event`` is what the chart reports (``{"event": "click", "x": ..., "y": ...}``);
        a click on an existing point (``"point"`` in the event) adds nothing. Returns
        a short message for the page ("" when nothing happened).
        """
        if not isinstance(event, dict) or event.get("event") != "click" or event.get("point") is not None:
            return ""
        x1, x2 = event.get("x"), event.get("y")
        try:
            self.set_dataset(ds.add_point(self.dataset, float(x1), float(x2), int(label), test=test))
        except (TypeError, ValueError) as err:
            return f"Could not add that point: {err}"
        return f"Added a class {label} point at ({float(x1):.3g}, {float(x2):.3g})."

    def query(self) -> dict[str, str]:
        """The query parameters that reopen this experiment (``pts`` for hand-made points)."""
        return {**super().query(), **self.points_query()}

    def points_query(self) -> dict[str, str]:
        """``{"pts": ...}`` for hand-made points, else ``{}``; ValueError when they are too many for a link."""
        if self.settings.dataset == "custom" and self.dataset.n:
            return {"pts": encode_points(self.dataset.X, self.dataset.y, self.dataset.test)}
        return {}

    def _run(self, params, epochs, start):
        s, (w, b) = self.settings, params
        X, y, X_test, y_test = self.design()
        if self.mode.step:
            return rosenblatt(X, y, w, b, lr=s.lr, epochs=epochs, seed=s.seed, start_epoch=start,
                              X_test=X_test, y_test=y_test)
        return train(
            X, y, w, b, lr=s.lr, epochs=epochs, loss=s.loss, batch_size=self.batch, seed=s.seed,
            X_test=X_test, y_test=y_test, start_epoch=start,
            tol_cost=s.tol_cost or None, tol_grad=s.tol_grad or None,
        )
