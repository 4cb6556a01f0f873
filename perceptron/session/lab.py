r"""One session's experiment: settings, dataset, feature pipeline and training record.

A ``Lab`` is a plain object (numpy only) that the UI keeps in its session and
every page reads; it turns settings into a dataset and a run, and it is where
Step, Reset and Rewind happen. Nothing here is shared between sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..data import datasets as ds
from ..engine.training import History, rosenblatt, train
from .settings import MAX_EPOCHS, Settings, decode_points, encode_points

# settings that change the dataset (everything else only changes the run)
LINK_UPDATES = 200_000  # updates a link may ask for on opening (about 3 s of training)
DATA_KEYS = ("dataset", "n", "noise", "seed", "test_fraction", "iris_x", "iris_y", "iris_a", "iris_b")
# settings that leave the run as it is
VIEW_KEYS = ("epoch", "hide")


def updates_per_epoch(n: int, mode: str, batch_size: int) -> int:
    """Weight updates in one epoch over n training points: one (full batch), one per mini-batch, or n."""
    n = max(int(n), 1)
    return {"batch": 1, "minibatch": -(-n // int(batch_size))}.get(mode, n)


def build_dataset(s: Settings) -> ds.Dataset:
    """The dataset the settings describe (not for ``custom``, which is the user's own)."""
    if s.dataset == "iris":
        return ds.load_iris(
            features=(s.iris_x, s.iris_y), species=(s.iris_a, s.iris_b),
            test_fraction=s.test_fraction, seed=s.seed,
        )
    return ds.make_dataset(s.dataset, n=s.n, noise=s.noise, seed=s.seed, test_fraction=s.test_fraction)


@dataclass
class Lab:
    r"""The experiment of one session.

    Attributes
    ----------
    settings : Settings
    dataset : Dataset
        The raw 2-D points the user sees.
    history : History
        Row k holds the state after k epochs; ``epoch`` is the row on screen,
        so rewinding only moves ``epoch`` and the next Step continues from there.
    sample : int
        The sample chosen on the forward and backward pages (an index into the
        training points).
    """

    settings: Settings
    dataset: ds.Dataset
    history: History = field(init=False)
    epoch: int = 0
    sample: int = 0
    notice: str = ""
    version: int = 0  # grows whenever the points change, so tables and selections start afresh

    def __post_init__(self):
        self.reset(keep_epoch=False)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, points: str | None = None) -> Lab:
        """A lab for these settings; ``points`` is a link's hand-made dataset, if any."""
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
        if settings.epoch:
            lab.step_for_link(settings.epoch)
        return lab

    # --- what the pages read ------------------------------------------------------------

    @property
    def features(self) -> ds.Features:
        s = self.settings
        return ds.fit_features(self.dataset.train_X, maps=s.maps, standardize=s.standardize)

    def design(self):
        """``(X_train, y_train, X_test, y_test)`` as the neuron sees them (after the feature pipeline)."""
        f, d = self.features, self.dataset
        return f.transform(d.train_X), d.train_y.astype(float), f.transform(d.test_X), d.test_y.astype(float)

    def params(self, k: int | None = None):
        """``(w, b)`` at epoch k (the epoch on screen by default)."""
        return self.history.params(self.epoch if k is None else k)

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

    @property
    def updates_per_epoch(self) -> int:
        """Weight updates one epoch makes (what a link's training on opening is counted in)."""
        s = self.settings
        return updates_per_epoch(self.dataset.train_y.size, s.mode, s.batch_size)

    @property
    def batch_size(self):
        return {"batch": None, "minibatch": self.settings.batch_size, "sample": 1}.get(self.settings.mode)

    # --- what the pages do ----------------------------------------------------------------

    def reset(self, keep_epoch: bool = False):
        """Back to epoch 0 with the initial weights (the dataset stays)."""
        w, b = self.initial_params()
        self.history = self._run(w, b, 0, 0)
        self.epoch = 0
        self.notice = ""
        self.sample = min(self.sample, max(len(self.dataset.train_y) - 1, 0))

    def step(self, epochs: int = 1) -> int:
        """Train ``epochs`` more epochs from the epoch on screen; returns how many ran.

        Future epochs past the one on screen (after a rewind) are dropped first.
        Stops at ``settings.max_epochs`` (at most ``MAX_EPOCHS``, the bound on what
        a session keeps) and at the stop rules.
        """
        nxt = self._next(epochs)
        if isinstance(nxt, str):
            self.notice = nxt
            return 0
        base, more = nxt
        w, b = base.params()
        self.history = base.extend(more)
        self.epoch = self.history.epochs
        self.notice = more.message or self._overshoot(base.epochs) or self._stuck(w, b)
        return more.epochs

    def preview(self, epochs: int = 1) -> History | None:
        """The history :meth:`step` would leave (the lab itself unchanged), or None if it would not train.

        The page sends the next epoch's picture ahead, so that the browser can draw it
        the moment Step is pressed; the server's answer then only confirms it.
        """
        nxt = self._next(epochs)
        return None if isinstance(nxt, str) else nxt[0].extend(nxt[1])

    def _next(self, epochs: int):
        """``(history up to the epoch on screen, the epochs a Step adds)``, or why a Step would not train."""
        limit = min(self.settings.max_epochs, MAX_EPOCHS)
        epochs = int(min(epochs, limit - self.epoch))
        if epochs <= 0:
            return f"Reached the maximum of {limit} epochs. Reset, or raise the limit."
        if self.history.stopped and self.epoch == self.history.epochs:
            return self.history.message
        base = self.history.upto(self.epoch)
        w, b = base.params()
        return base, self._run(w, b, epochs, self.epoch)

    def _stuck(self, w, b) -> str:
        """A warning when Step changed nothing although the cost is not zero: the sigmoid saturated."""
        w1, b1 = self.history.params()
        if self.settings.lr > 0 and self.history.cost[-1] > 1e-9 and np.allclose(w1, w, rtol=1e-12, atol=0) \
                and b1 == b and self.settings.mode != "rosenblatt":
            return ("The weights did not move: the sigmoid is saturated (|z| is huge), so its slope and the gradient "
                    "are practically 0. Standardize the inputs on the Dataset page, or use cross-entropy.")
        return ""

    def _overshoot(self, start: int) -> str:
        """A warning when the cost went up during the last steps: the learning rate is too large."""
        cost = self.history.cost[start:]
        if self.settings.mode == "rosenblatt" or cost.size < 2 or not np.any(np.diff(cost) > 1e-12):
            return ""
        k = start + int(np.argmax(np.diff(cost) > 1e-12)) + 1
        return (f"The cost went up at epoch {k} (from {cost[k - start - 1]:.4g} to {cost[k - start]:.4g}): the step "
                f"overshot the valley. A smaller learning rate than {self.settings.lr:g} descends steadily; "
                "rewind to go back.")

    def step_for_link(self, epochs: int) -> None:
        """Train to the epoch a link asks for, within a budget of updates, so that a link cannot keep
        a shared server busy for minutes; says so when it stopped short."""
        allowed = max(LINK_UPDATES // self.updates_per_epoch, 1)
        self.step(min(epochs, allowed))
        if epochs > allowed:
            self.notice = f"This link asked for epoch {epochs}; it opened at epoch {self.epoch} (press Step to go on)."

    def rewind(self, k: int):
        """Show epoch k (its parameters, cost and boundary); the record after it stays until the next Step."""
        self.epoch = int(np.clip(k, 0, self.history.epochs))
        self.notice = ""

    def update(self, **changes) -> None:
        """Apply setting changes: data settings rebuild the dataset, the rest restart the run."""
        changes = {k: v for k, v in changes.items() if getattr(self.settings, k) != v}
        if not changes:
            return
        self.settings = self.settings.with_(**changes)
        if any(k in DATA_KEYS for k in changes) and self.settings.dataset != "custom":
            self.dataset = build_dataset(self.settings)
            self.version += 1
        if any(k not in VIEW_KEYS for k in changes):
            self.reset()

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
        q = self.settings.with_(epoch=self.epoch).to_query()
        if self.settings.dataset == "custom" and self.dataset.n:
            q["pts"] = encode_points(self.dataset.X, self.dataset.y, self.dataset.test)
        return q

    def _run(self, w, b, epochs, start):
        s = self.settings
        X, y, X_test, y_test = self.design()
        if s.mode == "rosenblatt":
            return rosenblatt(X, y, w, b, lr=s.lr, epochs=epochs, seed=s.seed, start_epoch=start,
                              X_test=X_test, y_test=y_test)
        return train(
            X, y, w, b, lr=s.lr, epochs=epochs, loss=s.loss, batch_size=self.batch_size, seed=s.seed,
            X_test=X_test, y_test=y_test, start_epoch=start,
            tol_cost=s.tol_cost or None, tol_grad=s.tol_grad or None,
        )
