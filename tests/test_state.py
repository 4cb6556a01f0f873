"""Settings <-> query parameters (perceptron/state.py): round trips, and links that are hostile."""

from __future__ import annotations

import base64
import math
import signal
import struct
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perceptron.lab import Lab
from perceptron.state import (
    DATASETS,
    INITS,
    LOSSES,
    MAX_LINK_POINTS,
    MODES,
    Settings,
    decode_points,
    encode_points,
)

FIELDS = {f.name: f.default for f in fields(Settings)}
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
                 tol_grad=10.0, epoch=5000, hide=("lr", "landscape"))
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
    hide=st.lists(st.sampled_from(HIDE), max_size=4).map(tuple),
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
    assert len(problems) == 6
    assert any("zzz" in p for p in problems) and all(len(p) < 200 for p in problems)


def test_page_and_points_are_not_settings():
    assert Settings.from_query({"page": "descent", "pts": "AAAA"}) == (Settings(), [])


KEYS = st.one_of(st.sampled_from([*FIELDS, "pts", "page"]), st.text(max_size=40))
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
    for key in query:
        if key in ("pts", "page"):
            continue
        if key not in FIELDS:
            assert any(str(key)[:30] in p for p in problems)  # an unknown key is named
            continue
        # each value is judged on its own: refused ones fall back to the default and are named
        alone, alone_problems = Settings.from_query({key: query[key]})
        assert getattr(s, key) == getattr(alone, key)
        if alone_problems:
            assert getattr(s, key) == FIELDS[key] and alone_problems[0] in problems
    # what was accepted survives the round trip
    assert Settings.from_query(s.to_query()) == (s, [])


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


class _TooSlow(Exception):
    pass


def _alarm(signum, frame):
    raise _TooSlow


@pytest.mark.parametrize("query", [
    {"mode": "sample", "n": "2000", "max_epochs": "5000", "epoch": "5000"},
    {"mode": "rosenblatt", "dataset": "overlap", "noise": "1", "n": "2000", "max_epochs": "5000", "epoch": "5000"},
], ids=["sample", "rosenblatt"])
def test_a_link_cannot_keep_the_server_busy_for_long(query):
    """Opening a link trains its epochs at once: the most a link can ask for must stay quick."""
    budget = 5
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(budget)
    try:
        settings_, problems = Settings.from_query(query)
        assert problems == []
        Lab.from_settings(settings_)
    except _TooSlow:
        pytest.fail(f"opening ?{'&'.join(f'{k}={v}' for k, v in query.items())} took over {budget} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
