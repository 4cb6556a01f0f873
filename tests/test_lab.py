"""The session's experiment (perceptron/lab.py) as a plain object, checked against the engine."""

from __future__ import annotations

import numpy as np
import pytest

import perceptron
from perceptron.data.datasets import Dataset, make_dataset
from perceptron.session.lab import Lab
from perceptron.session.settings import MAX_EPOCHS, Settings


def custom(X, y, test=None) -> Dataset:
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    y = np.asarray(y, dtype=int)
    return Dataset(X=X, y=y, test=np.zeros(len(y), bool) if test is None else np.asarray(test, bool))


EMPTY = custom(np.zeros((0, 2)), np.zeros(0, int))


def engine_run(lab: Lab, epochs: int, **kw) -> perceptron.History:
    """The lab's run from its epoch-0 weights, by the engine directly."""
    d = lab.dataset
    w0, b0 = lab.history.params(0)
    s = lab.settings
    if s.mode == "rosenblatt":
        return perceptron.rosenblatt(d.train_X, d.train_y, w0, b0, lr=s.lr, epochs=epochs, seed=s.seed, **kw)
    batch = {"batch": None, "minibatch": s.batch_size, "sample": 1}[s.mode]
    return perceptron.train(d.train_X, d.train_y, w0, b0, lr=s.lr, epochs=epochs, loss=s.loss,
                            batch_size=batch, seed=s.seed, **kw)


# --- 8. the click-to-add handler ------------------------------------------------------------------


def test_a_click_on_empty_space_adds_exactly_that_point():
    lab = Lab.from_settings(Settings())
    lab.step(3)
    before, version = lab.dataset, lab.version
    message = lab.on_plot_event({"event": "click", "x": 0.5, "y": -0.25, "subplot": "xy", "n": 3}, label=1)
    d = lab.dataset
    assert message and "0.5" in message and "-0.25" in message
    assert d.n == before.n + 1
    np.testing.assert_array_equal(d.X[:-1], before.X)
    np.testing.assert_array_equal(d.X[-1], [0.5, -0.25])
    assert d.y[-1] == 1 and not d.test[-1]
    np.testing.assert_array_equal(d.y[:-1], before.y)
    assert lab.settings.dataset == "custom" and lab.version == version + 1
    assert lab.epoch == 0 and lab.history.epochs == 0  # new points, new run

    lab.on_plot_event({"event": "click", "x": -2, "y": 3}, label=0, test=True)
    assert lab.dataset.n == before.n + 2
    np.testing.assert_array_equal(lab.dataset.X[-1], [-2.0, 3.0])
    assert lab.dataset.y[-1] == 0 and lab.dataset.test[-1]


def test_a_click_on_an_existing_point_adds_nothing():
    lab = Lab.from_settings(Settings())
    lab.step(2)
    before = lab.dataset
    event = {"event": "click", "x": 0.1, "y": 0.2, "point": {"curve": 0, "index": 3, "customdata": 7}}
    assert lab.on_plot_event(event, label=1) == ""
    assert lab.dataset is before and lab.epoch == 2 and lab.settings.dataset == "blobs"


MALFORMED_DICTS = [
    None, {}, {"event": "click"}, {"event": "click", "x": None, "y": 1.0}, {"event": "click", "x": "abc", "y": 1},
    {"event": "click", "x": float("nan"), "y": 0.0}, {"event": "click", "x": float("inf"), "y": 0.0},
    {"event": "click", "x": [1, 2], "y": 0}, {"event": "click", "x": {"a": 1}, "y": 0}, {"x": 1.0, "y": 2.0},
    {"event": "select", "points": []}, {"event": "frame", "index": 3, "end": True}, {"event": None},
    {"event": "click", "x": 1e400, "y": 1.0},
]
# what a broken or hostile browser message could turn into once decoded from JSON
MALFORMED_OTHER = ["click", ["click", 1, 2], 42, 3.5, True, b"click"]


@pytest.mark.parametrize("event", MALFORMED_DICTS, ids=repr)
def test_a_malformed_event_changes_nothing_and_never_raises(event):
    lab = Lab.from_settings(Settings())
    before, version = lab.dataset, lab.version
    lab.on_plot_event(event, label=1)
    assert lab.dataset is before and lab.version == version and lab.settings.dataset == "blobs"


@pytest.mark.parametrize("event", MALFORMED_OTHER, ids=repr)
def test_an_event_that_is_not_a_dict_changes_nothing_and_never_raises(event):
    lab = Lab.from_settings(Settings())
    before = lab.dataset
    assert lab.on_plot_event(event, label=1) == ""
    assert lab.dataset is before


def test_a_bad_label_adds_nothing_and_says_why():
    lab = Lab.from_settings(Settings())
    before = lab.dataset
    message = lab.on_plot_event({"event": "click", "x": 0.5, "y": -0.25}, label=2)
    assert "label" in message and lab.dataset is before


# --- 10. update, step, rewind, reset --------------------------------------------------------------


def test_a_data_setting_rebuilds_the_dataset_and_restarts_the_run():
    lab = Lab.from_settings(Settings())
    lab.step(5)
    version = lab.version
    lab.update(dataset="circles", n=80, noise=0.2, seed=3)
    expected = make_dataset("circles", n=80, noise=0.2, seed=3, test_fraction=0.2)
    np.testing.assert_array_equal(lab.dataset.X, expected.X)
    np.testing.assert_array_equal(lab.dataset.test, expected.test)
    assert lab.dataset.source == "circles" and lab.version == version + 1
    assert lab.epoch == 0 and lab.history.epochs == 0
    lab.update(test_fraction=0.5)
    assert int(lab.dataset.test.sum()) == 40 and lab.version == version + 2


def test_a_training_setting_restarts_the_run_on_the_same_points():
    lab = Lab.from_settings(Settings())
    lab.step(5)
    dataset, version = lab.dataset, lab.version
    lab.update(lr=2.0, loss="bce")
    assert lab.dataset is dataset and lab.version == version
    assert lab.epoch == 0 and lab.history.epochs == 0
    lab.step(4)
    np.testing.assert_allclose(lab.history.w, engine_run(lab, 4).w, rtol=1e-12)


def test_an_unchanged_setting_and_a_view_setting_keep_the_run():
    lab = Lab.from_settings(Settings())
    lab.step(5)
    history = lab.history
    lab.update(lr=0.5, dataset="blobs")  # the values it already has
    lab.update(hide=("landscape",))
    assert lab.history is history and lab.epoch == 5


def test_a_bad_setting_raises_and_changes_nothing():
    lab = Lab.from_settings(Settings())
    lab.step(2)
    with pytest.raises(ValueError, match="lr"):
        lab.update(lr=float("nan"))
    with pytest.raises(ValueError, match="dataset"):
        lab.update(dataset="<script>")
    assert lab.settings == Settings() and lab.epoch == 2


def test_data_settings_leave_hand_made_points_alone():
    lab = Lab.from_settings(Settings())
    points = custom([[0, 0], [1, 1], [2, 0]], [0, 1, 1])
    lab.set_dataset(points)
    lab.update(n=50, noise=0.5)
    assert lab.dataset is points and lab.settings.dataset == "custom"


def test_step_follows_the_engine_in_every_mode():
    for mode in ("batch", "minibatch", "sample"):
        lab = Lab.from_settings(Settings(mode=mode, batch_size=7, lr=1.0))
        lab.step(1)
        lab.step(3)
        lab.step(2)
        ref = engine_run(lab, 6)
        assert lab.epoch == 6
        np.testing.assert_allclose(lab.history.w, ref.w, rtol=1e-12, err_msg=mode)
        np.testing.assert_allclose(lab.history.cost, ref.cost, rtol=1e-12, err_msg=mode)


def test_step_respects_max_epochs_and_says_so():
    lab = Lab.from_settings(Settings(max_epochs=5))
    assert lab.step(3) == 3
    assert lab.step(10) == 2 and lab.epoch == 5 and lab.history.epochs == 5
    assert lab.step(1) == 0 and lab.epoch == 5 and "maximum of 5" in lab.notice
    lab.rewind(2)
    assert lab.step(10) == 3 and lab.epoch == 5
    lab.update(max_epochs=MAX_EPOCHS)
    assert lab.step(10 * MAX_EPOCHS) == MAX_EPOCHS and lab.epoch == MAX_EPOCHS


def test_rewind_then_step_continues_from_the_rewound_epoch():
    lab = Lab.from_settings(Settings(mode="minibatch", batch_size=8))  # shuffling depends on the epoch number
    lab.step(10)
    full = engine_run(lab, 10)
    lab.rewind(4)
    assert lab.epoch == 4 and lab.history.epochs == 10
    np.testing.assert_allclose(lab.params()[0], full.w[4], rtol=1e-12)
    assert lab.step(3) == 3
    assert lab.epoch == 7 and lab.history.epochs == 7  # epochs 5..10 dropped, 5..7 trained again
    np.testing.assert_allclose(lab.history.w, full.w[:8], rtol=1e-12)
    lab.rewind(-3)
    assert lab.epoch == 0
    lab.rewind(99)
    assert lab.epoch == 7


def test_reset_goes_back_to_the_initial_weights():
    lab = Lab.from_settings(Settings(init="manual", w1=1.5, w2=-2.0, b=0.25))
    lab.step(8)
    lab.reset()
    assert lab.epoch == 0 and lab.history.epochs == 0 and lab.notice == ""
    np.testing.assert_array_equal(lab.history.w[0], [1.5, -2.0])
    assert lab.history.b[0] == 0.25
    assert Lab.from_settings(Settings(init="zeros")).history.params(0)[1] == 0.0


def test_rosenblatt_mode_follows_the_perceptron_rule():
    lab = Lab.from_settings(Settings(mode="rosenblatt", lr=1.0))
    ran = lab.step(50)
    d = lab.dataset
    ref = engine_run(lab, 50, X_test=d.test_X, y_test=d.test_y)
    assert ran == ref.epochs and lab.epoch == ref.epochs
    np.testing.assert_allclose(lab.history.w, ref.w, rtol=1e-12)
    np.testing.assert_allclose(lab.history.cost, ref.cost)
    assert ref.stopped == "converged"  # blobs are separable: the rule stops by itself
    assert lab.step(1) == 0 and "Converged" in lab.notice
    w, b = lab.params()
    assert np.all(((d.train_X @ w + b) >= 0) == (d.train_y == 1))


def test_features_pipeline_is_what_the_neuron_trains_on():
    lab = Lab.from_settings(Settings(dataset="xor", maps=("x1*x2",), standardize=True, lr=2.0, loss="bce"))
    lab.step(20)
    X, y, *_ = lab.design()
    assert X.shape[1] == 3
    raw = lab.dataset.train_X
    mu, sd = raw.mean(axis=0), raw.std(axis=0)
    np.testing.assert_allclose(X[:, :2], (raw - mu) / sd, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(X[:, 2], X[:, 0] * X[:, 1], rtol=1e-9, atol=1e-12)
    ref = perceptron.train(X, y, *lab.history.params(0), lr=2.0, epochs=20, loss="bce")
    np.testing.assert_allclose(lab.history.w, ref.w, rtol=1e-12)
    assert lab.history.accuracy[-1] > 0.9  # the product feature separates XOR


def test_an_empty_dataset_does_not_crash():
    lab = Lab.from_settings(Settings())
    lab.step(3)
    lab.set_dataset(EMPTY)
    assert lab.dataset.n == 0 and lab.epoch == 0 and lab.sample == 0
    lab.step(5)
    lab.rewind(2)
    lab.reset()
    assert np.all(np.isfinite(lab.history.w)) and np.all(np.isfinite(lab.history.cost))
    assert lab.query() == {"dataset": "custom"}  # nothing to carry in the link
    lab.on_plot_event({"event": "click", "x": 1.0, "y": 2.0}, label=0)
    assert lab.dataset.n == 1


def test_only_test_points_means_no_training_points():
    d = make_dataset("blobs", n=20, seed=0)
    lab = Lab.from_settings(Settings())
    lab.set_dataset(custom(d.X, d.y, test=np.ones(20, bool)))
    assert lab.dataset.train_y.size == 0
    lab.step(3)
    assert np.all(np.isfinite(lab.history.w))


def test_the_sample_stays_inside_the_training_points():
    lab = Lab.from_settings(Settings())
    lab.sample = 70
    lab.set_dataset(custom([[0, 0], [1, 1], [2, 2]], [0, 1, 1]))
    assert lab.sample == 2


# --- 9. a lab's link reopens the same lab -----------------------------------------------------------


def reopen(lab: Lab) -> Lab:
    q = lab.query()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in q.items())
    settings, problems = Settings.from_query(q)
    assert problems == []
    return Lab.from_settings(settings, q.get("pts"))


def assert_same_experiment(a: Lab, b: Lab) -> None:
    assert a.settings.with_(epoch=0) == b.settings.with_(epoch=0)
    np.testing.assert_array_equal(a.dataset.X, b.dataset.X)
    np.testing.assert_array_equal(a.dataset.y, b.dataset.y)
    np.testing.assert_array_equal(a.dataset.test, b.dataset.test)
    assert b.epoch == a.epoch and b.history.epochs == a.epoch
    np.testing.assert_allclose(b.history.w, a.history.w[: a.epoch + 1], rtol=1e-12)
    np.testing.assert_allclose(b.history.b, a.history.b[: a.epoch + 1], rtol=1e-12)
    np.testing.assert_allclose(b.history.cost, a.history.cost[: a.epoch + 1], rtol=1e-12)


def test_a_default_lab_has_an_empty_link():
    assert Lab.from_settings(Settings()).query() == {}


def test_a_preset_lab_with_settings_and_epoch_reopens_from_its_link():
    lab = Lab.from_settings(Settings(dataset="moons", n=120, noise=0.25, seed=9, test_fraction=0.3,
                                     maps=("x1^2", "x2^2"), standardize=True, loss="bce", lr=0.8,
                                     mode="minibatch", batch_size=16, init_seed=4))
    lab.step(12)
    lab.rewind(9)
    assert_same_experiment(lab, reopen(lab))


def test_a_hand_made_lab_reopens_from_its_link():
    lab = Lab.from_settings(Settings())
    lab.set_dataset(custom([[0.5, -0.25], [1.0, 2.0], [-1.5, 0.75], [3.0, -2.0], [0.0, 0.125]],
                           [1, 0, 1, 0, 1], [False, False, False, False, True]))
    lab.update(lr=2.0, init="manual", w1=0.5, w2=-1.0, b=0.1)
    lab.step(6)
    q = lab.query()
    assert q["dataset"] == "custom" and q["epoch"] == "6" and "pts" in q
    again = reopen(lab)
    assert_same_experiment(lab, again)
    assert again.dataset.test.tolist() == [False, False, False, False, True]


def test_hand_made_points_travel_at_float32_precision():
    """The link packs coordinates as float32: arbitrary clicks come back within float32 rounding."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(30, 2)) * 3
    lab = Lab.from_settings(Settings())
    lab.set_dataset(custom(X, (X[:, 0] > 0).astype(int)))
    lab.step(4)
    again = reopen(lab)
    np.testing.assert_allclose(again.dataset.X, X, rtol=2**-23)
    np.testing.assert_allclose(again.history.w, lab.history.w, rtol=1e-5)
    assert again.epoch == 4


def test_too_many_points_for_a_link_raise_a_clear_error():
    d = make_dataset("blobs", n=500, seed=0)
    lab = Lab.from_settings(Settings())
    lab.set_dataset(custom(d.X, d.y))
    with pytest.raises(ValueError, match="at most 400"):
        lab.query()


@pytest.mark.parametrize("scale", [1e30, 1e39, 1e300])
def test_a_link_of_huge_coordinates_reopens_or_is_refused_up_front(scale):
    """A link must never be written that cannot be read back: either query() refuses (sync_link then
    says why), or the link reopens the same points."""
    lab = Lab.from_settings(Settings())
    lab.set_dataset(custom(np.array([[1.0, 2.0], [-3.0, 4.0]]) * scale, [0, 1]))
    try:
        q = lab.query()
    except ValueError as err:
        assert "link" in str(err)
        return
    settings, problems = Settings.from_query(q)
    assert problems == []
    again = Lab.from_settings(settings, q["pts"])  # decode_points raises on a damaged link
    np.testing.assert_allclose(again.dataset.X, lab.dataset.X, rtol=2**-23)
