r"""The one declared experiment state: every setting, its type and default, once.

``Settings`` is a frozen dataclass; it serializes itself to flat string query
parameters and back (``to_query`` / ``from_query``), so a link is the whole
experiment. ``NetSettings`` does the same for the hidden-layer page's network,
with short keys of its own in the same link. Decoding never raises: a bad or
hostile value falls back to its default and is named in the returned list of
problems. Imports the standard library and numpy only.
"""

from __future__ import annotations

import base64
import math
import re
import struct
from dataclasses import dataclass, fields, replace
from types import MappingProxyType

import numpy as np

from ..data.features import FEATURE_MAPS
from ..data.iris import IRIS_FEATURES, IRIS_SPECIES
from ..data.quoting import quoted
from ..engine import modes

DATASETS = ("blobs", "overlap", "and", "or", "xor", "circles", "moons", "function", "iris", "custom")
LOSSES = ("mse", "bce")
MODES = tuple(modes.MODES)  # perceptron.engine.modes declares them
INITS = ("random", "zeros", "manual")


@dataclass(frozen=True)
class Page:
    """One page, declared once: its ``key`` (a teacher's link hides it by this name), its script, the label and
    icon of its link in the sidebar, the line Home says of it, and whether a teacher's link may hide it (``lab``:
    the class page is the teacher's own, shown with the teacher's key only)."""

    key: str
    script: str
    label: str
    icon: str
    hint: str = ""
    lab: bool = True


SITE = (
    Page("home", "app.py", "Home", ":material/home:"),
    Page("dataset", "pages/1_Dataset.py", "1 · Dataset", ":material/scatter_plot:", "Pick a preset, or click to place your own points."),
    Page("forward", "pages/2_Forward_propagation.py", "2 · Forward propagation", ":material/arrow_forward:", "Follow one sample through x·w + b = z, σ(z) = ŷ."),
    Page("backprop", "pages/3_Backpropagation.py", "3 · Backpropagation", ":material/arrow_back:", "Every factor of the chain rule, with numbers."),
    Page("descent", "pages/4_Gradient_descent.py", "4 · Gradient descent", ":material/trending_down:", "Step, Play, and watch the boundary move."),
    Page("landscape", "pages/5_Loss_landscape.py", "5 · Loss landscape", ":material/landscape:", "The cost as a surface, and what the learning rate does."),
    Page("hidden", "pages/6_Hidden_layer.py", "6 · Hidden layer", ":material/hub:", "A hidden layer bends the boundary: XOR, circles, moons."),
    Page("class", "pages/7_Class.py", "7 · Class", ":material/groups:", lab=False),  # the teacher's live class
)
PAGES = tuple(p.key for p in SITE if p.lab)  # the names a teacher's link may hide
MAX_EPOCHS = 5000  # the most epochs one session keeps (bounded memory per user)
MAX_LINK_POINTS = 400  # hand-made datasets up to this size travel in the link
# the hidden-layer page's network (perceptron/session/netlab.py)
NET_DATASETS = ("xor", "circles", "moons", "yours")
NET_MODES = modes.NET_MODES
MAX_HIDDEN = 8
PLAY_STRIDES = (1, 2, 5, 10)
# what a teacher's link may lock (hide=...) besides a page: the settings students may not change ("points": the
# dataset's choice and its points, named apart from the Dataset page, which a lock never hides)
LOCKABLE = ("points", "n", "noise", "seed", "test_fraction", "standardize", "maps", "lr", "loss", "mode",
            "batch_size", "init", "init_seed", "w1", "w2", "b", "max_epochs", "tol_cost", "tol_grad", "h", "hdata",
            "hlr", "hloss", "hmode", "hbatch", "stride", "hseed", "hstride")
# link parameters that are not settings: the hand-made points, Large type (a projector's), the teacher's task for the
# students (text, shown as text), the guided lesson's step (1, 2, ...) and the live class's (a student's seat
# token, a join link's class code, the teacher's key)
LINK_ONLY = ("pts", "large", "task", "lesson", "seat", "class", "teacher")


class _Declared:
    """What both settings classes share: a checked copy and the flat query form, through the one
    table of ranges and choices below (``_RANGES``, ``_CHOICES``)."""

    def with_(self, **changes):
        """A copy with ``changes`` applied, each value checked (a bad one raises ValueError)."""
        for name, value in changes.items():
            problem = _check(name, value)
            if problem:
                raise ValueError(problem)
        return replace(self, **changes)

    def checked(self):
        """These settings, once each value has passed the checks of :meth:`with_` (else ValueError)."""
        return self.with_(**{f.name: getattr(self, f.name) for f in fields(self)})

    def to_query(self) -> dict[str, str]:
        """The settings that differ from their defaults, as flat strings."""
        return {f.name: _encode(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) != f.default}


@dataclass(frozen=True)
class Settings(_Declared):
    """Every setting of an experiment, with its default."""

    dataset: str = "blobs"
    n: int = 100
    noise: float = 0.1
    seed: int = 0
    test_fraction: float = 0.2
    iris_x: str = "petal_length_cm"
    iris_y: str = "petal_width_cm"
    iris_a: str = "setosa"
    iris_b: str = "versicolor"
    standardize: bool = False
    maps: tuple[str, ...] = ()
    loss: str = "mse"
    lr: float = 0.5
    mode: str = "batch"
    batch_size: int = 10
    init: str = "random"
    init_seed: int = 0
    w1: float = 0.0
    w2: float = 0.0
    b: float = 0.0
    max_epochs: int = 1000
    tol_cost: float = 0.0
    tol_grad: float = 0.0
    epoch: int = 0
    stride: int = 1  # epochs between two frames while playing: 60 frames a second show 60 epochs
    hide: tuple[str, ...] = ()  # teacher flags: names of controls or pages to hide

    @classmethod
    def from_query(cls, query) -> tuple[Settings, list[str]]:
        """Settings from query parameters; unknown or bad values fall back to defaults.

        Returns the settings and a list of human-readable problems (empty when the
        link was clean). The network's keys (``NetSettings``) are left to it.
        """
        return _from_query(cls, query, known=(*LINK_ONLY, *NET_KEYS))


@dataclass(frozen=True)
class NetSettings(_Declared):
    """The hidden-layer page's network, in the same link as the neuron: its keys start with h.

    ``h`` hidden units, ``hlr`` learning rate, ``hloss`` cost, ``hmode`` update mode, ``hbatch``
    mini-batch size, ``hseed`` weight seed, ``hdata`` dataset (``yours`` is the neuron's), ``hstride``
    epochs per frame while playing, ``hepoch`` the epoch reached.
    """

    h: int = 3
    hlr: float = 2.0
    hloss: str = "bce"
    hmode: str = "batch"
    hbatch: int = 10
    hseed: int = 0
    hdata: str = "xor"
    hstride: int = 1
    hepoch: int = 0

    @classmethod
    def from_query(cls, query) -> tuple[NetSettings, list[str]]:
        """The network's settings from query parameters (other keys are ignored here); bad values fall
        back to defaults and are named in the problems."""
        settings, problems = _from_query(cls, query)
        return settings, [f"Hidden layer: {p}" for p in problems]


_RANGES = MappingProxyType({  # every number setting's range; whole-number bounds make a whole-number setting
    "n": (0, 2000),
    "noise": (0.0, 1.0),
    "seed": (0, 2**31 - 1),
    "test_fraction": (0.0, 0.9),
    "lr": (0.0, 1000.0),
    "batch_size": (1, 2000),
    "init_seed": (0, 2**31 - 1),
    "w1": (-1e6, 1e6),
    "w2": (-1e6, 1e6),
    "b": (-1e6, 1e6),
    "max_epochs": (1, MAX_EPOCHS),
    "tol_cost": (0.0, 10.0),
    "tol_grad": (0.0, 10.0),
    "epoch": (0, MAX_EPOCHS),
    "h": (1, MAX_HIDDEN),
    "hlr": (0.0, 1000.0),
    "hbatch": (1, 2000),
    "hseed": (0, 2**31 - 1),
    "hepoch": (0, MAX_EPOCHS),
})
_CHOICES = MappingProxyType({"dataset": DATASETS, "loss": LOSSES, "mode": MODES, "init": INITS,
                             "iris_x": IRIS_FEATURES, "iris_y": IRIS_FEATURES, "iris_a": IRIS_SPECIES,
                             "iris_b": IRIS_SPECIES,
                             "hloss": LOSSES, "hmode": NET_MODES, "hdata": NET_DATASETS, "hstride": PLAY_STRIDES,
                             "stride": PLAY_STRIDES})
NET_KEYS = tuple(f.name for f in fields(NetSettings))
_MAPS = tuple(FEATURE_MAPS)  # declared with the maps (perceptron/data/features.py)


def _check(name, value) -> str | None:
    """Why ``value`` is refused for the setting ``name``, or None (a whole-number setting is declared
    with whole-number bounds)."""
    if name in _RANGES:
        lo, hi = _RANGES[name]
        kinds = (int, np.integer) if isinstance(lo, int) else (int, float, np.integer, np.floating)
        if isinstance(value, bool) or not isinstance(value, kinds):
            return f"{name} must be a {'whole ' if isinstance(lo, int) else ''}number"
        if not math.isfinite(value):
            return f"{name} must be a finite number"
        if not lo <= value <= hi:
            return f"{name} must be between {lo:g} and {hi:g}"
    if name in _CHOICES and value not in _CHOICES[name]:
        return f"{name} must be one of {', '.join(map(str, _CHOICES[name]))}"
    if name == "maps" and any(m not in _MAPS for m in value):
        return f"maps must be among {', '.join(_MAPS)}"
    if name == "hide" and any(h not in (*PAGES, *LOCKABLE) for h in value):
        return "hide may only name pages and settings a teacher can lock"
    return None


def _lockable(hide: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """The names of a link's hide list that a teacher can lock, and a problem naming the others: the
    locks a link names right stay locked whatever else it names."""
    bad = [h for h in hide if h not in (*PAGES, *LOCKABLE)]
    if not bad:
        return hide, None
    named = ", ".join(quoted(h) for h in bad[:SHOWN_UNKNOWN]) + (f" and {len(bad) - SHOWN_UNKNOWN} more"
                                                                  if len(bad) > SHOWN_UNKNOWN else "")
    return tuple(h for h in hide if h not in bad), f"Ignored {named} in hide: not a page or a setting to lock."


SHOWN_UNKNOWN = 3  # unknown keys named in the one message about them


def _from_query(cls, query, known=None):
    """``cls`` from the query's values of its own fields, and the problems. Other keys are skipped,
    or, when ``known`` is given, summed up in one message unless they are in it."""
    kinds = {f.name: f for f in fields(cls)}
    values, problems, unknown = {}, [], []
    for key in query:
        if key not in kinds:
            if known is not None and key not in known:
                unknown.append(key)
            continue
        raw = str(query[key])
        try:
            value = _decode(raw[:400], type(kinds[key].default))
            if key == "hide":
                value, unlockable = _lockable(value)
                if unlockable:
                    problems.append(unlockable)
            problem = _check(key, value)
        except (ValueError, OverflowError):
            problem = f"{quoted(raw)} is not a valid {key}"
        if problem:
            problems.append(f"{problem}; using the default instead.")
        else:
            values[key] = value
    if unknown:
        more = len(unknown) - SHOWN_UNKNOWN
        named = ", ".join(quoted(k) for k in unknown[:SHOWN_UNKNOWN]) + (f" and {more} more" if more > 0 else "")
        problems.append(f"Ignored {len(unknown)} link setting{'s' if len(unknown) > 1 else ''} this app does not "
                        f"know: {named}.")
    if known is not None and "pts" in query and values.get("dataset") != "custom":
        problems.append("Ignored the link's points (pts): they are read only with dataset=custom.")
    return cls(**values), problems


_INT = re.compile(r"[+-]?[0-9]{1,30}")  # ASCII digits only: no "２０００", "٣٠٠" or "1_999"
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")


def _encode(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _decode(raw: str, kind):
    if kind is bool:
        if raw not in ("0", "1", "true", "false"):
            raise ValueError(raw)
        return raw in ("1", "true")
    if kind is tuple:
        return tuple(s for s in raw.split(",") if s)
    if kind is int:
        if not _INT.fullmatch(raw):
            raise ValueError(raw)
        return int(raw)
    if kind is float:
        if not _FLOAT.fullmatch(raw):
            raise ValueError(raw)
        return float(raw)
    return raw


# --- hand-made points in the link -------------------------------------------------------------


def encode_points(X, y, test) -> str:
    r"""Pack up to ``MAX_LINK_POINTS`` points into a URL-safe string.

    Each point is two float32 coordinates and one byte (bit 0: label, bit 1: test),
    9 bytes a point, base64url-encoded: 400 points make a 4.8 kB link.
    """
    with np.errstate(over="ignore"):
        X = np.asarray(X, dtype=np.float32).reshape(-1, 2)
    if not np.all(np.isfinite(X)):
        raise ValueError("A coordinate is too large for a link. Download the points as CSV to share them instead.")
    if X.shape[0] > MAX_LINK_POINTS:
        raise ValueError(
            f"This dataset has {X.shape[0]} points; a link carries at most {MAX_LINK_POINTS}. "
            "Download it as CSV to share it instead."
        )
    flags = np.asarray(y, dtype=np.uint8) | (np.asarray(test, dtype=np.uint8) << 1)
    raw = b"".join(struct.pack("<ffB", float(a), float(c), int(f)) for (a, c), f in zip(X, flags, strict=True))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_points(text: str):
    """The inverse of :func:`encode_points`; raises ValueError with a clear message on a bad string."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("The points in this link are damaged (not valid base64).")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise ValueError("The points in this link are damaged (not valid base64).") from None
    if len(raw) % 9 or len(raw) // 9 > MAX_LINK_POINTS:
        raise ValueError("The points in this link are damaged (wrong length).")
    rows = [struct.unpack("<ffB", raw[i : i + 9]) for i in range(0, len(raw), 9)]
    X = np.array([[a, c] for a, c, _ in rows], dtype=float).reshape(-1, 2)
    flags = np.array([f for *_, f in rows], dtype=np.uint8)
    if not np.all(np.isfinite(X)):
        raise ValueError("The points in this link are damaged (a coordinate is not a finite number).")
    if np.any(flags > 3):
        raise ValueError("The points in this link are damaged (a point's class or test mark is not 0 or 1).")
    return X, (flags & 1).astype(int), (flags & 2).astype(bool)
