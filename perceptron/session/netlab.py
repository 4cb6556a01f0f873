r"""The hidden-layer page's experiment: a small network, its dataset and its training record.

A ``NetLab`` is to :mod:`perceptron.engine.network` what :class:`~perceptron.session.lab.Lab` is to the
single neuron: a plain object (numpy only) kept in one session's state, where Step,
Reset and Rewind happen. It owns its settings (hidden units, learning rate, cost,
update mode, seed), its dataset (a preset where one line is not enough, or the user's
own points from the main lab) and a :class:`~perceptron.engine.network.NetHistory`. Its settings
travel in the link as :class:`~perceptron.session.settings.NetSettings`.
Nothing here is shared between sessions and nothing is kept at module level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..data import datasets as ds
from ..engine import network as net
from .lab import LINK_UPDATES, updates_per_epoch
from .settings import LOSSES, MAX_EPOCHS, MAX_HIDDEN, NET_DATASETS, NET_MODES, PLAY_STRIDES, NetSettings

# one network update costs about as much time as this many single-neuron updates (sample mode, h = 8:
# ~95 µs against ~18 µs), so a link's training on opening stays within the neuron's LINK_UPDATES budget
NET_UPDATE_COST = 5
_DEFAULT = NetSettings()
DATASET_LABELS = {
    "xor": "XOR (four corners)",
    "circles": "Circles (a ring around a disc)",
    "moons": "Moons (two interlocking arcs)",
    "yours": "Your dataset (from the Dataset page)",
}
# settings that restart the run when they change (the play speed does not)
RUN_KEYS = ("h", "lr", "loss", "mode", "batch_size", "seed", "dataset")


def preset(name: str) -> ds.Dataset:
    """A preset the page offers: 100 seeded points (data seed 0), a fifth of them held out."""
    return ds.make_dataset(name, n=100, noise=0.1, seed=0, test_fraction=0.2)


def _check(name: str, value) -> str | None:
    """Why a setting's value is refused, or None."""
    if name == "h" and not (isinstance(value, int | np.integer) and 1 <= value <= MAX_HIDDEN):
        return f"The number of hidden units must be a whole number from 1 to {MAX_HIDDEN}."
    if name == "lr" and not (isinstance(value, int | float) and math.isfinite(value) and 0 <= value <= 1000):
        return "The learning rate must be a finite number from 0 to 1000."
    if name == "loss" and value not in LOSSES:
        return f"The cost must be one of {', '.join(LOSSES)}."
    if name == "mode" and value not in NET_MODES:
        return f"The update mode must be one of {', '.join(NET_MODES)}."
    if name == "batch_size" and not (isinstance(value, int | np.integer) and 1 <= value <= 2000):
        return "The mini-batch size must be a whole number from 1 to 2000."
    if name == "seed" and not (isinstance(value, int | np.integer) and 0 <= value < 2**31):
        return "The seed must be a whole number ≥ 0."
    if name == "dataset" and value not in NET_DATASETS:
        return f"The dataset must be one of {', '.join(NET_DATASETS)}."
    if name == "stride" and value not in PLAY_STRIDES:
        return f"Play shows one frame every {', '.join(map(str, PLAY_STRIDES))} epochs."
    return None


def _same_features(a: ds.Features | None, b: ds.Features | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.maps == b.maps and a.standardize == b.standardize
            and np.array_equal(a.mean, b.mean) and np.array_equal(a.std, b.std))


@dataclass(eq=False)
class NetLab:
    r"""One session's hidden-layer experiment.

    Attributes
    ----------
    h : int, 1 to ``MAX_HIDDEN``, hidden units
    lr : float, learning rate :math:`\alpha`
    loss : ``"mse"`` or ``"bce"``
    mode : ``"batch"``, ``"minibatch"`` or ``"sample"``
    batch_size : int, for mini-batches
    seed : int, the starting weights (:func:`perceptron.engine.network.init_params`) and the shuffling
    dataset : one of ``NET_DATASETS``; ``"yours"`` is the main lab's points and feature pipeline
    stride : int, epochs between two frames while playing
    data : Dataset, the points on screen
    features : Features, raw points → the network's inputs
    history : NetHistory, row k holds the state after k epochs
    epoch : int, the row on screen (rewinding only moves it; the next Step continues from it)
    sample : int, the training sample explained layer by layer
    unit : int, the hidden unit j whose weights w2_j and W1_ij are explained
    feature : int, the input i of the explained hidden weight W1_ij
    """

    h: int = _DEFAULT.h
    lr: float = _DEFAULT.hlr
    loss: str = _DEFAULT.hloss
    mode: str = _DEFAULT.hmode
    batch_size: int = _DEFAULT.hbatch
    seed: int = _DEFAULT.hseed
    dataset: str = _DEFAULT.hdata
    stride: int = _DEFAULT.hstride
    data: ds.Dataset | None = None
    features: ds.Features | None = None
    history: net.NetHistory = field(init=False)
    epoch: int = 0
    sample: int = 0
    unit: int = 0
    feature: int = 0
    notice: str = ""
    yours: tuple | None = None  # the main lab's (dataset, features), last adopted

    def __post_init__(self):
        for name in (*RUN_KEYS, "stride"):
            problem = _check(name, getattr(self, name))
            if problem:
                raise ValueError(problem)
        if self.data is None:
            self._load()
        if self.features is None:
            self.features = ds.fit_features(self.data.train_X)
        self.reset()

    @classmethod
    def from_settings(cls, s: NetSettings, yours: tuple | None = None, budget: int = LINK_UPDATES) -> NetLab:
        """The network a link describes, trained to its epoch within ``budget`` single-neuron updates;
        ``yours`` is the main lab's ``(dataset, features)``."""
        lab = cls(h=s.h, lr=s.hlr, loss=s.hloss, mode=s.hmode, batch_size=s.hbatch, seed=s.hseed, dataset=s.hdata,
                  stride=s.hstride, yours=yours)
        if s.hepoch:
            lab.step_for_link(s.hepoch, budget)
        return lab

    def settings(self) -> NetSettings:
        """The settings that reopen this network at the epoch on screen."""
        return NetSettings(h=int(self.h), hlr=float(self.lr), hloss=self.loss, hmode=self.mode,
                           hbatch=int(self.batch_size), hseed=int(self.seed), hdata=self.dataset,
                           hstride=int(self.stride), hepoch=int(self.epoch))

    def query(self) -> dict[str, str]:
        """The query parameters of this network (only those that differ from the defaults)."""
        return self.settings().to_query()

    # --- what the page reads ----------------------------------------------------------------

    def design(self):
        """``(X_train, y_train, X_test, y_test)`` as the network sees them (after the feature pipeline)."""
        f, d = self.features, self.data
        return f.transform(d.train_X), d.train_y.astype(float), f.transform(d.test_X), d.test_y.astype(float)

    @property
    def d(self) -> int:
        """Number of inputs."""
        return self.features.d

    @property
    def n_train(self) -> int:
        return int(self.data.train_y.size)

    def params(self, k: int | None = None) -> net.Params:
        """The weights at epoch k (the epoch on screen by default)."""
        return self.history.params(self.epoch if k is None else int(k))

    def initial_params(self) -> net.Params:
        return net.init_params(self.d, self.h, self.seed)

    @property
    def batch(self):
        return {"batch": None, "minibatch": self.batch_size, "sample": 1}[self.mode]

    # --- what the page does -----------------------------------------------------------------

    def reset(self) -> None:
        """Back to epoch 0 with the seeded starting weights (the dataset stays)."""
        self.history = self._run(self.initial_params(), 0, 0)
        self.epoch = 0
        self.notice = ""
        self.choose()

    def step(self, epochs: int = 1) -> int:
        """Train ``epochs`` more epochs from the epoch on screen (dropping any after it); returns how many ran."""
        nxt = self._next(epochs)
        if isinstance(nxt, str):
            self.notice = nxt
            return 0
        base, more = nxt
        self.history = base.extend(more)
        self.epoch = self.history.epochs
        self.notice = more.message or self._overshoot(base.epochs)
        return more.epochs

    def preview(self, epochs: int = 1) -> net.NetHistory | None:
        """The history :meth:`step` would leave (the lab itself unchanged), or None if it would not train.

        The page sends the next epoch's picture ahead, so that the browser can draw it the
        moment Step is pressed; the server's answer then only confirms it.
        """
        nxt = self._next(epochs)
        return None if isinstance(nxt, str) else nxt[0].extend(nxt[1])

    def _next(self, epochs: int):
        """``(history up to the epoch on screen, the epochs a Step adds)``, or why a Step would not train."""
        epochs = int(min(epochs, MAX_EPOCHS - self.epoch))
        if epochs <= 0:
            return f"Reached the maximum of {MAX_EPOCHS} epochs a session keeps. Reset to start again."
        if self.history.stopped and self.epoch == self.history.epochs:
            return self.history.message
        base = self.history.upto(self.epoch)
        return base, self._run(base.params(), epochs, self.epoch)

    def step_for_link(self, epochs: int, budget: int = LINK_UPDATES) -> None:
        """Train to the epoch a link asks for, at most ``budget`` single-neuron updates' worth
        (``NET_UPDATE_COST`` each); says so when it stopped short."""
        if self.n_train == 0:
            return
        allowed = max(int(budget), 0) // (NET_UPDATE_COST * updates_per_epoch(self.n_train, self.mode, self.batch_size))
        if allowed:
            self.step(min(epochs, allowed))
        if epochs > allowed:
            self.notice = (f"This link asked for the network's epoch {epochs}; it opened at epoch {self.epoch} "
                           "(press Step to go on).")

    def _overshoot(self, start: int) -> str:
        cost = self.history.cost[start:]
        if self.mode != "batch" or cost.size < 2 or not np.any(np.diff(cost) > 1e-12):
            return ""
        k = start + int(np.argmax(np.diff(cost) > 1e-12)) + 1
        return (f"The cost went up at epoch {k}: the step overshot. A learning rate smaller than {self.lr:g} "
                "descends more steadily.")

    def rewind(self, k: int) -> None:
        """Show epoch k; the record after it stays until the next Step."""
        self.epoch = int(np.clip(k, 0, self.history.epochs))
        self.notice = ""

    def choose(self, sample: int | None = None, unit: int | None = None, feature: int | None = None) -> None:
        """Pick the sample and the weights to explain (each kept within range)."""
        clip = lambda v, n: int(np.clip(v, 0, max(n - 1, 0)))
        self.sample = clip(self.sample if sample is None else sample, self.n_train)
        self.unit = clip(self.unit if unit is None else unit, self.h)
        self.feature = clip(self.feature if feature is None else feature, self.d)

    def update(self, **changes) -> None:
        """Apply setting changes (a bad value raises ValueError): the dataset reloads, the run restarts."""
        changes = {k: v for k, v in changes.items() if getattr(self, k) != v}
        for name, value in changes.items():
            problem = _check(name, value)
            if problem:
                raise ValueError(problem)
        for name, value in changes.items():
            setattr(self, name, value)
        if "dataset" in changes:
            self._load()
        if any(k in RUN_KEYS for k in changes):
            self.reset()

    def adopt(self, dataset: ds.Dataset, features: ds.Features) -> None:
        """Remember the main lab's points and pipeline; on ``"yours"`` a change of them restarts the run."""
        self.yours = (dataset, features)
        if self.dataset == "yours" and (self.data is not dataset or not _same_features(self.features, features)):
            self._load()
            self.reset()

    def play_chunk(self, frames: int) -> list[int]:
        """Train up to ``frames × stride`` epochs; returns the epochs to show, one per frame ([] if none ran)."""
        start = self.epoch
        if not self.step(frames * self.stride):
            return []
        shown = list(range(start + self.stride, self.epoch + 1, self.stride))
        return shown if shown and shown[-1] == self.epoch else [*shown, self.epoch]

    # --- inside -------------------------------------------------------------------------------

    def _load(self) -> None:
        if self.dataset != "yours":
            self.data = preset(self.dataset)
            self.features = ds.fit_features(self.data.train_X)
        elif self.yours is not None:
            self.data, self.features = self.yours
        else:
            self.data = ds.Dataset(X=np.zeros((0, 2)), y=np.zeros(0, dtype=int), test=np.zeros(0, dtype=bool))
            self.features = ds.fit_features(self.data.train_X)

    def _run(self, p: net.Params, epochs: int, start: int) -> net.NetHistory:
        X, y, X_test, y_test = self.design()
        return net.train(X, y, p, lr=self.lr, epochs=epochs, loss=self.loss, batch_size=self.batch,
                         seed=self.seed, start_epoch=start, X_test=X_test, y_test=y_test)
