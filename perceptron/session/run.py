r"""What every experiment does with its training record: Step, Play, Rewind, Reset and a link's epoch.

A :class:`Run` holds a training record (a :class:`~perceptron.engine.history.Record`), the epoch
on screen and its settings (a frozen table of :mod:`perceptron.session.settings`).
:class:`~perceptron.session.lab.Lab` (the single neuron) and :class:`~perceptron.session.netlab.NetLab`
(the hidden-layer network) are thin subclasses: they build their points, start and train their
model (``initial_params``, ``_run``) and name which of their settings plays each part (``ROLES``).
Numpy only; nothing here is shared between sessions, nothing mutable is kept at module level.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

import numpy as np

from ..data import datasets as ds
from ..engine import modes
from ..engine.history import Record, rises
from ..text.teaching import apart
from .settings import MAX_EPOCHS
from .trainings import SHARED_FROM, Trainings, training_key

# What a link may ask the server to train on opening, counted in single-sample updates of the neuron with
# 7 inputs (the budget's unit, ~1.6 µs of CPU on the busy 2-core reference machine); every other kind of work
# counts as its measured number of them (``LinkCosts``). With what a page computes after training
# (``PAGE_UNITS``), the dearest link of every page costs at most ~0.5 s of server CPU (``python -m bench links``,
# each page run whole in process), against up to 3.8 s when a full-batch epoch counted 22 units (it costs
# ~200) and a network's update 14 (it cost ~45; ~30 since issue 20's engine changes).
LINK_UPDATES = 85_000
# What a page may compute after training, in the same units, at the largest link (2,000 points, 7 inputs,
# 5,000 epochs): the loss landscape's two surfaces and five comparison runs, the Backpropagation page's
# ledger rows, the points of a path drawn. Each page bounds its own work (``views.scenes.landscape_res``,
# ``compare_epochs`` and ``PATH_POINTS``, ``LEDGER_ROWS``); ``tests/test_links_budget.py`` counts it, the engine
# instrumented, against this.
PAGE_UNITS = 60_000
# the Backpropagation page's ledger: the most samples it prints (all of the default 200 points' 160 training ones;
# the chosen sample and those around it past that), and what printing one costs (every number by the printing
# rule, decided exactly where floats cannot: up to ~0.5 ms a row with 7 inputs, the sigmoid saturated, load 13)
LEDGER_ROWS = 160
LEDGER_ROW_UNITS = 320
# the loss landscape's surface (``engine.backprop.cost_slice``): grid points × samples per unit (~10 ns a cell
# with cross-entropy, ~4 with MSE)
SLICE_CELLS_PER_UNIT = 130
# the most the next Step's picture, drawn ahead on every run of a stepping page (``Run.preview``), may train
PREVIEW_UNITS = 10_000
# the most one chunk of Play may train, in the same units: under a tenth of a second of CPU (bench: python -m
# bench links, µs per unit), so that a class pressing Play does not hold the shared server
PLAY_UPDATES = 30_000


@dataclass(frozen=True)
class LinkCosts:
    """What a model's training costs of a link's budget, in units of one single-sample update of the neuron.

    ``update``: one update on one sample; ``batch_update``: one update on a mini-batch of more than one
    sample, or on the whole batch, and besides it one unit per ``batch_rows_per_unit`` samples in the
    mini-batch (an epoch's mini-batches hold every training sample once); ``epoch``: the bookkeeping every
    epoch does whatever its size (its record, the seeded order, the held-out set's call); ``rows_per_unit``:
    every epoch also passes over all the points, training and held-out (the cost, accuracy and gradient its
    record keeps): one unit per this many points. Measured by ``python -m bench links`` (CPU per unit, by
    mode, at the most inputs, hidden units and points a link can name), rounded to the safe side: no kind of
    work costs more CPU per unit than a single-sample update of the neuron.
    """

    update: int = 1
    batch_update: int = 1
    batch_rows_per_unit: int = 1
    epoch: int = 0
    rows_per_unit: int = 1


# the neuron, 7 inputs, n = 2,000 (bench, load ~6): a sample ~1.3–1.6 µs (plain floats; Rosenblatt's rule ~1 µs),
# a numpy mini-batch ~18 µs and up to ~1 µs a sample in it, a full-batch epoch 0.05 ms at n = 20 and 0.14–0.29 ms
# at n = 2,000 (cross-entropy the dearer; ~0.07 µs a point, held-out points included)
NEURON_COSTS = LinkCosts(update=1, batch_update=20, batch_rows_per_unit=8, epoch=30, rows_per_unit=10)


def epoch_units(costs: LinkCosts, mode: str, n: int, rows: int, batch_size: int) -> int:
    """What one epoch over ``n`` training points (``rows`` with the held-out ones) costs of a link's budget, in
    ``costs``: its updates, its bookkeeping and its pass over every point. ``mode``: a key of
    :data:`perceptron.engine.modes.MODES` (a mini-batch of ``batch_size``)."""
    n = max(int(n), 0)
    every_epoch = costs.epoch + -(-int(rows) // costs.rows_per_unit)
    per = updates_per_epoch(n, mode, batch_size)
    if modes.mode(mode).one_at_a_time(batch_size):
        return costs.update * per + every_epoch
    if per > 1:  # mini-batches: every training sample is in one of them
        every_epoch += -(-n // costs.batch_rows_per_unit)
    return costs.batch_update * per + every_epoch


def updates_per_epoch(n: int, mode: str, batch_size: int) -> int:
    """Weight updates in one epoch over n training points: one (full batch), one per mini-batch, or n."""
    return modes.mode(mode).updates(n, batch_size)


@dataclass(eq=False, kw_only=True)
class Run:
    r"""A training record and the epoch on screen.

    Attributes
    ----------
    history : Record
        Row k holds the state after k epochs; ``epoch`` is the row on screen, so rewinding
        only moves ``epoch`` and the next Step continues from there.
    epoch : int
    notice : str
        What the last Step (or link) has to tell the learner, "" when nothing.

    A subclass has ``settings`` (``Settings`` or ``NetSettings``) and ``features`` (raw points → the
    model's inputs), and declares:
    ``ROLES``, which of its settings is the learning rate (``"lr"``), the cost (``"loss"``), the update
    mode (``"mode"``), the mini-batch size (``"batch_size"``) and the link's epoch (``"epoch"``);
    ``DATA_KEYS``, the settings that change the points (:meth:`_load` reloads them);
    ``VIEW_KEYS``, the settings that leave the run as it is (any other restarts it);
    ``COSTS``, what its training costs of a link's budget of ``LINK_UPDATES`` (:class:`LinkCosts`);
    ``OVERSHOOT_MODES``, the modes in which a rising cost means the step overshot;
    ``LINK_WHAT``, how the notice of a link that opened earlier names the epoch it asked for.
    """

    history: Record = field(init=False)
    epoch: int = 0
    notice: str = ""

    # the process's shared trainings (:class:`~perceptron.session.trainings.Trainings`), handed over by the web layer
    # (None: every training runs here); an attribute of the run, not a setting
    trainings: ClassVar[Trainings | None] = None

    ROLES: ClassVar[Mapping[str, str]] = MappingProxyType({"lr": "lr", "loss": "loss", "mode": "mode",
                                                           "batch_size": "batch_size", "epoch": "epoch"})
    DATA_KEYS: ClassVar[tuple[str, ...]] = ()
    VIEW_KEYS: ClassVar[tuple[str, ...]] = ()
    COSTS: ClassVar[LinkCosts] = NEURON_COSTS
    OVERSHOOT_MODES: ClassVar[tuple[str, ...]] = (modes.BATCH.key,)
    LINK_WHAT: ClassVar[str] = "epoch"

    # --- what a subclass provides --------------------------------------------------------------

    @property
    def points(self) -> ds.Dataset:
        """The points the run trains on (the training ones) and is tested on (the held-out ones)."""
        raise NotImplementedError

    def initial_params(self):
        """The starting weights, in the form ``history.params()`` gives them."""
        raise NotImplementedError

    def _run(self, params, epochs: int, start: int) -> Record:
        """Train ``epochs`` epochs from ``params``, the epoch numbered ``start`` (for the seeded order)."""
        raise NotImplementedError

    def _load(self) -> None:
        """Rebuild the points after a change of ``DATA_KEYS``."""

    def _stuck(self, before: Record) -> str:
        """A warning when a Step from ``before`` changed nothing it should have ("" by default)."""
        return ""

    # --- what the pages read -------------------------------------------------------------------

    def setting(self, role: str):
        """The value of the setting that plays ``role`` (see ``ROLES``)."""
        return getattr(self.settings, self.ROLES[role])

    def design(self):
        """``(X_train, y_train, X_test, y_test)`` as the model sees them (after the feature pipeline): made once per
        pipeline and points (a page reads them many times a run), read-only, since every reader shares them."""
        f, d = self.features, self.points
        made = getattr(self, "_design", None)
        if made is None or made[0] is not f or made[1] is not d:
            arrays = (f.transform(d.train_X), d.train_y.astype(float), f.transform(d.test_X), d.test_y.astype(float))
            for a in arrays:
                a.setflags(write=False)
            made = self._design = (f, d, arrays)
        return made[2]

    @property
    def n_train(self) -> int:
        return int(self.points.train_y.size)

    @property
    def mode(self) -> modes.Mode:
        """The update mode the run trains in (:mod:`perceptron.engine.modes`)."""
        return modes.mode(self.setting("mode"))

    @property
    def measure(self) -> str:
        """The name of the number training reports each epoch: "cost" (Rosenblatt's rule: "misclassified fraction")."""
        return self.mode.measure

    def params(self, k: int | None = None):
        """The weights at epoch k (the epoch on screen by default)."""
        return self.history.params(self.epoch if k is None else int(k))

    @property
    def batch(self):
        """The engine's ``batch_size``: None for full batch, the setting for mini-batches, 1 per sample."""
        return self.mode.batch_size(self.setting("batch_size"))

    @property
    def updates_per_epoch(self) -> int:
        """Weight updates one epoch makes (what a link's training on opening is counted in)."""
        return updates_per_epoch(self.n_train, self.setting("mode"), self.setting("batch_size"))

    @property
    def epoch_cost(self) -> int:
        """What one epoch costs of a link's budget (``LINK_UPDATES``): its updates, its bookkeeping and its
        pass over the training and held-out points, in single-sample updates of the neuron (``COSTS``)."""
        n = self.n_train
        return epoch_units(self.COSTS, self.setting("mode"), n, n + int(self.points.test_y.size),
                           self.setting("batch_size"))

    @property
    def limit(self) -> int:
        """The last epoch a Step may reach."""
        return MAX_EPOCHS

    @property
    def stride(self) -> int:
        """Epochs between two frames while playing."""
        return 1

    def link_settings(self):
        """The settings that reopen this run at the epoch on screen."""
        return self.settings.with_(**{self.ROLES["epoch"]: int(self.epoch)})

    def query(self) -> dict[str, str]:
        """The query parameters that reopen this run (only those that differ from the defaults)."""
        return self.link_settings().to_query()

    # --- what the pages do ---------------------------------------------------------------------

    def reset(self) -> None:
        """Back to epoch 0 with the initial weights (the points stay)."""
        self.history = self._run(self.initial_params(), 0, 0)
        self.epoch = 0
        self.notice = ""

    def step(self, epochs: int = 1) -> int:
        """Train ``epochs`` more epochs from the epoch on screen; returns how many ran.

        Future epochs past the one on screen (after a rewind) are dropped first. Stops at
        :attr:`limit` (at most ``MAX_EPOCHS``, the bound on what a session keeps) and at the stop rules.
        """
        nxt = self._next(epochs)
        if isinstance(nxt, str):
            self.notice = nxt
            return 0
        base, more = nxt
        self.history = base.extend(more)
        self.epoch = self.history.epochs
        self.notice = more.message or self._overshoot(base.epochs) or self._stuck(base)
        return more.epochs

    def preview(self, epochs: int = 1) -> Record | None:
        """The history :meth:`step` would leave (the run itself unchanged), or None if it would not train, or
        if those epochs cost more than ``PREVIEW_UNITS``.

        The page sends the next epoch's picture ahead, so that the browser can draw it
        the moment Step is pressed; the server's answer then only confirms it. Every run of a stepping page
        trains it, the link's first included: where an epoch is dear (a network's single-sample epoch over
        2,000 points is ~81,000 units, ~0.1 s) the Step is drawn when the server answers instead.
        """
        if epochs * self.epoch_cost > PREVIEW_UNITS:
            return None
        nxt = self._next(epochs)
        return None if isinstance(nxt, str) else nxt[0].extend(nxt[1])

    def _next(self, epochs: int):
        """``(history up to the epoch on screen, the epochs a Step adds)``, or why a Step would not train."""
        limit = self.limit
        epochs = int(min(epochs, limit - self.epoch))
        if epochs <= 0:
            if limit < MAX_EPOCHS:
                return f"Reached the maximum of {limit} epochs. Reset, or raise the limit."
            return f"Reached the maximum of {MAX_EPOCHS} epochs a session keeps. Reset to start again."
        if self.history.stopped and self.epoch == self.history.epochs:
            return self.history.message
        base = self.history.upto(self.epoch)
        return base, self._trained(base.params(), epochs, self.epoch)

    def _trained(self, params, epochs: int, start: int) -> Record:
        """:meth:`_run`, found in the shared :attr:`trainings` when another session trained the same epochs of
        the same experiment from the same start (a class pressing Play from one link), kept there otherwise."""
        store = self.trainings
        if store is None or epochs < SHARED_FROM:
            return self._run(params, epochs, start)
        key = self.training_key(params, epochs, start)
        return store.get(key) or store.put(key, self._run(params, epochs, start))

    def training_key(self, params, epochs: int, start: int) -> bytes:
        """What :meth:`_run` depends on, as a key: the model, every setting but those that leave the run as it is
        (``VIEW_KEYS``, the link's epoch), the points as the model sees them, the start."""
        skip = {*self.VIEW_KEYS, self.ROLES["epoch"]}
        settings = {f.name: getattr(self.settings, f.name) for f in dataclasses.fields(self.settings)
                    if f.name not in skip}
        return training_key(type(self).__name__, settings, self.design(), params, epochs, start)

    def _overshoot(self, start: int) -> str:
        """A warning when the cost went up during the last steps (epochs ``start`` to the one on screen): how many
        times, the last rise and its numbers, and what a smaller learning rate does in this mode. Full batch: once
        the rate is small enough, every epoch goes down (the costs are smooth). Mini-batch or one sample at a
        time: each update follows part of the data, so the whole data's cost can go up at any rate."""
        cost = self.history.cost[start:]
        mode = self.setting("mode")
        if mode not in self.OVERSHOOT_MODES or cost.size < 2:
            return ""
        ups = [start + k for k in rises(cost)]
        if not ups:
            return ""
        k, lr = ups[-1], self.setting("lr")
        before, after = apart(self.history.cost[k - 1], self.history.cost[k])  # digits enough to show it rose
        now = ", the epoch on screen" if k == self.epoch else ""
        if len(ups) == 1:
            said = f"The cost went up at epoch {k} (from {before} to {after}{now})"
        else:
            said = (f"The cost went up {len(ups)} times in these {cost.size - 1} epochs (epochs {start + 1} to "
                    f"{start + cost.size - 1}), the last at epoch {k} (from {before} to {after}{now})")
        if mode == modes.BATCH.key:
            return (f"{said}: the step overshot the valley. Full-batch gradient descent goes down every epoch once "
                    f"the learning rate is small enough, and {lr:g} is not; try a smaller one, or rewind to go back.")
        part = "one sample's" if modes.mode(mode).one_at_a_time(self.setting("batch_size")) else "a mini-batch's"
        return (f"{said}. Each update here follows {part} gradient, not the whole data's, so the whole data's cost "
                f"can go up now and then at any learning rate; a smaller one than {lr:g} makes every update smaller "
                "in proportion. Rewind to go back.")


    def rewind(self, k: int) -> None:
        """Show epoch k (its parameters, cost and boundary); the record after it stays until the next Step."""
        self.epoch = int(np.clip(k, 0, self.history.epochs))
        self.notice = ""

    def step_for_link(self, epochs: int, budget: int = LINK_UPDATES) -> None:
        """Train to the epoch a link asks for, within ``budget`` (each epoch costing :attr:`epoch_cost`),
        so that a link cannot keep a shared server busy; says so when it stopped short."""
        if self.n_train == 0:
            return
        allowed = max(int(budget), 0) // self.epoch_cost
        if allowed:
            self.step(min(epochs, allowed))
        if epochs > allowed:
            self.notice = (f"This link asked for {self.LINK_WHAT} {epochs}; it opened at epoch {self.epoch} "
                           "(press Step to go on).")

    def open_link(self, budget: int = LINK_UPDATES) -> None:
        """Train to the epoch the settings name (a link's), within ``budget``."""
        if self.setting("epoch"):
            self.step_for_link(self.setting("epoch"), budget)

    def play_chunk(self, frames: int) -> list[int]:
        """Train up to ``frames × stride`` epochs within ``PLAY_UPDATES`` of budget (fewer frames, and fewer epochs
        a frame, where epochs are dear; at least one epoch); returns the epochs to show, one per frame ([] if none
        ran). The browser asks for the next chunk before this one has played out."""
        cost = max(self.epoch_cost, 1)
        stride = max(1, min(self.stride, PLAY_UPDATES // cost))
        frames = max(1, min(frames, PLAY_UPDATES // (stride * cost)))
        start = self.epoch
        if not self.step(frames * stride):
            return []
        shown = list(range(start + stride, self.epoch + 1, stride))
        return shown if shown and shown[-1] == self.epoch else [*shown, self.epoch]

    def update(self, **changes) -> None:
        """Apply setting changes (a bad value raises ValueError and changes nothing): the points reload
        after a change of ``DATA_KEYS``, the run restarts after a change of any but ``VIEW_KEYS``."""
        changes = {k: v for k, v in changes.items() if getattr(self.settings, k) != v}
        if not changes:
            return
        self.settings = self.settings.with_(**changes)
        if any(k in self.DATA_KEYS for k in changes):
            self._load()
        if any(k not in self.VIEW_KEYS for k in changes):
            self.reset()
