"""Training a class shares (issue 21: "what depends only on the experiment is computed once per experiment and
kept"): the same chunk of the same experiment from the same start is trained once per process, and every
session gets exactly the record it would have trained itself.

The reference is a lab without the store, trained the usual way: every shared record must equal it bit for bit,
and two experiments that differ in anything that shapes training must never share.
"""

import threading

import numpy as np
import pytest

from perceptron.session.lab import Lab
from perceptron.session.netlab import NetLab
from perceptron.session.settings import NetSettings, Settings
from perceptron.session.trainings import SHARED_FROM, Trainings


def _same(a, b):
    return all(np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True)
               for f in a.row_names() if getattr(a, f) is not None) and a.stopped == b.stopped


@pytest.mark.parametrize("query", [{}, {"mode": "minibatch", "batch_size": 7, "loss": "bce"},
                                   {"mode": "sample", "lr": 2.0}, {"mode": "rosenblatt", "dataset": "xor"},
                                   {"maps": ("x1^2", "x1*x2"), "standardize": True}])
def test_a_class_opening_one_link_and_playing_trains_each_chunk_once_and_gets_its_own_record(query):
    store = Trainings()
    settings = Settings(n=120, epoch=90, **query)
    alone = Lab.from_settings(settings)
    class_ = [Lab.from_settings(settings, trainings=store) for _ in range(5)]
    assert (store.misses, store.hits) == (1, 4)  # the link's 90 epochs: trained once
    for lab in class_:
        assert _same(lab.history, alone.history)
    chunks = [lab.play_chunk(300) for lab in (*class_, alone)]
    assert all(c == chunks[-1] for c in chunks)
    assert (store.misses, store.hits) == (2, 8)
    for lab in class_:
        assert _same(lab.history, alone.history)
    # a student who stepped on first asks from another start: trained for them, then shared with the next
    class_[0].step(3), class_[1].step(3), alone.step(3)
    for lab in (class_[0], class_[1], alone):
        lab.play_chunk(300)
    assert (store.misses, store.hits) == (3, 9)
    assert _same(class_[0].history, alone.history) and _same(class_[1].history, alone.history)


@pytest.mark.parametrize("change", [{"lr": 0.6}, {"seed": 1}, {"loss": "bce"}, {"init_seed": 2}, {"noise": 0.2},
                                    {"test_fraction": 0.3}, {"tol_cost": 0.05}, {"standardize": True}])
def test_experiments_that_differ_in_what_shapes_training_never_share(change):
    store = Trainings()
    first = Lab.from_settings(Settings(n=80, epoch=60), trainings=store)
    other = Lab.from_settings(Settings(n=80, epoch=60, **change), trainings=store)
    assert store.hits == 0 and store.misses == 2
    assert _same(other.history, Lab.from_settings(Settings(n=80, epoch=60, **change)).history)
    assert not _same(first.history, other.history) or change == {"tol_cost": 0.05}


def test_a_hand_made_point_or_a_view_setting():
    store = Trainings()
    lab = Lab.from_settings(Settings(n=80, epoch=60), trainings=store)
    same_view = Lab.from_settings(Settings(n=80, epoch=60, stride=5, hide=("lr",)), trainings=store)
    assert store.hits == 1  # the stride and a teacher's lock leave the run as it is: shared
    assert _same(lab.history, same_view.history)
    moved = Lab.from_settings(Settings(n=80), trainings=store)
    moved.on_plot_event({"event": "click", "x": 0.5, "y": 0.25}, label=1)
    moved.step(60)
    assert store.hits == 1 and store.misses == 2  # one more point: its own training
    ref = Lab.from_settings(Settings(n=80))
    ref.on_plot_event({"event": "click", "x": 0.5, "y": 0.25}, label=1)
    ref.step(60)
    assert _same(moved.history, ref.history)


def test_the_hidden_layer_shares_too():
    store = Trainings()
    main = Lab.from_settings(Settings())
    nets = [NetLab.from_settings(NetSettings(hepoch=120), (main.dataset, main.features), trainings=store)
            for _ in range(3)]
    alone = NetLab.from_settings(NetSettings(hepoch=120), (main.dataset, main.features))
    assert (store.misses, store.hits) == (1, 2)
    for net in nets:
        assert _same(net.history, alone.history)


def test_small_steps_are_not_kept_and_kept_records_are_read_only():
    store = Trainings()
    lab = Lab.from_settings(Settings(n=60), trainings=store)
    lab.step(SHARED_FROM - 1)
    lab.preview(1)
    assert len(store) == 0 and store.misses == 0
    lab.step(SHARED_FROM)
    (record,) = store._kept.values()
    with pytest.raises(ValueError):
        record.cost[0] = 1.0  # what every session reads: nobody writes into it
    lab.step(5)  # the run goes on from a copy
    assert lab.history.cost.flags.writeable


def test_the_store_keeps_the_newest_and_is_safe_across_threads():
    store = Trainings(size=3)
    labs = [Lab.from_settings(Settings(n=40, seed=s)) for s in range(5)]
    records = {}
    for s, lab in enumerate(labs):
        key = lab.training_key(lab.initial_params(), 40, 0)
        records[s] = key
        store.put(key, lab._run(lab.initial_params(), 40, 0))
    assert len(store) == 3 and store.get(records[0]) is None and store.get(records[4]) is not None

    shared, errors = Trainings(size=8), []

    def student(seed):
        try:
            for _ in range(20):
                lab = Lab.from_settings(Settings(n=40, seed=seed % 3, epoch=40), trainings=shared)
                ref = Lab.from_settings(Settings(n=40, seed=seed % 3, epoch=40))
                assert _same(lab.history, ref.history)
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=student, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(shared) <= 8 and shared.hits > 0
