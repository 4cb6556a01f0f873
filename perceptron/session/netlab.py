r"""The hidden-layer page's experiment: a small network, its dataset and its training record.

A ``NetLab`` is to :mod:`perceptron.engine.network` what :class:`~perceptron.session.lab.Lab` is to the
single neuron: a :class:`~perceptron.session.run.Run` (Step, Play, Reset, Rewind) kept in one session's
state. Its settings are a :class:`~perceptron.session.settings.NetSettings` (hidden units, learning
rate, cost, update mode, seed, dataset, play speed), checked by the same declared table as the
neuron's and carried in the same link; its dataset is a preset where one line is not enough, or the
user's own points from the main lab. Nothing here is shared between sessions and nothing is kept
at module level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from ..data import datasets as ds
from ..engine import network as net
from .run import LINK_UPDATES, LinkCosts, Run
from .settings import NetSettings

# one network update on one sample (h = 8, 7 inputs: ~43–60 µs, 27–40 units) costs this many single-sample updates
# of the neuron, the unit of a link's budget (LINK_UPDATES); one on a mini-batch ~35–100 µs and ~0.3 µs a sample
# in it; an epoch's bookkeeping ~0.1 ms, its pass over every point ~0.45 µs a point (bench, load ~6)
NET_UPDATE_COST = 40
NET_COSTS = LinkCosts(update=NET_UPDATE_COST, batch_update=65, batch_rows_per_unit=3, epoch=60, rows_per_unit=2)
DATASET_LABELS = MappingProxyType({
    "xor": "XOR (four corners)",
    "circles": "Circles (a ring around a disc)",
    "moons": "Moons (two interlocking arcs)",
    "yours": "Your dataset (from the Dataset page)",
})


def preset(name: str) -> ds.Dataset:
    """A preset the page offers: 100 seeded points (data seed 0), a fifth of them held out."""
    return ds.make_dataset(name, n=100, noise=0.1, seed=0, test_fraction=0.2)


def _same_features(a: ds.Features | None, b: ds.Features | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.maps == b.maps and a.standardize == b.standardize
            and np.array_equal(a.mean, b.mean) and np.array_equal(a.std, b.std))


@dataclass(eq=False)
class NetLab(Run):
    r"""One session's hidden-layer experiment.

    Attributes
    ----------
    settings : NetSettings
        ``h`` hidden units, ``hlr`` learning rate, ``hloss`` cost, ``hmode`` update mode, ``hbatch``
        mini-batch size, ``hseed`` the starting weights (:func:`perceptron.engine.network.init_params`)
        and the shuffling, ``hdata`` the dataset (``"yours"``: the main lab's points and feature
        pipeline), ``hstride`` epochs between two frames while playing.
    yours : (Dataset, Features) or None, the main lab's, last adopted
    data : Dataset, the points on screen
    features : Features, raw points → the network's inputs
    history : NetHistory, row k holds the state after k epochs (see :class:`Run`)
    sample : int, the training sample explained layer by layer
    unit : int, the hidden unit j whose weights w2_j and W1_ij are explained
    feature : int, the input i of the explained hidden weight W1_ij
    """

    settings: NetSettings = NetSettings()
    yours: tuple | None = None
    data: ds.Dataset = field(init=False)
    features: ds.Features = field(init=False)
    sample: int = 0
    unit: int = 0
    feature: int = 0

    ROLES = MappingProxyType({"lr": "hlr", "loss": "hloss", "mode": "hmode", "batch_size": "hbatch", "epoch": "hepoch"})
    DATA_KEYS = ("hdata",)
    VIEW_KEYS = ("hstride", "hepoch")
    COSTS = NET_COSTS
    LINK_WHAT = "the network's epoch"

    def __post_init__(self):
        self.settings = self.settings.checked()
        self._load()
        self.reset()

    @classmethod
    def from_settings(cls, s: NetSettings, yours: tuple | None = None, budget: int = LINK_UPDATES,
                      trainings=None) -> NetLab:
        """The network a link describes, trained to its epoch within ``budget`` (in single-sample updates of
        the neuron, see :class:`~perceptron.session.run.LinkCosts`);
        ``yours`` is the main lab's ``(dataset, features)``; ``trainings`` the process's shared trainings."""
        lab = cls(s, yours)
        if trainings is not None:
            lab.trainings = trainings
        lab.open_link(budget)
        return lab

    # --- what the page reads ----------------------------------------------------------------

    @property
    def points(self) -> ds.Dataset:
        return self.data

    # what the figures and the LaTeX read: the number of hidden units and of inputs, the cost
    h = property(lambda self: self.settings.h, doc="Number of hidden units.")
    d = property(lambda self: self.features.d, doc="Number of inputs.")
    loss = property(lambda self: self.settings.hloss, doc='The cost, ``"mse"`` or ``"bce"``.')
    stride = property(lambda self: self.settings.hstride, doc="Epochs between two frames while playing.")

    def initial_params(self) -> net.Params:
        return net.init_params(self.d, self.h, self.settings.hseed)

    # --- what the page does -----------------------------------------------------------------

    def reset(self) -> None:
        """Back to epoch 0 with the seeded starting weights (the dataset stays)."""
        super().reset()
        self.choose()

    def choose(self, sample: int | None = None, unit: int | None = None, feature: int | None = None) -> None:
        """Pick the sample and the weights to explain (each kept within range)."""
        clip = lambda v, n: int(np.clip(v, 0, max(n - 1, 0)))  # noqa: E731
        self.sample = clip(self.sample if sample is None else sample, self.n_train)
        self.unit = clip(self.unit if unit is None else unit, self.h)
        self.feature = clip(self.feature if feature is None else feature, self.d)

    def adopt(self, dataset: ds.Dataset, features: ds.Features) -> None:
        """Remember the main lab's points and pipeline; on ``"yours"`` a change of them restarts the run."""
        self.yours = (dataset, features)
        if self.settings.hdata == "yours" and (self.data is not dataset or not _same_features(self.features, features)):
            self._load()
            self.reset()

    # --- inside -------------------------------------------------------------------------------

    def _load(self) -> None:
        name = self.settings.hdata
        if name != "yours":
            self.data = preset(name)
            self.features = ds.fit_features(self.data.train_X)
        elif self.yours is not None:
            self.data, self.features = self.yours
        else:
            self.data = ds.Dataset(X=np.zeros((0, 2)), y=np.zeros(0, dtype=int), test=np.zeros(0, dtype=bool))
            self.features = ds.fit_features(self.data.train_X)

    def _run(self, params: net.Params, epochs: int, start: int) -> net.NetHistory:
        s = self.settings
        X, y, X_test, y_test = self.design()
        return net.train(X, y, params, lr=s.hlr, epochs=epochs, loss=s.hloss, batch_size=self.batch,
                         seed=s.hseed, start_epoch=start, X_test=X_test, y_test=y_test)
