"""Settings <-> query parameters (perceptron/state.py): round trips, and links that are hostile."""

from __future__ import annotations

import base64
import math
import struct
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perceptron.data.quoting import quoted
from perceptron.session.lab import Lab
from perceptron.session.netlab import NET_COSTS, NET_UPDATE_COST, NetLab
from perceptron.session.run import LINK_UPDATES, NEURON_COSTS, PLAY_UPDATES
from perceptron.session.settings import (
    DATASETS,
    INITS,
    LINK_ONLY,
    LOSSES,
    MAX_HIDDEN,
    MAX_LINK_POINTS,
    MODES,
    NET_DATASETS,
    NET_MODES,
    PLAY_STRIDES,
    NetSettings,
    Settings,
    decode_points,
    encode_points,
)
from testing.links import WORST_LINKS

FIELDS = {f.name: f.default for f in fields(Settings)}
NET_FIELDS = {f.name: f.default for f in fields(NetSettings)}
MAPS = ("x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
HIDE = ("dataset", "lr", "loss", "mode", "home", "forward", "backprop", "descent", "landscape")


def valid(s: Settings) -> bool:
    """Every field passes the checks that Settings.with_ applies."""
    s.with_(**{name: getattr(s, name) for name in FIELDS})
    return True


# --- round trips ------------------------------------------------------------------------------------


def test_defaults_make_an_empty_query_and_back():
    assert Settings().to_query() == {}
    assert Settings.from_query({}) == (Settings(), [])


def test_a_full_round_trip_of_every_kind_of_value():
    s = Settings(dataset="iris", n=7, noise=0.37, seed=2**31 - 1, test_fraction=0.9, iris_x="sepal_width_cm",
                 standardize=True, maps=("x1*x2", "sin(x2)"), loss="bce", lr=1e-7, mode="minibatch",
                 batch_size=2000, init="manual", w1=-1e6, w2=0.1 + 0.2, b=1 / 3, max_epochs=5000, tol_cost=1e-9,
                 tol_grad=10.0, epoch=5000, stride=10, hide=("lr", "landscape"))
    q = s.to_query()
    assert all(isinstance(v, str) for v in q.values())
    assert q["standardize"] == "1" and q["maps"] == "x1*x2,sin(x2)"
    assert Settings.from_query(q) == (s, [])


finite = lambda lo, hi: st.floats(lo, hi, allow_nan=False, allow_infinity=False)  # noqa: E731
SETTINGS = st.builds(
    Settings,
    dataset=st.sampled_from(DATASETS), n=st.integers(0, 2000), noise=finite(0, 1), seed=st.integers(0, 2**31 - 1),
    test_fraction=finite(0, 0.9), standardize=st.booleans(),
    maps=st.lists(st.sampled_from(MAPS), max_size=5).map(tuple), loss=st.sampled_from(LOSSES),
    lr=finite(0, 1000), mode=st.sampled_from(MODES), batch_size=st.integers(1, 2000), init=st.sampled_from(INITS),
    init_seed=st.integers(0, 2**31 - 1), w1=finite(-1e6, 1e6), w2=finite(-1e6, 1e6), b=finite(-1e6, 1e6),
    max_epochs=st.integers(1, 5000), tol_cost=finite(0, 10), tol_grad=finite(0, 10), epoch=st.integers(0, 5000),
    stride=st.sampled_from(PLAY_STRIDES), hide=st.lists(st.sampled_from(HIDE), max_size=4).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(SETTINGS)
def test_any_valid_settings_survive_the_link(s):
    q = s.to_query()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in q.items())
    assert Settings.from_query(q) == (s, [])


# --- hostile links ------------------------------------------------------------------------------------


HOSTILE = {
    "lr": ["nan", "NaN", "inf", "-inf", "-1", "1001", "1e309", "0x10", "", "1" * 5000, "½"],
    "n": ["-5", "2001", "1.5", "1e3", "", "9" * 5000, "NaN"],
    "epoch": ["-1", "5001", "99999999999999999999999"],
    "dataset": ["<script>alert(1)</script>", "XOR", "", "custom " * 1000],
    "loss": ["MSE", "hinge", ""],
    "mode": ["batch;drop", ""],
    "init": ["ones"],
    "maps": ["evil", "x1^2,evil", "x1^3"],
    "standardize": ["yes", "2", ""],
    "noise": ["1.5", "-0.1", "nan"],
    "test_fraction": ["0.95", "1"],
    "w1": ["1e7", "inf"],
    "batch_size": ["0"],
    "max_epochs": ["0", "5001"],
    "tol_cost": ["-1", "nan"],
    "seed": ["-1", "2147483648"],
}


@pytest.mark.parametrize(("key", "raw"), [(k, v) for k, vs in HOSTILE.items() for v in vs],
                         ids=lambda v: str(v)[:20])
def test_a_hostile_value_falls_back_to_its_default_and_is_named(key, raw):
    other = {"seed": "3"} if key != "seed" else {"n": "60"}  # a good value beside the bad one is kept
    s, problems = Settings.from_query({key: raw, **other})
    assert getattr(s, key) == FIELDS[key]
    assert s.seed == 3 if key != "seed" else s.n == 60
    assert len(problems) == 1 and key in problems[0] and "default" in problems[0]
    assert len(problems[0]) < 200  # a long value is not echoed back whole
    assert valid(s)


def test_the_other_values_of_a_hostile_link_are_kept():
    s, problems = Settings.from_query({"lr": "nan", "n": "-5", "dataset": "<script>", "maps": "evil",
                                       "loss": "bce", "seed": "4", "zzz": "1", "x" * 1000: "y" * 1000})
    assert (s.loss, s.seed) == ("bce", 4)
    assert s.with_(loss="mse", seed=0) == Settings()
    assert len(problems) == 5  # the two unknown keys in one message
    assert any("zzz" in p and "Ignored 2 link settings" in p for p in problems) and all(len(p) < 200 for p in problems)


def test_points_and_large_type_are_not_settings():
    assert Settings.from_query({"dataset": "custom", "pts": "AAAA", "large": "1"}) == (Settings(dataset="custom"), [])
    s, problems = Settings.from_query({"pts": "AAAA"})  # points without dataset=custom are not read: said
    assert s == Settings() and problems == ["Ignored the link's points (pts): they are read only with dataset=custom."]


def test_many_unknown_keys_make_one_short_message():
    s, problems = Settings.from_query({f"k{i}": "1" for i in range(500)} | {"page": "descent"})
    assert s == Settings() and len(problems) == 1
    assert problems[0] == "Ignored 501 link settings this app does not know: “k0”, “k1”, “k2” and 498 more."


@pytest.mark.parametrize("raw", ["２０００", "٣٠٠", "1_999", "1e3", " 12", "0x10", "١"])
def test_whole_numbers_are_ascii_digits_only(raw):
    s, problems = Settings.from_query({"n": raw})
    assert s.n == Settings().n and problems == [f"“{raw.strip()}” is not a valid n; using the default instead."]


@pytest.mark.parametrize("raw", ["０.5", "1_0.5", "٠.٥", "0.5\u00a0", "infinity", "0x1p-2"])
def test_numbers_are_ascii_digits_only(raw):
    s, problems = Settings.from_query({"lr": raw})
    assert s.lr == Settings().lr and len(problems) == 1 and "not a valid lr" in problems[0]


@pytest.mark.parametrize("raw, value", [("2000", 2000), ("+300", 300), ("007", 7)])
def test_ascii_whole_numbers_are_read(raw, value):
    assert Settings.from_query({"n": raw}) == (Settings(n=value), [])


@pytest.mark.parametrize("raw, value", [("1e-05", 1e-05), ("0.5", 0.5), (".25", 0.25), ("-1.5E+2", -150.0),
                                        ("1000.0", 1000.0), ("3", 3.0)])
def test_ascii_numbers_are_read(raw, value):
    assert Settings.from_query({"w1": raw}) == (Settings(w1=value), [])


def test_a_hide_list_keeps_the_locks_it_names_right():
    s, problems = Settings.from_query({"hide": "lr,![](http://e.invalid/x.png),landscape,nonsense"})
    assert s.hide == ("lr", "landscape")
    assert problems == ["Ignored “![](http://e.invalid/x.png)”, “nonsense” in hide: not a page or a setting to lock."]


def test_iris_choices_are_checked_and_not_echoed_at_length():
    s, problems = Settings.from_query({"dataset": "iris", "iris_a": "x\n\n![](http://e.invalid/t.png)" + "y" * 400})
    assert s == Settings(dataset="iris")
    assert problems == ["iris_a must be one of setosa, versicolor, virginica; using the default instead."]


KEYS = st.one_of(st.sampled_from([*FIELDS, *NET_FIELDS, *LINK_ONLY, "page"]), st.text(max_size=40))
VALUES = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789.-+eE_,xinfa ", max_size=30),
    st.sampled_from(["nan", "inf", "-5", "<script>", "evil", "1" * 5000, "x1^2,x2^2", "1", "0", "true"]),
    st.integers().map(str),
    st.floats().map(repr),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_any_query_gives_valid_settings_and_never_raises(query):
    s, problems = Settings.from_query(query)
    assert isinstance(s, Settings) and valid(s)
    assert all(isinstance(p, str) and len(p) < 300 for p in problems)
    unknown = [k for k in query if k not in (*FIELDS, *NET_FIELDS, *LINK_ONLY)]  # the link's own keys are known
    if unknown:  # summed up in one message that names the first three
        said = [p for p in problems if p.startswith(f"Ignored {len(unknown)} link setting")]
        assert len(said) == 1 and all(quoted(k) in said[0] for k in unknown[:3])
    for key in query:
        if key not in FIELDS:
            continue
        # each value is judged on its own: refused ones fall back to the default and are named
        alone, alone_problems = Settings.from_query({key: query[key]})
        assert getattr(s, key) == getattr(alone, key)
        if alone_problems:
            assert alone_problems[0] in problems
            if key != "hide":  # a hide list keeps the names it has right
                assert getattr(s, key) == FIELDS[key]
    # what was accepted survives the round trip
    assert Settings.from_query(s.to_query()) == (s, [])
    # the network's settings from the same link: valid, and their problems name their keys
    net, net_problems = NetSettings.from_query(query)
    assert isinstance(net, NetSettings) and NetSettings.from_query(net.to_query()) == (net, [])
    assert all(p.startswith("Hidden layer: ") and len(p) < 300 for p in net_problems)
    assert len(net_problems) == sum(NetSettings.from_query({k: query[k]})[1] != [] for k in query if k in NET_FIELDS)


# --- the hidden-layer network in the link --------------------------------------------------------------


def test_the_networks_defaults_make_no_keys_and_old_links_are_untouched():
    assert NetSettings().to_query() == {} and NetLab().query() == {}
    assert NetSettings.from_query({}) == (NetSettings(), [])
    old = {"dataset": "xor", "n": "60", "lr": "2.0", "epoch": "5", "pts": "AAAA", "page": "hidden"}
    assert NetSettings.from_query(old) == (NetSettings(), [])  # the neuron's keys are not the network's
    assert Settings.from_query(old)[0] == Settings(dataset="xor", n=60, lr=2.0, epoch=5)
    assert not set(NET_FIELDS) & set(FIELDS)  # no key changes its meaning


def test_a_full_round_trip_of_the_networks_settings():
    s = NetSettings(h=MAX_HIDDEN, hlr=0.1 + 0.2, hloss="mse", hmode="minibatch", hbatch=2000, hseed=2**31 - 1,
                    hdata="yours", hstride=10, hepoch=5000)
    q = s.to_query()
    assert set(q) == set(NET_FIELDS) and all(isinstance(v, str) for v in q.values())
    both = {**Settings(lr=0.25, epoch=3).to_query(), **q}
    assert NetSettings.from_query(both) == (s, [])
    assert Settings.from_query(both) == (Settings(lr=0.25, epoch=3), [])  # no "unknown setting" for h...


NET_SETTINGS = st.builds(
    NetSettings, h=st.integers(1, MAX_HIDDEN), hlr=finite(0, 1000), hloss=st.sampled_from(LOSSES),
    hmode=st.sampled_from(NET_MODES), hbatch=st.integers(1, 2000), hseed=st.integers(0, 2**31 - 1),
    hdata=st.sampled_from(NET_DATASETS), hstride=st.sampled_from(PLAY_STRIDES), hepoch=st.integers(0, 5000),
)


@settings(max_examples=200, deadline=None)
@given(NET_SETTINGS, SETTINGS)
def test_any_valid_network_survives_the_link_beside_any_neuron(net, s):
    q = {**s.to_query(), **net.to_query()}
    assert NetSettings.from_query(q) == (net, [])
    assert Settings.from_query(q) == (s, [])


NET_HOSTILE = {
    "h": ["0", "9", "3.0", "", "nan", "-1", "9" * 5000],
    "hlr": ["nan", "inf", "-1", "1001", "1e309", "abc"],
    "hloss": ["MSE", "hinge", ""],
    "hmode": ["rosenblatt", "batch;drop", ""],
    "hbatch": ["0", "2001", "1.5"],
    "hseed": ["-1", "2147483648", "x"],
    "hdata": ["iris", "custom", "<script>alert(1)</script>", ""],
    "hstride": ["3", "0", "2.0"],
    "hepoch": ["-1", "5001", "99999999999999999999999", "1e3"],
}


@pytest.mark.parametrize(("key", "raw"), [(k, v) for k, vs in NET_HOSTILE.items() for v in vs],
                         ids=lambda v: str(v)[:20])
def test_a_bad_network_value_falls_back_to_its_default_with_a_message(key, raw):
    other = {"hseed": "3"} if key != "hseed" else {"h": "5"}  # a good value beside the bad one is kept
    s, problems = NetSettings.from_query({key: raw, **other, "lr": "0.1"})
    assert getattr(s, key) == NET_FIELDS[key]
    assert s.hseed == 3 if key != "hseed" else s.h == 5
    assert len(problems) == 1, problems
    assert problems[0].startswith("Hidden layer: ") and key in problems[0] and "default" in problems[0]
    assert len(problems[0]) < 200  # a long value is not echoed back whole
    assert Settings.from_query({key: raw}) == (Settings(), [])  # and the neuron's settings ignore it


def test_a_network_reopens_from_its_settings_at_the_same_epoch():
    lab = NetLab(NetSettings(h=5, hlr=1.5, hloss="mse", hmode="minibatch", hbatch=8, hseed=7, hdata="circles", hstride=5))
    lab.step(12)
    lab.rewind(9)
    s = lab.link_settings()
    assert s == NetSettings(h=5, hlr=1.5, hloss="mse", hmode="minibatch", hbatch=8, hseed=7, hdata="circles",
                            hstride=5, hepoch=9)
    again = NetLab.from_settings(NetSettings.from_query(lab.query())[0])
    assert again.settings == s  # the same network, the same epoch
    assert again.epoch == 9 and again.history.epochs == 9
    np.testing.assert_array_equal(again.params().vector(), lab.params().vector())


def test_a_network_of_yours_reopens_on_the_neurons_points():
    main = Lab.from_settings(Settings(dataset="moons", n=60, maps=("x1^2",), standardize=True))
    again = NetLab.from_settings(NetSettings(hdata="yours", hepoch=4), (main.dataset, main.features))
    assert again.data is main.dataset and again.d == 3 and again.epoch == 4
    empty = Lab.from_settings(Settings(dataset="custom"))
    opened = NetLab.from_settings(NetSettings(hdata="yours", hepoch=4), (empty.dataset, empty.features))
    assert opened.n_train == 0 and opened.epoch == 0  # nothing to train on: the page says so


def test_a_networks_link_stops_at_its_budget_and_says_so():
    lab = NetLab.from_settings(NetSettings(hmode="sample", hepoch=5000), budget=40_000)
    n, rows = lab.n_train, lab.n_train + lab.data.test_y.size
    # one update per sample, NET_UPDATE_COST each, and the epoch's bookkeeping and pass over every point
    per_epoch = NET_UPDATE_COST * n + NET_COSTS.epoch + math.ceil(rows / NET_COSTS.rows_per_unit)
    assert lab.epoch == 40_000 // per_epoch > 0
    assert "asked for the network's epoch 5000" in lab.notice and f"opened at epoch {lab.epoch}" in lab.notice
    assert NetLab.from_settings(NetSettings(hepoch=20), budget=0).epoch == 0  # the neuron used it all
    assert NetLab.from_settings(NetSettings(hepoch=20), budget=LINK_UPDATES).epoch == 20


# --- points in a link -------------------------------------------------------------------------------


def test_points_round_trip():
    X = np.array([[0.5, -0.25], [1e6, -3.0], [0.0, 0.0], [-1.5, 2.75]])
    y = np.array([1, 0, 1, 0])
    test = np.array([False, True, False, True])
    text = encode_points(X, y, test)
    assert isinstance(text, str) and "=" not in text and "+" not in text and "/" not in text  # URL-safe
    X2, y2, test2 = decode_points(text)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)
    np.testing.assert_array_equal(test2, test)


def test_no_points_round_trip():
    X, y, test = decode_points(encode_points(np.zeros((0, 2)), [], []))
    assert X.shape == (0, 2) and y.size == 0 and test.size == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e6, 1e6, width=32), st.floats(-1e6, 1e6, width=32), st.booleans(),
                          st.booleans()), max_size=60))
def test_any_float32_points_round_trip(rows):
    X = np.array([[a, b] for a, b, *_ in rows], dtype=float).reshape(-1, 2)
    y = np.array([int(c) for *_, c, _ in rows], dtype=int)
    test = np.array([t for *_, t in rows], dtype=bool)
    X2, y2, test2 = decode_points(encode_points(X, y, test))
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)
    np.testing.assert_array_equal(test2, test)


def _raw(*rows) -> str:
    return base64.urlsafe_b64encode(b"".join(struct.pack("<ffB", *r) for r in rows)).decode().rstrip("=")


@pytest.mark.parametrize(("text", "why"), [
    ("%%%", "base64"),
    ("A", "damaged"),
    ("AAAA", "wrong length"),
    (_raw((1.0, 2.0, 0))[:-2], "damaged"),
    (_raw((float("nan"), 2.0, 0)), "finite"),
    (_raw((1.0, float("inf"), 1)), "finite"),
    (_raw((1.0, 2.0, 4)), "damaged"),
    (_raw(*[(1.0, 2.0, 0)] * (MAX_LINK_POINTS + 1)), "wrong length"),
    ("é" * 12, "damaged"),
])
def test_damaged_points_raise_a_clear_value_error(text, why):
    with pytest.raises(ValueError, match=why) as err:
        decode_points(text)
    assert "link" in str(err.value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_decodes_or_raises_value_error(text):
    try:
        X, y, test = decode_points(text)
    except ValueError as err:
        assert "damaged" in str(err)
        return
    assert X.shape[1] == 2 and np.all(np.isfinite(X)) and set(y.tolist()) <= {0, 1}
    assert len(y) == len(test) == len(X) <= MAX_LINK_POINTS


def test_too_many_points_are_refused_with_advice():
    with pytest.raises(ValueError, match="CSV"):
        encode_points(np.zeros((MAX_LINK_POINTS + 1, 2)), np.zeros(MAX_LINK_POINTS + 1, int),
                      np.zeros(MAX_LINK_POINTS + 1, bool))


@pytest.mark.parametrize("x", [1e39, -1e300, 3.5e38])
def test_points_a_link_cannot_carry_are_refused_when_encoding(x):
    """float32 tops out near 3.4e38: a larger coordinate must not be written as inf into a link that
    decode_points would then call damaged."""
    try:
        text = encode_points(np.array([[x, 1.0]]), [1], [False])
    except ValueError:
        return
    X, _, _ = decode_points(text)
    assert math.isclose(X[0, 0], x, rel_tol=2**-23)


# --- the work a link can ask for ---------------------------------------------------------------------


def _units(costs, mode: str, n: int, rows: int, batch_size: int, epochs: int) -> int:
    """What ``epochs`` epochs over n training points (``rows`` with the held-out ones) cost of a link's
    budget, counted here from the modes' definitions (not with the app's own helper): an update on one
    sample (single-sample, Rosenblatt's visits, mini-batches of one) counts ``costs.update``, one on more
    samples ``costs.batch_update`` and its samples; every epoch adds its bookkeeping and its pass over
    every point."""
    if mode in ("sample", "rosenblatt") or (mode == "minibatch" and batch_size == 1):
        updates = costs.update * n
    elif mode == "minibatch" and batch_size < n:  # every training sample in one mini-batch
        updates = costs.batch_update * math.ceil(n / batch_size) + math.ceil(n / costs.batch_rows_per_unit)
    else:
        updates = costs.batch_update
    return epochs * (updates + costs.epoch + math.ceil(rows / costs.rows_per_unit))


@pytest.mark.parametrize("query", WORST_LINKS.values(), ids=WORST_LINKS.keys())
def test_a_link_cannot_ask_for_more_than_its_budget_of_updates(query):
    """Opening a link trains its epochs at once (the neuron's, then the network's with what is left).
    What it may ask for is bounded by a count of updates, never by a clock: the work actually done
    (counted from the epochs reached, the points trained on and the declared cost of each kind of
    update) stays within ``LINK_UPDATES``, and uses it: one epoch more would not have fitted. A link
    that asked for more opens earlier and says so. What the budget costs in server time is
    ``python -m bench links``' "worst link" rows."""
    settings_, problems = Settings.from_query(query)
    net_settings, net_problems = NetSettings.from_query(query)
    assert problems == net_problems == []
    lab = Lab.from_settings(settings_)
    n, rows = lab.dataset.train_y.size, lab.dataset.y.size
    mode, bs = settings_.mode, settings_.batch_size
    used = _units(NEURON_COSTS, mode, n, rows, bs, lab.epoch)
    net = NetLab.from_settings(net_settings, (lab.dataset, lab.features), LINK_UPDATES - used)
    net_args = (NET_COSTS, net_settings.hmode, net.n_train, net.data.y.size, net_settings.hbatch)
    net_used = _units(*net_args, net.epoch)
    assert 0 < used + net_used <= LINK_UPDATES, (used, net_used)
    if settings_.epoch and lab.epoch < settings_.epoch and not lab.history.stopped:
        assert f"asked for epoch {settings_.epoch}" in lab.notice and f"at epoch {lab.epoch}" in lab.notice
        assert _units(NEURON_COSTS, mode, n, rows, bs, lab.epoch + 1) > LINK_UPDATES  # spent, not wasted
    if net_settings.hepoch and net.epoch < net_settings.hepoch and not net.history.stopped:
        assert f"epoch {net_settings.hepoch}" in net.notice and f"at epoch {net.epoch}" in net.notice
        assert used + _units(*net_args, net.epoch + 1) > LINK_UPDATES


def test_the_link_budget_is_spent_not_wasted():
    """A link within the budget trains to exactly its epoch (the bound does not cut short a link that
    fits): sample mode, 200 points, 100 epochs is 16,000 updates on 160 training points."""
    lab = Lab.from_settings(Settings.from_query({"mode": "sample", "n": "200", "epoch": "100"})[0])
    assert lab.epoch == 100 and lab.notice == ""
    assert _units(NEURON_COSTS, "sample", lab.dataset.train_y.size, 200, 1, 100) <= LINK_UPDATES
    full = Lab.from_settings(Settings.from_query({"n": "200", "max_epochs": "5000", "epoch": "1200"})[0])
    assert full.epoch == 1200 and full.notice == ""  # full batch at 200 points: 1,200 epochs of ~70 units fit
    dear = Lab.from_settings(Settings.from_query({"n": "2000", "max_epochs": "5000", "epoch": "5000"})[0])
    assert 0 < dear.epoch < 5000 and f"opened at epoch {dear.epoch}" in dear.notice  # priced in truth: said


PLAYS = {  # (neuron settings, network settings): the dearest chunks of Play a student can ask for
    "sample, 2,000 points, 10 epochs a frame": ({"mode": "sample", "n": "2000", "stride": "10"}, {}),
    "mini-batch of 1, 2,000 points": ({"mode": "minibatch", "batch_size": "1", "n": "2000"}, {}),
    "Rosenblatt, 2,000 points, 5 epochs a frame": ({"mode": "rosenblatt", "dataset": "xor", "n": "2000", "stride": "5"}, {}),
    "full batch, 2,000 points, 10 epochs a frame": ({"n": "2000", "stride": "10"}, {}),
    "network, sample, 2,000 points, h = 8, 10 epochs a frame": (
        {"n": "2000", "test_fraction": "0"}, {"hdata": "yours", "hmode": "sample", "h": "8", "hstride": "10"}),
}


@pytest.mark.parametrize("which", PLAYS.values(), ids=PLAYS.keys())
def test_a_chunk_of_play_is_bounded_by_a_count_of_updates(which):
    """A chunk of Play (what one press of Play, or one request for more frames, trains) stays within
    ``PLAY_UPDATES`` (counted here from the modes' definitions), or is one epoch where one epoch costs more;
    it still shows every frame's epoch, ``stride`` apart where that fits, and goes on where it stopped."""
    query, net_query = which
    lab = Lab.from_settings(Settings.from_query(query)[0])
    run, costs, s = lab, NEURON_COSTS, lab.settings
    args = (s.mode, lab.dataset.train_y.size, lab.dataset.y.size, s.batch_size)
    if net_query:
        run = NetLab.from_settings(NetSettings.from_query(net_query)[0], (lab.dataset, lab.features))
        costs, s = NET_COSTS, run.settings
        args = (s.hmode, run.n_train, run.data.y.size, s.hbatch)
    for _ in range(2):
        start = run.epoch
        shown = run.play_chunk(45)
        trained = run.epoch - start
        assert shown and shown[-1] == run.epoch and trained >= 1
        assert _units(costs, *args, trained) <= max(PLAY_UPDATES, _units(costs, *args, 1)), trained
        assert len(shown) <= 45 and all(b - a == shown[1] - shown[0] for a, b in zip(shown, shown[1:], strict=False))


@pytest.mark.parametrize("page", ["neuron", "network"])
def test_a_chunk_of_play_frames_keeps_one_epoch_axis(page):
    """Every frame of a Play chunk has the same epoch axis, reaching past the chunk by as much again: the
    browser redraws the whole figure when an axis changes (~100 ms), so not at 10, 20, 50, … nor at each chunk."""
    from perceptron.views import netscenes, scenes
    from perceptron.views.traces import epoch_axis_top

    if page == "neuron":
        run = Lab.from_settings(Settings.from_query({"stride": "2"})[0])
        frames, axis = (lambda shown: scenes.descent_frames(run, shown)), "xaxis3"
    else:
        run = NetLab.from_settings(NetSettings.from_query({"hstride": "2"})[0])
        frames, axis = (lambda shown: netscenes.frames(run, shown)), "xaxis2"
    tops = []
    for _ in range(4):
        shown = run.play_chunk(60)
        assert len(shown) == 60 and shown[1] - shown[0] == 2
        ranges = {tuple(f["layout"][axis]["range"]) for f in frames(shown)}
        assert len(ranges) == 1, ranges
        (low, top), = ranges
        assert low == 0 and top == epoch_axis_top(2 * shown[-1] - shown[0]) >= shown[-1] + 118
        tops.append(top)
    # epochs 2–120, …, 362–480: the axis changes once in 480 epochs (at 362), where 10, 20, 50, … changed it 5 times
    assert tops == [500, 500, 500, 1000]
